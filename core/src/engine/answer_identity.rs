//! V2: an answer belongs to the session it was asked about.
//!
//! A compromised custom-domain proxy or a CDN cache that mixes answers could otherwise switch
//! the app from one user to another on a refresh. Once the engine knows whose session it
//! holds (the session object, or before the first answer the claims of the JWT the app
//! handed over), an authenticate answer must name the same user and session, and its JWT
//! must agree with the session object beside it. Hydration (`update_session`) is the one way
//! to change identity. The JWT's claims are read unverified: they can only refuse an answer,
//! never grant anything.

use crate::jwt::read_identity;
use crate::model::{Session, SessionTokens};
use crate::transport::Authenticated;

/// Whose session the engine holds, as far as it knows.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct KnownIdentity {
    user_id: Option<String>,
    session_id: Option<String>,
}

impl KnownIdentity {
    /// From the confirmed session when there is one, else from the tokens' JWT.
    pub(super) fn of(session: Option<&Session>, tokens: &SessionTokens) -> Self {
        match session {
            Some(session) => Self {
                user_id: Some(session.user_id.clone()),
                session_id: Some(session.session_id.clone()),
            },
            None => match read_identity(tokens.session_jwt()) {
                Ok(claims) => Self {
                    user_id: claims.sub,
                    session_id: claims.session.and_then(|session| session.id),
                },
                Err(_) => Self::default(),
            },
        }
    }
}

/// Why `answer` is not an answer about `known`, if it is not. Never quotes an identifier:
/// they are the user's.
pub(super) fn foreign_answer(
    known: &KnownIdentity,
    answer: &Authenticated,
) -> Option<&'static str> {
    let session = &answer.session;
    if let Ok(claims) = read_identity(answer.tokens.session_jwt()) {
        if claims.sub.is_some_and(|sub| sub != session.user_id) {
            return Some("the answer's JWT names another user than its session");
        }
        if claims
            .session
            .and_then(|claim| claim.id)
            .is_some_and(|id| id != session.session_id)
        {
            return Some("the answer's JWT names another session than its session object");
        }
    }
    if known
        .user_id
        .as_ref()
        .is_some_and(|id| *id != session.user_id)
    {
        return Some("the answer is for another user than the session asked about");
    }
    if known
        .session_id
        .as_ref()
        .is_some_and(|id| *id != session.session_id)
    {
        return Some("the answer is for another session than the one asked about");
    }
    None
}
