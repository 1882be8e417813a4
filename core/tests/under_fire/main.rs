//! Proof under fire, printed: every sandbox fault against every server operation (E1-E3,
//! W5), every hostile-server mode against every server operation (V1-V8), and a thousand
//! random tasks against the sandbox with the invariants counted (W3, W4, R4, O2).

#[path = "../support/mod.rs"]
mod support;

mod concurrency_suite;
mod fault_matrix;
mod hostile_server;

/// The suites each load both cores on purpose, and the fault matrix times requests out after
/// 100 ms. Run side by side, as `cargo test` does by default, the concurrency suite starves
/// the matrix's requests before they reach the sandbox. One at a time, in any order.
static ONE_SUITE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_suite_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `suite` alone (see above) on a runtime of two workers, one per core of the machine
/// these figures are quoted for.
fn run_alone<F: std::future::Future>(suite: F) -> F::Output {
    let _alone = one_suite_at_a_time();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(suite)
}
