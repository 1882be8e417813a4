//! # SessionKit
//!
//! The client-side session engine of a mobile app: it caches the signed-in user's session
//! (a Stytch-shaped [`Session`] and its [`SessionTokens`]), keeps it in secure storage,
//! refreshes it on a schedule, and tells the app when it changes. The same engine runs under
//! the Swift and Kotlin wrappers; this crate is its Rust face.
//!
//! ## Integrating
//!
//! 1. **Build a client** with a [`SessionStore`]. On desktops and in tests use the
//!    [`EncryptedFileStore`]; on phones the platform store (the [`KeychainStore`] on Apple
//!    platforms, the Keystore on Android) or one the app implements. Building restores the
//!    stored session, if any:
//!
//!    ```
//!    use sessionkit::{EncryptedFileStore, FileStoreKey, RestoreOutcome, SessionClient};
//!    # let dir = tempfile::tempdir().unwrap();
//!    let store = EncryptedFileStore::new(dir.path().join("session.bin"), FileStoreKey::generate());
//!    let client = SessionClient::builder().store(store).build()?;
//!    assert_eq!(client.restore_outcome(), RestoreOutcome::Empty);
//!    # Ok::<(), sessionkit::SessionError>(())
//!    ```
//!
//! 2. **Hand it tokens** the app's backend obtained at sign-in, with
//!    [`SessionClient::update_session`]. They are persisted and announced.
//!
//! 3. **Read** with [`SessionClient::get_sync`], [`SessionClient::get_info`] and
//!    [`SessionClient::get_tokens`]. Reads never do I/O and never wait for a writer; an
//!    expired session is never returned, judged on the server's clock (R1, R5).
//!
//! 4. **Observe** with [`SessionClient::on_change`]. Keep the returned [`ListenerHandle`]:
//!    dropping it unsubscribes.
//!
//! 5. **Ask the server** with [`SessionClient::authenticate`] and sign out with
//!    [`SessionClient::revoke`] or, locally, [`SessionClient::clear`].
//!
//! Tell the engine about the app's life with [`SessionClient::app_did_enter_foreground`],
//! [`SessionClient::app_did_enter_background`], [`SessionClient::network_became_available`]
//! and [`SessionClient::storage_became_available`]; with a transport configured it refreshes
//! the session by itself (see [`RefreshPolicy`]).
//!
//! Several processes over one store (an iOS app and its extensions, an Android app's
//! processes) coordinate when each names the same directory with
//! [`SessionClientBuilder::shared_between_processes`]: one view, a sign-out that no other
//! process can undo, one refresh at a time (C1-C3; design in `coordination/mod.rs`).
//!
//! ## Design
//!
//! The state is one immutable snapshot behind an atomic pointer (`arc-swap`), so reads take
//! no lock and never wait for a network call or a storage write (R4). Writers serialise on
//! one lock, persist first, swap the snapshot, then queue the announcement; listeners run on
//! a small pool of delivery threads, each with its own ordered queue, never under an engine
//! lock (O2-O4). Every identity change bumps a [`Generation`], and an answer to a request
//! started under an older generation is discarded (W4). Authenticate is single flight (W3):
//! one request per identity at a time, shared by every caller and by the refresh scheduler,
//! whose state machine never sends two requests for one deadline (S8). Expiry is judged on
//! server time: the device clock plus an offset learnt from every server answer (R5).
//! Errors come in two tiers: a rich internal one, and [`SessionError`], whose variants say
//! what the caller should do. The engine's module documentation gives the lock order.
//!
//! ## Threading
//!
//! - **Reads** ([`get_sync`](SessionClient::get_sync), [`get_info`](SessionClient::get_info),
//!   [`get_tokens`](SessionClient::get_tokens), [`check_jwt`](SessionClient::check_jwt)) and
//!   the **lifecycle calls** never block: call them from any thread, a UI thread included.
//! - **Writes that call the store** ([`update_session`](SessionClient::update_session),
//!   [`clear`](SessionClient::clear),
//!   [`storage_became_available`](SessionClient::storage_became_available)) are `async` and
//!   run the store on the engine's blocking pool (W7). Their `*_blocking` forms call the
//!   store on the caller's thread. [`SessionClientBuilder::build`] reads the store on the
//!   caller's thread once.
//! - **Server calls** ([`authenticate`](SessionClient::authenticate),
//!   [`revoke`](SessionClient::revoke), [`refresh_jwks`](SessionClient::refresh_jwks)) are
//!   `async` and run as tasks on the engine's runtime: they need no tokio context on the
//!   caller's side, and their outcome is applied even if the caller stops waiting.
//! - **The engine's runtime** is a small tokio runtime of its own (one worker, at most two
//!   blocking threads started on demand), unless a Rust host hands in its runtime with
//!   [`SessionClientBuilder::runtime`]. The refresh scheduler is one task on it that sleeps
//!   on one timer between deadlines; store calls after a server answer run on its blocking
//!   threads, never on its worker.
//! - **Listeners** run on SessionKit's delivery threads (at most four, started on demand),
//!   outside every lock, so they may call back into the client.
//!
//! ## Platforms
//!
//! On Apple targets (`target_vendor = "apple"`) the crate links the Security framework,
//! through `security-framework`'s safe API, for the Keychain store (SPEC P3):
//! `KeychainStore::new` exists there only and needs macOS 10.15 or iOS 13 at run time.
//! Elsewhere [`KeychainStore`] and [`KeychainConfig`] still compile, so the store's logic is
//! tested on Linux hosts, but a `KeychainStore` cannot be built.
//!
//! ## Crate features
//!
//! - `android-keystore`: the Android Keystore store (SPEC P4), reached through JNI
//!   (`AndroidKeystoreStore`). The bindings crate turns it on; host tests run it on a
//!   desktop JVM.
//! - `uniffi`: derives the UniFFI traits on this crate's public types, so the bindings crate
//!   (`sessionkit-ffi`) offers them to Kotlin and Swift as they are, without copies.
//! - `model-check` (tests only): routes the engine's synchronisation through shuttle so that
//!   its model-checking tests explore the interleavings of the real code. A client built
//!   with it works only inside a shuttle test: never enable it in an app.
//! - `test-support` (tests only): exposes the private parsers and the Stytch wire samples to
//!   this crate's tests and the cargo-fuzz targets.
//!
//! The behaviour contract, with the rule ids that tests are named after (R1, O2, E5, ...),
//! is `SPEC.md` in the project's shared folder.

#![deny(unsafe_code)]
#![deny(unreachable_pub)]
#![warn(missing_docs)]

mod clock;
mod coordination;
mod engine;
mod envelope;
mod error;
pub mod jwt;
mod model;
mod session_error;
mod store;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod test_support;
pub mod testing;
pub mod transport;

/// Diagnostics for tests, logs and battery investigations: what the refresh scheduler has
/// done and where it stands. Nothing here carries behaviour.
pub mod diagnostics {
    pub use crate::coordination::CrossProcessStats;
    pub use crate::engine::{SchedulerState, SchedulerStats};
}

pub use clock::{Clock, SystemClock};
#[cfg(feature = "uniffi")]
pub use engine::ForeignSessionListener;
pub use engine::{
    ChangeCause, Generation, ListenerHandle, RefreshPolicy, RestoreOutcome, RevokeOutcome,
    SessionChange, SessionClient, SessionClientBuilder, SessionEvent, SessionInfo, SessionListener,
    SessionStatus, SignOutReason, StorageIssue,
};
/// The `jni` crate this crate was built with, so that callers hand
/// [`AndroidKeystoreStore::new`] a `JavaVM` of the same version.
#[cfg(feature = "android-keystore")]
pub use jni;
pub use model::{
    AuthenticationFactor, AuthenticatorAppFactor, BiometricFactor, CryptoWalletFactor,
    DeliveryMethod, EmailFactor, FactorDetail, FactorType, JsonObject, OAuthFactor,
    PhoneNumberFactor, RecoveryCodeFactor, Session, SessionAttributes, SessionTokens,
    WebAuthnFactor,
};
#[cfg(feature = "uniffi")]
pub use model::{JsonValue, SessionFields};
pub use session_error::SessionError;
#[cfg(feature = "uniffi")]
pub use store::ForeignSessionStore;
#[cfg(feature = "android-keystore")]
pub use store::{ANDROID_KEYSTORE, AndroidKeystoreStore, KeystoreConfig};
pub use store::{
    EncryptedFileStore, FileStoreKey, KeychainConfig, KeychainStore, MemoryStore, SessionStore,
    StoreError,
};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("sessionkit");

/// The Rust samples of the repository's README, compiled as doctests (SPEC D1).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme_samples {}
