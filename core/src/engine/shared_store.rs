//! The write path's side of a store shared by several processes (SPEC C1-C3): what this
//! engine last saw of the store, adopting what another process wrote, and the refresh lease.
//! The files themselves are `crate::coordination`'s.
//!
//! Everything here runs under the writer lock, then the cross-process lock (the engine's
//! lock order, `mod.rs`), and does only local work: store reads, the stamp and the lease.
//!
//! When the stamp moved, the stored identity decides (C2):
//!
//! | stored identity since last seen | this engine's identity | what happens |
//! | --- | --- | --- |
//! | moved | differs | adopt the store: a new generation; answers for the old one are refused |
//! | moved or not | same | adopt the store's content if it is fresher (same generation) |
//! | not moved | differs, write pending | keep ours: the app's own change is newer |

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use super::event::ChangeCause;
use super::seen_store::{Adoption, Identity, SeenStore};
use super::session_state::{Persistence, SessionState, Writer, guard_store};
use super::snapshot::{Generation, Snapshot, StorageHealth};
use crate::coordination::{
    Count, LeaseOutcome, LeaseRecord, LockError, Locked, ProcessCoordination, Stamp, Standing,
    process_alive,
};
use crate::envelope::Envelope;
use crate::model::{Session, SessionTokens};
use crate::store::StoreError;

/// How short a wait for the cross-process lock is when nothing depends on getting it (a
/// check at the foreground): the next request checks again anyway.
const HINT_LOCK_WAIT: Duration = Duration::from_millis(200);

/// What the refresh in flight started from (C3): enough to tell whether the store now holds
/// a fresher answer than the one it set out to get.
#[derive(Clone, Debug)]
pub(crate) struct RefreshBase {
    pub(crate) generation: Generation,
    pub(crate) tokens: SessionTokens,
    pub(crate) validated_at: Option<DateTime<Utc>>,
}

impl RefreshBase {
    /// The base of a refresh of `snapshot`'s session, if it has tokens.
    pub(crate) fn of(snapshot: &Snapshot) -> Option<Self> {
        Some(Self {
            generation: snapshot.generation,
            tokens: snapshot.tokens.clone()?,
            validated_at: snapshot.last_validated_at,
        })
    }
}

/// One look at the refresh lease.
pub(crate) enum LeaseStep {
    /// The lease is this engine's now: send the request.
    Take,
    /// Another process's answer is in the store and was adopted: send nothing.
    Adopted(Arc<Session>),
    /// The identity changed: the refresh has nothing left to do (W4).
    Superseded,
    /// Another process holds the lease until `until` (device Unix milliseconds): wait.
    Wait { until: i64 },
    /// The holder's refresh, which this one waited for, could not reach the server.
    HolderFailed { retry_after: Option<Duration> },
}

impl SessionState {
    /// Takes the cross-process lock, if the store is shared. Called with the writer lock
    /// held. A lock another process keeps past the wait is storage that cannot be reached
    /// right now (E4); a file system that cannot lock at all runs unshared, with a warning.
    pub(super) fn lock_other_processes(
        &self,
        wait: Duration,
    ) -> Result<Option<Locked<'_>>, StoreError> {
        let Some(shared) = self.shared() else {
            return Ok(None);
        };
        match shared.lock(wait) {
            Ok(locked) => Ok(Some(locked)),
            Err(LockError::Busy) => {
                tracing::warn!(
                    ?wait,
                    "another process held the shared session store's lock for the whole wait"
                );
                Err(StoreError::Unavailable {
                    detail: "another process holds the shared session store's lock".into(),
                })
            }
            Err(LockError::Unsupported(error)) => {
                tracing::error!(
                    %error,
                    "the shared directory cannot be locked; writing without cross-process checks"
                );
                Ok(None)
            }
        }
    }

    /// Records what the store holds after this engine read or wrote it under the lock.
    pub(super) fn saw_store(&self, writer: &mut Writer, stamp: Stamp, identity: Option<Identity>) {
        writer.seen = Some(SeenStore { stamp, identity });
        if let Some(shared) = self.shared() {
            shared.remember_stamp(stamp);
        }
    }

    /// C1 under the locks: when the stamp moved since this engine last saw the store, reads
    /// the store and adopts what another process wrote (see the table above).
    pub(super) fn sync_locked(&self, writer: &mut Writer, locked: &Locked<'_>) -> Adoption {
        let Some(shared) = self.shared() else {
            return Adoption::Nothing;
        };
        let stamp = match locked.stamp() {
            Ok(stamp) => stamp,
            Err(error) => {
                tracing::warn!(%error, "could not read the shared store's stamp");
                return Adoption::Nothing;
            }
        };
        if writer.seen.is_some_and(|seen| seen.stamp == stamp) {
            return Adoption::Nothing;
        }
        shared.count(Count::StoreReload);
        let loaded = guard_store(self.store(), |store| store.load()).and_then(|blob| {
            blob.map(|blob| {
                let blob = Zeroizing::new(blob);
                Envelope::decode(&blob).map_err(|e| StoreError::Corrupted {
                    detail: e.to_string(),
                })
            })
            .transpose()
        });
        let stored = match loaded {
            Ok(stored) => stored,
            Err(StoreError::Corrupted { detail }) => {
                // Another process's problem, or a write it did not finish: the next write
                // here replaces it. Nothing is adopted from it.
                tracing::warn!(%detail, "the shared store holds an unreadable state");
                let identity = writer.seen.and_then(|seen| seen.identity);
                self.saw_store(writer, stamp, identity);
                return Adoption::Nothing;
            }
            Err(error) => {
                crate::error::log_at!(
                    error.log_level(),
                    %error,
                    "could not read the shared store; will check again"
                );
                return Adoption::Nothing;
            }
        };
        let stored_identity = stored
            .as_ref()
            .map(|envelope| Identity::of(&envelope.tokens));
        let moved = writer
            .seen
            .is_none_or(|seen| seen.identity != stored_identity);
        self.saw_store(writer, stamp, stored_identity);
        let current = self.cell().load_full();
        let ours = current.tokens.as_ref().map(Identity::of);
        let adoption = if ours != stored_identity {
            if !moved && writer.persistence == Persistence::Pending {
                return Adoption::Nothing;
            }
            Adoption::Identity
        } else if stored
            .as_ref()
            .is_some_and(|stored| is_fresher(stored, &current))
        {
            Adoption::Content
        } else {
            Adoption::Nothing
        };
        if adoption == Adoption::Nothing {
            return adoption;
        }
        let theirs = stored.as_ref().and_then(|e| e.clock_offset_millis);
        if let Some(offset) = theirs {
            self.clock().restore(offset);
        }
        // The writer stated `last_validated_at` on its own estimate of server time; on this
        // process's estimate it is that moment on the device clock, which all processes
        // share, plus this offset. Offsets learnt from whole-second server times differ by up
        // to a second between processes: untranslated, a heartbeat anchored on another
        // process's time would come early.
        let shift = match (theirs, self.clock().offset_millis()) {
            (Some(theirs), Some(ours)) => chrono::TimeDelta::milliseconds(ours - theirs),
            _ => chrono::TimeDelta::zero(),
        };
        let generation = match adoption {
            Adoption::Identity => current.generation.next(),
            _ => current.generation,
        };
        let mut next = match stored {
            Some(envelope) => Snapshot::from_envelope(generation, envelope),
            None => Snapshot::signed_out(generation),
        };
        next.last_validated_at = next.last_validated_at.map(|at| at + shift);
        if adoption == Adoption::Content {
            // The same identity: this process's own word on whether it confirmed it stands.
            next.from_cache = current.from_cache;
        }
        next.storage = StorageHealth::Healthy;
        next.revision = current.revision + 1;
        writer.persistence = Persistence::InSync;
        shared.count(Count::ChangeAdopted);
        tracing::debug!(
            generation = %next.generation,
            ?adoption,
            "adopted what another process wrote to the shared store"
        );
        let next = Arc::new(next);
        self.cell().store(Arc::clone(&next));
        self.announce_change(&next, ChangeCause::OtherProcess);
        adoption
    }

    /// C1 at the foreground and on a watcher's hint: a cheap look at the stamp and, only
    /// when it moved, a sync. Waits briefly for the locks; the next request checks again.
    pub(crate) fn check_other_processes(&self) {
        let Some(shared) = self.shared() else {
            return;
        };
        if !shared.stamp_moved() {
            return;
        }
        let Some(mut writer) = self.lock_writer() else {
            return;
        };
        if writer.persistence == Persistence::Unread {
            // The restore, still on its way, reads the store anyway.
            return;
        }
        if let Ok(Some(locked)) = self.lock_other_processes(HINT_LOCK_WAIT) {
            self.sync_locked(&mut writer, &locked);
        }
        drop(writer);
        self.after_unlock();
    }

    /// One look at the refresh lease for the refresh that started from `base` (C3), after
    /// syncing with the store. `waiting_since` is when this refresh began waiting for
    /// another process's lease, if it did.
    pub(crate) fn refresh_lease_step(
        &self,
        base: &RefreshBase,
        waiting_since: Option<i64>,
    ) -> Result<LeaseStep, StoreError> {
        let Some(shared) = self.shared() else {
            return Ok(LeaseStep::Take);
        };
        let Some(mut writer) = self.lock_writer() else {
            return Err(StoreError::Failed {
                detail: "the refresh lease cannot be taken from inside a store call".into(),
            });
        };
        let step = self.lease_step_locked(shared, &mut writer, base, waiting_since);
        drop(writer);
        self.after_unlock();
        step
    }

    fn lease_step_locked(
        &self,
        shared: &ProcessCoordination,
        writer: &mut Writer,
        base: &RefreshBase,
        waiting_since: Option<i64>,
    ) -> Result<LeaseStep, StoreError> {
        let Some(locked) = self.lock_other_processes(crate::coordination::LOCK_WAIT)? else {
            return Ok(LeaseStep::Take);
        };
        if writer.persistence == Persistence::Unread {
            self.restore_locked(writer, Some(&locked));
        } else {
            self.sync_locked(writer, &locked);
        }
        let snapshot = self.cell().load_full();
        if snapshot.generation != base.generation {
            return Ok(LeaseStep::Superseded);
        }
        // Within one generation only an answer changes the state, and this engine's own
        // flight is this one: any change since it started is another process's answer.
        let answered_elsewhere = snapshot.tokens.as_ref() != Some(&base.tokens)
            || snapshot.last_validated_at != base.validated_at;
        if answered_elsewhere && let Some(session) = &snapshot.session {
            shared.count(Count::RefreshAdopted);
            return Ok(LeaseStep::Adopted(Arc::clone(session)));
        }
        let now = self.clock().device_millis();
        let lease = locked.lease().map_err(|error| StoreError::Unavailable {
            detail: format!("could not read the refresh lease: {error}"),
        })?;
        let standing = lease.as_ref().map_or(Standing::Free, |lease| {
            lease.standing(now, shared.owner(), shared.lease_duration(), process_alive)
        });
        tracing::trace!(?standing, answered_elsewhere, "refresh lease");
        match standing {
            Standing::Held { until } => return Ok(LeaseStep::Wait { until }),
            Standing::Released {
                at,
                outcome: LeaseOutcome::Transient { retry_after_millis },
            } if waiting_since.is_some_and(|since| at >= since) => {
                return Ok(LeaseStep::HolderFailed {
                    retry_after: retry_after_millis.map(Duration::from_millis),
                });
            }
            Standing::Abandoned => {
                shared.count(Count::LeaseRecovery);
                tracing::info!("took over a refresh lease whose holder died or expired");
            }
            Standing::Free | Standing::Released { .. } => {}
        }
        let expires_at = now
            .saturating_add(i64::try_from(shared.lease_duration().as_millis()).unwrap_or(i64::MAX));
        locked
            .write_lease(&LeaseRecord::held(shared.owner(), expires_at))
            .map_err(|error| StoreError::Unavailable {
                detail: format!("could not write the refresh lease: {error}"),
            })?;
        Ok(LeaseStep::Take)
    }

    /// Ends this engine's lease with how its refresh went, so waiters need not wait for it
    /// to expire. A lease that is no longer this engine's is left alone.
    pub(crate) fn release_lease(&self, outcome: LeaseOutcome) {
        let Some(shared) = self.shared() else {
            return;
        };
        let Some(writer) = self.lock_writer() else {
            return;
        };
        let released = (|| -> std::io::Result<()> {
            let Ok(Some(locked)) = self.lock_other_processes(crate::coordination::LOCK_WAIT) else {
                return Ok(());
            };
            if let Some(lease) = locked.lease()?
                && lease.is_held_by(shared.owner())
            {
                let now = self.clock().device_millis();
                locked.write_lease(&lease.released(now, outcome))?;
            }
            Ok(())
        })();
        drop(writer);
        if let Err(error) = released {
            tracing::warn!(%error, "could not release the refresh lease; it will expire");
        }
    }
}

/// Whether `stored` says more recently what the server thinks of the session than `current`.
/// Decided on what the server issued (the session's `last_accessed_at`, then the JWT's
/// expiry), which every process reads alike; a process's own `last_validated_at` carries
/// its own clock offset, so it only breaks a tie.
fn is_fresher(stored: &Envelope, current: &Snapshot) -> bool {
    match (&stored.session, &current.session) {
        (Some(theirs), Some(ours)) if theirs.last_accessed_at != ours.last_accessed_at => {
            return theirs.last_accessed_at > ours.last_accessed_at;
        }
        (Some(_), None) => return true,
        (None, Some(_)) => return false,
        _ => {}
    }
    let stored_expiry = crate::jwt::read_expiry(stored.tokens.session_jwt()).ok();
    if stored_expiry != current.jwt_expires_at {
        return stored_expiry > current.jwt_expires_at;
    }
    stored.last_validated_at > current.last_validated_at
}
