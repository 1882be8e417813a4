//! The HTTP surface: Stytch's frontend-SDK session endpoints and the project JWKS, each
//! counted, offered to fault injection, then answered from [`AppState`].

use std::hash::{Hash as _, Hasher as _};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::Endpoint;
use crate::app::AppState;
use crate::envelope::{ApiError, json_response, ok, request_id};
use crate::faults;
use crate::jwt;
use crate::server::ConnectionHandle;
use crate::state::Attributes;

/// Request bodies here are a few dozen bytes; anything near this is a client bug.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

pub(crate) fn router(app: Arc<AppState>) -> Router {
    Router::new()
        .route(Endpoint::SignIn.path(), post(sign_in))
        .route(Endpoint::Authenticate.path(), post(authenticate))
        .route(Endpoint::Revoke.path(), post(revoke))
        .route(Endpoint::Jwks.path(), get(jwks))
        .route(Endpoint::Resource.path(), get(resource))
        .merge(crate::admin::router())
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "route_not_found").into_response()
        })
        .with_state(app)
}

async fn sign_in(State(app): State<Arc<AppState>>, request: Request) -> Response {
    serve(app, Endpoint::SignIn, request, |app, parts, body| {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct SignIn {
            email: String,
            password: String,
            session_duration_minutes: Option<i64>,
            session_custom_claims: Option<serde_json::Map<String, serde_json::Value>>,
            // Sandbox extensions: what a real project sets up outside the sign-in call.
            sandbox_roles: Vec<String>,
            sandbox_factors: Vec<String>,
        }
        // The SDK sends Basic public_token:public_token; only the username matters.
        credentials(app, parts)?;
        let request: SignIn = parse(body)?;
        if !request.email.contains('@') {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_email")
                .with_message("Email format is invalid."));
        }
        if request.password.is_empty() {
            return Err(ApiError::bad_request("password is required."));
        }
        let minutes = match request.session_duration_minutes {
            Some(minutes) => {
                Some(u32::try_from(minutes).map_err(|_| ApiError::invalid_session_duration())?)
            }
            None => None,
        };
        let options = crate::SignInOptions {
            session_duration_minutes: minutes,
            custom_claims: request.session_custom_claims.unwrap_or_default(),
            roles: request.sandbox_roles,
            extra_factors: request.sandbox_factors,
        };
        let granted = app.sign_in(
            &request.email,
            &request.password,
            &options,
            attributes(parts),
        )?;
        let mut fields = json!({ "user_id": granted.user["user_id"] });
        fields.as_object_mut().expect("an object").extend(
            granted
                .wire_fields()
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        Ok(ok(fields))
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SessionRequest {
    session_duration_minutes: Option<i64>,
}

async fn authenticate(State(app): State<Arc<AppState>>, request: Request) -> Response {
    serve(app, Endpoint::Authenticate, request, |app, parts, body| {
        let session_token = credentials(app, parts)?;
        let request: SessionRequest = parse(body)?;
        let granted = app.authenticate(&session_token, request.session_duration_minutes)?;
        Ok(ok(granted.wire_fields()))
    })
    .await
}

async fn revoke(State(app): State<Arc<AppState>>, request: Request) -> Response {
    serve(app, Endpoint::Revoke, request, |app, parts, body| {
        let session_token = credentials(app, parts)?;
        let _: SessionRequest = parse(body)?;
        app.revoke(&session_token)?;
        Ok(ok(json!({})))
    })
    .await
}

async fn jwks(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    request: Request,
) -> Response {
    serve(app, Endpoint::Jwks, request, move |app, _, _| {
        if project_id != app.config.project_id {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "project_not_found"));
        }
        let body = json!({
            "keys": [jwt::jwk()],
            "request_id": request_id(),
            "status_code": 200,
        });
        Ok(json_response(StatusCode::OK, &body))
    })
    .await
}

/// The app backend's protected resource (SPEC H1).
async fn resource(State(app): State<Arc<AppState>>, request: Request) -> Response {
    serve(app, Endpoint::Resource, request, |app, parts, _| {
        crate::backend::profile(app, parts)
    })
    .await
}

/// What every endpoint does around its own logic: count, read the body, maybe fault, log.
async fn serve(
    app: Arc<AppState>,
    endpoint: Endpoint,
    request: Request,
    logic: impl FnOnce(&AppState, &Parts, &[u8]) -> Result<Response, ApiError>,
) -> Response {
    let in_flight = app
        .counters
        .enter(endpoint, credential_digest(request.headers()));
    let (parts, body) = request.into_parts();
    // Read the whole request first: closing a socket with unread input sends a reset
    // instead of a clean close, which would blur what a fault looks like to the client.
    let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return ApiError::bad_request("The request body could not be read.").into_response();
    };
    let latency = app.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut hostile = None;
    if let Some(fault) = app.faults.take(endpoint) {
        tracing::info!(?endpoint, ?fault, "injecting fault");
        if let crate::Fault::Hostile(rewrite) = &fault {
            hostile = Some(rewrite.clone());
        }
        let connection = parts.extensions.get::<ConnectionHandle>();
        if matches!(fault, crate::Fault::DropConnection) {
            // The request ends here for the client, which may send its next one before the
            // killed connection's task gets round to dropping this handler.
            drop(in_flight);
        }
        if let Some(mut response) = faults::apply(fault, connection).await {
            stamp_date(&app, &mut response);
            return response;
        }
    }
    let mut response = logic(&app, &parts, &body).unwrap_or_else(IntoResponse::into_response);
    stamp_date(&app, &mut response);
    if let Some(rewrite) = &hostile {
        response = crate::hostile::rewrite(response, rewrite).await;
    }
    // Never log credentials: only the endpoint and the outcome.
    tracing::info!(?endpoint, status = response.status().as_u16(), "answered");
    response
}

/// The HTTP `Date` of an answer, from the sandbox's own clock (which tests may set apart from
/// the client's: R5), in IMF-fixdate form as every HTTP server sends it.
fn stamp_date(app: &AppState, response: &mut Response) {
    let date = app
        .clock
        .now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(value) = axum::http::HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, value);
    }
}

/// A digest of the `Authorization` header, so that requests made with one credential can be
/// counted together without keeping the credential itself.
fn credential_digest(headers: &axum::http::HeaderMap) -> Option<u64> {
    let value = headers.get(header::AUTHORIZATION)?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.as_bytes().hash(&mut hasher);
    Some(hasher.finish())
}

/// The secret half of `Authorization: Basic base64(public_token:secret)`, after checking
/// the public token. Anything else is `unauthorized_credentials`.
fn credentials(app: &AppState, parts: &Parts) -> Result<String, ApiError> {
    let basic = || -> Option<(String, String)> {
        let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, encoded) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        let (user, secret) = decoded.split_once(':')?;
        Some((user.to_owned(), secret.to_owned()))
    };
    match basic() {
        Some((user, secret)) if user == app.config.public_token => Ok(secret),
        _ => Err(ApiError::unauthorized_credentials()),
    }
}

/// A JSON request body; an empty body counts as `{}`.
fn parse<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request("The request body is not valid JSON for this endpoint."))
}

fn attributes(parts: &Parts) -> Attributes {
    Attributes {
        ip_address: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip().to_string())
            .unwrap_or_default(),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    }
}
