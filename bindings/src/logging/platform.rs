//! The platform's own log, as a layer: the unified log (os_log) on Apple platforms, logcat on
//! Android, nothing elsewhere (hosts read the app logger). Every event goes there with its
//! level; the platform decides what it keeps (os_log persists debug lines nowhere by default;
//! logcat's filter is the reader's).

use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

use super::PlatformLog;

/// The unified log, under the configured subsystem, category "engine". Unfiltered: the OS
/// decides what to keep, and tracing-oslog may not be filtered (a filtered one can panic on a
/// span its filter hid; SessionKit opens none, but nothing guards that).
#[cfg(target_vendor = "apple")]
pub(super) fn layer<S>(platform: &PlatformLog) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_oslog::OsLogger::new(&platform.subsystem, "engine")
}

/// Logcat, under the configured tag, in the main buffer (the default buffer is dropped before
/// API 30, and minSdk is 26), without colours, lines as the app logger gets them.
#[cfg(target_os = "android")]
pub(super) fn layer<S>(platform: &PlatformLog) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    use tracing_subscriber::filter::LevelFilter;
    paranoid_android::with_buffer(&platform.tag, paranoid_android::Buffer::Main)
        .with_ansi(false)
        .with_target(false)
        .fmt_fields(super::line::LineFields)
        .with_filter(LevelFilter::DEBUG)
}

/// Hosts (the desktop JVM and Linux tests) have no platform log to write to.
#[cfg(not(any(target_vendor = "apple", target_os = "android")))]
pub(super) fn layer<S>(_: &PlatformLog) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_subscriber::layer::Identity::new()
}
