//! Reading Stytch's answers (SPEC T2, E2): success envelopes, the error envelope, the
//! content type and `Retry-After`.
//!
//! Pure functions over bytes and header values, kept apart from the HTTP plumbing so the
//! wire samples in `shared/fixtures/stytch/` can be checked without a server. Errors
//! describe what was wrong, never what was received: bodies hold tokens, and serde_json's
//! own messages may quote them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::{Authenticated, TransportError};
use crate::model::{Session, SessionTokens, describe_json_error, starts_as_object};

/// `{"data": {...}}`, Stytch's success envelope.
#[derive(Deserialize)]
struct Success<T> {
    data: T,
}

/// The fields SessionKit uses from `data` of a sessions/authenticate answer.
#[derive(Deserialize)]
struct AuthenticateData {
    session: Session,
    session_token: Zeroizing<String>,
    session_jwt: Zeroizing<String>,
    #[serde(default)]
    request_id: Option<String>,
}

/// `data` of an answer SessionKit needs nothing from but the request id.
#[derive(Deserialize)]
struct RequestIdOnly {
    #[serde(default)]
    request_id: Option<String>,
}

/// Stytch's error envelope. `status_code` and `error_url` are not needed: the HTTP status
/// is authoritative, and the URL is derivable from `error_type`.
#[derive(Deserialize)]
struct ErrorEnvelope {
    error_type: String,
    #[serde(default)]
    error_message: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

/// The JWKS document, checked for shape only.
#[derive(Deserialize)]
struct Jwks {
    #[expect(dead_code, reason = "deserialised only to check the document's shape")]
    keys: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// A sessions/authenticate success body.
pub(crate) fn authenticated(body: &[u8]) -> Result<Authenticated, TransportError> {
    let Success { data } = parse::<Success<AuthenticateData>>(body)?;
    let tokens = SessionTokens::new(data.session_token.as_str(), data.session_jwt.as_str());
    if let Some(problem) = tokens.shape_problem() {
        return Err(TransportError::Malformed(problem.into()));
    }
    Ok(Authenticated {
        session: data.session,
        tokens,
        request_id: data.request_id,
        server_date: None,
    })
}

/// A success body whose `data` matters only for its `request_id` (sessions/revoke).
pub(crate) fn acknowledged(body: &[u8]) -> Result<Option<String>, TransportError> {
    Ok(parse::<Success<RequestIdOnly>>(body)?.data.request_id)
}

/// A JWKS body: a JSON object with a `keys` array of objects. Returns the text unchanged,
/// and the `request_id` Stytch adds beside the keys.
pub(crate) fn jwks(body: &[u8]) -> Result<(String, Option<String>), TransportError> {
    parse::<Jwks>(body)?;
    let request_id = parse::<RequestIdOnly>(body)?.request_id;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| TransportError::Malformed("the body is not UTF-8".into()))?;
    Ok((text, request_id))
}

/// The error for a non-2xx answer: [`TransportError::Api`] when `body` is Stytch's error
/// envelope, [`TransportError::Status`] otherwise (a proxy page, an empty or cut body).
pub(crate) fn api_error(
    status: u16,
    body: Option<&[u8]>,
    retry_after: Option<Duration>,
) -> TransportError {
    // E1 hangs on `error_type`: only an object has one.
    let body = body.filter(|body| starts_as_object(body));
    match body.and_then(|body| serde_json::from_slice::<ErrorEnvelope>(body).ok()) {
        Some(envelope) if !envelope.error_type.is_empty() => TransportError::Api {
            status,
            error_type: server_text(&envelope.error_type, MAX_ERROR_TYPE_CHARS),
            message: server_text(
                envelope.error_message.as_deref().unwrap_or_default(),
                MAX_ERROR_MESSAGE_CHARS,
            ),
            request_id: envelope
                .request_id
                .map(|id| server_text(&id, MAX_REQUEST_ID_CHARS)),
            retry_after,
        },
        _ => TransportError::Status {
            status,
            retry_after,
        },
    }
}

/// Caps on server text kept in errors and logs (V5). Stytch's longest `error_message` is
/// about 200 characters; its `error_type`s are snake_case names under 64.
const MAX_ERROR_MESSAGE_CHARS: usize = 300;
const MAX_ERROR_TYPE_CHARS: usize = 64;
const MAX_REQUEST_ID_CHARS: usize = 128;

/// Server text made safe to keep in an error or a log line (V5): at most `max` characters,
/// control characters escaped (`\n`, `\u{1b}`), so no answer can forge log lines, drive a
/// terminal or grow a message without bound. A cut is marked with `…`.
pub(crate) fn server_text(text: &str, max: usize) -> String {
    let mut kept = String::with_capacity(text.len().min(max + 8));
    for (count, c) in text.chars().enumerate() {
        if count == max {
            kept.push('…');
            break;
        }
        if c.is_control() {
            kept.extend(c.escape_default());
        } else {
            kept.push(c);
        }
    }
    kept
}

/// Whether a `Content-Type` value is `application/json`, parameters (`charset`) allowed.
pub(crate) fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The media type of a `Content-Type` value, shortened, for an error message.
pub(crate) fn media_type(content_type: Option<&str>) -> String {
    match content_type.and_then(|value| value.split(';').next()) {
        Some(essence) if !essence.trim().is_empty() => server_text(essence.trim(), 64),
        _ => "(none)".into(),
    }
}

/// A `Retry-After` value as a delay from `now`: delta-seconds, or an HTTP-date. A date in
/// the past is zero; anything unreadable is `None`. For an HTTP-date, `now` should be the
/// answer's own `Date` (the server's clock), not the device's, which may be far off (R5).
/// Capped at [`MAX_RETRY_AFTER`] (V3).
pub(crate) fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let delay = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate rather than being ignored.
        Duration::from_secs(value.parse().unwrap_or(u64::MAX))
    } else {
        let date = http_date(value)?;
        (date - now).to_std().unwrap_or(Duration::ZERO)
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// The longest `Retry-After` the engine honours (V3): anything on the path that can answer
/// 429 or 503 (a WAF, a CDN) could otherwise switch automatic refresh off for years.
/// Ten minutes is longer than any rate-limit window Stytch documents.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// An HTTP-date (RFC 9110: IMF-fixdate, or the obsolete RFC 850 and asctime forms), as in
/// `Date` and `Retry-After`.
pub(crate) fn http_date(value: &str) -> Option<DateTime<Utc>> {
    httpdate::parse_http_date(value.trim())
        .ok()
        .map(DateTime::<Utc>::from)
}

/// Deserialises `body`, describing a failure without quoting it.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, TransportError> {
    serde_json::from_slice(body).map_err(|error| TransportError::Malformed(describe(&error)))
}

/// [`describe_json_error`], plus the field name when a field is missing: field names come
/// from SessionKit's own types, so they are safe to show and say what the server left out.
fn describe(error: &serde_json::Error) -> String {
    let position = describe_json_error(error);
    let text = error.to_string();
    match text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
    {
        Some((field, _)) => format!("missing field `{field}` ({position})"),
        None if body_was_empty(error) => format!("empty body ({position})"),
        None => position,
    }
}

fn body_was_empty(error: &serde_json::Error) -> bool {
    error.is_eof() && error.line() == 1 && error.column() == 0
}

#[cfg(test)]
mod tests {

    use chrono::TimeZone;

    use super::*;
    use crate::transport::ErrorClass;

    fn fixture(name: &str) -> Vec<u8> {
        crate::test_support::stytch_fixture(name).into_bytes()
    }

    #[test]
    fn t2_authenticate_fixture_parses_session_tokens_and_request_id() {
        let body = fixture("sessions_authenticate_200.json");
        let answer = authenticated(&body).unwrap();
        assert_eq!(
            answer.session.session_id,
            "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509"
        );
        assert_eq!(
            answer.session.user_id,
            "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6"
        );
        assert_eq!(answer.session.authentication_factors.len(), 1);
        assert_eq!(answer.session.custom_claims["claim1"], "value1");
        assert_eq!(answer.session.roles, ["stytch_user"]);
        assert_eq!(
            answer.tokens.session_token(),
            "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q"
        );
        assert!(
            answer
                .tokens
                .session_jwt()
                .starts_with("eyJhbGciOiJSUzI1NiIs")
        );
        assert_eq!(
            answer.request_id.as_deref(),
            Some("request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141")
        );
    }

    #[test]
    fn t2_revoke_fixture_parses_request_id() {
        let body = fixture("sessions_revoke_200.json");
        assert_eq!(
            acknowledged(&body).unwrap().as_deref(),
            Some("request-id-test-9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")
        );
    }

    #[test]
    fn e1_e3_error_fixtures_become_api_errors_with_the_right_class() {
        let cases = [
            (
                "sessions_authenticate_400_invalid_session_duration.json",
                400,
                "invalid_session_duration",
                ErrorClass::Rejected,
            ),
            (
                "sessions_authenticate_401_unauthorized_credentials.json",
                401,
                "unauthorized_credentials",
                ErrorClass::Definitive,
            ),
            (
                "sessions_authenticate_404_session_not_found.json",
                404,
                "session_not_found",
                ErrorClass::Definitive,
            ),
            (
                "sessions_authenticate_429_too_many_requests.json",
                429,
                "too_many_requests",
                ErrorClass::Transient {
                    retry_after: Some(Duration::from_secs(7)),
                },
            ),
        ];
        for (name, status, expected_type, class) in cases {
            let error = api_error(status, Some(&fixture(name)), Some(Duration::from_secs(7)));
            match &error {
                TransportError::Api {
                    status: s,
                    error_type,
                    message,
                    request_id,
                    ..
                } => {
                    assert_eq!(*s, status);
                    assert_eq!(error_type, expected_type);
                    assert!(!message.is_empty());
                    assert!(
                        request_id
                            .as_deref()
                            .unwrap()
                            .starts_with("request-id-test-")
                    );
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(error.class(), class, "{name}");
        }
    }

    #[test]
    fn t2_error_status_without_an_envelope_is_a_bare_status() {
        for body in [
            None,
            Some(&b""[..]),
            Some(b"<html>502</html>"),
            Some(b"{\"data\":{}}"),
        ] {
            assert_eq!(
                api_error(502, body, None),
                TransportError::Status {
                    status: 502,
                    retry_after: None
                }
            );
        }
    }

    #[test]
    fn e2_bad_success_bodies_are_malformed_and_never_quote_the_body() {
        let token = "tok_9f8e7d6c5b4a39281706";
        let cases: [&[u8]; 6] = [
            b"",
            b"not json",
            b"{\"data\": {\"session_token\": \"tok_9f8e7d6c5b4a39281706\"}}",
            b"{\"data\": {\"session_token\": 12, \"session_jwt\": \"tok_9f8e7d6c5b4a39281706\"}}",
            b"{\"session_token\": \"tok_9f8e7d6c5b4a39281706\"",
            b"[\"tok_9f8e7d6c5b4a39281706\"]",
        ];
        for body in cases {
            let error = authenticated(body).unwrap_err();
            assert!(matches!(error, TransportError::Malformed(_)), "{error:?}");
            assert!(!format!("{error} {error:?}").contains(token));
        }
        let missing = authenticated(b"{\"data\": {\"session_token\": \"t\"}}").unwrap_err();
        assert!(
            missing.to_string().contains("missing field `session`"),
            "{missing}"
        );
        let empty = authenticated(b"").unwrap_err();
        assert!(empty.to_string().contains("empty body"), "{empty}");
        assert!(acknowledged(b"{}").is_err());
    }

    #[test]
    fn t2_jwks_needs_a_keys_array_and_comes_back_verbatim() {
        let text = r#"{"keys":[{"kty":"RSA","kid":"k1"}],"request_id":"r1","status_code":200}"#;
        let (body, request_id) = jwks(text.as_bytes()).unwrap();
        assert_eq!(body, text);
        assert_eq!(request_id.as_deref(), Some("r1"));
        for bad in [&b"{}"[..], b"{\"keys\": 3}", b"{\"keys\": [1]}", b"nope"] {
            assert!(matches!(jwks(bad), Err(TransportError::Malformed(_))));
        }
    }

    #[test]
    fn e2_content_type_must_be_application_json_with_any_parameters() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON ;charset=UTF-8",
        ] {
            assert!(is_json(ok), "{ok}");
        }
        for bad in [
            "text/html",
            "application/jsonx",
            "text/json",
            "",
            "application/problem+json",
        ] {
            assert!(!is_json(bad), "{bad}");
        }
        assert_eq!(media_type(Some("text/html; charset=utf-8")), "text/html");
        assert_eq!(media_type(None), "(none)");
    }

    #[test]
    fn e2_retry_after_reads_seconds_and_http_dates() {
        let now = Utc.with_ymd_and_hms(2015, 10, 21, 7, 28, 0).unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after("Wed Oct 21 07:28:05 2015", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        for huge in [
            "99999999999",
            "99999999999999999999999",
            "Fri, 01 Jan 9999 00:00:00 GMT",
        ] {
            assert_eq!(retry_after(huge, now), Some(MAX_RETRY_AFTER), "V3: {huge}");
        }
        for bad in ["", "soon", "-5", "1.5", "Wed, 99 Oct 2015 07:28:30 GMT"] {
            assert_eq!(retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn v5_server_text_in_errors_is_capped_and_its_control_characters_escaped() {
        let huge = format!(
            "{{\"error_type\":\"rate_limit\\u001b[2J\",\"error_message\":\"{}\\nFAKE LOG LINE\",\"request_id\":\"{}\"}}",
            "x".repeat(100_000),
            "r".repeat(1000)
        );
        let TransportError::Api {
            error_type,
            message,
            request_id,
            ..
        } = api_error(429, Some(huge.as_bytes()), None)
        else {
            panic!("not an API error");
        };
        assert_eq!(error_type, "rate_limit\\u{1b}[2J");
        assert!(
            message.chars().count() <= MAX_ERROR_MESSAGE_CHARS + 1,
            "{}",
            message.len()
        );
        assert!(message.ends_with('…'));
        assert!(!message.contains('\n'));
        assert!(request_id.unwrap().chars().count() <= MAX_REQUEST_ID_CHARS + 1);
        let short = server_text("line one\nline two\r\tend", 300);
        assert_eq!(short, "line one\\nline two\\r\\tend");
        assert_eq!(
            media_type(Some("text/html\u{7}; charset=x")),
            "text/html\\u{7}"
        );
    }
}
