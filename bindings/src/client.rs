//! [`SessionClient`]: the engine as one UniFFI object. Each method calls the core's method of
//! the same name and returns the core's own types; the behaviour (R1-R5, W1-W8, E1-E7) lives
//! in the core.
//!
//! Every call that writes storage or reaches the network is async (W7): the core runs it on
//! its own runtime (store calls on its blocking pool), and the returned future only awaits
//! that, so the foreign executor (Kotlin coroutines, Swift concurrency) may poll it on any
//! thread, with no tokio context.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sessionkit::diagnostics::SchedulerStats;
use sessionkit::jwt::JwtCheck;
use sessionkit::{
    ListenerHandle, RestoreOutcome, RevokeOutcome, Session, SessionError, SessionInfo,
    SessionStatus, SessionTokens,
};

use crate::config::ClientConfig;
use crate::listener::CoreListener;
use crate::logging::{self, ForeignLogger, SinkGuard};
use crate::state::ClientState;
use sessionkit::ForeignSessionStore;

use crate::store::CoreStore;

/// The session engine. One per app; share it.
#[derive(uniffi::Object)]
pub struct SessionClient {
    engine: sessionkit::SessionClient,
    /// The app's logger, registered while this client lives (SPEC L1).
    _logger: Option<SinkGuard>,
}

#[uniffi::export]
impl SessionClient {
    /// Starts the engine with `config` and `store` and returns at once: the stored session is
    /// read on the engine's own threads, never on the caller's (X2). Until then the status is
    /// `Restoring`; [`SessionClient::restored`] waits for it. Restoring never fails the start:
    /// see [`SessionClient::restore_outcome`].
    ///
    /// Throws `InvalidArgument` when the configuration is not usable (S9 included).
    ///
    /// `logger`, when given, hears SessionKit's log events at or above `config.log_level`
    /// while this client lives; the platform's log (os_log, logcat) hears them all.
    #[uniffi::constructor(default(logger = None))]
    pub fn new(
        config: ClientConfig,
        store: Arc<dyn ForeignSessionStore>,
        logger: Option<Arc<dyn ForeignLogger>>,
    ) -> Result<Arc<Self>, SessionError> {
        logging::install(&config.platform_log()?);
        let level = config.log_level.unwrap_or(crate::config::DEFAULT_LOG_LEVEL);
        let logger = logger.map(|logger| logging::register(logger, level));
        let engine = config.builder()?.store(CoreStore(store)).start()?;
        Ok(Arc::new(Self {
            engine,
            _logger: logger,
        }))
    }

    /// Waits until storage has been read once and says what was found (X2).
    pub async fn restored(&self) -> RestoreOutcome {
        self.engine.restored().await
    }

    /// Restoring, signed out, pending or signed in (R6). No I/O, no lock.
    pub fn status(&self) -> SessionStatus {
        self.engine.status()
    }

    /// What a wrapper caches, read at once: the session's fields, its provenance, the status,
    /// the revision and the server-clock offset. One call per change, never per read.
    pub fn state(&self) -> ClientState {
        ClientState::of(&self.engine)
    }

    /// The cached session, or none; never an expired one (R1, on server time). No I/O, no
    /// lock.
    pub fn get_sync(&self) -> Option<Arc<Session>> {
        self.engine.get_sync()
    }

    /// The cached session and whether it came from storage unconfirmed since (R2).
    pub fn get_info(&self) -> SessionInfo {
        self.engine.get_info()
    }

    /// Both tokens, or none when either is missing or the known session expired (R3).
    pub fn get_tokens(&self) -> Option<Arc<SessionTokens>> {
        self.engine.get_tokens().map(Arc::new)
    }

    /// **Changes state.** Installs tokens the app's own backend obtained (W1); persisted and
    /// announced. The session object is unknown until the next `authenticate`.
    pub async fn update_session(
        &self,
        session_token: String,
        session_jwt: String,
    ) -> Result<(), SessionError> {
        self.engine.update_session(session_token, session_jwt).await
    }

    /// **Changes state.** Signs out locally without asking the server (W6).
    pub async fn clear(&self) -> Result<(), SessionError> {
        self.engine.clear().await
    }

    /// **Changes state.** Storage is reachable again (E4): reads or writes what could not be
    /// before and resumes refreshing. Throws `StorageUnavailable` if it still is not.
    pub async fn storage_became_available(&self) -> Result<(), SessionError> {
        self.engine.storage_became_available().await
    }

    /// **Changes state.** Asks the server to confirm the session and rotate its JWT (W2).
    /// Concurrent calls share one request (W3). `SignedOut` when the server says the session
    /// is gone (it is then cleared, E1); `Network` or `ServerRejected` keep the session;
    /// `Superseded` when the identity changed meanwhile (W8).
    pub async fn authenticate(
        &self,
        session_duration_minutes: Option<u32>,
    ) -> Result<Arc<Session>, SessionError> {
        self.engine.authenticate(session_duration_minutes).await
    }

    /// Both tokens, with a JWT valid for at least `min_ttl` on server time, refreshing first
    /// through the single flight when it would not, or with `force_refresh` (W9).
    pub async fn tokens(
        &self,
        min_ttl: Duration,
        force_refresh: bool,
    ) -> Result<Arc<SessionTokens>, SessionError> {
        self.engine
            .tokens(min_ttl, force_refresh)
            .await
            .map(Arc::new)
    }

    /// Fresh tokens after the app's backend rejected `rejected_jwt` (401): the current ones if
    /// it was replaced since, else those of one shared refresh (H1).
    pub async fn tokens_after_rejection(
        &self,
        rejected_jwt: String,
    ) -> Result<Arc<SessionTokens>, SessionError> {
        self.engine
            .tokens_after_rejection(&rejected_jwt)
            .await
            .map(Arc::new)
    }

    /// **Changes state.** Revokes the session on the server, then signs out locally (W5).
    /// The outcome says whether the server was reached (W8).
    pub async fn revoke(&self, force_clear: bool) -> Result<RevokeOutcome, SessionError> {
        self.engine.revoke(force_clear).await
    }

    /// Subscribes `listener` to every later change (O1-O4). Keep the handle: unsubscribing
    /// or releasing it ends the subscription.
    pub fn on_change(
        &self,
        listener: Arc<dyn sessionkit::ForeignSessionListener>,
    ) -> Arc<ListenerHandle> {
        Arc::new(self.engine.on_change(CoreListener(listener)))
    }

    /// How many listeners are subscribed (diagnostics).
    pub fn listener_count(&self) -> u64 {
        self.engine.listener_count() as u64
    }

    /// What the engine found in storage when it started, or when storage last came back.
    pub fn restore_outcome(&self) -> RestoreOutcome {
        self.engine.restore_outcome()
    }

    /// Verifies the session JWT against the cached JWKS, without I/O (J2).
    pub fn check_jwt(&self) -> JwtCheck {
        self.engine.check_jwt()
    }

    /// Fetches and caches the project's JWKS for [`SessionClient::check_jwt`].
    pub async fn refresh_jwks(&self) -> Result<(), SessionError> {
        self.engine.refresh_jwks().await
    }

    /// When the session JWT expires, read without verification (J1).
    pub fn jwt_expires_at(&self) -> Option<SystemTime> {
        self.engine.jwt_expires_at().map(SystemTime::from)
    }

    /// The server clock's estimated offset from the device's, in milliseconds (R5).
    pub fn server_clock_offset_millis(&self) -> Option<i64> {
        self.engine.server_clock_offset_millis()
    }

    // ----- Lifecycle: steer the refresh scheduler; no I/O, safe on the main thread -----

    /// The app came to the foreground: refresh now and resume the schedule (S4, S8). With a
    /// shared directory, it first reads the store if another process changed it (C1).
    pub fn app_did_enter_foreground(&self) {
        self.engine.app_did_enter_foreground();
    }

    /// Reads a store shared between processes if another process changed it, and announces
    /// the change (C1). For apps that learn of such a change by other means; does nothing
    /// without a shared directory.
    pub fn check_shared_store(&self) {
        self.engine.check_shared_store();
    }

    /// What this engine did with the other processes sharing its store, or `None` when the
    /// store is not shared; for diagnostics.
    pub fn cross_process_stats(&self) -> Option<sessionkit::diagnostics::CrossProcessStats> {
        self.engine.cross_process_stats()
    }

    /// The app went to the background: no timer runs until it returns (S1, S6).
    pub fn app_did_enter_background(&self) {
        self.engine.app_did_enter_background();
    }

    /// The network came back (S4).
    pub fn network_became_available(&self) {
        self.engine.network_became_available();
    }

    /// Stops the refresh scheduler for good; reads, writes and explicit calls keep working.
    pub fn shutdown(&self) {
        self.engine.shutdown();
    }

    /// What the refresh scheduler has done and where it stands; for diagnostics.
    pub fn scheduler_stats(&self) -> SchedulerStats {
        self.engine.scheduler_stats()
    }
}
