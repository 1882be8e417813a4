//! Per-endpoint request counters, so tests can prove how many HTTP requests a client made
//! and how many overlapped ("1,000 concurrent callers caused exactly one request"), in all
//! and for one credential (one session token: one identity of one client).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;

use crate::Endpoint;

#[derive(Debug, Default)]
struct Slot {
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// One slot per [`Endpoint`], and the requests in flight per credential.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    slots: [Slot; Endpoint::ALL.len()],
    /// Requests in flight per (endpoint, credential digest); entries leave at zero.
    per_credential: Mutex<HashMap<(usize, u64), usize>>,
    max_per_credential: [AtomicUsize; Endpoint::ALL.len()],
}

impl Counters {
    /// Counts a request on `endpoint`, sent with `credential` (a digest of its
    /// `Authorization` header, if any); it stays in flight until the guard drops, which also
    /// happens when its connection is dropped mid-way.
    pub(crate) fn enter(&self, endpoint: Endpoint, credential: Option<u64>) -> InFlight<'_> {
        let slot = &self.slots[endpoint.index()];
        slot.requests.fetch_add(1, Ordering::SeqCst);
        let now = slot.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        slot.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let key = credential.map(|digest| (endpoint.index(), digest));
        if let Some(key) = key {
            let mut per_credential = self.per_credential.lock();
            let count = per_credential.entry(key).or_default();
            *count += 1;
            self.max_per_credential[endpoint.index()].fetch_max(*count, Ordering::SeqCst);
        }
        InFlight {
            counters: self,
            slot,
            key,
        }
    }

    pub(crate) fn requests(&self, endpoint: Endpoint) -> usize {
        self.slots[endpoint.index()].requests.load(Ordering::SeqCst)
    }

    pub(crate) fn max_in_flight(&self, endpoint: Endpoint) -> usize {
        self.slots[endpoint.index()]
            .max_in_flight
            .load(Ordering::SeqCst)
    }

    pub(crate) fn max_in_flight_per_credential(&self, endpoint: Endpoint) -> usize {
        self.max_per_credential[endpoint.index()].load(Ordering::SeqCst)
    }

    /// Zeroes the request counts and peaks; requests still in flight stay tracked.
    pub(crate) fn reset(&self) {
        for slot in &self.slots {
            slot.requests.store(0, Ordering::SeqCst);
            slot.max_in_flight.store(0, Ordering::SeqCst);
        }
        for peak in &self.max_per_credential {
            peak.store(0, Ordering::SeqCst);
        }
    }
}

/// Marks one request as in flight until dropped.
pub(crate) struct InFlight<'a> {
    counters: &'a Counters,
    slot: &'a Slot,
    key: Option<(usize, u64)>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.slot.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(key) = self.key {
            let mut per_credential = self.counters.per_credential.lock();
            if let Some(count) = per_credential.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    per_credential.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_peaks() {
        let counters = Counters::default();
        let a = counters.enter(Endpoint::Authenticate, Some(1));
        let b = counters.enter(Endpoint::Authenticate, Some(2));
        drop((a, b));
        let _c = counters.enter(Endpoint::Authenticate, None);
        assert_eq!(counters.requests(Endpoint::Authenticate), 3);
        assert_eq!(counters.max_in_flight(Endpoint::Authenticate), 2);
        assert_eq!(
            counters.max_in_flight_per_credential(Endpoint::Authenticate),
            1
        );
        assert_eq!(counters.requests(Endpoint::Revoke), 0);
        counters.reset();
        assert_eq!(counters.requests(Endpoint::Authenticate), 0);
        assert_eq!(counters.max_in_flight(Endpoint::Authenticate), 0);
    }

    #[test]
    fn peaks_per_credential_count_only_requests_sharing_it() {
        let counters = Counters::default();
        let a = counters.enter(Endpoint::Authenticate, Some(7));
        let b = counters.enter(Endpoint::Authenticate, Some(7));
        let _other = counters.enter(Endpoint::Revoke, Some(7));
        drop((a, b));
        let _again = counters.enter(Endpoint::Authenticate, Some(7));
        assert_eq!(
            counters.max_in_flight_per_credential(Endpoint::Authenticate),
            2
        );
        assert_eq!(counters.max_in_flight_per_credential(Endpoint::Revoke), 1);
        assert_eq!(counters.per_credential.lock().len(), 2);
    }
}
