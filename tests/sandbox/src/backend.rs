//! The app's own backend, as the sandbox plays it (SPEC H1): one protected resource,
//! `GET /app/v1/profile`, that authenticates its caller the way an app's server does with
//! Stytch's `authenticate_jwt_local`: the `Authorization: Bearer <session_jwt>` header,
//! checked locally against the project's signing key (RS256, `kid`, issuer, audience, `exp`
//! on the sandbox's clock, no leeway), with no call to the session store. A missing, expired
//! or badly signed JWT gets 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
//!
//! Its faults are the sandbox's own, aimed at [`Endpoint::Resource`]: a 401 status fault is
//! "always 401" (many times) or "401 once then success" (once), a delay is a slow reply.

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::envelope::{ApiError, json_response};
use crate::jwt;

/// The claims the resource reads.
#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    #[serde(rename = "https://stytch.com/session")]
    session: SessionClaim,
}

#[derive(Deserialize)]
struct SessionClaim {
    id: String,
}

/// The protected resource: who the caller is, from a valid session JWT.
pub(crate) fn profile(app: &AppState, parts: &Parts) -> Result<Response, ApiError> {
    let Some(jwt) = bearer(parts) else {
        return Ok(unauthorized("missing bearer token"));
    };
    let claims = match verify(app, jwt) {
        Ok(claims) => claims,
        Err(why) => return Ok(unauthorized(why)),
    };
    if claims.exp <= app.clock.now().timestamp() {
        return Ok(unauthorized("expired"));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({ "user_id": claims.sub, "session_id": claims.session.id }),
    ))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// RS256 under the sandbox key, its `kid`, this project's issuer and audience. `exp` is
/// checked by the caller on the sandbox's own clock, which tests move.
fn verify(app: &AppState, jwt: &str) -> Result<Claims, &'static str> {
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| "not a JWT")?;
    if header.alg != Algorithm::RS256 || header.kid.as_deref() != Some(jwt::KID) {
        return Err("wrong algorithm or key");
    }
    let (n, e) = jwt::public_key_components();
    let key = DecodingKey::from_rsa_components(n, e).map_err(|_| "no key")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.set_issuer(&[format!("stytch.com/{}", app.config.project_id)]);
    validation.set_audience(&[app.config.project_id.as_str()]);
    jsonwebtoken::decode::<Claims>(jwt, &key, &validation)
        .map(|data| data.claims)
        .map_err(|_| "bad signature or claims")
}

fn unauthorized(why: &str) -> Response {
    let mut response = json_response(
        StatusCode::UNAUTHORIZED,
        &json!({ "error": "invalid_token", "error_description": why }),
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response.into_response()
}
