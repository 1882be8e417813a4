//! R5, server time: a device clock wrong by up to a day against the server's, in every
//! place expiry is judged (R1, S2, J1, J2).
//!
//! A matrix of device clocks (−24 h, −1 h, −5 min, 0, +5 min, +1 h, +24 h against the server)
//! crossed with four situations, each on tokio's paused clock against a server with a clock
//! of its own that states its time in `Date` and in each JWT's `iat`:
//! - `get_sync` after an authenticate, just before and just after the session's expiry;
//! - an hour of scheduled refreshes with the default heartbeat, reading all along;
//! - `check_jwt` on a fresh JWT, and after it lapsed;
//! - a restart from storage with the network down.
//!
//! It counts false sign-outs (no session, or "expired", while the server's clock says it is
//! valid), sessions served past their server-time expiry, and refreshes per simulated hour,
//! and prints one line.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use sessionkit::jwt::JwtCheck;
use sessionkit::testing::TokioClock;
use sessionkit::transport::{Authenticated, Transport, TransportError, TransportFuture};
use sessionkit::{Clock, MemoryStore, RefreshPolicy, SessionClient, SessionStore, SessionTokens};
use sessionkit_sandbox::jwt;
use tokio::runtime::Handle;

use crate::support::sample_session;

/// The server's clock starts here; the device's is this plus the skew.
const SERVER_START: &str = "2026-06-01T12:00:00Z";
const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(2);
const JWT_LIFETIME_SECS: i64 = 300;
const PROJECT: &str = "project-test-skew";

const SKEWS: [(&str, i64); 7] = [
    ("-24 h", -86_400),
    ("-1 h", -3_600),
    ("-5 min", -300),
    ("0", 0),
    ("+5 min", 300),
    ("+1 h", 3_600),
    ("+24 h", 86_400),
];

/// A Stytch-like server with a clock of its own: confirms every session with a fresh RS256
/// JWT signed by the sandbox key (`iat` = its now), states its time in `Date`, and keeps
/// each session's expiry where sign-in put it. Or, when down, fails every call.
struct SkewServer {
    clock: TokioClock,
    session_expires_at: DateTime<Utc>,
    down: bool,
    requests: AtomicUsize,
}

impl SkewServer {
    fn new(down: bool) -> Arc<Self> {
        let clock = TokioClock::at(start());
        let session_expires_at = clock.now() + SESSION_LIFETIME;
        Arc::new(Self {
            clock,
            session_expires_at,
            down,
            requests: AtomicUsize::new(0),
        })
    }

    fn jwt(&self) -> String {
        let now = self.clock.now().timestamp();
        jwt::sign(&json!({
            "sub": "user-test-skew",
            "iss": format!("stytch.com/{PROJECT}"),
            "aud": [PROJECT],
            "iat": now,
            "nbf": now,
            "exp": now + JWT_LIFETIME_SECS,
            jwt::SESSION_CLAIM: {
                "id": "session-test-skew",
                "started_at": "2026-06-01T12:00:00Z",
                "last_accessed_at": "2026-06-01T12:00:00Z",
                "expires_at": self.session_expires_at,
                "attributes": {"ip_address": "", "user_agent": ""},
                "authentication_factors": [],
                "roles": ["stytch_user"],
            },
        }))
    }

    /// The server's `Date`: its clock, to the second.
    fn date(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.clock.now().timestamp(), 0).unwrap()
    }
}

impl Transport for SkewServer {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        _session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if self.down {
                return Err(TransportError::Connect("network down (scripted)".into()));
            }
            // The session the JWT names (V2).
            let mut session = sample_session(self.session_expires_at);
            session.user_id = "user-test-skew".into();
            session.session_id = "session-test-skew".into();
            Ok(Authenticated {
                session,
                tokens: SessionTokens::new(tokens.session_token(), self.jwt()),
                request_id: None,
                server_date: Some(self.date()),
            })
        })
    }

    fn revoke<'a>(&'a self, _tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        Box::pin(async { Ok(json!({ "keys": [jwt::jwk()] }).to_string()) })
    }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(SERVER_START).unwrap().to_utc()
}

/// What the matrix counts.
#[derive(Default)]
struct Tally {
    runs: usize,
    false_sign_outs: usize,
    served_expired: usize,
    max_refreshes_per_hour: usize,
    findings: Vec<String>,
}

impl Tally {
    fn false_sign_out(&mut self, skew: &str, what: &str) {
        self.false_sign_outs += 1;
        self.findings
            .push(format!("false sign-out at {skew}: {what}"));
    }

    fn served_expired(&mut self, skew: &str, what: &str) {
        self.served_expired += 1;
        self.findings
            .push(format!("served expired at {skew}: {what}"));
    }
}

fn client(
    server: &Arc<SkewServer>,
    store: &Arc<MemoryStore>,
    skew_secs: i64,
    policy: Option<RefreshPolicy>,
) -> SessionClient {
    let device = TokioClock::at(start() + TimeDelta::seconds(skew_secs));
    let builder = SessionClient::builder()
        .shared_store(Arc::clone(store) as Arc<dyn SessionStore>)
        .transport(Arc::clone(server) as Arc<dyn Transport>)
        .project_id(PROJECT)
        .runtime(Handle::current())
        .clock(device);
    match policy {
        Some(policy) => builder.refresh_policy(policy),
        None => builder.manual_refresh(),
    }
    .build()
    .unwrap()
}

/// How long from the server's now until `until` (server time).
fn until(server: &SkewServer, until: DateTime<Utc>) -> Duration {
    (until - server.clock.now()).to_std().unwrap_or_default()
}

async fn get_sync_after_authenticate(skew: &str, skew_secs: i64, tally: &mut Tally) {
    let server = SkewServer::new(false);
    let store = Arc::new(MemoryStore::new());
    let client = client(&server, &store, skew_secs, None);
    client
        .update_session("tok", "hydrated.jwt.value")
        .await
        .unwrap();
    client.authenticate(None).await.unwrap();
    if client.get_sync().is_none() {
        tally.false_sign_out(skew, "get_sync right after authenticate");
    }
    let expiry = server.session_expires_at;
    tokio::time::sleep(until(&server, expiry - TimeDelta::seconds(1))).await;
    if client.get_sync().is_none() {
        tally.false_sign_out(skew, "get_sync a second before the session's expiry");
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    if client.get_sync().is_some() {
        tally.served_expired(skew, "get_sync a second after the session's expiry");
    }
}

async fn an_hour_of_scheduled_refreshes(skew: &str, skew_secs: i64, tally: &mut Tally) {
    let server = SkewServer::new(false);
    let store = Arc::new(MemoryStore::new());
    let client = client(&server, &store, skew_secs, Some(RefreshPolicy::default()));
    client
        .update_session("tok", "hydrated.jwt.value")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    let first = server.requests.load(Ordering::SeqCst);
    for minute in 0..60 {
        tokio::time::sleep(Duration::from_secs(60)).await;
        if client.get_sync().is_none() {
            tally.false_sign_out(skew, &format!("get_sync at minute {minute} of refreshing"));
        }
    }
    let per_hour = server.requests.load(Ordering::SeqCst) - first;
    tally.max_refreshes_per_hour = tally.max_refreshes_per_hour.max(per_hour);
}

async fn check_jwt_on_server_time(skew: &str, skew_secs: i64, tally: &mut Tally) {
    let server = SkewServer::new(false);
    let store = Arc::new(MemoryStore::new());
    let client = client(&server, &store, skew_secs, None);
    client
        .update_session("tok", "hydrated.jwt.value")
        .await
        .unwrap();
    client.refresh_jwks().await.unwrap();
    client.authenticate(None).await.unwrap();
    match client.check_jwt() {
        JwtCheck::Valid(_) => {}
        other => tally.false_sign_out(skew, &format!("check_jwt on a fresh JWT: {other}")),
    }
    // Past exp and the 60 s leeway, on the server's clock.
    tokio::time::sleep(Duration::from_secs(JWT_LIFETIME_SECS as u64 + 62)).await;
    if client.check_jwt().is_valid() {
        tally.served_expired(skew, "check_jwt after the JWT lapsed");
    }
}

async fn a_restart_with_the_network_down(skew: &str, skew_secs: i64, tally: &mut Tally) {
    let store = Arc::new(MemoryStore::new());
    {
        let server = SkewServer::new(false);
        let first = client(&server, &store, skew_secs, None);
        first
            .update_session("tok", "hydrated.jwt.value")
            .await
            .unwrap();
        first.authenticate(None).await.unwrap();
    }
    let offline = SkewServer::new(true);
    let restarted = client(&offline, &store, skew_secs, Some(RefreshPolicy::default()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    if restarted.get_sync().is_none() {
        tally.false_sign_out(skew, "get_sync after a restart with the network down");
    }
    tokio::time::sleep(until(
        &offline,
        offline.session_expires_at + TimeDelta::seconds(1),
    ))
    .await;
    if restarted.get_sync().is_some() {
        tally.served_expired(skew, "get_sync after a restart, past the session's expiry");
    }
}

#[test]
fn r5_clock_skew_matrix_no_false_sign_out_and_nothing_served_expired() {
    let mut tally = Tally::default();
    for (skew, skew_secs) in SKEWS {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            get_sync_after_authenticate(skew, skew_secs, &mut tally).await;
            an_hour_of_scheduled_refreshes(skew, skew_secs, &mut tally).await;
            check_jwt_on_server_time(skew, skew_secs, &mut tally).await;
            a_restart_with_the_network_down(skew, skew_secs, &mut tally).await;
        });
        tally.runs += 4;
    }
    println!(
        "clock skew: {} runs, false sign-outs: {}, served expired: {}, refreshes per simulated hour: max {}",
        tally.runs, tally.false_sign_outs, tally.served_expired, tally.max_refreshes_per_hour
    );
    assert!(tally.findings.is_empty(), "R5: {:#?}", tally.findings);
    assert!(
        tally.max_refreshes_per_hour <= 20,
        "S2, S6: {} refreshes in a simulated hour",
        tally.max_refreshes_per_hour
    );
}
