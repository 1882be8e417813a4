//! The only Android-specific code path: making the key inside `AndroidKeyStore`.
//!
//! **Not exercised by this repository's tests**: they run on a desktop JVM, which has no
//! `android.security.keystore` classes. Keep it this small. It asks for an AES-256 key for
//! encryption and decryption in GCM mode without padding; randomized encryption stays on (the
//! default), so the provider draws every IV. No user authentication is required, so the
//! engine can refresh in the background; StrongBox is not requested.

use jni::objects::{JObject, JValue};
use jni::{Env, jni_sig, jni_str};

use super::failure::Failure;

const PROVIDER: &str = "AndroidKeyStore";
const PURPOSE_ENCRYPT: i32 = 1;
const PURPOSE_DECRYPT: i32 = 2;

/// `KeyGenerator.getInstance("AES", "AndroidKeyStore")`, initialised with
/// `KeyGenParameterSpec.Builder(alias, ENCRYPT | DECRYPT).setBlockModes(GCM)
/// .setEncryptionPaddings(NONE).setKeySize(bits).build()`, then `generateKey()`; the key
/// lands in the keystore under `alias`.
pub(super) fn generate_key(env: &mut Env, alias: &str, bits: i32) -> Result<(), Failure> {
    let alias = env.new_string(alias)?;
    let builder = env.new_object(
        jni_str!("android/security/keystore/KeyGenParameterSpec$Builder"),
        jni_sig!("(Ljava/lang/String;I)V"),
        &[
            JValue::from(&alias),
            JValue::Int(PURPOSE_ENCRYPT | PURPOSE_DECRYPT),
        ],
    )?;
    let gcm = string_array(env, "GCM")?;
    env.call_method(
        &builder,
        jni_str!("setBlockModes"),
        jni_sig!("([Ljava/lang/String;)Landroid/security/keystore/KeyGenParameterSpec$Builder;"),
        &[JValue::from(&gcm)],
    )?;
    let no_padding = string_array(env, "NoPadding")?;
    env.call_method(
        &builder,
        jni_str!("setEncryptionPaddings"),
        jni_sig!("([Ljava/lang/String;)Landroid/security/keystore/KeyGenParameterSpec$Builder;"),
        &[JValue::from(&no_padding)],
    )?;
    env.call_method(
        &builder,
        jni_str!("setKeySize"),
        jni_sig!("(I)Landroid/security/keystore/KeyGenParameterSpec$Builder;"),
        &[JValue::Int(bits)],
    )?;
    let spec = env
        .call_method(
            &builder,
            jni_str!("build"),
            jni_sig!("()Landroid/security/keystore/KeyGenParameterSpec;"),
            &[],
        )?
        .l()?;
    let algorithm = env.new_string("AES")?;
    let provider = env.new_string(PROVIDER)?;
    let generator = env
        .call_static_method(
            jni_str!("javax/crypto/KeyGenerator"),
            jni_str!("getInstance"),
            jni_sig!("(Ljava/lang/String;Ljava/lang/String;)Ljavax/crypto/KeyGenerator;"),
            &[JValue::from(&algorithm), JValue::from(&provider)],
        )?
        .l()?;
    env.call_method(
        &generator,
        jni_str!("init"),
        jni_sig!("(Ljava/security/spec/AlgorithmParameterSpec;)V"),
        &[JValue::from(&spec)],
    )?;
    env.call_method(
        &generator,
        jni_str!("generateKey"),
        jni_sig!("()Ljavax/crypto/SecretKey;"),
        &[],
    )?;
    Ok(())
}

fn string_array<'local>(
    env: &mut Env<'local>,
    value: &str,
) -> jni::errors::Result<JObject<'local>> {
    let value = env.new_string(value)?;
    let array = env.new_object_array(1, jni_str!("java/lang/String"), &value)?;
    Ok(array.into())
}
