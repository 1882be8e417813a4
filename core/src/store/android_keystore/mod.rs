//! The Android Keystore session store (SPEC P4): the envelope sealed with AES-256-GCM under a
//! key that never leaves `AndroidKeyStore`, in a file of the app's no-backup directory.
//!
//! Every call attaches the calling thread to the JVM (the engine calls from its own threads),
//! runs inside a local frame that is popped on return so no local reference outlives the call
//! on a long-lived thread, and takes and sorts any pending Java exception
//! ([`failure`]) before leaving the frame. The file half is the shared
//! [`atomic_file`](super::atomic_file); the format is in [`blob`], the cipher calls in
//! [`cipher`], the key in [`key`] and the one Android-only path in [`android_spec`].
//!
//! # The key's trade-off
//! The key is created without `setUserAuthenticationRequired` and without
//! `setUnlockedDeviceRequired`: the refresh scheduler, a `WorkManager` job or a push handler
//! must be able to read and rewrite the session while the phone is locked and nobody is
//! looking at it, as the Keychain's `AfterFirstUnlockThisDeviceOnly` allows on iOS. The key
//! still never leaves secure hardware (StrongBox or the TEE) and is bound to this app and
//! this device; what it does not resist is code running inside the app's own process. An
//! app that wants a biometric gate should put it in front of its own UI, not in front of the
//! session store, or refreshes in the background would fail (E4).

mod android_spec;
mod blob;
mod cipher;
mod failure;
mod key;

use std::path::{Path, PathBuf};

use jni::{AttachConfig, Env, JavaVM};
use parking_lot::Mutex;

use super::{SessionStore, StoreError, atomic_file};
use failure::{Failure, Fault, Verdict};

/// The keystore type on Android devices.
pub const ANDROID_KEYSTORE: &str = "AndroidKeyStore";

/// Local references one call may hold at once (key creation and encryption on one path is
/// about twenty); the frame grows if needed, this only avoids reallocations.
const LOCAL_FRAME_CAPACITY: usize = 32;

/// Where an [`AndroidKeystoreStore`] keeps its key and its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeystoreConfig {
    alias: String,
    path: PathBuf,
    keystore_type: String,
}

impl KeystoreConfig {
    /// A key under `alias` in `AndroidKeyStore`, and the sealed session in the file at `path`,
    /// which should be in the app's no-backup directory
    /// (`File(context.noBackupFilesDir, "sessionkit.session")`), so that a backup restore
    /// never brings back a blob whose key stayed on the old device.
    pub fn new(alias: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            alias: alias.into(),
            path: path.into(),
            keystore_type: ANDROID_KEYSTORE.into(),
        }
    }

    /// Another `java.security.KeyStore` type than `AndroidKeyStore`. Any type other than
    /// `AndroidKeyStore` gets a software AES key stored as a secret-key entry with an empty
    /// password: for host tests on a desktop JVM. Absent from release builds (V8), unless
    /// the `test-support` feature asks for it.
    #[cfg(any(debug_assertions, feature = "test-support"))]
    pub fn with_keystore_type(mut self, keystore_type: impl Into<String>) -> Self {
        self.keystore_type = keystore_type.into();
        self
    }

    /// The key's alias in the keystore.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// The file holding the sealed session.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `java.security.KeyStore` type (`AndroidKeyStore` unless changed).
    pub fn keystore_type(&self) -> &str {
        &self.keystore_type
    }

    fn is_android_keystore(&self) -> bool {
        self.keystore_type == ANDROID_KEYSTORE
    }
}

/// Keeps the envelope sealed by an AES-256-GCM key held in the Android Keystore (SPEC P4).
///
/// An Android app (through the bindings) passes the process's [`JavaVM`] and a
/// [`KeystoreConfig`]: an alias of its choosing and a file in `context.noBackupFilesDir`.
/// The key is made on the first save, never on a load. Every write seals with a fresh
/// 12-byte IV drawn by the provider and replaces the file atomically.
///
/// What a load or save reports:
/// - a missing file is no session, whether or not a key exists;
/// - a file whose key is gone (a backup restored onto another device, the app's data
///   partly cleared), a failed tag, a truncated file or an unknown format is
///   [`StoreError::Corrupted`] (E5), and so is a permanently invalidated key, which is also
///   deleted so that the next save makes a new one (a save that meets one does this at once
///   and retries with a new key);
/// - a transient provider error (`ProviderException`, `KeyStoreException`,
///   `UserNotAuthenticatedException`, ...) is [`StoreError::Unavailable`] (E4);
/// - anything else is [`StoreError::Failed`].
///
/// Error messages name Java exception classes only, never their messages or any plaintext.
///
/// **Verified here** on a desktop JVM (OpenJDK 17) with a software keystore: the whole JNI
/// path (attachment, local frames, exception sorting, the `javax.crypto` cipher, the file).
/// **Not verified here**: the real `AndroidKeyStore`, StrongBox, and the
/// `KeyGenParameterSpec` key creation, which only exist on a device.
///
/// [`clear`](SessionStore::clear) removes the file and keeps the key for the next save. Calls
/// on one store are serialised, so two threads cannot both create the key. A thread the store
/// attaches to the JVM stays attached until it exits, so the engine's threads pay for the
/// attachment once.
pub struct AndroidKeystoreStore {
    vm: JavaVM,
    config: KeystoreConfig,
    /// Serialises calls: a key made by one save must be the key the next one finds.
    lock: Mutex<()>,
}

impl AndroidKeystoreStore {
    /// A store using `vm` (the process's JVM, for example from `JNI_OnLoad`) as `config` says.
    /// Nothing is touched until the first call.
    ///
    /// # Errors
    /// [`SessionError::InvalidArgument`](crate::session_error::SessionError::InvalidArgument) for an empty
    /// alias or keystore type: Kotlin and Swift get the same check, since it lives here.
    pub fn new(
        vm: JavaVM,
        config: KeystoreConfig,
    ) -> Result<Self, crate::session_error::SessionError> {
        let invalid = |detail: &str| crate::session_error::SessionError::InvalidArgument {
            detail: detail.into(),
        };
        if config.alias.trim().is_empty() {
            return Err(invalid("the Keystore alias must not be empty"));
        }
        if config.keystore_type.trim().is_empty() {
            return Err(invalid("the keystore type must not be empty"));
        }
        Ok(Self {
            vm,
            config,
            lock: Mutex::new(()),
        })
    }

    /// Where this store keeps its key and its file.
    pub fn config(&self) -> &KeystoreConfig {
        &self.config
    }

    /// Runs `f` on this thread's JNI environment inside a fresh local frame, sorting any
    /// failure before the frame is popped.
    fn in_jvm<T>(
        &self,
        action: &str,
        f: impl FnOnce(&mut Env) -> Result<T, Failure>,
    ) -> Result<T, Fault> {
        let outcome = self.vm.attach_current_thread_with_config(
            AttachConfig::default,
            Some(LOCAL_FRAME_CAPACITY),
            |env| -> Result<Result<T, Fault>, jni::errors::Error> {
                Ok(f(env).map_err(|failure| failure::sort(env, action, failure)))
            },
        );
        match outcome {
            Ok(result) => result,
            Err(error) => Err(Fault {
                verdict: Verdict::Failed,
                detail: format!(
                    "{action}: could not use the JVM: {}",
                    failure::jni_error(&error)
                ),
            }),
        }
    }

    fn seal(&self, plaintext: &[u8]) -> Result<cipher::Sealed, Fault> {
        let aad = blob::associated_data(self.config.alias());
        self.in_jvm("sealing the session with the Keystore key", |env| {
            let keystore = key::open(env, &self.config)?;
            let key = key::find_or_create(env, &keystore, &self.config)?;
            cipher::encrypt(env, &key, &aad, plaintext)
        })
    }

    /// Deletes a key the provider says is dead. Best effort: if it fails, the next call meets
    /// the same dead key and reports it again.
    fn forget_key(&self) {
        let deleted = self.in_jvm("deleting the invalidated Keystore key", |env| {
            let keystore = key::open(env, &self.config)?;
            key::delete(env, &keystore, &self.config)
        });
        if let Err(fault) = deleted {
            tracing::warn!(detail = %fault.detail, "could not delete the invalidated key");
        }
    }
}

impl std::fmt::Debug for AndroidKeystoreStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AndroidKeystoreStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SessionStore for AndroidKeystoreStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let _serial = self.lock.lock();
        let Some(bytes) = atomic_file::read(self.config.path())? else {
            return Ok(None);
        };
        let blob = blob::decode(&bytes)?;
        let aad = blob::associated_data(self.config.alias());
        let opened = self.in_jvm("opening the session with the Keystore key", |env| {
            let keystore = key::open(env, &self.config)?;
            let Some(key) = key::find(env, &keystore, &self.config)? else {
                return Err(Failure::Store(StoreError::Corrupted {
                    detail: "the session file has no key in the Keystore (restored from a backup?)"
                        .into(),
                }));
            };
            cipher::decrypt(env, &key, blob.iv, &aad, blob.sealed)
        });
        match opened {
            Ok(plaintext) => Ok(Some(plaintext.to_vec())),
            Err(fault) => {
                if fault.verdict == Verdict::KeyInvalidated {
                    self.forget_key();
                }
                Err(fault.into())
            }
        }
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        let _serial = self.lock.lock();
        let sealed = match self.seal(blob) {
            Err(fault) if fault.verdict == Verdict::KeyInvalidated => {
                // The old blob is unreadable anyway; this one goes under a new key.
                self.forget_key();
                self.seal(blob)?
            }
            other => other?,
        };
        let bytes = blob::encode(&sealed.iv, &sealed.ciphertext)?;
        atomic_file::write(self.config.path(), &bytes)
    }

    fn clear(&self) -> Result<(), StoreError> {
        let _serial = self.lock.lock();
        atomic_file::remove(self.config.path())
    }
}
