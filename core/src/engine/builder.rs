//! [`SessionClientBuilder`]: configures and builds a [`SessionClient`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;

use super::client::SessionClient;
use super::concurrency::{self, Signal};
use super::flight::Flights;
use super::runtime::EngineRuntime;
use super::scheduler::{RefreshPolicy, Scheduler};
use super::server_time::ServerClock;
use super::session_engine::SessionEngine;
use super::session_state::SessionState;
use crate::clock::Clock;
use crate::coordination::ProcessCoordination;
use crate::error::{Error, SessionError};
use crate::jwt::JwtVerifier;
use crate::store::{MemoryStore, SessionStore};
use crate::transport::{StytchConfig, StytchTransport, Transport, TransportError};

/// Configures and builds a [`SessionClient`].
#[must_use]
pub struct SessionClientBuilder {
    store: Option<Arc<dyn SessionStore>>,
    /// `None`: the system clock.
    clock: Option<Arc<dyn Clock>>,
    transport: Option<Result<Arc<dyn Transport>, TransportError>>,
    project_id: Option<String>,
    runtime: Option<Handle>,
    refresh: Option<RefreshPolicy>,
    /// The directory of the coordination files, when other processes share the store.
    shared_directory: Option<PathBuf>,
    /// The transport's request timeout, which bounds a refresh lease (C3).
    request_timeout: Duration,
}

/// How much longer than the request timeout a refresh lease lasts: time to store the answer.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

impl SessionClient {
    /// Starts configuring an engine.
    pub fn builder() -> SessionClientBuilder {
        SessionClientBuilder {
            store: None,
            clock: None,
            transport: None,
            project_id: None,
            runtime: None,
            refresh: Some(RefreshPolicy::default()),
            shared_directory: None,
            request_timeout: StytchConfig::DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

impl SessionClientBuilder {
    /// Talks to Stytch's frontend-SDK endpoints as configured (T1-T4).
    pub fn stytch(mut self, config: StytchConfig) -> Self {
        if let Some(project_id) = &config.project_id {
            self.project_id = Some(project_id.clone());
        }
        self.request_timeout = config.request_timeout;
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

    /// How the engine refreshes the session by itself (S1-S8). On by default whenever a
    /// transport is configured, with [`RefreshPolicy::default`]: a 180 s heartbeat and a 60 s
    /// margin before the session or the JWT expires. A policy below the floors of
    /// [`RefreshPolicy::validate`] makes the build fail with `InvalidArgument` (S9).
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

    /// Shares the store with the other processes that use it (SPEC C1-C3): an iOS app and
    /// its extensions over one Keychain access group, or an Android app's processes over one
    /// file. `directory` is where the few coordination files go, and must be one that every
    /// one of those processes can write: the App Group container on iOS, the app's files
    /// directory on Android. Give every process the same directory and the same store.
    ///
    /// Then each engine sees what another wrote (before its next request, at the foreground,
    /// and on Linux and Android as soon as it is written), a sign-out anywhere is final, and
    /// one refresh at a time goes out for all of them. Without it (the default) the engine
    /// assumes it is the store's only user and creates no file.
    ///
    /// The build fails with `InvalidArgument` when `directory` is not a writable directory.
    pub fn shared_between_processes(mut self, directory: impl Into<PathBuf>) -> Self {
        self.shared_directory = Some(directory.into());
        self
    }

    /// The device's wall clock; expiry is judged on it corrected to server time (R5).
    /// Defaults to the system clock.
    pub fn clock(self, clock: impl Clock) -> Self {
        self.shared_clock(Arc::new(clock))
    }

    /// Like [`clock`](Self::clock), for a clock the caller keeps a handle to.
    pub fn shared_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the engine and restores the stored session, if any, on the caller's thread,
    /// which it blocks on the store. For Rust code that can wait; an app's UI thread should
    /// use [`start`](Self::start).
    ///
    /// Restoring never fails the build: a corrupt blob is wiped and an unreachable store is
    /// retried later; [`SessionClient::restore_outcome`] tells which happened.
    ///
    /// Fails with [`SessionError::InvalidArgument`] when the configuration is not usable (a
    /// refresh policy below its floors, S9; a transport that cannot be set up).
    pub fn build(self) -> Result<SessionClient, SessionError> {
        let (engine, refresh) = self.engine()?;
        engine.state.restore();
        // After restoring: the scheduler's first look finds the restored session and
        // refreshes it (S4). Had it started first, it would find it all the same.
        let scheduler = Scheduler::start(&engine, refresh);
        Ok(SessionClient::from_parts(engine, scheduler))
    }

    /// Builds the engine and returns at once; the stored session is read on the engine's
    /// blocking pool, never on the caller's thread (X2). Until it has been read,
    /// [`SessionClient::status`] is [`SessionStatus::Restoring`](crate::SessionStatus) and
    /// [`SessionClient::restored`] waits for it. A change the app makes meanwhile
    /// (`update_session`, `clear`) lands on top of the restored state.
    ///
    /// Fails only for a configuration that is not usable, as [`build`](Self::build) does.
    pub fn start(self) -> Result<SessionClient, SessionError> {
        let (engine, refresh) = self.engine()?;
        let restoring = Arc::clone(&engine);
        // Not awaited: the restore runs on its own, and `restored()` says when it is done.
        drop(concurrency::blocking(&engine.runtime, move || {
            restoring.state.restore();
        }));
        let scheduler = Scheduler::start(&engine, refresh);
        Ok(SessionClient::from_parts(engine, scheduler))
    }

    /// The engine's parts, configured and checked, with nothing read yet.
    fn engine(self) -> Result<(Arc<SessionEngine>, Option<RefreshPolicy>), SessionError> {
        if let Some(policy) = &self.refresh {
            policy.validate().map_err(Error::InvalidArgument)?;
        }
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::new()) as Arc<dyn SessionStore>);
        let transport = self
            .transport
            .transpose()
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let runtime = match self.runtime {
            Some(handle) => EngineRuntime::shared(handle),
            None => EngineRuntime::owned().map_err(|e| {
                Error::Internal(format!("could not start the engine's runtime: {e}"))
            })?,
        };
        let clock = Arc::new(ServerClock::with_device(self.clock));
        let verifier_clock = Arc::clone(&clock) as Arc<dyn Clock>;
        let verifier = match &self.project_id {
            Some(project_id) => JwtVerifier::for_project(verifier_clock, project_id),
            None => JwtVerifier::new(verifier_clock),
        };
        let shared = match &self.shared_directory {
            Some(directory) => Some(
                ProcessCoordination::open(directory, self.request_timeout + LEASE_MARGIN).map_err(
                    |e| {
                        Error::InvalidArgument(format!(
                            "the directory shared between processes cannot be used: {e}"
                        ))
                    },
                )?,
            ),
            None => None,
        };
        let changed = Arc::new(Signal::new());
        let engine = Arc::new(SessionEngine {
            state: SessionState::new(store, Arc::clone(&clock), Arc::clone(&changed), shared),
            flights: Flights::default(),
            clock,
            transport,
            verifier,
            jwks_fetch: Default::default(),
            runtime,
            changed,
        });
        Ok((engine, self.refresh))
    }
}
