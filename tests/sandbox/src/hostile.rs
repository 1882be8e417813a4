//! A hostile server (SPEC V1-V8): answers that look like Stytch's but lie. The endpoint's
//! logic runs as usual (a session is really extended), then its answer is rewritten the way
//! a compromised proxy, a CDN that mixes answers or a broken server would.
//!
//! JWTs are edited without re-signing: what SessionKit checks here (V2, V4) comes before any
//! signature, and a JWT it cannot verify must still not be committed.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// How an answer is rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    /// Another user's session: `user_id`, `session_id` and the JWT's `sub` and session claim
    /// all name someone else, consistently.
    SwappedUser,
    /// The session object unchanged, the JWT's `sub` another user.
    DisagreeingSub,
    /// The session object unchanged, the JWT's session claim another session.
    DisagreeingSessionClaim,
    /// `session_jwt` carries a CR/LF header injection.
    CrLfJwt,
    /// `session_token` carries a CR/LF header injection.
    CrLfToken,
    /// The `Date` header this many seconds off the sandbox's clock.
    LyingDate(i64),
    /// The JWT's `iat` this many seconds off (with `exp` moved alike), as if minted by a
    /// server whose clock is wrong.
    LyingIssuedAt(i64),
    /// The JWT's header names a key the JWKS does not have.
    UnknownKid,
}

/// Rewrites a JSON answer. Answers that are not a success body pass unchanged.
pub(crate) async fn rewrite(response: Response, how: &Rewrite) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Rewrite::LyingDate(seconds) = how {
        let date = chrono::Utc::now() + chrono::Duration::seconds(*seconds);
        let text = date.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(value) = HeaderValue::from_str(&text) {
            parts.headers.insert(header::DATE, value);
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(data) = json.get_mut("data").and_then(Value::as_object_mut) {
        edit(data, how);
    }
    let body = json.to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

fn edit(data: &mut serde_json::Map<String, Value>, how: &Rewrite) {
    const OTHER_USER: &str = "user-test-00000000-0000-4000-8000-0000000000bb";
    const OTHER_SESSION: &str = "session-test-00000000-0000-4000-8000-0000000000bb";
    match how {
        Rewrite::SwappedUser => {
            if let Some(session) = data.get_mut("session").and_then(Value::as_object_mut) {
                session.insert("user_id".into(), OTHER_USER.into());
                session.insert("session_id".into(), OTHER_SESSION.into());
            }
            if let Some(user) = data.get_mut("user").and_then(Value::as_object_mut) {
                user.insert("user_id".into(), OTHER_USER.into());
            }
            edit_jwt(data, |_, payload| {
                payload.insert("sub".into(), OTHER_USER.into());
                set_session_claim_id(payload, OTHER_SESSION);
            });
        }
        Rewrite::DisagreeingSub => edit_jwt(data, |_, payload| {
            payload.insert("sub".into(), OTHER_USER.into());
        }),
        Rewrite::DisagreeingSessionClaim => edit_jwt(data, |_, payload| {
            set_session_claim_id(payload, OTHER_SESSION);
        }),
        Rewrite::CrLfJwt => {
            data.insert("session_jwt".into(), "x\r\nX-Injected: 1".into());
        }
        Rewrite::CrLfToken => {
            data.insert("session_token".into(), "token\r\nX-Injected: 1".into());
        }
        Rewrite::LyingIssuedAt(seconds) => edit_jwt(data, |_, payload| {
            for claim in ["iat", "nbf", "exp"] {
                if let Some(value) = payload.get(claim).and_then(Value::as_i64) {
                    payload.insert(claim.into(), (value + seconds).into());
                }
            }
        }),
        Rewrite::UnknownKid => edit_jwt(data, |header, _| {
            header.insert("kid".into(), "jwk-test-unknown".into());
        }),
        Rewrite::LyingDate(_) => {}
    }
}

fn set_session_claim_id(payload: &mut serde_json::Map<String, Value>, id: &str) {
    if let Some(claim) = payload
        .get_mut(crate::jwt::SESSION_CLAIM)
        .and_then(Value::as_object_mut)
    {
        claim.insert("id".into(), id.into());
    }
}

/// Edits the header and payload of `data.session_jwt`, keeping the (now wrong) signature.
fn edit_jwt(
    data: &mut serde_json::Map<String, Value>,
    change: impl FnOnce(&mut serde_json::Map<String, Value>, &mut serde_json::Map<String, Value>),
) {
    let Some(jwt) = data.get("session_jwt").and_then(Value::as_str) else {
        return;
    };
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let decode = |segment: &str| -> Option<serde_json::Map<String, Value>> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok()
    };
    let (Some(mut header_json), Some(mut payload_json)) = (decode(header), decode(payload)) else {
        return;
    };
    change(&mut header_json, &mut payload_json);
    let encode = |json: &serde_json::Map<String, Value>| {
        URL_SAFE_NO_PAD.encode(Value::Object(json.clone()).to_string())
    };
    let edited = format!(
        "{}.{}.{signature}",
        encode(&header_json),
        encode(&payload_json)
    );
    data.insert("session_jwt".into(), edited.into());
}
