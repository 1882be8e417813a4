//! The AES key under its alias: looked up on every call, created only by a save.
//!
//! Lookup and deletion go through `java.security.KeyStore` and work the same for every
//! keystore type. Creation differs: in `AndroidKeyStore` a `KeyGenerator` of that provider
//! makes the key inside the keystore from a `KeyGenParameterSpec` (see [`android_spec`],
//! the one part not exercised off a device); any other type (the host tests' software
//! keystore) gets a plain `KeyGenerator("AES")` key stored as a `SecretKeyEntry` under an
//! empty password.

use jni::objects::{JObject, JValue};
use jni::{Env, jni_sig, jni_str};

use super::failure::Failure;
use super::{KeystoreConfig, android_spec};

/// The key size P4 asks for.
const KEY_BITS: i32 = 256;

/// The keystore, loaded. `AndroidKeyStore` (like the tests' software keystore) takes
/// `load(null)`: it has no file or password of its own.
pub(super) fn open<'local>(
    env: &mut Env<'local>,
    config: &KeystoreConfig,
) -> Result<JObject<'local>, Failure> {
    let keystore_type = env.new_string(config.keystore_type())?;
    let keystore = env
        .call_static_method(
            jni_str!("java/security/KeyStore"),
            jni_str!("getInstance"),
            jni_sig!("(Ljava/lang/String;)Ljava/security/KeyStore;"),
            &[JValue::from(&keystore_type)],
        )?
        .l()?;
    env.call_method(
        &keystore,
        jni_str!("load"),
        jni_sig!("(Ljava/security/KeyStore$LoadStoreParameter;)V"),
        &[JValue::Object(&JObject::null())],
    )?;
    Ok(keystore)
}

/// The key under the configured alias, if there is one.
pub(super) fn find<'local>(
    env: &mut Env<'local>,
    keystore: &JObject,
    config: &KeystoreConfig,
) -> Result<Option<JObject<'local>>, Failure> {
    let alias = env.new_string(config.alias())?;
    let password = password(env, config)?;
    let key = env
        .call_method(
            keystore,
            jni_str!("getKey"),
            jni_sig!("(Ljava/lang/String;[C)Ljava/security/Key;"),
            &[JValue::from(&alias), JValue::from(&password)],
        )?
        .l()?;
    Ok((!key.is_null()).then_some(key))
}

/// The key under the alias, made now if there is none yet.
pub(super) fn find_or_create<'local>(
    env: &mut Env<'local>,
    keystore: &JObject,
    config: &KeystoreConfig,
) -> Result<JObject<'local>, Failure> {
    if let Some(key) = find(env, keystore, config)? {
        return Ok(key);
    }
    if config.is_android_keystore() {
        android_spec::generate_key(env, config.alias(), KEY_BITS)?;
    } else {
        generate_software_key(env, keystore, config)?;
    }
    // Read it back, so that what is used is what the keystore holds.
    find(env, keystore, config)?.ok_or_else(|| {
        Failure::Store(crate::store::StoreError::Failed {
            detail: "the keystore did not keep the key it was given".into(),
        })
    })
}

/// Removes the key under the alias; an absent key is success.
pub(super) fn delete(
    env: &mut Env,
    keystore: &JObject,
    config: &KeystoreConfig,
) -> Result<(), Failure> {
    let alias = env.new_string(config.alias())?;
    env.call_method(
        keystore,
        jni_str!("deleteEntry"),
        jni_sig!("(Ljava/lang/String;)V"),
        &[JValue::from(&alias)],
    )?;
    Ok(())
}

fn generate_software_key(
    env: &mut Env,
    keystore: &JObject,
    config: &KeystoreConfig,
) -> Result<(), Failure> {
    let algorithm = env.new_string("AES")?;
    let generator = env
        .call_static_method(
            jni_str!("javax/crypto/KeyGenerator"),
            jni_str!("getInstance"),
            jni_sig!("(Ljava/lang/String;)Ljavax/crypto/KeyGenerator;"),
            &[JValue::from(&algorithm)],
        )?
        .l()?;
    env.call_method(
        &generator,
        jni_str!("init"),
        jni_sig!("(I)V"),
        &[JValue::Int(KEY_BITS)],
    )?;
    let key = env
        .call_method(
            &generator,
            jni_str!("generateKey"),
            jni_sig!("()Ljavax/crypto/SecretKey;"),
            &[],
        )?
        .l()?;
    let entry = env.new_object(
        jni_str!("java/security/KeyStore$SecretKeyEntry"),
        jni_sig!("(Ljavax/crypto/SecretKey;)V"),
        &[JValue::from(&key)],
    )?;
    let password = password(env, config)?;
    let protection = env.new_object(
        jni_str!("java/security/KeyStore$PasswordProtection"),
        jni_sig!("([C)V"),
        &[JValue::from(&password)],
    )?;
    let alias = env.new_string(config.alias())?;
    env.call_method(
        keystore,
        jni_str!("setEntry"),
        jni_sig!(
            "(Ljava/lang/String;Ljava/security/KeyStore$Entry;Ljava/security/KeyStore$ProtectionParameter;)V"
        ),
        &[
            JValue::from(&alias),
            JValue::from(&entry),
            JValue::from(&protection),
        ],
    )?;
    Ok(())
}

/// AndroidKeyStore takes no password (`null`); a software keystore gets an empty one.
fn password<'local>(
    env: &mut Env<'local>,
    config: &KeystoreConfig,
) -> jni::errors::Result<JObject<'local>> {
    if config.is_android_keystore() {
        Ok(JObject::null())
    } else {
        Ok(env.new_char_array(0)?.into())
    }
}
