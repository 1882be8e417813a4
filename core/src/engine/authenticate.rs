//! The calls that ask the server: `authenticate` (W2-W4) and `revoke` (W5).
//!
//! Both run as tasks on the engine's runtime, so the outcome is applied even when the caller
//! stops waiting (a cancelled Kotlin coroutine, a dropped Swift task). Authenticate is single
//! flight: while a request is out for the current identity, every further caller, explicit
//! or scheduled, awaits that same request and gets its result. Each request remembers the
//! [`Generation`] it started under; if the identity changed meanwhile (sign-out, new tokens)
//! its answer is discarded, so a late refresh can never bring a revoked session back.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::client::SessionClient;
use super::event::{ChangeCause, SignOutReason};
use super::state::{Generation, Snapshot};
use super::sync::{self, TaskFailed};
use crate::error::SessionError;
use crate::model::{Session, SessionTokens};
use crate::transport::{Authenticated, ErrorClass, Transport, TransportError};

type FlightResult = Result<Arc<Session>, SessionError>;

/// An authenticate request in flight, shared by all its callers.
pub(crate) struct Flight {
    generation: Generation,
    id: u64,
    result: Shared<BoxFuture<'static, FlightResult>>,
}

static NEXT_FLIGHT_ID: AtomicU64 = AtomicU64::new(1);

impl SessionClient {
    /// **Changes state.** Asks the server to confirm the session and rotate its JWT (W2).
    ///
    /// On success the new tokens and session are persisted, announced and returned, and
    /// `get_info().from_cache` becomes false. `session_duration_minutes`, when given, extends
    /// the session on the server.
    ///
    /// Concurrent calls share one request and its result (W3); while a request is in flight,
    /// a later caller's `session_duration_minutes` is not sent. If the identity changes while
    /// the request is out, its answer is discarded and [`SessionError::Superseded`] returned
    /// (W4). A definitive rejection (E1) signs the user out; any other failure keeps the
    /// session (E2, E3).
    pub async fn authenticate(
        &self,
        session_duration_minutes: Option<u32>,
    ) -> Result<Arc<Session>, SessionError> {
        self.join_or_start_flight(session_duration_minutes)?.await
    }

    /// **Changes state.** Revokes the session on the server, then signs out locally (W5).
    ///
    /// When the request fails, the session is cleared anyway if the failure is definitive
    /// (E1: the server no longer knows the session) or if `force_clear` is set; otherwise the
    /// session stays and the error is returned. Revoking with no session succeeds.
    pub async fn revoke(&self, force_clear: bool) -> Result<(), SessionError> {
        let (generation, tokens) = {
            let snapshot = self.snapshot();
            (snapshot.generation, snapshot.tokens.clone())
        };
        let Some(tokens) = tokens else {
            return Ok(());
        };
        let transport = self.transport()?;
        let client = self.clone();
        let task = sync::spawn(&self.inner.runtime, async move {
            let answer = transport.revoke(&tokens).await;
            let committer = client.clone();
            let commit = move || committer.apply_revoke(generation, answer, force_clear);
            sync::blocking(&client.inner.runtime, commit)
                .await
                .unwrap_or_else(|e| Err(task_failure(e)))
        });
        task.await.unwrap_or_else(|e| Err(task_failure(e)))
    }

    pub(super) fn transport(&self) -> Result<Arc<dyn Transport>, SessionError> {
        self.inner
            .transport
            .clone()
            .ok_or_else(|| SessionError::InvalidArgument {
                detail: "no transport configured: build the client with .stytch(config)".into(),
            })
    }

    fn join_or_start_flight(
        &self,
        session_duration_minutes: Option<u32>,
    ) -> Result<Shared<BoxFuture<'static, FlightResult>>, SessionError> {
        let transport = self.transport()?;
        let mut slot = self.inner.flight.lock();
        let snapshot = self.snapshot();
        if let Some(flight) = slot.as_ref()
            && flight.generation == snapshot.generation
        {
            return Ok(flight.result.clone());
        }
        let Some(tokens) = snapshot.tokens.clone() else {
            return Err(SessionError::SignedOut {
                reason: "there is no session to authenticate".into(),
            });
        };
        let generation = snapshot.generation;
        drop(snapshot);

        let id = NEXT_FLIGHT_ID.fetch_add(1, Ordering::Relaxed);
        let client = self.clone();
        let task = sync::spawn(&self.inner.runtime, async move {
            tracing::debug!(%generation, "authenticate request started");
            let answer = transport
                .authenticate(&tokens, session_duration_minutes)
                .await;
            let committer = client.clone();
            let commit = move || committer.apply_authenticate(generation, answer);
            let result = sync::blocking(&client.inner.runtime, commit)
                .await
                .unwrap_or_else(|e| Err(task_failure(e)));
            client.end_flight(id);
            result
        });
        let result = async move { task.await.unwrap_or_else(|e| Err(task_failure(e))) }
            .boxed()
            .shared();
        *slot = Some(Flight {
            generation,
            id,
            result: result.clone(),
        });
        Ok(result)
    }

    fn end_flight(&self, id: u64) {
        let mut slot = self.inner.flight.lock();
        if slot.as_ref().is_some_and(|flight| flight.id == id) {
            *slot = None;
        }
    }

    fn apply_authenticate(
        &self,
        generation: Generation,
        answer: Result<Authenticated, TransportError>,
    ) -> FlightResult {
        let authenticated = match answer {
            Ok(authenticated) => authenticated,
            Err(error) => return Err(self.apply_failure(generation, error)),
        };
        let session = Arc::new(authenticated.session);
        let validated_at = self.inner.clock.now();
        let tokens: SessionTokens = authenticated.tokens;
        let committed = self.commit(|current| {
            (current.generation == generation).then(|| {
                let next = Snapshot::signed_in(
                    generation,
                    tokens,
                    Some(Arc::clone(&session)),
                    false,
                    Some(validated_at),
                );
                (next, ChangeCause::Authenticated)
            })
        });
        if !committed.applied {
            tracing::debug!(%generation, "authenticate answer discarded: identity changed");
            return Err(SessionError::Superseded);
        }
        Ok(session)
    }

    /// Applies a failed authenticate: a definitive answer about the current identity signs
    /// out (E1); anything else leaves the state alone.
    fn apply_failure(&self, generation: Generation, error: TransportError) -> SessionError {
        tracing::info!(%error, %generation, "authenticate failed");
        if error.class() != ErrorClass::Definitive {
            return error.into();
        }
        let mut signed_out = false;
        let result = self.sign_out_if(
            |current| {
                signed_out = current.generation == generation;
                signed_out
            },
            SignOutReason::Rejected,
        );
        if let Err(storage) = result {
            tracing::warn!(%storage, "signed out, but the stored session could not be removed yet");
        }
        if signed_out {
            error.into()
        } else {
            SessionError::Superseded
        }
    }

    fn apply_revoke(
        &self,
        generation: Generation,
        answer: Result<(), TransportError>,
        force_clear: bool,
    ) -> Result<(), SessionError> {
        match answer {
            Ok(()) => {}
            Err(error) if error.class() == ErrorClass::Definitive => {
                tracing::info!(%error, "revoke: the server no longer knows the session");
            }
            Err(error) if force_clear => {
                tracing::warn!(%error, "revoke failed; clearing locally as asked (force_clear)");
            }
            Err(error) => return Err(error.into()),
        }
        self.sign_out_if(
            |current| current.generation == generation,
            SignOutReason::Revoked,
        )
    }
}

fn task_failure(error: TaskFailed) -> SessionError {
    let detail = if error.panicked {
        "a SessionKit task panicked"
    } else {
        "the engine's runtime shut down before the request finished"
    };
    SessionError::Internal {
        detail: detail.into(),
    }
}
