//! [`SessionClient`]: the engine as a UniFFI object. Each method converts its arguments,
//! calls the core's method of the same name and converts the answer; the behaviour (R1-R4,
//! W1-W6, E1-E6) lives in the core.
//!
//! `authenticate` and `revoke` are async: the core runs the request as a task on its own
//! runtime and the returned future only awaits that task, so the foreign executor (Kotlin
//! coroutines, Swift concurrency) may poll it on any thread, with no tokio context.

use std::sync::Arc;

use crate::config::ClientConfig;
use crate::error::SessionKitError;
use crate::handle::ListenerHandle;
use crate::lifecycle::{RestoreOutcome, SchedulerStats};
use crate::listener::{CoreListener, SessionListener};
use crate::session::{Session, SessionInfo, SessionTokens};
use crate::store::{CoreStore, SessionStore};

/// The session engine. One per app; share it.
#[derive(uniffi::Object)]
pub struct SessionClient {
    engine: sessionkit::SessionClient,
}

#[uniffi::export]
impl SessionClient {
    /// Starts the engine with `config` and `store`, and restores the stored session, if any.
    /// Restoring never fails the start: see [`SessionClient::restore_outcome`].
    ///
    /// Throws `InvalidArgument` when the configuration is not usable.
    #[uniffi::constructor]
    pub fn new(
        config: ClientConfig,
        store: Arc<dyn SessionStore>,
    ) -> Result<Arc<Self>, SessionKitError> {
        let mut builder = sessionkit::SessionClient::builder()
            .store(CoreStore(store))
            .stytch(config.stytch());
        builder = match config.refresh_policy() {
            Some(policy) => builder.refresh_policy(policy),
            None => builder.manual_refresh(),
        };
        let engine = builder.build()?;
        Ok(Arc::new(Self { engine }))
    }

    /// The cached session, or `None`; never an expired one (R1). No I/O, no lock.
    pub fn get_sync(&self) -> Option<Session> {
        self.engine.get_sync().as_deref().map(Session::from)
    }

    /// The cached session and whether it came from storage unconfirmed since (R2).
    pub fn get_info(&self) -> SessionInfo {
        self.engine.get_info().into()
    }

    /// Both tokens, or `None` when either is missing or the known session expired (R3).
    pub fn get_tokens(&self) -> Option<SessionTokens> {
        self.engine.get_tokens().as_ref().map(SessionTokens::from)
    }

    /// **Changes state.** Installs tokens the app's own backend obtained (W1); persisted and
    /// announced. The session object is unknown until the next `authenticate`.
    pub fn update_session(
        &self,
        session_token: String,
        session_jwt: String,
    ) -> Result<(), SessionKitError> {
        Ok(self.engine.update_session(session_token, session_jwt)?)
    }

    /// **Changes state.** Signs out locally without asking the server (W6).
    pub fn clear(&self) -> Result<(), SessionKitError> {
        Ok(self.engine.clear()?)
    }

    /// **Changes state.** Asks the server to confirm the session and rotate its JWT (W2).
    /// Concurrent calls share one request (W3). `SignedOut` when the server says the session
    /// is gone (it is then cleared, E1); `Network` or `ServerRejected` keep the session.
    pub async fn authenticate(
        &self,
        session_duration_minutes: Option<u32>,
    ) -> Result<Session, SessionKitError> {
        let session = self.engine.authenticate(session_duration_minutes).await?;
        Ok(Session::from(&*session))
    }

    /// **Changes state.** Revokes the session on the server, then signs out locally (W5).
    /// On failure the session is cleared anyway if the failure is definitive or
    /// `force_clear` is set; otherwise it stays and the error is thrown.
    pub async fn revoke(&self, force_clear: bool) -> Result<(), SessionKitError> {
        Ok(self.engine.revoke(force_clear).await?)
    }

    /// Subscribes `listener` to every later change (O1-O4). Keep the handle: closing it
    /// unsubscribes.
    pub fn on_change(&self, listener: Arc<dyn SessionListener>) -> Arc<ListenerHandle> {
        let subscription = self.engine.on_change(CoreListener(listener));
        Arc::new(ListenerHandle::new(subscription))
    }

    /// What the engine found in storage when it started, or when storage last came back.
    pub fn restore_outcome(&self) -> RestoreOutcome {
        self.engine.restore_outcome().into()
    }

    // ----- Lifecycle: steer the refresh scheduler; no I/O, safe on the main thread -----

    /// The app came to the foreground: refresh now and resume the schedule (S4).
    pub fn app_did_enter_foreground(&self) {
        self.engine.app_did_enter_foreground();
    }

    /// The app went to the background: no timer runs until it returns (S1, S6).
    pub fn app_did_enter_background(&self) {
        self.engine.app_did_enter_background();
    }

    /// The network came back: refreshes now if the last scheduled refresh failed for want
    /// of it (S4).
    pub fn network_became_available(&self) {
        self.engine.network_became_available();
    }

    /// **Changes state.** Storage is reachable again (E4): reads or writes what could not be
    /// before and resumes refreshing. Throws `StorageUnavailable` if it still is not.
    pub fn storage_became_available(&self) -> Result<(), SessionKitError> {
        Ok(self.engine.storage_became_available()?)
    }

    /// Stops the refresh scheduler for good; reads, writes and explicit calls keep working.
    pub fn shutdown(&self) {
        self.engine.shutdown();
    }

    /// What the refresh scheduler has done; for diagnostics, not app logic.
    pub fn scheduler_stats(&self) -> SchedulerStats {
        self.engine.scheduler_stats().into()
    }
}
