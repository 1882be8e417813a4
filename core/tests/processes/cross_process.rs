//! Real processes over one encrypted session file and one coordination directory, against
//! the sandbox (SPEC C1-C3). This test binary starts itself again as the other processes
//! (`child_process_runs_its_role_only_when_spawned`), each with its own engine, runtime and
//! refresh scheduler, and reads what they print.
//!
//! 1. Deadlines: N processes refresh on a 1 s heartbeat; every request is logged with the JWT
//!    it refreshed, which names its deadline. At most one request per deadline (C3).
//! 2. Sign-outs: this process signs users in and out (`clear` and `revoke` in turn) while
//!    the others refresh in a tight loop; after every sign-out the file must stay empty, and
//!    before it hold the user just signed in: never a session brought back (C2).
//! 3. A lease holder killed (SIGKILL) in the middle of a refresh: the next process refreshes
//!    without waiting for the lease to expire (C3).
//!
//! Real time, real processes: the waits here are the processes' own. Prints
//! `cross-process: N processes, D deadlines, requests: R (max 1 per deadline), resurrected
//! sign-outs: 0, lease recoveries: K`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sessionkit::transport::{
    Authenticated, StytchConfig, StytchTransport, Transport, TransportFuture,
};
use sessionkit::{
    EncryptedFileStore, FileStoreKey, RefreshPolicy, SessionClient, SessionStore, SessionTokens,
};
use sessionkit_sandbox::{Endpoint, Sandbox};

use crate::support::{key_from_hex, key_hex, sandbox_config};

const CHILD_TEST: &str = "cross_process::child_process_runs_its_role_only_when_spawned";
const ROLE: &str = "SESSIONKIT_XP_ROLE";
const DIR: &str = "SESSIONKIT_XP_DIR";
const KEY: &str = "SESSIONKIT_XP_KEY";
const URL: &str = "SESSIONKIT_XP_URL";
const TOKEN: &str = "SESSIONKIT_XP_PUBLIC_TOKEN";
const PROJECT: &str = "SESSIONKIT_XP_PROJECT";
const SECONDS: &str = "SESSIONKIT_XP_SECONDS";
/// What a child prints for the parent starts with this.
const LINE: &str = "sk-xp";

/// Processes in the deadline phase.
const PROCESSES: usize = 4;

fn session_file(dir: &Path) -> PathBuf {
    dir.join("session.bin")
}

fn shared_dir(dir: &Path) -> PathBuf {
    dir.join("group-container")
}

fn stop_file(dir: &Path) -> PathBuf {
    dir.join("stop")
}

/// The first 16 hex digits of SHA-256 of `jwt`: names a deadline without printing a token.
fn digest(jwt: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, jwt.as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stytch's transport, printing the JWT each request refreshes (as a digest).
struct Logged(StytchTransport);

impl Transport for Logged {
    fn authenticate<'a>(
        &'a self,
        tokens: &'a SessionTokens,
        session_duration_minutes: Option<u32>,
    ) -> TransportFuture<'a, Authenticated> {
        println!("{LINE} request {}", digest(tokens.session_jwt()));
        self.0.authenticate(tokens, session_duration_minutes)
    }

    fn revoke<'a>(&'a self, tokens: &'a SessionTokens) -> TransportFuture<'a, ()> {
        self.0.revoke(tokens)
    }

    fn fetch_jwks(&self) -> TransportFuture<'_, String> {
        self.0.fetch_jwks()
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the parent"))
}

/// One child's engine: the shared file store and directory, the sandbox through `Logged`.
fn child_engine(policy: Option<RefreshPolicy>) -> SessionClient {
    let dir = PathBuf::from(env(DIR));
    let key = FileStoreKey::from_bytes(key_from_hex(&env(KEY)));
    let config = StytchConfig::new(env(TOKEN))
        .with_base_url(env(URL))
        .with_project_id(env(PROJECT));
    let transport = Logged(StytchTransport::new(config).unwrap());
    let builder = SessionClient::builder()
        .store(EncryptedFileStore::new(session_file(&dir), key))
        .shared_between_processes(shared_dir(&dir))
        .transport(Arc::new(transport));
    let builder = match policy {
        Some(policy) => builder.refresh_policy(policy),
        None => builder.manual_refresh(),
    };
    builder.build().unwrap()
}

fn heartbeat_policy() -> RefreshPolicy {
    RefreshPolicy {
        heartbeat: RefreshPolicy::MIN_INTERVAL,
        backoff_initial: RefreshPolicy::MIN_INTERVAL,
        backoff_max: Duration::from_secs(2),
        ..RefreshPolicy::default()
    }
}

fn print_stats(client: &SessionClient) {
    let stats = client.cross_process_stats().unwrap();
    println!(
        "{LINE} stats adopted={} refreshes_adopted={} waits={} recoveries={} lock_timeouts={}",
        stats.changes_adopted,
        stats.refreshes_adopted,
        stats.lease_waits,
        stats.lease_recoveries,
        stats.lock_timeouts
    );
}

/// The other processes' side. Run by the parent below as `current_exe() --exact
/// cross_process::child_...` with its role in the environment; in a normal test run,
/// without that environment, it has nothing to do and returns.
#[test]
fn child_process_runs_its_role_only_when_spawned() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    if let Ok(filter) = std::env::var("SESSIONKIT_XP_LOG") {
        let file = std::fs::File::create(format!("/tmp/xp-log-{}", std::process::id())).unwrap();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .try_init();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = PathBuf::from(env(DIR));
    match role.as_str() {
        // Refresh on the heartbeat, nothing else, for the given time.
        "deadlines" => {
            let client = child_engine(Some(heartbeat_policy()));
            let seconds: u64 = env(SECONDS).parse().unwrap();
            std::thread::sleep(Duration::from_secs(seconds));
            client.shutdown();
            print_stats(&client);
        }
        // Refresh as often as possible, scheduler included, until told to stop.
        "racer" => {
            let client = child_engine(Some(heartbeat_policy()));
            let mut superseded = 0;
            while !stop_file(&dir).exists() {
                if client.get_tokens().is_some() {
                    let answer = runtime.block_on(client.authenticate(None));
                    if matches!(answer, Err(sessionkit::SessionError::Superseded)) {
                        superseded += 1;
                    }
                }
                // Leaves the two cores to the app process and the sandbox now and then.
                std::thread::sleep(Duration::from_millis(2));
            }
            client.shutdown();
            println!(
                "{LINE} final has_tokens={} superseded={superseded}",
                client.get_tokens().is_some()
            );
            print_stats(&client);
        }
        // Take the lease and hang in the request until killed.
        "holder" => {
            let client = child_engine(None);
            println!("{LINE} holding pid={}", std::process::id());
            let _ = runtime.block_on(client.authenticate(None));
            panic!("the holder should have been killed during its request");
        }
        // Refresh once, as soon as started.
        "recoverer" => {
            let client = child_engine(None);
            let started = Instant::now();
            let answer = runtime.block_on(client.authenticate(None));
            println!(
                "{LINE} recovered ok={} after_ms={}",
                answer.is_ok(),
                started.elapsed().as_millis()
            );
            print_stats(&client);
        }
        other => panic!("unknown role {other}"),
    }
}

/// The parent's view of the shared files and the sandbox.
struct World {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    key: [u8; 32],
}

impl World {
    fn spawn(&self, role: &str, seconds: u64) -> Child {
        Command::new(std::env::current_exe().unwrap())
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE, role)
            .env(DIR, self.dir.path())
            .env(KEY, key_hex(&self.key))
            .env(URL, self.sandbox.base_url())
            .env(TOKEN, self.sandbox.public_token())
            .env(PROJECT, self.sandbox.project_id())
            .env(SECONDS, seconds.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap()
    }

    fn store(&self) -> EncryptedFileStore {
        EncryptedFileStore::new(
            session_file(self.dir.path()),
            FileStoreKey::from_bytes(self.key),
        )
    }

    /// The session token the file holds, if any.
    fn stored_token(&self) -> Option<String> {
        let blob = self.store().load().unwrap()?;
        let envelope: serde_json::Value = serde_json::from_slice(&blob).unwrap();
        Some(envelope["session_token"].as_str().unwrap().to_owned())
    }

    fn app(&self) -> SessionClient {
        SessionClient::builder()
            .store(self.store())
            .shared_between_processes(shared_dir(self.dir.path()))
            .stytch(sandbox_config(&self.sandbox))
            .runtime(tokio::runtime::Handle::current())
            .manual_refresh()
            .build()
            .unwrap()
    }
}

/// A child's printed lines (without the prefix), once it has exited.
fn lines_of(child: Child) -> Vec<String> {
    let mut child = child;
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            // The harness may print its own words before a child's first line.
            let at = line.find(LINE)?;
            Some(line[at + LINE.len()..].trim().to_owned())
        })
        .collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "a child failed: {lines:?}");
    lines
}

fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{name} in {line}"))
}

/// `SESSIONKIT_CROSS_PROCESS_SECONDS` of refreshing in phase 1 (default 10) and
/// `SESSIONKIT_CROSS_PROCESS_CYCLES` sign-in / sign-out cycles in phase 2 (default 100);
/// `scripts/test.sh --full` runs 60 and 500.
fn scale() -> (u64, usize) {
    let read = |name: &str, default| {
        std::env::var(name)
            .ok()
            .map_or(default, |v| v.parse().expect("a number"))
    };
    (
        read("SESSIONKIT_CROSS_PROCESS_SECONDS", 10),
        read("SESSIONKIT_CROSS_PROCESS_CYCLES", 100) as usize,
    )
}

#[test]
fn c1_c2_c3_processes_over_one_store_send_one_request_per_deadline_and_never_undo_a_sign_out() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _entered = runtime.enter();
    let (seconds, cycles) = scale();
    let world = World {
        sandbox: runtime.block_on(Sandbox::start()).unwrap(),
        dir: tempfile::tempdir().unwrap(),
        key: rand::random(),
    };
    std::fs::create_dir(shared_dir(world.dir.path())).unwrap();
    let app = world.app();

    // ----- 1. deadlines -----
    let user = runtime.block_on(world.sandbox.sign_in("ada@example.com", "correct horse"));
    app.update_session_blocking(&user.session_token, &user.session_jwt)
        .unwrap();
    runtime.block_on(app.authenticate(None)).unwrap();
    world.sandbox.reset_counts();
    let children: Vec<Child> = (0..PROCESSES)
        .map(|_| world.spawn("deadlines", seconds))
        .collect();
    let mut per_deadline: HashMap<String, usize> = HashMap::new();
    let mut waits = 0;
    for child in children {
        for line in lines_of(child) {
            if let Some(deadline) = line.strip_prefix("request ") {
                *per_deadline.entry(deadline.to_owned()).or_default() += 1;
            } else if line.starts_with("stats") {
                waits += field(&line, "waits").parse::<u64>().unwrap();
            }
        }
    }
    let requests: usize = per_deadline.values().sum();
    let max_per_deadline = per_deadline.values().copied().max().unwrap_or(0);
    assert_eq!(
        requests,
        world.sandbox.request_count(Endpoint::Authenticate),
        "every request the sandbox saw was logged by a process"
    );
    assert!(
        per_deadline.len() as u64 >= seconds / 2,
        "the heartbeat drove refreshes: {per_deadline:?}"
    );
    assert_eq!(
        max_per_deadline, 1,
        "C3: one request per deadline across processes: {per_deadline:?}"
    );

    // ----- 2. sign-outs raced against refreshes -----
    let racers: Vec<Child> = (0..PROCESSES - 1)
        .map(|_| world.spawn("racer", 0))
        .collect();
    let mut resurrected = 0;
    for cycle in 0..cycles {
        let user = runtime.block_on(world.sandbox.sign_in("ada@example.com", "correct horse"));
        app.update_session_blocking(&user.session_token, &user.session_jwt)
            .unwrap();
        // Let the racers adopt it and refresh it for a moment.
        std::thread::sleep(Duration::from_millis(10 + (cycle as u64 * 7) % 40));
        if world.stored_token().as_deref() != Some(user.session_token.as_str()) {
            resurrected += 1;
        }
        if cycle % 2 == 0 {
            app.clear_blocking().unwrap();
        } else {
            let _ = runtime.block_on(app.revoke(true));
        }
        // Answers in flight land now: every one must be refused.
        std::thread::sleep(Duration::from_millis(60));
        if world.stored_token().is_some() {
            resurrected += 1;
        }
    }
    std::fs::write(stop_file(world.dir.path()), b"").unwrap();
    let mut superseded = 0;
    for racer in racers {
        for line in lines_of(racer) {
            if line.starts_with("final") {
                assert_eq!(
                    field(&line, "has_tokens"),
                    "false",
                    "C1/C2: every process ends signed out"
                );
                superseded += field(&line, "superseded").parse::<u64>().unwrap();
            }
        }
    }
    assert_eq!(world.stored_token(), None);
    assert_eq!(resurrected, 0, "C2: a sign-out came undone");

    // ----- 3. a lease holder killed mid-refresh -----
    let user = runtime.block_on(world.sandbox.sign_in("ada@example.com", "correct horse"));
    app.update_session_blocking(&user.session_token, &user.session_jwt)
        .unwrap();
    world.sandbox.reset_counts();
    world.sandbox.set_latency(Duration::from_secs(60));
    let mut holder = world.spawn("holder", 0);
    let lease_path = shared_dir(world.dir.path()).join("sessionkit.lease");
    let holder_pid = holder.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&lease_path)
        .is_ok_and(|lease| lease.contains(&format!("\"pid\":{holder_pid},")))
    {
        assert!(Instant::now() < deadline, "the holder never took the lease");
        std::thread::sleep(Duration::from_millis(10));
    }
    while world.sandbox.max_in_flight(Endpoint::Authenticate) == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    holder.kill().unwrap(); // SIGKILL
    holder.wait().unwrap();
    world.sandbox.set_latency(Duration::ZERO);
    let recoverer = lines_of(world.spawn("recoverer", 0));
    let recovered = recoverer
        .iter()
        .find(|l| l.starts_with("recovered"))
        .unwrap();
    let stats = recoverer.iter().find(|l| l.starts_with("stats")).unwrap();
    assert_eq!(field(recovered, "ok"), "true");
    let recoveries: u64 = field(stats, "recoveries").parse().unwrap();
    assert_eq!(recoveries, 1, "the dead holder's lease was taken over");
    assert_eq!(
        field(stats, "waits"),
        "0",
        "and nobody waited for it to expire"
    );

    println!(
        "cross-process: {PROCESSES} processes, {} deadlines, requests: {requests} (max {max_per_deadline} per deadline), \
         resurrected sign-outs: {resurrected}, lease recoveries: {recoveries} \
         ({cycles} sign-in/sign-out cycles, {superseded} racing answers superseded, {waits} lease waits; \
         the next process refreshed {} ms after it started, the killed holder's lease no obstacle; \
         the bound for a holder alive but stuck is the {} s lease)",
        per_deadline.len(),
        field(recovered, "after_ms"),
        (StytchConfig::DEFAULT_REQUEST_TIMEOUT + Duration::from_secs(5)).as_secs(),
    );
    drop(app);
}
