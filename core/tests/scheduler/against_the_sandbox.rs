//! The refresh scheduler end to end, against the local Stytch sandbox over loopback, in real
//! time with the shortest heartbeat and backoff a policy may have (S9's floor, 1 s): the session survives injected 503s and a dropped connection
//! and is cleared when the server answers `session_not_found` (S5, E1, E2).
//!
//! Real time, because tokio's paused clock jumps whenever the runtime is idle, which a real
//! socket wait is. Nothing asserts on timing: the test waits for events, with a generous
//! bound that only turns a hang into a failure.

use crate::support;
use std::time::Duration;

use sessionkit::{ChangeCause, RefreshPolicy, SessionClient, SessionEvent, SignOutReason};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
use tokio::sync::mpsc;
use tokio::time::timeout;

const BOUND: Duration = Duration::from_secs(20);

fn fast_policy() -> RefreshPolicy {
    RefreshPolicy {
        heartbeat: RefreshPolicy::MIN_INTERVAL,
        backoff_initial: RefreshPolicy::MIN_INTERVAL,
        backoff_max: RefreshPolicy::MIN_INTERVAL * 2,
        ..RefreshPolicy::default()
    }
}

/// The cause of the next state change; other events (storage issues) are skipped.
async fn next_change(events: &mut mpsc::UnboundedReceiver<SessionEvent>) -> ChangeCause {
    loop {
        let event = timeout(BOUND, events.recv())
            .await
            .expect("an event within the bound")
            .expect("the engine is alive");
        if let SessionEvent::Changed(change) = event {
            return change.cause;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s5_e1_session_kept_alive_through_503s_and_a_dropped_connection_then_cleared_on_session_not_found()
 {
    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("ada@example.com", "correct horse").await;
    // The engine's own runtime: the production set-up.
    let client = SessionClient::builder()
        .stytch(support::sandbox_config(&sandbox))
        .refresh_policy(fast_policy())
        .build()
        .unwrap();
    let (tx, mut events) = mpsc::unbounded_channel();
    let _handle = client.on_change(move |event: &SessionEvent| {
        let _ = tx.send(event.clone());
    });

    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    assert_eq!(next_change(&mut events).await, ChangeCause::Hydrated);
    // S4: refreshed at once to learn the session object.
    assert_eq!(next_change(&mut events).await, ChangeCause::Authenticated);
    assert!(client.get_sync().is_some());

    // Each successful authenticate moves `last_accessed_at`, so each is announced.
    let before = sandbox.request_count(Endpoint::Authenticate);
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::status(503, "internal_server_error"),
        2,
    );
    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 1);
    loop {
        let cause = next_change(&mut events).await;
        assert_eq!(cause, ChangeCause::Authenticated, "E2: never signed out");
        if sandbox.request_count(Endpoint::Authenticate) >= before + 4 {
            break; // a refresh succeeded after all three faults
        }
    }
    assert!(client.get_sync().is_some());
    assert!(client.scheduler_stats().failures >= 3);

    assert!(sandbox.expire_session(&signed_in.session_token));
    loop {
        match next_change(&mut events).await {
            ChangeCause::Authenticated => continue, // a refresh that raced the expiry
            cause => {
                assert_eq!(cause, ChangeCause::SignedOut(SignOutReason::Rejected));
                break;
            }
        }
    }
    assert!(client.get_tokens().is_none(), "E1: the session is cleared");
    assert!(client.get_sync().is_none());
    client.shutdown();
}

/// S9: a margin that makes every fresh JWT due again at once meets a real server. The
/// scheduler spaces its requests by the floor (1 s), so however long the test runs, the
/// sandbox never counts more requests than whole seconds passed, plus the start-up refresh
/// and one for the server-clock offset learnt from the first answer (the floor is kept on
/// server time). A zero heartbeat is refused before anything starts. The test waits for
/// events, never for a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_hostile_refresh_policy_meets_the_sandbox_and_the_requests_stay_bounded() {
    let sandbox = Sandbox::start().await.unwrap();
    let zero = SessionClient::builder()
        .stytch(support::sandbox_config(&sandbox))
        .refresh_policy(RefreshPolicy {
            heartbeat: Duration::ZERO,
            ..RefreshPolicy::default()
        })
        .build();
    assert!(matches!(
        zero,
        Err(sessionkit::SessionError::InvalidArgument { .. })
    ));

    let signed_in = sandbox.sign_in("grace@example.com", "correct horse").await;
    // The sandbox's JWTs live 300 s: with this margin each is due again within a second of
    // being minted, and the heartbeat is at its floor.
    let hostile = RefreshPolicy {
        refresh_margin: Duration::from_millis(299_500),
        ..fast_policy()
    };
    let client = SessionClient::builder()
        .stytch(support::sandbox_config(&sandbox))
        .refresh_policy(hostile)
        .build()
        .unwrap();
    let (tx, mut events) = mpsc::unbounded_channel();
    let _handle = client.on_change(move |event: &SessionEvent| {
        let _ = tx.send(event.clone());
    });
    let before = sandbox.request_count(Endpoint::Authenticate);
    let started = std::time::Instant::now();
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    assert_eq!(next_change(&mut events).await, ChangeCause::Hydrated);
    for _ in 0..4 {
        assert_eq!(next_change(&mut events).await, ChangeCause::Authenticated);
    }
    let requests = sandbox.request_count(Endpoint::Authenticate) - before;
    let elapsed = started.elapsed().as_secs_f64();
    client.shutdown();
    let bound = 2 + elapsed.floor() as usize;
    assert!(
        requests <= bound,
        "{requests} requests in {elapsed:.1} s (bound {bound})"
    );
}
