//! A hostile server or network takes nothing (SPEC V1-V8): every hostile mode of the sandbox
//! against every server operation, on a signed-in client, with what must never happen
//! counted:
//!
//! - **committed wrongly**: after the operation the client holds another user's or
//!   session's identity, or a token of the wrong shape (V2, V4);
//! - **sessions lost**: a session that only a definitive answer may end is gone, or looks
//!   expired because of a lying clock (E2, E3, V3);
//! - **requests beyond bound**: more requests than the operation needs, a wait longer than
//!   `MAX_RETRY_AFTER`, JWKS fetches in a loop, server text in an error beyond its cap (V3,
//!   V5, V6).

use std::time::Duration;

use sessionkit::transport::MAX_RETRY_AFTER;
use sessionkit::{MemoryStore, SessionClient, SessionError};
use sessionkit_sandbox::{
    BACKUP_SPKI_SHA256, Endpoint, Fault, PINNED_SPKI_SHA256, Rewrite, Sandbox, SandboxConfig,
    TLS_TEST_CA_PEM, TlsCert,
};
use tokio::runtime::Handle;

use super::support;

/// What the hostile server does.
#[derive(Clone, Debug)]
enum Mode {
    Rewrite(Rewrite),
    HugeRetryAfter,
    HostileErrorText,
    JwksStorm,
    PinMismatch,
}

fn modes() -> Vec<Mode> {
    const TEN_YEARS: i64 = 10 * 365 * 86_400;
    vec![
        Mode::Rewrite(Rewrite::SwappedUser),
        Mode::Rewrite(Rewrite::DisagreeingSub),
        Mode::Rewrite(Rewrite::DisagreeingSessionClaim),
        Mode::Rewrite(Rewrite::CrLfJwt),
        Mode::Rewrite(Rewrite::CrLfToken),
        Mode::Rewrite(Rewrite::LyingDate(TEN_YEARS)),
        Mode::Rewrite(Rewrite::LyingDate(-TEN_YEARS)),
        Mode::Rewrite(Rewrite::LyingIssuedAt(TEN_YEARS)),
        Mode::Rewrite(Rewrite::UnknownKid),
        Mode::HugeRetryAfter,
        Mode::HostileErrorText,
        Mode::JwksStorm,
        Mode::PinMismatch,
    ]
}

#[derive(Clone, Copy, Debug)]
enum Operation {
    Authenticate,
    FreshTokens,
    Revoke,
    RefreshJwks,
}

const OPERATIONS: [Operation; 4] = [
    Operation::Authenticate,
    Operation::FreshTokens,
    Operation::Revoke,
    Operation::RefreshJwks,
];

impl Operation {
    fn endpoint(self) -> Endpoint {
        match self {
            Self::Authenticate | Self::FreshTokens => Endpoint::Authenticate,
            Self::Revoke => Endpoint::Revoke,
            Self::RefreshJwks => Endpoint::Jwks,
        }
    }
}

#[derive(Default)]
struct Counts {
    cases: usize,
    committed_wrongly: usize,
    sessions_lost: usize,
    beyond_bound: usize,
}

#[test]
fn v1_v8_hostile_server_matrix_takes_nothing() {
    super::run_alone(matrix());
}

async fn matrix() {
    let sandbox = Sandbox::start_with(SandboxConfig {
        tls: Some(TlsCert::Other),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut counts = Counts::default();
    for mode in modes() {
        for operation in OPERATIONS {
            counts.cases += 1;
            let outcome = run(&sandbox, &mode, operation).await;
            for problem in &outcome {
                eprintln!("{mode:?} × {operation:?}: {problem:?}");
                match problem {
                    Problem::CommittedWrongly(_) => counts.committed_wrongly += 1,
                    Problem::SessionLost(_) => counts.sessions_lost += 1,
                    Problem::BeyondBound(_) => counts.beyond_bound += 1,
                }
            }
        }
    }
    println!(
        "hostile server: {} cases, committed wrongly: {}, sessions lost: {}, requests beyond bound: {}",
        counts.cases, counts.committed_wrongly, counts.sessions_lost, counts.beyond_bound
    );
    assert_eq!(
        (
            counts.committed_wrongly,
            counts.sessions_lost,
            counts.beyond_bound
        ),
        (0, 0, 0)
    );
}

#[derive(Debug)]
#[expect(
    dead_code,
    reason = "the texts are read through Debug, in the failure report"
)]
enum Problem {
    CommittedWrongly(String),
    SessionLost(String),
    BeyondBound(String),
}

async fn run(sandbox: &Sandbox, mode: &Mode, operation: Operation) -> Vec<Problem> {
    let user = sandbox
        .sign_in(
            &format!("hostile-{}@example.com", uuid()),
            "hostile-password",
        )
        .await;
    let config = match mode {
        // The client talks to the HTTPS listener, whose certificate the pins do not name.
        Mode::PinMismatch => support::sandbox_config(sandbox)
            .with_base_url(sandbox.https_url().unwrap())
            .with_test_trust_anchor_pem(TLS_TEST_CA_PEM)
            .with_certificate_pins([PINNED_SPKI_SHA256, BACKUP_SPKI_SHA256]),
        _ => support::sandbox_config(sandbox),
    };
    let client = SessionClient::builder()
        .store(MemoryStore::new())
        .stytch(config.with_request_timeout(Duration::from_secs(5)))
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    client
        .update_session(&user.session_token, &user.session_jwt)
        .await
        .unwrap();
    // Confirmed first, so the engine knows whose session it holds (V2).
    if !matches!(mode, Mode::PinMismatch) {
        client.authenticate(None).await.unwrap();
    }
    sandbox.clear_faults();
    sandbox.reset_counts();
    inject(sandbox, mode, operation.endpoint());
    let mut problems = Vec::new();
    let result = match operation {
        Operation::Authenticate => client.authenticate(None).await.map(drop),
        Operation::FreshTokens => client.tokens(Duration::from_secs(60), true).await.map(drop),
        Operation::Revoke => client.revoke(false).await.map(drop),
        Operation::RefreshJwks => refresh_jwks_storm(&client, mode).await,
    };
    if let Err(error) = &result {
        check_error_text(error, &mut problems);
    }
    // What the client holds now.
    let info = client.get_info();
    let tokens = client.get_tokens();
    let signed_out_by_request = matches!(operation, Operation::Revoke)
        && !matches!(
            mode,
            Mode::PinMismatch | Mode::HugeRetryAfter | Mode::HostileErrorText
        );
    if let Some(tokens) = &tokens
        && (tokens.session_token() != user.session_token
            || tokens.session_jwt().contains(['\r', '\n']))
    {
        problems.push(Problem::CommittedWrongly("tokens replaced".into()));
    }
    if let Some(session) = &info.session
        && (session.user_id != user.user_id() || session.session_id != user.session_id())
    {
        problems.push(Problem::CommittedWrongly(format!(
            "identity switched to {}",
            session.user_id
        )));
    }
    // Over the pinned listener the session was never confirmed: tokens only, no session yet.
    let confirmed_before = !matches!(mode, Mode::PinMismatch);
    if !signed_out_by_request
        && (tokens.is_none() || (confirmed_before && client.get_sync().is_none()))
    {
        problems.push(Problem::SessionLost(format!("{result:?}")));
    }
    let sent = sandbox.request_count(operation.endpoint());
    let bound = match (mode, operation) {
        (Mode::PinMismatch, _) => 0,
        _ => 1,
    };
    if sent > bound {
        problems.push(Problem::BeyondBound(format!(
            "{sent} requests, bound {bound}"
        )));
    }
    if let Mode::HugeRetryAfter = mode
        && let Err(SessionError::Network {
            retry_after: Some(wait),
            ..
        }) = &result
        && *wait > MAX_RETRY_AFTER
    {
        problems.push(Problem::BeyondBound(format!(
            "Retry-After honoured: {wait:?}"
        )));
    }
    if let Mode::PinMismatch = mode
        && operation.endpoint() != Endpoint::Revoke
    {
        let said_pin =
            matches!(&result, Err(SessionError::Network { detail, .. }) if detail.contains("pin"));
        if !said_pin {
            problems.push(Problem::BeyondBound(format!(
                "a pin mismatch not named as such: {result:?}"
            )));
        }
    }
    client.shutdown();
    problems
}

/// The JWKS operation: once, or, for the storm, 100 calls at once and 100 after.
async fn refresh_jwks_storm(client: &SessionClient, mode: &Mode) -> Result<(), SessionError> {
    if !matches!(mode, Mode::JwksStorm) {
        return client.refresh_jwks().await;
    }
    let calls = (0..100).map(|_| client.refresh_jwks());
    futures_util::future::join_all(calls).await;
    for _ in 0..100 {
        let _ = client.refresh_jwks().await;
    }
    client.refresh_jwks().await
}

fn inject(sandbox: &Sandbox, mode: &Mode, endpoint: Endpoint) {
    let fault = match mode {
        Mode::Rewrite(rewrite) => Fault::Hostile(rewrite.clone()),
        Mode::HugeRetryAfter => Fault::Status {
            status: 503,
            error_type: "internal_server_error".into(),
            retry_after: Some(99_999_999_999),
        },
        Mode::HostileErrorText => Fault::ErrorText {
            status: 400,
            error_type: "bad_request\u{1b}[2J".into(),
            message: format!("{}\nFAKE: session revoked\u{7}", "x".repeat(1 << 16)),
        },
        // The storm needs no fault: only calls; the pin needs only the other certificate.
        Mode::JwksStorm | Mode::PinMismatch => return,
    };
    sandbox.inject(endpoint, fault, 1);
}

/// V5: server text in an error is capped and carries no raw control character.
fn check_error_text(error: &SessionError, problems: &mut Vec<Problem>) {
    let text = format!("{error} {error:?}");
    if text.len() > 4_096 || text.contains(['\u{1b}', '\u{7}']) || error.to_string().contains('\n')
    {
        problems.push(Problem::BeyondBound(format!(
            "server text in the error: {} bytes",
            text.len()
        )));
    }
}

fn uuid() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[test]
fn v7_a_pinned_certificate_passes_and_the_pin_is_checked_in_addition_to_the_platform() {
    super::run_alone(async {
        let sandbox = Sandbox::start_with(SandboxConfig {
            tls: Some(TlsCert::Pinned),
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let user = sandbox
            .sign_in("pinned@example.com", "pinned-password")
            .await;
        let https =
            || support::sandbox_config(&sandbox).with_base_url(sandbox.https_url().unwrap());
        let client_with = |config| {
            SessionClient::builder()
                .store(MemoryStore::new())
                .stytch(config)
                .runtime(Handle::current())
                .manual_refresh()
                .build()
                .unwrap()
        };
        // The pinned key, listed second: any pin of the set will do.
        let pinned = client_with(
            https()
                .with_test_trust_anchor_pem(TLS_TEST_CA_PEM)
                .with_certificate_pins([BACKUP_SPKI_SHA256, PINNED_SPKI_SHA256]),
        );
        pinned
            .update_session(&user.session_token, &user.session_jwt)
            .await
            .unwrap();
        pinned.authenticate(None).await.unwrap();
        // A matching pin does not replace the platform's verdict: an untrusted chain fails as
        // that, not as a pin.
        let untrusted =
            client_with(https().with_certificate_pins([PINNED_SPKI_SHA256, BACKUP_SPKI_SHA256]));
        untrusted
            .update_session(&user.session_token, &user.session_jwt)
            .await
            .unwrap();
        let failed = untrusted.authenticate(None).await.unwrap_err();
        let SessionError::Network { detail, .. } = &failed else {
            panic!("{failed:?}");
        };
        assert!(!detail.contains("pin"), "{detail}");
        assert!(untrusted.get_tokens().is_some(), "E2: the session is kept");
        // V1: pins need https, and one pin is not a set.
        for refused in [
            support::sandbox_config(&sandbox)
                .with_certificate_pins([PINNED_SPKI_SHA256, BACKUP_SPKI_SHA256]),
            https().with_certificate_pins([PINNED_SPKI_SHA256]),
        ] {
            let built = SessionClient::builder().stytch(refused).build();
            assert!(
                matches!(built, Err(SessionError::InvalidArgument { .. })),
                "{built:?}"
            );
        }
    });
}
