// Runs the JUnit host tests from a plain JVM (scripts/kotlin-tests.sh): the same test
// classes Gradle's `test` task finds, with one line per test and a closing
// "N passed, M failed" line, and a non-zero exit if any failed or none ran.
package dev.sessionkit

import kotlin.system.exitProcess
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Request
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener

/**
 * Every host test class. Those of the hostTest source set (compiled here only, and the Java
 * one by javac after kotlinc) are found by name.
 */
val HOST_TEST_CLASSES: Array<Class<*>> = arrayOf(
    HostTests::class.java,
    NativeKotlinTests::class.java,
    KeystoreHostTests::class.java,
    ContractTests::class.java,
    AppExampleTests::class.java,
    LoggingTests::class.java,
    CrossProcessTests::class.java,
    HostileServerTests::class.java,
    dev.sessionkit.okhttp.OkHttpTests::class.java,
    Class.forName("dev.sessionkit.EntryPointTests"),
    Class.forName("dev.sessionkit.JavaCallersTest"),
)

private class LinePerTest : RunListener() {
    var passed = 0
    var failed = 0
    private var started = 0L
    private var failing = false

    override fun testStarted(description: Description) {
        started = System.nanoTime()
        failing = false
    }

    override fun testFailure(failure: Failure) {
        failing = true
        failed++
        println("FAIL ${failure.description.methodName}: ${failure.exception}")
        failure.exception.printStackTrace(System.out)
    }

    override fun testFinished(description: Description) {
        if (!failing) {
            passed++
            println("PASS ${description.methodName} (${(System.nanoTime() - started) / 1_000_000} ms)")
        }
    }
}

/**
 * `java ... dev.sessionkit.TestRunnerKt [--class CLASS]... [test method names...]`: every host
 * test class unless `--class` names some.
 */
fun main(args: Array<String>) {
    val classes = args.toList().windowed(2).filter { it[0] == "--class" }.map { Class.forName(it[1]) }
    val only = args.filterIndexed { i, arg -> arg != "--class" && (i == 0 || args[i - 1] != "--class") }.toSet()
    val core = JUnitCore()
    val listener = LinePerTest()
    core.addListener(listener)
    var request = Request.classes(*(if (classes.isEmpty()) HOST_TEST_CLASSES else classes.toTypedArray()))
    if (only.isNotEmpty()) {
        request = request.filterWith(object : org.junit.runner.manipulation.Filter() {
            override fun shouldRun(description: Description) =
                description.methodName == null || description.methodName in only

            override fun describe() = "only $only"
        })
    }
    core.run(request)
    println("${listener.passed} passed, ${listener.failed} failed")
    exitProcess(if (listener.failed == 0 && listener.passed > 0) 0 else 1)
}
