//! V6: JWKS fetches share one flight and are throttled.
//!
//! `check_jwt` answers `TryRefresh` for a JWT signed with an unknown key, and the natural
//! reaction is to call `refresh_jwks`: a server or proxy that keeps minting such JWTs, or an
//! app that calls it from every screen, would otherwise make the engine fetch keys in a loop.
//! Concurrent callers join the fetch in flight; for [`JWKS_MIN_INTERVAL_MILLIS`] after a
//! fetch ends, callers get its outcome again without a request.

use std::sync::Arc;

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::concurrency::{self, Mutex};
use super::session_engine::SessionEngine;
use crate::error::{Error, SessionError};

/// The shortest time between two JWKS requests. Stytch rotates keys with weeks of overlap.
pub(crate) const JWKS_MIN_INTERVAL_MILLIS: i64 = 30_000;

type Fetch = Shared<BoxFuture<'static, Result<(), SessionError>>>;

/// The fetch in flight, or the last one's outcome and when it ended (device time).
#[derive(Default)]
pub(crate) struct JwksFetch {
    state: Mutex<FetchState>,
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
    /// Fetches the JWKS and installs it, joining a fetch in flight or repeating a recent
    /// one's outcome. The state's lock is a leaf, never held across an await.
    pub(crate) async fn refresh(&self, engine: &Arc<SessionEngine>) -> Result<(), SessionError> {
        let step = {
            let mut state = self.state.lock();
            let now = engine.clock.device_millis();
            match &*state {
                FetchState::InFlight(fetch) => Step::Join(fetch.clone()),
                FetchState::Ended { at_millis, outcome }
                    if now.saturating_sub(*at_millis) < JWKS_MIN_INTERVAL_MILLIS
                        && now >= *at_millis =>
                {
                    Step::Repeat(outcome.clone())
                }
                _ => {
                    let fetch = start(Arc::clone(engine));
                    *state = FetchState::InFlight(fetch.clone());
                    Step::Join(fetch)
                }
            }
        };
        match step {
            Step::Repeat(outcome) => outcome,
            Step::Join(fetch) => fetch.await,
        }
    }

    fn ended(&self, at_millis: i64, outcome: Result<(), SessionError>) {
        *self.state.lock() = FetchState::Ended { at_millis, outcome };
    }
}

/// One fetch as a task on the engine's runtime: it completes, and records its outcome, even
/// if every caller stops waiting.
fn start(engine: Arc<SessionEngine>) -> Fetch {
    let owner = Arc::clone(&engine);
    let task = concurrency::spawn(&owner.runtime, async move {
        let outcome = fetch_and_install(&engine).await;
        engine
            .jwks_fetch
            .ended(engine.clock.device_millis(), outcome.clone());
        outcome
    });
    async move { task.await.unwrap_or_else(|failed| Err(failed.into())) }
        .boxed()
        .shared()
}

async fn fetch_and_install(engine: &SessionEngine) -> Result<(), SessionError> {
    let transport = engine.transport()?;
    let jwks = transport.fetch_jwks().await.map_err(Error::Transport)?;
    engine.verifier.set_jwks(&jwks).map_err(Error::Jwks)?;
    Ok(())
}
