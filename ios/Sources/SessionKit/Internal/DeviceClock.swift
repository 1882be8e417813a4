import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The device's wall clock in Unix milliseconds, read cheaply: `getSync()` reads it on every
/// call to judge expiry on server time (R1, R5).
///
/// On Linux `CLOCK_REALTIME_COARSE` (one kernel tick, 1 to 4 ms, through the vDSO); on Apple
/// platforms `Date()`, already cheap there. Expiry is then judged to within a few
/// milliseconds, plus the error of the server-clock offset the engine learnt.
enum DeviceClock {
    static func nowMillis() -> Int64 {
        #if os(Linux)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
        #else
        return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        #endif
    }
}
