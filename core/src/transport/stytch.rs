//! The real [`Transport`]: Stytch's frontend-SDK session endpoints over reqwest (SPEC T1-T4).
//!
//! This file is the HTTP plumbing: it builds each request (Basic auth from the public token
//! and the session token, JSON body), enforces the size cap while the body streams in, and
//! turns every way a request can fail into the [`TransportError`] whose class (E1-E3) tells
//! the engine what to do. Reading the bodies is `wire.rs`; where requests go is
//! `base_url.rs`; TLS is `tls.rs`.
//!
//! Nothing here logs, formats or returns a token: the Authorization header is built in
//! zeroised buffers and marked sensitive, bodies live in zeroised buffers and never reach an
//! error message, and reqwest's errors are reported by their causes, without the URL.

use std::fmt;
use std::time::{Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER,
};
use reqwest::{Client, RequestBuilder, Response};
use zeroize::Zeroizing;

use super::base_url::BaseUrl;
use super::{Authenticated, StytchConfig, Transport, TransportError, TransportFuture, tls, wire};
use crate::model::SessionTokens;

/// The endpoints this transport calls, for URLs and log lines.
#[derive(Clone, Copy, Debug)]
enum Endpoint {
    Authenticate,
    Revoke,
    Jwks,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Endpoint::Authenticate => "sessions/authenticate",
            Endpoint::Revoke => "sessions/revoke",
            Endpoint::Jwks => "sessions/jwks",
        }
    }
}

/// Stytch's frontend-SDK session endpoints over reqwest and rustls.
///
/// Cheap to share behind an `Arc`: reqwest keeps one connection pool per transport.
///
/// ```
/// use sessionkit::transport::{StytchConfig, StytchTransport};
///
/// let transport = StytchTransport::new(StytchConfig::new("public-token-live-0a1b2c"))?;
/// assert_eq!(transport.base_url(), "https://api.stytch.com");
/// # Ok::<(), sessionkit::transport::TransportError>(())
/// ```
pub struct StytchTransport {
    client: Client,
    base: BaseUrl,
    public_token: String,
    project_id: Option<String>,
    max_response_bytes: usize,
}

impl StytchTransport {
    /// Builds the transport: checks `config`, resolves the base URL and sets up TLS.
    ///
    /// Must be called inside a tokio runtime only when requests are made; building does no
    /// I/O except, on desktop Linux, reading the system's CA certificates.
    ///
    /// # Errors
    /// [`TransportError::Config`] for an unusable public token, base URL, timeout, size cap
    /// or user agent, or (for an `https` base URL) a platform trust store that cannot be
    /// loaded.
    pub fn new(config: StytchConfig) -> Result<Self, TransportError> {
        let base = config.validate().map_err(TransportError::Config)?;
        let tls = tls::client_config(base.as_str().starts_with("https:"))
            .map_err(TransportError::Config)?;
        let client = Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.as_str())
            // A redirect would resend the session token to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| TransportError::Config(format!("HTTP client: {}", causes(&error))))?;
        Ok(Self {
            client,
            base,
            public_token: config.public_token,
            project_id: config.project_id,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// `POST {base}/sdk/v1/sessions/{action}` with the session's Basic credentials.
    fn session_request(
        &self,
        action: &str,
        tokens: &SessionTokens,
        body: serde_json::Value,
    ) -> Result<RequestBuilder, TransportError> {
        let url = self.base.join(&["sdk", "v1", "sessions", action]);
        Ok(self
            .client
            .post(url)
            .header(AUTHORIZATION, self.basic_auth(tokens)?)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(body.to_string()))
    }

    /// `Basic base64(public_token:session_token)`, built in buffers wiped on drop and marked
    /// sensitive so that HTTP/2 never indexes it and `Debug` hides it.
    fn basic_auth(&self, tokens: &SessionTokens) -> Result<HeaderValue, TransportError> {
        let credentials =
            Zeroizing::new(format!("{}:{}", self.public_token, tokens.session_token()));
        let value = Zeroizing::new(format!("Basic {}", STANDARD.encode(credentials.as_bytes())));
        let mut header = HeaderValue::from_str(&value)
            .map_err(|_| TransportError::Config("unusable credentials".into()))?;
        header.set_sensitive(true);
        Ok(header)
    }

    /// Sends `request`, reads the answer and parses a success with `parse` (which also
    /// returns the request id), logging start and end at debug level.
    async fn call<T>(
        &self,
        endpoint: Endpoint,
        request: Result<RequestBuilder, TransportError>,
        parse: impl FnOnce(&[u8], Option<DateTime<Utc>>) -> Result<(T, Option<String>), TransportError>,
    ) -> Result<T, TransportError> {
        let started = Instant::now();
        tracing::debug!(endpoint = endpoint.name(), "stytch request started");
        let mut status = None;
        let outcome = match request {
            Ok(request) => self.exchange(request, &mut status, parse).await,
            Err(error) => Err(error),
        };
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &outcome {
            Ok((_, request_id)) => tracing::debug!(
                endpoint = endpoint.name(),
                status,
                elapsed_ms,
                request_id = request_id.as_deref(),
                "stytch request succeeded"
            ),
            Err(error) => {
                let request_id = match error {
                    TransportError::Api { request_id, .. } => request_id.as_deref(),
                    _ => None,
                };
                tracing::debug!(
                    endpoint = endpoint.name(),
                    status,
                    elapsed_ms,
                    request_id,
                    %error,
                    "stytch request failed"
                );
            }
        }
        outcome.map(|(value, _)| value)
    }

    async fn exchange<T>(
        &self,
        request: RequestBuilder,
        status_seen: &mut Option<u16>,
        parse: impl FnOnce(&[u8], Option<DateTime<Utc>>) -> Result<(T, Option<String>), TransportError>,
    ) -> Result<(T, Option<String>), TransportError> {
        let mut response = request.send().await.map_err(send_error)?;
        let status = response.status();
        let server_date = response
            .headers()
            .get(DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(wire::http_date);
        *status_seen = Some(status.as_u16());
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let json = content_type.as_deref().is_some_and(wire::is_json);
        if status.is_success() {
            if !json {
                return Err(TransportError::WrongContentType(wire::media_type(
                    content_type.as_deref(),
                )));
            }
            let body = read_body(&mut response, self.max_response_bytes).await?;
            parse(&body, server_date)
        } else {
            let retry_after = retry_after(response.headers(), server_date);
            // The status decides what happens; the body only adds Stytch's error_type, so a
            // body that is not JSON, too large or cut short just leaves a bare status.
            let body = if json {
                read_body(&mut response, self.max_response_bytes).await.ok()
            } else {
                None
            };
            Err(wire::api_error(
                status.as_u16(),
                body.as_deref().map(|b| &b[..]),
                retry_after,
            ))
        }
    }
}

impl Transport for StytchTransport {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        let body = match session_duration_minutes {
            Some(minutes) => serde_json::json!({ "session_duration_minutes": minutes }),
            None => serde_json::json!({}),
        };
        let request = self.session_request("authenticate", tokens, body);
        Box::pin(
            self.call(Endpoint::Authenticate, request, |body, server_date| {
                let mut answer = wire::authenticated(body)?;
                answer.server_date = server_date;
                let request_id = answer.request_id.clone();
                Ok((answer, request_id))
            }),
        )
    }

    fn revoke<'a>(&'a self, tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        let request = self.session_request("revoke", tokens, serde_json::json!({}));
        Box::pin(self.call(Endpoint::Revoke, request, |body, _| {
            Ok(((), wire::acknowledged(body)?))
        }))
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        let request = match &self.project_id {
            Some(project_id) => Ok(self
                .client
                .get(self.base.join(&["v1", "sessions", "jwks", project_id]))
                .header(ACCEPT, HeaderValue::from_static("application/json"))),
            None => Err(TransportError::Config(
                "fetching the JWKS needs StytchConfig::project_id".into(),
            )),
        };
        Box::pin(self.call(Endpoint::Jwks, request, |body, _| wire::jwks(body)))
    }
}

impl fmt::Debug for StytchTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StytchTransport")
            .field("base_url", &self.base.as_str())
            .field("project_id", &self.project_id)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Reads the whole body, refusing more than `limit` bytes: first by `Content-Length`, then
/// by counting as chunks arrive, so no more than `limit` bytes are ever buffered. The
/// buffer grows by copying into fresh zeroised buffers, so no stale copy of a token is left
/// behind in freed memory by a reallocation.
async fn read_body(
    response: &mut Response,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, TransportError> {
    let too_large = || TransportError::TooLarge { limit };
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let initial = announced
        .map_or(8 * 1024, |length| length as usize)
        .min(limit);
    let mut body = Zeroizing::new(Vec::with_capacity(initial));
    while let Some(chunk) = response.chunk().await.map_err(body_error)? {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        if chunk.len() > body.capacity() - body.len() {
            let wanted = (body.len() + chunk.len())
                .max(body.capacity() * 2)
                .min(limit);
            let mut grown = Zeroizing::new(Vec::with_capacity(wanted));
            grown.extend_from_slice(&body);
            body = grown;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After`, when present and readable. An HTTP-date is read against the answer's own
/// `Date` when it has one: the device clock may be far off (R5).
fn retry_after(
    headers: &HeaderMap,
    server_date: Option<DateTime<Utc>>,
) -> Option<std::time::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    wire::retry_after(
        value,
        server_date.unwrap_or_else(|| SystemTime::now().into()),
    )
}

/// A failure before a response arrived: timeouts, then connection-level problems (DNS,
/// refused, TLS, reset, closed without an answer), which all count as `Connect`.
fn send_error(error: reqwest::Error) -> TransportError {
    if error.is_timeout() {
        TransportError::Timeout
    } else if error.is_builder() {
        TransportError::Config(causes(&error))
    } else if error.is_body() || error.is_decode() {
        TransportError::Truncated(causes(&error))
    } else {
        TransportError::Connect(causes(&error))
    }
}

/// A failure while the body was streaming in: a timeout, or the body cut short.
fn body_error(error: reqwest::Error) -> TransportError {
    if error.is_timeout() {
        TransportError::Timeout
    } else {
        TransportError::Truncated(causes(&error))
    }
}

/// What went wrong, from the error's causes: reqwest's own message names the URL, its
/// causes (hyper, io, rustls) say what actually failed. Neither ever holds a header value
/// or a body. Repeated causes are skipped and the result is kept short.
fn causes(error: &reqwest::Error) -> String {
    const MAX_CHARS: usize = 300;
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    let text = if parts.is_empty() {
        if error.is_connect() {
            "could not connect".to_owned()
        } else {
            "the request failed".to_owned()
        }
    } else {
        parts.join(": ")
    };
    text.chars().take(MAX_CHARS).collect()
}
