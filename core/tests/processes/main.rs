//! Several processes over one store (SPEC C1-C3): two engines in one process over one
//! store and one coordination directory (`shared_store.rs`), and real processes started from
//! this binary against the sandbox (`cross_process.rs`).

#[path = "../support/mod.rs"]
mod support;

mod cross_process;
mod shared_store;
