//! The calls that ask the server: `authenticate` (W2-W4, W8) and `revoke` (W5, W8).
//!
//! Both run as tasks on the engine's runtime, so the outcome is applied even when the caller
//! stops waiting (a cancelled Kotlin coroutine, a dropped Swift task). Authenticate is single
//! flight (`flight.rs`). Each request remembers the [`Generation`] it started under; if the
//! identity changed meanwhile its answer is discarded and the caller hears `Superseded`,
//! whatever the network did, so a late refresh can never bring a revoked session back.
//! Every answer that states the server's time teaches the engine's clock (R5).

use std::sync::Arc;

use futures_util::future::FutureExt;

use super::concurrency;
use super::event::{ChangeCause, SignOutReason};
use super::flight::{Flight, FlightOutcome, FlightReport, SharedFlight, Slot};
use super::server_time::RoundTrip;
use super::session_engine::SessionEngine;
use super::state::{Generation, Snapshot};
use crate::error::{Error, SessionError};
use crate::model::{Session, SessionTokens};
use crate::transport::{Authenticated, ErrorClass, TransportError};

/// What `revoke` did (W5, W8).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
#[non_exhaustive]
pub enum RevokeOutcome {
    /// The server revoked the session (or no longer knew it), and it is cleared here.
    Revoked,
    /// There was no session to revoke.
    NoSession,
    /// The session is cleared here, but the server could not be reached to revoke it
    /// (`force_clear`): it stays valid on the server until it expires.
    ClearedLocallyOnly {
        /// Why the server was not reached.
        reason: String,
    },
}

impl std::fmt::Display for RevokeOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Revoked => f.write_str("revoked"),
            Self::NoSession => f.write_str("no session to revoke"),
            Self::ClearedLocallyOnly { reason } => {
                write!(f, "cleared here only; the server was not reached: {reason}")
            }
        }
    }
}

/// What the scheduler gets when it asks to refresh (S8).
pub(crate) enum ScheduledRefresh {
    /// A request for the planned identity is in flight: await it.
    Joined(SharedFlight),
    /// A request was started: await it.
    Started(SharedFlight),
    /// The identity changed, or a request ended since the plan was made: plan again.
    Replan,
}

impl SessionEngine {
    /// Joins the request in flight for the current identity, or starts one (W3).
    pub(crate) fn authenticate(
        self: &Arc<Self>,
        session_duration_minutes: Option<u32>,
    ) -> Result<SharedFlight, SessionError> {
        let transport = self.transport()?;
        let mut slot = self.flights.lock();
        let snapshot = self.state.load();
        if let Some(flight) = slot.joinable(snapshot.generation) {
            return Ok(flight);
        }
        let tokens = snapshot
            .tokens
            .clone()
            .ok_or(Error::NoSession("authenticate"))?;
        let generation = snapshot.generation;
        drop(snapshot);
        Ok(self.start_flight(
            &mut slot,
            transport,
            generation,
            tokens,
            session_duration_minutes,
        ))
    }

    /// The scheduler's refresh for `planned`, checked under the flight lock against what
    /// happened since the plan was made (`last_report_id`): joins a flight in progress,
    /// starts one, or asks for a new plan. Never a second request for one deadline (S8).
    pub(crate) fn scheduled_refresh(
        self: &Arc<Self>,
        planned: Generation,
        last_report_id: u64,
        session_duration_minutes: Option<u32>,
    ) -> ScheduledRefresh {
        let Ok(transport) = self.transport() else {
            return ScheduledRefresh::Replan;
        };
        let mut slot = self.flights.lock();
        let snapshot = self.state.load();
        if snapshot.generation != planned {
            return ScheduledRefresh::Replan;
        }
        if let Some(flight) = slot.joinable(planned) {
            return ScheduledRefresh::Joined(flight);
        }
        if slot.last_report_id() != last_report_id {
            return ScheduledRefresh::Replan;
        }
        let Some(tokens) = snapshot.tokens.clone() else {
            return ScheduledRefresh::Replan;
        };
        drop(snapshot);
        ScheduledRefresh::Started(self.start_flight(
            &mut slot,
            transport,
            planned,
            tokens,
            session_duration_minutes,
        ))
    }

    /// Starts a flight in `slot` (the flight lock, held by the caller): spawns its request
    /// task, which takes the lock again only to record its end, and records it as the
    /// flight in progress.
    pub(crate) fn start_flight(
        self: &Arc<Self>,
        slot: &mut Slot,
        transport: Arc<dyn crate::transport::Transport>,
        generation: Generation,
        tokens: SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> SharedFlight {
        let id = slot.next_id();
        let engine = Arc::clone(self);
        let task = concurrency::spawn(&self.runtime, async move {
            tracing::debug!(%generation, "authenticate request started");
            let sent = engine.clock.device_millis();
            let answer = transport
                .authenticate(&tokens, session_duration_minutes)
                .await;
            engine.learn_server_time(sent, &answer);
            let committer = Arc::clone(&engine);
            let commit = move || committer.apply_authenticate(generation, answer);
            let result = concurrency::blocking(&engine.runtime, commit)
                .await
                .unwrap_or_else(|e| Err(e.into()));
            engine.flights.finish(FlightReport {
                id,
                generation,
                outcome: FlightOutcome::of(&result),
                ended_at: engine.clock.now_millis(),
            });
            engine.changed.notify();
            result
        });
        let result: SharedFlight = async move { task.await.unwrap_or_else(|e| Err(e.into())) }
            .boxed()
            .shared();
        slot.start(Flight {
            generation,
            id,
            result: result.clone(),
        });
        result
    }

    /// Revokes the session on the server, then signs out locally (W5).
    pub(crate) async fn revoke(
        self: &Arc<Self>,
        force_clear: bool,
    ) -> Result<RevokeOutcome, SessionError> {
        let (generation, tokens) = {
            let snapshot = self.state.load();
            (snapshot.generation, snapshot.tokens.clone())
        };
        let Some(tokens) = tokens else {
            return Ok(RevokeOutcome::NoSession);
        };
        let transport = self.transport()?;
        let engine = Arc::clone(self);
        let task = concurrency::spawn(&self.runtime, async move {
            let answer = transport.revoke(&tokens).await;
            let committer = Arc::clone(&engine);
            let commit = move || committer.apply_revoke(generation, answer, force_clear);
            concurrency::blocking(&engine.runtime, commit)
                .await
                .unwrap_or_else(|e| Err(e.into()))
        });
        task.await.unwrap_or_else(|e| Err(e.into()))
    }

    fn learn_server_time(&self, sent: i64, answer: &Result<Authenticated, TransportError>) {
        if let Ok(answer) = answer {
            let round_trip = RoundTrip {
                sent_millis: sent,
                received_millis: self.clock.device_millis(),
            };
            let issued_at = crate::jwt::read_issued_at(answer.tokens.session_jwt()).ok();
            self.clock
                .learn(round_trip, [answer.server_date, issued_at]);
        }
    }

    fn apply_authenticate(
        &self,
        generation: Generation,
        answer: Result<Authenticated, TransportError>,
    ) -> Result<Arc<Session>, SessionError> {
        let authenticated = match answer {
            Ok(authenticated) => authenticated,
            Err(error) => return Err(self.apply_failure(generation, error)),
        };
        let session = Arc::new(authenticated.session);
        let validated_at = self.clock.now();
        let tokens = authenticated.tokens;
        let committed = self.state.commit(|current| {
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
            return Err(Error::Superseded.into());
        }
        Ok(session)
    }

    /// Applies a failed authenticate: a call whose identity changed while it was out is
    /// superseded whatever the failure (W8); a definitive answer about the current identity
    /// signs out (E1); anything else leaves the state alone (E2, E3).
    fn apply_failure(&self, generation: Generation, error: TransportError) -> SessionError {
        if self.state.generation() != generation {
            return Error::Superseded.into();
        }
        if error.class() != ErrorClass::Definitive {
            return Error::Transport(error).into();
        }
        let signed_out = self.state.sign_out_if(
            |current| current.generation == generation,
            SignOutReason::Rejected,
        );
        match signed_out {
            Ok(true) => Error::Transport(error).into(),
            Ok(false) => Error::Superseded.into(),
            Err(storage) => {
                crate::error::log_at!(
                    storage.log_level(),
                    %storage,
                    "signed out, but the stored session could not be removed yet"
                );
                Error::Transport(error).into()
            }
        }
    }

    fn apply_revoke(
        &self,
        generation: Generation,
        answer: Result<(), TransportError>,
        force_clear: bool,
    ) -> Result<RevokeOutcome, SessionError> {
        if self.state.generation() != generation {
            return Err(Error::Superseded.into());
        }
        let outcome = match answer {
            Ok(()) => RevokeOutcome::Revoked,
            Err(error) if error.class() == ErrorClass::Definitive => {
                tracing::info!(%error, "revoke: the server no longer knows the session");
                RevokeOutcome::Revoked
            }
            Err(error) if force_clear => {
                crate::error::log_at!(
                    error.log_level(),
                    %error,
                    "revoke failed; clearing locally as asked (force_clear)"
                );
                // The transport's own words ("could not connect: ..."): what kept the server
                // from hearing the revoke. Not the public error's sentence, which speaks of a
                // session kept, when this one was just cleared.
                RevokeOutcome::ClearedLocallyOnly {
                    reason: error.to_string(),
                }
            }
            Err(error) => return Err(Error::Transport(error).into()),
        };
        let signed_out = self.state.sign_out_if(
            |current| current.generation == generation,
            SignOutReason::Revoked,
        );
        match signed_out {
            Ok(true) => Ok(outcome),
            Ok(false) => Err(Error::Superseded.into()),
            Err(storage) => Err(Error::Store(storage).into()),
        }
    }
}
