//! Fault injection: what a flaky network or a misbehaving server does to a client, on demand.
//!
//! Rules queue per endpoint in FIFO order; the first rule for an endpoint applies to its next
//! `times` calls and is then removed. A fault replaces the endpoint's normal logic (nothing is
//! rotated or extended), except [`Fault::Delay`], which answers normally after waiting.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::Frame;
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::Endpoint;
use crate::envelope::{ApiError, request_id, success_body};
use crate::server::ConnectionHandle;

/// What the sandbox does instead of (or before) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Waits, then answers normally.
    Delay(Duration),
    /// Answers `status` in Stytch's error envelope with `error_type`, and a `Retry-After`
    /// header (seconds) when given.
    Status {
        status: u16,
        error_type: String,
        retry_after: Option<u64>,
    },
    /// 200, `application/json`, a body that is not JSON.
    MalformedJson,
    /// 200, `application/json`, a `Content-Length` larger than what is sent: half the body
    /// arrives, then the connection closes.
    TruncatedBody,
    /// 200, valid JSON, but `Content-Type: text/html`.
    WrongContentType,
    /// 200, `application/json`, a valid JSON body padded to this many bytes.
    OversizedBody(usize),
    /// Closes the TCP connection without writing any response.
    DropConnection,
    /// 200, `application/json`, `Content-Length: 0`.
    EmptyBody,
    /// Answers normally, then rewrites the answer as a hostile server would (V2-V6).
    Hostile(crate::hostile::Rewrite),
    /// `status` in Stytch's error envelope with this `error_message` (V5: huge, or with
    /// control characters).
    ErrorText {
        status: u16,
        error_type: String,
        message: String,
    },
}

impl Fault {
    /// A [`Fault::Status`] without `Retry-After`.
    pub fn status(status: u16, error_type: impl Into<String>) -> Self {
        Self::Status {
            status,
            error_type: error_type.into(),
            retry_after: None,
        }
    }

    /// 429 `too_many_requests`, optionally with `Retry-After`.
    pub fn too_many_requests(retry_after: Option<u64>) -> Self {
        Self::Status {
            status: 429,
            error_type: "too_many_requests".into(),
            retry_after,
        }
    }
}

#[derive(Debug)]
struct Rule {
    endpoint: Endpoint,
    fault: Fault,
    remaining: usize,
}

/// The FIFO queue of fault rules.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    rules: Mutex<VecDeque<Rule>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, endpoint: Endpoint, fault: Fault, times: usize) {
        if times > 0 {
            self.rules.lock().push_back(Rule {
                endpoint,
                fault,
                remaining: times,
            });
        }
    }

    pub(crate) fn clear(&self) {
        self.rules.lock().clear();
    }

    /// The fault for this call of `endpoint`, if any, using up one of its rule's calls.
    pub(crate) fn take(&self, endpoint: Endpoint) -> Option<Fault> {
        let mut rules = self.rules.lock();
        let index = rules.iter().position(|rule| rule.endpoint == endpoint)?;
        let rule = &mut rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(fault)
    }
}

/// Carries out `fault`. `None` means "now answer normally" (after a delay); otherwise the
/// response to send. A dropped connection never returns: its task is dropped first.
pub(crate) async fn apply(fault: Fault, connection: Option<&ConnectionHandle>) -> Option<Response> {
    let response = match fault {
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            return None;
        }
        Fault::Status {
            status,
            error_type,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = ApiError::new(status, &error_type).into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        // Rewritten after the endpoint's own logic, by the caller.
        Fault::Hostile(_) => return None,
        Fault::ErrorText {
            status,
            error_type,
            message,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = ApiError::new(status, &error_type).into_response();
            let body = json!({
                "status_code": status.as_u16(),
                "request_id": request_id(),
                "error_type": error_type,
                "error_message": message,
                "error_url": "https://stytch.com/docs/api/errors",
            });
            *response.body_mut() = Body::from(body.to_string());
            response.headers_mut().remove(header::CONTENT_LENGTH);
            response
        }
        Fault::MalformedJson => with_type(
            format!(
                r#"{{"data": {{"status_code": 200, "request_id": "{}", <html>not json"#,
                request_id()
            ),
            "application/json",
        ),
        Fault::WrongContentType => with_type(
            success_body(json!({})).to_string(),
            "text/html; charset=utf-8",
        ),
        Fault::OversizedBody(size) => with_type(padded_body(size), "application/json"),
        Fault::EmptyBody => with_type(String::new(), "application/json"),
        Fault::TruncatedBody => truncated(connection.cloned()),
        Fault::DropConnection => match connection {
            Some(connection) => {
                connection.kill();
                // The connection task drops this future; no byte is ever written.
                std::future::pending::<()>().await;
                unreachable!("a killed connection's handler is never resumed")
            }
            // Not served by our accept loop: the closest thing is a body that fails at once,
            // which makes hyper abort the connection.
            None => Response::new(Body::new(Truncated {
                head: None,
                wait: None,
                connection: None,
            })),
        },
    };
    Some(response)
}

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A success envelope whose `padding` field brings it to exactly `size` bytes (or the
/// smallest envelope, when `size` is smaller than that).
fn padded_body(size: usize) -> String {
    let mut body = success_body(json!({ "padding": "" }));
    let overhead = body.to_string().len();
    body["data"]["padding"] = Value::String("x".repeat(size.saturating_sub(overhead)));
    body.to_string()
}

/// Sends the headers of a 200 JSON answer with the full `Content-Length`, then half the body,
/// then closes the connection.
fn truncated(connection: Option<ConnectionHandle>) -> Response {
    let full = success_body(json!({ "padding": "x".repeat(256) })).to_string();
    let half = Bytes::from(full.as_bytes()[..full.len() / 2].to_vec());
    let mut response = Response::new(Body::new(Truncated {
        head: Some(half),
        // Give hyper time to flush what it has before the connection goes away.
        wait: Some(Box::pin(tokio::time::sleep(Duration::from_millis(20)))),
        connection,
    }));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    response
}

/// A body that yields `head`, waits, then kills its connection and fails.
struct Truncated {
    head: Option<Bytes>,
    wait: Option<Pin<Box<tokio::time::Sleep>>>,
    connection: Option<ConnectionHandle>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        if let Some(wait) = self.wait.as_mut() {
            std::task::ready!(wait.as_mut().poll(cx));
            self.wait = None;
        }
        if let Some(connection) = self.connection.take() {
            connection.kill();
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault: body cut short",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_fifo_per_endpoint_and_used_up() {
        let queue = FaultQueue::default();
        queue.push(Endpoint::Authenticate, Fault::EmptyBody, 2);
        queue.push(Endpoint::Revoke, Fault::MalformedJson, 1);
        queue.push(Endpoint::Authenticate, Fault::DropConnection, 1);
        queue.push(Endpoint::Jwks, Fault::EmptyBody, 0);
        assert_eq!(queue.take(Endpoint::Authenticate), Some(Fault::EmptyBody));
        assert_eq!(queue.take(Endpoint::Authenticate), Some(Fault::EmptyBody));
        assert_eq!(
            queue.take(Endpoint::Authenticate),
            Some(Fault::DropConnection)
        );
        assert_eq!(queue.take(Endpoint::Authenticate), None);
        assert_eq!(queue.take(Endpoint::Revoke), Some(Fault::MalformedJson));
        assert_eq!(queue.take(Endpoint::Jwks), None);
    }

    #[test]
    fn padded_body_has_exact_size_and_parses() {
        for size in [10, 200, 5000] {
            let body = padded_body(size);
            assert!(serde_json::from_str::<Value>(&body).is_ok());
            if size >= 200 {
                assert_eq!(body.len(), size);
            }
        }
    }
}
