//! The engine seen from an app: reads, writes and observation (R1-R4, W1-W8, O1-O4), the
//! server calls and their interleavings (W2-W5), reads that allocate nothing, no token in
//! any output (M3, E6), and the same end to end against the sandbox.

#[path = "../support/mod.rs"]
mod support;

mod against_the_sandbox;
mod alloc_free_reads;
mod authenticate;
mod fresh_tokens;
mod no_token_leaks;
mod state_and_observation;
mod status_and_start;
mod store_reentry;
