// Module :sessionkit-okhttp, an optional AAR: SessionKit's OkHttp Interceptor and
// Authenticator (SPEC H1). An app without OkHttp depends on :sessionkit alone and never pulls
// OkHttp in. The Kotlin source compiles against OkHttp 3.12+ and runs on 3.x, 4.x and 5.x:
// the few accessors whose Kotlin spelling changed in OkHttp 4 go through a Java shim
// (src/main/java/.../OkHttpCompat.java), whose JVM calls every version keeps.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "dev.sessionkit.okhttp"
    compileSdk = 35
    defaultConfig { minSdk = 26 }
    sourceSets["main"].java.srcDirs("src/main/kotlin", "src/main/java")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    api(project(":sessionkit"))
    // The last 3.x: compiles the shared source; an app's own OkHttp 4 or 5 wins resolution.
    api("com.squareup.okhttp3:okhttp:3.14.9")
    testImplementation(kotlin("test"))
}
