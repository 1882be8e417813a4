//! The device's wall clock, injectable.
//!
//! Expiry is judged on server time (R5): the device clock plus an offset learnt from server
//! answers (`server_time.rs`). Tests move the device clock without waiting (see
//! [`crate::testing`]), so the engine never reads the system clock directly.

use std::fmt::Debug;

use chrono::{DateTime, Utc};

/// A source of wall-clock time.
pub trait Clock: Send + Sync + Debug + 'static {
    /// Milliseconds since the Unix epoch.
    fn unix_millis(&self) -> i64;

    /// The current instant as a UTC date.
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.unix_millis()).unwrap_or_default()
    }
}

/// The operating system's clock, read coarsely.
///
/// On Linux and Android it reads `CLOCK_REALTIME_COARSE`, which the kernel updates every
/// tick (1 to 4 ms) and which costs a few nanoseconds through the vDSO; a full-precision
/// read costs several times that and sits on the `get_sync` hot path. Expiry judged on it
/// is late by at most one tick. Elsewhere (Apple platforms, where the precise clock is
/// already cheap) it is `SystemTime`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[inline]
    fn unix_millis(&self) -> i64 {
        system_millis()
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[inline]
fn system_millis() -> i64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
    now.tv_sec
        .saturating_mul(1000)
        .saturating_add(now.tv_nsec / 1_000_000)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
#[inline]
fn system_millis() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => since.as_millis() as i64,
        Err(before) => -(before.duration().as_millis() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r1_the_coarse_clock_stays_within_a_few_milliseconds_of_the_precise_one() {
        for _ in 0..100 {
            let precise = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64;
            let coarse = SystemClock.unix_millis();
            assert!((precise - coarse).abs() <= 20, "{precise} vs {coarse}");
        }
    }
}
