//! The Android Keystore store (SPEC P4) offered to Kotlin: the core's `AndroidKeystoreStore`
//! built on the `JavaVM` that `SessionKit.initialize(context)` handed over.
//!
//! Kotlin apps call `SessionKit.keystoreStore(context)`, which passes the alias and a file in
//! `context.noBackupFilesDir`; everything else (checking the alias, key lookup and creation,
//! AES-256-GCM with a fresh IV per write, E4/E5 sorting) is the core's.
//!
//! `android_keystore_store_of_type` lets the desktop JVM tests put a software keystore where
//! `AndroidKeyStore` would be. It exists only in debug builds (V8): a release library, the
//! AAR's, has no way to ask for a key that leaves secure hardware.

use std::sync::Arc;

use sessionkit::{ANDROID_KEYSTORE, AndroidKeystoreStore, KeystoreConfig, SessionError};

use crate::android::java_vm;
use sessionkit::ForeignSessionStore;

use crate::store::BuiltIn;

/// A store that keeps the session encrypted under an AES-256-GCM key held by the Android
/// Keystore under `alias`, in the file at `path` (put it in `context.noBackupFilesDir`, so
/// that a backup never carries a blob whose key stayed behind).
///
/// Needs `SessionKit.initialize(context)` first; otherwise it fails with `InvalidArgument`.
#[uniffi::export]
pub fn android_keystore_store(
    alias: String,
    path: String,
) -> Result<Arc<dyn ForeignSessionStore>, SessionError> {
    keystore_store(KeystoreConfig::new(alias, path))
}

/// Test builds only: the same store over another `KeyStore` type (a software one on a
/// desktop JVM).
#[cfg(debug_assertions)]
#[uniffi::export]
pub fn android_keystore_store_of_type(
    alias: String,
    path: String,
    keystore_type: String,
) -> Result<Arc<dyn ForeignSessionStore>, SessionError> {
    keystore_store(KeystoreConfig::new(alias, path).with_keystore_type(keystore_type))
}

fn keystore_store(config: KeystoreConfig) -> Result<Arc<dyn ForeignSessionStore>, SessionError> {
    debug_assert!(cfg!(debug_assertions) || config.keystore_type() == ANDROID_KEYSTORE);
    let vm = java_vm().ok_or_else(|| SessionError::InvalidArgument {
        detail: "the Keystore store needs SessionKit.initialize(context) first".into(),
    })?;
    let store = AndroidKeystoreStore::new(vm.clone(), config)?;
    Ok(Arc::new(BuiltIn(Box::new(store))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p4_the_keystore_store_refuses_to_start_before_initialize() {
        // No JVM in a plain cargo test: initialize(context) never ran.
        let refused = android_keystore_store("sessionkit".into(), "/tmp/x".into());
        assert!(matches!(refused, Err(SessionError::InvalidArgument { .. })));
    }
}
