//! The Stytch transport against real sockets (SPEC T1-T4, E1-E3, E6).
//!
//! Most tests talk to the embedded sandbox over loopback, with its fault injection standing
//! in for a bad network or a misbehaving server. A few need answers the sandbox does not
//! give (the wire fixtures byte for byte, a chunked body with no length, an HTTP-date
//! `Retry-After`, a redirect, a bare proxy error): those use a tiny raw HTTP server that
//! also records what the client sent. Times here are real, since the sockets are, but no
//! test asserts how long anything took.

use crate::support;
use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, Utc};
use parking_lot::Mutex;
use serde_json::Value;
use sessionkit::SessionTokens;
use sessionkit::transport::{ErrorClass, StytchConfig, StytchTransport, Transport, TransportError};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox, SignedIn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ----------------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------------

/// A config pointing at `sandbox`, with its project id.
fn config_for(sandbox: &Sandbox) -> StytchConfig {
    support::sandbox_config(sandbox)
}

fn transport(config: StytchConfig) -> StytchTransport {
    StytchTransport::new(config).expect("a valid config")
}

/// A sandbox, a transport for it, and a fresh session.
async fn signed_in() -> (Sandbox, StytchTransport, SignedIn, SessionTokens) {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let transport = transport(config_for(&sandbox));
    let user = sandbox.sign_in("ada@example.com", "correct horse").await;
    let tokens = SessionTokens::new(&user.session_token, &user.session_jwt);
    (sandbox, transport, user, tokens)
}

/// E6: neither the error's Display nor its Debug holds a token, the Basic credentials, or
/// anything else in `secrets`.
fn assert_redacted(error: &TransportError, user: &SignedIn, public_token: &str) {
    let credentials = STANDARD.encode(format!("{public_token}:{}", user.session_token));
    let text = format!("{error} | {error:?}");
    for secret in [&user.session_token, &user.session_jwt, &credentials] {
        assert!(
            !text.contains(secret.as_str()),
            "a secret leaked into {text}"
        );
    }
}

/// Expects an error from `result`, checks it for secrets, and returns it.
fn failure<T: std::fmt::Debug>(
    result: Result<T, TransportError>,
    user: &SignedIn,
    public_token: &str,
) -> TransportError {
    let error = result.expect_err("the call should fail");
    assert_redacted(&error, user, public_token);
    error
}

/// An RFC 3339 timestamp from a wire object.
fn wire_time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .expect("a timestamp")
        .parse()
        .expect("RFC 3339")
}

fn transient(retry_after: Option<Duration>) -> ErrorClass {
    ErrorClass::Transient { retry_after }
}

/// A raw HTTP/1.1 server on loopback: each connection is handed to `handler`. Returns the
/// base URL; the server stops with the test's runtime.
async fn serve_with<F, Fut>(handler: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handler(stream));
        }
    });
    base
}

/// Reads one request (head and `Content-Length` body) and returns it as text.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse::<usize>().unwrap());
            if buffer.len() >= end + 4 + length {
                return String::from_utf8_lossy(&buffer).into_owned();
            }
        }
        let read = stream.read(&mut chunk).await.unwrap_or(0);
        if read == 0 {
            return String::from_utf8_lossy(&buffer).into_owned();
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A raw server answering every request with `status`, `headers` and `body`, and recording
/// each request it read.
async fn serve_canned(
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (String, Arc<Mutex<Vec<String>>>) {
    let mut response = format!("HTTP/1.1 {status}\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        response.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    response.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    response.extend_from_slice(body);
    let response = Arc::new(response);
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let base = serve_with(move |mut stream| {
        let response = response.clone();
        let seen = seen.clone();
        async move {
            let request = read_request(&mut stream).await;
            seen.lock().push(request);
            let _ = stream.write_all(&response).await;
            let _ = stream.shutdown().await;
        }
    })
    .await;
    (base, requests)
}

/// A Stytch wire sample as bytes.
fn fixture(name: &str) -> Vec<u8> {
    crate::support::fixture(name).into_bytes()
}

/// A user and tokens for raw-server tests, which never see a real session.
fn placeholder_user() -> (SignedIn, SessionTokens) {
    let user = SignedIn {
        session_token: "placeholder-session-token-5f4e3d2c1b0a".into(),
        session_jwt: "placeholder.session.jwt-0a1b2c3d4e5f".into(),
        session: Value::Null,
        user: Value::Null,
    };
    let tokens = SessionTokens::new(&user.session_token, &user.session_jwt);
    (user, tokens)
}

const RAW_PUBLIC_TOKEN: &str = "public-token-test-raw-server";

fn raw_config(base: &str) -> StytchConfig {
    StytchConfig::new(RAW_PUBLIC_TOKEN)
        .with_base_url(base)
        .with_project_id("project-test-raw")
}

// ----------------------------------------------------------------------------------------
// T2: endpoints, credentials, envelopes
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn t2_authenticate_sends_basic_auth_and_parses_the_data_envelope() {
    let (sandbox, transport, user, tokens) = signed_in().await;

    let answer = transport.authenticate(&tokens, None).await.unwrap();

    assert_eq!(answer.session.session_id, user.session_id());
    assert_eq!(answer.session.user_id, user.user_id());
    assert_eq!(answer.session.attributes.ip_address, "127.0.0.1");
    assert!(!answer.session.authentication_factors.is_empty());
    assert_eq!(
        answer.tokens.session_token(),
        user.session_token,
        "Stytch keeps the token"
    );
    assert_ne!(
        answer.tokens.session_jwt(),
        user.session_jwt,
        "the JWT is rotated"
    );
    assert!(
        answer
            .request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("request-id-test-"))
    );
    assert!(answer.session.last_accessed_at > wire_time(&user.session["last_accessed_at"]));
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);

    // The rotated pair works for the next call too.
    let again = transport.authenticate(&answer.tokens, None).await.unwrap();
    assert_eq!(again.session.session_id, user.session_id());
}

#[tokio::test]
async fn t2_request_carries_basic_auth_json_headers_and_the_duration_body() {
    let (base, requests) = serve_canned(
        "200 OK",
        &[("Content-Type", "application/json")],
        &fixture("sessions_authenticate_200.json"),
    )
    .await;
    let transport = transport(raw_config(&base));
    let (_, tokens) = placeholder_user();

    transport.authenticate(&tokens, Some(60)).await.unwrap();
    transport.authenticate(&tokens, None).await.unwrap();

    let requests = requests.lock().clone();
    assert_eq!(requests.len(), 2);
    let credentials = STANDARD.encode(format!("{RAW_PUBLIC_TOKEN}:{}", tokens.session_token()));
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        assert!(
            request.starts_with("POST /sdk/v1/sessions/authenticate HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(lower.contains(&format!(
            "authorization: basic {}\r\n",
            credentials.to_ascii_lowercase()
        )));
        assert!(lower.contains("content-type: application/json\r\n"));
        assert!(lower.contains("accept: application/json\r\n"));
        assert!(lower.contains("user-agent: sessionkit-rust/"));
    }
    let body = |request: &str| -> Value {
        serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap()).unwrap()
    };
    assert_eq!(
        body(&requests[0]),
        serde_json::json!({"session_duration_minutes": 60})
    );
    assert_eq!(body(&requests[1]), serde_json::json!({}));
}

#[tokio::test]
async fn t2_wrong_public_token_is_unauthorized_credentials_and_definitive() {
    let (sandbox, _, user, tokens) = signed_in().await;
    let wrong = "public-token-test-00000000-0000-0000-0000-000000000000";
    let transport = transport(StytchConfig::new(wrong).with_base_url(sandbox.base_url()));

    let error = failure(transport.authenticate(&tokens, None).await, &user, wrong);

    assert!(
        matches!(&error, TransportError::Api { status: 401, error_type, request_id: Some(_), .. }
            if error_type == "unauthorized_credentials"),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::Definitive);
    assert!(
        sandbox.is_session_active(&user.session_token),
        "nothing was revoked"
    );
}

#[tokio::test]
async fn t2_session_duration_minutes_is_sent_only_when_given() {
    let (_sandbox, transport, user, tokens) = signed_in().await;
    let signed_in_expiry = wire_time(&user.session["expires_at"]);

    let plain = transport.authenticate(&tokens, None).await.unwrap();
    assert_eq!(
        plain.session.expires_at, signed_in_expiry,
        "no duration, no extension"
    );

    let extended = transport.authenticate(&tokens, Some(600)).await.unwrap();
    assert_eq!(
        extended.session.expires_at,
        extended.session.last_accessed_at + TimeDelta::minutes(600)
    );
    assert!(extended.session.expires_at > signed_in_expiry);
}

#[tokio::test]
async fn t2_revoke_ends_the_session_and_authenticate_then_is_definitive() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    let public_token = sandbox.public_token().to_owned();

    transport.revoke(&tokens).await.unwrap();
    assert!(!sandbox.is_session_active(&user.session_token));
    assert_eq!(sandbox.request_count(Endpoint::Revoke), 1);

    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        &public_token,
    );
    assert!(
        matches!(&error, TransportError::Api { status: 404, error_type, .. } if error_type == "session_not_found"),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::Definitive);

    // Revoking again: the session is gone, which is just as definitive.
    let again = failure(transport.revoke(&tokens).await, &user, &public_token);
    assert_eq!(again.class(), ErrorClass::Definitive);
}

#[tokio::test]
async fn e1_a_server_side_revoke_makes_authenticate_definitive() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    sandbox.revoke_all();
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error.class(), ErrorClass::Definitive);
}

#[tokio::test]
async fn e1_an_expired_session_is_definitive() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    sandbox.advance_clock(Duration::from_secs(61 * 60));
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error.class(), ErrorClass::Definitive, "{error:?}");
}

#[tokio::test]
async fn e1_a_404_without_session_not_found_never_clears() {
    let (sandbox, _, user, tokens) = signed_in().await;
    // A wrong path prefix: the sandbox answers 404 `route_not_found`.
    let transport = transport(
        config_for(&sandbox).with_base_url(format!("{}/wrong-prefix", sandbox.base_url())),
    );
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(
        matches!(&error, TransportError::Api { status: 404, .. }),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::Rejected);
}

#[tokio::test]
async fn e3_invalid_session_duration_is_rejected() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    let public_token = sandbox.public_token().to_owned();

    // The sandbox's own validation (5..=527040 minutes)...
    let error = failure(
        transport.authenticate(&tokens, Some(1)).await,
        &user,
        &public_token,
    );
    assert!(
        matches!(&error, TransportError::Api { status: 400, error_type, .. } if error_type == "invalid_session_duration"),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::Rejected);

    // ...and the same answer injected.
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::status(400, "invalid_session_duration"),
        1,
    );
    let error = failure(
        transport.authenticate(&tokens, Some(60)).await,
        &user,
        &public_token,
    );
    assert_eq!(error.class(), ErrorClass::Rejected);
    assert!(sandbox.is_session_active(&user.session_token));
}

#[tokio::test]
async fn t2_fetch_jwks_returns_the_key_set() {
    let sandbox = Sandbox::start().await.unwrap();
    let transport = transport(config_for(&sandbox));

    let text = transport.fetch_jwks().await.unwrap();

    let jwks: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(jwks["keys"], sandbox.jwks()["keys"]);
    assert_eq!(jwks["keys"][0]["kid"], sessionkit_sandbox::jwt::KID);
    assert_eq!(sandbox.request_count(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn t2_fetch_jwks_needs_a_project_id_and_classifies_failures() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = config_for(&sandbox);
    config.project_id = None;
    let error = transport(config).fetch_jwks().await.unwrap_err();
    assert!(matches!(error, TransportError::Config(_)), "{error:?}");
    assert_eq!(sandbox.request_count(Endpoint::Jwks), 0);

    let transport = transport(config_for(&sandbox));
    sandbox.inject(Endpoint::Jwks, Fault::status(503, "service_unavailable"), 1);
    assert_eq!(
        transport.fetch_jwks().await.unwrap_err().class(),
        transient(None)
    );
    sandbox.inject(Endpoint::Jwks, Fault::MalformedJson, 1);
    assert!(matches!(
        transport.fetch_jwks().await,
        Err(TransportError::Malformed(_))
    ));

    let unknown = transport_for_project(&sandbox, "project-test-unknown");
    let error = unknown.fetch_jwks().await.unwrap_err();
    assert!(
        matches!(&error, TransportError::Api { status: 404, error_type, .. } if error_type == "project_not_found")
    );
}

fn transport_for_project(sandbox: &Sandbox, project_id: &str) -> StytchTransport {
    transport(config_for(sandbox).with_project_id(project_id))
}

#[tokio::test]
async fn t2_wire_fixtures_parse_end_to_end() {
    let (user, tokens) = placeholder_user();

    let (base, _) = serve_canned(
        "200 OK",
        &[("Content-Type", "application/json; charset=utf-8")],
        &fixture("sessions_authenticate_200.json"),
    )
    .await;
    let answer = transport(raw_config(&base))
        .authenticate(&tokens, None)
        .await
        .unwrap();
    assert_eq!(
        answer.session.session_id,
        "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509"
    );
    assert_eq!(
        answer.tokens.session_token(),
        "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
    );
    assert_eq!(
        answer.request_id.as_deref(),
        Some("request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141")
    );

    let (base, requests) = serve_canned(
        "200 OK",
        &[("Content-Type", "application/json")],
        &fixture("sessions_revoke_200.json"),
    )
    .await;
    transport(raw_config(&base)).revoke(&tokens).await.unwrap();
    let request = requests.lock()[0].clone();
    assert!(
        request.starts_with("POST /sdk/v1/sessions/revoke HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.ends_with("\r\n\r\n{}"), "{request}");

    let errors = [
        (
            "400 Bad Request",
            "sessions_authenticate_400_invalid_session_duration.json",
            ErrorClass::Rejected,
        ),
        (
            "401 Unauthorized",
            "sessions_authenticate_401_unauthorized_credentials.json",
            ErrorClass::Definitive,
        ),
        (
            "404 Not Found",
            "sessions_authenticate_404_session_not_found.json",
            ErrorClass::Definitive,
        ),
        (
            "429 Too Many Requests",
            "sessions_authenticate_429_too_many_requests.json",
            transient(None),
        ),
    ];
    for (status, name, class) in errors {
        let (base, _) = serve_canned(
            status,
            &[("Content-Type", "application/json")],
            &fixture(name),
        )
        .await;
        let error = failure(
            transport(raw_config(&base))
                .authenticate(&tokens, None)
                .await,
            &user,
            RAW_PUBLIC_TOKEN,
        );
        let expected: Value = serde_json::from_slice(&fixture(name)).unwrap();
        match &error {
            TransportError::Api {
                status,
                error_type,
                message,
                request_id,
                retry_after,
            } => {
                assert_eq!(Some(u64::from(*status)), expected["status_code"].as_u64());
                assert_eq!(error_type, expected["error_type"].as_str().unwrap());
                assert_eq!(message, expected["error_message"].as_str().unwrap());
                assert_eq!(request_id.as_deref(), expected["request_id"].as_str());
                assert_eq!(*retry_after, None);
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(error.class(), class, "{name}");
    }
}

#[tokio::test]
async fn t2_redirects_are_not_followed() {
    let (user, tokens) = placeholder_user();
    let (target, target_requests) = serve_canned(
        "200 OK",
        &[("Content-Type", "application/json")],
        &fixture("sessions_authenticate_200.json"),
    )
    .await;
    let location = format!("{target}/sdk/v1/sessions/authenticate");
    let (base, _) = serve_canned("307 Temporary Redirect", &[("Location", &location)], b"").await;

    let error = failure(
        transport(raw_config(&base))
            .authenticate(&tokens, None)
            .await,
        &user,
        RAW_PUBLIC_TOKEN,
    );

    assert_eq!(
        error,
        TransportError::Status {
            status: 307,
            retry_after: None
        }
    );
    assert!(
        target_requests.lock().is_empty(),
        "the credentials never went elsewhere"
    );
}

// ----------------------------------------------------------------------------------------
// E2: what is worth retrying
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn e2_too_many_requests_is_transient_and_honours_retry_after() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    let public_token = sandbox.public_token().to_owned();

    sandbox.inject(Endpoint::Authenticate, Fault::too_many_requests(Some(3)), 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        &public_token,
    );
    assert!(
        matches!(&error, TransportError::Api { status: 429, error_type, retry_after: Some(after), .. }
            if error_type == "too_many_requests" && *after == Duration::from_secs(3)),
        "{error:?}"
    );
    assert_eq!(error.class(), transient(Some(Duration::from_secs(3))));

    sandbox.inject(Endpoint::Authenticate, Fault::too_many_requests(None), 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        &public_token,
    );
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Revoke, Fault::too_many_requests(Some(0)), 1);
    let error = failure(transport.revoke(&tokens).await, &user, &public_token);
    assert_eq!(error.class(), transient(Some(Duration::ZERO)));
    assert!(sandbox.is_session_active(&user.session_token));
}

#[tokio::test]
async fn e2_retry_after_as_an_http_date_is_read() {
    let (user, tokens) = placeholder_user();
    let date = (Utc::now() + TimeDelta::seconds(120))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let (base, _) = serve_canned(
        "503 Service Unavailable",
        &[("Content-Type", "application/json"), ("Retry-After", &date)],
        &fixture("sessions_authenticate_429_too_many_requests.json"),
    )
    .await;

    let error = failure(
        transport(raw_config(&base))
            .authenticate(&tokens, None)
            .await,
        &user,
        RAW_PUBLIC_TOKEN,
    );

    let ErrorClass::Transient {
        retry_after: Some(after),
    } = error.class()
    else {
        panic!("{error:?}");
    };
    // The date has one-second resolution and the clock moves during the call.
    assert!(
        after > Duration::from_secs(100) && after <= Duration::from_secs(120),
        "{after:?}"
    );
}

#[tokio::test]
async fn e2_server_errors_are_transient() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    for status in [500, 502, 503] {
        sandbox.inject(
            Endpoint::Authenticate,
            Fault::status(status, "internal_server_error"),
            1,
        );
        let error = failure(
            transport.authenticate(&tokens, None).await,
            &user,
            sandbox.public_token(),
        );
        assert!(
            matches!(error, TransportError::Api { status: s, .. } if s == status),
            "{error:?}"
        );
        assert_eq!(error.class(), transient(None));

        sandbox.inject(
            Endpoint::Revoke,
            Fault::status(status, "internal_server_error"),
            1,
        );
        let error = failure(
            transport.revoke(&tokens).await,
            &user,
            sandbox.public_token(),
        );
        assert_eq!(error.class(), transient(None));
    }
    assert!(sandbox.is_session_active(&user.session_token));
}

#[tokio::test]
async fn e2_error_status_without_a_stytch_body_is_a_transient_status() {
    let (user, tokens) = placeholder_user();
    for (status, code) in [
        ("502 Bad Gateway", 502),
        ("404 Not Found", 404),
        ("401 Unauthorized", 401),
    ] {
        let (base, _) = serve_canned(
            status,
            &[("Content-Type", "text/html"), ("Retry-After", "5")],
            b"<html>proxy says no</html>",
        )
        .await;
        let error = failure(
            transport(raw_config(&base))
                .authenticate(&tokens, None)
                .await,
            &user,
            RAW_PUBLIC_TOKEN,
        );
        assert_eq!(
            error,
            TransportError::Status {
                status: code,
                retry_after: Some(Duration::from_secs(5))
            },
            "a {code} from a proxy is not Stytch saying the session is over"
        );
        assert!(
            !error.to_string().contains("proxy says no"),
            "no body in messages"
        );
        assert_eq!(error.class(), transient(Some(Duration::from_secs(5))));
    }
}

#[tokio::test]
async fn e2_delay_longer_than_the_request_timeout_is_a_timeout() {
    let (sandbox, _, user, tokens) = signed_in().await;
    // Long enough for a loaded machine to answer the last, undelayed request in time.
    let transport = transport(config_for(&sandbox).with_request_timeout(Duration::from_secs(1)));

    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_secs(30)),
        1,
    );
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error, TransportError::Timeout);
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Revoke, Fault::Delay(Duration::from_secs(30)), 1);
    let error = failure(
        transport.revoke(&tokens).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error, TransportError::Timeout);

    // The timeout is per request: the next one goes through.
    transport.authenticate(&tokens, None).await.unwrap();
}

#[tokio::test]
async fn t3_request_timeout_is_configurable() {
    let (sandbox, _, user, tokens) = signed_in().await;
    let short = transport(config_for(&sandbox).with_request_timeout(Duration::from_millis(50)));
    let long = transport(config_for(&sandbox).with_request_timeout(Duration::from_secs(30)));

    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(500)),
        2,
    );
    let error = failure(
        short.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error, TransportError::Timeout);
    long.authenticate(&tokens, None)
        .await
        .expect("a patient client waits the delay out");
}

#[tokio::test]
async fn e2_dropped_connection_is_a_transient_connect_error() {
    let (sandbox, transport, user, tokens) = signed_in().await;

    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Revoke, Fault::DropConnection, 1);
    let error = failure(
        transport.revoke(&tokens).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
    assert!(sandbox.is_session_active(&user.session_token));
}

#[tokio::test]
async fn e2_refused_connection_is_a_transient_connect_error() {
    let (user, tokens) = placeholder_user();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = transport(raw_config(&format!("http://127.0.0.1:{port}")));
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        RAW_PUBLIC_TOKEN,
    );
    assert!(
        matches!(&error, TransportError::Connect(message) if !message.is_empty()),
        "{error:?}"
    );
    assert_eq!(error.class(), transient(None));
}

#[tokio::test]
async fn e2_truncated_body_is_transient() {
    let (sandbox, transport, user, tokens) = signed_in().await;

    sandbox.inject(Endpoint::Authenticate, Fault::TruncatedBody, 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Truncated(_)), "{error:?}");
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Revoke, Fault::TruncatedBody, 1);
    let error = failure(
        transport.revoke(&tokens).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Truncated(_)), "{error:?}");
}

#[tokio::test]
async fn e2_malformed_json_is_transient() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    sandbox.inject(Endpoint::Authenticate, Fault::MalformedJson, 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Malformed(_)), "{error:?}");
    assert!(
        !error.to_string().contains("<html>"),
        "no body in messages: {error}"
    );
    assert_eq!(error.class(), transient(None));
}

#[tokio::test]
async fn e2_empty_body_is_malformed_and_transient() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    sandbox.inject(Endpoint::Authenticate, Fault::EmptyBody, 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Malformed(_)), "{error:?}");
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Revoke, Fault::EmptyBody, 1);
    let error = failure(
        transport.revoke(&tokens).await,
        &user,
        sandbox.public_token(),
    );
    assert!(matches!(error, TransportError::Malformed(_)), "{error:?}");
}

#[tokio::test]
async fn e2_a_success_missing_fields_is_malformed() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    // A valid success envelope, but with padding instead of a session.
    sandbox.inject(Endpoint::Authenticate, Fault::OversizedBody(300), 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert!(
        matches!(&error, TransportError::Malformed(m) if m.contains("missing field")),
        "{error:?}"
    );
    assert_eq!(error.class(), transient(None));
}

#[tokio::test]
async fn e2_wrong_content_type_is_transient() {
    let (sandbox, transport, user, tokens) = signed_in().await;
    sandbox.inject(Endpoint::Authenticate, Fault::WrongContentType, 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error, TransportError::WrongContentType("text/html".into()));
    assert_eq!(error.class(), transient(None));

    sandbox.inject(Endpoint::Jwks, Fault::WrongContentType, 1);
    assert!(matches!(
        transport.fetch_jwks().await,
        Err(TransportError::WrongContentType(_))
    ));
}

// ----------------------------------------------------------------------------------------
// T3: size cap and timeouts
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn t3_oversized_body_over_the_cap_is_too_large() {
    let (sandbox, _, user, tokens) = signed_in().await;
    let transport = transport(config_for(&sandbox).with_max_response_bytes(4096));

    sandbox.inject(Endpoint::Authenticate, Fault::OversizedBody(10_000), 1);
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(error, TransportError::TooLarge { limit: 4096 });
    assert_eq!(error.class(), transient(None));

    // Under the cap, the same padded envelope is a perfectly good revoke answer.
    sandbox.inject(Endpoint::Revoke, Fault::OversizedBody(3000), 1);
    transport
        .revoke(&tokens)
        .await
        .expect("3000 bytes fit under 4096");

    // A real answer (a few KB with the session and the JWT) fits the default cap easily.
    let roomy = self::transport(config_for(&sandbox));
    let user = sandbox.sign_in("grace@example.com", "hopper").await;
    let tokens = SessionTokens::new(&user.session_token, &user.session_jwt);
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::OversizedBody(1024 * 1024 + 1),
        1,
    );
    let error = failure(
        roomy.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    assert_eq!(
        error,
        TransportError::TooLarge {
            limit: StytchConfig::DEFAULT_MAX_RESPONSE_BYTES
        }
    );
    roomy.authenticate(&tokens, None).await.unwrap();
}

#[tokio::test]
async fn t3_size_cap_is_enforced_while_streaming_without_content_length() {
    let (user, tokens) = placeholder_user();
    // A chunked answer with no Content-Length that would go on for a megabyte.
    let base = serve_with(|mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("400\r\n{}\r\n", "x".repeat(0x400));
        for _ in 0..1024 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                return; // the client hung up, as it should
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let transport = transport(raw_config(&base).with_max_response_bytes(10_000));

    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        RAW_PUBLIC_TOKEN,
    );

    assert_eq!(error, TransportError::TooLarge { limit: 10_000 });
}

#[tokio::test]
async fn t3_error_bodies_over_the_cap_leave_a_bare_status() {
    let (user, tokens) = placeholder_user();
    let mut body = fixture("sessions_authenticate_429_too_many_requests.json");
    body.extend(std::iter::repeat_n(b' ', 20_000));
    let (base, _) = serve_canned(
        "429 Too Many Requests",
        &[("Content-Type", "application/json")],
        &body,
    )
    .await;
    let transport = transport(raw_config(&base).with_max_response_bytes(1000));
    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        RAW_PUBLIC_TOKEN,
    );
    assert_eq!(
        error,
        TransportError::Status {
            status: 429,
            retry_after: None
        }
    );
    assert_eq!(error.class(), transient(None));
}

#[tokio::test]
async fn t3_timeouts_and_cap_are_configurable_and_checked() {
    let config = StytchConfig::new("public-token-test-1")
        .with_connect_timeout(Duration::from_secs(3))
        .with_request_timeout(Duration::from_secs(7))
        .with_max_response_bytes(2048);
    assert_eq!(config.connect_timeout, Duration::from_secs(3));
    assert_eq!(config.request_timeout, Duration::from_secs(7));
    assert_eq!(config.max_response_bytes, 2048);
    assert!(StytchTransport::new(config.clone()).is_ok());

    for bad in [
        config.clone().with_request_timeout(Duration::ZERO),
        config.clone().with_connect_timeout(Duration::ZERO),
        config.clone().with_max_response_bytes(0),
    ] {
        let error = StytchTransport::new(bad).unwrap_err();
        assert!(matches!(error, TransportError::Config(_)), "{error:?}");
        assert_eq!(error.class(), ErrorClass::Rejected);
    }
}

// ----------------------------------------------------------------------------------------
// T4: base URL
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn t4_base_url_follows_the_public_token() {
    let test = StytchTransport::new(StytchConfig::new("public-token-test-6a1f")).unwrap();
    assert_eq!(test.base_url(), "https://test.stytch.com");
    assert_eq!(test.base_url(), StytchConfig::TEST_BASE_URL);
    let live = StytchTransport::new(StytchConfig::new("public-token-live-6a1f")).unwrap();
    assert_eq!(live.base_url(), "https://api.stytch.com");
    assert_eq!(live.base_url(), StytchConfig::LIVE_BASE_URL);

    for token in [
        "secret-test-6a1f",
        "project-live-6a1f",
        "public-token-6a1f",
        "",
    ] {
        let error = StytchTransport::new(StytchConfig::new(token)).unwrap_err();
        assert!(
            matches!(&error, TransportError::Config(_)),
            "{token}: {error:?}"
        );
        assert!(
            token.is_empty() || !error.to_string().contains(token),
            "the token is not quoted"
        );
        assert_eq!(StytchConfig::new(token).resolved_base_url(), Err(error));
    }
}

#[tokio::test]
async fn t4_base_url_can_be_overridden_with_or_without_a_trailing_slash() {
    let (sandbox, _, _, tokens) = signed_in().await;
    for base in [sandbox.base_url(), format!("{}/", sandbox.base_url())] {
        let transport = transport(config_for(&sandbox).with_base_url(base));
        assert_eq!(transport.base_url(), sandbox.base_url());
        transport.authenticate(&tokens, None).await.unwrap();
        transport.fetch_jwks().await.unwrap();
    }
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 2);

    // Any public token works with an override (a proxy may use its own).
    let proxy = StytchConfig::new("pk_anything").with_base_url("https://auth.example.com/stytch/");
    assert_eq!(
        proxy.resolved_base_url().unwrap(),
        "https://auth.example.com/stytch"
    );

    for bad in [
        "not a url",
        "ftp://example.com",
        "https://user:pw@example.com",
    ] {
        let error = StytchTransport::new(config_for(&sandbox).with_base_url(bad)).unwrap_err();
        assert!(
            matches!(error, TransportError::Config(_)),
            "{bad}: {error:?}"
        );
    }
}

// ----------------------------------------------------------------------------------------
// T1: TLS
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn t1_https_to_a_server_that_does_not_speak_tls_is_a_connect_error() {
    let (sandbox, _, user, tokens) = signed_in().await;
    let https = sandbox.base_url().replacen("http://", "https://", 1);
    let transport = transport(config_for(&sandbox).with_base_url(https));

    let error = failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );

    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
    assert_eq!(error.class(), transient(None));
}

// ----------------------------------------------------------------------------------------
// E6: no token in any error
// ----------------------------------------------------------------------------------------

#[tokio::test]
async fn e6_no_error_of_any_kind_contains_a_token() {
    let (sandbox, _, user, tokens) = signed_in().await;
    let transport = transport(
        config_for(&sandbox)
            .with_request_timeout(Duration::from_secs(1))
            .with_max_response_bytes(2048),
    );
    let faults = [
        Fault::Delay(Duration::from_secs(30)),
        Fault::status(401, "unauthorized_credentials"),
        Fault::status(404, "session_not_found"),
        Fault::status(400, "invalid_session_duration"),
        Fault::too_many_requests(Some(1)),
        Fault::status(500, "internal_server_error"),
        Fault::MalformedJson,
        Fault::TruncatedBody,
        Fault::WrongContentType,
        Fault::OversizedBody(10_000),
        Fault::DropConnection,
        Fault::EmptyBody,
    ];
    let mut kinds = HashSet::new();
    for fault in faults {
        sandbox.inject(Endpoint::Authenticate, fault.clone(), 1);
        let error = failure(
            transport.authenticate(&tokens, Some(60)).await,
            &user,
            sandbox.public_token(),
        );
        sandbox.inject(Endpoint::Revoke, fault, 1);
        failure(
            transport.revoke(&tokens).await,
            &user,
            sandbox.public_token(),
        );
        kinds.insert(std::mem::discriminant(&error));
    }
    // Timeout, Api, Malformed, Truncated, WrongContentType, TooLarge, Connect.
    assert_eq!(kinds.len(), 7, "every kind of failure was exercised");

    // The session survived every fault, then a real revoke and what follows it.
    transport.revoke(&tokens).await.unwrap();
    failure(
        transport.authenticate(&tokens, None).await,
        &user,
        sandbox.public_token(),
    );
    failure(
        transport.revoke(&tokens).await,
        &user,
        sandbox.public_token(),
    );
}
