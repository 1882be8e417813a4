//! The write path: the state cell, its one writer, and the store behind it (SPEC O2, W1, W6,
//! E4, E5, E7, P1).
//!
//! Readers load the snapshot without a lock (R4). Every change goes through
//! [`SessionState::commit`], which holds the writer lock while it persists the next
//! snapshot, swaps it in and queues the announcement, so listeners hear changes in the order
//! they happened and only after they were written. After releasing the lock it starts
//! delivery threads if needed and wakes the scheduler. Restoring at start-up and retrying
//! storage go through the same lock.
//!
//! A failed save never undoes a change: the new state holds in memory, is announced, and the
//! write is retried with the next change or when the app reports storage available (O2).
//!
//! A store shared with other processes (C1-C3) adds one step under the writer lock: the
//! cross-process lock is taken next, the store's stamp checked and what another process
//! wrote adopted (`shared_store.rs`) before the change is computed, and the stamp renewed
//! before the store is written.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use zeroize::Zeroizing;

use super::concurrency::{Loaded, Mutex, MutexGuard, Signal, SnapshotCell};
use super::event::{ChangeCause, SessionChange, SessionEvent, StorageIssue};
use super::listeners::Listeners;
use super::seen_store::{Adoption, Identity, SeenStore};
use super::server_time::ServerClock;
use super::snapshot::{Generation, Snapshot, StorageHealth};
use crate::coordination::{Locked, ProcessCoordination};
use crate::envelope::Envelope;
use crate::error::SessionError;
use crate::model::SessionTokens;
use crate::store::{SessionStore, StoreError};

/// What the engine found in storage when it started, or when storage last came back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum RestoreOutcome {
    /// Storage has not been read yet: the engine was started with
    /// [`SessionClientBuilder::start`](crate::SessionClientBuilder::start) and its restore is
    /// still running ([`SessionClient::restored`](crate::SessionClient::restored) waits for
    /// it).
    Pending,
    /// Nothing was stored.
    Empty,
    /// A session was restored; `get_info().from_cache` is true until it is confirmed.
    Restored,
    /// The stored state was unreadable and has been wiped (E5). The engine is signed out.
    Corrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage could not be read right now (E4). Nothing was wiped; call
    /// `storage_became_available` once it can be.
    Unavailable {
        /// What the store reported.
        detail: String,
    },
    /// Storage could not be read for a reason that will not pass by itself (E7): a path
    /// that cannot exist, a permission that will not change, a missing entitlement. The
    /// engine runs signed out in memory; fix the configuration.
    Failed {
        /// What the store reported.
        detail: String,
    },
}

impl fmt::Display for RestoreOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pending => f.write_str("storage not read yet"),
            Self::Empty => f.write_str("nothing stored"),
            Self::Restored => f.write_str("session restored from storage"),
            Self::Corrupted { detail } => write!(f, "stored session corrupted and wiped: {detail}"),
            Self::Unavailable { detail } => write!(f, "storage unavailable, will retry: {detail}"),
            Self::Failed { detail } => write!(f, "storage failed: {detail}"),
        }
    }
}

/// How the store relates to the state in memory; guarded by the writer lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Persistence {
    /// Storage has not been read yet. The first state change reads it before it applies
    /// (so a change made while the start-up restore is still on its way lands on top of
    /// the restored state, never under it).
    Unread,
    /// The store holds the current state.
    InSync,
    /// The last write failed; the current state must be written again.
    Pending,
    /// The store could not be read at start-up; what it holds is unknown.
    NotLoaded,
}

/// What the writer lock guards.
pub(super) struct Writer {
    pub(super) persistence: Persistence,
    /// What this engine last saw of a store shared with other processes (C1, C2); `None`
    /// until it has looked, and always for an unshared store.
    pub(super) seen: Option<SeenStore>,
}

/// What a [`SessionState::commit`] did.
pub(crate) struct Committed {
    /// Whether the change was applied (false when the change function declined).
    pub(crate) applied: bool,
    /// The store's failure, when the write did not succeed (the state holds anyway).
    pub(crate) storage_error: Option<StoreError>,
}

/// The session state: the snapshot cell, the writer lock and the store.
pub(crate) struct SessionState {
    cell: SnapshotCell<Snapshot>,
    restore_outcome: SnapshotCell<RestoreOutcome>,
    /// Serialises every state change and every store call. Readers never take it.
    writer: Mutex<Writer>,
    store: Arc<dyn SessionStore>,
    listeners: Listeners,
    clock: Arc<ServerClock>,
    /// Notified after every swap: the scheduler's wake-up.
    changed: Arc<Signal>,
    /// The coordination files, when other processes share the store (C1-C3).
    shared: Option<ProcessCoordination>,
}

impl SessionState {
    pub(crate) fn new(
        store: Arc<dyn SessionStore>,
        clock: Arc<ServerClock>,
        changed: Arc<Signal>,
        shared: Option<ProcessCoordination>,
    ) -> Self {
        Self {
            cell: SnapshotCell::from_pointee(Snapshot::restoring()),
            restore_outcome: SnapshotCell::from_pointee(RestoreOutcome::Pending),
            writer: Mutex::new(Writer {
                persistence: Persistence::Unread,
                seen: None,
            }),
            store,
            listeners: Listeners::new(),
            clock,
            changed,
            shared,
        }
    }

    /// The coordination files, when other processes share the store.
    pub(crate) fn shared(&self) -> Option<&ProcessCoordination> {
        self.shared.as_ref()
    }

    pub(super) fn store(&self) -> &dyn SessionStore {
        &*self.store
    }

    pub(super) fn cell(&self) -> &SnapshotCell<Snapshot> {
        &self.cell
    }

    pub(super) fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// The writer lock, or `None` when this thread is inside a store call, which holds it
    /// already (V8): a store that calls back into the engine gets an error, not a deadlock.
    pub(super) fn lock_writer(&self) -> Option<MutexGuard<'_, Writer>> {
        if store_call::on_this_thread() {
            tracing::warn!("{}", store_call::REENTERED);
            return None;
        }
        Some(self.writer.lock())
    }

    /// The current snapshot, without a lock.
    #[inline]
    pub(crate) fn load(&self) -> Loaded<Snapshot> {
        self.cell.load()
    }

    /// What start-up (or the last storage retry) found in storage, without a lock.
    pub(crate) fn restore_outcome(&self) -> RestoreOutcome {
        RestoreOutcome::clone(&self.restore_outcome.load())
    }

    pub(crate) fn listeners(&self) -> &Listeners {
        &self.listeners
    }

    /// Applies one state change: persist, swap, announce, under the writer lock. `change`
    /// returns `None` when there is nothing to do.
    pub(crate) fn commit(
        &self,
        change: impl FnOnce(&Snapshot) -> Option<(Snapshot, ChangeCause)>,
    ) -> Committed {
        let Some(mut writer) = self.lock_writer() else {
            return Committed {
                applied: false,
                storage_error: Some(StoreError::Failed {
                    detail: store_call::REENTERED.into(),
                }),
            };
        };
        let locked = match self.lock_other_processes(crate::coordination::LOCK_WAIT) {
            Ok(locked) => locked,
            // Another process keeps the store locked: nothing is changed or written (E4).
            Err(error) => {
                return Committed {
                    applied: false,
                    storage_error: Some(error),
                };
            }
        };
        let mut adoption = Adoption::Nothing;
        if writer.persistence == Persistence::Unread {
            self.restore_locked(&mut writer, locked.as_ref());
        } else if let Some(locked) = &locked {
            adoption = self.sync_locked(&mut writer, locked);
        }
        let current = self.cell.load_full();
        let Some((mut next, cause)) = change(&current) else {
            drop(locked);
            drop(writer);
            if adoption != Adoption::Nothing {
                self.after_unlock();
            }
            return Committed {
                applied: false,
                storage_error: None,
            };
        };
        let changed = !next.same_content(&current);
        next.revision = current.revision + u64::from(changed);
        let write = changed || writer.persistence != Persistence::InSync;
        let storage_error = if write {
            let written = self.persist(&mut writer, &next, locked.as_ref());
            next.storage = StorageHealth::after(&written);
            written.err()
        } else {
            next.storage = current.storage;
            None
        };
        let next = Arc::new(next);
        self.cell.store(Arc::clone(&next));
        if changed {
            tracing::debug!(generation = %next.generation, ?cause, "session state changed");
            self.announce(&next, cause);
        }
        if let Some(error) = &storage_error {
            crate::error::log_at!(
                error.log_level(),
                %error,
                "could not persist the session state; will retry"
            );
            self.listeners
                .publish(SessionEvent::Storage(StorageIssue::from_write(error)));
        }
        drop(locked);
        drop(writer);
        self.after_unlock();
        Committed {
            applied: true,
            storage_error,
        }
    }

    /// Installs tokens the app's backend obtained (W1): a new identity whose session object
    /// is unknown until the next authenticate. Installing the tokens already held is no
    /// change. A storage failure does not undo it (O2): it is announced as a storage issue.
    /// Fails only when another process keeps a shared store locked (E4): then nothing
    /// changed.
    pub(crate) fn hydrate(&self, tokens: SessionTokens) -> Result<(), StoreError> {
        let committed = self.commit(|current| {
            if current.tokens.as_ref() == Some(&tokens) {
                return None;
            }
            let next = Snapshot::signed_in(current.generation.next(), tokens, None, false, None);
            Some((next, ChangeCause::Hydrated))
        });
        match committed {
            Committed {
                applied: false,
                storage_error: Some(error),
            } => Err(error),
            _ => Ok(()),
        }
    }

    /// Signs out if `still_applies` holds for the state at the moment of the change. Returns
    /// whether it did, or the store's failure (memory is signed out all the same, unless
    /// another process kept a shared store locked: then nothing changed).
    pub(crate) fn sign_out_if(
        &self,
        still_applies: impl FnOnce(&Snapshot) -> bool,
        reason: super::event::SignOutReason,
    ) -> Result<bool, StoreError> {
        let committed = self.commit(|current| {
            still_applies(current).then(|| {
                let next = Snapshot::signed_out(current.generation.next());
                (next, ChangeCause::SignedOut(reason))
            })
        });
        match committed.storage_error {
            Some(error) => Err(error),
            None => Ok(committed.applied),
        }
    }

    /// Reads the store into memory, unless that was done already, or state has changed since
    /// start-up (then memory is newer than whatever the store holds).
    pub(crate) fn restore(&self) {
        let Some(mut writer) = self.lock_writer() else {
            return;
        };
        // When another process keeps the lock, the store is read without it (its writes are
        // atomic); with no stamp noted, the next check reads it again under the lock.
        let locked = self
            .lock_other_processes(crate::coordination::LOCK_WAIT)
            .ok()
            .flatten();
        self.restore_locked(&mut writer, locked.as_ref());
        drop(locked);
        drop(writer);
        self.after_unlock();
    }

    /// Retries what storage could not do before (E4): reads the stored state if start-up
    /// could not, or writes the current state if a write failed.
    pub(crate) fn retry_storage(&self) -> Result<(), SessionError> {
        let Some(mut writer) = self.lock_writer() else {
            return Err(crate::error::Error::InvalidArgument(store_call::REENTERED.into()).into());
        };
        let locked = match self.lock_other_processes(crate::coordination::LOCK_WAIT) {
            Ok(locked) => locked,
            Err(error) => return Err(SessionError::from(error)),
        };
        if writer.persistence == Persistence::Pending
            && let Some(locked) = &locked
        {
            // What another process wrote meanwhile decides whether the pending write still
            // applies (C2).
            self.sync_locked(&mut writer, locked);
        }
        let result = match writer.persistence {
            Persistence::InSync => Ok(()),
            Persistence::Pending => {
                let current = self.cell.load_full();
                let result = self.persist(&mut writer, &current, locked.as_ref());
                self.set_health(&current, StorageHealth::after(&result));
                if let Err(error) = &result {
                    self.listeners
                        .publish(SessionEvent::Storage(StorageIssue::from_write(error)));
                }
                result.map_err(SessionError::from)
            }
            Persistence::Unread | Persistence::NotLoaded => {
                match self.restore_locked(&mut writer, locked.as_ref()) {
                    Some(RestoreOutcome::Unavailable { detail }) => {
                        Err(SessionError::StorageUnavailable { detail })
                    }
                    Some(RestoreOutcome::Failed { detail }) => {
                        Err(SessionError::StorageFailed { detail })
                    }
                    _ => Ok(()),
                }
            }
        };
        drop(locked);
        drop(writer);
        self.after_unlock();
        result
    }

    /// The restore itself, with the writer lock (and the cross-process lock of a shared
    /// store) held. Returns what it found, or `None` when state had already been loaded or
    /// changed (nothing was read).
    pub(super) fn restore_locked(
        &self,
        writer: &mut Writer,
        locked: Option<&Locked<'_>>,
    ) -> Option<RestoreOutcome> {
        if !matches!(
            writer.persistence,
            Persistence::Unread | Persistence::NotLoaded
        ) {
            return None;
        }
        let stamp = locked.and_then(|locked| locked.stamp().ok());
        let loaded = guard_store(&*self.store, |store| store.load()).and_then(|blob| match blob {
            None => Ok(None),
            Some(blob) => {
                let blob = Zeroizing::new(blob);
                Envelope::decode(&blob)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupted {
                        detail: e.to_string(),
                    })
            }
        });
        if let (Some(stamp), Ok(stored)) = (stamp, &loaded) {
            let identity = stored
                .as_ref()
                .map(|envelope| Identity::of(&envelope.tokens));
            self.saw_store(writer, stamp, identity);
        }
        let current = self.cell.load_full();
        let outcome = match loaded {
            Ok(None) => {
                writer.persistence = Persistence::InSync;
                self.finish_restoring(&current, StorageHealth::Healthy, ChangeCause::Restored);
                RestoreOutcome::Empty
            }
            Ok(Some(envelope)) => {
                writer.persistence = Persistence::InSync;
                if let Some(offset) = envelope.clock_offset_millis {
                    self.clock.restore(offset);
                }
                let mut next = Snapshot::from_envelope(current.generation.next(), envelope);
                next.revision = current.revision + 1;
                let next = Arc::new(next);
                self.cell.store(Arc::clone(&next));
                tracing::debug!(generation = %next.generation, "session restored from storage");
                self.announce(&next, ChangeCause::Restored);
                RestoreOutcome::Restored
            }
            Err(StoreError::Corrupted { detail }) => {
                tracing::warn!(%detail, "stored session corrupted; wiping it");
                let wiped = guard_store(&*self.store, |store| store.clear());
                if let Err(error) = &wiped {
                    crate::error::log_at!(
                        error.log_level(),
                        %error,
                        "could not wipe the corrupted session"
                    );
                }
                writer.persistence = if wiped.is_ok() {
                    Persistence::InSync
                } else {
                    Persistence::Pending
                };
                // The issue first, then the change of status it causes (R6). Whatever an
                // earlier read said of storage, this wipe is the latest word.
                self.listeners
                    .publish(SessionEvent::Storage(StorageIssue::Corrupted {
                        detail: detail.clone(),
                    }));
                self.finish_restoring(
                    &current,
                    StorageHealth::after(&wiped),
                    ChangeCause::SignedOut(super::event::SignOutReason::StorageCorrupted),
                );
                RestoreOutcome::Corrupted { detail }
            }
            // E4: an outage is never a reason to sign out; the read is retried when the app
            // says storage is back.
            Err(StoreError::Unavailable { detail }) => {
                tracing::info!(%detail, "stored session unreadable for now; will retry");
                writer.persistence = Persistence::NotLoaded;
                self.set_health(&current, StorageHealth::Unavailable);
                self.listeners
                    .publish(SessionEvent::Storage(StorageIssue::Unavailable {
                        detail: detail.clone(),
                    }));
                RestoreOutcome::Unavailable { detail }
            }
            // E7: a failure that will not pass by itself. Said once, and nothing waits for a
            // `storage_became_available` that cannot come.
            Err(StoreError::Failed { detail }) => {
                tracing::error!(%detail, "stored session unreadable; storage failed");
                writer.persistence = Persistence::NotLoaded;
                self.listeners
                    .publish(SessionEvent::Storage(StorageIssue::ReadFailed {
                        detail: detail.clone(),
                    }));
                self.finish_restoring(&current, StorageHealth::Failing, ChangeCause::Restored);
                RestoreOutcome::Failed { detail }
            }
        };
        self.restore_outcome.store(Arc::new(outcome.clone()));
        Some(outcome)
    }

    /// Writes `snapshot` (or clears the store for a signed-out one) and records the outcome.
    /// A shared store's stamp is renewed first, under the cross-process lock, so that no
    /// other process can miss the write (C1).
    fn persist(
        &self,
        writer: &mut Writer,
        snapshot: &Snapshot,
        locked: Option<&Locked<'_>>,
    ) -> Result<(), StoreError> {
        let stamp = match locked.map(Locked::bump_stamp).transpose() {
            Ok(stamp) => stamp,
            Err(error) => {
                writer.persistence = Persistence::Pending;
                return Err(StoreError::Unavailable {
                    detail: format!("could not renew the shared store's stamp: {error}"),
                });
            }
        };
        let result = match snapshot.to_envelope(self.clock.offset_millis()) {
            Some(envelope) => {
                let blob = envelope.encode();
                guard_store(&*self.store, |store| store.save(&blob))
            }
            None => guard_store(&*self.store, |store| store.clear()),
        };
        writer.persistence = match result {
            Ok(()) => Persistence::InSync,
            Err(_) => Persistence::Pending,
        };
        if let Some(stamp) = stamp {
            // A failed write left the store as it was: what was seen of it stays, with the
            // new stamp.
            let identity = match result {
                Ok(()) => snapshot.tokens.as_ref().map(Identity::of),
                Err(_) => writer.seen.and_then(|seen| seen.identity),
            };
            self.saw_store(writer, stamp, identity);
        }
        result
    }

    /// Ends the restoring state (R6) without a session: swaps in `current` with `health`,
    /// and announces the change of status if the engine was still restoring.
    fn finish_restoring(&self, current: &Snapshot, health: StorageHealth, cause: ChangeCause) {
        if !current.restoring {
            self.set_health(current, health);
            return;
        }
        let mut next = current.clone();
        next.storage = health;
        next.restoring = false;
        next.revision = current.revision + 1;
        let next = Arc::new(next);
        self.cell.store(Arc::clone(&next));
        self.announce(&next, cause);
    }

    /// Swaps in `current` with another storage health, if it differs (no announcement: the
    /// session did not change).
    fn set_health(&self, current: &Snapshot, health: StorageHealth) {
        if current.storage != health {
            let mut next = current.clone();
            next.storage = health;
            self.cell.store(Arc::new(next));
        }
    }

    pub(super) fn announce_change(&self, snapshot: &Snapshot, cause: ChangeCause) {
        self.announce(snapshot, cause);
    }

    fn announce(&self, snapshot: &Snapshot, cause: ChangeCause) {
        self.listeners.publish(SessionEvent::Changed(SessionChange {
            session: snapshot.session.clone(),
            has_tokens: snapshot.tokens.is_some(),
            from_cache: snapshot.from_cache,
            status: snapshot.status(self.clock.now_millis()),
            cause,
            generation: snapshot.generation,
            revision: snapshot.revision,
        }));
    }

    /// What follows every release of the writer lock: delivery threads for what was queued
    /// (never started under the lock), and the scheduler's wake-up.
    pub(super) fn after_unlock(&self) {
        self.listeners.start_threads();
        self.changed.notify();
    }

    /// The generation now, for callers that only need that.
    pub(crate) fn generation(&self) -> Generation {
        self.cell.load().generation
    }
}

impl StorageIssue {
    fn from_write(error: &StoreError) -> Self {
        match error {
            StoreError::Unavailable { detail } => Self::Unavailable {
                detail: detail.clone(),
            },
            StoreError::Corrupted { detail } | StoreError::Failed { detail } => Self::WriteFailed {
                detail: detail.clone(),
            },
        }
    }
}

/// Calls the store, turning a panic in its code into an error.
pub(super) fn guard_store<T>(
    store: &dyn SessionStore,
    call: impl FnOnce(&dyn SessionStore) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let _inside = store_call::enter();
    catch_unwind(AssertUnwindSafe(|| call(store))).unwrap_or_else(|_| {
        Err(StoreError::Failed {
            detail: "the session store panicked".into(),
        })
    })
}

/// Which thread is inside a store call (V8). Store calls run under the writer lock, so a
/// store that calls a writing method of the engine from its callback would wait for itself.
/// Under the model checker every simulated thread shares one OS thread, so the check is off
/// there.
mod store_call {
    pub(super) const REENTERED: &str = "a SessionStore called back into the engine to change \
        the session from inside a store call; the change was refused (store calls hold the \
        engine's writer lock)";

    // The allow is for rust-clippy#17566: on targets without native TLS (Android) clippy
    // 1.96 reports this already-`const` initializer.
    #[cfg(not(feature = "model-check"))]
    thread_local! {
        #[cfg_attr(target_os = "android", allow(clippy::missing_const_for_thread_local))]
        static INSIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Marks this thread as inside a store call until the guard drops.
    pub(super) fn enter() -> Inside {
        #[cfg(not(feature = "model-check"))]
        let outer = INSIDE.with(|inside| inside.replace(true));
        #[cfg(feature = "model-check")]
        let outer = false;
        Inside { outer }
    }

    pub(super) fn on_this_thread() -> bool {
        #[cfg(not(feature = "model-check"))]
        return INSIDE.with(std::cell::Cell::get);
        #[cfg(feature = "model-check")]
        false
    }

    pub(super) struct Inside {
        #[cfg_attr(feature = "model-check", allow(dead_code))]
        outer: bool,
    }

    impl Drop for Inside {
        fn drop(&mut self) {
            #[cfg(not(feature = "model-check"))]
            INSIDE.with(|inside| inside.set(self.outer));
        }
    }
}
