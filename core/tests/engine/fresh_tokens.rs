//! Tokens for the app's own backend (SPEC W9, H1), against the sandbox: a JWT that lasts the
//! asked time without a request when it can, one shared refresh when it cannot, and one
//! refresh however many requests report the same JWT rejected by the backend.
//!
//! Real sockets need real time; nothing asserts a duration.

use crate::support;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use sessionkit::testing::ManualClock;
use sessionkit::{MemoryStore, SessionClient, SessionError};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
use tokio::runtime::Handle;

const MINUTE: Duration = Duration::from_secs(60);

/// A client on the device clock `device`, whose session the server has confirmed once.
async fn confirmed(sandbox: &Sandbox, device: Arc<ManualClock>) -> SessionClient {
    let signed_in = sandbox.sign_in("ada@example.com", "lovelace-1815").await;
    let client = SessionClient::builder()
        .store(MemoryStore::new())
        .stytch(support::sandbox_config(sandbox))
        .shared_clock(device)
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    client.authenticate(None).await.unwrap();
    sandbox.reset_counts();
    client
}

fn real_time() -> Arc<ManualClock> {
    Arc::new(ManualClock::at(chrono::Utc::now()))
}

#[tokio::test]
async fn w9_a_jwt_that_lasts_min_ttl_is_handed_out_without_a_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox, real_time()).await;
    let current = client.get_tokens().unwrap();
    let tokens = client.tokens(MINUTE, false).await.unwrap();
    assert_eq!(tokens, current);
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 0);
}

#[tokio::test]
async fn w9_a_jwt_that_would_expire_within_min_ttl_is_refreshed_first() {
    let sandbox = Sandbox::start().await.unwrap();
    let device = real_time();
    let client = confirmed(&sandbox, device.clone()).await;
    let stale = client.get_tokens().unwrap();
    // Four of the JWT's five minutes pass: one minute left, two asked for.
    // Time passes for the server too: only its JWT grows old (a device clock that jumped
    // alone would wait for a second answer to confirm it, V3).
    device.advance_millis(4 * 60_000);
    sandbox.advance_clock(Duration::from_secs(4 * 60));
    let tokens = client.tokens(2 * MINUTE, false).await.unwrap();
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
    assert_ne!(tokens.session_jwt(), stale.session_jwt(), "a fresh JWT");
    assert_eq!(tokens.session_token(), stale.session_token());
    let lasts = client.jwt_expires_at().unwrap() - chrono::Utc::now();
    assert!(
        lasts > chrono::Duration::minutes(2),
        "it lasts what was asked"
    );
}

#[tokio::test]
async fn w9_force_refresh_goes_to_the_server_whatever_the_expiry() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox, real_time()).await;
    client.tokens(MINUTE, true).await.unwrap();
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w9_w3_a_thousand_callers_with_a_stale_jwt_cause_one_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let device = real_time();
    let client = confirmed(&sandbox, device.clone()).await;
    device.advance_millis(5 * 60_000);
    sandbox.advance_clock(Duration::from_secs(5 * 60));
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let callers = (0..1_000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.tokens(MINUTE, false).await })
    });
    let results: Vec<_> = join_all(callers).await;
    let first = results[0].as_ref().unwrap().as_ref().unwrap().clone();
    for result in results {
        assert_eq!(result.unwrap().unwrap(), first);
    }
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
}

#[tokio::test]
async fn w9_it_throws_the_authenticate_errors_when_it_cannot() {
    let sandbox = Sandbox::start().await.unwrap();
    let device = real_time();
    let client = confirmed(&sandbox, device.clone()).await;
    device.advance_millis(5 * 60_000);
    sandbox.advance_clock(Duration::from_secs(5 * 60));
    // Offline: the session is kept, the caller hears a network error.
    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 1);
    let offline = client.tokens(MINUTE, false).await;
    assert!(
        matches!(offline, Err(SessionError::Network { .. })),
        "{offline:?}"
    );
    assert!(client.get_tokens().is_some());
    // A minimum longer than any JWT lives cannot be met.
    let greedy = client.tokens(60 * MINUTE, false).await;
    assert!(
        matches!(greedy, Err(SessionError::InvalidArgument { .. })),
        "{greedy:?}"
    );
    // Signed out on the server: E1 clears the session.
    sandbox.revoke_all();
    let gone = client.tokens(MINUTE, true).await;
    assert!(
        matches!(gone, Err(SessionError::SignedOut { .. })),
        "{gone:?}"
    );
    assert!(client.get_tokens().is_none());
    let none = client.tokens(MINUTE, false).await;
    assert!(
        matches!(none, Err(SessionError::SignedOut { .. })),
        "{none:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h1_a_hundred_rejections_of_one_jwt_at_once_and_later_cause_one_refresh() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox, real_time()).await;
    let rejected = client.get_tokens().unwrap().session_jwt().to_owned();
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let at_once = (0..100).map(|_| {
        let client = client.clone();
        let rejected = rejected.clone();
        tokio::spawn(async move { client.tokens_after_rejection(&rejected).await })
    });
    let fresh: Vec<_> = join_all(at_once)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    assert!(
        fresh
            .iter()
            .all(|t| t == &fresh[0] && t.session_jwt() != rejected)
    );
    // Stragglers reporting the same old JWT after the refresh ended get the new one.
    for _ in 0..10 {
        let late = client.tokens_after_rejection(&rejected).await.unwrap();
        assert_eq!(late, fresh[0]);
    }
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
    assert!(
        client.get_sync().is_some(),
        "a backend's 401 signs nobody out"
    );
}

#[tokio::test]
async fn h1_the_protected_resource_accepts_a_fresh_jwt_and_refuses_an_expired_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = confirmed(&sandbox, real_time()).await;
    let jwt = client.tokens(MINUTE, false).await.unwrap();
    assert_eq!(
        support::get_resource(&sandbox, Some(jwt.session_jwt())).await,
        200
    );
    assert_eq!(support::get_resource(&sandbox, None).await, 401);
    assert_eq!(support::get_resource(&sandbox, Some("a.b.c")).await, 401);
    // Six minutes on the backend's clock: the JWT expired there, not on the client's.
    sandbox.advance_clock(6 * MINUTE);
    assert_eq!(
        support::get_resource(&sandbox, Some(jwt.session_jwt())).await,
        401
    );
    let fresh = client
        .tokens_after_rejection(jwt.session_jwt())
        .await
        .unwrap();
    assert_eq!(
        support::get_resource(&sandbox, Some(fresh.session_jwt())).await,
        200
    );
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 1);
}
