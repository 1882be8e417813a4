//! Two engines over one store and one coordination directory, in one process, as an app and
//! its extension would be in two (SPEC C1-C3). The store is one `MemoryStore` both hold, the
//! directory a temporary one; the `flock`s of two engines exclude each other in one process
//! as in two. `cross_process.rs` runs the same rules across real processes.

use std::sync::Arc;
use std::time::Duration;

use crate::support::scripted_transport::{Answer, ScriptedTransport};
use crate::support::{
    DELIVERY_BOUND, Mode, ScriptedStore, at, envelope_v1, next_event, record, sample_session,
};
use sessionkit::testing::ManualClock;
use sessionkit::transport::TransportError;
use sessionkit::{
    ChangeCause, MemoryStore, SessionClient, SessionError, SessionEvent, SessionStatus,
    SessionStore, SessionTokens,
};
use tempfile::TempDir;
use tokio::runtime::Handle;

fn session(id: &str) -> sessionkit::Session {
    let mut session = sample_session(at("2099-01-01T00:00:00Z"));
    session.session_id = id.into();
    session
}

fn answer(id: &str, token: &str, jwt: &str) -> Answer {
    Answer::Session(Box::new(session(id)), SessionTokens::new(token, jwt))
}

/// One process's engine over `store`, sharing `dir`, restored from whatever `store` holds.
fn engine(
    store: Arc<dyn SessionStore>,
    dir: &TempDir,
    transport: Arc<ScriptedTransport>,
    clock: Option<Arc<ManualClock>>,
) -> SessionClient {
    let clock = clock.unwrap_or_else(|| Arc::new(ManualClock::at(at("2026-06-01T00:00:00Z"))));
    SessionClient::builder()
        .shared_store(store)
        .shared_between_processes(dir.path())
        .transport(transport)
        .runtime(Handle::current())
        .manual_refresh()
        .shared_clock(clock)
        .build()
        .unwrap()
}

/// Lets the runtime run until `transport` saw a request; fails, rather than hangs, if none
/// comes.
async fn until_sent(transport: &ScriptedTransport) {
    for _ in 0..100_000 {
        if transport.calls() > 0 {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the request was never sent");
}

/// Waits (on the paused clock) until `client`'s refresh waits for another's lease; fails,
/// rather than hangs, if it never does.
async fn waits_for_the_lease(client: &SessionClient) {
    for _ in 0..1_000 {
        if client.cross_process_stats().unwrap().lease_waits > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("C3: the refresh never waited for the lease another engine holds");
}

/// A store holding a confirmed session `tok`/`jwt-0`, and a coordination directory.
fn signed_in_store() -> (Arc<MemoryStore>, TempDir) {
    let store = Arc::new(MemoryStore::new());
    store
        .save(&envelope_v1(Some(&session("s-0")), "tok", "h.jwt-0.s"))
        .unwrap();
    (store, tempfile::tempdir().unwrap())
}

#[tokio::test]
async fn c1_the_first_read_after_the_foreground_shows_what_another_process_wrote() {
    let store = Arc::new(MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let extension = engine(store, &dir, ScriptedTransport::open(), None);
    let (_handle, events) = record(&extension);

    // Blocking: nothing else runs before the foreground call, the Linux watch included.
    app.update_session_blocking("tok-new", "h.jwt-new.s")
        .unwrap();
    extension.app_did_enter_foreground();

    assert_eq!(
        extension.get_tokens().unwrap().session_token(),
        "tok-new",
        "C1: seen on the next read"
    );
    assert_eq!(extension.status(), SessionStatus::Pending);
    loop {
        match next_event(&events) {
            SessionEvent::Changed(change) if change.cause == ChangeCause::OtherProcess => {
                assert!(change.has_tokens);
                break;
            }
            SessionEvent::Changed(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn c1_the_store_is_read_only_when_its_stamp_moved() {
    let (store, dir) = signed_in_store();
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let extension = engine(store, &dir, ScriptedTransport::open(), None);

    for _ in 0..10 {
        extension.app_did_enter_foreground();
        extension.check_shared_store();
    }
    assert_eq!(extension.cross_process_stats().unwrap().store_reloads, 0);

    app.clear().await.unwrap();
    extension.app_did_enter_foreground();
    extension.app_did_enter_foreground();
    let stats = extension.cross_process_stats().unwrap();
    assert_eq!(stats.store_reloads, 1, "one change, one read");
    assert_eq!(stats.changes_adopted, 1);
    assert!(extension.get_tokens().is_none(), "the sign-out is seen");
}

#[tokio::test]
async fn c1_an_engine_looks_at_the_store_before_its_next_request() {
    let (store, dir) = signed_in_store();
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let transport = ScriptedTransport::open();
    let extension = engine(store, &dir, transport.clone(), None);

    // Blocking, so that the runtime (and the Linux watch on it) does not run in between:
    // what is checked here is the look before the request.
    app.clear_blocking().unwrap();
    let refreshed = extension.authenticate(None).await;

    assert!(
        matches!(refreshed, Err(SessionError::Superseded)),
        "{refreshed:?}"
    );
    assert_eq!(
        transport.calls(),
        0,
        "nothing sent for a session signed out"
    );
    assert!(extension.get_tokens().is_none());
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn c1_on_linux_a_write_elsewhere_is_heard_without_any_call() {
    // Own runtimes (the engines' default), so the watch runs while this thread waits.
    let store = Arc::new(MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let build = |store: Arc<MemoryStore>| {
        SessionClient::builder()
            .shared_store(store)
            .shared_between_processes(dir.path())
            .build()
            .unwrap()
    };
    let app = build(store.clone());
    let widget = build(store);
    let (_handle, events) = record(&widget);

    app.update_session_blocking("tok-new", "h.jwt-new.s")
        .unwrap();

    let heard = std::iter::from_fn(|| events.recv_timeout(DELIVERY_BOUND).ok()).find(
        |event| matches!(event, SessionEvent::Changed(c) if c.cause == ChangeCause::OtherProcess),
    );
    assert!(
        heard.is_some(),
        "the watch announced the other engine's write"
    );
    assert_eq!(widget.get_tokens().unwrap().session_token(), "tok-new");
}

#[tokio::test]
async fn c2_a_refresh_answer_landing_after_a_sign_out_elsewhere_is_refused() {
    let (store, dir) = signed_in_store();
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let gated = ScriptedTransport::gated();
    gated.push(answer("s-0", "tok", "h.jwt-late.s"));
    let extension = engine(store.clone(), &dir, gated.clone(), None);

    let in_flight = tokio::spawn({
        let extension = extension.clone();
        async move { extension.authenticate(None).await }
    });
    until_sent(&gated).await;
    app.clear().await.unwrap();
    gated.release(1);

    let refreshed = in_flight.await.unwrap();
    assert!(
        matches!(refreshed, Err(SessionError::Superseded)),
        "{refreshed:?}"
    );
    assert_eq!(store.load().unwrap(), None, "C2: the sign-out stays final");
    assert!(extension.get_tokens().is_none());
}

#[tokio::test]
async fn c2_a_stale_pending_write_never_brings_a_signed_out_session_back() {
    // The extension's write of its refreshed session failed (the keychain was locked), so it
    // still owes the store that write; meanwhile the app signs out.
    let store = ScriptedStore::new();
    store
        .save(&envelope_v1(Some(&session("s-0")), "tok", "h.jwt-0.s"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let transport = ScriptedTransport::open();
    transport.push(answer("s-0", "tok", "h.jwt-1.s"));
    let extension = engine(store.clone(), &dir, transport, None);
    store.set(Mode::Unavailable);
    extension.authenticate(None).await.unwrap();
    store.set(Mode::Works);
    app.clear().await.unwrap();

    extension.storage_became_available().await.unwrap();

    assert_eq!(store.holds(), None, "C2: the pending write was refused");
    assert!(extension.get_tokens().is_none(), "and the sign-out adopted");
}

#[tokio::test]
async fn c2_a_sign_in_here_still_lands_over_a_refresh_of_the_old_session_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let store = ScriptedStore::new();
    store
        .save(&envelope_v1(Some(&session("s-0")), "tok", "h.jwt-0.s"))
        .unwrap();
    let transport = ScriptedTransport::open();
    transport.push(answer("s-0", "tok", "h.jwt-1.s"));
    let app = engine(store.clone(), &dir, ScriptedTransport::open(), None);
    let extension = engine(store.clone(), &dir, transport, None);

    store.set(Mode::Unavailable);
    app.update_session("tok-new", "h.jwt-new.s").await.unwrap();
    store.set(Mode::Works);
    extension.authenticate(None).await.unwrap();
    app.storage_became_available().await.unwrap();

    let held: serde_json::Value = serde_json::from_slice(&store.holds().unwrap()).unwrap();
    assert_eq!(
        held["session_token"], "tok-new",
        "the app's own newer sign-in is written: the stored identity had not moved"
    );
}

/// What one deadline brought two engines over one signed-in store: the app's outcome, the
/// extension's, the extension itself and what its transport was asked.
struct OneDeadline {
    app: Result<Arc<sessionkit::Session>, SessionError>,
    extension: Result<Arc<sessionkit::Session>, SessionError>,
    extension_client: SessionClient,
    extension_transport: Arc<ScriptedTransport>,
}

/// The app's refresh is on the wire with `app_answer` held back when the extension's starts,
/// finds the lease held and waits (on the paused clock); then the app's answer comes.
async fn one_deadline(app_answer: Answer) -> OneDeadline {
    let (store, dir) = signed_in_store();
    let first = ScriptedTransport::gated();
    first.push(app_answer);
    let second = ScriptedTransport::gated();
    let app = engine(store.clone(), &dir, first.clone(), None);
    let extension = engine(store, &dir, second.clone(), None);

    let app_refresh = tokio::spawn({
        let app = app.clone();
        async move { app.authenticate(None).await }
    });
    until_sent(&first).await;
    let extension_refresh = tokio::spawn({
        let extension = extension.clone();
        async move { extension.authenticate(None).await }
    });
    waits_for_the_lease(&extension).await;
    first.release(1);

    OneDeadline {
        app: app_refresh.await.unwrap(),
        extension: extension_refresh.await.unwrap(),
        extension_client: extension,
        extension_transport: second,
    }
}

#[tokio::test(start_paused = true)]
async fn c3_two_engines_at_one_deadline_send_one_request() {
    let deadline = one_deadline(answer("s-0", "tok", "h.jwt-1.s")).await;
    let extension = deadline.extension_client;

    assert_eq!(deadline.app.unwrap().session_id, "s-0");
    let adopted = deadline.extension.unwrap();
    assert_eq!(adopted.session_id, "s-0");
    assert_eq!(
        deadline.extension_transport.calls(),
        0,
        "C3: the extension sent nothing"
    );
    assert_eq!(extension.get_tokens().unwrap().session_jwt(), "h.jwt-1.s");
    assert_eq!(
        extension.cross_process_stats().unwrap().refreshes_adopted,
        1
    );
}

#[tokio::test(start_paused = true)]
async fn c3_a_waiter_backs_off_with_the_holder_when_the_server_cannot_be_reached() {
    let deadline = one_deadline(Answer::Fail(TransportError::Status {
        status: 503,
        retry_after: Some(Duration::from_secs(30)),
    }))
    .await;

    assert!(deadline.app.is_err());
    match deadline.extension {
        Err(SessionError::Network { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(30)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        deadline.extension_transport.calls(),
        0,
        "one request for the deadline, not two"
    );
    assert!(
        deadline.extension_client.get_tokens().is_some(),
        "E2: the session is kept"
    );
}

#[tokio::test(start_paused = true)]
async fn c3_a_live_holder_s_lease_ends_when_it_expires() {
    let (store, dir) = signed_in_store();
    // A holder that took the lease and then hung, in a process that is still alive (this
    // one): another engine with a clock of its own, its request never answered.
    let hung = ScriptedTransport::gated();
    let holder = engine(store.clone(), &dir, hung.clone(), None);
    let holder_refresh = tokio::spawn({
        let holder = holder.clone();
        async move { holder.authenticate(None).await }
    });
    until_sent(&hung).await;

    let clock = Arc::new(ManualClock::at(at("2026-06-01T00:00:00Z")));
    let transport = ScriptedTransport::open();
    transport.push(answer("s-0", "tok", "h.jwt-1.s"));
    let waiter = engine(store, &dir, transport.clone(), Some(clock.clone()));
    let waiting = tokio::spawn({
        let waiter = waiter.clone();
        async move { waiter.authenticate(None).await }
    });
    waits_for_the_lease(&waiter).await;
    assert!(
        waiter.get_sync().is_some(),
        "R4: reads never wait for the lease"
    );
    assert_eq!(transport.calls(), 0, "held: the waiter waits");

    // The default lease: the 30 s request timeout plus 5 s.
    clock.advance_millis(35_001);
    waiting.await.unwrap().unwrap();

    assert_eq!(transport.calls(), 1, "expired: the waiter refreshes");
    assert_eq!(waiter.cross_process_stats().unwrap().lease_recoveries, 1);
    holder_refresh.abort();
}

#[tokio::test]
async fn c3_a_dead_holder_s_lease_is_taken_over_at_once() {
    let (store, dir) = signed_in_store();
    // The lease record a process left when it was killed mid-refresh: its pid is gone.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    std::fs::write(
        dir.path().join("sessionkit.lease"),
        format!(r#"{{"owner":"00000000000000aa","pid":{dead},"expires_at":1780272030000}}"#),
    )
    .unwrap();
    let transport = ScriptedTransport::open();
    transport.push(answer("s-0", "tok", "h.jwt-1.s"));
    let extension = engine(store, &dir, transport.clone(), None);

    extension.authenticate(None).await.unwrap();

    assert_eq!(transport.calls(), 1);
    let stats = extension.cross_process_stats().unwrap();
    assert_eq!((stats.lease_waits, stats.lease_recoveries), (0, 1));
    let lease: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("sessionkit.lease")).unwrap())
            .unwrap();
    assert_eq!(lease["outcome"], "stored", "released with how it went");
    assert_eq!(lease["pid"], std::process::id());
}

#[tokio::test]
async fn c1_without_a_shared_directory_no_file_is_created_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let client = SessionClient::builder()
        .store(MemoryStore::new())
        .runtime(Handle::current())
        .build()
        .unwrap();
    client.update_session("tok", "h.jwt.s").await.unwrap();
    client.app_did_enter_foreground();
    assert!(client.cross_process_stats().is_none());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn c1_a_directory_that_cannot_be_used_fails_the_build_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-group-container");
    let built = SessionClient::builder()
        .shared_between_processes(&missing)
        .build();
    match built {
        Err(SessionError::InvalidArgument { detail }) => {
            assert!(detail.contains("shared between processes"), "{detail}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}
