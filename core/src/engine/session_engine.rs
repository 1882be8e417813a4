//! [`SessionEngine`]: what every part of the engine shares, built once by the builder and
//! held by the client façade and (weakly) by the scheduler's task.

use super::jwks_fetch::JwksFetch;
use std::sync::Arc;

use super::concurrency::Signal;
use super::flight::Flights;
use super::runtime::EngineRuntime;
use super::server_time::ServerClock;
use super::session_state::SessionState;
use crate::error::{Error, SessionError};
use crate::jwt::JwtVerifier;
use crate::transport::Transport;

/// The engine's shared parts.
pub(crate) struct SessionEngine {
    /// The snapshot, its writer and the store (`session_state.rs`).
    pub(crate) state: SessionState,
    /// The authenticate request in flight and the last one's report (`flight.rs`).
    pub(crate) flights: Flights,
    /// Device time corrected to the server's (R5).
    pub(crate) clock: Arc<ServerClock>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) verifier: JwtVerifier,
    /// The JWKS fetch in flight or the last one's outcome (V6).
    pub(crate) jwks_fetch: JwksFetch,
    pub(crate) runtime: EngineRuntime,
    /// Notified after every state swap, every flight's end and every lifecycle call: the
    /// scheduler's one wake-up.
    pub(crate) changed: Arc<Signal>,
}

impl SessionEngine {
    /// The configured transport, or the error every server call returns without one.
    pub(crate) fn transport(&self) -> Result<Arc<dyn Transport>, SessionError> {
        self.transport.clone().ok_or_else(|| {
            Error::InvalidArgument(
                "no transport configured: build the client with .stytch(config)".into(),
            )
            .into()
        })
    }
}
