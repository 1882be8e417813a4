//! Tokens for the app's own backend (SPEC W9, H1): a JWT that will still be valid when the
//! backend checks it, and a fresh one once the backend has rejected the one it got.
//!
//! Both go through the single flight (W3): however many requests ask at once, one authenticate
//! is sent. A JWT that is fresh enough is answered from the snapshot, without a lock and
//! without waiting for any storage write (R4). Expiry is judged on server time (R5).

use std::sync::Arc;
use std::time::Duration;

use super::client::SessionClient;
use super::flight::SharedFlight;
use super::session_engine::SessionEngine;
use super::shared_store::RefreshBase;
use crate::error::{Error, SessionError};
use crate::model::SessionTokens;

/// What a backend's rejection of a JWT calls for.
pub(crate) enum AfterRejection {
    /// The JWT was replaced since it was sent: these are the current tokens.
    Replaced(SessionTokens),
    /// A refresh for the current identity, started or joined: await it.
    Refresh(SharedFlight),
}

impl SessionClient {
    /// **May change state.** Both tokens, with a JWT that stays valid for at least `min_ttl`
    /// on server time (W9). When the JWT would not, or with `force_refresh`, it first asks the
    /// server through the single flight (W3), so concurrent callers share one request; it
    /// fails as [`authenticate`](Self::authenticate) does when it cannot (signed out, offline).
    ///
    /// What an app calls right before a request to its own backend, as with Auth0's
    /// `credentials(minTTL:)`. A `min_ttl` longer than a fresh JWT lives (Stytch's live five
    /// minutes) cannot be met: after the refresh that is [`SessionError::InvalidArgument`].
    pub async fn tokens(
        &self,
        min_ttl: Duration,
        force_refresh: bool,
    ) -> Result<SessionTokens, SessionError> {
        if !force_refresh && let Some(tokens) = self.tokens_lasting(min_ttl) {
            return Ok(tokens);
        }
        self.authenticate(None).await?;
        match self.tokens_lasting(min_ttl) {
            Some(tokens) => Ok(tokens),
            None if self.get_tokens().is_none() => {
                Err(Error::NoSession("hand out tokens for").into())
            }
            None => Err(Error::InvalidArgument(format!(
                "min_ttl {min_ttl:?} is longer than a fresh session JWT lives"
            ))
            .into()),
        }
    }

    /// **May change state.** Fresh tokens after the app's backend rejected `rejected_jwt`
    /// (answered 401 to it): the current tokens if that JWT has been replaced since, otherwise
    /// those of a refresh through the single flight. However many requests report the same
    /// rejected JWT, at once or one after another, it causes one authenticate (H1). The
    /// backend's 401 itself signs nobody out: only the auth server's answer can (E1).
    pub async fn tokens_after_rejection(
        &self,
        rejected_jwt: &str,
    ) -> Result<SessionTokens, SessionError> {
        match self.engine().after_rejection(rejected_jwt)? {
            AfterRejection::Replaced(tokens) => Ok(tokens),
            AfterRejection::Refresh(flight) => {
                flight.await?;
                self.get_tokens()
                    .ok_or_else(|| Error::NoSession("hand out tokens for").into())
            }
        }
    }

    /// The live tokens, if their JWT lasts at least `min_ttl` on server time.
    fn tokens_lasting(&self, min_ttl: Duration) -> Option<SessionTokens> {
        let engine = self.engine();
        let now = engine.clock.now_millis();
        let snapshot = engine.state.load();
        let expires = snapshot.jwt_expires_at?.timestamp_millis();
        let wanted = now.saturating_add(i64::try_from(min_ttl.as_millis()).unwrap_or(i64::MAX));
        snapshot
            .live_tokens(now)
            .filter(|_| expires >= wanted)
            .cloned()
    }
}

impl SessionEngine {
    /// Under the flight lock, so that no refresh can start or end in between: the current
    /// tokens if `rejected_jwt` is no longer theirs, else the flight in progress or a new one.
    pub(crate) fn after_rejection(
        self: &Arc<Self>,
        rejected_jwt: &str,
    ) -> Result<AfterRejection, SessionError> {
        let transport = self.transport()?;
        let mut slot = self.flights.lock();
        let snapshot = self.state.load();
        let tokens = snapshot.tokens.clone().ok_or(Error::NoSession("refresh"))?;
        if tokens.session_jwt() != rejected_jwt {
            return Ok(AfterRejection::Replaced(tokens));
        }
        if let Some(flight) = slot.joinable(snapshot.generation) {
            return Ok(AfterRejection::Refresh(flight));
        }
        let base = RefreshBase {
            generation: snapshot.generation,
            tokens,
            validated_at: snapshot.last_validated_at,
        };
        drop(snapshot);
        Ok(AfterRejection::Refresh(
            self.start_flight(&mut slot, transport, base, None),
        ))
    }
}
