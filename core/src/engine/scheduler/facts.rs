//! What the scheduler knows of the engine's state: the few facts of one snapshot that its
//! state machine and its refresh policy decide on, so neither reads the snapshot itself.

use crate::engine::snapshot::{Generation, Snapshot, StorageHealth};

/// What the scheduler knows of the engine's state, read from one snapshot. Times are server
/// time in Unix milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) identity: Generation,
    pub(crate) has_tokens: bool,
    pub(crate) session_expires_at: Option<i64>,
    pub(crate) jwt_expires_at: Option<i64>,
    pub(crate) last_validated_at: Option<i64>,
    pub(crate) storage_unavailable: bool,
}

impl Facts {
    pub(crate) fn of(snapshot: &Snapshot) -> Self {
        Self {
            identity: snapshot.generation,
            has_tokens: snapshot.tokens.is_some(),
            session_expires_at: snapshot
                .session
                .as_ref()
                .map(|_| snapshot.expires_at_millis),
            jwt_expires_at: snapshot.jwt_expires_at.map(|t| t.timestamp_millis()),
            last_validated_at: snapshot.last_validated_at.map(|t| t.timestamp_millis()),
            storage_unavailable: snapshot.storage == StorageHealth::Unavailable,
        }
    }

    pub(super) fn session_expired(&self, now: i64) -> bool {
        self.session_expires_at.is_some_and(|end| end <= now)
    }
}
