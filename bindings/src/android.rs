//! The one JNI entry point: `SessionKitNative.nativeInit(context)`, which the Kotlin wrapper
//! calls once (from `SessionKit.initialize(context)`) before any client is built.
//!
//! It keeps the process's `JavaVM` for the Android adapters that must call the platform
//! (the Keystore-backed store reaches it through [`java_vm`]), and on Android it hands the
//! application `Context` to `rustls-platform-verifier`, which checks server certificates
//! against the device's trust store (T1) and cannot work without it. On a desktop JVM the
//! same entry point runs (the host tests call it) and only keeps the VM.
//!
//! UniFFI calls go through JNA and need none of this; only code that calls *into* Java does.

use std::sync::OnceLock;

use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JClass, JObject};
use jni::{EnvUnowned, JavaVM};

static JAVA_VM: OnceLock<JavaVM> = OnceLock::new();

/// The JavaVM hosting this process, once `SessionKitNative.nativeInit` has run.
pub(crate) fn java_vm() -> Option<&'static JavaVM> {
    JAVA_VM.get()
}

/// Whether `SessionKit.initialize(context)` has run in this process.
#[uniffi::export]
pub fn is_native_initialized() -> bool {
    java_vm().is_some()
}

/// `dev.sessionkit.SessionKitNative.nativeInit(context: Any?)`, a `@JvmStatic external fun`.
/// Calling it again is harmless: the first VM and context stay. Errors and panics become a
/// Java `RuntimeException`; nothing unwinds into the JVM (E6).
// SAFETY: `no_mangle` exports this symbol under the exact name the JVM resolves for the
// Kotlin `external fun`; no other symbol in the library has that name. The signature matches
// a static native method taking one object, and `EnvUnowned::with_env` catches panics.
#[allow(unsafe_code)]
#[expect(
    unreachable_pub,
    reason = "an exported symbol the JVM resolves by name, not a Rust API"
)]
#[unsafe(no_mangle)]
pub extern "system" fn Java_dev_sessionkit_SessionKitNative_nativeInit<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    context: JObject<'local>,
) {
    env.with_env(|env| -> Result<(), jni::errors::Error> {
        if JAVA_VM.get().is_none() {
            // A lost race leaves the other thread's VM, which is the same one.
            let _ = JAVA_VM.set(env.get_java_vm()?);
        }
        init_platform_verifier(env, context)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

#[cfg(target_os = "android")]
fn init_platform_verifier(
    env: &mut jni::Env<'_>,
    context: JObject<'_>,
) -> Result<(), jni::errors::Error> {
    if context.as_raw().is_null() {
        return Err(jni::errors::Error::NullPtr(
            "SessionKit.initialize needs the application Context",
        ));
    }
    rustls_platform_verifier::android::init_with_env(env, context)
}

/// Off Android the platform verifier needs no Context.
#[cfg(not(target_os = "android"))]
fn init_platform_verifier(
    _env: &mut jni::Env<'_>,
    _context: JObject<'_>,
) -> Result<(), jni::errors::Error> {
    Ok(())
}
