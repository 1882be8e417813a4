//! The refresh scheduler (S1-S8) on tokio's paused clock and against the sandbox, and server
//! time (R5) under a wrong device clock.

#[path = "../support/mod.rs"]
mod support;

mod against_the_sandbox;
mod clock_skew;
mod races;
mod schedule;
