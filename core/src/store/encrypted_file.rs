//! An AES-256-GCM encrypted file: the store for desktops, tests and the demo (SPEC P1, P2).
//!
//! The file is `magic (4) | format (1) | nonce (12) | ciphertext and tag`. The header is
//! authenticated as associated data, every write draws a fresh random nonce, and the file is
//! replaced whole by [`atomic_file`](super::atomic_file), so a crash leaves the old file or
//! the new one, never a torn one.
//!
//! The cipher is `ring`'s AES-256-GCM (already linked for TLS; hardware AES where the CPU
//! has it). The format is plain AES-GCM, so files written with the RustCrypto `aes-gcm`
//! crate by earlier versions open unchanged (`p1_files_of_the_earlier_cipher_still_open`).

use std::path::{Path, PathBuf};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::{SessionStore, StoreError, atomic_file};

const MAGIC: &[u8; 4] = b"SKFS";
const FORMAT: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The 256-bit key of an [`EncryptedFileStore`]. Wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct FileStoreKey(Zeroizing<[u8; 32]>);

impl FileStoreKey {
    /// A fresh random key from the operating system's generator.
    ///
    /// # Panics
    /// If the operating system's generator fails, which no supported platform does once
    /// booted; [`try_generate`](Self::try_generate) returns that failure instead.
    pub fn generate() -> Self {
        Self::try_generate().expect("the operating system's random generator failed")
    }

    /// A fresh random key from the operating system's generator.
    ///
    /// # Errors
    /// [`StoreError::Failed`] if the generator fails.
    pub fn try_generate() -> Result<Self, StoreError> {
        let mut key = Zeroizing::new([0u8; 32]);
        SystemRandom::new()
            .fill(key.as_mut())
            .map_err(|_| StoreError::Failed {
                detail: "the operating system's random generator failed".into(),
            })?;
        Ok(Self(key))
    }

    /// Wraps key material the app keeps elsewhere (for example in a platform key store).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Wraps key material of unchecked length, as Kotlin and Swift hand it over.
    ///
    /// # Errors
    /// [`SessionError::InvalidArgument`](crate::session_error::SessionError::InvalidArgument) unless `bytes`
    /// is exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::session_error::SessionError> {
        if bytes.len() != 32 {
            return Err(crate::session_error::SessionError::InvalidArgument {
                detail: format!("the file store key must be 32 bytes, not {}", bytes.len()),
            });
        }
        // Straight into the wiped buffer: no copy of the key is left on the stack (V8).
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(bytes);
        Ok(Self(key))
    }
}

impl std::fmt::Debug for FileStoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileStoreKey([redacted])")
    }
}

/// Keeps the envelope in one encrypted file.
///
/// ```
/// use sessionkit::{EncryptedFileStore, FileStoreKey, SessionStore};
/// let dir = tempfile::tempdir().unwrap();
/// let store = EncryptedFileStore::new(dir.path().join("session.bin"), FileStoreKey::generate());
/// store.save(b"envelope").unwrap();
/// assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope"[..]));
/// ```
pub struct EncryptedFileStore {
    path: PathBuf,
    cipher: LessSafeKey,
    after_write: Option<AfterWrite>,
}

/// Called with the file's path after every write that replaced it.
type AfterWrite = Box<dyn Fn(&std::path::Path) + Send + Sync>;

impl EncryptedFileStore {
    /// A store writing to `path`; its directory is created on the first save.
    pub fn new(path: impl Into<PathBuf>, key: FileStoreKey) -> Self {
        // A 32-byte key is exactly what AES-256 takes: this cannot fail.
        let cipher = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, key.0.as_ref()).expect("AES-256 takes a 32-byte key"),
        );
        Self {
            path: path.into(),
            cipher,
            after_write: None,
        }
    }

    /// Calls `hook` with the file's path after every write. Each write replaces the file
    /// (P2), and with it the attributes the platform keeps per file: the Swift wrapper uses
    /// this to exclude the new file from backups on Apple platforms (V8). The hook sees the
    /// path only, never the session.
    pub fn after_write(mut self, hook: impl Fn(&std::path::Path) + Send + Sync + 'static) -> Self {
        self.after_write = Some(Box::new(hook));
        self
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Encrypts `plaintext` into the file format, with a fresh nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        let failed = |what: &str| StoreError::Failed {
            detail: format!("{what} failed"),
        };
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| failed("drawing a nonce"))?;
        let header = header();
        let mut sealed = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
        sealed.extend_from_slice(&header);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&header),
                &mut sealed[HEADER_LEN + NONCE_LEN..],
            )
            .map_err(|_| failed("encryption"))?;
        sealed.extend_from_slice(tag.as_ref());
        Ok(sealed)
    }

    /// Decrypts bytes in the file format. Any malformed input is [`StoreError::Corrupted`];
    /// it never panics, whatever the bytes.
    pub fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let corrupted = |why: &str| Err(StoreError::Corrupted { detail: why.into() });
        if sealed.len() < HEADER_LEN {
            return corrupted("session file truncated before its header");
        }
        let (header, rest) = sealed.split_at(HEADER_LEN);
        if &header[..MAGIC.len()] != MAGIC {
            return corrupted("not a SessionKit session file");
        }
        if header[MAGIC.len()] != FORMAT {
            return corrupted("session file written in an unknown format version");
        }
        let Some((nonce, ciphertext)) = rest.split_first_chunk::<NONCE_LEN>() else {
            return corrupted("session file truncated");
        };
        if ciphertext.len() < TAG_LEN {
            return corrupted("session file truncated");
        }
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let plaintext_len = self
            .cipher
            .open_in_place(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(header),
                buffer.as_mut_slice(),
            )
            .map_err(|_| StoreError::Corrupted {
                detail: "session file failed authentication: wrong key or altered content".into(),
            })?
            .len();
        buffer.truncate(plaintext_len);
        Ok(buffer)
    }
}

fn header() -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()] = FORMAT;
    header
}

impl std::fmt::Debug for EncryptedFileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptedFileStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SessionStore for EncryptedFileStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        match atomic_file::read(&self.path)? {
            // Moved out, not copied: the engine wipes the blob it is handed (V8).
            Some(sealed) => Ok(Some(std::mem::take(&mut *self.open(&sealed)?))),
            None => Ok(None),
        }
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        atomic_file::write(&self.path, &self.seal(blob)?)?;
        if let Some(hook) = &self.after_write {
            hook(&self.path);
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        atomic_file::remove(&self.path)
    }
}
