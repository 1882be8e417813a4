//! The session engine: state, reads, writes, server calls, observation and the refresh
//! scheduler.
//!
//! # Layout
//! Each file holds one idea; the arrows of `use` point down this list only.
//! - `client.rs`, `lifecycle.rs`, `local_checks.rs` (with `jwks_fetch.rs`, V6),
//!   `fresh_tokens.rs`: the façade an app calls;
//!   `builder.rs` builds it.
//! - `scheduler/`: the refresh scheduler's state machine and task.
//! - `authenticate.rs`: authenticate (single flight) and revoke, and how their answers are
//!   applied; `answer_identity.rs`: whether an answer is about the session asked about (V2).
//! - `session_engine.rs`: the parts every layer shares.
//! - `session_state.rs`: the write path (the snapshot cell, the writer lock, the store);
//!   `shared_store.rs`: its side for a store other processes share (C1-C3), with
//!   `seen_store.rs`, what it last saw there, and
//!   `store_watch.rs`: the task that hears them write;
//!   `flight.rs`: the request in flight and the last one's report.
//! - `listeners.rs` and `dispatch.rs`: subscriptions and their delivery threads;
//!   `event.rs`: what they hear.
//! - `snapshot.rs`, `status.rs`, `server_time.rs` (over the crate's `clock.rs`), `runtime.rs`:
//!   plain data and time.
//! - `concurrency.rs`: every lock, atomic, signal, task, thread and timer used above, so
//!   the model checker can stand in for all of them at once.
//!
//! # Lock acquisition order
//! Reads take no lock (R4). Where locks nest, they are taken in this order and released
//! before any await, any store call outside the writer, and any listener call:
//! 1. the **writer** lock (`session_state.rs`), held while the store is called, the snapshot swapped
//!    and events queued;
//!    - then, for a store shared with other processes, the **cross-process lock**
//!      (`crate::coordination`, a `flock`), taken only under the writer lock, without
//!      blocking, and only for local work: never across a request;
//! 2. the **subscription registry** (`listeners.rs`), to queue an event for each listener;
//! 3. a **subscription's queue**, then the **run queue** of the delivery threads
//!    (`dispatch.rs`).
//!
//! The **flight slot** (`flight.rs`), the scheduler's **inbox** and **state** and every
//! [`Signal`](concurrency::Signal)'s lock are leaves: nothing else is taken while one is
//! held (a flight is started under the slot's lock, but its task runs later). No OS thread
//! is started, and no scheduler is woken, while the writer lock is held: both happen right
//! after it is released.

mod answer_identity;
mod authenticate;
mod builder;
mod client;
pub(crate) mod concurrency;
mod dispatch;
mod event;
mod flight;
mod fresh_tokens;
mod jwks_fetch;
mod lifecycle;
mod listeners;
mod local_checks;
#[cfg(all(test, feature = "model-check"))]
mod model_check;
mod runtime;
mod scheduler;
mod seen_store;
mod server_time;
mod session_engine;
mod session_state;
mod shared_store;
mod snapshot;
mod status;
mod store_watch;

pub use authenticate::RevokeOutcome;
pub use builder::SessionClientBuilder;
pub use client::{SessionClient, SessionInfo};
#[cfg(feature = "uniffi")]
pub use event::ForeignSessionListener;
pub use event::{
    ChangeCause, SessionChange, SessionEvent, SessionListener, SignOutReason, StorageIssue,
};
pub use listeners::ListenerHandle;
pub use scheduler::{RefreshPolicy, SchedulerState, SchedulerStats};
pub use session_state::RestoreOutcome;
pub use snapshot::Generation;
pub use status::SessionStatus;
