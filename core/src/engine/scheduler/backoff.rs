//! Retry delays after transient failures (SPEC S5): 2, 4, 8, 16, then 32 s, each with ±20 %
//! random jitter, unless the server said how long to wait.
//!
//! Jitter is symmetric so that the mean of each step is exactly the documented sequence, and
//! ±20 % keeps neighbouring steps apart (2.4 s < 3.2 s), so a test can tell them apart. It
//! spreads retries of many devices that lost the same server at the same moment.

use std::time::Duration;

/// The jitter, as a fraction of the nominal delay, either side.
pub(crate) const JITTER: f64 = 0.2;

/// The nominal delay before retry number `failures` (1 for the first failure).
pub(crate) fn nominal_delay(initial: Duration, max: Duration, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    initial.saturating_mul(1 << doublings).min(max)
}

/// The delay before the next attempt: the server's `Retry-After` as given, otherwise the
/// nominal backoff with jitter. `draw` is a uniform random number in `[0, 1)` (from
/// [`random_unit`](crate::engine::concurrency::random_unit), which the model checker
/// controls).
pub(crate) fn retry_delay(
    initial: Duration,
    max: Duration,
    failures: u32,
    retry_after: Option<Duration>,
    draw: f64,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let nominal = nominal_delay(initial, max, failures);
    nominal.mul_f64(1.0 - JITTER + 2.0 * JITTER * draw.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn s5_nominal_sequence_doubles_to_the_cap() {
        let steps: Vec<_> = (1..=7).map(|n| nominal_delay(S(2), S(32), n)).collect();
        assert_eq!(steps, [S(2), S(4), S(8), S(16), S(32), S(32), S(32)]);
        assert_eq!(nominal_delay(S(2), S(32), u32::MAX), S(32));
    }

    #[test]
    fn s5_jitter_stays_within_twenty_percent_and_uses_the_range() {
        use rand::Rng;
        let mut rng = rand::rng();
        for failures in 1..=6 {
            let nominal = nominal_delay(S(2), S(32), failures).as_secs_f64();
            let draws: Vec<f64> = (0..2_000)
                .map(|_| retry_delay(S(2), S(32), failures, None, rng.random()).as_secs_f64())
                .collect();
            let (lo, hi) = draws
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), d| (lo.min(*d), hi.max(*d)));
            assert!(lo >= nominal * 0.8 - 1e-9 && hi <= nominal * 1.2 + 1e-9);
            // Both sides of the nominal value are actually used.
            assert!(
                lo < nominal * 0.9 && hi > nominal * 1.1,
                "{lo} {hi} {nominal}"
            );
        }
    }

    #[test]
    fn s5_retry_after_overrides_the_delay() {
        assert_eq!(retry_delay(S(2), S(32), 3, Some(S(7)), 0.5), S(7));
    }
}
