//! [`SessionClient`]: the engine as an app sees it. Reads are served here from the snapshot
//! without a lock; every other call hands over to the engine's parts (`session_state.rs`,
//! `authenticate.rs`, the scheduler) and says which thread it may block.

use std::sync::Arc;

use super::authenticate::RevokeOutcome;
use super::concurrency;
use super::event::{SessionListener, SignOutReason};
use super::listeners::ListenerHandle;
use super::scheduler::Scheduler;
use super::session_engine::SessionEngine;
use super::session_state::RestoreOutcome;
use super::snapshot::Generation;
use super::status::SessionStatus;
use super::store_watch::StoreWatch;
use crate::error::{Error, SessionError};
use crate::model::{Session, SessionTokens};

/// The session engine. Cheap to clone: clones share one engine.
///
/// ```
/// use sessionkit::{MemoryStore, SessionClient};
/// let client = SessionClient::builder().store(MemoryStore::new()).build().unwrap();
/// assert!(client.get_sync().is_none());
/// client.update_session_blocking("opaque-token", "header.payload.signature").unwrap();
/// assert!(client.get_tokens().is_some());
/// ```
#[derive(Clone)]
pub struct SessionClient {
    engine: Arc<SessionEngine>,
    /// Held only by clients: the last one dropped stops the scheduler.
    scheduler: Arc<Scheduler>,
    /// Likewise for the watch of a store shared with other processes.
    _watch: Arc<StoreWatch>,
}

/// The session, where it came from and where the engine stands (`getInfo` in Stytch's SDKs).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionInfo {
    /// The cached session, unless there is none or it has expired.
    pub session: Option<Arc<Session>>,
    /// True from the moment the state was loaded from storage until the first successful
    /// authenticate in this process (R2).
    pub from_cache: bool,
    /// Restoring, signed out, pending (tokens being confirmed) or signed in (R6).
    pub status: SessionStatus,
    /// The revision of the state this was read from: at least a change's
    /// [`SessionChange::revision`](crate::SessionChange::revision) once that change has been
    /// applied, so a listener can tell that its read shows the change it hears of (O2).
    pub revision: u64,
}

impl SessionClient {
    pub(crate) fn from_parts(engine: Arc<SessionEngine>, scheduler: Scheduler) -> Self {
        let watch = StoreWatch::start(&engine);
        Self {
            engine,
            scheduler: Arc::new(scheduler),
            _watch: Arc::new(watch),
        }
    }

    pub(crate) fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    pub(crate) fn engine(&self) -> &Arc<SessionEngine> {
        &self.engine
    }

    // ----- Reads: no I/O, no lock a writer holds (R1-R4) -----

    /// The cached session, or `None`. A session whose `expires_at` has passed on server
    /// time is never returned (R1, R5).
    ///
    /// Costs an atomic load, a coarse clock read and a reference-count increment; no lock,
    /// no allocation. Expiry is judged to within a few milliseconds: the device clock is
    /// read coarsely (one kernel tick, 1 to 4 ms on Linux and Android), corrected by the
    /// server-clock offset, which is itself known to within half a request's round trip and
    /// half a second.
    #[inline]
    pub fn get_sync(&self) -> Option<Arc<Session>> {
        // The clock first: read after the snapshot's atomic operations, its loads stalled
        // behind them in some processes (get_sync +5 ns, 1.5x its floor, in half the runs of
        // benches/reads.rs); read before, get_sync costs its floor in every run.
        let now = self.engine.clock.now_millis();
        self.engine.state.load().live_session(now).map(Arc::clone)
    }

    /// The cached session, whether it came from storage without server confirmation since
    /// (R2), and the engine's status (R6).
    pub fn get_info(&self) -> SessionInfo {
        let now = self.engine.clock.now_millis(); // first, as in get_sync
        let snapshot = self.engine.state.load();
        SessionInfo {
            session: snapshot.live_session(now).map(Arc::clone),
            from_cache: snapshot.from_cache,
            status: snapshot.status(now),
            revision: snapshot.revision,
        }
    }

    /// Restoring, signed out, pending or signed in (R6). No I/O, no lock.
    pub fn status(&self) -> SessionStatus {
        let now = self.engine.clock.now_millis();
        self.engine.state.load().status(now)
    }

    /// Both tokens, or `None` when the engine holds none or its known session has expired
    /// (R3).
    pub fn get_tokens(&self) -> Option<SessionTokens> {
        let now = self.engine.clock.now_millis();
        self.engine.state.load().live_tokens(now).cloned()
    }

    /// The current identity generation (W4).
    pub fn generation(&self) -> Generation {
        self.engine.state.load().generation
    }

    /// What the engine found in storage when it started, or when storage last came back;
    /// [`RestoreOutcome::Pending`] while a restore started by
    /// [`SessionClientBuilder::start`](crate::SessionClientBuilder::start) is still running.
    /// No lock.
    pub fn restore_outcome(&self) -> RestoreOutcome {
        self.engine.state.restore_outcome()
    }

    /// Waits until storage has been read once (X2) and says what was found. Returns at once
    /// for a client built with [`build`](crate::SessionClientBuilder::build), or once the
    /// first restore attempt ended (an outcome of [`RestoreOutcome::Unavailable`] included:
    /// the read is retried by [`storage_became_available`](Self::storage_became_available)).
    pub async fn restored(&self) -> RestoreOutcome {
        let changed = &self.engine.changed;
        loop {
            let seen = changed.version();
            let outcome = self.engine.state.restore_outcome();
            if outcome != RestoreOutcome::Pending {
                return outcome;
            }
            changed.changed(seen).await;
        }
    }

    /// The estimated offset of the server's clock from this device's, in milliseconds
    /// (server minus device), once a server answer has stated its time (R5).
    pub fn server_clock_offset_millis(&self) -> Option<i64> {
        self.engine.clock.offset_millis()
    }

    // ----- Observation (O1-O4) -----

    /// Subscribes `listener` to every later [`SessionEvent`](crate::SessionEvent); dropping
    /// or closing the returned handle unsubscribes.
    ///
    /// ```
    /// use sessionkit::{SessionClient, SessionEvent};
    /// let client = SessionClient::builder().build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let handle = client.on_change(move |event: &SessionEvent| {
    ///     let _ = tx.send(event.clone());
    /// });
    /// client.update_session_blocking("opaque-token", "header.payload.signature").unwrap();
    /// assert!(matches!(rx.recv().unwrap(), SessionEvent::Changed(_)));
    /// handle.close();
    /// ```
    pub fn on_change(&self, listener: impl SessionListener) -> ListenerHandle {
        self.on_change_shared(Arc::new(listener))
    }

    /// Like [`on_change`](Self::on_change), for a listener the caller keeps a handle to.
    pub fn on_change_shared(&self, listener: Arc<dyn SessionListener>) -> ListenerHandle {
        self.engine.state.listeners().subscribe(listener)
    }

    /// How many listeners are subscribed.
    pub fn listener_count(&self) -> usize {
        self.engine.state.listeners().len()
    }

    /// How many listener delivery threads are running (at most a handful, started on demand).
    pub fn listener_threads(&self) -> usize {
        self.engine.state.listeners().delivery_threads()
    }

    // ----- Writes: each blocks on storage, so each is async (W7) -----

    /// **Changes state.** Installs tokens that the app's own backend obtained (W1). The
    /// session object becomes unknown until the next authenticate; the change is persisted,
    /// announced and starts a new [`Generation`]. Installing the tokens already held is no
    /// change.
    ///
    /// The store is called on the engine's blocking pool, never on the caller's thread (W7).
    /// A storage failure does not undo the change: the tokens hold in memory, listeners hear
    /// a [`StorageIssue`](crate::StorageIssue), and the write is retried.
    pub async fn update_session(
        &self,
        session_token: impl Into<String>,
        session_jwt: impl Into<String>,
    ) -> Result<(), SessionError> {
        let tokens = hydration_tokens(session_token, session_jwt)?;
        self.off_thread(move |engine| {
            engine
                .state
                .hydrate(tokens)
                .map_err(|error| Error::Store(error).into())
        })
        .await
    }

    /// [`update_session`](Self::update_session) on the caller's thread, which it blocks on
    /// the store. For Rust code without an async context.
    pub fn update_session_blocking(
        &self,
        session_token: impl Into<String>,
        session_jwt: impl Into<String>,
    ) -> Result<(), SessionError> {
        let tokens = hydration_tokens(session_token, session_jwt)?;
        self.engine
            .state
            .hydrate(tokens)
            .map_err(|error| Error::Store(error).into())
    }

    /// **Changes state.** Signs out locally without asking the server (W6): removes the
    /// persisted state, empties memory, announces "no session" and starts a new
    /// [`Generation`], so no request in flight can bring the session back.
    ///
    /// Memory is cleared even when storage fails; the error is returned and the removal is
    /// retried when storage is reported available. The store is called on the engine's
    /// blocking pool (W7).
    pub async fn clear(&self) -> Result<(), SessionError> {
        self.off_thread(|engine| clear(&engine)).await
    }

    /// [`clear`](Self::clear) on the caller's thread, which it blocks on the store.
    pub fn clear_blocking(&self) -> Result<(), SessionError> {
        clear(&self.engine)
    }

    /// **Changes state.** Retries what storage could not do before (E4): reads the stored
    /// session if start-up could not, or writes the current state if a write failed. Call it
    /// when the app knows storage is back, for example after the device was unlocked. A
    /// refresh scheduler paused for storage resumes once storage works. The store is called
    /// on the engine's blocking pool (W7).
    pub async fn storage_became_available(&self) -> Result<(), SessionError> {
        self.off_thread(|engine| engine.state.retry_storage()).await
    }

    /// [`storage_became_available`](Self::storage_became_available) on the caller's thread,
    /// which it blocks on the store.
    pub fn storage_became_available_blocking(&self) -> Result<(), SessionError> {
        self.engine.state.retry_storage()
    }

    /// **Changes state.** Asks the server to confirm the session and rotate its JWT (W2).
    ///
    /// On success the new tokens and session are persisted, announced and returned, and
    /// `get_info().from_cache` becomes false. `session_duration_minutes`, when given, extends
    /// the session on the server.
    ///
    /// Concurrent calls, and the refresh scheduler, share one request and its result (W3);
    /// while a request is in flight, a later caller's `session_duration_minutes` is not sent.
    /// If the identity changes while the request is out, [`SessionError::Superseded`] is
    /// returned whatever the network did (W4, W8). A definitive rejection (E1) signs the user
    /// out; any other failure keeps the session (E2, E3).
    pub async fn authenticate(
        &self,
        session_duration_minutes: Option<u32>,
    ) -> Result<Arc<Session>, SessionError> {
        self.engine.authenticate(session_duration_minutes)?.await
    }

    /// **Changes state.** Revokes the session on the server, then signs out locally (W5).
    ///
    /// When the request fails, the session is cleared anyway if the failure is definitive
    /// (E1: the server no longer knows the session) or if `force_clear` is set, and the
    /// outcome says which (W8: [`RevokeOutcome::ClearedLocallyOnly`] when the server was not
    /// reached); otherwise the session stays and the error is returned.
    pub async fn revoke(&self, force_clear: bool) -> Result<RevokeOutcome, SessionError> {
        self.engine.revoke(force_clear).await
    }

    /// Runs `call` with the engine on the engine's blocking pool.
    async fn off_thread<T: Send + 'static>(
        &self,
        call: impl FnOnce(Arc<SessionEngine>) -> Result<T, SessionError> + Send + 'static,
    ) -> Result<T, SessionError> {
        let engine = Arc::clone(&self.engine);
        concurrency::blocking(&self.engine.runtime, move || call(engine))
            .await
            .unwrap_or_else(|failed| Err(failed.into()))
    }
}

fn hydration_tokens(
    session_token: impl Into<String>,
    session_jwt: impl Into<String>,
) -> Result<SessionTokens, SessionError> {
    let tokens = SessionTokens::new(session_token, session_jwt);
    match tokens.shape_problem() {
        None => Ok(tokens),
        Some(problem) => Err(Error::InvalidArgument(format!(
            "update_session refused the tokens: {problem}"
        ))
        .into()),
    }
}

fn clear(engine: &SessionEngine) -> Result<(), SessionError> {
    engine
        .state
        .sign_out_if(|_| true, SignOutReason::Cleared)
        .map(drop)
        .map_err(|error| Error::Store(error).into())
}

impl std::fmt::Debug for SessionClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let snapshot = self.engine.state.load();
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
