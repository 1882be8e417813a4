//! The refresh scheduler racing the app (S8): its task, its state machine, the single flight
//! and the commits all run under shuttle, with virtual time advanced by the scenario in
//! steps while app threads call in.
//!
//! Every execution ends with two checks on what the model server saw:
//! - at most one request per deadline: the scenario's own bound on the requests each
//!   identity may cause in the time it ran;
//! - none before a wait ends: after an answer that asked to wait (`Retry-After`) or started a
//!   backoff (at least 1.6 s, the first delay's lower jitter bound), the identity's next
//!   request comes no earlier, unless the app itself asked (scenarios with an explicit call
//!   allow that, sharing the flight).

use std::time::Duration;

use super::super::concurrency::model_time;
use super::{Model, ModelServer, Reply, Request, explore};

const SEC: Duration = Duration::from_secs(1);

/// Moves virtual time on by `total` in steps of `step`, letting every other thread and task
/// run between steps as the scheduler under test sees fit.
fn advance(total: Duration, step: Duration) {
    let mut moved = Duration::ZERO;
    while moved < total {
        model_time::advance(step);
        moved += step;
        shuttle::thread::yield_now();
    }
}

/// The requests `server` saw for `token`, in the order they were answered.
fn requests_for(model: &Model, token: &str) -> Vec<Request> {
    model
        .server
        .requests()
        .into_iter()
        .filter(|request| request.token == token)
        .collect()
}

/// S8: no request of an identity goes out before the wait its previous answer started ends.
fn assert_no_request_before_the_wait_ends(requests: &[Request]) {
    for pair in requests.windows(2) {
        let wait = match &pair[0].reply {
            Reply::TooManyRequests(wait) => *wait,
            Reply::Unavailable => Duration::from_millis(1_600),
            Reply::Confirm => Duration::ZERO,
        };
        assert!(
            pair[1].sent >= pair[0].answered + wait,
            "S8: a request {:?} after an answer at {:?} that asked to wait {wait:?}: {requests:?}",
            pair[1].sent,
            pair[0].answered,
        );
    }
}

/// S8, the reported race: the app hydrates tokens right after building the client, while the
/// scheduler makes its first plan; the first answer is 429 with `Retry-After: 7`. One
/// request for the start, one after the wait, none in between.
fn start_up_vs_update_session() {
    let model = Model::scheduled(
        ModelServer::scripted([Reply::TooManyRequests(7 * SEC)]),
        None,
    );
    let app = model.in_thread(|client| client.update_session_blocking("token-1", "h.jwt-1.s"));
    app.join().unwrap().expect("W1");
    advance(10 * SEC, 2 * SEC);
    let requests = requests_for(&model, "token-1");
    assert!(requests.len() <= 2, "S8: {requests:?}");
    assert_no_request_before_the_wait_ends(&requests);
}

/// S8 with a stored session: start-up refreshes the restored identity while the app
/// replaces it; each identity causes at most its one start-up request before the first
/// heartbeat, and the restored one's answer never reaches the new identity.
fn restored_start_up_vs_update_session() {
    let model = Model::scheduled(
        ModelServer::scripted([Reply::TooManyRequests(7 * SEC)]),
        Some("token-0"),
    );
    let app = model.in_thread(|client| client.update_session_blocking("token-1", "h.jwt-1.s"));
    app.join().unwrap().expect("W1");
    advance(10 * SEC, 5 * SEC);
    for token in ["token-0", "token-1"] {
        let requests = requests_for(&model, token);
        assert!(requests.len() <= 2, "S8: {token}: {requests:?}");
        assert_no_request_before_the_wait_ends(&requests);
    }
    let tokens = model
        .client
        .get_tokens()
        .expect("W4: the new identity is gone");
    assert_eq!(tokens.session_token(), "token-1", "W4");
}

/// S8: the heartbeat comes due while the app leaves and returns to the foreground (which
/// asks for a refresh, S4): one request covers both.
fn foreground_vs_a_due_deadline() {
    let model = Model::scheduled(ModelServer::default(), Some("token-0"));
    advance(170 * SEC, 170 * SEC);
    let app = model.in_thread(|client| {
        client.app_did_enter_background();
        client.app_did_enter_foreground();
    });
    advance(10 * SEC, 5 * SEC);
    app.join().unwrap();
    let requests = requests_for(&model, "token-0");
    // The start-up refresh, and one for the deadline and the foreground together.
    assert!(requests.len() <= 2, "S8: {requests:?}");
}

/// S8: the network comes back while a backoff runs: nothing goes out before it ends.
fn network_back_vs_a_running_backoff() {
    let model = Model::scheduled(ModelServer::scripted([Reply::Unavailable]), Some("token-0"));
    let app = model.in_thread(|client| {
        client.network_became_available();
        client.network_became_available();
    });
    advance(3 * SEC, SEC / 2);
    app.join().unwrap();
    let requests = requests_for(&model, "token-0");
    assert!(requests.len() <= 2, "S8: {requests:?}");
    assert_no_request_before_the_wait_ends(&requests);
}

/// S8: after a 429 with `Retry-After: 7`, no trigger the app can pull (background and
/// foreground, network back, storage back) brings the retry forward.
fn retry_after_vs_every_trigger() {
    let model = Model::scheduled(
        ModelServer::scripted([Reply::TooManyRequests(7 * SEC)]),
        Some("token-0"),
    );
    let lifecycle = model.in_thread(|client| {
        client.app_did_enter_background();
        client.app_did_enter_foreground();
        client.network_became_available();
    });
    let storage = model.in_thread(|client| client.storage_became_available_blocking());
    advance(9 * SEC, 3 * SEC);
    lifecycle.join().unwrap();
    storage.join().unwrap().expect("storage works");
    let requests = requests_for(&model, "token-0");
    assert!(requests.len() <= 2, "S8: {requests:?}");
    assert_no_request_before_the_wait_ends(&requests);
}

/// S8, W3: the app authenticates while the heartbeat comes due: the two share one request,
/// or the app's confirmation moves the deadline; never two requests for one deadline.
fn explicit_authenticate_vs_a_scheduled_one() {
    let model = Model::scheduled(ModelServer::default(), Some("token-0"));
    advance(175 * SEC, 175 * SEC);
    let app = model.in_thread(|client| shuttle::future::block_on(client.authenticate(None)));
    advance(10 * SEC, 5 * SEC);
    let explicit = app.join().unwrap();
    assert!(explicit.is_ok(), "W2: {explicit:?}");
    let requests = requests_for(&model, "token-0");
    // The start-up refresh, then one request for the app's call and the deadline.
    assert!(requests.len() <= 2, "S8, W3: {requests:?}");
}

#[test]
fn s8_start_up_vs_update_session_sends_one_request_per_deadline() {
    explore(
        "scheduler: start-up vs update_session",
        start_up_vs_update_session,
    );
}

#[test]
fn s8_w4_restored_start_up_vs_update_session_in_every_interleaving() {
    explore(
        "scheduler: restored start-up vs update_session",
        restored_start_up_vs_update_session,
    );
}

#[test]
fn s8_foreground_vs_a_due_deadline_sends_one_request() {
    explore(
        "scheduler: foreground vs a due deadline",
        foreground_vs_a_due_deadline,
    );
}

#[test]
fn s8_network_back_never_cuts_a_running_backoff_short() {
    explore(
        "scheduler: network back vs a running backoff",
        network_back_vs_a_running_backoff,
    );
}

#[test]
fn s8_no_trigger_cuts_a_server_requested_wait_short() {
    explore(
        "scheduler: Retry-After vs every trigger",
        retry_after_vs_every_trigger,
    );
}

#[test]
fn s8_w3_an_explicit_authenticate_and_a_scheduled_one_share_a_deadline() {
    explore(
        "scheduler: explicit authenticate vs a scheduled one",
        explicit_authenticate_vs_a_scheduled_one,
    );
}
