//! The refresh scheduler under tokio's paused clock (SPEC S1-S7, E1, E3, E4): when it
//! refreshes, how it backs off, when it stays asleep, and that it stops cleanly. Nothing here
//! sleeps for real: tokio jumps its clock to the next timer whenever every task waits, and a
//! [`TokioClock`] moves the wall clock (expiry, JWT `exp`) along with it.

use std::sync::Arc;
use std::time::Duration;

use crate::support::refresh_server::RefreshServer;
use crate::support::scripted_transport::api_error;
use crate::support::{Mode, ScriptedStore, at, envelope_v1, sample_session};
use sessionkit::diagnostics::SchedulerState;
use sessionkit::testing::TokioClock;
use sessionkit::transport::TransportError;
use sessionkit::{Clock, RefreshPolicy, SessionClient, SessionStore as _};
use tokio::runtime::Handle;

const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

struct Harness {
    client: SessionClient,
    server: Arc<RefreshServer>,
    store: Arc<ScriptedStore>,
}

fn clock() -> Arc<TokioClock> {
    Arc::new(TokioClock::at(at("2026-06-01T00:00:00Z")))
}

fn build(
    clock: Arc<TokioClock>,
    server: Arc<RefreshServer>,
    store: Arc<ScriptedStore>,
    policy: RefreshPolicy,
) -> SessionClient {
    SessionClient::builder()
        .shared_store(store)
        .transport(server)
        .runtime(Handle::current())
        .shared_clock(clock)
        .refresh_policy(policy)
        .build()
        .unwrap()
}

/// An engine restored from storage with a live session, its server configured by `setup`
/// before the engine starts (the start-up refresh happens at once).
fn restored_with(policy: RefreshPolicy, setup: impl FnOnce(&RefreshServer)) -> Harness {
    let clock = clock();
    let server = RefreshServer::new(clock.clone());
    setup(&server);
    let store = ScriptedStore::new();
    let session = sample_session(*server.session_expires_at.lock());
    store
        .save(&envelope_v1(Some(&session), "tok", &server.mint_jwt()))
        .unwrap();
    let client = build(clock, server.clone(), store.clone(), policy);
    Harness {
        client,
        server,
        store,
    }
}

fn restored(policy: RefreshPolicy) -> Harness {
    restored_with(policy, |_| {})
}

/// Lets simulated time pass; every timer due meanwhile fires in order.
async fn run_for(duration: Duration) {
    tokio::time::sleep(duration).await;
}

fn network_error() -> TransportError {
    TransportError::Connect("connection refused (scripted)".into())
}

fn with_retry_after(status: u16, error_type: &str, retry_after: Duration) -> TransportError {
    TransportError::Api {
        status,
        error_type: error_type.into(),
        message: "scripted".into(),
        request_id: None,
        retry_after: Some(retry_after),
    }
}

#[tokio::test(start_paused = true)]
async fn s4_a_restored_session_is_refreshed_at_start_up() {
    let h = restored(RefreshPolicy::default());
    assert!(h.client.get_info().from_cache);
    run_for(Duration::from_millis(1)).await;
    assert_eq!(h.server.call_times(), [Duration::ZERO]);
    assert!(
        !h.client.get_info().from_cache,
        "R2: confirmed by the server"
    );
    let stats = h.client.scheduler_stats();
    assert_eq!((stats.refreshes, stats.failures, stats.wakeups), (1, 0, 0));
    assert!(stats.running());
}

#[tokio::test(start_paused = true)]
async fn s1_with_manual_refresh_nothing_runs() {
    let clock = clock();
    let server = RefreshServer::new(clock.clone());
    let client = SessionClient::builder()
        .transport(server.clone())
        .runtime(Handle::current())
        .manual_refresh()
        .shared_clock(clock)
        .build()
        .unwrap();
    client
        .update_session_blocking("tok", server.mint_jwt())
        .unwrap();
    run_for(secs(3_600)).await;
    assert_eq!(server.call_count(), 0);
    assert!(!client.scheduler_stats().running());
}

#[tokio::test(start_paused = true)]
async fn s2_heartbeat_refreshes_exactly_every_interval() {
    let h = restored(RefreshPolicy::default());
    run_for(secs(600) + Duration::from_millis(1)).await;
    assert_eq!(
        h.server.call_times(),
        [secs(0), secs(180), secs(360), secs(540)]
    );
}

#[tokio::test(start_paused = true)]
async fn s2_a_configured_heartbeat_is_honoured() {
    let policy = RefreshPolicy {
        heartbeat: Duration::from_millis(1_500),
        ..RefreshPolicy::default()
    };
    let h = restored(policy);
    run_for(secs(5)).await;
    assert_eq!(h.server.gaps(), [Duration::from_millis(1_500); 3]);
}

#[tokio::test(start_paused = true)]
async fn s2_refreshes_early_before_the_jwt_expires() {
    // A 100 s JWT with a 60 s margin is due 40 s after each refresh, before the heartbeat.
    let h = restored_with(RefreshPolicy::default(), |server| {
        *server.jwt_lifetime.lock() = secs(100);
    });
    run_for(secs(130)).await;
    assert_eq!(
        h.server.call_times(),
        [secs(0), secs(40), secs(80), secs(120)]
    );
}

#[tokio::test(start_paused = true)]
async fn s2_refreshes_early_before_the_session_expires_without_looping_near_its_end() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        let soon = *server.session_expires_at.lock() - chrono::Duration::days(30);
        *server.session_expires_at.lock() = soon + chrono::Duration::seconds(100);
    });
    run_for(secs(200)).await;
    // 100 s - 60 s margin = 40 s; the server does not extend, so the next is the heartbeat.
    assert_eq!(h.server.call_times(), [secs(0), secs(40)]);
    run_for(secs(21)).await;
    assert_eq!(h.server.call_times(), [secs(0), secs(40), secs(220)]);
}

#[tokio::test(start_paused = true)]
async fn s3_session_duration_minutes_is_sent_only_with_automatic_extension() {
    let off = restored(RefreshPolicy::default());
    let on = restored(RefreshPolicy::default().with_automatic_extension(43_200));
    run_for(secs(181)).await;
    assert_eq!(off.server.durations.lock().as_slice(), [None, None]);
    assert_eq!(
        on.server.durations.lock().as_slice(),
        [Some(43_200), Some(43_200)]
    );
}

#[tokio::test(start_paused = true)]
async fn s4_update_session_is_refreshed_at_once_to_learn_the_session_object() {
    let clock = clock();
    let server = RefreshServer::new(clock.clone());
    let client = build(
        clock,
        server.clone(),
        ScriptedStore::new(),
        RefreshPolicy::default(),
    );
    run_for(secs(50)).await;
    assert_eq!(server.call_count(), 0, "S1: no session, no refresh");
    client
        .update_session_blocking("tok", server.mint_jwt())
        .unwrap();
    assert!(
        client.get_sync().is_none(),
        "W1: session unknown until refreshed"
    );
    run_for(Duration::from_millis(1)).await;
    assert_eq!(server.call_times(), [secs(50)]);
    assert!(client.get_sync().is_some());
}

/// Asserts that `gap` is `nominal` ±20 % (plus tokio's 1 ms timer granularity).
fn assert_jittered(gap: Duration, nominal: Duration) {
    let low = nominal.mul_f64(0.8);
    let high = nominal.mul_f64(1.2) + Duration::from_millis(1);
    assert!(
        low <= gap && gap <= high,
        "{gap:?} not within ±20 % of {nominal:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn s5_transient_failures_back_off_2_4_8_16_32_with_jitter() {
    let nominal = [2, 4, 8, 16, 32, 32, 32].map(secs);
    let mut exact = 0;
    // Several runs, so that a jitter that is never applied would show.
    for _ in 0..5 {
        let h = restored_with(RefreshPolicy::default(), |server| {
            server.fail_next((0..7).map(|_| network_error()));
        });
        run_for(secs(160)).await;
        let gaps = h.server.gaps();
        assert_eq!(
            gaps.len(),
            7,
            "7 retries after the failed start-up refresh: {gaps:?}"
        );
        for (gap, nominal) in gaps.iter().zip(nominal) {
            assert_jittered(*gap, nominal);
            exact += usize::from(gap.as_millis() == nominal.as_millis());
        }
        let stats = h.client.scheduler_stats();
        assert_eq!((stats.failures, stats.refreshes), (7, 1));
        assert!(h.client.get_tokens().is_some(), "E2: the session is kept");
        // Success resets the backoff: back to the heartbeat.
        let last = *h.server.call_times().last().unwrap();
        run_for(last + secs(181) - secs(160)).await;
        assert_eq!(*h.server.call_times().last().unwrap(), last + secs(180));
    }
    assert!(
        exact < 10,
        "jitter is applied ({exact} of 35 gaps were nominal)"
    );
}

#[tokio::test(start_paused = true)]
async fn s5_retries_continue_at_the_cap_while_the_session_is_valid_then_stop() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        let soon = *server.session_expires_at.lock() - chrono::Duration::days(30);
        *server.session_expires_at.lock() = soon + chrono::Duration::seconds(400);
        server.fail_next((0..1_000).map(|_| network_error()));
    });
    run_for(secs(3_600)).await;
    let times = h.server.call_times();
    let gaps = h.server.gaps();
    assert!(gaps.len() >= 10, "{gaps:?}");
    for gap in &gaps[4..] {
        assert_jittered(*gap, secs(32));
    }
    // The attempt after expiry is the last: retrying a dead session is pointless.
    let last = *times.last().unwrap();
    assert!(
        last >= secs(400) && last <= secs(400) + secs(39),
        "{last:?}"
    );
    assert!(
        h.client.get_tokens().is_none(),
        "R3: the session has expired"
    );
}

#[tokio::test(start_paused = true)]
async fn s5_retry_after_overrides_the_backoff() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        server.fail_next([
            with_retry_after(429, "too_many_requests", secs(7)),
            with_retry_after(503, "internal_server_error", secs(45)),
        ]);
    });
    run_for(secs(100)).await;
    assert_eq!(h.server.call_times(), [secs(0), secs(7), secs(52)]);
}

#[tokio::test(start_paused = true)]
async fn s8_network_back_never_cuts_a_running_backoff_short() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        server.fail_next([network_error()]);
    });
    run_for(Duration::from_millis(500)).await;
    h.client.network_became_available();
    run_for(Duration::from_millis(1_000)).await;
    assert_eq!(
        h.server.call_count(),
        1,
        "S8: no retry before the backoff ends"
    );
    run_for(Duration::from_millis(1_000)).await;
    let retry = h.server.call_times()[1];
    assert!(
        (Duration::from_millis(1_600)..=Duration::from_millis(2_400)).contains(&retry),
        "{retry:?}"
    );
    // Healthy again: a network change costs no request.
    run_for(secs(10)).await;
    h.client.network_became_available();
    run_for(secs(100)).await;
    assert_eq!(h.server.call_count(), 2);
    run_for(secs(80)).await;
    assert_eq!(h.server.call_times()[2], retry + secs(180));
}

#[tokio::test(start_paused = true)]
async fn e1_a_definitive_error_signs_out_and_stops_the_scheduler() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        server.fail_next([api_error(404, "session_not_found")]);
    });
    run_for(secs(3_600)).await;
    assert_eq!(h.server.call_count(), 1);
    assert!(h.client.get_tokens().is_none());
    assert_eq!(h.store.holds(), None, "W6: the stored session is removed");
    let stats = h.client.scheduler_stats();
    assert_eq!(
        (stats.failures, stats.wakeups),
        (1, 0),
        "no timer once signed out"
    );
}

#[tokio::test(start_paused = true)]
async fn e3_a_rejection_keeps_the_session_and_returns_to_the_normal_schedule() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        server.fail_next([api_error(400, "invalid_session_duration")]);
    });
    run_for(secs(200)).await;
    assert_eq!(h.server.call_times(), [secs(0), secs(180)], "no retry loop");
    assert!(h.client.get_tokens().is_some());
}

#[tokio::test(start_paused = true)]
async fn s1_s6_background_stops_the_timer_and_foreground_refreshes_and_resumes() {
    let h = restored(RefreshPolicy::default());
    run_for(secs(10)).await;
    h.client.app_did_enter_background();
    run_for(secs(3_600)).await;
    assert_eq!(
        h.server.call_times(),
        [secs(0)],
        "no refresh in the background"
    );
    assert_eq!(
        h.client.scheduler_stats().wakeups,
        1,
        "woken once, to drop its timer"
    );

    h.client.app_did_enter_foreground();
    run_for(secs(181)).await;
    assert_eq!(h.server.call_times(), [secs(0), secs(3_610), secs(3_790)]);
    // Already in the foreground: no extra refresh.
    h.client.app_did_enter_foreground();
    run_for(secs(1)).await;
    assert_eq!(h.server.call_count(), 3);
}

#[tokio::test(start_paused = true)]
async fn s6_an_hour_of_heartbeats_wakes_the_scheduler_20_times() {
    let h = restored(RefreshPolicy::default());
    run_for(secs(3_600) + Duration::from_millis(1)).await;
    let stats = h.client.scheduler_stats();
    assert_eq!(
        stats.wakeups, 20,
        "one wake-up per heartbeat, none in between"
    );
    assert_eq!(stats.refreshes, 21, "start-up + 20 heartbeats");
    assert_eq!(h.server.call_count(), 21);
}

#[tokio::test(start_paused = true)]
async fn e4_refreshing_pauses_while_storage_is_unavailable_and_resumes_when_it_is_back() {
    let h = restored(RefreshPolicy::default());
    run_for(secs(10)).await;
    h.store.set(Mode::Unavailable);
    run_for(secs(990)).await;
    // The 180 s refresh succeeded but could not be saved: no further rotation.
    assert_eq!(h.server.call_times(), [secs(0), secs(180)]);
    assert!(h.client.get_tokens().is_some(), "E4: never signed out");

    h.store.set(Mode::Works);
    h.client.storage_became_available_blocking().unwrap();
    run_for(Duration::from_millis(1)).await;
    // The overdue heartbeat runs at once, then the schedule resumes.
    assert_eq!(h.server.call_times()[2], secs(1_000));
    run_for(secs(180)).await;
    assert_eq!(h.server.call_times()[3], secs(1_180));
    let stored: serde_json::Value = serde_json::from_slice(&h.store.holds().unwrap()).unwrap();
    assert_eq!(
        stored["session_jwt"].as_str(),
        h.client
            .get_tokens()
            .map(|t| t.session_jwt().to_owned())
            .as_deref()
    );
}

#[tokio::test(start_paused = true)]
async fn e4_e7_the_scheduler_stats_tell_the_truth_about_a_pause() {
    let h = restored(RefreshPolicy::default());
    run_for(secs(10)).await;
    assert!(matches!(
        h.client.scheduler_stats().state,
        SchedulerState::Waiting { .. }
    ));

    // E4: the next refresh cannot be saved because storage is unavailable: paused, and the
    // stats say so.
    h.store.set(Mode::Unavailable);
    run_for(secs(180)).await;
    assert_eq!(
        h.client.scheduler_stats().state,
        SchedulerState::PausedForStorage
    );

    // E7: storage fails for good (a permission, a path that cannot exist): nothing waits
    // for a storage_became_available that cannot come; refreshing goes on, and the stats
    // show no pause.
    h.store.set(Mode::Fails);
    assert!(h.client.storage_became_available_blocking().is_err());
    run_for(Duration::from_millis(1)).await;
    assert!(
        !matches!(
            h.client.scheduler_stats().state,
            SchedulerState::PausedForStorage
        ),
        "{:?}",
        h.client.scheduler_stats()
    );
    let before = h.server.call_count();
    run_for(secs(400)).await;
    assert!(h.server.call_count() > before, "E7: refreshing goes on");
    assert!(
        !matches!(
            h.client.scheduler_stats().state,
            SchedulerState::PausedForStorage
        ),
        "E7: a failure is not a pause"
    );
    assert!(h.client.get_tokens().is_some(), "never signed out");
}

#[tokio::test(start_paused = true)]
async fn w3_a_scheduled_refresh_and_an_explicit_one_share_one_request() {
    let h = restored_with(RefreshPolicy::default(), |server| {
        *server.latency.lock() = secs(5);
    });
    run_for(secs(1)).await;
    let explicit = h.client.authenticate(None).await.unwrap();
    assert_eq!(
        h.server.call_count(),
        1,
        "the explicit call joined the scheduled one"
    );
    assert_eq!(h.client.get_sync().unwrap(), explicit);
    assert_eq!(h.client.scheduler_stats().refreshes, 1);
}

#[tokio::test(start_paused = true)]
async fn s7_shutdown_stops_the_task_and_dropping_the_engine_frees_everything() {
    let metrics = Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let h = restored(RefreshPolicy::default());
    run_for(secs(1)).await;
    assert_eq!(
        metrics.num_alive_tasks(),
        baseline + 1,
        "one scheduler task"
    );

    h.client.shutdown();
    run_for(Duration::from_millis(1)).await;
    assert!(!h.client.scheduler_stats().running());
    assert_eq!(metrics.num_alive_tasks(), baseline);
    run_for(secs(3_600)).await;
    assert_eq!(h.server.call_count(), 1);
    // Explicit calls still work after shutdown.
    h.client.authenticate(None).await.unwrap();
    h.client.app_did_enter_background();
    h.client.app_did_enter_foreground();

    // Dropping the engine while its task sleeps frees it: the task held only a Weak.
    let other = restored(RefreshPolicy::default());
    run_for(secs(1)).await;
    assert_eq!(metrics.num_alive_tasks(), baseline + 1);
    let server = other.server.clone();
    drop(other);
    run_for(Duration::from_millis(1)).await;
    assert_eq!(
        metrics.num_alive_tasks(),
        baseline,
        "the scheduler task is gone"
    );
    assert_eq!(Arc::strong_count(&server), 1, "the engine was freed");
    drop(h);
}

#[tokio::test(start_paused = true)]
async fn s7_dropping_the_engine_mid_refresh_frees_it_when_the_request_ends() {
    let metrics = Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let h = restored_with(RefreshPolicy::default(), |server| {
        *server.latency.lock() = secs(5);
    });
    run_for(secs(1)).await;
    let server = h.server.clone();
    drop(h);
    run_for(secs(5)).await;
    assert_eq!(metrics.num_alive_tasks(), baseline);
    assert_eq!(Arc::strong_count(&server), 1);
}

#[tokio::test(start_paused = true)]
async fn tokio_clock_moves_with_paused_time() {
    let clock = TokioClock::at_millis(1_000);
    run_for(secs(90)).await;
    assert_eq!(clock.unix_millis(), 91_000);
}
