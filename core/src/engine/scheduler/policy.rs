//! What the app configures about automatic refresh, and when the next refresh is due.
//!
//! The deadline is a pure function of the policy, the snapshot and the last attempt, so it
//! can be reasoned about (and unit-tested) apart from timers and tasks.

use std::time::Duration;

use crate::engine::state::Snapshot;

/// How the engine keeps the session fresh in the background (SPEC S1-S5).
///
/// Enable it with [`SessionClientBuilder::refresh_policy`](crate::SessionClientBuilder::refresh_policy).
/// Every duration may be shorter than a second (useful against a local test server).
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
    /// Turns on automatic extension (S3): scheduled refreshes send `minutes` as
    /// `session_duration_minutes`.
    #[must_use]
    pub fn with_automatic_extension(mut self, minutes: u32) -> Self {
        self.session_duration_minutes = Some(minutes);
        self
    }

    /// When the next refresh is due, in Unix milliseconds, on the normal schedule: the
    /// earliest of `anchor + heartbeat`, `expires_at - margin` and `jwt exp - margin`.
    ///
    /// `anchor` is the later of the last server confirmation and the last attempt. An expiry
    /// deadline at or before the anchor has already been acted on and is ignored, so a
    /// session that stays close to its end (the server does not extend it) cannot cause a
    /// tight loop. `None` means "due now": nothing was ever attempted for this identity.
    pub(crate) fn next_due_millis(&self, snapshot: &Snapshot, anchor: Option<i64>) -> Option<i64> {
        let anchor = anchor?;
        let margin = millis(self.refresh_margin);
        let mut due = anchor.saturating_add(millis(self.heartbeat));
        let session_end = snapshot
            .session
            .as_ref()
            .map(|_| snapshot.expires_at_millis.saturating_sub(margin));
        let jwt_end = snapshot
            .jwt_expires_at
            .map(|exp| exp.timestamp_millis().saturating_sub(margin));
        for candidate in [session_end, jwt_end].into_iter().flatten() {
            if candidate > anchor {
                due = due.min(candidate);
            }
        }
        Some(due)
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionTokens;

    fn jwt_expiring_at(exp_secs: i64) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = b64.encode(format!("{{\"exp\":{exp_secs}}}"));
        format!("{}.{payload}.sig", b64.encode("{\"alg\":\"none\"}"))
    }

    fn snapshot(jwt_exp_secs: i64) -> Snapshot {
        let tokens = SessionTokens::new("tok", jwt_expiring_at(jwt_exp_secs));
        Snapshot::signed_in(Default::default(), tokens, None, false, None)
    }

    #[test]
    fn s2_heartbeat_decides_when_the_jwt_lives_longer() {
        let policy = RefreshPolicy::default();
        // JWT expires 300 s after the anchor: 300 - 60 = 240 > 180.
        let due = policy.next_due_millis(&snapshot(1_300), Some(1_000_000));
        assert_eq!(due, Some(1_180_000));
    }

    #[test]
    fn s2_jwt_expiry_minus_margin_comes_first_when_earlier() {
        let policy = RefreshPolicy::default();
        let due = policy.next_due_millis(&snapshot(1_100), Some(1_000_000));
        assert_eq!(due, Some(1_040_000));
    }

    #[test]
    fn s2_an_expiry_deadline_already_acted_on_is_ignored() {
        let policy = RefreshPolicy::default();
        let due = policy.next_due_millis(&snapshot(1_030), Some(1_000_000));
        assert_eq!(due, Some(1_180_000), "no tight loop near the end");
        assert_eq!(policy.next_due_millis(&snapshot(1_030), None), None);
    }
}
