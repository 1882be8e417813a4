//! # sessionkit-ffi
//!
//! The UniFFI surface of SessionKit: the Rust engine (`sessionkit`) as a library that Kotlin
//! (Android) and Swift (iOS) call. It mirrors nothing: the session, events, errors, outcomes
//! and diagnostics are the core's own types, which derive UniFFI behind the core's `uniffi`
//! feature (Kotlin package `dev.sessionkit`). This crate adds only what must differ at the
//! boundary (Kotlin package `dev.sessionkit.ffi`):
//!
//! - [`SessionClient`] (`client.rs`): the engine as one object, built from a
//!   [`ClientConfig`] (`config.rs`: one record with defaults instead of the Rust builder);
//! - `store.rs`: constructors of the built-in stores (the Keychain's on Apple targets only),
//!   offered through the core's
//!   `ForeignSessionStore` (the interface an app implements in Kotlin or Swift), and the
//!   adapters between it and the core's `SessionStore`;
//! - `listener.rs`: the adapter from the core's `ForeignSessionListener` to its listener
//!   trait;
//! - `logging/`: the process's `tracing` subscriber: the platform's log (os_log, logcat) and
//!   the app's own logger, from the client's configuration (SPEC L1);
//! - `android.rs`: the JNI entry point that gives the engine the JavaVM and, on Android, the
//!   application Context; `keystore.rs`: `android_keystore_store` on that JavaVM. Both exist
//!   on Android, and on a desktop JVM with the `jvm` feature (the Kotlin host tests); an
//!   Apple build carries no JNI.
//!
//! Every behaviour of the contract (SPEC.md) stays in the core, tested there once.
//!
//! Generate the bindings from the built library with `scripts/generate-bindings.sh`.

#![deny(unsafe_code)]
#![deny(unreachable_pub)]
#![warn(missing_docs)]

#[cfg(any(target_os = "android", feature = "jvm"))]
mod android;
mod client;
mod config;
#[cfg(any(target_os = "android", feature = "jvm"))]
mod keystore;
mod listener;
mod logging;
mod state;
mod store;

#[cfg(any(target_os = "android", feature = "jvm"))]
pub use android::is_native_initialized;
pub use client::SessionClient;
pub use config::ClientConfig;
#[cfg(any(target_os = "android", feature = "jvm"))]
pub use keystore::android_keystore_store;
#[cfg(all(debug_assertions, any(target_os = "android", feature = "jvm")))]
pub use keystore::android_keystore_store_of_type;
pub use logging::{ForeignLogger, LogLevel, LoggerError};
pub use state::ClientState;
#[cfg(target_vendor = "apple")]
pub use store::keychain_store;
pub use store::{encrypted_file_store, memory_store};

uniffi::setup_scaffolding!();
