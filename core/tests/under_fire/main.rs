//! Proof under fire, printed: every sandbox fault against every server operation (E1-E3,
//! W5), and a thousand random tasks against the sandbox with the invariants counted (W3, W4,
//! R4, O2).

#[path = "../support/mod.rs"]
mod support;

mod concurrency_suite;
mod fault_matrix;
