//! Explicit calls racing each other: two refreshes share one flight (W3), a refresh in
//! flight never brings a revoked or replaced identity back (W4, W5), an old identity's
//! rejection signs nobody out (E1), and every execution ends with the store holding exactly
//! what memory holds, written in commit order (O2).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::super::SessionClient;
use super::{Model, ModelServer, explore};
use crate::error::SessionError;
use crate::model::Session;

type Outcome = Result<Arc<Session>, SessionError>;

fn refresh(client: SessionClient) -> Outcome {
    shuttle::future::block_on(client.authenticate(None))
}

/// W3: two concurrent refreshes of one identity.
fn two_refreshes() {
    let model = Model::hydrated(ModelServer::default());
    let a = model.in_thread(refresh);
    let b = model.in_thread(refresh);
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    let (a, b) = (
        a.expect("W2: a refresh fails"),
        b.expect("W2: a refresh fails"),
    );
    let requests = model.server.authenticate_requests.load(Ordering::SeqCst);
    assert!((1..=2).contains(&requests));
    if requests == 1 {
        assert!(
            Arc::ptr_eq(&a, &b),
            "W3: callers of one flight got different results"
        );
    }
    // Hydration, then one write per answer, in order.
    assert_eq!(
        model.writes().len(),
        1 + requests,
        "O2: {:?}",
        model.writes()
    );
    assert_eq!(
        model.client.get_tokens().unwrap().session_jwt(),
        format!("h.jwt-answer-{requests}.s")
    );
    model.assert_persisted_is_memory();
}

/// W4, W5: a refresh in flight while the session is revoked never brings it back.
fn refresh_vs_revoke() {
    let model = Model::hydrated(ModelServer::default());
    let a = model.in_thread(refresh);
    let b = model.in_thread(|client| shuttle::future::block_on(client.revoke(false)));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    b.expect("W5: revoke fails");
    assert!(
        matches!(
            a,
            Ok(_) | Err(SessionError::Superseded | SessionError::SignedOut { .. })
        ),
        "{a:?}"
    );
    assert!(
        model.client.get_tokens().is_none(),
        "W5: tokens survive revoke"
    );
    assert!(
        model.client.get_sync().is_none(),
        "W5: session survives revoke"
    );
    assert_eq!(
        model.writes().last(),
        Some(&None),
        "W6: {:?}",
        model.writes()
    );
    model.assert_no_token_comes_back();
    model.assert_persisted_is_memory();
}

/// W4: a refresh of the old identity in flight while the app hydrates a new one.
fn refresh_vs_update_session() {
    let model = Model::hydrated(ModelServer::default());
    let a = model.in_thread(refresh);
    let b = model.in_thread(|client| client.update_session_blocking("token-1", "h.jwt-1.s"));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    b.expect("W1");
    assert!(matches!(a, Ok(_) | Err(SessionError::Superseded)), "{a:?}");
    let tokens = model
        .client
        .get_tokens()
        .expect("W4: the new identity is gone");
    assert_eq!(
        tokens.session_token(),
        "token-1",
        "W4: the old identity came back"
    );
    model.assert_no_token_comes_back();
    model.assert_persisted_is_memory();
}

/// W4, E1: the old identity's rejection arriving after a new one was hydrated signs
/// nobody out.
fn rejected_refresh_vs_update_session() {
    let model = Model::hydrated(ModelServer {
        rejected_token: Some("token-0"),
        ..ModelServer::default()
    });
    let a = model.in_thread(refresh);
    let b = model.in_thread(|client| client.update_session_blocking("token-1", "h.jwt-1.s"));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    b.expect("W1");
    assert!(a.is_err() || model.server.authenticate_requests.load(Ordering::SeqCst) > 0);
    let tokens = model
        .client
        .get_tokens()
        .expect("W4: an old identity's rejection signed the new one out");
    assert_eq!(tokens.session_token(), "token-1");
    model.assert_no_token_comes_back();
    model.assert_persisted_is_memory();
}

#[test]
fn w3_two_refreshes_share_one_flight_in_every_interleaving() {
    explore("two refreshes", two_refreshes);
}

#[test]
fn w4_w5_refresh_vs_revoke_never_resurrects_in_any_interleaving() {
    explore("refresh vs revoke", refresh_vs_revoke);
}

#[test]
fn w4_refresh_vs_update_session_keeps_the_new_identity_in_every_interleaving() {
    explore("refresh vs update_session", refresh_vs_update_session);
}

#[test]
fn w4_e1_stale_rejection_vs_update_session_signs_nobody_out_in_every_interleaving() {
    explore(
        "rejected refresh vs update_session",
        rejected_refresh_vs_update_session,
    );
}
