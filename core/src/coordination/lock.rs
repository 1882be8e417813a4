//! The short cross-process lock: `flock` on a lock file that is created once and never
//! replaced or removed (SPEC C2).
//!
//! It is only ever taken without blocking (`LOCK_NB`), retried with a growing pause until a
//! deadline, and held for local work only: one store read or write and the small files
//! beside it, never a network call. That is what keeps a suspended iOS process from being
//! killed for holding it (`0xdead10cc`, see `mod.rs`) and a frozen Android process from
//! holding up the others for longer than the deadline.
//!
//! `flock` locks belong to an open file description, not to a process: two `ProcessLock`s
//! opened separately exclude each other even within one process (tests run several engines
//! in one process this way), but two threads sharing one `ProcessLock` do not. The engine
//! therefore takes its lock only under its own writer lock.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// Why the lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process held it for the whole wait.
    Busy,
    /// The file system refused to lock at all (some vendor kernels answer `EINVAL`).
    Unsupported(io::Error),
}

/// The lock file, open for the engine's lifetime.
#[derive(Debug)]
pub(crate) struct ProcessLock {
    file: File,
}

/// Holds the lock; dropping it unlocks.
#[derive(Debug)]
pub(crate) struct ProcessLockGuard<'a> {
    lock: &'a ProcessLock,
}

/// The first pause between two tries; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_micros(500);
const MAX_PAUSE: Duration = Duration::from_millis(50);

impl ProcessLock {
    /// Opens (or creates, owner-only) the lock file at `path`.
    pub(crate) fn open(path: &Path) -> io::Result<Self> {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        Ok(Self {
            file: options.open(path)?,
        })
    }

    /// Takes the lock, trying without blocking until `wait` has passed. Sleeps on the calling
    /// thread between tries: call it from a thread that may block (the engine's blocking
    /// pool, or a `*_blocking` caller).
    pub(crate) fn acquire(&self, wait: Duration) -> Result<ProcessLockGuard<'_>, LockError> {
        let started = Instant::now();
        let mut pause = FIRST_PAUSE;
        loop {
            match try_lock(&self.file) {
                Ok(true) => return Ok(ProcessLockGuard { lock: self }),
                Ok(false) => {}
                Err(error) => return Err(LockError::Unsupported(error)),
            }
            let waited = started.elapsed();
            if waited >= wait {
                return Err(LockError::Busy);
            }
            std::thread::sleep(pause.min(wait - waited));
            pause = (pause * 2).min(MAX_PAUSE);
        }
    }
}

impl Drop for ProcessLockGuard<'_> {
    fn drop(&mut self) {
        // Closing the file would unlock too; the engine keeps it open, so unlock now. A
        // failure here cannot be acted on: the kernel releases the lock when the file closes.
        let _ = unlock(&self.lock.file);
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file holds the lock.
#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(unix)]
fn unlock(file: &File) -> io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::Unlock).map_err(Into::into)
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> io::Result<bool> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "cross-process locking needs a Unix platform",
    ))
}

#[cfg(not(unix))]
fn unlock(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c2_two_opens_of_one_lock_file_exclude_each_other_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessionkit.lock");
        let first = ProcessLock::open(&path).unwrap();
        let second = ProcessLock::open(&path).unwrap();
        let held = first.acquire(Duration::ZERO).unwrap();
        assert!(matches!(
            second.acquire(Duration::ZERO),
            Err(LockError::Busy)
        ));
        drop(held);
        assert!(second.acquire(Duration::ZERO).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn c2_the_lock_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessionkit.lock");
        ProcessLock::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
