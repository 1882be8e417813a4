//! How the engine talks to the auth server (SPEC T1-T4).
//!
//! The engine sees only the [`Transport`] trait, so tests can stand in a scripted server and
//! apps can route requests through their own networking. [`StytchTransport`] is the real
//! thing: Stytch's frontend-SDK endpoints over hyper and rustls. Every failure comes back
//! as a [`TransportError`] that knows its [`ErrorClass`]: whether it ends the session (E1),
//! is worth retrying (E2), or goes back to the caller as it is (E3).

mod base_url;
mod config;
mod error;
mod pinning;
mod stytch;
mod tls;
pub(crate) mod wire;

use std::future::Future;
use std::pin::Pin;

pub use config::StytchConfig;
pub use error::{ErrorClass, TransportError};
pub use stytch::StytchTransport;
pub use wire::MAX_RETRY_AFTER;

use crate::model::{Session, SessionTokens};

/// A boxed future returned by [`Transport`] methods.
pub type TransportFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, TransportError>> + Send + 'a>>;

/// The server calls the engine makes.
pub trait Transport: Send + Sync + 'static {
    /// `POST /sdk/v1/sessions/authenticate`: confirms the session and rotates its JWT,
    /// extending it by `session_duration_minutes` when given.
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated>;

    /// `POST /sdk/v1/sessions/revoke`: ends the session on the server.
    fn revoke<'a>(&'a self, tokens: &'a SessionTokens) -> TransportFuture<'a, ()>;

    /// The project's JSON Web Key Set, as the server's JSON text, for local JWT checks.
    fn fetch_jwks(&self) -> TransportFuture<'_, String>;
}

/// A successful authenticate: the session as the server now sees it, and the tokens to use
/// from now on.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The session.
    pub session: Session,
    /// The session token (unchanged by Stytch) and the freshly minted JWT.
    pub tokens: SessionTokens,
    /// The server's request id, for support tickets.
    pub request_id: Option<String>,
    /// The answer's HTTP `Date`: the server's clock when it answered, which teaches the
    /// engine how far the device clock is off (R5).
    pub server_date: Option<chrono::DateTime<chrono::Utc>>,
}
