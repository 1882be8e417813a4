//! The state shared by the HTTP handlers and the test-facing [`Sandbox`](crate::Sandbox)
//! handle, and the operations both of them use (sign-in, authenticate, revoke).

use std::time::Duration;

use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::SandboxConfig;
use crate::clock::Clock;
use crate::counters::Counters;
use crate::envelope::ApiError;
use crate::faults::FaultQueue;
use crate::jwt;
use crate::state::{Attributes, SessionRequest, Store, check_duration};

/// Everything one sandbox knows.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) config: SandboxConfig,
    pub(crate) clock: Clock,
    pub(crate) store: Mutex<Store>,
    pub(crate) faults: FaultQueue,
    pub(crate) counters: Counters,
    /// What every request waits before it is answered (or faulted).
    latency: Mutex<Duration>,
}

/// A session as handed out: token, fresh JWT, and the wire session and user objects.
#[derive(Debug, Clone)]
pub(crate) struct Granted {
    pub(crate) session_token: String,
    pub(crate) session_jwt: String,
    pub(crate) session: Value,
    pub(crate) user: Value,
}

impl Granted {
    /// The fields of a success body, in the order of Stytch's samples.
    pub(crate) fn wire_fields(&self) -> Value {
        json!({
            "session": self.session,
            "session_jwt": self.session_jwt,
            "session_token": self.session_token,
            "user": self.user,
        })
    }
}

impl AppState {
    pub(crate) fn new(config: SandboxConfig) -> Self {
        Self {
            config,
            clock: Clock::default(),
            store: Mutex::new(Store::default()),
            faults: FaultQueue::default(),
            counters: Counters::default(),
            latency: Mutex::new(Duration::ZERO),
        }
    }

    pub(crate) fn latency(&self) -> Duration {
        *self.latency.lock()
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        *self.latency.lock() = latency;
    }

    pub(crate) fn sign_in(
        &self,
        email: &str,
        password: &str,
        options: &crate::SignInOptions,
        attributes: Attributes,
    ) -> Result<Granted, ApiError> {
        let minutes = match options.session_duration_minutes {
            Some(minutes) => check_duration(i64::from(minutes))?,
            None => i64::from(self.config.default_session_minutes),
        };
        let request = SessionRequest {
            minutes,
            custom_claims: options.custom_claims.clone(),
            roles: options.roles.clone(),
            extra_factors: options.extra_factors.clone(),
        };
        let now = self.clock.now();
        let (session_token, issued) = self
            .store
            .lock()
            .sign_in(email, password, request, attributes, now)?;
        Ok(Granted {
            session_token,
            session_jwt: self.session_jwt(&issued.session),
            session: issued.session,
            user: issued.user,
        })
    }

    pub(crate) fn authenticate(
        &self,
        session_token: &str,
        minutes: Option<i64>,
    ) -> Result<Granted, ApiError> {
        let minutes = minutes.map(check_duration).transpose()?;
        let now = self.clock.now();
        let issued = self
            .store
            .lock()
            .authenticate(session_token, minutes, now)?;
        Ok(Granted {
            session_token: session_token.to_owned(),
            session_jwt: self.session_jwt(&issued.session),
            session: issued.session,
            user: issued.user,
        })
    }

    pub(crate) fn revoke(&self, session_token: &str) -> Result<(), ApiError> {
        let now = self.clock.now();
        self.store.lock().revoke(session_token, now)
    }

    /// Stytch-shaped JWT claims for `session` at the sandbox's now.
    pub(crate) fn session_claims(&self, session: &Value) -> Value {
        jwt::session_claims(
            &self.config.project_id,
            session,
            self.clock.now(),
            self.config.jwt_lifetime,
        )
    }

    /// Signed outside the store lock: RSA signing is the slowest thing we do.
    fn session_jwt(&self, session: &Value) -> String {
        jwt::sign(&self.session_claims(session))
    }
}
