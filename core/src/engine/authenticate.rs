//! The calls that ask the server: `authenticate` (W2-W4, W8) and `revoke` (W5, W8).
//!
//! Both run as tasks on the engine's runtime, so the outcome is applied even when the caller
//! stops waiting (a cancelled Kotlin coroutine, a dropped Swift task). Authenticate is single
//! flight (`flight.rs`). Each request remembers the [`Generation`] it started under; if the
//! identity changed meanwhile its answer is discarded and the caller hears `Superseded`,
//! whatever the network did, so a late refresh can never bring a revoked session back.
//! Every answer that states the server's time teaches the engine's clock (R5).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::FutureExt;

use super::answer_identity::{KnownIdentity, foreign_answer};
use super::concurrency;
use super::event::{ChangeCause, SignOutReason};
use super::flight::{Flight, FlightOutcome, FlightReport, FlightResult, SharedFlight, Slot};
use super::server_time::{Learnt, RoundTrip};
use super::session_engine::SessionEngine;
use super::shared_store::{LeaseStep, RefreshBase};
use super::snapshot::{Generation, Snapshot};
use crate::coordination::{Count, LeaseOutcome};
use crate::error::{Error, SessionError};
use crate::model::Session;
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

/// How often a refresh waiting for another process's lease looks at the store again (C3).
const LEASE_POLL: Duration = Duration::from_millis(100);

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
        let base = RefreshBase::of(&snapshot).ok_or(Error::NoSession("authenticate"))?;
        drop(snapshot);
        Ok(self.start_flight(&mut slot, transport, base, session_duration_minutes))
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
        let Some(base) = RefreshBase::of(&snapshot) else {
            return ScheduledRefresh::Replan;
        };
        drop(snapshot);
        ScheduledRefresh::Started(self.start_flight(
            &mut slot,
            transport,
            base,
            session_duration_minutes,
        ))
    }

    /// Starts a flight in `slot` (the flight lock, held by the caller): spawns its request
    /// task, which takes the lock again only to record its end, and records it as the
    /// flight in progress.
    ///
    /// With a store shared between processes, the task first takes the refresh lease (C3):
    /// it may find another process's answer already stored and send nothing.
    pub(crate) fn start_flight(
        self: &Arc<Self>,
        slot: &mut Slot,
        transport: Arc<dyn crate::transport::Transport>,
        base: RefreshBase,
        session_duration_minutes: Option<u32>,
    ) -> SharedFlight {
        let id = slot.next_id();
        let generation = base.generation;
        let engine = Arc::clone(self);
        let task = concurrency::spawn(&self.runtime, async move {
            let result = match engine.take_refresh_lease(&base).await {
                Ok(()) => {
                    let result = engine
                        .send_authenticate(&*transport, base, session_duration_minutes)
                        .await;
                    engine.release_refresh_lease(&result).await;
                    result
                }
                Err(settled) => settled,
            };
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

    /// Sends the authenticate request and applies its answer.
    async fn send_authenticate(
        self: &Arc<Self>,
        transport: &dyn crate::transport::Transport,
        base: RefreshBase,
        session_duration_minutes: Option<u32>,
    ) -> Result<Arc<Session>, SessionError> {
        let generation = base.generation;
        tracing::debug!(%generation, "authenticate request started");
        let sent = self.clock.device_millis();
        let answer = transport
            .authenticate(&base.tokens, session_duration_minutes)
            .await
            .and_then(|answer| self.belongs_to(&base, answer));
        self.learn_server_time(sent, &answer);
        let committer = Arc::clone(self);
        let commit = move || committer.apply_authenticate(generation, answer);
        concurrency::blocking(&self.runtime, commit)
            .await
            .unwrap_or_else(|e| Err(e.into()))
    }

    /// C3: waits until this engine holds the refresh lease of a store shared between
    /// processes (at once when it is not shared). `Err` carries the flight's result when no
    /// request is needed: another process's answer was adopted, the identity changed, or
    /// the holder this refresh waited for could not reach the server either.
    async fn take_refresh_lease(self: &Arc<Self>, base: &RefreshBase) -> Result<(), FlightResult> {
        if self.state.shared().is_none() {
            return Ok(());
        }
        let mut waiting_since = None;
        loop {
            let engine = Arc::clone(self);
            let looked_at = base.clone();
            let step = concurrency::blocking(&self.runtime, move || {
                engine.state.refresh_lease_step(&looked_at, waiting_since)
            })
            .await
            .unwrap_or_else(|e| {
                Err(crate::store::StoreError::Failed {
                    detail: SessionError::from(e).to_string(),
                })
            });
            match step {
                Ok(LeaseStep::Take) => return Ok(()),
                Ok(LeaseStep::Adopted(session)) => return Err(Ok(session)),
                Ok(LeaseStep::Superseded) => return Err(Err(Error::Superseded.into())),
                Ok(LeaseStep::HolderFailed { retry_after }) => {
                    return Err(Err(SessionError::Network {
                        detail: "another process's refresh could not reach the server".into(),
                        retry_after,
                    }));
                }
                Ok(LeaseStep::Wait { until }) => {
                    let now = self.clock.device_millis();
                    if waiting_since.is_none() {
                        waiting_since = Some(now);
                        if let Some(shared) = self.state.shared() {
                            shared.count(Count::LeaseWait);
                        }
                        tracing::debug!("waiting for another process's refresh");
                    }
                    let left = u64::try_from(until.saturating_sub(now)).unwrap_or(0);
                    concurrency::sleep(LEASE_POLL.min(Duration::from_millis(left + 1))).await;
                }
                Err(error) => return Err(Err(Error::Store(error).into())),
            }
        }
    }

    /// Ends this engine's refresh lease, telling waiters how it went.
    async fn release_refresh_lease(self: &Arc<Self>, result: &FlightResult) {
        if self.state.shared().is_none() {
            return;
        }
        let outcome = match result {
            Ok(_) | Err(SessionError::SignedOut { .. }) => LeaseOutcome::Stored,
            Err(SessionError::Network { retry_after, .. }) => LeaseOutcome::Transient {
                retry_after_millis: retry_after
                    .map(|wait| u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
            },
            Err(_) => LeaseOutcome::Other,
        };
        let engine = Arc::clone(self);
        let _ = concurrency::blocking(&self.runtime, move || {
            engine.state.release_lease(outcome);
        })
        .await;
    }

    /// Revokes the session on the server, then signs out locally (W5).
    pub(crate) async fn revoke(
        self: &Arc<Self>,
        force_clear: bool,
    ) -> Result<RevokeOutcome, SessionError> {
        if self.state.shared().is_some() {
            // C1: revoke what the store holds now, not what this process last saw.
            let engine = Arc::clone(self);
            let _ = concurrency::blocking(&self.runtime, move || {
                engine.state.check_other_processes();
            })
            .await;
        }
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

    /// V2: an answer about another user or session, or whose JWT disagrees with its session
    /// object, is malformed: it keeps the session (E3) and is never committed.
    fn belongs_to(
        &self,
        base: &RefreshBase,
        answer: Authenticated,
    ) -> Result<Authenticated, TransportError> {
        let snapshot = self.state.load();
        let session = snapshot
            .session
            .as_deref()
            .filter(|_| snapshot.generation == base.generation);
        let known = KnownIdentity::of(session, &base.tokens);
        match foreign_answer(&known, &answer) {
            None => Ok(answer),
            Some(problem) => {
                tracing::warn!(problem, "authenticate answer refused (V2)");
                Err(TransportError::Malformed(problem.into()))
            }
        }
    }

    fn learn_server_time(&self, sent: i64, answer: &Result<Authenticated, TransportError>) {
        if let Ok(answer) = answer {
            let round_trip = RoundTrip {
                sent_millis: sent,
                received_millis: self.clock.device_millis(),
            };
            let jwt = answer.tokens.session_jwt();
            let issued_at = crate::jwt::read_issued_at(jwt).ok();
            let jwt_expiry = crate::jwt::read_expiry(jwt).ok();
            let learnt = self.clock.learn(
                round_trip,
                [answer.server_date, issued_at],
                [Some(answer.session.expires_at), jwt_expiry],
            );
            if matches!(learnt, Learnt::Implausible | Learnt::AwaitingConfirmation) {
                tracing::warn!(?learnt, "an answer's stated time was not adopted (V3)");
            }
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
        if let Some(error) = committed.storage_error.filter(|_| !committed.applied) {
            // Another process kept the shared store locked: the answer could not be applied.
            return Err(Error::Store(error).into());
        }
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
