//! The sandbox's faults, each with the outcome the SPEC requires of it (E1-E3).

use std::time::Duration;

use sessionkit_sandbox::Fault;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// The session stays (E2, E3).
    Keep,
    /// The session is cleared (E1).
    Clear,
}

/// Every fault the sandbox injects, named, with what it must do to the session.
/// `timeout` and `cap` are the client's request timeout and response cap.
pub fn faults(timeout: Duration, cap: usize) -> Vec<(&'static str, Fault, Expect)> {
    let mut faults = vec![
        (
            "delay past the timeout",
            Fault::Delay(timeout * 3),
            Expect::Keep,
        ),
        ("dropped connection", Fault::DropConnection, Expect::Keep),
        (
            "500",
            Fault::status(500, "internal_server_error"),
            Expect::Keep,
        ),
        ("502", Fault::status(502, "bad_gateway"), Expect::Keep),
        (
            "503",
            Fault::status(503, "service_unavailable"),
            Expect::Keep,
        ),
        (
            "429 without Retry-After",
            Fault::too_many_requests(None),
            Expect::Keep,
        ),
        (
            "429 with Retry-After",
            Fault::too_many_requests(Some(3)),
            Expect::Keep,
        ),
        ("malformed JSON", Fault::MalformedJson, Expect::Keep),
        ("truncated body", Fault::TruncatedBody, Expect::Keep),
        ("wrong content type", Fault::WrongContentType, Expect::Keep),
        (
            "oversized body",
            Fault::OversizedBody(cap * 2),
            Expect::Keep,
        ),
        ("empty body", Fault::EmptyBody, Expect::Keep),
        (
            "other 4xx",
            Fault::status(400, "invalid_session_duration"),
            Expect::Keep,
        ),
        (
            "404 that is not session_not_found",
            Fault::status(404, "route_not_found"),
            Expect::Keep,
        ),
    ];
    for error_type in [
        "unauthorized_credentials",
        "user_unauthenticated",
        "invalid_secret_authentication",
        "session_not_found",
    ] {
        faults.push((error_type, Fault::status(401, error_type), Expect::Clear));
    }
    faults
}
