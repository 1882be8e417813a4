//! Authenticate and revoke against a scripted server: SPEC W2-W5 and E1-E3, with exact
//! interleavings staged by gating the server's answers.

use crate::support;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::support::concurrency::{joined_callers, outcomes, refresh_in_background};
use crate::support::scripted_transport::{Answer, ScriptedTransport, api_error};
use crate::support::{ScriptedStore, at, envelope_v1, next_event, record, sample_session};
use sessionkit::testing::ManualClock;
use sessionkit::{
    ChangeCause, RevokeOutcome, SessionClient, SessionError, SessionEvent, SessionTokens,
    SignOutReason,
};
use tokio::runtime::Handle;

/// The sample session, valid until 2099, labelled `label` (in its user agent) so that a test
/// can tell which answer was committed. Every answer is about the same session and user, as
/// Stytch's are (V2).
fn future_session(label: &str) -> sessionkit::Session {
    let mut session = sample_session(at("2099-01-01T00:00:00Z"));
    session.attributes.user_agent = label.into();
    session
}

/// A client restored from storage with a session and tokens `tok`/`jwt-0`.
fn restored(transport: Arc<ScriptedTransport>) -> (SessionClient, Arc<ScriptedStore>) {
    let store = ScriptedStore::new();
    use sessionkit::SessionStore as _;
    store
        .save(&envelope_v1(
            Some(&future_session("restored")),
            "tok",
            "h.jwt-0.s",
        ))
        .unwrap();
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .transport(transport)
        .runtime(Handle::current())
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    (client, store)
}

fn refreshed(id: &str, jwt: &str) -> Answer {
    Answer::Session(Box::new(future_session(id)), SessionTokens::new("tok", jwt))
}

/// Lets spawned tasks run until they wait on the gate.
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn w2_authenticate_replaces_tokens_persists_announces_and_returns_the_session() {
    let transport = ScriptedTransport::open();
    transport.push(refreshed("confirmed", "h.jwt-1.s"));
    let (client, store) = restored(transport.clone());
    assert!(client.get_info().from_cache);
    let (_handle, events) = record(&client);

    let session = client.authenticate(None).await.unwrap();

    assert_eq!(session.attributes.user_agent, "confirmed");
    assert_eq!(
        client.get_sync().unwrap().attributes.user_agent,
        "confirmed"
    );
    assert_eq!(client.get_tokens().unwrap().session_jwt(), "h.jwt-1.s");
    assert!(!client.get_info().from_cache, "R2: confirmed by the server");
    let change = match next_event(&events) {
        SessionEvent::Changed(change) => change,
        other => panic!("{other:?}"),
    };
    assert_eq!(change.cause, ChangeCause::Authenticated);
    let written: serde_json::Value = serde_json::from_slice(&store.holds().unwrap()).unwrap();
    assert_eq!(written["session_jwt"], "h.jwt-1.s");
    assert_eq!(written["session"]["attributes"]["user_agent"], "confirmed");
    assert_eq!(transport.seen_tokens.lock().as_slice(), ["tok"]);
}

#[tokio::test]
async fn s3_session_duration_is_sent_only_when_asked() {
    let transport = ScriptedTransport::open();
    transport.push(refreshed("a", "h.jwt-1.s"));
    transport.push(refreshed("b", "h.jwt-2.s"));
    let (client, _) = restored(transport.clone());
    client.authenticate(None).await.unwrap();
    client.authenticate(Some(60)).await.unwrap();
    assert_eq!(transport.seen_durations.lock().as_slice(), [None, Some(60)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w3_a_thousand_concurrent_callers_share_one_request_and_its_result() {
    let transport = ScriptedTransport::gated();
    transport.push(refreshed("shared", "h.jwt-1.s"));
    let (client, _) = restored(transport.clone());

    let callers = joined_callers(&client, 1_000).await;
    transport.release(1);
    let sessions: Vec<_> = outcomes(callers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(transport.calls(), 1, "exactly one request");
    assert!(
        sessions.iter().all(|s| Arc::ptr_eq(s, &sessions[0])),
        "one shared result"
    );
}

#[tokio::test]
async fn w3_callers_share_a_failure_too() {
    let transport = ScriptedTransport::gated();
    transport.push(Answer::Fail(api_error(503, "internal_server_error")));
    let (client, _) = restored(transport.clone());
    let first = refresh_in_background(&client);
    let second = refresh_in_background(&client);
    settle().await;
    transport.release(1);
    let (a, b) = (first.await.unwrap(), second.await.unwrap());
    assert!(matches!(a, Err(SessionError::Network { .. })));
    assert_eq!(a, b);
    assert_eq!(transport.calls(), 1);
}

#[tokio::test]
async fn w3_a_later_call_after_completion_makes_a_new_request() {
    let transport = ScriptedTransport::open();
    transport.push(refreshed("one", "h.jwt-1.s"));
    transport.push(refreshed("two", "h.jwt-2.s"));
    let (client, _) = restored(transport.clone());
    client.authenticate(None).await.unwrap();
    let second = client.authenticate(None).await.unwrap();
    assert_eq!(second.attributes.user_agent, "two");
    assert_eq!(transport.calls(), 2);
}

#[tokio::test]
async fn w4_a_refresh_in_flight_during_clear_never_resurrects_the_session() {
    let transport = ScriptedTransport::gated();
    transport.push(refreshed("zombie", "h.jwt-1.s"));
    let (client, store) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    client.clear_blocking().unwrap();
    transport.release(1);

    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));
    assert!(client.get_sync().is_none());
    assert!(client.get_tokens().is_none());
    assert!(store.holds().is_none(), "nothing written back");
}

#[tokio::test]
async fn w4_a_refresh_in_flight_during_update_session_keeps_the_new_tokens() {
    let transport = ScriptedTransport::gated();
    transport.push(refreshed("old identity", "h.jwt-old.s"));
    transport.push(refreshed("new identity", "h.jwt-new.s"));
    let (client, _) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    client
        .update_session_blocking("new-tok", "h.new-jwt.s")
        .unwrap();

    // A call after the identity change does not join the old flight.
    let fresh = refresh_in_background(&client);
    settle().await;
    assert_eq!(transport.calls(), 2);
    assert_eq!(transport.seen_tokens.lock().as_slice(), ["tok", "new-tok"]);

    transport.release(2);
    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));
    let fresh = fresh.await.unwrap().unwrap();
    assert_eq!(fresh.attributes.user_agent, "new identity");
    assert_eq!(
        client.get_sync().unwrap().attributes.user_agent,
        "new identity"
    );
}

#[tokio::test]
async fn w4_a_definitive_error_for_an_old_identity_does_not_sign_out_the_new_one() {
    let transport = ScriptedTransport::gated();
    transport.push(Answer::Fail(api_error(404, "session_not_found")));
    let (client, _) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    client
        .update_session_blocking("new-tok", "h.new-jwt.s")
        .unwrap();
    transport.release(1);
    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));
    assert_eq!(client.get_tokens().unwrap().session_token(), "new-tok");
}

#[tokio::test]
async fn w4_a_refresh_in_flight_during_revoke_never_resurrects_the_session() {
    let transport = ScriptedTransport::gated();
    transport.push_revoke(Answer::Revoked);
    transport.push(refreshed("zombie", "h.jwt-1.s"));
    let (client, _) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    let revoke = tokio::spawn({
        let client = client.clone();
        async move { client.revoke(false).await }
    });
    settle().await;
    // The revoke answers first; the refresh's answer comes after it.
    transport.release_revoke(1);
    revoke.await.unwrap().unwrap();
    transport.release(1);
    let outcome = refresh.await.unwrap();
    assert!(client.get_sync().is_none(), "got {outcome:?}");
    assert!(client.get_tokens().is_none());
}

#[tokio::test]
async fn w4_the_outcome_is_applied_even_when_every_caller_gave_up() {
    let transport = ScriptedTransport::gated();
    transport.push(refreshed("applied", "h.jwt-1.s"));
    let (client, _) = restored(transport.clone());
    let (_handle, events) = record(&client);
    let abandoned = refresh_in_background(&client);
    settle().await;
    abandoned.abort();
    transport.release(1);
    let change = tokio::task::spawn_blocking(move || next_event(&events))
        .await
        .unwrap();
    assert!(matches!(change, SessionEvent::Changed(c) if c.cause == ChangeCause::Authenticated));
    assert_eq!(client.get_sync().unwrap().attributes.user_agent, "applied");
}

#[tokio::test]
async fn e1_definitive_errors_clear_the_session() {
    for error_type in [
        "unauthorized_credentials",
        "user_unauthenticated",
        "invalid_secret_authentication",
        "session_not_found",
    ] {
        let transport = ScriptedTransport::open();
        // Decided on error_type, whatever the status.
        transport.push(Answer::Fail(api_error(400, error_type)));
        let (client, store) = restored(transport);
        let (_handle, events) = record(&client);
        let outcome = client.authenticate(None).await;
        assert!(
            matches!(outcome, Err(SessionError::SignedOut { .. })),
            "{error_type}: {outcome:?}"
        );
        assert!(client.get_tokens().is_none(), "{error_type}");
        assert!(store.holds().is_none(), "{error_type}");
        let change = tokio::task::spawn_blocking(move || next_event(&events))
            .await
            .unwrap();
        assert!(
            matches!(&change, SessionEvent::Changed(c) if c.cause == ChangeCause::SignedOut(SignOutReason::Rejected)),
            "{error_type}: {change:?}"
        );
    }
}

#[tokio::test]
async fn e2_transient_failures_keep_the_session() {
    for (error, retry_after) in [
        (api_error(500, "internal_server_error"), None),
        (api_error(503, "service_unavailable"), None),
        (
            sessionkit::transport::TransportError::Api {
                status: 429,
                error_type: "too_many_requests".into(),
                message: "slow down".into(),
                request_id: None,
                retry_after: Some(Duration::from_secs(7)),
            },
            Some(Duration::from_secs(7)),
        ),
        (sessionkit::transport::TransportError::Timeout, None),
        (
            sessionkit::transport::TransportError::Connect("reset".into()),
            None,
        ),
        (
            sessionkit::transport::TransportError::Malformed("bad".into()),
            None,
        ),
        (
            sessionkit::transport::TransportError::Truncated("cut".into()),
            None,
        ),
        (
            sessionkit::transport::TransportError::WrongContentType("text/html".into()),
            None,
        ),
        (
            sessionkit::transport::TransportError::Status {
                status: 502,
                retry_after: None,
            },
            None,
        ),
    ] {
        let transport = ScriptedTransport::open();
        let shown = error.to_string();
        transport.push(Answer::Fail(error));
        let (client, _) = restored(transport);
        match client.authenticate(None).await {
            Err(SessionError::Network {
                retry_after: got, ..
            }) => assert_eq!(got, retry_after, "{shown}"),
            other => panic!("{shown}: {other:?}"),
        }
        assert_eq!(
            client.get_sync().unwrap().attributes.user_agent,
            "restored",
            "{shown}"
        );
        assert!(client.get_tokens().is_some());
    }
}

#[tokio::test]
async fn e3_other_client_errors_keep_the_session_and_reach_the_caller() {
    let transport = ScriptedTransport::open();
    transport.push(Answer::Fail(api_error(400, "invalid_session_duration")));
    let (client, _) = restored(transport.clone());
    match client.authenticate(Some(1)).await {
        Err(SessionError::ServerRejected {
            status, error_type, ..
        }) => {
            assert_eq!(status, 400);
            assert_eq!(error_type, "invalid_session_duration");
        }
        other => panic!("{other:?}"),
    }
    assert!(client.get_sync().is_some());
    assert_eq!(transport.calls(), 1, "no retry loop");
}

#[tokio::test]
async fn w2_authenticate_without_tokens_is_signed_out_without_a_request() {
    let transport = ScriptedTransport::open();
    let client = SessionClient::builder()
        .transport(transport.clone())
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    assert!(matches!(
        client.authenticate(None).await,
        Err(SessionError::SignedOut { .. })
    ));
    assert_eq!(transport.calls(), 0);
}

#[tokio::test]
async fn w5_revoke_success_clears() {
    let transport = ScriptedTransport::open();
    transport.push_revoke(Answer::Revoked);
    let (client, store) = restored(transport);
    let (_handle, events) = record(&client);
    client.revoke(false).await.unwrap();
    assert!(client.get_tokens().is_none());
    assert!(store.holds().is_none());
    let change = tokio::task::spawn_blocking(move || next_event(&events))
        .await
        .unwrap();
    assert!(
        matches!(change, SessionEvent::Changed(c) if c.cause == ChangeCause::SignedOut(SignOutReason::Revoked))
    );
}

#[tokio::test]
async fn w5_revoke_failure_keeps_the_session_unless_definitive_or_forced() {
    // Transient failure, not forced: kept, error returned.
    let transport = ScriptedTransport::open();
    transport.push_revoke(Answer::Fail(api_error(503, "unavailable")));
    let (client, _) = restored(transport);
    assert!(matches!(
        client.revoke(false).await,
        Err(SessionError::Network { .. })
    ));
    assert!(client.get_tokens().is_some());

    // Other 4xx, not forced: kept.
    let transport = ScriptedTransport::open();
    transport.push_revoke(Answer::Fail(api_error(400, "bad_request")));
    let (client, _) = restored(transport);
    assert!(matches!(
        client.revoke(false).await,
        Err(SessionError::ServerRejected { .. })
    ));
    assert!(client.get_tokens().is_some());

    // Definitive: cleared; the server no longer knows the session, so it is revoked.
    let transport = ScriptedTransport::open();
    transport.push_revoke(Answer::Fail(api_error(404, "session_not_found")));
    let (client, _) = restored(transport);
    assert_eq!(client.revoke(false).await, Ok(RevokeOutcome::Revoked));
    assert!(client.get_tokens().is_none());

    // Forced: cleared whatever the failure, and the caller can tell the server was not
    // reached (W8).
    let transport = ScriptedTransport::open();
    transport.push_revoke(Answer::Fail(sessionkit::transport::TransportError::Timeout));
    let (client, _) = restored(transport);
    let outcome = client.revoke(true).await.unwrap();
    assert!(
        matches!(&outcome, RevokeOutcome::ClearedLocallyOnly { reason } if reason.contains("timed out")),
        "W8: {outcome:?}"
    );
    assert!(client.get_tokens().is_none());
}

#[tokio::test]
async fn w8_a_call_whose_identity_was_cleared_in_flight_is_superseded_whatever_the_network_did() {
    // The request times out after the app signed out: the session is gone, so "network
    // problem, session kept" would be a lie.
    let transport = ScriptedTransport::gated();
    transport.push(Answer::Fail(sessionkit::transport::TransportError::Timeout));
    let (client, _) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    client.clear_blocking().unwrap();
    transport.release(1);
    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));

    // The same with a rejection (E3) after the identity was replaced.
    let transport = ScriptedTransport::gated();
    transport.push(Answer::Fail(api_error(400, "invalid_session_duration")));
    let (client, _) = restored(transport.clone());
    let refresh = refresh_in_background(&client);
    settle().await;
    client
        .update_session_blocking("new-token", "new.jwt.value")
        .unwrap();
    transport.release(1);
    assert_eq!(refresh.await.unwrap(), Err(SessionError::Superseded));
    assert_eq!(client.get_tokens().unwrap().session_token(), "new-token");
}

#[tokio::test]
async fn w8_a_revoke_whose_identity_was_replaced_in_flight_is_superseded_and_keeps_the_new_one() {
    let transport = ScriptedTransport::gated();
    transport.push_revoke(Answer::Revoked);
    let (client, _) = restored(transport.clone());
    let revoking = {
        let client = client.clone();
        tokio::spawn(async move { client.revoke(false).await })
    };
    settle().await;
    client
        .update_session_blocking("new-token", "new.jwt.value")
        .unwrap();
    transport.release_revoke(1);
    assert_eq!(revoking.await.unwrap(), Err(SessionError::Superseded));
    assert_eq!(client.get_tokens().unwrap().session_token(), "new-token");
}

#[tokio::test]
async fn w5_revoke_with_no_session_succeeds_without_a_request() {
    let transport = ScriptedTransport::open();
    let client = SessionClient::builder()
        .transport(transport.clone())
        .runtime(Handle::current())
        .manual_refresh()
        .build()
        .unwrap();
    assert_eq!(client.revoke(false).await, Ok(RevokeOutcome::NoSession));
    assert_eq!(transport.revoke_calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn o2_a_failed_save_after_authenticate_keeps_the_new_tokens() {
    let transport = ScriptedTransport::open();
    transport.push(refreshed("fresh", "h.jwt-fresh.s"));
    let (client, store) = restored(transport);
    store.set(support::Mode::Unavailable);
    let session = client.authenticate(None).await.unwrap();
    assert_eq!(session.attributes.user_agent, "fresh");
    assert_eq!(client.get_tokens().unwrap().session_jwt(), "h.jwt-fresh.s");
    store.set(support::Mode::Works);
    client.storage_became_available_blocking().unwrap();
    let written: serde_json::Value = serde_json::from_slice(&store.holds().unwrap()).unwrap();
    assert_eq!(written["session_jwt"], "h.jwt-fresh.s");
}
