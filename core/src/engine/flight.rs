//! The one authenticate request in flight (W3) and the report of the last one that ended.
//!
//! Every authenticate, explicit or scheduled, goes through this slot: while a request is out
//! for the current identity, later callers get its shared result instead of sending another.
//! When a request ends, its [`FlightReport`] is recorded and the slot emptied in one step
//! under the slot's lock, so the scheduler, which checks both under the same lock before it
//! sends, can never miss an answer and send a second request for the same deadline (S8).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{BoxFuture, Shared};

use super::concurrency::{Mutex, MutexGuard};
use super::snapshot::Generation;
use crate::error::SessionError;
use crate::model::Session;

/// What callers of one flight share.
pub(crate) type FlightResult = Result<Arc<Session>, SessionError>;

/// The shared future of a flight.
pub(crate) type SharedFlight = Shared<BoxFuture<'static, FlightResult>>;

/// An authenticate request in flight, shared by all its callers.
pub(crate) struct Flight {
    pub(crate) generation: Generation,
    pub(crate) id: u64,
    pub(crate) result: SharedFlight,
}

/// How a flight ended, as far as scheduling is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FlightOutcome {
    /// The server confirmed the session.
    Confirmed,
    /// A transient failure (E2), with the server's `Retry-After` if it sent one.
    Transient { retry_after: Option<Duration> },
    /// The server refused the request (E3), or the engine failed to finish it.
    Rejected,
    /// The server ended the session (E1).
    SignedOut,
    /// The identity changed while the request was out (W4).
    Superseded,
}

impl FlightOutcome {
    pub(crate) fn of(result: &FlightResult) -> Self {
        match result {
            Ok(_) => Self::Confirmed,
            Err(SessionError::Network { retry_after, .. }) => Self::Transient {
                retry_after: *retry_after,
            },
            Err(SessionError::SignedOut { .. }) => Self::SignedOut,
            Err(SessionError::Superseded) => Self::Superseded,
            Err(_) => Self::Rejected,
        }
    }
}

/// A flight that ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FlightReport {
    /// The flight's id; later flights have larger ids.
    pub(crate) id: u64,
    /// The identity it was sent for.
    pub(crate) generation: Generation,
    pub(crate) outcome: FlightOutcome,
    /// When it ended, server time in Unix milliseconds.
    pub(crate) ended_at: i64,
}

/// The flight slot.
#[derive(Default)]
pub(crate) struct Flights {
    slot: Mutex<Slot>,
}

/// What the slot's lock guards.
#[derive(Default)]
pub(crate) struct Slot {
    current: Option<Flight>,
    last_report: Option<FlightReport>,
    next_id: u64,
}

impl Flights {
    /// Locks the slot. Held only for quick checks and swaps: never across an await, never
    /// while another engine lock is held.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock()
    }

    /// The report of the last flight that ended.
    pub(crate) fn last_report(&self) -> Option<FlightReport> {
        self.slot.lock().last_report.clone()
    }

    /// Records how flight `report.id` ended and empties the slot if it still holds it.
    pub(crate) fn finish(&self, report: FlightReport) {
        let mut slot = self.slot.lock();
        if slot.current.as_ref().is_some_and(|f| f.id == report.id) {
            slot.current = None;
        }
        if slot
            .last_report
            .as_ref()
            .is_none_or(|last| last.id < report.id)
        {
            slot.last_report = Some(report);
        }
    }
}

impl Slot {
    /// The flight in progress for `generation`, if any.
    pub(crate) fn joinable(&self, generation: Generation) -> Option<SharedFlight> {
        self.current
            .as_ref()
            .filter(|flight| flight.generation == generation)
            .map(|flight| flight.result.clone())
    }

    /// The id of the last flight that ended (0 before any).
    pub(crate) fn last_report_id(&self) -> u64 {
        self.last_report.as_ref().map_or(0, |report| report.id)
    }

    /// A fresh flight id.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Installs `flight` as the one in progress.
    pub(crate) fn start(&mut self, flight: Flight) {
        self.current = Some(flight);
    }
}
