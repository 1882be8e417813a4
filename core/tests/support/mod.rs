//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod concurrency;
pub mod faults;
pub mod refresh_server;
pub mod scripted_transport;
pub mod strategies;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use sessionkit::{
    ListenerHandle, MemoryStore, Session, SessionClient, SessionEvent, SessionStore, StoreError,
};

/// Generous bound on waiting for an event that must come: it only turns a deadlock into a
/// failure, it measures nothing.
pub const DELIVERY_BOUND: Duration = Duration::from_secs(10);

/// A file-store key as hex, to hand it to a child process in its environment (the crash
/// simulation, the cross-process tests); [`key_from_hex`] reads it back.
pub fn key_hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key [`key_hex`] wrote.
pub fn key_from_hex(hex: &str) -> [u8; 32] {
    let mut key = [0; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    key
}

/// A Stytch wire sample, from `shared/fixtures/stytch/` or `SESSIONKIT_STYTCH_FIXTURES`.
#[allow(unused_imports)]
pub use sessionkit::test_support::{stytch_fixture as fixture, stytch_fixtures_dir};

/// The session of the Stytch sample, with `expires_at` moved to `expires_at`.
pub fn sample_session(expires_at: DateTime<Utc>) -> Session {
    let body: serde_json::Value =
        serde_json::from_str(&fixture("sessions_authenticate_200.json")).unwrap();
    let mut session: Session = serde_json::from_value(body["data"]["session"].clone()).unwrap();
    session.expires_at = expires_at;
    session
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// The transport configuration that points a client at `sandbox`.
pub fn sandbox_config(
    sandbox: &sessionkit_sandbox::Sandbox,
) -> sessionkit::transport::StytchConfig {
    sessionkit::transport::StytchConfig::new(sandbox.public_token())
        .with_base_url(sandbox.base_url())
        .with_project_id(sandbox.project_id())
}

/// The status with which the sandbox's protected resource answers a request carrying
/// `jwt` as its bearer token (none without). A plain HTTP/1.1 exchange over loopback.
pub async fn get_resource(sandbox: &sessionkit_sandbox::Sandbox, jwt: Option<&str>) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    let authorization = jwt.map(|jwt| format!("Authorization: Bearer {jwt}\r\n"));
    let request = format!(
        "GET /app/v1/profile HTTP/1.1\r\nHost: {}\r\n{}Connection: close\r\n\r\n",
        sandbox.addr(),
        authorization.unwrap_or_default()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let status_line = String::from_utf8_lossy(&answer);
    status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A format-1 envelope, written by hand as an older SessionKit would have written it.
pub fn envelope_v1(session: Option<&Session>, token: &str, jwt: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "format": 1,
        "session_token": token,
        "session_jwt": jwt,
        "session": session,
        "last_validated_at": "2026-01-01T00:00:00Z",
    }))
    .unwrap()
}

pub fn store_holding(blob: &[u8]) -> Arc<MemoryStore> {
    let store = Arc::new(MemoryStore::new());
    store.save(blob).unwrap();
    store
}

/// Subscribes a listener that forwards every event into a channel.
pub fn record(client: &SessionClient) -> (ListenerHandle, Receiver<SessionEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let handle = client.on_change(move |event: &SessionEvent| {
        let _ = tx.lock().send(event.clone());
    });
    (handle, rx)
}

pub fn next_event(rx: &Receiver<SessionEvent>) -> SessionEvent {
    rx.recv_timeout(DELIVERY_BOUND)
        .expect("an event should have been delivered")
}

/// E4: a retry while storage is still down fails as unavailable, never as a sign-out, and is
/// reported once to `events` (a recorder made by [`record`]).
pub fn assert_retry_finds_storage_still_unavailable(
    client: &SessionClient,
    events: &Receiver<SessionEvent>,
) {
    assert!(matches!(
        client.storage_became_available_blocking(),
        Err(sessionkit::SessionError::StorageUnavailable { .. })
    ));
    assert!(matches!(
        next_event(events),
        SessionEvent::Storage(sessionkit::StorageIssue::Unavailable { .. })
    ));
}

/// What a [`ScriptedStore`] does on its next calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Works,
    Unavailable,
    Fails,
    Corrupted,
}

/// A store whose behaviour tests switch at will, counting the calls it sees.
#[derive(Default)]
pub struct ScriptedStore {
    inner: MemoryStore,
    mode: Mutex<Option<Mode>>,
    pub saves: Mutex<usize>,
    pub clears: Mutex<usize>,
    /// The session token of every state written, in order; `None` for a removal.
    history: Mutex<Vec<Option<String>>>,
}

impl ScriptedStore {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock() = Some(mode);
    }

    fn check(&self) -> Result<(), StoreError> {
        match self.mode.lock().clone().unwrap_or(Mode::Works) {
            Mode::Works => Ok(()),
            Mode::Unavailable => Err(StoreError::Unavailable {
                detail: "device locked".into(),
            }),
            Mode::Fails => Err(StoreError::Failed {
                detail: "disk full".into(),
            }),
            Mode::Corrupted => Err(StoreError::Corrupted {
                detail: "bad tag".into(),
            }),
        }
    }

    pub fn history(&self) -> Vec<Option<String>> {
        self.history.lock().clone()
    }

    pub fn holds(&self) -> Option<Vec<u8>> {
        self.inner.load().unwrap()
    }
}

impl SessionStore for ScriptedStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.check()?;
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        *self.saves.lock() += 1;
        self.check()?;
        self.inner.save(blob)?;
        let envelope: serde_json::Value = serde_json::from_slice(blob).unwrap();
        let token = envelope["session_token"].as_str().map(str::to_owned);
        self.history.lock().push(token);
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.clears.lock() += 1;
        self.check()?;
        self.inner.clear()?;
        self.history.lock().push(None);
        Ok(())
    }
}
