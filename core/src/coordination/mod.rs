//! Several processes over one store (SPEC C1-C3): an app and its extensions on iOS, an app's
//! processes on Android, each with its own engine.
//!
//! Three small files in a directory every process can reach (an App Group container on iOS,
//! the app's files directory on Android), beside the store:
//!
//! | file | what | written |
//! | --- | --- | --- |
//! | `sessionkit.lock` | empty; `flock`ed for short local work (`lock.rs`) | never |
//! | `sessionkit.stamp` | 16 random bytes, new before every store write (`stamp.rs`) | under the lock |
//! | `sessionkit.lease` | who refreshes, until when, how it ended (`lease.rs`) | under the lock |
//!
//! - **C1, one view**: before every request to the server, at every return to the
//!   foreground, on every write and, on Linux and Android, when the stamp file changes
//!   (inotify), an engine compares the stamp with the one it last saw; only when it moved
//!   does it read the store, adopt what another process wrote and announce it.
//! - **C2, a sign-out is final**: every store write happens under the lock, after that
//!   check. If the stored identity moved since this engine last saw the store, the store
//!   wins: this engine adopts it (a new generation) and the write it was about to make, an
//!   answer for the old identity, is refused as `Superseded` (W4, W8).
//! - **C3, one refresh at a time**: a refresh first takes the lease (under the lock, then
//!   released at once). A process that finds the lease held waits, without any lock, for
//!   the holder's answer to reach the store, then adopts it and sends nothing.
//!
//! # Why the lock is never held across a request (`0xdead10cc`)
//! iOS kills a suspended process that holds a file lock in a shared container (crash code
//! `0xdead10cc`), and a process waiting on one is at risk as well. An app or extension can be
//! suspended in the middle of a network request. So the lock guards only local work of a
//! few milliseconds, is only ever tried without blocking (`LOCK_NB`) up to a deadline, and
//! the refresh lease is a record, not a held lock. A crashed or killed holder frees the lock
//! at once (the kernel closes its files) and its lease either at once, when its process is
//! visibly gone, or when the lease expires: the request timeout plus a margin.

mod lease;
mod lock;
mod stamp;
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(feature = "model-check")
))]
mod watch;

use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

use lease::LeaseFile;
pub(crate) use lease::{LeaseOutcome, LeaseOwner, LeaseRecord, Standing, process_alive};
pub(crate) use lock::LockError;
use lock::{ProcessLock, ProcessLockGuard};
pub(crate) use stamp::Stamp;
use stamp::StampFile;
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(feature = "model-check")
))]
pub(crate) use watch::StampWatch;

/// How long a store write waits for another process's short lock before it gives up with
/// `StorageUnavailable` (E4). The lock is held for milliseconds; a holder that keeps it this
/// long is frozen or stopped.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(2);

/// What an engine counts about the other processes, for tests and diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CrossProcessStats {
    /// Times the store was read because its stamp had moved (C1).
    pub store_reloads: u64,
    /// Changes another process made that this engine adopted and announced (C1).
    pub changes_adopted: u64,
    /// Refreshes that sent nothing because another process's answer was adopted (C3).
    pub refreshes_adopted: u64,
    /// Times a refresh waited for another process's lease (C3).
    pub lease_waits: u64,
    /// Leases taken over from a holder that died or expired (C3).
    pub lease_recoveries: u64,
    /// Times the short lock could not be had within its deadline.
    pub lock_timeouts: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    store_reloads: AtomicU64,
    changes_adopted: AtomicU64,
    refreshes_adopted: AtomicU64,
    lease_waits: AtomicU64,
    lease_recoveries: AtomicU64,
    lock_timeouts: AtomicU64,
}

/// One counter of [`Counters`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Count {
    StoreReload,
    ChangeAdopted,
    RefreshAdopted,
    LeaseWait,
    LeaseRecovery,
    LockTimeout,
}

impl Counters {
    pub(crate) fn add(&self, count: Count) {
        let counter = match count {
            Count::StoreReload => &self.store_reloads,
            Count::ChangeAdopted => &self.changes_adopted,
            Count::RefreshAdopted => &self.refreshes_adopted,
            Count::LeaseWait => &self.lease_waits,
            Count::LeaseRecovery => &self.lease_recoveries,
            Count::LockTimeout => &self.lock_timeouts,
        };
        // Diagnostics only: nothing is ordered by these.
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> CrossProcessStats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        CrossProcessStats {
            store_reloads: get(&self.store_reloads),
            changes_adopted: get(&self.changes_adopted),
            refreshes_adopted: get(&self.refreshes_adopted),
            lease_waits: get(&self.lease_waits),
            lease_recoveries: get(&self.lease_recoveries),
            lock_timeouts: get(&self.lock_timeouts),
        }
    }
}

/// The coordination files of one shared store, as one engine uses them.
#[derive(Debug)]
pub(crate) struct ProcessCoordination {
    lock: ProcessLock,
    stamp: StampFile,
    lease: LeaseFile,
    owner: LeaseOwner,
    lease_duration: Duration,
    counters: Counters,
    /// The stamp the engine last saw, for the lock-free check (a leaf lock: nothing is
    /// taken while it is held). The engine's writer keeps the authoritative copy.
    last_seen: Mutex<Option<Stamp>>,
}

/// The short lock, held: what may only be done under it.
pub(crate) struct Locked<'a> {
    coordination: &'a ProcessCoordination,
    guard: ProcessLockGuard<'a>,
}

impl ProcessCoordination {
    /// Opens the coordination files in `directory`, which must exist and be writable.
    /// `lease_duration` bounds how long a refresh holds the lease: the request timeout plus
    /// a margin.
    pub(crate) fn open(directory: &Path, lease_duration: Duration) -> io::Result<Self> {
        if !directory.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is not a directory", directory.display()),
            ));
        }
        let lock = ProcessLock::open(&directory.join("sessionkit.lock"))?;
        let stamp = StampFile::new(&directory.join("sessionkit.stamp"));
        if !stamp.path().exists() {
            // A stamp to watch from the start; writing it also proves the directory writable.
            let locked = lock.acquire(LOCK_WAIT).map_err(|error| match error {
                LockError::Busy => {
                    io::Error::new(io::ErrorKind::WouldBlock, "another process holds the lock")
                }
                LockError::Unsupported(error) => error,
            })?;
            stamp.bump(&locked)?;
        }
        let mut nonce = [0; 8];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| io::Error::other("no randomness for the lease owner"))?;
        Ok(Self {
            lock,
            stamp,
            lease: LeaseFile::new(&directory.join("sessionkit.lease")),
            owner: LeaseOwner {
                nonce: u64::from_ne_bytes(nonce),
                pid: std::process::id(),
            },
            lease_duration,
            counters: Counters::default(),
            last_seen: Mutex::new(None),
        })
    }

    /// Notes the stamp the engine saw last, for [`stamp_moved`](Self::stamp_moved).
    pub(crate) fn remember_stamp(&self, stamp: Stamp) {
        *self.last_seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(stamp);
    }

    /// Whether another process may have written since the engine last looked: one read of
    /// the stamp, no lock. An unreadable stamp counts as moved.
    pub(crate) fn stamp_moved(&self) -> bool {
        let seen = *self.last_seen.lock().unwrap_or_else(|p| p.into_inner());
        match self.stamp() {
            Ok(stamp) => seen != Some(stamp),
            Err(_) => true,
        }
    }

    pub(crate) fn owner(&self) -> LeaseOwner {
        self.owner
    }

    pub(crate) fn lease_duration(&self) -> Duration {
        self.lease_duration
    }

    pub(crate) fn count(&self, count: Count) {
        self.counters.add(count);
    }

    pub(crate) fn stats(&self) -> CrossProcessStats {
        self.counters.snapshot()
    }

    /// The stamp now, without the lock (C1's cheap check).
    pub(crate) fn stamp(&self) -> io::Result<Stamp> {
        self.stamp.read()
    }

    /// The stamp file's path, for a watcher.
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        not(feature = "model-check")
    ))]
    pub(crate) fn stamp_path(&self) -> &Path {
        self.stamp.path()
    }

    /// Takes the short lock, waiting at most `wait`. Call it only under the engine's writer
    /// lock (`lock.rs` says why).
    pub(crate) fn lock(&self, wait: Duration) -> Result<Locked<'_>, LockError> {
        let guard = self.lock.acquire(wait).inspect_err(|error| {
            if matches!(error, LockError::Busy) {
                self.count(Count::LockTimeout);
            }
        })?;
        Ok(Locked {
            coordination: self,
            guard,
        })
    }
}

impl Locked<'_> {
    /// The stamp now.
    pub(crate) fn stamp(&self) -> io::Result<Stamp> {
        self.coordination.stamp.read()
    }

    /// A new stamp, before a store write.
    pub(crate) fn bump_stamp(&self) -> io::Result<Stamp> {
        self.coordination.stamp.bump(&self.guard)
    }

    /// The lease record, if any.
    pub(crate) fn lease(&self) -> io::Result<Option<LeaseRecord>> {
        self.coordination.lease.read(&self.guard)
    }

    pub(crate) fn write_lease(&self, record: &LeaseRecord) -> io::Result<()> {
        self.coordination.lease.write(&self.guard, record)
    }
}
