//! # SessionKit
//!
//! The client-side session engine of a mobile app: it caches the signed-in user's session
//! (a Stytch-shaped [`Session`] and its [`SessionTokens`]), keeps it in secure storage,
//! and tells the app when it changes. The same engine runs under the Swift and Kotlin
//! wrappers; this crate is its Rust face.
//!
//! ## Integrating
//!
//! 1. **Build a client** with a [`SessionStore`]. On desktops and in tests use the
//!    [`EncryptedFileStore`]; on phones the platform store (Keychain, Keystore) or one the app
//!    implements. On Android that is `AndroidKeystoreStore`, built with the `android-keystore`
//!    feature. Building restores the stored session, if any:
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
//!    expired session is never returned.
//!
//! 4. **Observe** with [`SessionClient::on_change`]. Keep the returned [`ListenerHandle`]:
//!    dropping it unsubscribes. Listeners run on SessionKit's own delivery threads, outside
//!    every lock, so they may call back into the client.
//!
//! 5. **Sign out** locally with [`SessionClient::clear`].
//!
//! ## Automatic refresh and the app's lifecycle
//!
//! With [`SessionClientBuilder::refresh_policy`] the engine keeps the session fresh by
//! itself: at start-up when a session was restored, after `update_session`, then every
//! heartbeat (180 s by default), earlier when the session or its JWT would expire first, and
//! with backoff (2, 4, 8, 16, 32 s, ±20 % jitter, or the server's `Retry-After`) after
//! network failures. It sleeps on one timer between deadlines and runs nothing in the
//! background. Tell it about the app with [`SessionClient::app_did_enter_foreground`],
//! [`SessionClient::app_did_enter_background`], [`SessionClient::network_became_available`]
//! and [`SessionClient::storage_became_available`]; refreshing pauses while storage is
//! unavailable, so rotated tokens are never lost. [`SessionClient::scheduler_stats`] counts
//! its wake-ups.
//!
//! The engine runs its network calls and the scheduler on a tokio runtime of its own with one
//! worker thread (plus at most two blocking threads, started on demand), unless a Rust host
//! hands in its runtime with [`SessionClientBuilder::runtime`]. Dropping the last clone of
//! the client stops the scheduler task and the engine's runtime; [`SessionClient::shutdown`]
//! stops the scheduler earlier. Tests drive all timing with tokio's paused clock and a
//! [`TokioClock`].
//!
//! Every method that changes state says so in its documentation.
//!
//! ## Errors
//!
//! Public methods return [`SessionError`], whose variants say what to do: sign in again,
//! retry later, wait for storage, fix the call. A storage outage is never reported as a
//! sign-out; a corrupt stored blob is wiped and reported once. No error, log line or `Debug`
//! output contains a token.
//!
//! The behaviour contract, with the rule ids that tests are named after (R1, O2, E5, ...),
//! is `SPEC.md` in the project's shared folder.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod envelope;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod jwt;
mod model;
mod store;
pub mod transport;

pub use engine::{
    ChangeCause, Clock, Generation, ListenerHandle, ManualClock, RefreshPolicy, RestoreOutcome,
    SchedulerStats, SessionChange, SessionClient, SessionClientBuilder, SessionEvent, SessionInfo,
    SessionListener, SignOutReason, StorageIssue, SystemClock, TokioClock,
};
pub use error::SessionError;
/// The `jni` crate this crate was built with, so that callers hand
/// [`AndroidKeystoreStore::new`] a `JavaVM` of the same version.
#[cfg(feature = "android-keystore")]
pub use jni;
pub use jwt::JwtCheck;
pub use model::{
    AuthenticationFactor, AuthenticatorAppFactor, BiometricFactor, CryptoWalletFactor,
    DeliveryMethod, EmailFactor, FactorDetail, FactorType, JsonObject, OAuthFactor,
    PhoneNumberFactor, RecoveryCodeFactor, Session, SessionAttributes, SessionTokens,
    WebAuthnFactor,
};
#[cfg(feature = "android-keystore")]
pub use store::{ANDROID_KEYSTORE, AndroidKeystoreStore, KeystoreConfig};
pub use store::{EncryptedFileStore, FileStoreKey, MemoryStore, SessionStore, StoreError};
pub use transport::{StytchConfig, StytchTransport};
