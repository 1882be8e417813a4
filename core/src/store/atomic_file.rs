//! One blob in one file, replaced whole (SPEC P2): the disk half shared by the file stores.
//!
//! A write goes to a temporary file in the same directory that is synced and then renamed over
//! the old one, and the directory is synced after the rename, so a crash leaves the old file or
//! the new one, never a torn one. A crash can leave the temporary file behind: it is named
//! after the session file (`.session.bin.XXXXXX.tmp`), so the next write finds and removes it
//! without touching the app's other files in a shared directory. I/O errors are sorted into
//! what passes with time (E4) and what the caller must hear about.

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
    let prefix = temp_prefix(path);
    remove_leftovers(dir, &prefix);
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

const TEMP_SUFFIX: &str = ".tmp";

/// `.{file name}.`: what every temporary file of `path` starts with.
fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    format!(".{name}.")
}

/// Removes temporary files of this session file that a crashed write left behind. Writes
/// are serialised by the engine, so none of them is in use. Best effort: a leftover that
/// cannot be removed now is tried again at the next write.
fn remove_leftovers(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(TEMP_SUFFIX) {
            match fs::remove_file(entry.path()) {
                Ok(()) => tracing::debug!(file = %name, "removed a crashed write's leftover"),
                Err(error) => tracing::debug!(file = %name, %error, "could not remove a leftover"),
            }
        }
    }
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

/// Errors that pass with time (a busy file, an interrupted call) are E4; the rest are
/// failures that will not pass by themselves and the caller must hear about (E7): a denied
/// permission, a parent that is a file, a read-only or full file system.
fn io_error(action: &str, error: io::Error) -> StoreError {
    use io::ErrorKind::*;
    let detail = format!("{action}: {error}");
    match error.kind() {
        WouldBlock | Interrupted | TimedOut | ResourceBusy => StoreError::Unavailable { detail },
        _ => StoreError::Failed { detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_a_write_removes_what_a_crashed_write_left_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.bin");
        let leftover = dir.path().join(".session.bin.a1B2c3.tmp");
        let others = [".other.bin.a1B2c3.tmp", ".tmpA1b2C3", "session.bin.tmp"];
        fs::write(&leftover, b"half a blob").unwrap();
        for other in others {
            fs::write(dir.path().join(other), b"the app's").unwrap();
        }

        write(&path, b"whole").unwrap();

        assert_eq!(read(&path).unwrap().as_deref(), Some(&b"whole"[..]));
        assert!(!leftover.exists(), "the leftover is removed");
        for other in others {
            assert!(dir.path().join(other).exists(), "{other} is not ours");
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.starts_with(".session.bin."))
            .collect();
        assert!(
            names.is_empty(),
            "no temporary file of ours stays: {names:?}"
        );
    }
}
