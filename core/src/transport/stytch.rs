//! The real [`Transport`]: Stytch's frontend-SDK session endpoints over HTTP/1.1 (SPEC T1-T4).
//!
//! This file is the HTTP plumbing: it builds each request (Basic auth from the public token
//! and the session token, JSON body), bounds each request's time, enforces the size cap while
//! the body streams in, and
//! turns every way a request can fail into the [`TransportError`] whose class (E1-E3) tells
//! the engine what to do. Reading the bodies is `wire.rs`; where requests go is
//! `base_url.rs`; TLS is `tls.rs`.
//!
//! Nothing here logs, formats or returns a token: the Authorization header is built in
//! zeroised buffers and marked sensitive, bodies live in zeroised buffers and never reach an
//! error message, and the HTTP client's errors are reported by their causes, which hold
//! neither URLs nor headers.
//!
//! The client is hyper's pooled client (`hyper-util`'s legacy `Client`, the one reqwest is
//! built on) with `hyper-rustls` for TLS: SessionKit needs none of what reqwest adds
//! (redirects, cookies, proxies from environment variables, URL parsing), and leaving it out
//! saves about 200 KiB of every app's library (scripts/size-report.sh). Redirects are never
//! followed: one would resend the session token to wherever it points.

use super::pinning::{self, PinSet};
use rustls::pki_types::CertificateDer;
use std::error::Error as _;
use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER,
    USER_AGENT,
};
use http::{Method, Request, Response, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
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

/// Stytch's frontend-SDK session endpoints over hyper and rustls.
///
/// Cheap to share behind an `Arc`: it keeps one connection pool.
///
/// ```
/// use sessionkit::transport::{StytchConfig, StytchTransport};
///
/// let transport = StytchTransport::new(StytchConfig::new("public-token-live-0a1b2c"))?;
/// assert_eq!(transport.base_url(), "https://api.stytch.com");
/// # Ok::<(), sessionkit::transport::TransportError>(())
/// ```
pub struct StytchTransport {
    /// Built on the first request (see [`StytchTransport::new`]).
    client: OnceLock<HttpClient>,
    connect_timeout: Duration,
    base: BaseUrl,
    public_token: String,
    project_id: Option<String>,
    user_agent: HeaderValue,
    request_timeout: Duration,
    max_response_bytes: usize,
    /// Certificate pins (V7), if any.
    pins: Option<PinSet>,
    /// Extra trust anchors: test builds only, empty otherwise.
    extra_roots: Vec<CertificateDer<'static>>,
}

/// How long an idle pooled connection is kept: SessionKit's requests are minutes apart, and
/// servers close idle connections after about a minute anyway.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// A request about to be sent.
type OutgoingRequest = Request<Full<Bytes>>;

/// The pooled HTTP/1.1 client over rustls.
type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

impl StytchTransport {
    /// Builds the transport: checks `config` and resolves the base URL.
    ///
    /// Does no I/O. TLS is set up on the first request instead: on desktop Linux that reads
    /// the system's CA certificates (2.4 ms here, which was 90% of a cold start; benches/storage.rs),
    /// which an app launching with a fresh session should not wait for. Requests must be
    /// made inside a tokio runtime.
    ///
    /// # Errors
    /// [`TransportError::Config`] for an unusable public token, base URL, timeout, size cap
    /// or user agent. (A platform trust store that cannot be loaded, possible only on
    /// desktop Linux, is a `Config` error of the first `https` request.)
    pub fn new(config: StytchConfig) -> Result<Self, TransportError> {
        let base = config.validate().map_err(TransportError::Config)?;
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| TransportError::Config("the user agent must be visible ASCII".into()))?;
        let pins = PinSet::parse(&config.certificate_pins).map_err(TransportError::Config)?;
        #[cfg(feature = "test-support")]
        let extra_roots = {
            use rustls::pki_types::pem::PemObject as _;
            config
                .test_trust_anchors_pem
                .iter()
                .flat_map(|pem| CertificateDer::pem_slice_iter(pem))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| TransportError::Config(format!("test trust anchor: {error}")))?
        };
        #[cfg(not(feature = "test-support"))]
        let extra_roots = Vec::new();
        Ok(Self {
            client: OnceLock::new(),
            connect_timeout: config.connect_timeout,
            base,
            public_token: config.public_token,
            project_id: config.project_id,
            user_agent,
            request_timeout: config.request_timeout,
            max_response_bytes: config.max_response_bytes,
            pins,
            extra_roots,
        })
    }

    /// The HTTP client, built on first use. Two first requests racing may both build one;
    /// the first stored wins and the other is dropped unused.
    fn client(&self) -> Result<&HttpClient, TransportError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let tls = tls::client_config(self.base.is_https(), self.pins.as_ref(), &self.extra_roots)
            .map_err(TransportError::Config)?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build(https);
        Ok(self.client.get_or_init(|| client))
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// A request with the headers every call carries.
    fn request(&self, method: Method, uri: Uri, body: Bytes) -> OutgoingRequest {
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        request
    }

    /// `POST {base}/sdk/v1/sessions/{action}` with the session's Basic credentials.
    fn session_request(
        &self,
        action: &str,
        tokens: &SessionTokens,
        body: serde_json::Value,
    ) -> Result<OutgoingRequest, TransportError> {
        let uri = self.base.join(&["sdk", "v1", "sessions", action]);
        let mut request = self.request(Method::POST, uri, Bytes::from(body.to_string()));
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.basic_auth(tokens)?);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(request)
    }

    /// `Basic base64(public_token:session_token)`, built in buffers wiped on drop and marked
    /// sensitive so that `Debug` hides it.
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
        request: Result<OutgoingRequest, TransportError>,
        parse: impl FnOnce(&[u8], Option<DateTime<Utc>>) -> Result<(T, Option<String>), TransportError>,
    ) -> Result<T, TransportError> {
        let started = Instant::now();
        tracing::debug!(endpoint = endpoint.name(), "stytch request started");
        let mut status = None;
        let outcome = match request {
            // One deadline for the whole exchange: connecting, the answer's head and its body.
            Ok(request) => tokio::time::timeout(
                self.request_timeout,
                self.exchange(request, &mut status, parse),
            )
            .await
            .unwrap_or(Err(TransportError::Timeout)),
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
        request: OutgoingRequest,
        status_seen: &mut Option<u16>,
        parse: impl FnOnce(&[u8], Option<DateTime<Utc>>) -> Result<(T, Option<String>), TransportError>,
    ) -> Result<(T, Option<String>), TransportError> {
        let mut response = self.client()?.request(request).await.map_err(send_error)?;
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
            Some(project_id) => Ok(self.request(
                Method::GET,
                self.base.join(&["v1", "sessions", "jwks", project_id]),
                Bytes::new(),
            )),
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
    response: &mut Response<Incoming>,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, TransportError> {
    let too_large = || TransportError::TooLarge { limit };
    let announced = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let initial = announced
        .map_or(8 * 1024, |length| usize::try_from(length).unwrap_or(limit))
        .min(limit);
    let mut body = Zeroizing::new(Vec::with_capacity(initial));
    while let Some(frame) = response.body_mut().frame().await {
        let frame = frame.map_err(|error| TransportError::Truncated(causes(&error)))?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
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

/// A failure before an answer arrived. A connect timeout is a timeout; everything else
/// (DNS, refused, TLS, reset, closed without an answer) counts as `Connect`.
fn send_error(error: hyper_util::client::legacy::Error) -> TransportError {
    if let Some(mismatch) = pinning::pin_mismatch(&error) {
        return TransportError::PinMismatch(mismatch.to_string());
    }
    let mut source = error.source();
    while let Some(cause) = source {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return TransportError::Timeout;
        }
        source = cause.source();
    }
    TransportError::Connect(causes(&error))
}

/// What went wrong, from the error and its causes (hyper, io, rustls), skipping repeats and
/// kept short. None of them ever holds a header value, a URL or a body.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    const MAX_CHARS: usize = 300;
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    let text = if parts.is_empty() {
        "the request failed".to_owned()
    } else {
        parts.join(": ")
    };
    text.chars().take(MAX_CHARS).collect()
}
