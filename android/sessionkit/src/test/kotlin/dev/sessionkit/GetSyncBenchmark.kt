// The cost of crossing the FFI, measured: SessionKit.getSync() reads a Kotlin field, while
// the generated SessionClient.getSync() crosses into Rust over JNA and hands back a handle to
// the engine's session object (shared, not copied). Both read the same confirmed sandbox session in one run. It prints figures and
// asserts nothing about time.
package dev.sessionkit

import kotlin.system.exitProcess

private const val CACHED_WARMUP = 2_000_000
private const val CACHED_ITERATIONS = 20_000_000
private const val FFI_WARMUP = 5_000
private const val FFI_ITERATIONS = 50_000

/** Runs [iterations] calls of [read] and returns ns per call; [sink] defeats dead-code removal. */
private inline fun nanosPerCall(iterations: Int, sink: IntArray, read: () -> Session?): Double {
    val started = System.nanoTime()
    var acc = 0
    for (i in 0 until iterations) {
        acc += if (read() != null) 1 else 0
    }
    val elapsed = System.nanoTime() - started
    sink[0] += acc
    check(acc == iterations) { "the session vanished during the benchmark" }
    return elapsed.toDouble() / iterations
}

/** `java ... dev.sessionkit.GetSyncBenchmarkKt` */
fun main() {
    val (kit, _) = signedInKit()
    val sink = IntArray(1)
    kit.use {
        // Warm-up: let the JIT compile both paths before timing either.
        nanosPerCall(CACHED_WARMUP, sink) { kit.getSync() }
        nanosPerCall(FFI_WARMUP, sink) { kit.ffi.getSync() }
        nanosPerCall(CACHED_WARMUP, sink) { kit.getInfo().session }

        val cached = nanosPerCall(CACHED_ITERATIONS, sink) { kit.getSync() }
        val ffi = nanosPerCall(FFI_ITERATIONS, sink) { kit.ffi.getSync() }
        val info = nanosPerCall(CACHED_ITERATIONS, sink) { kit.getInfo().session }

        println("SessionKit.getSync()  (Kotlin field): %10.1f ns/call over %,d calls".format(cached, CACHED_ITERATIONS))
        println("SessionClient.getSync() (over FFI):  %10.1f ns/call over %,d calls".format(ffi, FFI_ITERATIONS))
        println("SessionKit.getInfo()  (Kotlin field): %10.1f ns/call over %,d calls".format(info, CACHED_ITERATIONS))
        println("getSync cached: %.1f ns, ffi: %.0f ns, ratio: %.0f".format(cached, ffi, ffi / cached))
    }
    sandbox.close()
    exitProcess(if (sink[0] > 0) 0 else 1)
}
