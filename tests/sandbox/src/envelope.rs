//! Stytch's wire envelopes: a success is `{"data": {status_code, request_id, ...}}`, an error
//! is a flat `{status_code, request_id, error_type, error_message, error_url}`.
//!
//! Kept in one place so every endpoint and every injected fault answers in the same shape
//! as the samples in `shared/fixtures/stytch/`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A fresh `request-id-test-<uuid>`.
pub(crate) fn request_id() -> String {
    format!("request-id-test-{}", uuid::Uuid::new_v4())
}

/// `body` as `application/json` with `status`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A 200 success envelope: `status_code` and `request_id` first, then `fields`.
pub(crate) fn success_body(fields: Value) -> Value {
    let mut data = Map::new();
    data.insert("status_code".into(), json!(200));
    data.insert("request_id".into(), json!(request_id()));
    if let Value::Object(fields) = fields {
        data.extend(fields);
    }
    json!({ "data": data })
}

/// [`success_body`] as a response.
pub(crate) fn ok(fields: Value) -> Response {
    json_response(StatusCode::OK, &success_body(fields))
}

/// An error answered in Stytch's error envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error_type: String,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error_type: &str) -> Self {
        Self {
            status,
            error_type: error_type.to_owned(),
            message: default_message(error_type),
        }
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub(crate) fn unauthorized_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized_credentials")
    }

    pub(crate) fn session_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "session_not_found")
    }

    pub(crate) fn invalid_session_duration() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_session_duration")
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request").with_message(message)
    }

    pub(crate) fn body(&self) -> Value {
        let status = self.status.as_u16();
        json!({
            "status_code": status,
            "request_id": request_id(),
            "error_type": self.error_type,
            "error_message": self.message,
            "error_url": format!("https://stytch.com/docs/api/errors/{status}"),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// Stytch's wording where we know it, a generic sentence otherwise.
fn default_message(error_type: &str) -> String {
    match error_type {
        "unauthorized_credentials" => "Unauthorized credentials.".into(),
        "session_not_found" => "Session could not be found.".into(),
        "invalid_session_duration" => {
            "session_duration_minutes must be between 5 and 527040.".into()
        }
        "too_many_requests" => "Too many requests have been made.".into(),
        "internal_server_error" => "Oops, something seems to have gone wrong.".into(),
        "project_not_found" => "Project could not be found.".into(),
        "route_not_found" => "This route does not exist.".into(),
        other => format!("Sandbox error: {other}."),
    }
}
