//! [`ClientState`]: the engine's state as the Kotlin and Swift wrappers copy it, in one call.
//!
//! The wrappers serve `getSync()` and `getInfo()` from a copy of their own (a read across the
//! FFI costs microseconds; a field read in Kotlin or Swift, nanoseconds). They refresh it once
//! per announced change, and a listener's handler first makes sure the copy is at least as
//! new as the change it hears of (O2): `revision` says how new it is.

use sessionkit::{SessionFields, SessionStatus};

/// One consistent read of what a wrapper caches: the session (every field, copied once), its
/// provenance, the status, the revision and the server-clock offset.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ClientState {
    /// The live session, if one is known and not expired (R1).
    pub session: Option<SessionFields>,
    /// True while the session came from storage unconfirmed by this process (R2).
    pub from_cache: bool,
    /// Restoring, signed out, pending or signed in (R6).
    pub status: SessionStatus,
    /// The revision of the state read: at least that of every change announced before.
    pub revision: u64,
    /// Server time minus device time, in milliseconds, once a server answer said (R5).
    pub server_clock_offset_millis: Option<i64>,
}

impl ClientState {
    pub(crate) fn of(client: &sessionkit::SessionClient) -> Self {
        let info = client.get_info();
        Self {
            session: info.session.as_deref().map(SessionFields::from),
            from_cache: info.from_cache,
            status: info.status,
            revision: info.revision,
            server_clock_offset_millis: client.server_clock_offset_millis(),
        }
    }
}
