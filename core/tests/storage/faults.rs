//! Storage faults around a refresh (issue 6, item 3): SPEC O2, E4, E5 and P2.
//!
//! Already proven elsewhere, not repeated here: a corrupt, foreign-key, truncated or
//! future-format file is `Corrupted` (`storage.rs`: `e5_truncated_altered_and_future_format_
//! files_are_corrupted`, `e5_undecodable_and_future_envelopes_are_wiped`), storage
//! unavailable at start-up is retried (`e4_unavailable_storage_at_start_is_not_a_sign_out_
//! and_is_retried`), a failed save of hydrated tokens is retried (`engine.rs`: `o2_a_failed_
//! save_keeps_the_new_state_announces_it_and_reports_the_failure`), one unavailable save
//! after authenticate (`authenticate.rs`) and the scheduler's pause (`scheduler.rs`). What
//! follows adds: a save that *fails* after a real authenticate and when it is retried, a
//! store down across several refreshes, a session file cut at every byte, and crashes at
//! every point of a refresh, simulated by killing a child process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::support::scripted_transport::{Answer, ScriptedTransport};
use crate::support::{
    Mode, ScriptedStore, at, envelope_v1, key_from_hex, key_hex, next_event, record, sample_session,
};
use sessionkit::testing::ManualClock;
use sessionkit::{
    ChangeCause, EncryptedFileStore, FileStoreKey, MemoryStore, RestoreOutcome, Session,
    SessionClient, SessionEvent, SessionStore, SessionTokens, StorageIssue, StoreError,
};
use tokio::runtime::Handle;

/// The sample session labelled `label` (in its user agent), so that a test can tell which
/// answer was kept; every answer is about the same session and user, as Stytch's are (V2).
fn session(label: &str) -> Session {
    let mut session = sample_session(at("2099-01-01T00:00:00Z"));
    session.attributes.user_agent = label.into();
    session
}

fn answer(id: &str, jwt: &str) -> Answer {
    Answer::Session(Box::new(session(id)), SessionTokens::new("tok", jwt))
}

/// A client restored from `store`, which holds session `old` with tokens `tok`/`jwt-old`.
fn restored_on(store: Arc<dyn SessionStore>, transport: Arc<ScriptedTransport>) -> SessionClient {
    SessionClient::builder()
        .shared_store(store)
        .transport(transport)
        .runtime(Handle::current())
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap()
}

fn scripted_store_with_old_state() -> Arc<ScriptedStore> {
    let store = ScriptedStore::new();
    store
        .save(&envelope_v1(Some(&session("old")), "tok", "h.jwt-old.s"))
        .unwrap();
    store
}

fn stored_jwt(store: &ScriptedStore) -> String {
    let blob: serde_json::Value = serde_json::from_slice(&store.holds().unwrap()).unwrap();
    blob["session_jwt"].as_str().unwrap().to_owned()
}

fn saves(store: &ScriptedStore) -> usize {
    *store.saves.lock()
}

fn expect_change(events: &Receiver<SessionEvent>, cause: ChangeCause) {
    match next_event(events) {
        SessionEvent::Changed(change) => assert_eq!(change.cause, cause),
        other => panic!("expected a change ({cause:?}), got {other:?}"),
    }
}

fn expect_storage_issue(events: &Receiver<SessionEvent>) -> StorageIssue {
    match next_event(events) {
        SessionEvent::Storage(issue) => issue,
        other => panic!("expected a storage issue, got {other:?}"),
    }
}

#[tokio::test]
async fn o2_save_failing_after_refresh_still_hands_new_tokens_to_the_caller() {
    let transport = ScriptedTransport::open();
    transport.push(answer("fresh", "h.jwt-1.s"));
    transport.push(answer("fresher", "h.jwt-2.s"));
    let store = scripted_store_with_old_state();
    let client = restored_on(store.clone(), transport.clone());
    let (_handle, events) = record(&client);
    let saves_before = saves(&store);
    store.set(Mode::Fails);

    // The server rotated the JWT; the disk is full.
    let session = client.authenticate(None).await.expect("the caller gets it");
    assert_eq!(session.attributes.user_agent, "fresh");
    assert_eq!(client.get_tokens().unwrap().session_jwt(), "h.jwt-1.s");
    assert_eq!(client.get_sync().unwrap().attributes.user_agent, "fresh");
    assert!(!client.get_info().from_cache);
    expect_change(&events, ChangeCause::Authenticated);
    assert!(matches!(
        expect_storage_issue(&events),
        StorageIssue::WriteFailed { .. }
    ));
    assert_eq!(saves(&store), saves_before + 1, "one write was attempted");
    assert_eq!(
        stored_jwt(&store),
        "h.jwt-old.s",
        "the store still holds the old state"
    );

    // Persistence is now pending: the next change writes again, and it works.
    store.set(Mode::Works);
    client.authenticate(None).await.unwrap();
    assert_eq!(transport.seen_tokens.lock().len(), 2);
    assert_eq!(saves(&store), saves_before + 2);
    assert_eq!(stored_jwt(&store), "h.jwt-2.s");
    expect_change(&events, ChangeCause::Authenticated);

    // Nothing lost: a restart finds the newest state.
    let restarted = restored_on(store, ScriptedTransport::open());
    assert_eq!(restarted.get_tokens().unwrap().session_jwt(), "h.jwt-2.s");
    assert_eq!(
        restarted.get_sync().unwrap().attributes.user_agent,
        "fresher"
    );

    // Events arrive in order: had the second write failed, its issue would come first.
    client.update_session_blocking("tok", "h.jwt-3.s").unwrap();
    expect_change(&events, ChangeCause::Hydrated);
}

#[tokio::test]
async fn o2_a_pending_save_is_retried_by_the_next_refresh_even_when_nothing_changed() {
    let transport = ScriptedTransport::open();
    transport.push(answer("fresh", "h.jwt-1.s"));
    transport.push(answer("fresh", "h.jwt-1.s"));
    let store = scripted_store_with_old_state();
    let client = restored_on(store.clone(), transport);
    let (_handle, events) = record(&client);
    store.set(Mode::Fails);
    client.authenticate(None).await.unwrap();
    expect_change(&events, ChangeCause::Authenticated);
    expect_storage_issue(&events);

    store.set(Mode::Works);
    // The server answers with the very same state: no change to announce, but the pending
    // write goes out with it.
    client.authenticate(None).await.unwrap();
    assert_eq!(stored_jwt(&store), "h.jwt-1.s");
    // Events arrive in order: a second announcement would come before this one.
    client.update_session_blocking("tok", "h.jwt-3.s").unwrap();
    expect_change(&events, ChangeCause::Hydrated);
}

#[tokio::test]
async fn o2_a_failed_save_is_retried_when_storage_is_reported_available_and_only_then() {
    let transport = ScriptedTransport::open();
    transport.push(answer("fresh", "h.jwt-1.s"));
    let store = scripted_store_with_old_state();
    let client = restored_on(store.clone(), transport);
    store.set(Mode::Fails);
    client.authenticate(None).await.unwrap();
    let attempts = saves(&store);

    // Without a change or a signal nothing retries by itself: reads never write.
    for _ in 0..3 {
        client.get_sync();
        client.get_tokens();
    }
    assert_eq!(saves(&store), attempts);

    assert!(matches!(
        client.storage_became_available_blocking(),
        Err(sessionkit::SessionError::StorageFailed { .. })
    ));
    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    assert_eq!(stored_jwt(&store), "h.jwt-1.s");
    let written = saves(&store);
    client.storage_became_available_blocking().unwrap();
    assert_eq!(saves(&store), written, "in sync: nothing more to write");
}

#[tokio::test]
async fn e4_storage_down_across_several_refreshes_keeps_each_in_memory_and_writes_the_latest() {
    let transport = ScriptedTransport::open();
    for n in 1..=3 {
        transport.push(answer(&format!("fresh-{n}"), &format!("h.jwt-{n}.s")));
    }
    let store = scripted_store_with_old_state();
    let client = restored_on(store.clone(), transport);
    let (_handle, events) = record(&client);
    store.set(Mode::Unavailable);

    for n in 1..=3 {
        let session = client.authenticate(None).await.expect("never signed out");
        assert_eq!(session.attributes.user_agent, format!("fresh-{n}"));
        assert_eq!(
            client.get_tokens().unwrap().session_jwt(),
            format!("h.jwt-{n}.s")
        );
        expect_change(&events, ChangeCause::Authenticated);
        assert!(matches!(
            expect_storage_issue(&events),
            StorageIssue::Unavailable { .. }
        ));
    }
    assert_eq!(stored_jwt(&store), "h.jwt-old.s");

    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    assert_eq!(
        stored_jwt(&store),
        "h.jwt-3.s",
        "the latest state, not an older one"
    );
    let restarted = restored_on(store, ScriptedTransport::open());
    assert_eq!(
        restarted.get_sync().unwrap().attributes.user_agent,
        "fresh-3"
    );
}

/// A store that holds each save until the test opens its gate: an app's store that takes
/// its time (a Kotlin store on a slow disk, the Keystore on an old phone).
#[derive(Default)]
struct SlowStore {
    inner: MemoryStore,
    gate: parking_lot::Mutex<SlowGate>,
    gate_changed: parking_lot::Condvar,
}

#[derive(Default)]
struct SlowGate {
    closed: bool,
    waiting: usize,
}

impl SlowStore {
    fn set_closed(&self, closed: bool) {
        self.gate.lock().closed = closed;
        self.gate_changed.notify_all();
    }

    /// Waits (within a bound) for a save to arrive at the closed gate.
    fn wait_for_held_save(&self) {
        let mut gate = self.gate.lock();
        let deadline = Instant::now() + Duration::from_secs(10);
        while gate.waiting == 0 {
            let timed_out = self
                .gate_changed
                .wait_until(&mut gate, deadline)
                .timed_out();
            assert!(!timed_out, "no save reached the store");
        }
    }
}

impl SessionStore for SlowStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        let mut gate = self.gate.lock();
        gate.waiting += 1;
        self.gate_changed.notify_all();
        while gate.closed {
            self.gate_changed.wait(&mut gate);
        }
        gate.waiting -= 1;
        drop(gate);
        self.inner.save(blob)
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear()
    }
}

/// Runs one engine call to completion on a thread of its own, as an app's thread would.
fn on_app_thread<T: Send + 'static>(
    call: impl std::future::Future<Output = T> + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().build();
        runtime.unwrap().block_on(call)
    })
}

/// The commit of an answer calls the store on the engine's blocking threads: while one
/// refresh waits in a slow `save`, the engine's one worker still sends other requests.
#[test]
fn a_slow_store_never_holds_up_the_engine_runtime() {
    let store = Arc::new(SlowStore::default());
    store
        .save(&envelope_v1(Some(&session("old")), "tok", "h.jwt-old.s"))
        .unwrap();
    let transport = ScriptedTransport::open();
    transport.push(answer("new", "h.jwt-new.s"));
    transport.push_revoke(Answer::Revoked);
    // The engine's own runtime: one worker thread, as in a mobile app.
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .transport(transport.clone())
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    store.set_closed(true);

    let refreshing = on_app_thread({
        let client = client.clone();
        async move { client.authenticate(None).await }
    });
    store.wait_for_held_save();
    let revoking = on_app_thread({
        let client = client.clone();
        async move { client.revoke(false).await }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while transport
        .revoke_calls
        .load(std::sync::atomic::Ordering::SeqCst)
        == 0
    {
        assert!(
            Instant::now() < deadline,
            "the revoke request waited for the slow save"
        );
        std::thread::yield_now();
    }

    store.set_closed(false);
    let refreshed = refreshing.join().unwrap().expect("the refresh succeeds");
    assert_eq!(refreshed.attributes.user_agent, "new");
    revoking.join().unwrap().expect("the revoke succeeds");
    assert!(client.get_sync().is_none());
    assert_eq!(store.load().unwrap(), None);
}

#[tokio::test]
async fn e5_a_session_file_cut_at_any_byte_restores_as_corrupted_wiped_and_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let key = FileStoreKey::generate();
    let path = dir.path().join("session.bin");
    let store = Arc::new(EncryptedFileStore::new(&path, key));
    store
        .save(&envelope_v1(Some(&session("old")), "tok", "h.jwt-old.s"))
        .unwrap();
    let whole = std::fs::read(&path).unwrap();

    for cut in 0..whole.len() {
        std::fs::write(&path, &whole[..cut]).unwrap();
        let client = restored_on(store.clone(), ScriptedTransport::open());
        match client.restore_outcome() {
            RestoreOutcome::Corrupted { detail } => assert!(!detail.contains("h.jwt-old.s")),
            other => panic!("cut at {cut}: {other:?}"),
        }
        assert!(client.get_tokens().is_none(), "cut at {cut}");
        assert!(!path.exists(), "cut at {cut}: the file was wiped");
    }
    std::fs::write(&path, &whole).unwrap();
    let client = restored_on(store, ScriptedTransport::open());
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
}

// ---------------------------------------------------------------------------------------
// P2: a crash at any point of a refresh, simulated by a child process that aborts
// ---------------------------------------------------------------------------------------

/// Where the child process dies.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CrashPoint {
    /// The server answered; the save has not begun.
    BeforeWrite,
    /// A temporary file holds part of the new sealed state; no rename.
    PartialTemporaryFile,
    /// A temporary file holds all of the new state, synced; no rename.
    WholeTemporaryFile,
    /// The file store's save returned.
    AfterWrite,
    /// Somewhere inside the file store's real save: another thread aborts the process
    /// after a random fraction of a save's measured duration.
    DuringWrite,
}

impl CrashPoint {
    const ALL: [Self; 5] = [
        Self::BeforeWrite,
        Self::PartialTemporaryFile,
        Self::WholeTemporaryFile,
        Self::AfterWrite,
        Self::DuringWrite,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::BeforeWrite => "before-write",
            Self::PartialTemporaryFile => "partial-temporary-file",
            Self::WholeTemporaryFile => "whole-temporary-file",
            Self::AfterWrite => "after-write",
            Self::DuringWrite => "during-write",
        }
    }

    fn parse(name: &str) -> Self {
        *Self::ALL.iter().find(|point| point.name() == name).unwrap()
    }
}

const CHILD_POINT: &str = "SESSIONKIT_CRASH_POINT";
const CHILD_DIR: &str = "SESSIONKIT_CRASH_DIR";
const CHILD_KEY: &str = "SESSIONKIT_CRASH_KEY";
/// Per mille: of a measured save, after which the racing thread aborts; of the new file,
/// written to the partial temporary file.
const CHILD_DELAY: &str = "SESSIONKIT_CRASH_DELAY";
const CHILD_TEST: &str = "faults::crash_child_refreshes_and_aborts_only_when_spawned_by_the_parent";

fn session_file(dir: &Path) -> PathBuf {
    dir.join("session.bin")
}

/// The directory the child shares with other processes (C3): it dies holding the refresh
/// lease there.
fn shared_dir(dir: &Path) -> PathBuf {
    dir.join("shared")
}

/// A file store that kills the process at the chosen point of its first save.
struct CrashingStore {
    inner: EncryptedFileStore,
    point: CrashPoint,
    dir: PathBuf,
    /// For [`CrashPoint::DuringWrite`]: when, after the save starts, to abort.
    delay: Duration,
    /// For [`CrashPoint::PartialTemporaryFile`]: how much of the new file is written.
    part: usize,
}

impl SessionStore for CrashingStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        match self.point {
            CrashPoint::BeforeWrite => std::process::abort(),
            CrashPoint::PartialTemporaryFile | CrashPoint::WholeTemporaryFile => {
                let sealed = self.inner.seal(blob)?;
                let len = if self.point == CrashPoint::WholeTemporaryFile {
                    sealed.len()
                } else {
                    sealed.len() * self.part / 1000
                };
                // Named as the file store names its temporary files.
                let temp = tempfile::Builder::new()
                    .prefix(".session.bin.")
                    .suffix(".tmp")
                    .tempfile_in(&self.dir)
                    .unwrap();
                std::fs::write(temp.path(), &sealed[..len]).unwrap();
                temp.as_file().sync_all().unwrap();
                std::process::abort()
            }
            CrashPoint::AfterWrite => {
                self.inner.save(blob)?;
                std::process::abort()
            }
            CrashPoint::DuringWrite => {
                let delay = self.delay;
                let started = Instant::now();
                let killer = std::thread::spawn(move || {
                    // Spinning, not sleeping: the point is to land inside the write.
                    while started.elapsed() < delay {
                        std::hint::spin_loop();
                    }
                    std::process::abort()
                });
                let saved = self.inner.save(blob);
                // The crash comes whether or not the write finished first.
                let _ = killer.join();
                saved
            }
        }
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear()
    }
}

/// The child's side of the crash simulation. Run by the parent test below as
/// `current_exe() --exact crash_child_...` with the crash point in the environment; in a
/// normal test run, without that environment, it has nothing to do and returns.
#[test]
fn crash_child_refreshes_and_aborts_only_when_spawned_by_the_parent() {
    let Ok(point) = std::env::var(CHILD_POINT) else {
        return;
    };
    let point = CrashPoint::parse(&point);
    let dir = PathBuf::from(std::env::var(CHILD_DIR).unwrap());
    let key = FileStoreKey::from_bytes(key_from_hex(&std::env::var(CHILD_KEY).unwrap()));
    let per_mille: u32 = std::env::var(CHILD_DELAY).unwrap().parse().unwrap();

    // How long a save takes here and now, to aim the racing abort inside one.
    let scratch = EncryptedFileStore::new(dir.join("scratch/measure.bin"), key.clone());
    let started = Instant::now();
    scratch
        .save(&envelope_v1(Some(&session("x")), "tok", "h.jwt-x.s"))
        .unwrap();
    let measured = started.elapsed();

    let store = CrashingStore {
        inner: EncryptedFileStore::new(session_file(&dir), key),
        point,
        dir: dir.clone(),
        delay: measured * per_mille / 1000,
        part: per_mille as usize,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transport = ScriptedTransport::open();
    transport.push(answer("new", "h.jwt-new.s"));
    let client = SessionClient::builder()
        .store(store)
        .shared_between_processes(shared_dir(&dir))
        .transport(transport)
        .runtime(runtime.handle().clone())
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    assert_eq!(client.restore_outcome(), RestoreOutcome::Restored);
    let _ = runtime.block_on(client.authenticate(None));
    panic!("the child should have crashed at {point:?}");
}

#[derive(Debug, PartialEq)]
enum Found {
    Old,
    New,
}

/// Runs one child that crashes at `point` and reads what it left behind.
fn crash_once(point: CrashPoint, per_mille: u32) -> Found {
    let dir = tempfile::tempdir().unwrap();
    let key: [u8; 32] = rand::random();
    let old = EncryptedFileStore::new(session_file(dir.path()), FileStoreKey::from_bytes(key));
    old.save(&envelope_v1(Some(&session("old")), "tok", "h.jwt-old.s"))
        .unwrap();
    std::fs::create_dir(shared_dir(dir.path())).unwrap();

    let output = Command::new(std::env::current_exe().unwrap())
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_POINT, point.name())
        .env(CHILD_DIR, dir.path())
        .env(CHILD_KEY, key_hex(&key))
        .env(CHILD_DELAY, per_mille.to_string())
        .output()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            output.status.signal(),
            Some(6),
            "{point:?}: the child did not abort: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    assert!(!output.status.success());

    // A fresh engine reads what the crash left: whole, old or new, never an error.
    let store = EncryptedFileStore::new(session_file(dir.path()), FileStoreKey::from_bytes(key));
    let client = SessionClient::builder()
        .store(store)
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    assert_eq!(
        client.restore_outcome(),
        RestoreOutcome::Restored,
        "{point:?}: torn or unreadable"
    );
    let tokens = client.get_tokens().unwrap();
    let session = client.get_sync().unwrap();
    let found = match (session.attributes.user_agent.as_str(), tokens.session_jwt()) {
        ("old", "h.jwt-old.s") => Found::Old,
        ("new", "h.jwt-new.s") => Found::New,
        (id, jwt) => panic!("{point:?}: a mixed state: session {id} with {jwt}"),
    };
    let whole = if found == Found::Old { "old" } else { "new" };
    assert_eq!(
        *session,
        self::session(whole),
        "{point:?}: the session is whole"
    );

    // C3: the child died holding the refresh lease; the next process takes it over at once
    // (its pid is gone) and refreshes.
    let transport = ScriptedTransport::open();
    transport.push(answer("recovered", "h.jwt-recovered.s"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let next = SessionClient::builder()
        .store(EncryptedFileStore::new(
            session_file(dir.path()),
            FileStoreKey::from_bytes(key),
        ))
        .shared_between_processes(shared_dir(dir.path()))
        .transport(transport.clone())
        .runtime(runtime.handle().clone())
        .manual_refresh()
        .clock(ManualClock::at(at("2026-06-01T00:00:00Z")))
        .build()
        .unwrap();
    runtime.block_on(next.authenticate(None)).unwrap();
    let stats = next.cross_process_stats().unwrap();
    assert_eq!(
        (transport.calls(), stats.lease_waits, stats.lease_recoveries),
        (1, 0, 1),
        "{point:?}: the dead writer's lease is taken over without a wait"
    );
    drop(next);

    // And the engine writes over whatever temporary files the crash left.
    client
        .update_session_blocking("tok-after", "h.jwt-after.s")
        .unwrap();
    drop(client);
    let store = EncryptedFileStore::new(session_file(dir.path()), FileStoreKey::from_bytes(key));
    let after = SessionClient::builder().store(store).build().unwrap();
    assert_eq!(after.get_tokens().unwrap().session_jwt(), "h.jwt-after.s");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "session.bin" && name != "scratch" && name != "shared")
        .collect();
    assert!(
        left.is_empty(),
        "{point:?}: the crash's leftovers stay: {left:?}"
    );
    found
}

/// `SESSIONKIT_CRASH_RUNS` runs per crash point (default 8; `scripts/test.sh --full` 200).
fn crash_runs() -> u32 {
    std::env::var("SESSIONKIT_CRASH_RUNS")
        .ok()
        .map_or(8, |runs| {
            runs.parse().expect("SESSIONKIT_CRASH_RUNS is a number")
        })
}

#[test]
fn p2_a_crash_at_any_point_of_a_refresh_leaves_the_old_or_the_new_state_whole() {
    let runs = crash_runs();
    let (mut old, mut new) = (0, 0);
    for point in CrashPoint::ALL {
        for run in 0..runs {
            // Spread over 0-150 % of a save, and over every length of a partial file.
            let per_mille = if runs > 1 {
                run * 1500 / (runs - 1)
            } else {
                500
            };
            let per_mille = if point == CrashPoint::PartialTemporaryFile {
                rand::random_range(0..1000)
            } else {
                per_mille
            };
            let found = crash_once(point, per_mille);
            match point {
                CrashPoint::BeforeWrite
                | CrashPoint::PartialTemporaryFile
                | CrashPoint::WholeTemporaryFile => assert_eq!(found, Found::Old, "{point:?}"),
                CrashPoint::AfterWrite => assert_eq!(found, Found::New, "{point:?}"),
                CrashPoint::DuringWrite => {}
            }
            match found {
                Found::Old => old += 1,
                Found::New => new += 1,
            }
        }
    }
    println!(
        "crash simulation: {} runs (old state: {old}, new state: {new}), torn or unreadable: 0; \
         each writer died holding the refresh lease, taken over at once every time",
        old + new
    );
}
