//! A store that forgets everything when the process ends: for tests, previews and apps that
//! deliberately keep sessions in memory only.

use parking_lot::Mutex;
use zeroize::Zeroizing;

use super::{SessionStore, StoreError};

/// Keeps the envelope in process memory.
#[derive(Default)]
pub struct MemoryStore {
    blob: Mutex<Option<Zeroizing<Vec<u8>>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("holds_blob", &self.blob.lock().is_some())
            .finish()
    }
}

impl SessionStore for MemoryStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.blob.lock().as_ref().map(|blob| blob.to_vec()))
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        *self.blob.lock() = Some(Zeroizing::new(blob.to_vec()));
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.blob.lock() = None;
        Ok(())
    }
}
