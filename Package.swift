// swift-tools-version:6.0
// SessionKit for Swift: add this repository's URL as a package dependency and depend on the
// `SessionKit` product. Everything iOS-only lives under ios/ (see ios/README.md).
//
// Three layers, each its own target:
// - SessionKitFFI: the Rust library's C declarations. On Apple platforms an XCFramework
//   (scripts/build-xcframework.sh builds it; a release writes its URL and checksum below);
//   on Linux a system library over the host build (scripts/swift-tests.sh), so that
//   `swift build` and `swift test` run on a Linux machine.
// - SessionKitBindings: the Swift that UniFFI generates from the built library (not
//   committed; scripts/generate-bindings.sh writes it).
// - SessionKitAtomics: a few lines of C11 (an atomic revision and a thread-local slot) that
//   let reads of the session take no lock (Swift's own Atomic needs iOS 18).
// - SessionKit: the hand-written wrapper, Swift 6 with strict concurrency.
import PackageDescription

// Written by `scripts/build-xcframework.sh --release URL`: where the released XCFramework
// zip lives and its checksum (`swift package compute-checksum`). Nil while developing: the
// XCFramework is then the local build in ios/build/.
let releasedXCFramework: (url: String, checksum: String)? = nil

#if os(Linux)
let ffi: Target = .systemLibrary(name: "SessionKitFFI", path: "ios/Sources/SessionKitFFI")
#else
let ffi: Target = {
    if let released = releasedXCFramework {
        return .binaryTarget(name: "SessionKitFFI", url: released.url, checksum: released.checksum)
    }
    return .binaryTarget(name: "SessionKitFFI", path: "ios/build/SessionKitFFI.xcframework")
}()
#endif

let package = Package(
    name: "SessionKit",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "SessionKit", targets: ["SessionKit"]),
    ],
    targets: [
        ffi,
        .target(
            name: "SessionKitBindings",
            dependencies: ["SessionKitFFI"],
            path: "ios/Sources/SessionKitBindings",
            // UniFFI's generated code. It compiles without a warning in Swift 6 mode on
            // Linux today (checked with -strict-concurrency=complete); Swift 5 mode keeps a
            // UniFFI upgrade or an Apple-only branch of it from ever breaking an app's build.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "SessionKitAtomics",
            path: "ios/Sources/SessionKitAtomics"
        ),
        .target(
            name: "SessionKit",
            dependencies: ["SessionKitBindings", "SessionKitAtomics"],
            path: "ios/Sources/SessionKit",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "SessionKitTests",
            dependencies: ["SessionKit", "SessionKitBindings"],
            path: "ios/Tests/SessionKitTests",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // An app under the compiler's strictest settings: `import SessionKit` alone, member
        // import visibility (SE-0444) and Swift 6 strict concurrency. It compiles only if
        // every public type and case is usable that way and no public name is ambiguous.
        .testTarget(
            name: "SessionKitStrictAppTests",
            dependencies: ["SessionKit"],
            path: "ios/Tests/SessionKitStrictAppTests",
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
        .executableTarget(
            name: "SessionKitBenchmarks",
            dependencies: ["SessionKit", "SessionKitBindings"],
            path: "ios/Benchmarks/SessionKitBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
