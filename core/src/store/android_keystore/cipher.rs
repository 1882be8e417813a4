//! AES-256-GCM through `javax.crypto.Cipher`, so that the key never leaves the provider.
//!
//! Encryption lets the provider draw the IV (`init(ENCRYPT_MODE, key)` then `getIV()`):
//! AndroidKeyStore refuses caller-chosen IVs by default, and it is the provider's job to make
//! each one fresh. Decryption passes the stored IV back in a `GCMParameterSpec`. The Java
//! arrays that held plaintext are zeroed before they are released.

use jni::objects::{JByteArray, JObject, JValue};
use jni::{Env, jni_sig, jni_str};
use zeroize::Zeroizing;

use super::blob::TAG_BITS;
use super::failure::Failure;

const TRANSFORMATION: &str = "AES/GCM/NoPadding";
const ENCRYPT_MODE: i32 = 1;
const DECRYPT_MODE: i32 = 2;

/// What encryption produced: the provider's IV and the ciphertext followed by its tag.
pub(super) struct Sealed {
    pub(super) iv: Vec<u8>,
    pub(super) ciphertext: Vec<u8>,
}

/// Seals `plaintext` under `key`, authenticating `aad`.
pub(super) fn encrypt(
    env: &mut Env,
    key: &JObject,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed, Failure> {
    let cipher = cipher(env)?;
    env.call_method(
        &cipher,
        jni_str!("init"),
        jni_sig!("(ILjava/security/Key;)V"),
        &[JValue::Int(ENCRYPT_MODE), JValue::Object(key)],
    )?;
    let iv = env
        .call_method(&cipher, jni_str!("getIV"), jni_sig!("()[B"), &[])?
        .l()?;
    let iv = env.cast_local::<JByteArray>(iv)?;
    let iv = env.convert_byte_array(&iv)?;
    update_aad(env, &cipher, aad)?;
    let input = env.byte_array_from_slice(plaintext)?;
    let output = do_final(env, &cipher, &input);
    wipe(env, &input)?;
    let ciphertext = env.convert_byte_array(&output?)?;
    Ok(Sealed { iv, ciphertext })
}

/// Opens `ciphertext` (with its tag) under `key`; a wrong key, IV, AAD or any altered byte is
/// an `AEADBadTagException`.
pub(super) fn decrypt(
    env: &mut Env,
    key: &JObject,
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let cipher = cipher(env)?;
    let iv = env.byte_array_from_slice(iv)?;
    let spec = env.new_object(
        jni_str!("javax/crypto/spec/GCMParameterSpec"),
        jni_sig!("(I[B)V"),
        &[JValue::Int(TAG_BITS), JValue::from(&iv)],
    )?;
    env.call_method(
        &cipher,
        jni_str!("init"),
        jni_sig!("(ILjava/security/Key;Ljava/security/spec/AlgorithmParameterSpec;)V"),
        &[
            JValue::Int(DECRYPT_MODE),
            JValue::Object(key),
            JValue::from(&spec),
        ],
    )?;
    update_aad(env, &cipher, aad)?;
    let input = env.byte_array_from_slice(ciphertext)?;
    let output = do_final(env, &cipher, &input)?;
    let plaintext = Zeroizing::new(env.convert_byte_array(&output)?);
    wipe(env, &output)?;
    Ok(plaintext)
}

fn cipher<'local>(env: &mut Env<'local>) -> jni::errors::Result<JObject<'local>> {
    let transformation = env.new_string(TRANSFORMATION)?;
    env.call_static_method(
        jni_str!("javax/crypto/Cipher"),
        jni_str!("getInstance"),
        jni_sig!("(Ljava/lang/String;)Ljavax/crypto/Cipher;"),
        &[JValue::from(&transformation)],
    )?
    .l()
}

fn update_aad(env: &mut Env, cipher: &JObject, aad: &[u8]) -> jni::errors::Result<()> {
    let aad = env.byte_array_from_slice(aad)?;
    env.call_method(
        cipher,
        jni_str!("updateAAD"),
        jni_sig!("([B)V"),
        &[JValue::from(&aad)],
    )?;
    Ok(())
}

fn do_final<'local>(
    env: &mut Env<'local>,
    cipher: &JObject,
    input: &JByteArray,
) -> jni::errors::Result<JByteArray<'local>> {
    let output = env
        .call_method(
            cipher,
            jni_str!("doFinal"),
            jni_sig!("([B)[B"),
            &[JValue::from(input)],
        )?
        .l()?;
    env.cast_local::<JByteArray>(output)
}

/// Overwrites a Java array that held plaintext. Skipped while an exception is pending (JNI
/// forbids most calls then); the array is garbage either way.
fn wipe(env: &mut Env, array: &JByteArray) -> jni::errors::Result<()> {
    if env.exception_check() {
        return Ok(());
    }
    let len = array.len(env)?;
    array.set_region(env, 0, &vec![0i8; len])
}
