//! The sandbox's test controls over HTTP, for clients in other processes (the Kotlin and Swift
//! host tests): read the request counters, queue faults, reset. Under `/sandbox/v1/`, a path
//! Stytch does not have; never counted, never faulted.
//!
//! - `GET  /sandbox/v1/requests`: `{"sign_in": n, "authenticate": n, "revoke": n, "jwks": n}`
//! - `POST /sandbox/v1/faults`: `{"endpoint": "authenticate", "times": 1, "status": 503,
//!   "error_type": "...", "retry_after": 2}`, or `"delay_ms": 500`, or `"drop_connection": true`
//! - `POST /sandbox/v1/clock`: `{"advance_seconds": 600}` moves the sandbox's clock on (JWTs
//!   it minted expire on its clock, not on the client's)
//! - `POST /sandbox/v1/reset`: clears faults and counters

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Endpoint;
use crate::app::AppState;
use crate::faults::Fault;

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/requests", get(requests))
        .route("/sandbox/v1/faults", post(fault))
        .route("/sandbox/v1/clock", post(clock))
        .route("/sandbox/v1/reset", post(reset))
}

async fn requests(State(app): State<Arc<AppState>>) -> Json<Value> {
    let counts: Map<String, Value> = Endpoint::ALL
        .iter()
        .map(|endpoint| {
            (
                endpoint.name().to_owned(),
                app.counters.requests(*endpoint).into(),
            )
        })
        .collect();
    Json(Value::Object(counts))
}

#[derive(Deserialize)]
struct FaultRequest {
    endpoint: String,
    #[serde(default = "one")]
    times: usize,
    status: Option<u16>,
    error_type: Option<String>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
    #[serde(default)]
    drop_connection: bool,
    /// A hostile rewrite (V2-V6): `swapped_user`, `disagreeing_sub`, `crlf_jwt`,
    /// `crlf_token`, `unknown_kid`.
    hostile: Option<String>,
}

fn one() -> usize {
    1
}

async fn fault(State(app): State<Arc<AppState>>, Json(request): Json<FaultRequest>) -> Response {
    let Some(endpoint) = Endpoint::ALL
        .into_iter()
        .find(|endpoint| endpoint.name() == request.endpoint)
    else {
        return (StatusCode::BAD_REQUEST, "unknown endpoint").into_response();
    };
    let fault = if let Some(hostile) = &request.hostile {
        let rewrite = match hostile.as_str() {
            "swapped_user" => crate::Rewrite::SwappedUser,
            "disagreeing_sub" => crate::Rewrite::DisagreeingSub,
            "crlf_jwt" => crate::Rewrite::CrLfJwt,
            "crlf_token" => crate::Rewrite::CrLfToken,
            "unknown_kid" => crate::Rewrite::UnknownKid,
            _ => return (StatusCode::BAD_REQUEST, "unknown hostile rewrite").into_response(),
        };
        Fault::Hostile(rewrite)
    } else if request.drop_connection {
        Fault::DropConnection
    } else if let Some(millis) = request.delay_ms {
        Fault::Delay(Duration::from_millis(millis))
    } else if let Some(status) = request.status {
        Fault::Status {
            status,
            error_type: request
                .error_type
                .unwrap_or_else(|| "internal_server_error".into()),
            retry_after: request.retry_after,
        }
    } else {
        return (StatusCode::BAD_REQUEST, "no fault given").into_response();
    };
    app.faults.push(endpoint, fault, request.times);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct ClockRequest {
    advance_seconds: u64,
}

async fn clock(State(app): State<Arc<AppState>>, Json(request): Json<ClockRequest>) -> StatusCode {
    app.clock
        .advance(Duration::from_secs(request.advance_seconds));
    StatusCode::NO_CONTENT
}

async fn reset(State(app): State<Arc<AppState>>) -> StatusCode {
    app.faults.clear();
    app.counters.reset();
    StatusCode::NO_CONTENT
}
