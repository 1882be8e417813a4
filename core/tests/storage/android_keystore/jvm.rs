//! One desktop JVM per test process, with the software keystore installed, and the calls the
//! tests make into it.
//!
//! The JVM comes from the `jni` crate's invocation API, which finds `libjvm` with
//! `java-locator`: `$JAVA_HOME` if set, else the `java` on `PATH`. The Java helpers under
//! `java/` are compiled by that JDK's `javac` into the cargo target's temporary directory.
//! Only one JVM can ever exist in a process, so every test shares this one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jni::objects::JValue;
use jni::{Env, InitArgsBuilder, JNIVersion, JavaVM, jni_sig, jni_str};

/// Small enough that local references leaked per call would exhaust it within the leak
/// test's run (see `no_local_reference_outlives_a_call`).
pub const HEAP: &str = "-Xmx128m";

pub fn jvm() -> &'static JavaVM {
    static JVM: OnceLock<JavaVM> = OnceLock::new();
    JVM.get_or_init(|| {
        let classes = compile_helpers();
        let args = InitArgsBuilder::new()
            .version(JNIVersion::V1_8)
            .option(format!("-Djava.class.path={}", classes.display()))
            // Fails the process on JNI misuse (a call with an exception pending, a bad ref).
            .option("-Xcheck:jni")
            .option(HEAP)
            .build()
            .expect("JVM options");
        let vm = JavaVM::new(args).unwrap_or_else(|e| {
            panic!("could not start a JVM (set JAVA_HOME to a JDK 17 or later): {e}")
        });
        vm.attach_current_thread(|env| -> jni::errors::Result<()> {
            env.call_static_method(
                jni_str!("sessionkit/test/SoftwareKeyStore"),
                jni_str!("install"),
                jni_sig!("()V"),
                &[],
            )?;
            Ok(())
        })
        .expect("installing the software keystore");
        vm
    })
}

fn compile_helpers() -> PathBuf {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/storage/android_keystore/java");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("android_keystore_classes");
    let files: Vec<PathBuf> = [
        "sessionkit/test/SoftwareKeyStore.java",
        "android/security/keystore/KeyPermanentlyInvalidatedException.java",
        "android/security/keystore/UserNotAuthenticatedException.java",
    ]
    .iter()
    .map(|file| sources.join(file))
    .collect();
    let javac = match std::env::var_os("JAVA_HOME") {
        Some(home) => Path::new(&home).join("bin/javac"),
        None => PathBuf::from("javac"),
    };
    let status = Command::new(&javac)
        .args(["--release", "17", "-d"])
        .arg(&out)
        .args(&files)
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", javac.display()));
    assert!(status.success(), "javac failed on the test helpers");
    out
}

/// Runs `f` on this thread's JNI environment.
pub fn with_env<T>(f: impl FnOnce(&mut Env) -> jni::errors::Result<T>) -> T {
    jvm()
        .attach_current_thread(f)
        .expect("a call into the test JVM")
}

pub fn has_key(alias: &str) -> bool {
    with_env(|env| {
        let alias = env.new_string(alias)?;
        env.call_static_method(
            jni_str!("sessionkit/test/SoftwareKeyStore"),
            jni_str!("hasKey"),
            jni_sig!("(Ljava/lang/String;)Z"),
            &[JValue::from(&alias)],
        )?
        .z()
    })
}

/// The key disappears, as after a backup restored onto another device.
pub fn lose_key(alias: &str) {
    with_env(|env| {
        let alias = env.new_string(alias)?;
        env.call_static_method(
            jni_str!("sessionkit/test/SoftwareKeyStore"),
            jni_str!("loseKey"),
            jni_sig!("(Ljava/lang/String;)V"),
            &[JValue::from(&alias)],
        )?;
        Ok(())
    })
}

/// From now on, `Cipher.init` with this alias's key throws `exception_class`.
pub fn break_key(alias: &str, exception_class: &str) {
    with_env(|env| {
        let alias = env.new_string(alias)?;
        let class = env.new_string(exception_class)?;
        env.call_static_method(
            jni_str!("sessionkit/test/SoftwareKeyStore"),
            jni_str!("breakKey"),
            jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
            &[JValue::from(&alias), JValue::from(&class)],
        )?;
        Ok(())
    })
}

/// While set, every lookup of this alias throws `ProviderException`.
pub fn set_unavailable(alias: &str, unavailable: bool) {
    with_env(|env| {
        let alias = env.new_string(alias)?;
        env.call_static_method(
            jni_str!("sessionkit/test/SoftwareKeyStore"),
            jni_str!("setUnavailable"),
            jni_sig!("(Ljava/lang/String;Z)V"),
            &[JValue::from(&alias), JValue::Bool(unavailable)],
        )?;
        Ok(())
    })
}
