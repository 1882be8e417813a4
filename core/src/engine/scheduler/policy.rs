//! What the app configures about automatic refresh, and when the next refresh is due.
//!
//! The deadline is a pure function of the policy, the engine's facts and the last attempt, so
//! it can be reasoned about (and unit-tested) apart from timers and tasks. Every time here is
//! server time in Unix milliseconds (R5).

use std::time::Duration;

use super::facts::Facts;

/// How the engine keeps the session fresh in the background (SPEC S1-S5).
///
/// Enable it with [`SessionClientBuilder::refresh_policy`](crate::SessionClientBuilder::refresh_policy).
///
/// No policy can make the scheduler hammer the server (S9): the heartbeat and the first
/// backoff delay must be at least [`RefreshPolicy::MIN_INTERVAL`] (a policy below it is
/// refused with `InvalidArgument` when the client is built), and whatever the margin, two
/// scheduled requests for one identity never start less than `MIN_INTERVAL` apart. To turn
/// automatic refresh off, use
/// [`SessionClientBuilder::manual_refresh`](crate::SessionClientBuilder::manual_refresh), not
/// a zero heartbeat.
///
/// ```
/// use std::time::Duration;
/// use sessionkit::RefreshPolicy;
/// let policy = RefreshPolicy {
///     heartbeat: Duration::from_secs(120),
///     ..RefreshPolicy::default()
/// }
/// .with_automatic_extension(60 * 24 * 30);
/// assert_eq!(policy.session_duration_minutes, Some(43_200));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Refresh this long after the last successful refresh (S2). Default 180 s.
    pub heartbeat: Duration,
    /// Refresh this long before the session's `expires_at` or the JWT's `exp`, when that
    /// comes before the heartbeat (S2). Default 60 s.
    pub refresh_margin: Duration,
    /// Automatic extension (S3): when set, every scheduled refresh sends this
    /// `session_duration_minutes`, extending the session on the server. Default `None`: the
    /// scheduler never extends a session.
    pub session_duration_minutes: Option<u32>,
    /// The first retry delay after a transient failure (S5). Default 2 s.
    pub backoff_initial: Duration,
    /// The delay doubles per failure up to this cap, where retries continue while the
    /// session is valid (S5). Default 32 s.
    pub backoff_max: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(180),
            refresh_margin: Duration::from_secs(60),
            session_duration_minutes: None,
            backoff_initial: Duration::from_secs(2),
            backoff_max: Duration::from_secs(32),
        }
    }
}

impl RefreshPolicy {
    /// The floor of S9: the shortest heartbeat and first backoff delay a policy may have, and
    /// the shortest time between the starts of two scheduled requests for one identity,
    /// whatever the margin. One second: a scheduler can never send more than one request a
    /// second, and the defaults (180 s, 2 s) stay far above it.
    pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

    /// Checks the policy against the floors of S9; the message says which value is wrong and
    /// what to do instead.
    pub fn validate(&self) -> Result<(), String> {
        let floor = Self::MIN_INTERVAL;
        if self.heartbeat < floor {
            return Err(format!(
                "heartbeat {:?} is below the {floor:?} floor: it would refresh without pause; \
                 to turn automatic refresh off, configure manual refresh instead",
                self.heartbeat
            ));
        }
        if self.backoff_initial < floor {
            return Err(format!(
                "backoff_initial {:?} is below the {floor:?} floor: failed refreshes would be \
                 retried without pause",
                self.backoff_initial
            ));
        }
        if self.backoff_max < self.backoff_initial {
            return Err(format!(
                "backoff_max {:?} is below backoff_initial {:?}",
                self.backoff_max, self.backoff_initial
            ));
        }
        Ok(())
    }

    /// Turns on automatic extension (S3): scheduled refreshes send `minutes` as
    /// `session_duration_minutes`.
    #[must_use]
    pub fn with_automatic_extension(mut self, minutes: u32) -> Self {
        self.session_duration_minutes = Some(minutes);
        self
    }

    /// When the next refresh is due on the normal schedule: the earliest of
    /// `anchor + heartbeat`, `expires_at - margin` and `jwt exp - margin`.
    ///
    /// `anchor` is the later of the last server confirmation and the last attempt. An expiry
    /// deadline at or before the anchor has already been acted on and is ignored, so a
    /// session that stays close to its end (the server does not extend it) cannot cause a
    /// tight loop.
    pub(crate) fn next_due_millis(&self, facts: &Facts, anchor: i64) -> i64 {
        let margin = millis(self.refresh_margin);
        let mut due = anchor.saturating_add(millis(self.heartbeat));
        let ends = [facts.session_expires_at, facts.jwt_expires_at];
        for end in ends.into_iter().flatten() {
            let candidate = end.saturating_sub(margin);
            if candidate > anchor {
                due = due.min(candidate);
            }
        }
        due
    }
}

/// A duration in whole milliseconds, as the scheduler counts time.
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(jwt_exp_secs: i64) -> Facts {
        Facts {
            has_tokens: true,
            jwt_expires_at: Some(jwt_exp_secs * 1000),
            ..Facts::default()
        }
    }

    #[test]
    fn s9_policies_below_the_floor_are_refused_and_the_defaults_pass() {
        assert_eq!(RefreshPolicy::default().validate(), Ok(()));
        let zero = RefreshPolicy {
            heartbeat: Duration::ZERO,
            ..RefreshPolicy::default()
        };
        assert!(zero.validate().unwrap_err().contains("manual refresh"));
        let fast_retry = RefreshPolicy {
            backoff_initial: Duration::from_millis(10),
            ..RefreshPolicy::default()
        };
        assert!(
            fast_retry
                .validate()
                .unwrap_err()
                .contains("backoff_initial")
        );
        let inverted = RefreshPolicy {
            backoff_max: Duration::from_secs(1),
            ..RefreshPolicy::default()
        };
        assert!(inverted.validate().unwrap_err().contains("backoff_max"));
        let at_floor = RefreshPolicy {
            heartbeat: RefreshPolicy::MIN_INTERVAL,
            backoff_initial: RefreshPolicy::MIN_INTERVAL,
            backoff_max: RefreshPolicy::MIN_INTERVAL,
            ..RefreshPolicy::default()
        };
        assert_eq!(at_floor.validate(), Ok(()));
    }

    #[test]
    fn s2_heartbeat_decides_when_the_jwt_lives_longer() {
        let policy = RefreshPolicy::default();
        // JWT expires 300 s after the anchor: 300 - 60 = 240 > 180.
        let due = policy.next_due_millis(&facts(1_300), 1_000_000);
        assert_eq!(due, 1_180_000);
    }

    #[test]
    fn s2_jwt_expiry_minus_margin_comes_first_when_earlier() {
        let policy = RefreshPolicy::default();
        let due = policy.next_due_millis(&facts(1_100), 1_000_000);
        assert_eq!(due, 1_040_000);
    }

    #[test]
    fn s2_an_expiry_deadline_already_acted_on_is_ignored() {
        let policy = RefreshPolicy::default();
        let due = policy.next_due_millis(&facts(1_030), 1_000_000);
        assert_eq!(due, 1_180_000, "no tight loop near the end");
    }
}
