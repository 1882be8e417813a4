//! The app loggers of the running clients, and the layer that hands each event to those that
//! want it. Registration is rare (a client starting or going away) and takes a lock; the
//! most detailed level any logger wants is kept in an atomic, so that an event nobody wants
//! costs one comparison.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use parking_lot::RwLock;
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};

use super::line::Line;
use super::{ForeignLogger, LogLevel};

struct Sink {
    id: u64,
    logger: Arc<dyn ForeignLogger>,
    level: LogLevel,
}

static SINKS: RwLock<Vec<Arc<Sink>>> = RwLock::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// The most detailed level a registered logger wants, as `LogLevel as u8 + 1`; 0 for none.
static WANTED: AtomicU8 = AtomicU8::new(0);

// Set while this thread is inside an app logger: what that logger logs is not sent back.
// The allow is for rust-clippy#17566: on targets without native TLS (Android) clippy 1.96
// reports this already-`const` initializer.
thread_local! {
    #[cfg_attr(target_os = "android", allow(clippy::missing_const_for_thread_local))]
    static IN_LOGGER: Cell<bool> = const { Cell::new(false) };
}

/// Keeps a logger registered; dropping it unregisters.
pub(crate) struct SinkGuard {
    id: u64,
}

impl Drop for SinkGuard {
    fn drop(&mut self) {
        let mut sinks = SINKS.write();
        sinks.retain(|sink| sink.id != self.id);
        update_wanted(&sinks);
    }
}

pub(super) fn register(logger: Arc<dyn ForeignLogger>, level: LogLevel) -> SinkGuard {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut sinks = SINKS.write();
    sinks.push(Arc::new(Sink { id, logger, level }));
    update_wanted(&sinks);
    drop(sinks);
    // A level wanted now may have been of no interest when a callsite was first seen.
    tracing::callsite::rebuild_interest_cache();
    SinkGuard { id }
}

fn update_wanted(sinks: &[Arc<Sink>]) {
    let most = sinks
        .iter()
        .map(|sink| sink.level as u8 + 1)
        .max()
        .unwrap_or(0);
    WANTED.store(most, Ordering::Release);
}

/// Whether some registered logger wants an event at `level`.
pub(super) fn wanted(level: &tracing::Level) -> bool {
    (LogLevel::of(level) as u8) < WANTED.load(Ordering::Acquire)
}

/// The layer that hands each event to the loggers that want it.
pub(super) struct FanOut;

impl<S: Subscriber> Layer<S> for FanOut {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if IN_LOGGER.with(Cell::get) {
            return;
        }
        let level = LogLevel::of(event.metadata().level());
        let sinks: Vec<Arc<Sink>> = SINKS
            .read()
            .iter()
            .filter(|sink| level <= sink.level)
            .cloned()
            .collect();
        if sinks.is_empty() {
            return;
        }
        let line = Line::of(event);
        let target = event.metadata().target();
        IN_LOGGER.with(|flag| flag.set(true));
        for sink in sinks {
            // A logger that fails is the app's business; SessionKit carries on.
            let _ = sink.logger.log(level, target.to_owned(), line.clone());
        }
        IN_LOGGER.with(|flag| flag.set(false));
    }
}
