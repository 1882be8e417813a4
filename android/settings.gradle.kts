// The Android library project that packages SessionKit as an AAR: the Kotlin wrapper, the
// UniFFI-generated bindings and libsessionkit_ffi.so for three ABIs.
// Built by scripts/build-android.sh (needs the Android SDK, the NDK and cargo-ndk).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // The Kotlin half of rustls-platform-verifier (the platform certificate check, T1).
        maven {
            url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
        }
    }
}

rootProject.name = "sessionkit-android"
include(":sessionkit")
// Optional: the OkHttp Interceptor and Authenticator (an app without OkHttp leaves it out).
include(":sessionkit-okhttp")
