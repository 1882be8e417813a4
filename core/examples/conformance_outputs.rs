//! What SessionKit hands out, written to files for the Stytch conformance suite
//! (`tests/conformance/stytch_conformance.py --sessionkit-outputs DIR`), which checks them
//! with Stytch's official Python SDK (SPEC M1, M2, J2):
//!
//! - `sessions/*.json`: the session of every event, of `get_sync`, and the one inside the
//!   persisted envelope, as JSON: each must pass the official `Session` model and equal the
//!   session the server sent (unknown fields and nulls kept);
//! - `jwt_checks/*.json`: a session JWT and what `check_jwt` made of it: the official
//!   `authenticate_jwt_local` must read the same session from the same token.
//!
//! It runs against the embedded sandbox, with sessions that carry custom claims, several
//! factor types and roles. The files hold test tokens of that sandbox only; the suite's
//! script writes them to a temporary folder and removes it.
//!
//! ```text
//! cargo run -p sessionkit --example conformance_outputs -- OUT_DIR
//! ```

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sessionkit::jwt::JwtCheck;
use sessionkit::transport::StytchConfig;
use sessionkit::{MemoryStore, SessionClient, SessionEvent, SessionStore};
use sessionkit_sandbox::{Sandbox, SignInOptions};

fn write(dir: &Path, name: &str, value: &Value) {
    std::fs::create_dir_all(dir).expect("the output folder");
    let text = serde_json::to_string_pretty(value).expect("JSON");
    std::fs::write(dir.join(name), text).expect("written");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: conformance_outputs OUT_DIR")?,
    );
    let sandbox = Sandbox::start().await?;
    let scenarios = [
        ("plain", SignInOptions::default()),
        (
            "rich",
            SignInOptions {
                custom_claims: serde_json::from_value(json!({
                    "plan": "pro", "seats": 5, "ratio": 0.25, "beta": true, "nothing": null,
                    "org": {"id": "org-1", "roles": ["admin", "billing"]},
                }))?,
                roles: vec!["admin".into(), "billing".into()],
                extra_factors: vec![
                    "email_otp".into(),
                    "sms_otp".into(),
                    "google_oauth".into(),
                    "webauthn".into(),
                    "totp".into(),
                ],
                ..SignInOptions::default()
            },
        ),
    ];
    for (name, options) in scenarios {
        let signed_in = sandbox
            .sign_in_with(&format!("{name}@example.com"), "correct horse", options)
            .await;
        let store = Arc::new(MemoryStore::new());
        let client = SessionClient::builder()
            .shared_store(store.clone() as Arc<dyn SessionStore>)
            .stytch(
                StytchConfig::new(sandbox.public_token())
                    .with_base_url(sandbox.base_url())
                    .with_project_id(sandbox.project_id()),
            )
            .manual_refresh()
            .build()?;
        let heard = Arc::new(Mutex::new(Vec::new()));
        let recorder = heard.clone();
        let _listening = client.on_change(move |event: &SessionEvent| {
            if let SessionEvent::Changed(change) = event
                && let Some(session) = &change.session
            {
                recorder.lock().unwrap().push(session.to_json());
            }
        });
        client
            .update_session(&signed_in.session_token, &signed_in.session_jwt)
            .await?;
        let confirmed = client.authenticate(None).await?;
        client.refresh_jwks().await?;

        let sessions = out.join("sessions");
        let expected = serde_json::to_value(&*confirmed)?;
        write(
            &sessions,
            &format!("{name}-get_sync.json"),
            &json!({"session": serde_json::from_str::<Value>(&client.get_sync().ok_or("no session")?.to_json())?, "expected": expected}),
        );
        let envelope: Value = serde_json::from_slice(&store.load()?.ok_or("nothing stored")?)?;
        write(
            &sessions,
            &format!("{name}-envelope.json"),
            &json!({"session": envelope["session"], "expected": expected}),
        );
        // Events are delivered on SessionKit's threads: wait (bounded) for the confirmation.
        let started = std::time::Instant::now();
        while heard.lock().unwrap().is_empty() && started.elapsed().as_secs() < 10 {
            tokio::task::yield_now().await;
        }
        for (i, json_text) in heard.lock().unwrap().iter().enumerate() {
            write(
                &sessions,
                &format!("{name}-event-{i}.json"),
                &json!({"session": serde_json::from_str::<Value>(json_text)?, "expected": expected}),
            );
        }

        let tokens = client.get_tokens().ok_or("no tokens")?;
        let JwtCheck::Valid(verified) = client.check_jwt() else {
            return Err(format!("check_jwt: {}", client.check_jwt()).into());
        };
        write(
            &out.join("jwt_checks"),
            &format!("{name}.json"),
            &json!({
                "jwt": tokens.session_jwt(),
                "project_id": sandbox.project_id(),
                "check": {
                    "session_id": verified.session_id,
                    "user_id": verified.user_id,
                    "roles": verified.roles,
                    "authentication_factors": verified.authentication_factors,
                    "custom_claims": verified.custom_claims,
                    "attributes": verified.attributes,
                    "started_at": verified.started_at,
                    "last_accessed_at": verified.last_accessed_at,
                    "expires_at": verified.expires_at,
                },
            }),
        );
        println!("{name}: written");
    }
    sandbox.shutdown();
    Ok(())
}
