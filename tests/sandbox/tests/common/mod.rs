//! Helpers shared by the integration tests: a plain reqwest client speaking to the sandbox
//! the way SessionKit's transport will.

#![allow(dead_code)] // each test binary uses a different subset

use reqwest::{Client, Response};
use serde_json::{Value, json};
use sessionkit_sandbox::Sandbox;

/// A client for plain HTTP over loopback (reqwest is built without TLS here: the sandbox
/// speaks plain HTTP).
pub fn client() -> Client {
    Client::builder().build().expect("a reqwest client")
}

/// `POST /sdk/v1/sessions/authenticate` with Basic public_token:session_token.
pub async fn authenticate(
    client: &Client,
    sandbox: &Sandbox,
    session_token: &str,
    minutes: Option<i64>,
) -> reqwest::Result<Response> {
    let body = match minutes {
        Some(minutes) => json!({ "session_duration_minutes": minutes }),
        None => json!({}),
    };
    client
        .post(format!(
            "{}/sdk/v1/sessions/authenticate",
            sandbox.base_url()
        ))
        .basic_auth(sandbox.public_token(), Some(session_token))
        .json(&body)
        .send()
        .await
}

/// `POST /sdk/v1/sessions/revoke` with Basic public_token:session_token.
pub async fn revoke(
    client: &Client,
    sandbox: &Sandbox,
    session_token: &str,
) -> reqwest::Result<Response> {
    client
        .post(format!("{}/sdk/v1/sessions/revoke", sandbox.base_url()))
        .basic_auth(sandbox.public_token(), Some(session_token))
        .json(&json!({}))
        .send()
        .await
}

/// Asserts a Stytch error envelope with `status` and `error_type`.
pub async fn assert_error(response: Response, status: u16, error_type: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["status_code"], status);
    assert_eq!(body["error_type"], error_type);
    assert!(
        body["request_id"]
            .as_str()
            .unwrap()
            .starts_with("request-id-test-")
    );
    assert!(body["error_message"].is_string());
    assert!(body["error_url"].is_string());
    assert!(body.get("data").is_none());
    body
}

/// The `data` of a 200 success envelope.
pub async fn success_data(response: Response) -> Value {
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("a JSON success body");
    let data = body["data"].clone();
    assert_eq!(data["status_code"], 200);
    assert!(
        data["request_id"]
            .as_str()
            .unwrap()
            .starts_with("request-id-test-")
    );
    data
}
