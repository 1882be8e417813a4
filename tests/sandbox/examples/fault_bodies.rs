//! Writes the error body of every status fault the sandbox can inject, one JSON file each, so
//! that the Stytch conformance suite (`tests/conformance/`) validates them against the
//! official error model. Faults are queued through the Rust API only, so this small program
//! starts a sandbox in-process, injects each fault on `sessions/authenticate`, and saves what
//! a client would read.
//!
//! ```text
//! cargo run -p sessionkit-sandbox --example fault_bodies -- OUT_DIR
//! ```

use sessionkit_sandbox::{Endpoint, Fault, Sandbox};

/// The status faults of the fault matrix (`core/tests/support/faults.rs`), and the
/// definitive error types of SPEC E1.
const STATUS_FAULTS: [(u16, &str, Option<u64>); 12] = [
    (500, "internal_server_error", None),
    (502, "bad_gateway", None),
    (503, "service_unavailable", None),
    (429, "too_many_requests", None),
    (429, "too_many_requests", Some(3)),
    (400, "invalid_session_duration", None),
    (404, "route_not_found", None),
    (401, "unauthorized_credentials", None),
    (401, "user_unauthenticated", None),
    (401, "invalid_secret_authentication", None),
    (404, "session_not_found", None),
    (403, "forbidden", None),
];

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: fault_bodies OUT_DIR");
    std::fs::create_dir_all(&out).expect("the output folder");
    let sandbox = Sandbox::start().await.expect("a sandbox");
    let signed_in = sandbox
        .sign_in("faults@example.com", "correct horse battery staple")
        .await;
    let client = reqwest::Client::new();
    for (status, error_type, retry_after) in STATUS_FAULTS {
        let fault = match retry_after {
            Some(_) => Fault::too_many_requests(retry_after),
            None => Fault::status(status, error_type),
        };
        sandbox.inject(Endpoint::Authenticate, fault, 1);
        let response = client
            .post(format!(
                "{}/sdk/v1/sessions/authenticate",
                sandbox.base_url()
            ))
            .basic_auth(sandbox.public_token(), Some(&signed_in.session_token))
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status().as_u16(), status, "{error_type}");
        let body = response.bytes().await.expect("a body");
        let name = match retry_after {
            Some(seconds) => format!("{status}_{error_type}_retry_after_{seconds}.json"),
            None => format!("{status}_{error_type}.json"),
        };
        std::fs::write(std::path::Path::new(&out).join(&name), &body).expect("written");
        println!("{name}");
    }
    sandbox.shutdown();
}
