// Module :sessionkit, the AAR. Before compiling it builds the Rust library for each ABI with
// cargo ndk (16 KB page alignment comes from the repository's .cargo/config.toml) and
// generates the Kotlin bindings from the host build of the same crate with uniffi-bindgen.
// Neither generated file is committed.
import org.gradle.api.tasks.Exec
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val repoRoot: File = rootProject.projectDir.parentFile
val cargoTargetDir: File = System.getenv("CARGO_TARGET_DIR")?.let(::File) ?: File(repoRoot, "target")
val rustJniLibs = layout.buildDirectory.dir("rustJniLibs")
val generatedKotlin = layout.buildDirectory.dir("generated/uniffi/kotlin")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

/** The Kotlin component must match the Rust crate exactly: take its version from Cargo.lock. */
fun lockedVersion(crate: String): String {
    val lines = File(repoRoot, "Cargo.lock").readLines()
    val at = lines.indexOfFirst { it.trim() == "name = \"$crate\"" }
    check(at >= 0) { "$crate not found in Cargo.lock" }
    return lines[at + 1].substringAfter('"').substringBefore('"')
}

android {
    namespace = "dev.sessionkit"
    compileSdk = 35

    defaultConfig {
        // 26: the generated bindings use java.time.Instant and java.time.Duration.
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }

    sourceSets["main"].java.srcDirs("src/main/kotlin", generatedKotlin)
    sourceSets["main"].jniLibs.srcDirs(rustJniLibs)

    packaging {
        jniLibs {
            // Keep .so files uncompressed and page-aligned in the APK, so they load in place
            // on 16 KB-page devices.
            useLegacyPackaging = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildTypes {
        release { isMinifyEnabled = false }
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    // UniFFI's Kotlin bindings call the library through JNA; the @aar brings its own
    // libjnidispatch.so for every ABI.
    implementation("net.java.dev.jna:jna:5.15.0@aar")
    // StateFlow is part of SessionKit's API, so coroutines are an api dependency.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    // The platform certificate verifier's Kotlin half, called over JNI by the Rust half.
    implementation("rustls:rustls-platform-verifier:${lockedVersion("rustls-platform-verifier-android")}")
    testImplementation(kotlin("test"))
}

val cargoNdkBuild by tasks.registering(Exec::class) {
    description = "Builds libsessionkit_ffi.so for ${abis.joinToString()} with cargo ndk."
    workingDir = repoRoot
    val targets = abis.flatMap { listOf("-t", it) }
    commandLine(
        listOf("cargo", "ndk") + targets +
            listOf("-o", rustJniLibs.get().asFile.path, "build", "--release", "-p", "sessionkit-ffi"),
    )
}

val generateUniffiBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings from the host build of sessionkit-ffi."
    workingDir = repoRoot
    val out = generatedKotlin.get().asFile
    doFirst { out.deleteRecursively() }
    commandLine(
        "bash", "-c",
        // `jvm`: the Keystore store and the JNI entry, as an Android build of the library has.
        "cargo build -p sessionkit-ffi --features cli,jvm && " +
            "'${cargoTargetDir.path}/debug/uniffi-bindgen' generate --no-format --library " +
            "'${cargoTargetDir.path}/debug/libsessionkit_ffi.so' --language kotlin --out-dir '${out.path}'",
    )
}

tasks.named("preBuild") { dependsOn(cargoNdkBuild, generateUniffiBindings) }
