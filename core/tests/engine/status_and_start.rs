//! Where the engine stands (R6), starting without touching storage on the caller's thread
//! (X2), and listeners that read the change they hear of (O2).

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::{self, ThreadId};

use parking_lot::{Condvar, Mutex};

use crate::support::{
    Mode, ScriptedStore, at, envelope_v1, next_event, record, sample_session, store_holding,
};
use sessionkit::testing::ManualClock;
use sessionkit::{
    ChangeCause, MemoryStore, RestoreOutcome, SessionChange, SessionClient, SessionEvent,
    SessionStatus, SessionStore, SignOutReason, StoreError,
};

fn change(event: SessionEvent) -> SessionChange {
    match event {
        SessionEvent::Changed(change) => change,
        other => panic!("expected a change, got {other:?}"),
    }
}

/// A store whose `load` waits until the test opens a gate, remembering the thread it ran on.
#[derive(Default)]
struct GatedStore {
    inner: MemoryStore,
    open: Mutex<bool>,
    opened: Condvar,
    load_threads: Mutex<Vec<ThreadId>>,
}

impl GatedStore {
    fn holding(blob: &[u8]) -> Arc<Self> {
        let store = Self::default();
        store.inner.save(blob).unwrap();
        Arc::new(store)
    }

    fn open(&self) {
        *self.open.lock() = true;
        self.opened.notify_all();
    }
}

impl SessionStore for GatedStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.load_threads.lock().push(thread::current().id());
        let mut open = self.open.lock();
        while !*open {
            self.opened.wait(&mut open);
        }
        self.inner.load()
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        self.inner.save(blob)
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.inner.clear()
    }
}

fn future_session_blob() -> Vec<u8> {
    envelope_v1(
        Some(&sample_session(at("2099-01-01T00:00:00Z"))),
        "tok",
        "h.jwt.s",
    )
}

#[tokio::test]
async fn x2_start_returns_at_once_and_reads_storage_off_the_calling_thread() {
    let store = GatedStore::holding(&future_session_blob());
    // The store blocks until opened: had `start` read it on this thread, it would hang here.
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .start()
        .unwrap();
    assert_eq!(client.status(), SessionStatus::Restoring);
    assert_eq!(client.restore_outcome(), RestoreOutcome::Pending);
    assert!(client.get_sync().is_none());
    store.open();
    assert_eq!(client.restored().await, RestoreOutcome::Restored);
    let loads = store.load_threads.lock().clone();
    assert_eq!(loads.len(), 1, "storage read once");
    assert_ne!(
        loads[0],
        thread::current().id(),
        "never on the starting thread"
    );
    assert_eq!(client.status(), SessionStatus::SignedIn);
    assert!(client.get_info().from_cache);
}

#[tokio::test]
async fn x2_a_change_made_while_the_restore_runs_lands_on_top_of_the_restored_state() {
    let store = GatedStore::holding(&future_session_blob());
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .start()
        .unwrap();
    let (_handle, events) = record(&client);
    let writer = {
        let client = client.clone();
        thread::spawn(move || client.update_session_blocking("new-token", "new.jwt.sig"))
    };
    store.open();
    writer.join().unwrap().unwrap();
    assert_eq!(client.restored().await, RestoreOutcome::Restored);
    // Restored first, then the app's tokens: the stored session never overwrites them.
    assert_eq!(change(next_event(&events)).cause, ChangeCause::Restored);
    let hydrated = change(next_event(&events));
    assert_eq!(hydrated.cause, ChangeCause::Hydrated);
    assert_eq!(hydrated.status, SessionStatus::Pending);
    assert_eq!(client.get_tokens().unwrap().session_token(), "new-token");
}

#[test]
fn r6_status_moves_from_signed_out_to_pending_to_signed_out() {
    let client = SessionClient::builder().build().unwrap();
    assert_eq!(
        client.status(),
        SessionStatus::SignedOut,
        "empty store read"
    );
    let (_handle, events) = record(&client);
    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    let hydrated = change(next_event(&events));
    assert_eq!(hydrated.status, SessionStatus::Pending);
    assert_eq!(client.get_info().status, SessionStatus::Pending);
    assert!(
        client.get_sync().is_none(),
        "pending: tokens without a session"
    );
    client.clear_blocking().unwrap();
    assert_eq!(change(next_event(&events)).status, SessionStatus::SignedOut);
    assert_eq!(client.status(), SessionStatus::SignedOut);
}

#[test]
fn r6_a_restored_session_is_signed_in_from_cache_and_signed_out_once_expired() {
    let clock = Arc::new(ManualClock::at(at("2026-06-01T00:00:00Z")));
    let blob = envelope_v1(
        Some(&sample_session(at("2026-06-01T01:00:00Z"))),
        "tok",
        "h.jwt.s",
    );
    let client = SessionClient::builder()
        .shared_store(store_holding(&blob))
        .shared_clock(clock.clone())
        .build()
        .unwrap();
    let info = client.get_info();
    assert_eq!(info.status, SessionStatus::SignedIn);
    assert!(info.from_cache);
    clock.set(at("2026-06-01T01:00:00Z"));
    assert_eq!(client.status(), SessionStatus::SignedOut, "R1: expired");
}

#[test]
fn r6_stored_tokens_without_a_session_restore_as_pending() {
    let client = SessionClient::builder()
        .shared_store(store_holding(&envelope_v1(None, "tok", "h.jwt.s")))
        .build()
        .unwrap();
    assert_eq!(client.status(), SessionStatus::Pending);
}

#[tokio::test]
async fn r6_e4_a_locked_store_keeps_the_engine_restoring_until_it_can_be_read() {
    let store = ScriptedStore::new();
    store.save(&future_session_blob()).unwrap();
    store.set(Mode::Unavailable);
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .start()
        .unwrap();
    assert!(matches!(
        client.restored().await,
        RestoreOutcome::Unavailable { .. }
    ));
    assert_eq!(
        client.status(),
        SessionStatus::Restoring,
        "a locked device is never signed out"
    );
    let (_handle, events) = record(&client);
    store.set(Mode::Works);
    client.storage_became_available().await.unwrap();
    let restored = change(next_event(&events));
    assert_eq!(restored.cause, ChangeCause::Restored);
    assert_eq!(restored.status, SessionStatus::SignedIn);
}

#[tokio::test]
async fn r6_e5_a_corrupt_store_ends_restoring_signed_out_and_says_why() {
    let client = SessionClient::builder()
        .shared_store(store_holding(b"\x00not an envelope"))
        .start()
        .unwrap();
    let (_handle, events) = record(&client);
    assert!(matches!(
        client.restored().await,
        RestoreOutcome::Corrupted { .. }
    ));
    assert_eq!(client.status(), SessionStatus::SignedOut);
    // Subscribed before the restore ran or not, the status is current.
    while let Ok(event) = events.try_recv() {
        if let SessionEvent::Changed(change) = event {
            assert_eq!(
                change.cause,
                ChangeCause::SignedOut(SignOutReason::StorageCorrupted)
            );
            assert_eq!(change.status, SessionStatus::SignedOut);
        }
    }
}

#[test]
fn o2_a_read_inside_a_listener_shows_the_change_it_hears_of_or_a_later_one() {
    let client = SessionClient::builder().build().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = client.clone();
    let _handle = client.on_change(move |event: &SessionEvent| {
        if let SessionEvent::Changed(change) = event {
            let info = reader.get_info();
            let _ = tx.send((change.revision, change.status, info.revision, info.status));
        }
    });
    let rounds = 300;
    for round in 0..rounds {
        client
            .update_session_blocking(format!("tok-{round}"), "a.b.c")
            .unwrap();
        client.clear_blocking().unwrap();
    }
    let mut last = 0;
    for _ in 0..rounds * 2 {
        let (revision, status, read_revision, read_status) = rx
            .recv_timeout(crate::support::DELIVERY_BOUND)
            .expect("every change announced");
        assert!(revision > last, "each change once, in order");
        last = revision;
        assert!(read_revision >= revision, "the read is at least as new");
        if read_revision == revision {
            assert_eq!(read_status, status);
        }
    }
}
