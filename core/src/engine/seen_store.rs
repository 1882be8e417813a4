//! What an engine last saw of a store shared by several processes (SPEC C1-C3), and what
//! adopting another process's write did: plain data the write path (`session_state.rs`) keeps under
//! its writer lock and `shared_store.rs` fills in.

use crate::coordination::Stamp;
use crate::model::SessionTokens;

/// Who is signed in, as far as sharing goes: a digest of the session token, so the writer's
/// memory of the store holds no token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Identity([u8; 32]);

impl Identity {
    pub(crate) fn of(tokens: &SessionTokens) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, tokens.session_token().as_bytes());
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }
}

/// What this engine last saw of the shared store: after its own write, its restore, or its
/// last adoption. Guarded by the writer lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SeenStore {
    pub(crate) stamp: Stamp,
    /// `None`: the store was empty.
    pub(crate) identity: Option<Identity>,
}

/// What a sync did to the state in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Adoption {
    /// Nothing: the store had not changed, or this engine's state is newer.
    Nothing,
    /// Fresher tokens or session for the same identity.
    Content,
    /// Another identity, or a sign-out: a new generation.
    Identity,
}
