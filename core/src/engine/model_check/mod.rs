//! Model checking of the engine with shuttle (SPEC W3, W4, W5, O2, S8).
//!
//! With the `model-check` feature every lock, atomic, signal, task, thread and timer of the
//! engine comes from shuttle (see `concurrency.rs`), and time is virtual: it moves only when
//! a scenario advances it. So these tests drive the real engine (single flight, generation
//! guard, commits, the scheduler's state machine and task) from shuttle threads, with the
//! server's answer delivered at a point the scheduler picks. Each scenario is explored by
//! DFS (bounded; exhaustive when it finishes under the bound), PCT and random scheduling.
//!
//! - `flights.rs`: explicit calls racing each other (W3, W4, W5, O2).
//! - `scheduler.rs`: the refresh scheduler racing the app (S8): start-up vs
//!   `update_session`, foreground vs a due deadline, network back vs a running backoff,
//!   `Retry-After` vs every trigger, an explicit authenticate vs a scheduled one.
//!
//! Run: `cargo test -p sessionkit --features model-check --lib model_check -- --nocapture`;
//! `SESSIONKIT_MODEL_ITERATIONS` sets the bound of each strategy (default 2,000).

mod flights;
mod scheduler;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{TimeDelta, Utc};

use super::concurrency::model_time;
use super::{RefreshPolicy, SessionClient};
use crate::clock::Clock;
use crate::envelope::Envelope;
use crate::model::{Session, SessionTokens};
use crate::store::{MemoryStore, SessionStore, StoreError};
use crate::transport::{Authenticated, Transport, TransportError, TransportFuture};

/// A session the server answers with, valid for a day.
fn server_session() -> Session {
    static SAMPLE: OnceLock<Session> = OnceLock::new();
    let mut session = SAMPLE
        .get_or_init(|| {
            let body: serde_json::Value = serde_json::from_str(
                &crate::test_support::stytch_fixture("sessions_authenticate_200.json"),
            )
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

/// The device clock of the model: a fixed date plus virtual time.
#[derive(Debug)]
struct ModelClock;

/// 2026-01-01T00:00:00Z.
const MODEL_EPOCH_MILLIS: i64 = 1_767_225_600_000;

impl Clock for ModelClock {
    fn unix_millis(&self) -> i64 {
        MODEL_EPOCH_MILLIS + model_time::now().as_millis() as i64
    }
}

/// How the model server answers one request.
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    Confirm,
    /// 429 with `Retry-After`.
    TooManyRequests(Duration),
    /// 503 without `Retry-After`.
    Unavailable,
}

/// One authenticate request the model server saw, in virtual time.
#[derive(Clone, Debug)]
struct Request {
    token: String,
    sent: Duration,
    answered: Duration,
    reply: Reply,
}

/// A server in the model: answers after yielding to the scheduler, as scripted (then
/// confirms), rejects the tokens it is told to reject (E1), and watches requests in flight
/// per session token (W3).
#[derive(Default)]
struct ModelServer {
    rejected_token: Option<&'static str>,
    script: std::sync::Mutex<VecDeque<Reply>>,
    authenticate_requests: AtomicUsize,
    revoke_requests: AtomicUsize,
    in_flight: std::sync::Mutex<HashMap<String, usize>>,
    log: std::sync::Mutex<Vec<Request>>,
}

impl ModelServer {
    fn scripted(replies: impl IntoIterator<Item = Reply>) -> Self {
        Self {
            script: std::sync::Mutex::new(replies.into_iter().collect()),
            ..Self::default()
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
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
            let sent = model_time::now();
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
            let reply = self
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Reply::Confirm);
            // Read virtual time before taking the std lock: a shuttle operation under a std
            // lock lets another task block on that lock for real.
            let answered = model_time::now();
            self.log.lock().unwrap().push(Request {
                token: token.clone(),
                sent,
                answered,
                reply: reply.clone(),
            });
            if self.rejected_token == Some(token.as_str()) {
                return Err(TransportError::Api {
                    status: 404,
                    error_type: "session_not_found".into(),
                    message: "Session could not be found.".into(),
                    request_id: None,
                    retry_after: None,
                });
            }
            match reply {
                Reply::Confirm => Ok(Authenticated {
                    session: server_session(),
                    tokens: SessionTokens::new(token, format!("h.jwt-answer-{n}.s")),
                    request_id: None,
                    server_date: None,
                }),
                Reply::TooManyRequests(wait) => Err(TransportError::Api {
                    status: 429,
                    error_type: "too_many_requests".into(),
                    message: "Too many requests.".into(),
                    request_id: None,
                    retry_after: Some(wait),
                }),
                Reply::Unavailable => Err(TransportError::Status {
                    status: 503,
                    retry_after: None,
                }),
            }
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

/// One execution's engine.
struct Model {
    client: SessionClient,
    server: Arc<ModelServer>,
    store: Arc<RecordingStore>,
}

impl Model {
    /// An engine without a scheduler, hydrated with `token-0`.
    fn hydrated(server: ModelServer) -> Self {
        let model = Self::build(server, RecordingStore::default(), None);
        model
            .client
            .update_session_blocking("token-0", "h.jwt-0.s")
            .expect("W1");
        model
    }

    /// An engine with the refresh scheduler on, its store holding `stored`.
    fn scheduled(server: ModelServer, stored: Option<&str>) -> Self {
        let store = RecordingStore::default();
        if let Some(token) = stored {
            let envelope = Envelope {
                tokens: SessionTokens::new(token, "h.jwt-stored.s"),
                session: None,
                last_validated_at: None,
                clock_offset_millis: None,
            };
            store
                .inner
                .save(&envelope.encode())
                .expect("a memory store");
        }
        Self::build(server, store, Some(RefreshPolicy::default()))
    }

    fn build(server: ModelServer, store: RecordingStore, policy: Option<RefreshPolicy>) -> Self {
        let server = Arc::new(server);
        let store = Arc::new(store);
        let builder = SessionClient::builder()
            .shared_store(Arc::clone(&store) as Arc<dyn SessionStore>)
            .transport(Arc::clone(&server) as Arc<dyn Transport>)
            .runtime(unused_runtime())
            .clock(ModelClock);
        let builder = match policy {
            Some(policy) => builder.refresh_policy(policy),
            None => builder.manual_refresh(),
        };
        Self {
            client: builder.build().expect("a client"),
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

fn iterations() -> usize {
    std::env::var("SESSIONKIT_MODEL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Explores `scenario` with DFS (bounded), PCT (depth 3) and random schedules, and prints
/// how many executions each ran.
/// Each modelled thread runs on a coroutine stack of this size. Shuttle's default (60 KiB)
/// overflowed (SIGSEGV) in a debug build once the error table's `log_at!` came in: its five
/// `tracing` call sites each keep their own frame slots unoptimised.
const MODEL_STACK_BYTES: usize = 512 * 1024;

fn config() -> shuttle::Config {
    let mut config = shuttle::Config::new();
    config.stack_size = MODEL_STACK_BYTES;
    config
}

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
    let started = std::time::Instant::now();
    // DFS with random data allowed: the backoff's jitter is drawn from shuttle's generator,
    // which the DFS scheduler then feeds from a fixed seed.
    let dfs = count(&|n| {
        let scheduler = shuttle::scheduler::DfsScheduler::new(Some(bound), true);
        shuttle::Runner::new(scheduler, config()).run(counted(n));
    });
    let pct = count(&|n| {
        let scheduler = shuttle::scheduler::PctScheduler::new(3, bound);
        shuttle::Runner::new(scheduler, config()).run(counted(n));
    });
    let random = count(&|n| {
        let scheduler = shuttle::scheduler::RandomScheduler::new(bound);
        shuttle::Runner::new(scheduler, config()).run(counted(n));
    });
    let exhaustive = if dfs < bound { "exhaustive" } else { "bounded" };
    println!(
        "model check {name}: dfs {dfs} schedules ({exhaustive}), pct {pct}, random {random}, \
         violations: 0 ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}
