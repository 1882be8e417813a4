// SessionKit's log events for the app (SPEC L1): they always reach logcat (tag configurable);
// a SessionLogger in the configuration hears them too, at or above its level, filtered
// before they cross from Rust. No line ever holds a token.
package dev.sessionkit

/** How much of SessionKit's logging a [SessionLogger] hears, from most to least severe. */
enum class LogLevel {
    /** Bugs and misconfigurations that need fixing. */
    Error,

    /** Something is off and SessionKit carries on (a rejected request, a corrupt store). */
    Warn,

    /** Worth knowing, handled (offline, a locked device, a refresh backing off). */
    Info,

    /** SessionKit's decisions (state changes, requests). */
    Debug,

    /** Everything. */
    Trace,
}

/**
 * Your logger for SessionKit's events: one line each, with its level and its target (the
 * module that logged, `sessionkit::engine::commit`). Called on the thread that logged,
 * sometimes while SessionKit holds a lock: do not call back into SessionKit from here, and do
 * not block. What it throws is ignored.
 */
fun interface SessionLogger {
    fun log(level: LogLevel, target: String, message: String)
}

/** A [SessionLogger] as the engine's logger interface. */
internal class LoggerAdapter(private val logger: SessionLogger) : dev.sessionkit.ffi.ForeignLogger {
    override fun log(level: dev.sessionkit.ffi.LogLevel, target: String, message: String) {
        try {
            logger.log(level.toKotlin(), target, message)
        } catch (ignored: Throwable) {
            // SessionKit never fails for its logger.
        }
    }
}

internal fun dev.sessionkit.ffi.LogLevel.toKotlin(): LogLevel = when (this) {
    dev.sessionkit.ffi.LogLevel.ERROR -> LogLevel.Error
    dev.sessionkit.ffi.LogLevel.WARN -> LogLevel.Warn
    dev.sessionkit.ffi.LogLevel.INFO -> LogLevel.Info
    dev.sessionkit.ffi.LogLevel.DEBUG -> LogLevel.Debug
    dev.sessionkit.ffi.LogLevel.TRACE -> LogLevel.Trace
}

internal fun LogLevel.toFfi(): dev.sessionkit.ffi.LogLevel = when (this) {
    LogLevel.Error -> dev.sessionkit.ffi.LogLevel.ERROR
    LogLevel.Warn -> dev.sessionkit.ffi.LogLevel.WARN
    LogLevel.Info -> dev.sessionkit.ffi.LogLevel.INFO
    LogLevel.Debug -> dev.sessionkit.ffi.LogLevel.DEBUG
    LogLevel.Trace -> dev.sessionkit.ffi.LogLevel.TRACE
}
