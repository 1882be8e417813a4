// What an app pays to read its session (SPEC X1): getSync() plus the fields a screen reads
// (userId and the number of factors). The cached side reads SessionKitClient's Kotlin value;
// the ffi side does the same reads over the generated API (getSync() returns a native handle,
// and each field read crosses into Rust again). Then the cached read from two threads at
// once, against one. It prints figures and asserts nothing about time.
package dev.sessionkit

import java.util.concurrent.CyclicBarrier
import kotlin.system.exitProcess

private const val CACHED_WARMUP = 2_000_000
private const val CACHED_ITERATIONS = 20_000_000
private const val FFI_WARMUP = 2_000
private const val FFI_ITERATIONS = 20_000

/** Runs [iterations] reads and returns ns per read; the sum defeats dead-code removal. */
private inline fun nanosPerRead(iterations: Int, sink: LongArray, read: () -> Int): Double {
    val started = System.nanoTime()
    var acc = 0L
    for (i in 0 until iterations) {
        acc += read()
    }
    val elapsed = System.nanoTime() - started
    sink[0] += acc
    return elapsed.toDouble() / iterations
}

/** The same cached reads on [threads] threads at once: ns per read on each thread, averaged. */
private fun concurrentNanosPerRead(threads: Int, kit: SessionKitClient, sink: LongArray): Double {
    val barrier = CyclicBarrier(threads)
    val results = DoubleArray(threads)
    val workers = (0 until threads).map { index ->
        Thread {
            val local = LongArray(1)
            barrier.await()
            results[index] = nanosPerRead(CACHED_ITERATIONS, local) { appRead(kit) }
            synchronized(sink) { sink[0] += local[0] }
        }
    }
    workers.forEach { it.start() }
    workers.forEach { it.join() }
    return results.average()
}

/** What a screen reads: the session, its user and its factor count. */
private fun appRead(kit: SessionKitClient): Int {
    val session = kit.getSync() ?: error("the session vanished during the benchmark")
    return session.userId.length + session.authenticationFactors.size
}

/** The same over the generated API: every field read is a call into Rust. */
private fun ffiRead(kit: SessionKitClient): Int {
    val session = kit.ffi.getSync() ?: error("the session vanished during the benchmark")
    return session.userId().length + session.authenticationFactors().size
}

/** `java ... dev.sessionkit.GetSyncBenchmarkKt` */
fun main() {
    val (kit, _) = signedInKit()
    val sink = LongArray(1)
    kit.use {
        // Warm-up: let the JIT compile every path before timing any.
        nanosPerRead(CACHED_WARMUP, sink) { appRead(kit) }
        nanosPerRead(FFI_WARMUP, sink) { ffiRead(kit) }
        concurrentNanosPerRead(2, kit, sink)

        val cached = nanosPerRead(CACHED_ITERATIONS, sink) { appRead(kit) }
        val ffi = nanosPerRead(FFI_ITERATIONS, sink) { ffiRead(kit) }
        val one = concurrentNanosPerRead(1, kit, sink)
        val two = concurrentNanosPerRead(2, kit, sink)

        println("getSync()+userId+factors (Kotlin value):   %10.1f ns/read over %,d reads".format(cached, CACHED_ITERATIONS))
        println("the same over the generated API (FFI):     %10.1f ns/read over %,d reads".format(ffi, FFI_ITERATIONS))
        println("getSync cached, one thread: %.1f ns, two threads at once: %.1f ns per read (x%.2f)".format(one, two, two / one))
        println("getSync cached: %.1f ns, ffi: %.0f ns, ratio: %.0f".format(cached, ffi, ffi / cached))
    }
    sandbox.close()
    exitProcess(if (sink[0] > 0) 0 else 1)
}
