//! The engine's log events where someone reads them (SPEC L1): the platform's log (os_log on
//! Apple, logcat on Android) and the app's own logger, each with its level.
//!
//! The core logs through `tracing` and installs nothing: a Rust app owns its subscriber. The
//! library an app ships (this crate) installs one, once per process, the first time a client
//! starts: a `Registry` with the platform's layer (`platform.rs`) and a fan-out to the
//! loggers the running clients registered (`sinks.rs`), each filtered by its own level in
//! Rust, before any call crosses the FFI. A logger lives as long as its client. If something
//! else in the process installed a global subscriber first, SessionKit's events go to that
//! one instead, and the app's loggers hear nothing; the start says so in its own log line.
//!
//! Every line is built by `line.rs`: the event's message and fields, each value capped and
//! its control characters escaped (server text is data, V5), and anything shaped like a token
//! redacted as a last line of defence (M3): no event carries a token in the first place.
//!
//! A logger is called on whatever thread logged, sometimes while the engine holds its writer
//! lock: it must not call back into SessionKit (a read is harmless; a write would wait for
//! itself) and should not block. A logger's own logging is not sent back to it.

mod line;
mod platform;
mod sinks;

use std::sync::Arc;
use std::sync::OnceLock;

use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

pub(crate) use sinks::SinkGuard;

/// How much of SessionKit's logging an app's logger hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    /// Bugs and misconfigurations that need fixing.
    Error,
    /// Something is off, and the engine carries on (a rejected request, a corrupt store).
    Warn,
    /// Worth knowing, handled (offline, a locked device, a refresh backing off).
    Info,
    /// The engine's decisions (state changes, requests).
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn of(level: &tracing::Level) -> Self {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// A logger an app supplies (Kotlin, Swift): one line per event it wants, with the event's
/// level and its target (the module that logged, `sessionkit::engine::commit`). The line
/// never holds a token.
#[uniffi::export(with_foreign)]
pub trait ForeignLogger: Send + Sync {
    /// Called once per event at or above the logger's level, on the thread that logged.
    fn log(&self, level: LogLevel, target: String, message: String) -> Result<(), LoggerError>;
}

/// What a foreign logger's failure becomes: nothing. SessionKit never fails for its logger.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum LoggerError {
    /// The logger threw.
    #[error("the app's logger failed")]
    Failed,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for LoggerError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        LoggerError::Failed
    }
}

/// Where the platform's log lines go: the os_log subsystem (Apple), the logcat tag (Android).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PlatformLog {
    pub(crate) subsystem: String,
    pub(crate) tag: String,
}

/// Installs SessionKit's subscriber, once per process, with the platform log of the first
/// client; later calls change nothing.
pub(crate) fn install(platform: &PlatformLog) {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry()
            .with(platform::layer(platform))
            .with(sinks::FanOut.with_filter(tracing_subscriber::filter::dynamic_filter_fn(
                |metadata, _| sinks::wanted(metadata.level()),
            )));
        let installed = tracing::subscriber::set_global_default(subscriber).is_ok();
        if !installed {
            tracing::info!(
                "another tracing subscriber is installed: SessionKit's log events go to it, not to the app's logger"
            );
        }
        installed
    });
}

/// Registers `logger` for the events at or above `level` until the guard drops.
pub(crate) fn register(logger: Arc<dyn ForeignLogger>, level: LogLevel) -> SinkGuard {
    sinks::register(logger, level)
}

/// Checks a platform log name (subsystem, tag): the platform layers refuse a NUL, and an empty
/// or endless one helps nobody.
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 128 || name.contains('\0') {
        return Err(format!(
            "{what} must be 1 to 128 characters without NUL, not {} characters",
            name.len()
        ));
    }
    Ok(())
}
