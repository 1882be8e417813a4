//! Per-endpoint request counters, so tests can prove how many HTTP requests a client made
//! and how many overlapped ("1,000 concurrent callers caused exactly one request").

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Endpoint;

#[derive(Debug, Default)]
struct Slot {
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// One slot per [`Endpoint`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    slots: [Slot; Endpoint::ALL.len()],
}

impl Counters {
    /// Counts a request on `endpoint`; it stays in flight until the guard drops, which also
    /// happens when its connection is dropped mid-way.
    pub(crate) fn enter(&self, endpoint: Endpoint) -> InFlight<'_> {
        let slot = &self.slots[endpoint.index()];
        slot.requests.fetch_add(1, Ordering::SeqCst);
        let now = slot.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        slot.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight { slot }
    }

    pub(crate) fn requests(&self, endpoint: Endpoint) -> usize {
        self.slots[endpoint.index()].requests.load(Ordering::SeqCst)
    }

    pub(crate) fn max_in_flight(&self, endpoint: Endpoint) -> usize {
        self.slots[endpoint.index()]
            .max_in_flight
            .load(Ordering::SeqCst)
    }

    /// Zeroes the request counts and peaks; requests still in flight stay tracked.
    pub(crate) fn reset(&self) {
        for slot in &self.slots {
            slot.requests.store(0, Ordering::SeqCst);
            slot.max_in_flight.store(0, Ordering::SeqCst);
        }
    }
}

/// Marks one request as in flight until dropped.
pub(crate) struct InFlight<'a> {
    slot: &'a Slot,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.slot.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_peaks() {
        let counters = Counters::default();
        let a = counters.enter(Endpoint::Authenticate);
        let b = counters.enter(Endpoint::Authenticate);
        drop((a, b));
        let _c = counters.enter(Endpoint::Authenticate);
        assert_eq!(counters.requests(Endpoint::Authenticate), 3);
        assert_eq!(counters.max_in_flight(Endpoint::Authenticate), 2);
        assert_eq!(counters.requests(Endpoint::Revoke), 0);
        counters.reset();
        assert_eq!(counters.requests(Endpoint::Authenticate), 0);
        assert_eq!(counters.max_in_flight(Endpoint::Authenticate), 0);
    }
}
