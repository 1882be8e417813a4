//! Hostile response bodies (SPEC T2, E1-E3, E6): libFuzzer's bytes, after a two-byte HTTP
//! status, go to every reader of a Stytch answer: sessions/authenticate, sessions/revoke,
//! the JWKS, the error envelope, and (when short UTF-8) `Retry-After` and `Content-Type`.
//!
//! Proves: no panic; an accepted authenticate body yields exactly the tokens it states and
//! never shows them in Debug; E1 is decided on the body's own `error_type`; no error's
//! Display or Debug quotes a token-like piece of the body.

#![no_main]

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sessionkit::test_support;
use sessionkit::transport::{ErrorClass, TransportError};
use sessionkit_fuzz::{assert_quotes_no_token, oracle};

static NOW: LazyLock<DateTime<Utc>> =
    LazyLock::new(|| DateTime::from_timestamp(sessionkit_fuzz::NOW, 0).unwrap());

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*status);
    let doc = oracle(body);
    authenticate(body, doc.as_ref());
    revoke(body, doc.as_ref());
    jwks(body);
    for body in [Some(body), None] {
        error(status, body, doc.as_ref().filter(|_| body.is_some()));
    }
    if body.len() <= 256
        && let Ok(value) = std::str::from_utf8(body)
    {
        headers(value);
    }
});

/// A non-API error must not quote the body.
fn check_error(error: &TransportError, body: &[u8]) {
    assert_quotes_no_token("an error", &format!("{error} {error:?}"), body);
}

fn authenticate(body: &[u8], doc: Option<&Value>) {
    match test_support::authenticate_body(body) {
        Ok(answer) => {
            let (token, jwt) = (answer.tokens.session_token(), answer.tokens.session_jwt());
            assert!(
                !token.is_empty() && !jwt.is_empty(),
                "empty tokens accepted"
            );
            if let Some(data) = doc.map(|doc| &doc["data"]).filter(|data| data.is_object()) {
                assert_eq!(data["session_token"].as_str(), Some(token));
                assert_eq!(data["session_jwt"].as_str(), Some(jwt));
            }
            // The tokens' own Debug is redacted whatever they are.
            let shown = format!("{:?} {}", answer.tokens, answer.tokens);
            for secret in [token, jwt] {
                assert!(
                    secret.len() < 8 || !shown.contains(secret),
                    "SessionTokens shows a token: {shown}"
                );
            }
            // The whole answer may quote them only where the session itself states them.
            let others = format!("{:?} {:?}", answer.session, answer.request_id);
            let whole = format!("{answer:?}");
            for secret in [token, jwt] {
                assert!(
                    secret.len() < 8 || !whole.contains(secret) || others.contains(secret),
                    "Authenticated's Debug shows a token: {whole}"
                );
            }
        }
        Err(error) => {
            assert!(
                matches!(error, TransportError::Malformed(_)),
                "not Malformed: {error:?}"
            );
            check_error(&error, body);
        }
    }
}

fn revoke(body: &[u8], doc: Option<&Value>) {
    match test_support::revoke_body(body) {
        Ok(request_id) => {
            if let Some(data) = doc.map(|doc| &doc["data"]).filter(|data| data.is_object()) {
                assert_eq!(request_id.as_deref(), data["request_id"].as_str());
            }
        }
        Err(error) => check_error(&error, body),
    }
}

fn jwks(body: &[u8]) {
    match test_support::jwks_body(body) {
        Ok((text, _)) => assert_eq!(text.as_bytes(), body, "the JWKS text was changed"),
        Err(error) => check_error(&error, body),
    }
}

fn error(status: u16, body: Option<&[u8]>, doc: Option<&Value>) {
    let error = test_support::error_body(status, body, None);
    match &error {
        TransportError::Api {
            error_type,
            message,
            request_id,
            ..
        } => {
            // Stytch's own words are shown: they must be exactly the body's.
            let body = body.expect("an Api error without a body");
            assert!(!error_type.is_empty());
            assert!(body.trim_ascii_start().starts_with(b"{"), "not an object");
            if let Some(doc) = doc {
                assert_eq!(doc["error_type"].as_str(), Some(error_type.as_str()));
                assert_eq!(doc["error_message"].as_str().unwrap_or_default(), message);
                assert_eq!(doc["request_id"].as_str(), request_id.as_deref());
            }
            assert_eq!(
                error.class(),
                test_support::expected_error_class(status, error_type)
            );
        }
        TransportError::Status { .. } => {
            assert_eq!(error.class(), ErrorClass::Transient { retry_after: None });
            check_error(&error, body.unwrap_or_default());
        }
        other => panic!("unexpected error kind {other:?}"),
    }
}

fn headers(value: &str) {
    let delay = test_support::retry_after(value, *NOW);
    let trimmed = value.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        assert!(delay.is_some(), "delta-seconds {value:?} were not read");
    }
    let (json, shown) = test_support::content_type(value);
    assert!(shown.chars().count() <= 64);
    if json {
        let essence = value.split(';').next().unwrap_or_default().trim();
        assert!(essence.eq_ignore_ascii_case("application/json"));
    }
}
