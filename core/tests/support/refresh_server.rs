//! An auto-answering auth server for the scheduler tests: every authenticate succeeds with a
//! freshly minted JWT unless a failure was queued, and each call's time on tokio's clock is
//! recorded, so tests assert *when* the scheduler refreshed without staging every answer.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use sessionkit::testing::TokioClock;
use sessionkit::transport::{Authenticated, Transport, TransportError, TransportFuture};
use sessionkit::{Clock, SessionTokens};
use tokio::time::Instant;

/// An unsigned JWT whose payload carries `exp` (J1 only reads `exp`) and, as `sub`, the
/// user of the sample session the server answers with (V2).
pub fn jwt_expiring_at(exp: DateTime<Utc>) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(r#"{"alg":"RS256","typ":"JWT","kid":"test"}"#);
    let user = super::sample_session(exp).user_id;
    let payload = b64.encode(format!(r#"{{"sub":"{user}","exp":{}}}"#, exp.timestamp()));
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

pub struct RefreshServer {
    clock: Arc<TokioClock>,
    start: Instant,
    /// How long each minted JWT lives.
    pub jwt_lifetime: Mutex<Duration>,
    /// The `expires_at` of every session answered.
    pub session_expires_at: Mutex<DateTime<Utc>>,
    /// How long each answer takes on tokio's clock.
    pub latency: Mutex<Duration>,
    failures: Mutex<VecDeque<TransportError>>,
    /// When each authenticate call arrived, since the server was made.
    pub calls: Mutex<Vec<Duration>>,
    pub durations: Mutex<Vec<Option<u32>>>,
}

impl RefreshServer {
    pub fn new(clock: Arc<TokioClock>) -> Arc<Self> {
        let far = clock.now() + chrono::Duration::days(30);
        Arc::new(Self {
            clock,
            start: Instant::now(),
            jwt_lifetime: Mutex::new(Duration::from_secs(300)),
            session_expires_at: Mutex::new(far),
            latency: Mutex::new(Duration::ZERO),
            failures: Mutex::default(),
            calls: Mutex::default(),
            durations: Mutex::default(),
        })
    }

    /// The next calls fail with these errors, in order.
    pub fn fail_next(&self, errors: impl IntoIterator<Item = TransportError>) {
        self.failures.lock().extend(errors);
    }

    /// When each call arrived, since the server was made.
    pub fn call_times(&self) -> Vec<Duration> {
        self.calls.lock().clone()
    }

    pub fn call_count(&self) -> usize {
        self.calls.lock().len()
    }

    /// The gaps between consecutive calls.
    pub fn gaps(&self) -> Vec<Duration> {
        self.call_times().windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// A fresh JWT as this server would mint it now.
    pub fn mint_jwt(&self) -> String {
        let lifetime = chrono::Duration::from_std(*self.jwt_lifetime.lock()).unwrap();
        jwt_expiring_at(self.clock.now() + lifetime)
    }
}

impl Transport for RefreshServer {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        self.calls.lock().push(self.start.elapsed());
        self.durations.lock().push(session_duration_minutes);
        Box::pin(async move {
            let latency = *self.latency.lock();
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            if let Some(error) = self.failures.lock().pop_front() {
                return Err(error);
            }
            let session = super::sample_session(*self.session_expires_at.lock());
            Ok(Authenticated {
                session,
                tokens: SessionTokens::new(tokens.session_token(), self.mint_jwt()),
                request_id: Some("request-id-test".into()),
                server_date: None,
            })
        })
    }

    fn revoke<'a>(&'a self, _tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        Box::pin(async { Err(TransportError::Config("no JWKS here".into())) })
    }
}
