//! The sandbox's notion of "now": wall-clock time plus an offset that tests move forward.
//!
//! Sessions and JWTs expire against this clock, so a test can jump past an expiry
//! instead of sleeping for it.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use parking_lot::Mutex;

/// Wall-clock time shifted by an offset that only ever grows.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// The current sandbox time, truncated to microseconds so that what is stored
    /// round-trips exactly through the RFC 3339 strings we send.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let offset = TimeDelta::from_std(*self.offset.lock()).unwrap_or(TimeDelta::MAX);
        let now = Utc::now()
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        truncate_to_micros(now)
    }

    /// Moves the sandbox clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock();
        *offset = offset.saturating_add(by);
    }
}

fn truncate_to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// RFC 3339, UTC, `Z` suffix, microseconds: what every timestamp on the wire looks like.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - before >= TimeDelta::seconds(3600));
    }

    #[test]
    fn timestamps_are_utc_with_z() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap();
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123456Z");
    }
}
