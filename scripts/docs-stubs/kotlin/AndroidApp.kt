// Stand-ins for the Android and AndroidX APIs that the README's Android quick start calls,
// with their real packages and signatures, so that scripts/docs-samples.sh can compile that
// sample here, where there is no Android SDK. Only the members the samples use; never
// packaged. What they prove: SessionKit's side of the sample (initialize, start, the storage,
// the lifecycle calls) compiles as written. The platform's side is checked by its real shape.
@file:Suppress("unused", "UNUSED_PARAMETER")

package android.app

/** android.app.Application: a Context with a no-argument constructor and `onCreate`. */
open class Application : android.content.Context(java.io.File(System.getProperty("java.io.tmpdir"))) {
    open fun onCreate() {}
}
