//! # sessionkit-ffi
//!
//! The UniFFI surface of SessionKit: the Rust engine (`sessionkit`) as a library that Kotlin
//! (Android, package `dev.sessionkit`) and Swift (module `SessionKit`) call. It is thin on
//! purpose: each file maps one concept's types and errors onto the core, and every behaviour
//! of the behaviour contract (SPEC.md) stays in the core, tested there once.
//!
//! - [`SessionClient`] (`client.rs`): the engine, built from a [`ClientConfig`] (`config.rs`)
//!   and a [`SessionStore`] (`store.rs`: the app's own, or [`memory_store`] /
//!   [`encrypted_file_store`]).
//! - [`Session`], [`SessionInfo`], [`SessionTokens`] (`session.rs`): what reads return.
//! - [`SessionListener`] and [`SessionEvent`] (`listener.rs`), [`ListenerHandle`]
//!   (`handle.rs`): observation.
//! - [`SessionKitError`] (`error.rs`): the one error type, whose variants say what to do.
//! - `android.rs`: the JNI entry point that gives the engine the JavaVM and, on Android, the
//!   application Context for the platform certificate verifier; `keystore.rs`:
//!   [`android_keystore_store`], the Keystore-backed store (SPEC P4) built on that JavaVM.
//!
//! Generate the bindings from the built library:
//! `cargo run -p sessionkit-ffi --features cli --bin uniffi-bindgen -- generate --library
//! target/debug/libsessionkit_ffi.so --language kotlin --out-dir build/kotlin`
//! (`scripts/generate-bindings.sh` does it for Kotlin and Swift).

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod android;
mod client;
mod config;
mod error;
mod handle;
mod keystore;
mod lifecycle;
mod listener;
mod session;
mod store;

pub use android::is_native_initialized;
pub use client::SessionClient;
pub use config::ClientConfig;
pub use error::SessionKitError;
pub use handle::ListenerHandle;
pub use keystore::android_keystore_store;
pub use lifecycle::{RestoreOutcome, SchedulerStats};
pub use listener::{ChangeCause, SessionEvent, SessionListener, SignOutReason, StorageIssue};
pub use session::{AuthenticationFactor, Session, SessionAttributes, SessionInfo, SessionTokens};
pub use store::{SessionStore, StoreError, encrypted_file_store, memory_store};

uniffi::setup_scaffolding!();
