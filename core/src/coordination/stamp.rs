//! The store's change stamp (SPEC C1): 16 random bytes in a file beside the store, replaced
//! under the cross-process lock before every store write.
//!
//! A process compares the stamp with the one it last saw to learn, for the price of one small
//! read, whether another process wrote the store since; only then does it read (and decrypt)
//! the store. Random rather than a counter, so a stamp file deleted or recreated never
//! repeats a value a process remembers. Written before the store, so a process that crashes
//! between the two leaves a stamp that says "changed" (a needless re-read), never one that
//! hides a change.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom, SystemRandom};

use super::lock::ProcessLockGuard;

/// One value of the stamp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamp([u8; 16]);

/// The stamp file.
#[derive(Debug)]
pub(crate) struct StampFile {
    path: PathBuf,
}

impl StampFile {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The stamp now, without the lock: a read that races a write sees a value that differs
    /// from every remembered one, which only costs a re-read. A missing file reads as the
    /// all-zero stamp, which no write produces in practice.
    pub(crate) fn read(&self) -> io::Result<Stamp> {
        let mut bytes = [0; 16];
        match File::open(&self.path) {
            Ok(mut file) => {
                let mut filled = 0;
                while filled < bytes.len() {
                    match file.read(&mut bytes[filled..])? {
                        0 => break,
                        n => filled += n,
                    }
                }
                Ok(Stamp(bytes))
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Stamp::default()),
            Err(error) => Err(error),
        }
    }

    /// Replaces the stamp with a fresh random one, under the lock, and returns it.
    pub(crate) fn bump(&self, _locked: &ProcessLockGuard<'_>) -> io::Result<Stamp> {
        let mut bytes = [0; 16];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| io::Error::other("no randomness for the store stamp"))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&self.path)?;
        write_at_start(&file, &bytes)?;
        Ok(Stamp(bytes))
    }
}

/// Writes `bytes` over the start of `file` in one positioned write: the file is always 16
/// bytes, so it never needs truncating.
#[cfg(unix)]
fn write_at_start(file: &File, bytes: &[u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, 0)
}

#[cfg(not(unix))]
fn write_at_start(mut file: &File, bytes: &[u8]) -> io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::lock::ProcessLock;
    use super::*;

    #[test]
    fn c1_every_bump_gives_a_stamp_no_process_has_seen() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = StampFile::new(&dir.path().join("sessionkit.stamp"));
        let lock = ProcessLock::open(&dir.path().join("sessionkit.lock")).unwrap();
        assert_eq!(stamp.read().unwrap(), Stamp::default(), "no file yet");
        let locked = lock.acquire(Duration::ZERO).unwrap();
        let first = stamp.bump(&locked).unwrap();
        let second = stamp.bump(&locked).unwrap();
        assert_ne!(first, second);
        assert_ne!(first, Stamp::default());
        assert_eq!(stamp.read().unwrap(), second);
    }
}
