//! Proof under fire, printed: every sandbox fault against every server operation (E1-E3,
//! W5), and a thousand random tasks against the sandbox with the invariants counted (W3, W4,
//! R4, O2).

#[path = "../support/mod.rs"]
mod support;

mod concurrency_suite;
mod fault_matrix;
mod hostile_server;

/// The two suites each load both cores on purpose; the fault matrix also times requests out
/// after 100 ms. Run side by side, as `cargo test` does by default, the suite starves the
/// matrix's requests before they reach the sandbox. One at a time, in either order.
static ONE_SUITE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_suite_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
