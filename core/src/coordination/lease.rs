//! The refresh lease (SPEC C3): a small record in a file beside the store that says which
//! process is refreshing the session, until when, and how its last refresh ended.
//!
//! The record is read and written under the short cross-process lock, but the lease itself
//! is not a lock anyone holds: the refresh runs with no file locked (`mod.rs` says why). A
//! lease is free when nobody took it, when its holder released it, when it expired, or when
//! its holder's process is gone:
//!
//! ```text
//!            take (free)                 release (outcome)
//!   Free ─────────────────────▶ Held ─────────────────────▶ Released
//!    ▲                           │  expiry passed, or the holder's pid is gone
//!    └───────────────────────────┘  (a recovery: counted, and taken at once)
//! ```
//!
//! Times are the device's wall clock in Unix milliseconds, which every process on the device
//! shares. A record whose expiry lies further ahead than any lease is long (the clock was set
//! back) counts as expired.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::lock::ProcessLockGuard;

/// Who takes a lease: one engine in one process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LeaseOwner {
    /// Random per engine: two engines in one process are two owners.
    pub(crate) nonce: u64,
    pub(crate) pid: u32,
}

/// How the holder's refresh ended, for the processes that waited for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LeaseOutcome {
    /// The server answered and the answer (or a sign-out) is in the store.
    Stored,
    /// The server could not be reached or asked to wait: waiters back off as the holder does.
    Transient {
        #[serde(default)]
        retry_after_millis: Option<u64>,
    },
    /// Anything else (a request the server refused, an answer for a changed identity):
    /// waiters decide for themselves.
    Other,
}

/// The record as stored. Field names are the file's format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LeaseRecord {
    owner: String,
    pid: u32,
    expires_at: i64,
    #[serde(default)]
    released_at: Option<i64>,
    #[serde(default)]
    outcome: Option<LeaseOutcome>,
}

/// Where a lease stands for one process at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Nobody holds it: take it.
    Free,
    /// Its holder released it at `at`, with `outcome`.
    Released { at: i64, outcome: LeaseOutcome },
    /// Another live holder has it until `until`: wait.
    Held { until: i64 },
    /// A holder had it but expired or died: take it over (a recovery).
    Abandoned,
}

impl LeaseRecord {
    pub(crate) fn held(owner: LeaseOwner, expires_at: i64) -> Self {
        Self {
            owner: format!("{:016x}", owner.nonce),
            pid: owner.pid,
            expires_at,
            released_at: None,
            outcome: None,
        }
    }

    pub(crate) fn released(mut self, at: i64, outcome: LeaseOutcome) -> Self {
        self.released_at = Some(at);
        self.outcome = Some(outcome);
        self
    }

    pub(crate) fn is_held_by(&self, owner: LeaseOwner) -> bool {
        self.released_at.is_none() && self.owner == format!("{:016x}", owner.nonce)
    }

    /// Where the lease stands at `now` for `me`, with leases at most `longest` long;
    /// `alive(pid)` says whether a process may still be running (true when unsure).
    pub(crate) fn standing(
        &self,
        now: i64,
        me: LeaseOwner,
        longest: Duration,
        alive: impl Fn(u32) -> bool,
    ) -> Standing {
        if let (Some(at), Some(outcome)) = (self.released_at, self.outcome) {
            return Standing::Released { at, outcome };
        }
        if self.is_held_by(me) {
            return Standing::Free;
        }
        let longest = i64::try_from(longest.as_millis()).unwrap_or(i64::MAX);
        let expired = self.expires_at <= now;
        let clock_moved_back = self.expires_at.saturating_sub(now) > longest;
        let holder_gone = self.pid != me.pid && !alive(self.pid);
        if expired || clock_moved_back || holder_gone {
            Standing::Abandoned
        } else {
            Standing::Held {
                until: self.expires_at,
            }
        }
    }
}

/// The lease file.
#[derive(Debug)]
pub(crate) struct LeaseFile {
    path: PathBuf,
}

impl LeaseFile {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    /// The record, under the lock. A missing or unreadable record is no lease: a holder that
    /// crashed while writing it is gone anyway.
    pub(crate) fn read(&self, _locked: &ProcessLockGuard<'_>) -> io::Result<Option<LeaseRecord>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Replaces the record, under the lock.
    pub(crate) fn write(
        &self,
        _locked: &ProcessLockGuard<'_>,
        record: &LeaseRecord,
    ) -> io::Result<()> {
        let bytes = serde_json::to_vec(record).map_err(io::Error::other)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&self.path)?, &bytes)
    }
}

/// Whether process `pid` may still be running: false only when the system says no such
/// process exists. Processes the caller may not signal (an iOS extension seen from its app)
/// count as alive, so their leases end by expiry.
#[cfg(unix)]
pub(crate) fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
pub(crate) fn process_alive(_: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: LeaseOwner = LeaseOwner { nonce: 1, pid: 10 };
    const OTHER: LeaseOwner = LeaseOwner { nonce: 2, pid: 20 };
    const LONGEST: Duration = Duration::from_secs(35);

    fn alive(_: u32) -> bool {
        true
    }

    #[test]
    fn c3_a_live_holder_s_lease_is_held_until_it_expires_then_abandoned() {
        let lease = LeaseRecord::held(OTHER, 35_000);
        assert_eq!(
            lease.standing(0, ME, LONGEST, alive),
            Standing::Held { until: 35_000 }
        );
        assert_eq!(
            lease.standing(35_000, ME, LONGEST, alive),
            Standing::Abandoned
        );
    }

    #[test]
    fn c3_a_dead_holder_s_lease_is_abandoned_at_once() {
        let lease = LeaseRecord::held(OTHER, 35_000);
        assert_eq!(
            lease.standing(0, ME, LONGEST, |pid| pid != 20),
            Standing::Abandoned
        );
    }

    #[test]
    fn c3_a_lease_expiring_further_ahead_than_any_lease_lasts_is_abandoned() {
        let lease = LeaseRecord::held(OTHER, 1_000_000);
        assert_eq!(lease.standing(0, ME, LONGEST, alive), Standing::Abandoned);
    }

    #[test]
    fn c3_a_released_lease_tells_how_the_refresh_ended() {
        let outcome = LeaseOutcome::Transient {
            retry_after_millis: Some(5_000),
        };
        let lease = LeaseRecord::held(OTHER, 35_000).released(1_000, outcome);
        assert_eq!(
            lease.standing(2_000, ME, LONGEST, alive),
            Standing::Released { at: 1_000, outcome }
        );
    }

    #[test]
    fn c3_an_engine_s_own_lease_is_free_for_it_and_held_for_another_engine_of_its_process() {
        let lease = LeaseRecord::held(ME, 35_000);
        assert_eq!(lease.standing(0, ME, LONGEST, alive), Standing::Free);
        let sibling = LeaseOwner { nonce: 3, pid: 10 };
        assert_eq!(
            lease.standing(0, sibling, LONGEST, |_| false),
            Standing::Held { until: 35_000 },
            "the same pid is alive: it is this process"
        );
    }

    #[cfg(unix)]
    #[test]
    fn c3_this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(process_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_alive(pid));
    }
}
