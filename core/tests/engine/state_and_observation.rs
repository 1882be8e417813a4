//! The engine's reads, writes and observation: SPEC R1-R4, O1-O4, W1, W6.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use crate::support::{
    DELIVERY_BOUND, Mode, ScriptedStore, at, envelope_v1, next_event, record, sample_session,
    store_holding,
};
use sessionkit::testing::ManualClock;
use sessionkit::{
    ChangeCause, Generation, SessionClient, SessionError, SessionEvent, SignOutReason, StorageIssue,
};

const NOW: &str = "2026-06-01T00:00:00Z";

fn restored_client(expires_at: &str) -> (SessionClient, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(at(NOW)));
    let session = sample_session(at(expires_at));
    let client = SessionClient::builder()
        .shared_store(store_holding(&envelope_v1(
            Some(&session),
            "tok",
            "h.jwt.s",
        )))
        .shared_clock(clock.clone())
        .build()
        .unwrap();
    (client, clock)
}

fn changed(event: SessionEvent) -> sessionkit::SessionChange {
    match event {
        SessionEvent::Changed(change) => change,
        other => panic!("expected a change, got {other:?}"),
    }
}

#[test]
fn r1_expired_session_is_never_returned() {
    let (client, clock) = restored_client("2026-06-01T01:00:00Z");
    assert!(client.get_sync().is_some());
    clock.set(at("2026-06-01T00:59:59.999Z"));
    assert!(client.get_sync().is_some());
    clock.set(at("2026-06-01T01:00:00Z"));
    assert!(client.get_sync().is_none(), "expires_at itself is expired");
    assert!(client.get_info().session.is_none());
    assert!(client.get_tokens().is_none());
}

#[test]
fn r1_a_session_restored_already_expired_is_not_returned() {
    let (client, _) = restored_client("2020-01-01T00:00:00Z");
    assert!(client.get_sync().is_none());
}

#[test]
fn r2_from_cache_is_true_after_restore_and_false_for_new_state() {
    let (client, _) = restored_client("2099-01-01T00:00:00Z");
    let info = client.get_info();
    assert!(info.from_cache);
    assert_eq!(info.session, client.get_sync());
    client
        .update_session_blocking("fresh", "fresh.jwt.s")
        .unwrap();
    assert!(!client.get_info().from_cache);

    let empty = SessionClient::builder().build().unwrap();
    assert!(!empty.get_info().from_cache);
}

#[test]
fn r3_tokens_come_as_a_pair_or_not_at_all() {
    let client = SessionClient::builder().build().unwrap();
    assert!(client.get_tokens().is_none());
    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    let tokens = client.get_tokens().unwrap();
    assert_eq!(
        (tokens.session_token(), tokens.session_jwt()),
        ("tok", "h.jwt.s")
    );
    assert!(matches!(
        client.update_session_blocking("", "h.jwt.s"),
        Err(SessionError::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.update_session_blocking("tok", ""),
        Err(SessionError::InvalidArgument { .. })
    ));
}

/// A store whose save blocks until released, to hold the write lock during a read.
struct BlockingStore {
    entered: mpsc::SyncSender<()>,
    release: parking_lot::Mutex<mpsc::Receiver<()>>,
}

impl sessionkit::SessionStore for BlockingStore {
    fn load(&self) -> Result<Option<Vec<u8>>, sessionkit::StoreError> {
        Ok(None)
    }
    fn save(&self, _: &[u8]) -> Result<(), sessionkit::StoreError> {
        self.entered.send(()).unwrap();
        self.release.lock().recv().unwrap();
        Ok(())
    }
    fn clear(&self) -> Result<(), sessionkit::StoreError> {
        Ok(())
    }
}

#[test]
fn r4_reads_never_wait_for_a_storage_write() {
    let (entered_tx, entered) = mpsc::sync_channel(1);
    let (release, release_rx) = mpsc::channel();
    let client = SessionClient::builder()
        .store(BlockingStore {
            entered: entered_tx,
            release: parking_lot::Mutex::new(release_rx),
        })
        .build()
        .unwrap();
    let writer = {
        let client = client.clone();
        thread::spawn(move || client.update_session_blocking("second", "second.jwt.s"))
    };
    entered.recv_timeout(DELIVERY_BOUND).unwrap();

    // The writer now holds the write lock inside save(). Reads must still answer.
    let (done_tx, done) = mpsc::channel();
    let reader = client.clone();
    thread::spawn(move || {
        let tokens = reader.get_tokens().map(|t| t.session_token().to_owned());
        let _ = reader.get_sync();
        let _ = reader.get_info();
        let _ = reader.generation();
        done_tx.send(tokens).unwrap();
    });
    let seen = done
        .recv_timeout(DELIVERY_BOUND)
        .expect("a read waited for the storage write");
    assert_eq!(seen, None, "the old state until the swap");

    release.send(()).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(client.get_tokens().unwrap().session_token(), "second");
}

#[test]
fn w1_update_session_hydrates_persists_announces_and_bumps_the_generation() {
    let store = ScriptedStore::new();
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .build()
        .unwrap();
    let (_handle, events) = record(&client);
    let before = client.generation();

    client.update_session_blocking("tok", "h.jwt.s").unwrap();

    let change = changed(next_event(&events));
    assert_eq!(change.cause, ChangeCause::Hydrated);
    assert!(change.session.is_none(), "the session object is unknown");
    assert!(change.has_tokens);
    assert!(change.generation > before);
    assert_eq!(client.generation(), change.generation);
    assert!(client.get_sync().is_none());

    let restarted = SessionClient::builder()
        .shared_store(store)
        .build()
        .unwrap();
    assert_eq!(restarted.get_tokens().unwrap().session_token(), "tok");
}

#[test]
fn w6_clear_removes_storage_empties_memory_and_announces_no_session() {
    let (client, _) = restored_client("2099-01-01T00:00:00Z");
    let (_handle, events) = record(&client);
    let before = client.generation();
    client.clear_blocking().unwrap();
    let change = changed(next_event(&events));
    assert_eq!(change.cause, ChangeCause::SignedOut(SignOutReason::Cleared));
    assert!(change.session.is_none() && !change.has_tokens);
    assert!(client.generation() > before);
    assert!(client.get_sync().is_none() && client.get_tokens().is_none());
}

#[test]
fn w6_clear_with_a_failing_store_still_signs_out_and_retries_the_removal() {
    let store = ScriptedStore::new();
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .build()
        .unwrap();
    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    store.set(Mode::Unavailable);
    assert!(matches!(
        client.clear_blocking(),
        Err(SessionError::StorageUnavailable { .. })
    ));
    assert!(client.get_tokens().is_none());
    assert!(store.holds().is_some());
    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    assert!(store.holds().is_none(), "the removal was retried");
}

#[test]
fn o1_closing_or_dropping_the_handle_unsubscribes() {
    let client = SessionClient::builder().build().unwrap();
    let (closed, closed_events) = record(&client);
    let (dropped, dropped_events) = record(&client);
    let (_kept, kept_events) = record(&client);
    assert_eq!(client.listener_count(), 3);

    closed.close();
    closed.close();
    drop(dropped);
    assert_eq!(client.listener_count(), 1);

    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    changed(next_event(&kept_events));
    assert!(closed_events.try_recv().is_err());
    assert!(dropped_events.try_recv().is_err());
}

#[test]
fn o2_each_distinct_change_is_heard_once_in_order_after_it_is_persisted() {
    let store = ScriptedStore::new();
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .build()
        .unwrap();
    let (tx, events) = mpsc::channel();
    let observed_store = store.clone();
    let _handle = client.on_change(move |event: &SessionEvent| {
        if let SessionEvent::Changed(change) = event {
            // How many states the store had written when this change was heard.
            let written = observed_store.history().len();
            let _ = tx.send((change.generation, written));
        }
    });

    client.update_session_blocking("a", "a.jwt.s").unwrap();
    client.update_session_blocking("a", "a.jwt.s").unwrap(); // same state: no change
    client.update_session_blocking("b", "b.jwt.s").unwrap();
    client.clear_blocking().unwrap();
    client.clear_blocking().unwrap(); // already signed out: no change

    let heard: Vec<_> = (0..3)
        .map(|_| events.recv_timeout(DELIVERY_BOUND).unwrap())
        .collect();
    for (nth, (_, written)) in heard.iter().enumerate() {
        assert!(
            *written > nth,
            "change {nth} was heard before it was written"
        );
    }
    assert!(heard.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    assert_eq!(
        store.history(),
        [Some("a".to_owned()), Some("b".to_owned()), None],
        "one write per distinct change"
    );

    client.update_session_blocking("c", "c.jwt.s").unwrap();
    let (generation, _) = events.recv_timeout(DELIVERY_BOUND).unwrap();
    assert_eq!(
        generation,
        client.generation(),
        "nothing was announced twice"
    );
}

#[test]
fn o2_a_failed_save_keeps_the_new_state_announces_it_and_reports_the_failure() {
    let store = ScriptedStore::new();
    let client = SessionClient::builder()
        .shared_store(store.clone())
        .build()
        .unwrap();
    let (_handle, events) = record(&client);
    store.set(Mode::Fails);

    client.update_session_blocking("new", "new.jwt.s").unwrap();
    assert_eq!(client.get_tokens().unwrap().session_token(), "new");
    assert_eq!(changed(next_event(&events)).cause, ChangeCause::Hydrated);
    assert!(matches!(
        next_event(&events),
        SessionEvent::Storage(StorageIssue::WriteFailed { .. })
    ));

    store.set(Mode::Works);
    client.storage_became_available_blocking().unwrap();
    let restarted = SessionClient::builder()
        .shared_store(store)
        .build()
        .unwrap();
    assert_eq!(restarted.get_tokens().unwrap().session_token(), "new");
}

#[test]
fn o3_a_listener_may_call_back_into_the_engine() {
    let client = SessionClient::builder().build().unwrap();
    let (tx, done) = mpsc::channel();
    let reentrant = client.clone();
    let _handle = client.on_change(move |event: &SessionEvent| {
        if let SessionEvent::Changed(change) = event {
            let _ = reentrant.get_sync();
            let _ = reentrant.get_info();
            if change.cause == ChangeCause::Hydrated {
                // A write from inside a listener.
                reentrant.clear_blocking().unwrap();
                let nested = reentrant.on_change(|_: &SessionEvent| {});
                drop(nested);
            }
            let _ = tx.send(change.cause.clone());
        }
    });
    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    assert_eq!(
        done.recv_timeout(DELIVERY_BOUND).unwrap(),
        ChangeCause::Hydrated
    );
    assert_eq!(
        done.recv_timeout(DELIVERY_BOUND).unwrap(),
        ChangeCause::SignedOut(SignOutReason::Cleared)
    );
}

#[test]
fn o4_a_panicking_listener_breaks_nothing() {
    let client = SessionClient::builder().build().unwrap();
    let panics = Arc::new(AtomicUsize::new(0));
    let counter = panics.clone();
    let _bad = client.on_change(move |_: &SessionEvent| {
        counter.fetch_add(1, Ordering::SeqCst);
        panic!("listener bug");
    });
    let (_good, events) = record(&client);
    client.update_session_blocking("a", "a.jwt.s").unwrap();
    client.update_session_blocking("b", "b.jwt.s").unwrap();
    changed(next_event(&events));
    changed(next_event(&events));
    assert_eq!(client.get_tokens().unwrap().session_token(), "b");
    // The panicking listener stayed subscribed and heard both.
    assert_eq!(client.listener_count(), 2);
    client.update_session_blocking("c", "c.jwt.s").unwrap();
    changed(next_event(&events));
}

#[test]
fn o4_a_blocked_listener_delays_neither_writers_nor_other_listeners() {
    let client = SessionClient::builder().build().unwrap();
    let (release, blocked_until) = mpsc::channel::<()>();
    let blocked_until = parking_lot::Mutex::new(blocked_until);
    let (slow_tx, slow_heard) = mpsc::channel();
    let _slow = client.on_change(move |event: &SessionEvent| {
        let _ = blocked_until.lock().recv();
        let _ = slow_tx.send(event.clone());
    });
    let (_fast, fast_heard) = record(&client);

    for token in ["a", "b", "c"] {
        client.update_session_blocking(token, "h.jwt.s").unwrap();
    }
    let fast: Vec<_> = (0..3).map(|_| changed(next_event(&fast_heard))).collect();
    assert!(fast.windows(2).all(|w| w[0].generation < w[1].generation));
    assert!(
        slow_heard.try_recv().is_err(),
        "the slow one is still stuck"
    );

    for _ in 0..3 {
        release.send(()).unwrap();
    }
    let slow: Vec<_> = (0..3).map(|_| changed(next_event(&slow_heard))).collect();
    assert_eq!(slow, fast, "the slow listener heard the same, in order");
    assert!(client.listener_threads() <= 4);
}

#[test]
fn o4_fan_out_reaches_every_listener_once() {
    let client = SessionClient::builder().build().unwrap();
    let heard = Arc::new(AtomicUsize::new(0));
    let (tx, all_heard) = mpsc::channel();
    let tx = parking_lot::Mutex::new(tx);
    let handles: Vec<_> = (0..1_000)
        .map(|_| {
            let heard = heard.clone();
            let tx = tx.lock().clone();
            client.on_change(move |_: &SessionEvent| {
                if heard.fetch_add(1, Ordering::SeqCst) + 1 == 1_000 {
                    let _ = tx.send(());
                }
            })
        })
        .collect();
    client.update_session_blocking("tok", "h.jwt.s").unwrap();
    all_heard.recv_timeout(DELIVERY_BOUND).unwrap();
    assert_eq!(heard.load(Ordering::SeqCst), 1_000);
    drop(handles);
    assert_eq!(client.listener_count(), 0);
}

#[test]
fn generation_counts_identity_changes_only() {
    let client = SessionClient::builder().build().unwrap();
    let g0 = client.generation();
    client.update_session_blocking("a", "a.jwt.s").unwrap();
    let g1 = client.generation();
    client.update_session_blocking("a", "a.jwt.s").unwrap();
    assert_eq!(client.generation(), g1, "same tokens, same identity");
    client.clear_blocking().unwrap();
    assert!(g0 < g1 && g1 < client.generation());
    assert_eq!(Generation::default().next().get(), 1);
}

#[test]
fn e6_debug_of_the_client_shows_no_token() {
    let client = SessionClient::builder().build().unwrap();
    client
        .update_session_blocking("secret-opaque", "secret.jwt.value")
        .unwrap();
    let shown = format!("{client:?} {:?}", client.get_tokens());
    assert!(!shown.contains("secret"), "{shown}");
}
