// A minimal test runner for the JVM host tests: the npm kotlin-compiler package carries
// kotlin-test and kotlinx-coroutines but no JUnit. Each test is a named block; the runner
// runs them all, prints one line per test and a closing "N passed, M failed" line, and exits
// non-zero if any failed.
package dev.sessionkit

import kotlin.system.exitProcess

/** A named test. */
class HostTest(val name: String, val body: () -> Unit)

/** Runs [tests] (only those named in [only], when it is not empty) and exits. */
fun runTests(tests: List<HostTest>, only: Set<String>) {
    var passed = 0
    var failed = 0
    for (test in tests) {
        if (only.isNotEmpty() && test.name !in only) continue
        val started = System.nanoTime()
        try {
            test.body()
            passed++
            println("PASS ${test.name} (${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (failure: Throwable) {
            failed++
            println("FAIL ${test.name}: $failure")
            failure.printStackTrace(System.out)
        }
    }
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}

/** `java ... dev.sessionkit.HostTestsKt [test names...]` */
fun main(args: Array<String>) {
    runTests(hostTests() + keystoreHostTests(), args.toSet())
}
