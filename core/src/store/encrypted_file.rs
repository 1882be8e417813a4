//! An AES-256-GCM encrypted file: the store for desktops, tests and the demo (SPEC P1, P2).
//!
//! The file is `magic (4) | format (1) | nonce (12) | ciphertext and tag`. The header is
//! authenticated as associated data, every write draws a fresh random nonce, and a write goes
//! to a temporary file in the same directory that is synced and then renamed over the old
//! one, so a crash leaves the old file or the new one, never a torn one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use zeroize::Zeroizing;

use super::{SessionStore, StoreError};

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
    pub fn generate() -> Self {
        let key = Aes256Gcm::generate_key(OsRng);
        Self(Zeroizing::new(key.into()))
    }

    /// Wraps key material the app keeps elsewhere (for example in a platform key store).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
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
    cipher: Aes256Gcm,
}

impl EncryptedFileStore {
    /// A store writing to `path`; its directory is created on the first save.
    pub fn new(path: impl Into<PathBuf>, key: FileStoreKey) -> Self {
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.0));
        Self {
            path: path.into(),
            cipher,
        }
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Encrypts `plaintext` into the file format, with a fresh nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let header = header();
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &header,
                },
            )
            .map_err(|_| StoreError::Failed("encryption failed".into()))?;
        let mut sealed = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&header);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Decrypts bytes in the file format. Any malformed input is [`StoreError::Corrupted`];
    /// it never panics, whatever the bytes.
    pub fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let corrupted = |why: &str| Err(StoreError::Corrupted(why.into()));
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
        self.cipher
            .decrypt(
                &Nonce::from(*nonce),
                Payload {
                    msg: ciphertext,
                    aad: header,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| {
                StoreError::Corrupted(
                    "session file failed authentication: wrong key or altered content".into(),
                )
            })
    }

    fn write_atomically(&self, bytes: &[u8]) -> io::Result<()> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(&self.path).map_err(|e| e.error)?;
        sync_dir(dir)
    }
}

fn header() -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()] = FORMAT;
    header
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Errors that pass with time (a locked device's data protection, a busy file) are E4;
/// the rest are failures the caller must hear about.
fn io_error(action: &str, error: io::Error) -> StoreError {
    use io::ErrorKind::*;
    let message = format!("{action}: {error}");
    match error.kind() {
        PermissionDenied | WouldBlock | Interrupted | TimedOut | ResourceBusy => {
            StoreError::Unavailable(message)
        }
        _ => StoreError::Failed(message),
    }
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
        match fs::read(&self.path) {
            Ok(sealed) => Ok(Some(self.open(&sealed)?.to_vec())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("reading the session file", e)),
        }
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        let sealed = self.seal(blob)?;
        self.write_atomically(&sealed)
            .map_err(|e| io_error("writing the session file", e))
    }

    fn clear(&self) -> Result<(), StoreError> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("removing the session file", e)),
        }
    }
}
