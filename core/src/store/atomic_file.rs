//! One blob in one file, replaced whole (SPEC P2): the disk half shared by the file stores.
//!
//! A write goes to a temporary file in the same directory that is synced and then renamed over
//! the old one, and the directory is synced after the rename, so a crash leaves the old file or
//! the new one, never a torn one. I/O errors are sorted into what passes with time (E4) and
//! what the caller must hear about.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::StoreError;

/// The file's bytes, or `None` when there is no file.
pub(crate) fn read(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("reading the session file", e)),
    }
}

/// Replaces the file with `bytes`, atomically; creates its directory if needed.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomically(path, bytes).map_err(|e| io_error("writing the session file", e))
}

/// Removes the file; a file already gone is success.
pub(crate) fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("removing the session file", e)),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
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
