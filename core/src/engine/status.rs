//! Which of four states the engine is in (SPEC R6), so that an app never shows its sign-in
//! screen to a user whose tokens are still being read or confirmed.
//!
//! ```text
//!  Restoring ──(storage read: nothing usable)──▶ SignedOut ◀──(clear, revoke, E1, expiry)──┐
//!      │                                            │                                        │
//!      └──(stored tokens without a session)──▶ Pending ──(server confirms)──▶ SignedIn ──────┘
//!          (stored session) ─────────────────────────────────────────────────▶ SignedIn
//! ```
//! `update_session` moves any state to `Pending`. A store that cannot be read yet (E4) keeps
//! the engine `Restoring` until it can, unless the app installs tokens meanwhile.

use std::fmt;

/// Where the engine stands with the user's session (R6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SessionStatus {
    /// Storage has not been read yet: whether a user is signed in is not known.
    Restoring,
    /// No tokens are held, or the known session has expired.
    SignedOut,
    /// Tokens are held but the session object is not known yet (after `update_session`,
    /// until the server answers).
    Pending,
    /// A session is known; `from_cache` says whether this process has confirmed it.
    SignedIn,
}

impl SessionStatus {
    /// Whether the user counts as signed in for the app's purposes: a session is known, or
    /// tokens are held and being confirmed.
    pub fn has_tokens(self) -> bool {
        matches!(self, Self::Pending | Self::SignedIn)
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Restoring => "restoring",
            Self::SignedOut => "signed out",
            Self::Pending => "pending",
            Self::SignedIn => "signed in",
        })
    }
}
