//! Model checking of the engine's state machine with shuttle (issue 6).
//!
//! With the `model-check` feature the engine's writer and flight locks, its snapshot cell
//! and its request tasks are shuttle's (see `sync.rs`), so these tests drive the real
//! `authenticate` (single flight, generation guard, `apply_authenticate`,
//! `apply_failure`), `revoke` (`apply_revoke`), `update_session` and `commit` from shuttle
//! threads, with the server's answer delivered by the request task at a point the scheduler
//! picks. Each scenario is explored by DFS (bounded; exhaustive when it finishes under the
//! bound), PCT and random scheduling, and every execution ends with the SPEC invariants:
//! W3 (one request in flight per identity, callers of one flight share its result), W4 (no
//! answer of an older identity changes a newer one), W5 (a successful revoke leaves nothing
//! behind) and O2 (the store holds exactly what memory holds, written in commit order).
//!
//! Run: `cargo test -p sessionkit --features model-check --lib model_check -- --nocapture`;
//! `SESSIONKIT_MODEL_ITERATIONS` sets the bound of each strategy (default 2,000).
//! Listeners are not subscribed here: their delivery threads are OS threads outside the
//! model; the announcement order is checked by the concurrency suite.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{TimeDelta, Utc};

use crate::SessionClient;
use crate::envelope::Envelope;
use crate::error::SessionError;
use crate::model::{Session, SessionTokens};
use crate::store::{MemoryStore, SessionStore, StoreError};
use crate::transport::{Authenticated, Transport, TransportError, TransportFuture};

/// A session the server answers with, valid for a day.
fn server_session() -> Session {
    static SAMPLE: OnceLock<Session> = OnceLock::new();
    let mut session = SAMPLE
        .get_or_init(|| {
            let body: serde_json::Value = serde_json::from_str(include_str!(
                "../../../../shared/fixtures/stytch/sessions_authenticate_200.json"
            ))
            .expect("the Stytch sample");
            serde_json::from_value(body["data"]["session"].clone()).expect("a session")
        })
        .clone();
    session.expires_at = Utc::now() + TimeDelta::days(1);
    session
}

/// The tokio handle the builder asks for; nothing is spawned on it under the model.
fn unused_runtime() -> tokio::runtime::Handle {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime")
        })
        .handle()
        .clone()
}

/// A server in the model: answers after yielding to the scheduler, rejects the tokens it
/// is told to reject (E1), and watches requests in flight per session token (W3).
#[derive(Default)]
struct ModelServer {
    rejected_token: Option<&'static str>,
    authenticate_requests: AtomicUsize,
    revoke_requests: AtomicUsize,
    in_flight: std::sync::Mutex<HashMap<String, usize>>,
}

impl Transport for ModelServer {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        _session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        Box::pin(async move {
            let n = self.authenticate_requests.fetch_add(1, Ordering::SeqCst) + 1;
            let token = tokens.session_token().to_owned();
            {
                let mut in_flight = self.in_flight.lock().unwrap();
                let count = in_flight.entry(token.clone()).or_default();
                *count += 1;
                assert!(
                    *count <= 1,
                    "W3: two authenticate requests for one identity"
                );
            }
            shuttle::future::yield_now().await;
            *self.in_flight.lock().unwrap().get_mut(&token).unwrap() -= 1;
            if self.rejected_token == Some(token.as_str()) {
                return Err(TransportError::Api {
                    status: 404,
                    error_type: "session_not_found".into(),
                    message: "Session could not be found.".into(),
                    request_id: None,
                    retry_after: None,
                });
            }
            Ok(Authenticated {
                session: server_session(),
                tokens: SessionTokens::new(token, format!("jwt-answer-{n}")),
                request_id: None,
            })
        })
    }

    fn revoke<'a>(&'a self, _tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        Box::pin(async move {
            self.revoke_requests.fetch_add(1, Ordering::SeqCst);
            shuttle::future::yield_now().await;
            Ok(())
        })
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        Box::pin(async { Err(TransportError::Connect("not in the model".into())) })
    }
}

/// A memory store that records the session token of every write (`None`: a removal).
#[derive(Default)]
struct RecordingStore {
    inner: MemoryStore,
    writes: std::sync::Mutex<Vec<Option<String>>>,
}

impl SessionStore for RecordingStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        let envelope = Envelope::decode(blob).expect("the engine writes envelopes");
        self.inner.save(blob)?;
        let token = envelope.tokens.session_token().to_owned();
        self.writes.lock().unwrap().push(Some(token));
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear()?;
        self.writes.lock().unwrap().push(None);
        Ok(())
    }
}

/// One execution's engine, hydrated with `token-0`.
struct Model {
    client: SessionClient,
    server: Arc<ModelServer>,
    store: Arc<RecordingStore>,
}

impl Model {
    fn new(server: ModelServer) -> Self {
        let server = Arc::new(server);
        let store = Arc::new(RecordingStore::default());
        let client = SessionClient::builder()
            .shared_store(Arc::clone(&store) as Arc<dyn SessionStore>)
            .transport(Arc::clone(&server) as Arc<dyn Transport>)
            .runtime(unused_runtime())
            .manual_refresh()
            .build()
            .expect("a client");
        client.update_session("token-0", "jwt-0").expect("W1");
        Self {
            client,
            server,
            store,
        }
    }

    fn in_thread<T: Send + 'static>(
        &self,
        call: impl FnOnce(SessionClient) -> T + Send + 'static,
    ) -> shuttle::thread::JoinHandle<T> {
        let client = self.client.clone();
        shuttle::thread::spawn(move || call(client))
    }

    fn writes(&self) -> Vec<Option<String>> {
        self.store.writes.lock().unwrap().clone()
    }

    /// O2: the store holds exactly the state in memory.
    fn assert_persisted_is_memory(&self) {
        let stored = self
            .store
            .load()
            .unwrap()
            .map(|blob| Envelope::decode(&blob).unwrap().tokens);
        assert_eq!(
            stored,
            self.client.get_tokens(),
            "O2: store and memory differ"
        );
    }

    /// W4: the writes holding one session token form one unbroken run.
    fn assert_no_token_comes_back(&self) {
        let writes = self.writes();
        for (i, write) in writes.iter().enumerate() {
            if let Some(token) = write
                && i > 0
                && writes[i - 1].as_ref() != Some(token)
            {
                assert!(
                    !writes[..i].contains(write),
                    "W4: {token} came back after it had left: {writes:?}"
                );
            }
        }
    }
}

type Outcome = Result<Arc<Session>, SessionError>;

fn refresh(client: SessionClient) -> Outcome {
    shuttle::future::block_on(client.authenticate(None))
}

/// W3: two concurrent refreshes of one identity.
fn two_refreshes() {
    let model = Model::new(ModelServer::default());
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
        format!("jwt-answer-{requests}")
    );
    model.assert_persisted_is_memory();
}

/// W4, W5: a refresh in flight while the session is revoked never brings it back.
fn refresh_vs_revoke() {
    let model = Model::new(ModelServer::default());
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
    let model = Model::new(ModelServer::default());
    let a = model.in_thread(refresh);
    let b = model.in_thread(|client| client.update_session("token-1", "jwt-1"));
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
    let model = Model::new(ModelServer {
        rejected_token: Some("token-0"),
        ..ModelServer::default()
    });
    let a = model.in_thread(refresh);
    let b = model.in_thread(|client| client.update_session("token-1", "jwt-1"));
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

fn iterations() -> usize {
    std::env::var("SESSIONKIT_MODEL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Explores `scenario` with DFS (bounded), PCT (depth 3) and random schedules, and prints
/// how many executions each ran.
fn explore(name: &str, scenario: fn()) {
    let bound = iterations();
    let count = |run: &dyn Fn(Arc<AtomicUsize>)| {
        let executions = Arc::new(AtomicUsize::new(0));
        run(Arc::clone(&executions));
        executions.load(Ordering::SeqCst)
    };
    let counted = |executions: Arc<AtomicUsize>| {
        move || {
            executions.fetch_add(1, Ordering::SeqCst);
            scenario();
        }
    };
    let dfs = count(&|n| shuttle::check_dfs(counted(n), Some(bound)));
    let pct = count(&|n| shuttle::check_pct(counted(n), bound, 3));
    let random = count(&|n| shuttle::check_random(counted(n), bound));
    let exhaustive = if dfs < bound { "exhaustive" } else { "bounded" };
    println!(
        "model check {name}: dfs {dfs} schedules ({exhaustive}), pct {pct}, random {random}, \
         violations: 0"
    );
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
