//! The concurrency suite (issue 6): a thousand tasks on a multi-threaded runtime call every
//! public operation at random against the sandbox, with latency on every request, while
//! the invariants below are checked throughout and counted.
//!
//! The engine runs on its own runtime, as on a phone; the sandbox on a runtime of its own,
//! so that callers blocked in a synchronous call never stall the server. Each task draws its
//! operations from a seeded RNG (`SESSIONKIT_CONCURRENCY_SEED` replays a run's operation
//! sequences; the thread interleaving is the machine's). `SESSIONKIT_CONCURRENCY_TASKS`,
//! `SESSIONKIT_CONCURRENCY_OPS` (per task) and `SESSIONKIT_CONCURRENCY_ROUNDS` make longer
//! runs. Every `update_session` installs tokens of a fresh sandbox sign-in, so a token is
//! never installed twice and the run keeps moving between signed in and signed out.
//!
//! The invariants, as checked:
//!
//! 1. **At most one request in flight (W3).** Per identity, at most one authenticate request
//!    is out at any moment. An identity is one generation with tokens; since every
//!    hydration brings a fresh session token, it is one session token here, so the check is
//!    made per token, client-side in a transport wrapper (on every request) and server-side
//!    by the sandbox's per-credential peak, and both peaks must be 1. Requests of *different*
//!    identities may overlap (a refresh of the old identity still out after `update_session`
//!    or `revoke`; W4 discards its answer), so the sandbox's overall authenticate peak is
//!    reported, not bounded. Revoke is not single flight (the SPEC asks it of authenticate
//!    only) and runs alongside a refresh; it is not counted.
//! 2. **No read blocked by a write (R4).** Structurally: a probe closes a gate in the store
//!    so that the next write blocks inside `save` while holding the engine's writer lock,
//!    then calls `get_sync`, `get_info` and `get_tokens` on its own thread. They must all
//!    return (a watchdog opens the gate and records a violation if they do not) and must
//!    not show the state being written, which is swapped in only after it is persisted
//!    (O2). Across the random run, reads that started and ended while one and the same
//!    write was in progress are counted.
//! 3. **Listener events (O1, O2).** A listener subscribed for the whole run records every
//!    announcement; an announcement is told apart by its generation, whether tokens are
//!    held and the session's id and `last_accessed_at` (the sandbox moves it on every
//!    authenticate). Every listener subscribed at random must have received a contiguous
//!    run of that sequence (nothing lost, duplicated or reordered) that starts with the
//!    first announcement made after it subscribed, and contains nothing announced after
//!    its handle was closed or dropped. Closing discards what is queued but not yet
//!    delivered (the [`ListenerHandle`] contract: no callback once closed), so a closed
//!    listener's run may stop short of the announcements made before the close; those cut
//!    short are counted. Listeners still subscribed when their task ends are kept to the
//!    end of the run and must have heard every announcement from their first one on.
//! 4. **No resurrection (W4, W5).** After `revoke` returned `Ok` to a task, the tokens that
//!    task saw just before calling it are never shown by a read that starts later, nor
//!    written to the store later; and in the store's write history the writes holding one
//!    session token form one unbroken run.
//! 5. **Persisted equals announced (O2).** The store records every write. Each announcement,
//!    when delivered, must already be persisted: the write with its index exists and holds
//!    the announced state. At the end, once quiet, the writes and the announcements are the
//!    same sequence, element by element, and the store and memory hold the last one. The
//!    store never fails here, so no write is being retried.

use crate::support;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::DELIVERY_BOUND;
use chrono::{DateTime, Utc};
use parking_lot::{Condvar, Mutex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sessionkit::transport::StytchTransport;
use sessionkit::transport::{Authenticated, Transport, TransportFuture};
use sessionkit::{
    ListenerHandle, MemoryStore, Session, SessionClient, SessionEvent, SessionStore, SessionTokens,
    StoreError,
};
use sessionkit_sandbox::{Endpoint, Fault, Sandbox};

/// What one run does; the environment can make it longer.
#[derive(Clone, Copy, Debug)]
struct Plan {
    seed: u64,
    tasks: usize,
    ops_per_task: usize,
    rounds: usize,
    latency: Duration,
}

impl Plan {
    fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        Self {
            seed: var("SESSIONKIT_CONCURRENCY_SEED").unwrap_or_else(rand::random),
            tasks: var("SESSIONKIT_CONCURRENCY_TASKS").map_or(1000, |n| n as usize),
            ops_per_task: var("SESSIONKIT_CONCURRENCY_OPS").map_or(12, |n| n as usize),
            rounds: var("SESSIONKIT_CONCURRENCY_ROUNDS").map_or(1, |n| n as usize),
            latency: Duration::from_millis(2),
        }
    }
}

fn digest(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

fn pair_digest(tokens: &SessionTokens) -> u64 {
    let mut hasher = DefaultHasher::new();
    tokens.session_token().hash(&mut hasher);
    tokens.session_jwt().hash(&mut hasher);
    hasher.finish()
}

/// Counts operations and checks, and keeps what went wrong (never a token).
#[derive(Default)]
struct Checks {
    operations: AtomicU64,
    checks: AtomicU64,
    violations: Mutex<Vec<String>>,
}

impl Checks {
    fn check(&self, holds: bool, what: impl FnOnce() -> String) {
        self.checks.fetch_add(1, Ordering::Relaxed);
        if !holds {
            self.violations.lock().push(what());
        }
    }

    fn operation(&self) {
        self.operations.fetch_add(1, Ordering::Relaxed);
    }
}

/// The part of a state that is persisted and announced: tokens held, and which session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Held {
    Nothing,
    Tokens {
        session: Option<(String, DateTime<Utc>)>,
    },
}

fn session_key(session: &Session) -> (String, DateTime<Utc>) {
    (session.session_id.clone(), session.last_accessed_at)
}

/// One write the store received.
#[derive(Clone, Debug)]
struct Written {
    held: Held,
    /// Digests of the session token, and of the token and JWT together.
    token: Option<u64>,
    pair: Option<u64>,
}

impl Written {
    fn decode(blob: &[u8]) -> Self {
        let envelope: serde_json::Value = serde_json::from_slice(blob).expect("an envelope");
        let token = envelope["session_token"].as_str().expect("a session token");
        let jwt = envelope["session_jwt"].as_str().expect("a session jwt");
        let session: Option<Session> =
            serde_json::from_value(envelope["session"].clone()).expect("a session or null");
        Self {
            held: Held::Tokens {
                session: session.as_ref().map(session_key),
            },
            token: Some(digest(token)),
            pair: Some(pair_digest(&SessionTokens::new(token, jwt))),
        }
    }

    fn cleared() -> Self {
        Self {
            held: Held::Nothing,
            token: None,
            pair: None,
        }
    }
}

/// Tokens that a task saw revoked, with the moment its `revoke` had returned.
#[derive(Default)]
struct Revocations {
    clock: AtomicU64,
    revoked: Mutex<HashMap<u64, u64>>,
}

impl Revocations {
    fn now(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst)
    }

    fn record(&self, token: u64) {
        let at = self.now();
        self.revoked.lock().entry(token).or_insert(at);
    }

    /// Whether `token` was revoked before `since` (a moment taken before the read began).
    fn revoked_before(&self, token: u64, since: u64) -> bool {
        self.revoked
            .lock()
            .get(&token)
            .is_some_and(|at| *at < since)
    }
}

/// A memory store that records every write, can hold writes at a gate, and tells whether a
/// write is in progress.
struct RecordingStore {
    inner: MemoryStore,
    history: Mutex<Vec<Written>>,
    /// Odd while a write is in progress; moves on with every write's start and end.
    epoch: AtomicU64,
    gate: Mutex<Gate>,
    gate_changed: Condvar,
    revocations: Arc<Revocations>,
    checks: Arc<Checks>,
}

#[derive(Default)]
struct Gate {
    closed: bool,
    /// The write waiting at the closed gate, if any.
    held: Option<Written>,
}

impl RecordingStore {
    fn write(&self, written: Written, apply: impl FnOnce() -> Result<(), StoreError>) {
        let since = self.revocations.now();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        {
            let mut gate = self.gate.lock();
            if gate.closed {
                gate.held = Some(written.clone());
                self.gate_changed.notify_all();
                while gate.closed {
                    self.gate_changed.wait(&mut gate);
                }
                gate.held = None;
            }
        }
        if let Some(token) = written.token {
            self.checks
                .check(!self.revocations.revoked_before(token, since), || {
                    "W4/W5: revoked tokens were written to the store again".into()
                });
        }
        apply().expect("the memory store works");
        self.history.lock().push(written);
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    fn history_len(&self) -> usize {
        self.history.lock().len()
    }

    fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    fn close_gate(&self) {
        self.gate.lock().closed = true;
    }

    fn open_gate(&self) {
        self.gate.lock().closed = false;
        self.gate_changed.notify_all();
    }

    /// Waits for a write to arrive at the closed gate and returns it.
    fn held_write(&self) -> Option<Written> {
        let mut gate = self.gate.lock();
        let deadline = std::time::Instant::now() + DELIVERY_BOUND;
        while gate.held.is_none() {
            if self
                .gate_changed
                .wait_until(&mut gate, deadline)
                .timed_out()
            {
                return None;
            }
        }
        gate.held.clone()
    }
}

impl SessionStore for RecordingStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        self.write(Written::decode(blob), || self.inner.save(blob));
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.write(Written::cleared(), || self.inner.clear());
        Ok(())
    }
}

/// The real Stytch transport, watched: authenticate requests in flight per session token.
struct ObservedTransport {
    inner: StytchTransport,
    in_flight: Mutex<HashMap<u64, usize>>,
    total_in_flight: AtomicUsize,
    peak_per_identity: AtomicUsize,
    authenticate_requests: AtomicUsize,
    revoke_requests: AtomicUsize,
    checks: Arc<Checks>,
}

impl ObservedTransport {
    fn enter(&self, token: u64) {
        self.authenticate_requests.fetch_add(1, Ordering::SeqCst);
        self.total_in_flight.fetch_add(1, Ordering::SeqCst);
        let mut in_flight = self.in_flight.lock();
        let count = in_flight.entry(token).or_default();
        *count += 1;
        let count = *count;
        drop(in_flight);
        self.peak_per_identity.fetch_max(count, Ordering::SeqCst);
        self.checks.check(count <= 1, || {
            format!("W3: {count} authenticate requests in flight for one identity")
        });
    }

    fn leave(&self, token: u64) {
        let mut in_flight = self.in_flight.lock();
        if let Some(count) = in_flight.get_mut(&token) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&token);
            }
        }
        self.total_in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Transport for ObservedTransport {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        Box::pin(async move {
            let token = digest(tokens.session_token());
            self.enter(token);
            let answer = self
                .inner
                .authenticate(tokens, session_duration_minutes)
                .await;
            self.leave(token);
            answer
        })
    }

    fn revoke<'a>(&'a self, tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        self.revoke_requests.fetch_add(1, Ordering::SeqCst);
        self.inner.revoke(tokens)
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        self.inner.fetch_jwks()
    }
}

/// One announcement as a listener heard it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Announced {
    generation: u64,
    held: Held,
}

fn announced(event: &SessionEvent) -> Option<Announced> {
    match event {
        SessionEvent::Changed(change) => Some(Announced {
            generation: change.generation.get(),
            held: if change.has_tokens {
                Held::Tokens {
                    session: change.session.as_deref().map(session_key),
                }
            } else {
                Held::Nothing
            },
        }),
        _ => None,
    }
}

/// A listener subscribed at random, and the store's write count around its subscription
/// and its unsubscription (none when it was kept to the end of the run).
struct Sampled {
    heard: Arc<Mutex<Vec<Announced>>>,
    /// Writes recorded once `on_change` had returned.
    writes_once_subscribed: usize,
    /// Writes recorded just before and just after the close.
    writes_around_close: Option<(usize, usize)>,
}

/// A subscription a task holds.
struct Subscribed {
    handle: ListenerHandle,
    heard: Arc<Mutex<Vec<Announced>>>,
    writes_once_subscribed: usize,
}

/// Everything the tasks share.
struct World {
    client: SessionClient,
    sandbox: Sandbox,
    store: Arc<RecordingStore>,
    transport: Arc<ObservedTransport>,
    revocations: Arc<Revocations>,
    checks: Arc<Checks>,
    whole_run: Arc<Mutex<Vec<Announced>>>,
    sampled: Mutex<Vec<Sampled>>,
    kept: Mutex<Vec<ListenerHandle>>,
    /// Closed listeners whose run stopped before the close (pending events discarded).
    cut_short: Mutex<usize>,
    probes: mpsc::SyncSender<()>,
    sign_ins: AtomicUsize,
    reads_overlapping_a_write: AtomicU64,
}

impl World {
    async fn fresh_tokens(&self) -> (String, String) {
        let n = self.sign_ins.fetch_add(1, Ordering::Relaxed);
        let signed_in = self
            .sandbox
            .sign_in(&format!("user{}@example.com", n % 16), "concurrency")
            .await;
        (signed_in.session_token, signed_in.session_jwt)
    }

    /// A read: no revoked token shown, no expired session returned (R1), and whether it
    /// ran entirely during one write.
    fn read(&self, kind: u32) {
        let since = self.revocations.now();
        let epoch = self.store.epoch();
        let now = Utc::now();
        match kind {
            0 => {
                let session = self.client.get_sync();
                self.checks
                    .check(session.is_none_or(|s| s.expires_at > now), || {
                        "R1: get_sync returned an expired session".into()
                    });
            }
            1 => {
                let info = self.client.get_info();
                self.checks
                    .check(info.session.is_none_or(|s| s.expires_at > now), || {
                        "R1: get_info returned an expired session".into()
                    });
            }
            _ => {
                if let Some(tokens) = self.client.get_tokens() {
                    let token = digest(tokens.session_token());
                    self.checks
                        .check(!self.revocations.revoked_before(token, since), || {
                            "W4/W5: a read showed tokens revoked before it began".into()
                        });
                }
            }
        }
        if epoch % 2 == 1 && self.store.epoch() == epoch {
            self.reads_overlapping_a_write
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn revoke(&self, force_clear: bool) {
        let before = self.client.get_tokens().map(|t| digest(t.session_token()));
        let revoked = self.client.revoke(force_clear).await.is_ok();
        if let (true, Some(token)) = (revoked, before) {
            let after = self.client.get_tokens().map(|t| digest(t.session_token()));
            self.checks.check(after != Some(token), || {
                "W5: tokens still held after revoke returned Ok".into()
            });
            self.revocations.record(token);
        }
    }

    fn subscribe(&self) -> Subscribed {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&heard);
        let handle = self.client.on_change(move |event: &SessionEvent| {
            if let Some(announced) = announced(event) {
                sink.lock().push(announced);
            }
        });
        Subscribed {
            handle,
            heard,
            writes_once_subscribed: self.store.history_len(),
        }
    }

    fn unsubscribe(&self, subscribed: Subscribed, by_drop: bool) {
        let before = self.store.history_len();
        if by_drop {
            drop(subscribed.handle);
        } else {
            subscribed.handle.close();
        }
        let after = self.store.history_len();
        self.sampled.lock().push(Sampled {
            heard: subscribed.heard,
            writes_once_subscribed: subscribed.writes_once_subscribed,
            writes_around_close: Some((before, after)),
        });
    }

    /// Keeps a subscription to the end of the run.
    fn keep(&self, subscribed: Subscribed) {
        self.kept.lock().push(subscribed.handle);
        self.sampled.lock().push(Sampled {
            heard: subscribed.heard,
            writes_once_subscribed: subscribed.writes_once_subscribed,
            writes_around_close: None,
        });
    }

    /// One task: a random sequence of operations.
    async fn task(self: Arc<Self>, mut rng: StdRng, ops: usize) {
        let mut subscription = None;
        for _ in 0..ops {
            self.checks.operation();
            match rng.random_range(0..100u32) {
                0..25 => self.read(0),
                25..35 => self.read(1),
                35..50 => self.read(2),
                50..66 => {
                    let minutes = rng.random_bool(0.2).then_some(60);
                    if let Ok(session) = self.client.authenticate(minutes).await {
                        self.checks.check(session.expires_at > Utc::now(), || {
                            "W2: authenticate returned an expired session".into()
                        });
                    }
                }
                66..74 => {
                    let (token, jwt) = self.fresh_tokens().await;
                    self.client.update_session_blocking(token, jwt).expect("W1");
                }
                74..80 => self.revoke(rng.random_bool(0.3)).await,
                80..94 => match subscription.take() {
                    Some(subscribed) => self.unsubscribe(subscribed, rng.random_bool(0.5)),
                    None => subscription = Some(self.subscribe()),
                },
                94..97 => {
                    let endpoint = if rng.random_bool(0.7) {
                        Endpoint::Authenticate
                    } else {
                        Endpoint::Revoke
                    };
                    let delay = Duration::from_millis(rng.random_range(1..15));
                    self.sandbox.inject(endpoint, Fault::Delay(delay), 1);
                }
                97 => {
                    let _ = self.probes.try_send(());
                }
                _ => tokio::task::yield_now().await,
            }
        }
        if let Some(subscribed) = subscription {
            self.keep(subscribed);
        }
    }
}

/// What the R4 probe found.
#[derive(Default)]
struct ProbeFigures {
    probes: u64,
    reads_during_held_write: u64,
}

/// Holds one write at the store's gate and reads meanwhile, on this thread (R4, O2).
fn probe(world: &World, sandbox_runtime: &tokio::runtime::Handle, figures: &mut ProbeFigures) {
    let (token, jwt) = sandbox_runtime.block_on(world.fresh_tokens());
    world.store.close_gate();
    let client = world.client.clone();
    let writer = std::thread::spawn(move || client.update_session_blocking(token, jwt));
    let Some(held) = world.store.held_write() else {
        world.store.open_gate();
        world
            .checks
            .check(false, || "probe: no write reached the store".into());
        let _ = writer.join();
        return;
    };
    let last_persisted = world.store.history.lock().last().cloned();
    // If a read waits for the held write, nothing here returns: the watchdog opens the gate.
    let (done, watchdog) = {
        let (tx, rx) = mpsc::channel::<()>();
        let store = Arc::clone(&world.store);
        let checks = Arc::clone(&world.checks);
        let watchdog = std::thread::spawn(move || {
            if rx.recv_timeout(DELIVERY_BOUND).is_err() {
                checks.check(false, || "R4: a read waited for a storage write".into());
                store.open_gate();
            }
        });
        (tx, watchdog)
    };
    for _ in 0..20 {
        let tokens = world.client.get_tokens();
        let _ = world.client.get_sync();
        let _ = world.client.get_info();
        figures.reads_during_held_write += 3;
        let shows_held = match held.pair {
            Some(pair) => tokens.as_ref().map(pair_digest) == Some(pair),
            None => tokens.is_none() && last_persisted.as_ref().is_some_and(|w| w.token.is_some()),
        };
        world.checks.check(!shows_held, || {
            "O2/R4: a read showed a state before it was persisted".into()
        });
    }
    let _ = done.send(());
    watchdog.join().expect("watchdog");
    world.store.open_gate();
    writer.join().expect("writer thread").expect("W1");
    figures.probes += 1;
}

/// Waits, without sleeping, until `done` holds or a generous bound has passed.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + DELIVERY_BOUND;
    while !done() {
        if std::time::Instant::now() > deadline {
            eprintln!("still waiting for {what}; checking anyway");
            return;
        }
        tokio::task::yield_now().await;
    }
}

/// The checks made once the run is quiet.
fn final_checks(world: &World) {
    let checks = &world.checks;
    let history = world.store.history.lock().clone();
    let heard = world.whole_run.lock().clone();

    // 5: the writes and the announcements are one sequence; store and memory hold the last.
    checks.check(history.len() == heard.len(), || {
        format!(
            "O2: {} writes but {} announcements",
            history.len(),
            heard.len()
        )
    });
    for (index, (written, announced)) in history.iter().zip(&heard).enumerate() {
        checks.check(written.held == announced.held, || {
            format!("O2: write {index} differs from announcement {index}")
        });
    }
    let memory = world.client.get_tokens().map(|t| pair_digest(&t));
    let stored = world
        .store
        .inner
        .load()
        .unwrap()
        .map(|blob| Written::decode(&blob));
    checks.check(stored.as_ref().and_then(|w| w.pair) == memory, || {
        "O2: the store does not hold the state in memory".into()
    });
    checks.check(
        history.last().map(|w| w.pair) == Some(memory) || history.is_empty(),
        || "O2: the last write is not the state in memory".into(),
    );

    // 4: each session token occupies one unbroken run of writes.
    let mut finished = std::collections::HashSet::new();
    let mut current = None;
    for written in &history {
        if written.token != current {
            if let Some(token) = current {
                finished.insert(token);
            }
            if let Some(token) = written.token {
                checks.check(!finished.contains(&token), || {
                    "W4: a session came back after it had left".into()
                });
            }
            current = written.token;
        }
    }

    // Announcements are distinct, so a listener's run can be found by its first event.
    let position: HashMap<&Announced, usize> =
        heard.iter().enumerate().map(|(i, a)| (a, i)).collect();
    checks.check(position.len() == heard.len(), || {
        "O2: an announcement was heard twice by the whole-run listener".into()
    });

    // 3: every sampled listener heard a contiguous run, from its subscription on.
    let mut cut_short = 0;
    for sampled in world.sampled.lock().iter() {
        let got = sampled.heard.lock().clone();
        let start = got.first().and_then(|first| position.get(first).copied());
        let contiguous = match start {
            None => got.is_empty(),
            Some(start) => heard.get(start..start + got.len()) == Some(&got[..]),
        };
        checks.check(contiguous, || {
            "O1/O2: a listener heard events lost, duplicated or out of order".into()
        });
        let Some(start) = start else {
            // Heard nothing: a closed listener may have had it all discarded; one kept to
            // the end may only if nothing was announced after it subscribed.
            if sampled.writes_around_close.is_none() {
                checks.check(heard.len() <= sampled.writes_once_subscribed, || {
                    "O1: a listener kept to the end heard nothing".into()
                });
            }
            continue;
        };
        let end = start + got.len();
        // The first announcement made after subscribing has an index of at most the write
        // count read once subscribed.
        checks.check(start <= sampled.writes_once_subscribed, || {
            format!(
                "O1: a listener missed its first announcements ({start} > {})",
                sampled.writes_once_subscribed
            )
        });
        match sampled.writes_around_close {
            Some((before, after)) => {
                checks.check(end <= after, || {
                    "O1: a listener heard an announcement made after it was closed".into()
                });
                // The write recorded last before the close may not be announced yet.
                if end + 1 < before {
                    cut_short += 1;
                }
            }
            None => checks.check(end == heard.len(), || {
                format!(
                    "O1: a listener kept to the end stopped at {end} of {}",
                    heard.len()
                )
            }),
        }
    }
    *world.cut_short.lock() = cut_short;
}

fn run_round(plan: &Plan, round: usize) -> (String, usize) {
    let sandbox_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = sandbox_runtime.block_on(Sandbox::start()).unwrap();
    sandbox.set_latency(plan.latency);

    let checks = Arc::new(Checks::default());
    let revocations = Arc::new(Revocations::default());
    let store = Arc::new(RecordingStore {
        inner: MemoryStore::new(),
        history: Mutex::default(),
        epoch: AtomicU64::new(0),
        gate: Mutex::default(),
        gate_changed: Condvar::new(),
        revocations: Arc::clone(&revocations),
        checks: Arc::clone(&checks),
    });
    let transport = Arc::new(ObservedTransport {
        inner: StytchTransport::new(support::sandbox_config(&sandbox)).unwrap(),
        in_flight: Mutex::default(),
        total_in_flight: AtomicUsize::new(0),
        peak_per_identity: AtomicUsize::new(0),
        authenticate_requests: AtomicUsize::new(0),
        revoke_requests: AtomicUsize::new(0),
        checks: Arc::clone(&checks),
    });
    // The scheduler stays on: scheduled refreshes join the same single flight (W3).
    let client = SessionClient::builder()
        .shared_store(Arc::clone(&store) as Arc<dyn SessionStore>)
        .transport(Arc::clone(&transport) as Arc<dyn Transport>)
        .build()
        .unwrap();

    let whole_run = Arc::new(Mutex::new(Vec::new()));
    let _whole_run_listener = {
        let heard = Arc::clone(&whole_run);
        let store = Arc::clone(&store);
        let checks = Arc::clone(&checks);
        client.on_change(move |event: &SessionEvent| {
            let Some(announced) = announced(event) else {
                checks.check(false, || "unexpected storage event".into());
                return;
            };
            let mut heard = heard.lock();
            let index = heard.len();
            // 5: announced only after persisted, and persisted as announced.
            let written = store.history.lock().get(index).map(|w| w.held.clone());
            checks.check(written.as_ref() == Some(&announced.held), || {
                format!(
                    "O2: announcement {index} was not persisted as announced before it was heard"
                )
            });
            heard.push(announced);
        })
    };

    let (probes, probe_requests) = mpsc::sync_channel(1);
    let world = Arc::new(World {
        client,
        sandbox: sandbox.clone(),
        store,
        transport,
        revocations,
        checks,
        whole_run,
        sampled: Mutex::default(),
        kept: Mutex::default(),
        cut_short: Mutex::new(0),
        probes,
        sign_ins: AtomicUsize::new(0),
        reads_overlapping_a_write: AtomicU64::new(0),
    });

    let probing = AtomicBool::new(true);
    let mut figures = ProbeFigures::default();
    let test_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    std::thread::scope(|scope| {
        let prober = {
            let world = Arc::clone(&world);
            let handle = sandbox_runtime.handle().clone();
            let figures = &mut figures;
            let probing = &probing;
            scope.spawn(move || {
                while probing.load(Ordering::SeqCst) {
                    match probe_requests.recv_timeout(Duration::from_millis(50)) {
                        Ok(()) => probe(&world, &handle, figures),
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                }
            })
        };
        test_runtime.block_on(async {
            let tasks: Vec<_> = (0..plan.tasks)
                .map(|i| {
                    let seed = plan.seed ^ ((round as u64) << 32) ^ i as u64;
                    let rng = StdRng::seed_from_u64(seed);
                    tokio::spawn(Arc::clone(&world).task(rng, plan.ops_per_task))
                })
                .collect();
            for task in tasks {
                task.await.expect("a task panicked");
            }
        });
        probing.store(false, Ordering::SeqCst);
        prober.join().expect("the probe panicked");
    });

    // Quiet: no scheduled refresh, no request out, every announcement delivered.
    test_runtime.block_on(async {
        world.client.shutdown();
        let _ = world.client.authenticate(None).await;
        until("requests in flight to end", || {
            world.transport.total_in_flight.load(Ordering::SeqCst) == 0
        })
        .await;
        // A bound, not an assertion: what is still missing then is reported by the checks.
        until("announcements to be delivered", || {
            let whole_run = world.whole_run.lock();
            whole_run.len() >= world.store.history_len()
                && world.sampled.lock().iter().all(|sampled| {
                    let heard = sampled.heard.lock();
                    sampled.writes_around_close.is_some()
                        || heard.last() == whole_run.last()
                        || (heard.is_empty() && whole_run.len() <= sampled.writes_once_subscribed)
                })
        })
        .await;
    });
    final_checks(&world);

    let checks = &world.checks;
    let sandbox_peak = sandbox.max_in_flight_per_credential(Endpoint::Authenticate);
    let client_peak = world.transport.peak_per_identity.load(Ordering::SeqCst);
    checks.check(sandbox_peak <= 1 && sandbox_peak == client_peak, || {
        format!("W3: peak per identity {client_peak} (client) vs {sandbox_peak} (sandbox)")
    });
    let sent = world.transport.authenticate_requests.load(Ordering::SeqCst);
    checks.check(
        sandbox.request_count(Endpoint::Authenticate) == sent,
        || "the sandbox and the client disagree on the authenticate requests sent".into(),
    );

    let violations = checks.violations.lock().clone();
    let summary = format!(
        "concurrency: {} tasks, {} operations, {} invariant checks, violations: {} \
         (seed {}, round {}; authenticate requests {}, peak in flight per identity {} \
         (sandbox {}), overall peak {}; revoke requests {}; announcements {}; sampled \
         listeners {} ({} closed with events still queued); reads overlapping a write {}; probes {} with {} reads during a held write)",
        plan.tasks,
        checks.operations.load(Ordering::Relaxed),
        checks.checks.load(Ordering::Relaxed),
        violations.len(),
        plan.seed,
        round,
        sent,
        client_peak,
        sandbox_peak,
        sandbox.max_in_flight(Endpoint::Authenticate),
        world.transport.revoke_requests.load(Ordering::SeqCst),
        world.whole_run.lock().len(),
        world.sampled.lock().len(),
        *world.cut_short.lock(),
        world.reads_overlapping_a_write.load(Ordering::Relaxed),
        figures.probes,
        figures.reads_during_held_write,
    );
    for violation in violations.iter().take(10) {
        eprintln!("violation: {violation}");
    }
    (summary, violations.len())
}

#[test]
fn concurrency_suite_keeps_every_invariant_under_random_concurrent_use() {
    let _alone = super::one_suite_at_a_time();
    let plan = Plan::from_env();
    println!(
        "concurrency: seed {} (SESSIONKIT_CONCURRENCY_SEED replays it)",
        plan.seed
    );
    let mut total_violations = 0;
    for round in 0..plan.rounds {
        let (summary, violations) = run_round(&plan, round);
        println!("{summary}");
        total_violations += violations;
    }
    assert_eq!(total_violations, 0, "seed {}", plan.seed);
}
