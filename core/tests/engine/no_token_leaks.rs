//! No token ever reaches a log, an error message or a Debug string (SPEC M3, E6).
//!
//! Drives every operation and the error paths with recognisable token values, captures all
//! `tracing` output at TRACE level (the engine's, the transport's and the sandbox's) and the
//! Debug and Display of everything the API hands out, and searches all of it for the tokens.

use crate::support;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sessionkit::{
    EncryptedFileStore, FileStoreKey, MemoryStore, SessionClient, SessionEvent, SessionStore,
};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
use tokio::runtime::Handle;

/// Everything written by the tracing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e6_no_token_reaches_logs_errors_or_debug_output() {
    let logs = Captured::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .init();

    let sandbox = Sandbox::start().await.unwrap();
    let signed_in = sandbox.sign_in("leak@example.com", "canary-password").await;
    let mut secrets = vec![
        signed_in.session_token.clone(),
        signed_in.session_jwt.clone(),
    ];
    let mut shown: Vec<String> = Vec::new();

    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let path = dir.path().join("session.bin");
    let events = Arc::new(Mutex::new(Vec::<SessionEvent>::new()));
    let build = || {
        SessionClient::builder()
            .store(EncryptedFileStore::new(&path, key.clone()))
            .stytch(
                support::sandbox_config(&sandbox)
                    .with_request_timeout(Duration::from_millis(400))
                    .with_max_response_bytes(64 * 1024),
            )
            .runtime(Handle::current())
            .manual_refresh()
            .build()
            .unwrap()
    };

    let client = build();
    let recorded = events.clone();
    let _handle = client.on_change(move |event: &SessionEvent| {
        recorded.lock().unwrap().push(event.clone());
    });
    client
        .update_session_blocking(&signed_in.session_token, &signed_in.session_jwt)
        .unwrap();
    let session = client.authenticate(None).await.unwrap();
    let tokens = client.get_tokens().unwrap();
    secrets.push(tokens.session_jwt().to_owned());
    shown.push(format!("{session:?} {tokens:?} {tokens} {client:?}"));
    shown.push(format!("{:?}", client.get_info()));
    client.refresh_jwks().await.unwrap();
    shown.push(format!("{:?}", client.check_jwt()));

    // Every fault the sandbox can inject, on authenticate and on revoke.
    let faults = [
        Fault::Delay(Duration::from_secs(2)),
        Fault::DropConnection,
        Fault::status(503, "service_unavailable"),
        Fault::too_many_requests(Some(2)),
        Fault::MalformedJson,
        Fault::TruncatedBody,
        Fault::WrongContentType,
        Fault::OversizedBody(128 * 1024),
        Fault::EmptyBody,
        Fault::status(400, "invalid_session_duration"),
    ];
    for fault in faults {
        sandbox.inject(Endpoint::Authenticate, fault.clone(), 1);
        let error = client.authenticate(None).await.unwrap_err();
        shown.push(format!("{error} {error:?}"));
        sandbox.inject(Endpoint::Revoke, fault, 1);
        let error = client.revoke(false).await.unwrap_err();
        shown.push(format!("{error} {error:?}"));
    }

    // Restart from the encrypted file, then sign out on the server.
    drop(client);
    let client = build();
    shown.push(format!("{:?} {client:?}", client.restore_outcome()));
    client.authenticate(None).await.unwrap();
    secrets.push(client.get_tokens().unwrap().session_jwt().to_owned());
    client.revoke(false).await.unwrap();

    // A definitive rejection, and a corrupt file.
    client
        .update_session_blocking(&signed_in.session_token, "a.b.c")
        .unwrap();
    let error = client.authenticate(None).await.unwrap_err();
    shown.push(format!("{error} {error:?}"));
    std::fs::write(&path, b"SKFS\x01not-a-valid-ciphertext-at-all").unwrap();
    let corrupted = build();
    shown.push(format!("{:?}", corrupted.restore_outcome()));

    // Store errors and the stores themselves.
    let memory = MemoryStore::new();
    memory.save(signed_in.session_token.as_bytes()).unwrap();
    shown.push(format!(
        "{memory:?} {:?} {key:?}",
        EncryptedFileStore::new(&path, key.clone())
    ));

    shown.push(format!("{:?}", events.lock().unwrap()));
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("stytch request succeeded") && logged.contains("session state changed"),
        "the transport's and the engine's logs were captured"
    );
    shown.push(logged);

    for text in &shown {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a token leaked into: {}",
                &text[..text.len().min(300)]
            );
        }
    }
}
