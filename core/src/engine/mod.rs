//! The session engine: state, reads, writes and observation.

mod authenticate;
mod client;
mod clock;
mod dispatch;
mod event;
mod lifecycle;
mod listener;
mod local_checks;
#[cfg(all(test, feature = "model-check"))]
mod model_check;
mod runtime;
mod scheduler;
mod state;
mod sync;

pub use client::{RestoreOutcome, SessionClient, SessionClientBuilder, SessionInfo};
pub use clock::{Clock, ManualClock, SystemClock, TokioClock};
pub use event::{ChangeCause, SessionChange, SessionEvent, SignOutReason, StorageIssue};
pub use listener::{ListenerHandle, SessionListener};
pub use scheduler::{RefreshPolicy, SchedulerStats};
pub use state::Generation;
