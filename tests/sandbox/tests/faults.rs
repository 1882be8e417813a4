//! Each injected fault as a reqwest client observes it, and the request counters.

mod common;

use std::time::Duration;

use common::{assert_error, authenticate, client, revoke, success_data};
use serde_json::Value;
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
use tokio::task::JoinSet;

async fn signed_in_sandbox() -> (Sandbox, String) {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.sign_in("ada@example.com", "pw").await.session_token;
    (sandbox, token)
}

fn content_type(response: &reqwest::Response) -> &str {
    response.headers()["content-type"].to_str().unwrap()
}

#[tokio::test]
async fn status_fault_answers_the_error_envelope_with_retry_after() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    sandbox.inject(Endpoint::Authenticate, Fault::too_many_requests(Some(7)), 1);
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::status(503, "service_unavailable"),
        1,
    );

    let response = authenticate(&client, &sandbox, &token, None).await.unwrap();
    assert_eq!(response.headers()["retry-after"], "7");
    let body = assert_error(response, 429, "too_many_requests").await;
    assert_eq!(body["error_message"], "Too many requests have been made.");

    let response = authenticate(&client, &sandbox, &token, None).await.unwrap();
    assert!(response.headers().get("retry-after").is_none());
    assert_error(response, 503, "service_unavailable").await;

    success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;
}

#[tokio::test]
async fn faulted_authenticate_neither_extends_nor_rotates() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    let before = success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;

    sandbox.inject(
        Endpoint::Authenticate,
        Fault::status(500, "internal_server_error"),
        1,
    );
    let response = authenticate(&client, &sandbox, &token, Some(600))
        .await
        .unwrap();
    assert_error(response, 500, "internal_server_error").await;

    let after = success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;
    assert_eq!(
        after["session"]["expires_at"],
        before["session"]["expires_at"]
    );
}

#[tokio::test]
async fn malformed_json_fails_to_parse() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::MalformedJson, 1);
    let response = authenticate(&client(), &sandbox, &token, None)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(content_type(&response), "application/json");
    assert!(response.json::<Value>().await.is_err());
}

#[tokio::test]
async fn truncated_body_fails_while_reading() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::TruncatedBody, 1);
    let response = authenticate(&client(), &sandbox, &token, None)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(content_type(&response), "application/json");
    assert!(response.content_length().unwrap() > 0);
    let error = response.bytes().await.expect_err("the body is cut short");
    assert!(error.is_decode() || error.is_body(), "{error:?}");
}

#[tokio::test]
async fn wrong_content_type_carries_valid_json() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::WrongContentType, 1);
    let response = authenticate(&client(), &sandbox, &token, None)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(content_type(&response).starts_with("text/html"));
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["data"]["status_code"], 200);
}

#[tokio::test]
async fn oversized_body_has_the_requested_size() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::OversizedBody(3_000_000), 1);
    let response = authenticate(&client(), &sandbox, &token, None)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(content_type(&response), "application/json");
    assert_eq!(response.content_length(), Some(3_000_000));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len(), 3_000_000);
    assert!(serde_json::from_slice::<Value>(&bytes).is_ok());
}

#[tokio::test]
async fn dropped_connection_is_a_request_error() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 1);
    let error = authenticate(&client, &sandbox, &token, None)
        .await
        .expect_err("no response on a dropped connection");
    assert!(error.is_request() && !error.is_status(), "{error:?}");
    // The same client recovers on the next call.
    success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;
}

#[tokio::test]
async fn empty_body_is_a_200_with_nothing() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::EmptyBody, 1);
    let response = authenticate(&client(), &sandbox, &token, None)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(content_type(&response), "application/json");
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn delay_then_answers_normally() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(50)),
        1,
    );
    let data = success_data(
        authenticate(&client, &sandbox, &token, Some(30))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(data["session_token"], token.as_str());
}

#[tokio::test]
async fn times_is_honoured_and_rules_are_per_endpoint() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    sandbox.inject(Endpoint::Revoke, Fault::status(502, "bad_gateway"), 1);
    sandbox.inject(Endpoint::Authenticate, Fault::status(503, "unavailable"), 2);

    for _ in 0..2 {
        let response = authenticate(&client, &sandbox, &token, None).await.unwrap();
        assert_error(response, 503, "unavailable").await;
    }
    success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;

    let response = revoke(&client, &sandbox, &token).await.unwrap();
    assert_error(response, 502, "bad_gateway").await;
    success_data(revoke(&client, &sandbox, &token).await.unwrap()).await;
}

#[tokio::test]
async fn clear_faults_empties_the_queue() {
    let (sandbox, token) = signed_in_sandbox().await;
    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 5);
    sandbox.clear_faults();
    success_data(
        authenticate(&client(), &sandbox, &token, None)
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn faults_reach_sign_in_and_jwks() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client();
    sandbox.inject(Endpoint::Jwks, Fault::DropConnection, 1);
    sandbox.inject(Endpoint::SignIn, Fault::WrongContentType, 1);

    assert!(client.get(sandbox.jwks_url()).send().await.is_err());
    let response = client.get(sandbox.jwks_url()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);

    let response = client
        .post(format!(
            "{}/sdk/v1/passwords/authenticate",
            sandbox.base_url()
        ))
        .basic_auth(sandbox.public_token(), Some(sandbox.public_token()))
        .json(&serde_json::json!({"email": "ada@example.com", "password": "pw"}))
        .send()
        .await
        .unwrap();
    assert!(content_type(&response).starts_with("text/html"));
    assert_eq!(sandbox.request_count(Endpoint::Jwks), 2);
    assert_eq!(sandbox.request_count(Endpoint::SignIn), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_see_every_request_and_the_peak() {
    let (sandbox, token) = signed_in_sandbox().await;
    let client = client();
    sandbox.inject(
        Endpoint::Authenticate,
        Fault::Delay(Duration::from_millis(200)),
        20,
    );

    let mut calls = JoinSet::new();
    for _ in 0..20 {
        let (client, sandbox, token) = (client.clone(), sandbox.clone(), token.clone());
        calls.spawn(async move {
            let response = authenticate(&client, &sandbox, &token, None).await.unwrap();
            response.status().as_u16()
        });
    }
    while let Some(status) = calls.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 20);
    assert!(sandbox.max_in_flight(Endpoint::Authenticate) > 1);
    assert_eq!(sandbox.request_count(Endpoint::Revoke), 0);

    // Faulted requests count too, dropped connections included.
    sandbox.reset_counts();
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 0);
    assert_eq!(sandbox.max_in_flight(Endpoint::Authenticate), 0);
    sandbox.inject(Endpoint::Authenticate, Fault::DropConnection, 1);
    assert!(authenticate(&client, &sandbox, &token, None).await.is_err());
    success_data(authenticate(&client, &sandbox, &token, None).await.unwrap()).await;
    assert_eq!(sandbox.request_count(Endpoint::Authenticate), 2);
    assert_eq!(sandbox.max_in_flight(Endpoint::Authenticate), 1);
}

#[tokio::test]
async fn latency_holds_every_request_and_peaks_are_kept_per_credential() {
    let (sandbox, ada) = signed_in_sandbox().await;
    let grace = sandbox
        .sign_in("grace@example.com", "pw")
        .await
        .session_token;
    let client = client();
    sandbox.set_latency(Duration::from_millis(300));

    let mut calls = JoinSet::new();
    for token in [&ada, &ada, &grace] {
        let (client, sandbox, token) = (client.clone(), sandbox.clone(), token.clone());
        calls.spawn(async move {
            let response = authenticate(&client, &sandbox, &token, None).await.unwrap();
            response.status().as_u16()
        });
    }
    while let Some(status) = calls.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    // Held by the latency, all three overlapped, but only two shared a credential.
    assert_eq!(sandbox.max_in_flight(Endpoint::Authenticate), 3);
    assert_eq!(
        sandbox.max_in_flight_per_credential(Endpoint::Authenticate),
        2
    );

    sandbox.set_latency(Duration::ZERO);
    sandbox.reset_counts();
    for token in [&ada, &ada, &grace] {
        success_data(authenticate(&client, &sandbox, token, None).await.unwrap()).await;
    }
    assert_eq!(sandbox.max_in_flight(Endpoint::Authenticate), 1);
    assert_eq!(
        sandbox.max_in_flight_per_credential(Endpoint::Authenticate),
        1
    );
}
