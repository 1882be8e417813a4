//! V6: JWKS fetches share one flight and are throttled.
//!
//! `check_jwt` answers `TryRefresh` for a JWT signed with an unknown key, and the natural
//! reaction is to call `refresh_jwks`: a server or proxy that keeps minting such JWTs, or an
//! app that calls it from every screen, would otherwise make the engine fetch keys in a loop.
//! Concurrent callers join the fetch in flight; for [`JWKS_MIN_INTERVAL_MILLIS`] after a
//! fetch ends, callers get its outcome again without a request.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::concurrency::{self, Mutex};
use super::runtime::EngineRuntime;
use super::server_time::ServerClock;
use crate::error::SessionError;

/// The shortest time between two JWKS requests. Stytch rotates keys with weeks of overlap.
pub(crate) const JWKS_MIN_INTERVAL_MILLIS: i64 = 30_000;

type Fetch = Shared<BoxFuture<'static, Result<(), SessionError>>>;

/// The fetch in flight, or the last one's outcome and when it ended (device time).
#[derive(Default)]
pub(crate) struct JwksFetch {
    state: Arc<Mutex<FetchState>>,
}

#[derive(Default)]
enum FetchState {
    #[default]
    Never,
    InFlight(Fetch),
    Ended {
        at_millis: i64,
        outcome: Result<(), SessionError>,
    },
}

/// What one caller does.
enum Step {
    Join(Fetch),
    Repeat(Result<(), SessionError>),
}

impl JwksFetch {
    /// Runs `fetch` (fetch the JWKS and install it) as a task on `runtime`, unless a fetch
    /// is in flight (joined) or ended less than the interval ago (its outcome repeated). The
    /// state's lock is a leaf, never held across an await.
    pub(crate) async fn refresh<F>(
        &self,
        runtime: &EngineRuntime,
        clock: &Arc<ServerClock>,
        fetch: impl FnOnce() -> F,
    ) -> Result<(), SessionError>
    where
        F: Future<Output = Result<(), SessionError>> + Send + 'static,
    {
        let step = {
            let mut state = self.state.lock();
            let now = clock.device_millis();
            match &*state {
                FetchState::InFlight(fetch) => Step::Join(fetch.clone()),
                FetchState::Ended { at_millis, outcome }
                    if now.saturating_sub(*at_millis) < JWKS_MIN_INTERVAL_MILLIS
                        && now >= *at_millis =>
                {
                    Step::Repeat(outcome.clone())
                }
                _ => {
                    let started = self.start(runtime, Arc::clone(clock), fetch());
                    *state = FetchState::InFlight(started.clone());
                    Step::Join(started)
                }
            }
        };
        match step {
            Step::Repeat(outcome) => outcome,
            Step::Join(fetch) => fetch.await,
        }
    }

    /// One fetch as a task: it completes, and records its outcome, even if every caller
    /// stops waiting.
    fn start(
        &self,
        runtime: &EngineRuntime,
        clock: Arc<ServerClock>,
        fetch: impl Future<Output = Result<(), SessionError>> + Send + 'static,
    ) -> Fetch {
        let state = Arc::clone(&self.state);
        let task = concurrency::spawn(runtime, async move {
            let outcome = fetch.await;
            *state.lock() = FetchState::Ended {
                at_millis: clock.device_millis(),
                outcome: outcome.clone(),
            };
            outcome
        });
        async move { task.await.unwrap_or_else(|failed| Err(failed.into())) }
            .boxed()
            .shared()
    }
}
