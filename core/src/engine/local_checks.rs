//! What the engine can say about its JWT without asking the auth server (J1, J2), judged on
//! server time (R5).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::client::SessionClient;
use super::session_engine::SessionEngine;
use crate::error::{Error, SessionError};
use crate::jwt::JwtCheck;

impl SessionClient {
    /// When the current session JWT expires, read from its `exp` claim without verifying it
    /// (J1). The refresh scheduler plans by this. No I/O.
    pub fn jwt_expires_at(&self) -> Option<DateTime<Utc>> {
        self.engine().state.load().jwt_expires_at
    }

    /// Verifies the current session JWT against the cached JWKS (J2): RS256 only, a known
    /// `kid`, `exp` and `nbf` with 60 s leeway on server time. No I/O; call
    /// [`refresh_jwks`](Self::refresh_jwks) first, and again when the answer says the keys
    /// may have rotated.
    ///
    /// Answers [`JwtCheck::Valid`], [`JwtCheck::TryRefresh`] (expired, unverifiable, no
    /// keys yet) or [`JwtCheck::Unauthorised`] (no tokens).
    pub fn check_jwt(&self) -> JwtCheck {
        let engine = self.engine();
        let now = engine.clock.now_millis();
        // Borrowed, not copied.
        engine.verifier.check(engine.state.load().live_tokens(now))
    }

    /// Fetches the project's JWKS from the server and caches it for
    /// [`check_jwt`](Self::check_jwt). Does not change the session. A document that is not
    /// a usable JWKS is [`SessionError::JwksUnusable`], not a network error.
    ///
    /// Concurrent calls share one request, and for 30 s after a fetch ends further calls
    /// get its outcome again without a request (V6).
    pub async fn refresh_jwks(&self) -> Result<(), SessionError> {
        let engine = self.engine();
        let owner = Arc::clone(engine);
        let fetch = move || async move { fetch_and_install(&owner).await };
        engine
            .jwks_fetch
            .refresh(&engine.runtime, &engine.clock, fetch)
            .await
    }
}

async fn fetch_and_install(engine: &SessionEngine) -> Result<(), SessionError> {
    let transport = engine.transport()?;
    let jwks = transport.fetch_jwks().await.map_err(Error::Transport)?;
    engine.verifier.set_jwks(&jwks).map_err(Error::Jwks)?;
    Ok(())
}
