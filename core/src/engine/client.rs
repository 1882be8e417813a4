//! [`SessionClient`]: the engine an app talks to.
//!
//! State lives in one snapshot behind an atomic pointer swap (`arc-swap`): reads load it
//! without taking any lock (R4), and writers, serialised by one mutex, persist the next
//! snapshot, swap it in and queue the announcement before releasing that mutex, so
//! listeners hear changes in the order they happened and only after they were written (O2).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use zeroize::Zeroizing;

use tokio::runtime::Handle;

use super::authenticate::Flight;
use super::clock::{Clock, SystemClock};
use super::event::{ChangeCause, SessionChange, SessionEvent, SignOutReason, StorageIssue};
use super::listener::{ListenerHandle, Listeners, SessionListener};
use super::runtime::EngineRuntime;
use super::scheduler::{RefreshPolicy, Scheduler};
use super::state::{Generation, Snapshot};
use super::sync::{Loaded, Mutex, SnapshotCell};
use crate::envelope::Envelope;
use crate::error::{Error, SessionError};
use crate::jwt::JwtVerifier;
use crate::model::{Session, SessionTokens};
use crate::store::{MemoryStore, SessionStore, StoreError};
use crate::transport::{StytchConfig, StytchTransport, Transport, TransportError};

/// The session engine. Cheap to clone: clones share one engine.
///
/// ```
/// use sessionkit::{MemoryStore, SessionClient};
/// let client = SessionClient::builder().store(MemoryStore::new()).build().unwrap();
/// assert!(client.get_sync().is_none());
/// client.update_session("opaque-token", "header.payload.signature").unwrap();
/// assert!(client.get_tokens().is_some());
/// ```
#[derive(Clone)]
pub struct SessionClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    state: SnapshotCell<Snapshot>,
    /// Serialises every state change and every store call. Readers never take it.
    writer: Mutex<Writer>,
    store: Arc<dyn SessionStore>,
    listeners: Listeners,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) transport: Option<Arc<dyn Transport>>,
    pub(super) verifier: JwtVerifier,
    pub(super) runtime: EngineRuntime,
    /// The authenticate request in flight, shared by every caller (W3).
    pub(super) flight: Mutex<Option<Flight>>,
    /// Automatic refresh and the app's lifecycle (S1-S7).
    pub(super) scheduler: Scheduler,
}

struct Writer {
    persistence: Persistence,
    restore: RestoreOutcome,
}

/// How the store relates to the state in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Persistence {
    /// The store holds the current state.
    InSync,
    /// The last write failed; the current state must be written again.
    Pending,
    /// The store could not be read at start-up (E4); what it holds is unknown.
    NotLoaded,
}

/// What the engine found in storage when it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreOutcome {
    /// Nothing was stored.
    Empty,
    /// A session was restored; `get_info().from_cache` is true until it is confirmed.
    Restored,
    /// The stored state was unreadable and has been wiped (E5). The engine is signed out.
    Corrupted {
        /// What was wrong with it.
        detail: String,
    },
    /// Storage could not be read (E4). Nothing was wiped; call
    /// [`SessionClient::storage_became_available`] once it can be.
    Unavailable {
        /// What the store reported.
        detail: String,
    },
}

/// The session and where it came from (`getInfo` in Stytch's SDKs).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    /// The cached session, unless there is none or it has expired.
    pub session: Option<Arc<Session>>,
    /// True from the moment the state was loaded from storage until the first successful
    /// authenticate in this process (R2).
    pub from_cache: bool,
}

/// Configures and builds a [`SessionClient`].
pub struct SessionClientBuilder {
    store: Option<Arc<dyn SessionStore>>,
    clock: Arc<dyn Clock>,
    transport: Option<Result<Arc<dyn Transport>, TransportError>>,
    project_id: Option<String>,
    runtime: Option<Handle>,
    refresh: Option<RefreshPolicy>,
}

impl SessionClientBuilder {
    /// Talks to Stytch's frontend-SDK endpoints as configured (T1-T4).
    pub fn stytch(mut self, config: StytchConfig) -> Self {
        if let Some(project_id) = &config.project_id {
            self.project_id = Some(project_id.clone());
        }
        self.transport = Some(
            StytchTransport::new(config).map(|transport| Arc::new(transport) as Arc<dyn Transport>),
        );
        self
    }

    /// Talks to the auth server through `transport` (a test double, or the app's own
    /// networking).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(Ok(transport));
        self
    }

    /// The Stytch project whose JWKS verifies session JWTs locally (J2): with it,
    /// [`SessionClient::check_jwt`] also requires the project's issuer and audience.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Runs network calls and timers on the caller's tokio runtime instead of a small one of
    /// the engine's own. Tests pass their runtime here to drive time with tokio's clock.
    pub fn runtime(mut self, handle: Handle) -> Self {
        self.runtime = Some(handle);
        self
    }

    /// How the engine refreshes the session by itself (S1-S5). On by default whenever a
    /// transport is configured, with [`RefreshPolicy::default`]: a 180 s heartbeat and a 60 s
    /// margin before the session or the JWT expires.
    pub fn refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.refresh = Some(policy);
        self
    }

    /// Turns automatic refresh off: the engine asks the server only when the app calls
    /// [`SessionClient::authenticate`]. For apps that schedule refreshes themselves, and for
    /// tests that count requests.
    pub fn manual_refresh(mut self) -> Self {
        self.refresh = None;
        self
    }

    /// Where the session is persisted. Without one the session lives in memory only.
    pub fn store(self, store: impl SessionStore) -> Self {
        self.shared_store(Arc::new(store))
    }

    /// Like [`store`](Self::store), for a store the app keeps a handle to.
    pub fn shared_store(mut self, store: Arc<dyn SessionStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The wall clock that decides expiry. Defaults to the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Like [`clock`](Self::clock), for a clock the caller keeps a handle to.
    pub fn shared_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the engine and restores the stored session, if any.
    ///
    /// Restoring never fails the build: a corrupt blob is wiped and an unreachable store is
    /// retried later; [`SessionClient::restore_outcome`] tells which happened.
    pub fn build(self) -> Result<SessionClient, SessionError> {
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::new()) as Arc<dyn SessionStore>);
        let transport = self
            .transport
            .transpose()
            .map_err(|e| SessionError::InvalidArgument {
                detail: e.to_string(),
            })?;
        let runtime = match self.runtime {
            Some(handle) => EngineRuntime::shared(handle),
            None => EngineRuntime::owned().map_err(|e| SessionError::Internal {
                detail: format!("could not start the engine's runtime: {e}"),
            })?,
        };
        let verifier = match &self.project_id {
            Some(project_id) => JwtVerifier::for_project(Arc::clone(&self.clock), project_id),
            None => JwtVerifier::new(Arc::clone(&self.clock)),
        };
        let inner = Arc::new(Inner {
            state: SnapshotCell::from_pointee(Snapshot::default()),
            writer: Mutex::new(Writer {
                persistence: Persistence::NotLoaded,
                restore: RestoreOutcome::Empty,
            }),
            store,
            listeners: Listeners::new(),
            clock: self.clock,
            transport,
            verifier,
            runtime,
            flight: Mutex::new(None),
            scheduler: Scheduler::new(self.refresh),
        });
        let client = SessionClient { inner };
        client.restore();
        // After restoring, so that a restored session is refreshed at start-up (S4).
        Scheduler::start(&client.inner);
        Ok(client)
    }
}

impl SessionClient {
    /// Starts configuring an engine.
    pub fn builder() -> SessionClientBuilder {
        SessionClientBuilder {
            store: None,
            clock: Arc::new(SystemClock),
            transport: None,
            project_id: None,
            runtime: None,
            refresh: Some(RefreshPolicy::default()),
        }
    }

    // ----- Reads: no I/O, no lock a writer holds (R1-R4) -----

    /// The cached session, or `None`. A session whose `expires_at` has passed on the local
    /// clock is never returned (R1). Costs an atomic load and a reference-count increment.
    pub fn get_sync(&self) -> Option<Arc<Session>> {
        let snapshot = self.inner.state.load();
        snapshot.session.as_ref()?;
        snapshot
            .live_session(self.inner.clock.unix_millis())
            .map(Arc::clone)
    }

    /// The cached session and whether it came from storage without server confirmation
    /// since (R2).
    pub fn get_info(&self) -> SessionInfo {
        let snapshot = self.inner.state.load();
        SessionInfo {
            session: snapshot
                .live_session(self.inner.clock.unix_millis())
                .map(Arc::clone),
            from_cache: snapshot.from_cache,
        }
    }

    /// Both tokens, or `None` when the engine holds none or its known session has expired
    /// (R3).
    pub fn get_tokens(&self) -> Option<SessionTokens> {
        let snapshot = self.inner.state.load();
        let tokens = snapshot.tokens.as_ref()?;
        if snapshot.session.is_some()
            && snapshot
                .live_session(self.inner.clock.unix_millis())
                .is_none()
        {
            return None;
        }
        Some(tokens.clone())
    }

    /// The current identity generation (W4).
    pub fn generation(&self) -> Generation {
        self.inner.state.load().generation
    }

    /// The current snapshot, for the engine's own modules.
    pub(super) fn snapshot(&self) -> Loaded<Snapshot> {
        self.inner.state.load()
    }

    /// What the engine found in storage when it started, or when storage last came back.
    pub fn restore_outcome(&self) -> RestoreOutcome {
        self.inner.writer.lock().restore.clone()
    }

    // ----- Observation (O1-O4) -----

    /// Subscribes `listener` to every later [`SessionEvent`]; dropping or closing the
    /// returned handle unsubscribes.
    ///
    /// ```
    /// use sessionkit::{MemoryStore, SessionClient, SessionEvent};
    /// let client = SessionClient::builder().build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let handle = client.on_change(move |event: &SessionEvent| {
    ///     let _ = tx.send(event.clone());
    /// });
    /// client.update_session("opaque-token", "header.payload.signature").unwrap();
    /// assert!(matches!(rx.recv().unwrap(), SessionEvent::Changed(_)));
    /// handle.close();
    /// ```
    pub fn on_change(&self, listener: impl SessionListener) -> ListenerHandle {
        self.inner.listeners.subscribe(Arc::new(listener))
    }

    /// Like [`on_change`](Self::on_change), for a listener the caller keeps a handle to.
    pub fn on_change_shared(&self, listener: Arc<dyn SessionListener>) -> ListenerHandle {
        self.inner.listeners.subscribe(listener)
    }

    /// How many listeners are subscribed.
    pub fn listener_count(&self) -> usize {
        self.inner.listeners.len()
    }

    /// How many listener delivery threads are running (at most a handful, started on demand).
    pub fn listener_threads(&self) -> usize {
        self.inner.listeners.delivery_threads()
    }

    // ----- Writes -----

    /// **Changes state.** Installs tokens that the app's own backend obtained (W1). The
    /// session object becomes unknown until the next authenticate; the change is persisted,
    /// announced and starts a new [`Generation`]. Installing the tokens already held is no
    /// change.
    ///
    /// A storage failure does not undo the change: the tokens hold in memory, listeners hear
    /// a [`StorageIssue`], and the write is retried.
    pub fn update_session(
        &self,
        session_token: impl Into<String>,
        session_jwt: impl Into<String>,
    ) -> Result<(), SessionError> {
        let tokens = SessionTokens::new(session_token, session_jwt);
        if tokens.session_token().is_empty() || tokens.session_jwt().is_empty() {
            return Err(Error::InvalidArgument(
                "update_session needs a non-empty session_token and session_jwt".into(),
            )
            .into());
        }
        self.commit(|current| {
            if current.tokens.as_ref() == Some(&tokens) {
                return None;
            }
            let next = Snapshot::signed_in(current.generation.next(), tokens, None, false, None);
            Some((next, ChangeCause::Hydrated))
        });
        Ok(())
    }

    /// **Changes state.** Signs out locally without asking the server (W6): removes the
    /// persisted state, empties memory, announces "no session" and starts a new
    /// [`Generation`], so no request in flight can bring the session back.
    ///
    /// Memory is cleared even when storage fails; the error is returned and the removal is
    /// retried when storage is reported available.
    pub fn clear(&self) -> Result<(), SessionError> {
        self.sign_out(SignOutReason::Cleared)
    }

    /// **Changes state.** Retries what storage could not do before (E4): reads the stored
    /// session if start-up could not, or writes the current state if a write failed. Call it
    /// when the app knows storage is back, for example after the device was unlocked.
    ///
    /// A refresh scheduler paused because storage was unavailable resumes once storage works.
    pub fn storage_became_available(&self) -> Result<(), SessionError> {
        let result = self.retry_storage();
        if result.is_ok() {
            self.inner.scheduler.storage_available();
        }
        result
    }

    fn retry_storage(&self) -> Result<(), SessionError> {
        let mut writer = self.inner.writer.lock();
        match writer.persistence {
            Persistence::InSync => Ok(()),
            Persistence::Pending => {
                let current = self.inner.state.load_full();
                self.persist(&current)?;
                writer.persistence = Persistence::InSync;
                Ok(())
            }
            Persistence::NotLoaded => {
                // restore() takes the lock itself and checks the state again under it.
                drop(writer);
                self.restore();
                match self.restore_outcome() {
                    RestoreOutcome::Unavailable { detail } => {
                        Err(SessionError::StorageUnavailable { detail })
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    pub(crate) fn sign_out(&self, reason: SignOutReason) -> Result<(), SessionError> {
        self.sign_out_if(|_| true, reason)
    }

    /// Signs out if `still_applies` holds for the state at the moment of the change.
    pub(crate) fn sign_out_if(
        &self,
        still_applies: impl FnOnce(&Snapshot) -> bool,
        reason: SignOutReason,
    ) -> Result<(), SessionError> {
        let committed = self.commit(|current| {
            if !still_applies(current) {
                return None;
            }
            let next = Snapshot::signed_out(current.generation.next());
            Some((next, ChangeCause::SignedOut(reason)))
        });
        match committed.storage_error {
            Some(error) => Err(error.into()),
            None => Ok(()),
        }
    }

    // ----- Internals -----

    /// Reads the store into memory, unless state has changed since start-up (then memory is
    /// newer than whatever the store holds).
    fn restore(&self) {
        let mut writer = self.inner.writer.lock();
        if writer.persistence != Persistence::NotLoaded {
            return;
        }
        let loaded = self
            .guard_store(|store| store.load())
            .and_then(|blob| match blob {
                None => Ok(None),
                Some(blob) => {
                    let blob = Zeroizing::new(blob);
                    Envelope::decode(&blob)
                        .map(Some)
                        .map_err(|e| StoreError::Corrupted(e.to_string()))
                }
            });
        match loaded {
            Ok(None) => {
                writer.persistence = Persistence::InSync;
                writer.restore = RestoreOutcome::Empty;
            }
            Ok(Some(envelope)) => {
                writer.persistence = Persistence::InSync;
                writer.restore = RestoreOutcome::Restored;
                let current = self.inner.state.load_full();
                let next = Arc::new(Snapshot::from_envelope(current.generation.next(), envelope));
                self.inner.state.store(Arc::clone(&next));
                tracing::debug!(generation = %next.generation, "session restored from storage");
                self.announce(&next, ChangeCause::Restored);
            }
            Err(StoreError::Corrupted(detail)) => {
                tracing::warn!(%detail, "stored session corrupted; wiping it");
                writer.persistence = match self.guard_store(|store| store.clear()) {
                    Ok(()) => Persistence::InSync,
                    Err(error) => {
                        tracing::warn!(%error, "could not wipe the corrupted session");
                        Persistence::Pending
                    }
                };
                writer.restore = RestoreOutcome::Corrupted {
                    detail: detail.clone(),
                };
                self.inner
                    .listeners
                    .publish(SessionEvent::Storage(StorageIssue::Corrupted { detail }));
            }
            // Neither an outage nor an unexplained read failure is a reason to sign out.
            Err(StoreError::Unavailable(detail) | StoreError::Failed(detail)) => {
                tracing::info!(%detail, "stored session unreadable for now; will retry");
                self.inner.scheduler.storage_unavailable();
                writer.restore = RestoreOutcome::Unavailable {
                    detail: detail.clone(),
                };
                self.inner
                    .listeners
                    .publish(SessionEvent::Storage(StorageIssue::Unavailable { detail }));
            }
        }
    }

    /// Applies one state change: persist, swap, announce, all under the write lock.
    /// `change` returns `None` when there is nothing to do.
    pub(crate) fn commit(
        &self,
        change: impl FnOnce(&Snapshot) -> Option<(Snapshot, ChangeCause)>,
    ) -> Committed {
        let mut writer = self.inner.writer.lock();
        let current = self.inner.state.load_full();
        let Some((next, cause)) = change(&current) else {
            return Committed {
                applied: false,
                storage_error: None,
            };
        };
        let changed = !next.same_content(&current);
        let storage_error = if changed || writer.persistence != Persistence::InSync {
            match self.persist(&next) {
                Ok(()) => {
                    writer.persistence = Persistence::InSync;
                    self.inner.scheduler.storage_available();
                    None
                }
                Err(error) => {
                    writer.persistence = Persistence::Pending;
                    if matches!(error, StoreError::Unavailable(_)) {
                        // E4: tokens rotated now could not be saved; pause refreshing.
                        self.inner.scheduler.storage_unavailable();
                    }
                    Some(error)
                }
            }
        } else {
            None
        };
        let next = Arc::new(next);
        self.inner.state.store(Arc::clone(&next));
        if changed {
            tracing::debug!(generation = %next.generation, ?cause, "session state changed");
            self.announce(&next, cause);
        }
        if let Some(error) = &storage_error {
            tracing::warn!(%error, "could not persist the session state; will retry");
            let issue = match error {
                StoreError::Unavailable(detail) => StorageIssue::Unavailable {
                    detail: detail.clone(),
                },
                StoreError::Corrupted(detail) | StoreError::Failed(detail) => {
                    StorageIssue::WriteFailed {
                        detail: detail.clone(),
                    }
                }
            };
            self.inner.listeners.publish(SessionEvent::Storage(issue));
        }
        Committed {
            applied: true,
            storage_error,
        }
    }

    fn announce(&self, snapshot: &Snapshot, cause: ChangeCause) {
        self.inner.scheduler.state_changed(&cause);
        self.inner
            .listeners
            .publish(SessionEvent::Changed(SessionChange {
                session: snapshot.session.clone(),
                has_tokens: snapshot.tokens.is_some(),
                cause,
                generation: snapshot.generation,
            }));
    }

    fn persist(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        match snapshot.to_envelope() {
            Some(envelope) => {
                let blob = envelope.encode();
                self.guard_store(|store| store.save(&blob))
            }
            None => self.guard_store(|store| store.clear()),
        }
    }

    /// Calls the store, turning a panic in its code into an error.
    fn guard_store<T>(
        &self,
        call: impl FnOnce(&dyn SessionStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let store = &*self.inner.store;
        catch_unwind(AssertUnwindSafe(|| call(store)))
            .unwrap_or_else(|_| Err(StoreError::Failed("the session store panicked".into())))
    }
}

/// What a [`SessionClient::commit`] did.
pub(crate) struct Committed {
    /// Whether the change was applied (false when the change function declined).
    pub applied: bool,
    /// The store's failure, when the write did not succeed (the state holds anyway).
    pub storage_error: Option<StoreError>,
}

impl std::fmt::Debug for SessionClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let snapshot = self.inner.state.load();
        f.debug_struct("SessionClient")
            .field("generation", &snapshot.generation)
            .field("has_tokens", &snapshot.tokens.is_some())
            .field(
                "session_id",
                &snapshot.session.as_ref().map(|s| s.session_id.as_str()),
            )
            .finish_non_exhaustive()
    }
}
