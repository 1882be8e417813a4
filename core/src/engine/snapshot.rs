//! The engine's state as readers see it: one immutable snapshot, swapped whole.
//!
//! Readers load the current snapshot without a lock (R4); a writer builds the next snapshot
//! and swaps it in. [`Generation`] counts identity changes so that an answer to a request
//! started under an older identity can be recognised and discarded (W4). Every time in a
//! snapshot is server time (R5).

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::status::SessionStatus;
use crate::envelope::Envelope;
use crate::model::{Session, SessionTokens};
use crate::store::StoreError;

/// Counts changes of identity: hydration with new tokens, sign-out, restore.
///
/// Refreshing the same session does not change it. Comparing the generation a request
/// started under with the current one tells whether its answer still applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Generation(u64);

impl Generation {
    /// The next generation.
    #[must_use]
    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// The counter's value.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "g{}", self.0)
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(Generation, u64, {
    lower: |generation| generation.0,
    try_lift: |value| Ok(Generation(value)),
});

/// Whether storage can take the state right now, as far as the last store call told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum StorageHealth {
    /// The last store call worked.
    #[default]
    Healthy,
    /// Storage is temporarily unavailable (E4): refreshing would rotate tokens that cannot be
    /// saved, so the scheduler pauses until the app reports storage available.
    Unavailable,
    /// Storage failed for a reason that will not pass by itself (E7). Nothing waits for it;
    /// the write is retried with the next change.
    Failing,
}

impl StorageHealth {
    /// What the outcome of a store call says of storage: the one mapping from store errors
    /// to health (E4 pauses, E7 does not).
    pub(crate) fn after<T>(result: &Result<T, StoreError>) -> Self {
        match result {
            Ok(_) => Self::Healthy,
            Err(StoreError::Unavailable { .. }) => Self::Unavailable,
            Err(_) => Self::Failing,
        }
    }
}

/// One immutable view of the engine's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
    pub(crate) generation: Generation,
    pub(crate) tokens: Option<SessionTokens>,
    pub(crate) session: Option<Arc<Session>>,
    /// `session.expires_at` in Unix milliseconds (server time), so that R1's check on the
    /// hot read path is one integer comparison.
    pub(crate) expires_at_millis: i64,
    /// The JWT's `exp`, read without verification to schedule refreshes (J1).
    pub(crate) jwt_expires_at: Option<DateTime<Utc>>,
    pub(crate) from_cache: bool,
    /// When the server last confirmed the session (server time).
    pub(crate) last_validated_at: Option<DateTime<Utc>>,
    pub(crate) storage: StorageHealth,
    /// True until storage has been read (or memory took over from it): the engine does not
    /// know yet whether a user is signed in (R6).
    pub(crate) restoring: bool,
    /// Counts the announced changes: every announced change has a larger revision than the
    /// one before, so a wrapper's copy of the state can tell whether it is at least as new as
    /// the change it is announcing (O2).
    pub(crate) revision: u64,
}

impl Snapshot {
    pub(crate) fn signed_in(
        generation: Generation,
        tokens: SessionTokens,
        session: Option<Arc<Session>>,
        from_cache: bool,
        last_validated_at: Option<DateTime<Utc>>,
    ) -> Self {
        let expires_at_millis = session
            .as_ref()
            .map_or(i64::MIN, |s| s.expires_at.timestamp_millis());
        let jwt_expires_at = crate::jwt::read_expiry(tokens.session_jwt()).ok();
        Self {
            generation,
            tokens: Some(tokens),
            session,
            expires_at_millis,
            jwt_expires_at,
            from_cache,
            last_validated_at,
            storage: StorageHealth::Healthy,
            restoring: false,
            revision: 0,
        }
    }

    /// The state before storage has been read (R6).
    pub(crate) fn restoring() -> Self {
        Self {
            restoring: true,
            ..Self::default()
        }
    }

    pub(crate) fn signed_out(generation: Generation) -> Self {
        Self {
            generation,
            ..Self::default()
        }
    }

    pub(crate) fn from_envelope(generation: Generation, envelope: Envelope) -> Self {
        Self::signed_in(
            generation,
            envelope.tokens,
            envelope.session.map(Arc::new),
            true,
            envelope.last_validated_at,
        )
    }

    /// What a store keeps of this state, with the server-clock offset known when it is
    /// written; `None` means the store should be empty.
    pub(crate) fn to_envelope(&self, clock_offset_millis: Option<i64>) -> Option<Envelope> {
        self.tokens.as_ref().map(|tokens| Envelope {
            tokens: tokens.clone(),
            session: self.session.as_deref().cloned(),
            last_validated_at: self.last_validated_at,
            clock_offset_millis,
        })
    }

    /// Whether `other` holds the same session and tokens: writing it again is no change (O2).
    pub(crate) fn same_content(&self, other: &Snapshot) -> bool {
        let same_session = match (&self.session, &other.session) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            (None, None) => true,
            _ => false,
        };
        same_session
            && self.tokens == other.tokens
            && self.from_cache == other.from_cache
            && self.restoring == other.restoring
    }

    /// Where the engine stands at `server_now_millis` (R6): an expired session counts as
    /// signed out, as R1 and R3 already read it.
    pub(crate) fn status(&self, server_now_millis: i64) -> SessionStatus {
        match (&self.tokens, &self.session) {
            (Some(_), _) if self.session_expired(server_now_millis) => SessionStatus::SignedOut,
            (Some(_), Some(_)) => SessionStatus::SignedIn,
            (Some(_), None) => SessionStatus::Pending,
            (None, _) if self.restoring => SessionStatus::Restoring,
            (None, _) => SessionStatus::SignedOut,
        }
    }

    /// The session, unless it has expired at `server_now_millis` (R1).
    #[inline]
    pub(crate) fn live_session(&self, server_now_millis: i64) -> Option<&Arc<Session>> {
        self.session
            .as_ref()
            .filter(|_| self.expires_at_millis > server_now_millis)
    }

    /// The tokens, unless the known session has expired at `server_now_millis` (R3).
    pub(crate) fn live_tokens(&self, server_now_millis: i64) -> Option<&SessionTokens> {
        self.tokens
            .as_ref()
            .filter(|_| !self.session_expired(server_now_millis))
    }

    /// Whether a session is known and has expired at `server_now_millis`.
    pub(crate) fn session_expired(&self, server_now_millis: i64) -> bool {
        self.session.is_some() && self.expires_at_millis <= server_now_millis
    }
}
