//! The fault matrix (issue 6): every fault the sandbox can inject crossed with every operation
//! that talks to the server, repeated in random order, each run checked against the SPEC's
//! keep-or-clear rule (E1-E3, W5). Prints the matrix and one summary line:
//! `fault matrix: N runs, spurious sign-outs: 0, wrongly kept: 0`.
//!
//! `SESSIONKIT_FAULT_MATRIX_RUNS` sets N (`scripts/test.sh --full` asks for 10,000); by default
//! every cell runs twice. Real sockets need real time, so this runs on the real clock; it
//! waits for outcomes, never for a duration.

use crate::support;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::support::faults::{Expect, faults};
use rand::seq::{IndexedRandom, SliceRandom};
use sessionkit::{MemoryStore, RefreshPolicy, SessionClient};
use sessionkit_sandbox::{Endpoint, Sandbox};
use tokio::runtime::Handle;

const TIMEOUT: Duration = Duration::from_millis(100);
const CAP: usize = 16 * 1024;
/// Only turns a hang into a failure.
const OUTCOME_BOUND: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Operation {
    ScheduledRefresh,
    Authenticate,
    Revoke,
    RevokeForceClear,
}

const OPERATIONS: [Operation; 4] = [
    Operation::ScheduledRefresh,
    Operation::Authenticate,
    Operation::Revoke,
    Operation::RevokeForceClear,
];

impl Operation {
    fn label(self) -> &'static str {
        match self {
            Operation::ScheduledRefresh => "scheduled refresh",
            Operation::Authenticate => "authenticate",
            Operation::Revoke => "revoke",
            Operation::RevokeForceClear => "revoke(force_clear)",
        }
    }

    fn endpoint(self) -> Endpoint {
        match self {
            Operation::ScheduledRefresh | Operation::Authenticate => Endpoint::Authenticate,
            Operation::Revoke | Operation::RevokeForceClear => Endpoint::Revoke,
        }
    }

    /// What the SPEC requires when this operation meets a fault classed `fault`.
    fn expected(self, fault: Expect) -> Expect {
        match self {
            Operation::RevokeForceClear => Expect::Clear,
            _ => fault,
        }
    }
}

#[derive(Default)]
struct Cell {
    runs: usize,
    mismatches: usize,
}

#[test]
fn fault_matrix_every_fault_keeps_or_clears_as_specified() {
    super::run_alone(every_fault_keeps_or_clears_as_specified());
}

async fn every_fault_keeps_or_clears_as_specified() {
    let faults = faults(TIMEOUT, CAP);
    let cells: Vec<(usize, Operation)> = (0..faults.len())
        .flat_map(|fault| OPERATIONS.map(|op| (fault, op)))
        .collect();
    let runs = std::env::var("SESSIONKIT_FAULT_MATRIX_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cells.len() * 2)
        .max(cells.len());
    // Every cell at least once, then the rest at random, all in random order.
    let mut rng = rand::rng();
    let mut plan: Vec<_> = cells.clone();
    while plan.len() < runs {
        plan.push(*cells.choose(&mut rng).unwrap());
    }
    plan.shuffle(&mut rng);

    let sandbox = Sandbox::start().await.unwrap();
    let mut table: BTreeMap<(usize, Operation), Cell> = BTreeMap::new();
    let (mut spurious_sign_outs, mut wrongly_kept) = (0, 0);
    for (n, &(fault_index, operation)) in plan.iter().enumerate() {
        let (name, fault, class) = &faults[fault_index];
        let expected = operation.expected(*class);
        let observed = run(&sandbox, n, operation, fault.clone()).await;
        let cell = table.entry((fault_index, operation)).or_default();
        cell.runs += 1;
        if observed != expected {
            cell.mismatches += 1;
            match expected {
                Expect::Keep => spurious_sign_outs += 1,
                Expect::Clear => wrongly_kept += 1,
            }
            eprintln!("mismatch: {name} on {}: {observed:?}", operation.label());
        }
        sandbox.clear_faults();
    }

    println!(
        "\n{:<36} {:<22} {:<10} {:>6} {:>10}",
        "fault", "operation", "expected", "runs", "observed"
    );
    for ((fault_index, operation), cell) in &table {
        let (name, _, class) = &faults[*fault_index];
        let expected = operation.expected(*class);
        let observed = if cell.mismatches == 0 {
            format!("{expected:?}")
        } else {
            format!("{} wrong", cell.mismatches)
        };
        println!(
            "{name:<36} {:<22} {:<10} {:>6} {observed:>10}",
            operation.label(),
            format!("{expected:?}"),
            cell.runs
        );
    }
    println!(
        "fault matrix: {} runs, spurious sign-outs: {spurious_sign_outs}, wrongly kept: {wrongly_kept}",
        plan.len()
    );
    assert_eq!((spurious_sign_outs, wrongly_kept), (0, 0));
}

/// One run: a freshly signed-in session meets `fault` during `operation`.
async fn run(
    sandbox: &Sandbox,
    n: usize,
    operation: Operation,
    fault: sessionkit_sandbox::Fault,
) -> Expect {
    let user = sandbox
        .sign_in(&format!("matrix-{n}@example.com"), "matrix-password")
        .await;
    let builder = SessionClient::builder()
        .store(MemoryStore::new())
        .stytch(
            support::sandbox_config(sandbox)
                .with_request_timeout(TIMEOUT)
                .with_max_response_bytes(CAP),
        )
        .runtime(Handle::current());
    let builder = match operation {
        // A refresh scheduled by the engine: hydrating starts one at once (S4); the long
        // heartbeat and backoff keep a second one from starting before the check.
        Operation::ScheduledRefresh => builder.refresh_policy(RefreshPolicy {
            heartbeat: Duration::from_secs(3_600),
            backoff_initial: Duration::from_secs(600),
            backoff_max: Duration::from_secs(600),
            ..RefreshPolicy::default()
        }),
        _ => builder.manual_refresh(),
    };
    let client = builder.build().unwrap();
    sandbox.reset_counts();
    sandbox.inject(operation.endpoint(), fault, 1);
    client
        .update_session_blocking(&user.session_token, &user.session_jwt)
        .unwrap();
    match operation {
        Operation::ScheduledRefresh => {
            let started = Instant::now();
            loop {
                let stats = client.scheduler_stats();
                if stats.refreshes + stats.failures >= 1 {
                    break;
                }
                assert!(started.elapsed() < OUTCOME_BOUND, "no scheduled refresh");
                tokio::task::yield_now().await;
            }
        }
        Operation::Authenticate => {
            let _ = client.authenticate(None).await;
        }
        Operation::Revoke => {
            let _ = client.revoke(false).await;
        }
        Operation::RevokeForceClear => {
            let _ = client.revoke(true).await;
        }
    }
    assert_eq!(
        sandbox.request_count(operation.endpoint()),
        1,
        "{}: exactly one request",
        operation.label()
    );
    client.shutdown();
    if client.get_tokens().is_some() {
        Expect::Keep
    } else {
        Expect::Clear
    }
}
