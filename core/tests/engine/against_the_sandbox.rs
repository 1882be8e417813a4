//! The engine against the local Stytch sandbox over loopback: SPEC W2-W5, E1-E3, J1-J2 with
//! real HTTP, every fault the sandbox can inject, and the sandbox's request counts.
//!
//! Real sockets need real time (tokio's paused clock would fire timeouts while a socket is
//! idle), so these tests run on the real clock; none asserts a duration.

use crate::support;
use std::sync::Arc;
use std::time::Duration;

use crate::support::concurrency::{joined_callers, outcomes, refresh_in_background};
use crate::support::faults::{Expect, faults};
use sessionkit::jwt::JwtCheck;
use sessionkit::testing::ManualClock;
use sessionkit::transport::StytchConfig;
use sessionkit::{MemoryStore, SessionClient, SessionError};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
use tokio::runtime::Handle;

const SHORT_TIMEOUT: Duration = Duration::from_millis(400);
const SMALL_CAP: usize = 64 * 1024;

fn config(sandbox: &Sandbox) -> StytchConfig {
    support::sandbox_config(sandbox)
        .with_request_timeout(SHORT_TIMEOUT)
        .with_max_response_bytes(SMALL_CAP)
}

/// A signed-in user's tokens hydrated into a fresh client.
async fn hydrated(sandbox: &Sandbox) -> SessionClient {
    let signed_in = sandbox.sign_in("grace@example.com", "hopper-1906").await;
    let client = SessionClient::builder()
        .store(MemoryStore::new())
        .stytch(config(sandbox))
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    client
}

/// A client whose session the server has confirmed once.
async fn confirmed(sandbox: &Sandbox) -> SessionClient {
    let client = hydrated(sandbox).await;
    client.authenticate(None).await.unwrap();
    sandbox.reset_counts();
    client
}

/// Starts an authenticate that the sandbox holds for a while, and returns once the sandbox
/// has received it.
async fn refresh_held_in_flight(
    sandbox: &Sandbox,
    client: &SessionClient,
) -> tokio::task::JoinHandle<support::concurrency::Outcome> {
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(250)),
        1,
    );
    let refresh = refresh_in_background(client);
    while sandbox.request_count(Endpoint::Authenticate) == 0 {
        tokio::task::yield_now().await;
    }
    refresh
}

#[tokio::test]
async fn w2_authenticate_confirms_the_session_and_rotates_the_jwt() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = hydrated(&sandbox).await;
    let jwt_before = client.get_tokens().unwrap().session_jwt().to_owned();
    assert!(client.get_sync().is_none());

    let session = client.authenticate(None).await.unwrap();

    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
    assert_eq!(client.get_sync().unwrap().session_id, session.session_id);
    let tokens = client.get_tokens().unwrap();
    assert_ne!(tokens.session_jwt(), jwt_before, "the JWT rotated");
    assert!(!client.get_info().from_cache);
    // J1: the new JWT's exp is read locally, about five minutes out.
    let exp = client.jwt_expires_at().unwrap();
    let lifetime = exp - chrono::Utc::now();
    assert!(lifetime > chrono::Duration::minutes(4) && lifetime <= chrono::Duration::minutes(5));
}

#[tokio::test]
async fn s3_session_duration_extends_the_session_on_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    let before = client.get_sync().unwrap().expires_at;
    let extended = client.authenticate(Some(24 * 60)).await.unwrap();
    assert!(extended.expires_at > before + chrono::Duration::hours(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w3_a_thousand_concurrent_callers_make_exactly_one_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let callers = joined_callers(&client, 1_000).await;
    let results: Vec<_> = outcomes(callers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
    assert_eq!(sandbox.max_in_flight(Endpoint::Authenticate), 1);
    assert!(results.iter().all(|s| Arc::ptr_eq(s, &results[0])));
}

#[tokio::test]
async fn w4_a_refresh_in_flight_during_revoke_never_resurrects_the_session() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    let refresh = refresh_held_in_flight(&sandbox, &client).await;
    client.revoke(false).await.unwrap();
    let late = refresh.await.unwrap();
    assert!(
        matches!(
            late,
            Err(SessionError::Superseded | SessionError::SignedOut { .. })
        ),
        "{late:?}"
    );
    assert!(client.get_sync().is_none());
    assert!(client.get_tokens().is_none());
    assert_eq!(sandbox.request_count(Endpoint::Revoke), 1);
}

#[tokio::test]
async fn w4_a_refresh_in_flight_during_update_session_keeps_the_new_identity() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    let refresh = refresh_held_in_flight(&sandbox, &client).await;
    let other = sandbox.sign_in("ada@example.com", "lovelace-1815").await;
    client
        .update_session_blocking(&other.session_token, &other.session_jwt)
        .unwrap();
    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));
    assert_eq!(
        client.get_tokens().unwrap().session_token(),
        other.session_token
    );
    let session = client.authenticate(None).await.unwrap();
    assert_eq!(session.user_id, other.user_id());
}

#[tokio::test]
async fn w5_revoke_ends_the_session_on_the_server_and_locally() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    let token = client.get_tokens().unwrap().session_token().to_owned();
    client.revoke(false).await.unwrap();
    assert!(client.get_tokens().is_none());
    assert!(!sandbox.is_session_active(&token));
}

#[tokio::test]
async fn e1_a_session_the_server_expired_is_cleared_on_authenticate() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox).await;
    sandbox.advance_clock(Duration::from_secs(2 * 60 * 60));
    assert!(matches!(
        client.authenticate(None).await,
        Err(SessionError::SignedOut { .. })
    ));
    assert!(client.get_tokens().is_none());
}

#[tokio::test]
async fn t2_a_wrong_public_token_is_definitive() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("eve@example.com", "pw-123456").await;
    let client = SessionClient::builder()
        .stytch(
            StytchConfig::new("public-token-test-00000000-0000-0000-0000-000000000000")
                .with_base_url(sandbox.base_url()),
        )
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    assert!(matches!(
        client.authenticate(None).await,
        Err(SessionError::SignedOut { .. })
    ));
}

#[tokio::test]
async fn j2_the_sandbox_jwt_verifies_locally_and_expires_with_the_clock() {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("kat@example.com", "johnson-1918").await;
    let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
    let client = SessionClient::builder()
        .stytch(config(&sandbox))
        .shared_clock(clock.clone())
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    assert_eq!(client.check_jwt(), JwtCheck::Unauthorised);
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    assert!(
        matches!(client.check_jwt(), JwtCheck::TryRefresh(_)),
        "no keys yet"
    );

    client.refresh_jwks().await.unwrap();
    assert_eq!(sandbox.request_count(Endpoint::Jwks), 1);
    match client.check_jwt() {
        JwtCheck::Valid(session) => assert_eq!(session.user_id, signed_in.user_id()),
        other => panic!("{other:?}"),
    }
    // No I/O per check.
    for _ in 0..100 {
        assert!(client.check_jwt().is_valid());
    }
    assert_eq!(sandbox.request_count(Endpoint::Jwks), 1);

    clock.advance_millis((5 * 60 + 61) * 1000);
    assert!(matches!(client.check_jwt(), JwtCheck::TryRefresh(_)));
}

// ----- The fault matrix: each fault against each operation, keep or clear as the SPEC says.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e1_e3_each_fault_on_authenticate_keeps_or_clears_exactly_as_specified() {
    let sandbox = Sandbox::start().await.unwrap();
    for (name, fault, expect) in faults(SHORT_TIMEOUT, SMALL_CAP) {
        let client = confirmed(&sandbox).await;
        sandbox.inject(Endpoint::Authenticate, fault, 1);
        let outcome = client.authenticate(None).await;
        assert!(outcome.is_err(), "{name}: {outcome:?}");
        assert_eq!(
            sandbox.request_count(Endpoint::Authenticate),
            1,
            "{name}: one request, no retry inside authenticate"
        );
        let kept = client.get_tokens().is_some();
        assert_eq!(
            if kept { Expect::Keep } else { Expect::Clear },
            expect,
            "{name}: {outcome:?}"
        );
        if expect == Expect::Keep {
            // The session really is intact: the next call succeeds.
            client.authenticate(None).await.unwrap();
        }
        sandbox.clear_faults();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w5_each_fault_on_revoke_keeps_unless_definitive_or_forced() {
    let sandbox = Sandbox::start().await.unwrap();
    for force_clear in [false, true] {
        for (name, fault, expect) in faults(SHORT_TIMEOUT, SMALL_CAP) {
            let client = confirmed(&sandbox).await;
            sandbox.inject(Endpoint::Revoke, fault, 1);
            let outcome = client.revoke(force_clear).await;
            assert_eq!(sandbox.request_count(Endpoint::Revoke), 1, "{name}");
            let cleared = client.get_tokens().is_none();
            let should_clear = force_clear || expect == Expect::Clear;
            assert_eq!(
                cleared, should_clear,
                "{name}, force_clear {force_clear}: {outcome:?}"
            );
            assert_eq!(outcome.is_ok(), should_clear, "{name}: {outcome:?}");
            sandbox.clear_faults();
        }
    }
}

#[tokio::test]
async fn e6_no_error_from_a_faulted_call_mentions_a_token() {
    let sandbox = Sandbox::start().await.unwrap();
    for (name, fault, _) in faults(SHORT_TIMEOUT, SMALL_CAP) {
        let client = confirmed(&sandbox).await;
        let tokens = client.get_tokens().unwrap();
        sandbox.inject(Endpoint::Authenticate, fault, 1);
        let error = client.authenticate(None).await.unwrap_err();
        for shown in [format!("{error}"), format!("{error:?}")] {
            assert!(!shown.contains(tokens.session_token()), "{name}: {shown}");
            assert!(!shown.contains(tokens.session_jwt()), "{name}: {shown}");
        }
        sandbox.clear_faults();
    }
}
