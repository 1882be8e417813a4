//! S8 on real threads: the race a black-box run found. An app calls `update_session` right
//! after building the client, while the scheduler's task makes its first plan on the
//! engine's own runtime thread; the first answer is 429 with `Retry-After`. Every client
//! must send exactly one request before the server's wait ends. The model checker explores
//! the same race schedule by schedule (`model_check/scheduler.rs`); this test runs it the
//! way an app does, many times over.

use std::time::{Duration, Instant};

use sessionkit::SessionClient;
use sessionkit::diagnostics::SchedulerState;
use sessionkit::transport::TransportError;

use crate::support::scripted_transport::{Answer, ScriptedTransport};
use crate::support::{at, sample_session};

const CLIENTS: usize = 400;
const BATCH: usize = 40;

fn too_many_requests() -> TransportError {
    TransportError::Api {
        status: 429,
        error_type: "too_many_requests".into(),
        message: "scripted".into(),
        request_id: None,
        retry_after: Some(Duration::from_secs(30)),
    }
}

/// Waits (bounded) until `client`'s scheduler has heard the 429 and is waiting it out.
fn wait_for_the_backoff(client: &SessionClient) {
    let started = Instant::now();
    while !matches!(
        client.scheduler_stats().state,
        SchedulerState::BackingOff { .. }
    ) {
        assert!(
            started.elapsed() < crate::support::DELIVERY_BOUND,
            "the scheduler never heard its answer: {:?}",
            client.scheduler_stats()
        );
        std::thread::yield_now();
    }
}

#[test]
fn s8_update_session_right_after_build_sends_one_request_until_the_server_wait_ends() {
    let mut doubled = 0;
    for _ in 0..CLIENTS / BATCH {
        let clients: Vec<_> = (0..BATCH)
            .map(|_| {
                let transport = ScriptedTransport::open();
                transport.push(Answer::Fail(too_many_requests()));
                transport.push(Answer::Session(
                    Box::new(sample_session(at("2099-01-01T00:00:00Z"))),
                    sessionkit::SessionTokens::new("tok", "h.jwt-2.s"),
                ));
                let client = SessionClient::builder()
                    .transport(transport.clone())
                    .build()
                    .unwrap();
                client.update_session_blocking("tok", "h.jwt-1.s").unwrap();
                (client, transport)
            })
            .collect();
        for (client, transport) in &clients {
            wait_for_the_backoff(client);
            let requests = transport
                .authenticate_calls
                .load(std::sync::atomic::Ordering::SeqCst);
            if requests != 1 {
                doubled += 1;
            }
        }
    }
    assert_eq!(
        doubled, 0,
        "S8: {doubled} of {CLIENTS} clients sent a second request inside the server's wait"
    );
}
