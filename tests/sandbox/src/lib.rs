//! A local HTTP server that speaks Stytch's frontend-SDK session endpoints, for SessionKit's
//! integration tests, benchmarks and demo.
//!
//! It signs users in with a password (creating them on first use), authenticates, extends
//! and revokes sessions, mints RS256 session JWTs and publishes their JWKS. Tests drive it
//! through [`Sandbox`]: move its clock forward, inject faults ([`Fault`]) per [`Endpoint`],
//! and count requests to prove what a client really sent.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sessionkit_sandbox::{Endpoint, Fault, Sandbox};
//!
//! let sandbox = Sandbox::start().await?;
//! let signed_in = sandbox.sign_in("ada@example.com", "correct horse").await;
//! sandbox.inject(Endpoint::Authenticate, Fault::too_many_requests(Some(2)), 1);
//! // ... point the client at sandbox.base_url() with sandbox.public_token() ...
//! assert_eq!(sandbox.request_count(Endpoint::Authenticate), 0);
//! # drop(signed_in);
//! # Ok(()) }
//! ```

mod admin;
mod app;
mod backend;
mod clock;
mod counters;
mod envelope;
mod faults;
mod hostile;
pub mod jwt;
mod routes;
mod server;
mod state;
mod tls;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::task::AbortHandle;

pub use faults::Fault;
pub use hostile::Rewrite;
pub use tls::{
    BACKUP_SPKI_SHA256, OTHER_SPKI_SHA256, PINNED_SPKI_SHA256, TLS_TEST_CA_PEM, TlsCert,
};

use app::AppState;
use state::Attributes;

/// The endpoints the sandbox serves, to aim faults and read counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /sdk/v1/passwords/authenticate`
    SignIn,
    /// `POST /sdk/v1/sessions/authenticate`
    Authenticate,
    /// `POST /sdk/v1/sessions/revoke`
    Revoke,
    /// `GET /v1/sessions/jwks/{project_id}`
    Jwks,
    /// `GET /app/v1/profile`: the app's own backend, a resource protected by the session JWT
    /// (SPEC H1); see the crate's `backend` module.
    Resource,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 5] = [
        Endpoint::SignIn,
        Endpoint::Authenticate,
        Endpoint::Revoke,
        Endpoint::Jwks,
        Endpoint::Resource,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The endpoint's name in the HTTP test controls (`/sandbox/v1/`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::SignIn => "sign_in",
            Endpoint::Authenticate => "authenticate",
            Endpoint::Revoke => "revoke",
            Endpoint::Jwks => "jwks",
            Endpoint::Resource => "resource",
        }
    }

    /// The axum route pattern.
    fn path(self) -> &'static str {
        match self {
            Endpoint::SignIn => "/sdk/v1/passwords/authenticate",
            Endpoint::Authenticate => "/sdk/v1/sessions/authenticate",
            Endpoint::Revoke => "/sdk/v1/sessions/revoke",
            Endpoint::Jwks => "/v1/sessions/jwks/{project_id}",
            Endpoint::Resource => "/app/v1/profile",
        }
    }
}

/// What a sign-in asks for beyond the email and password. Over HTTP the same fields are
/// `session_duration_minutes`, `session_custom_claims` (Stytch's own name) and the sandbox's
/// `sandbox_roles` and `sandbox_factors`.
#[derive(Debug, Clone, Default)]
pub struct SignInOptions {
    /// The session's lifetime (5..=527040 minutes); the sandbox's default when `None`.
    pub session_duration_minutes: Option<u32>,
    /// Stytch's `session_custom_claims`: the session's `custom_claims`, and top-level claims
    /// of its JWTs (registered claim names are left out of the JWT).
    pub custom_claims: serde_json::Map<String, Value>,
    /// Roles beyond `stytch_user`, standing in for Stytch's RBAC assignments.
    pub roles: Vec<String>,
    /// Factors passed beside the password: `email_otp`, `sms_otp`, `google_oauth`, `webauthn`,
    /// `totp`.
    pub extra_factors: Vec<String>,
}

/// How to start a sandbox. `Default` gives `127.0.0.1:0`, fresh random test ids, 5-minute
/// JWTs and 60-minute sessions.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The only public token accepted, `public-token-test-<uuid>` by default.
    pub public_token: String,
    /// The project, in the JWKS path and the JWT `iss`/`aud`; `project-test-<uuid>` by default.
    pub project_id: String,
    /// How long each session JWT lives.
    pub jwt_lifetime: Duration,
    /// Session lifetime when sign-in sends no `session_duration_minutes`.
    pub default_session_minutes: u32,
    /// An HTTPS listener beside the plain one, presenting this certificate
    /// ([`Sandbox::https_url`]); none by default.
    pub tls: Option<TlsCert>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            public_token: format!("public-token-test-{}", uuid::Uuid::new_v4()),
            project_id: format!("project-test-{}", uuid::Uuid::new_v4()),
            jwt_lifetime: Duration::from_secs(5 * 60),
            default_session_minutes: 60,
            tls: None,
        }
    }
}

/// A session created by [`Sandbox::sign_in`]. `Debug` hides the tokens.
#[derive(Clone)]
pub struct SignedIn {
    /// The opaque session token (44 base64url characters).
    pub session_token: String,
    /// A fresh session JWT.
    pub session_jwt: String,
    /// The wire session object.
    pub session: Value,
    /// The wire user object.
    pub user: Value,
}

impl SignedIn {
    /// `session.session_id`.
    pub fn session_id(&self) -> &str {
        self.session["session_id"].as_str().unwrap_or_default()
    }

    /// `session.user_id`.
    pub fn user_id(&self) -> &str {
        self.session["user_id"].as_str().unwrap_or_default()
    }
}

impl fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedIn")
            .field("session_token", &"<redacted>")
            .field("session_jwt", &"<redacted>")
            .field("session", &self.session)
            .field("user", &self.user)
            .finish()
    }
}

/// A running sandbox. Clones share one server; dropping the last clone (or calling
/// [`Sandbox::shutdown`]) stops it and closes its connections.
#[derive(Clone, Debug)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    app: Arc<AppState>,
    addr: SocketAddr,
    server: AbortHandle,
    /// The HTTPS listener's address and task, when configured.
    https: Option<(SocketAddr, AbortHandle)>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.server.abort();
        if let Some((_, https)) = &self.https {
            https.abort();
        }
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1:0`, served by the current tokio runtime.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config`, served by the current tokio runtime.
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let tls = match config.tls {
            Some(cert) => {
                let listener = tokio::net::TcpListener::bind((addr.ip(), 0)).await?;
                Some((listener.local_addr()?, tls::acceptor(cert), listener))
            }
            None => None,
        };
        let app = Arc::new(AppState::new(config));
        let server = tokio::spawn(server::run(listener, routes::router(app.clone()), None));
        let https = tls.map(|(https_addr, acceptor, listener)| {
            let router = routes::router(app.clone());
            let task = tokio::spawn(server::run(listener, router, Some(acceptor)));
            (https_addr, task.abort_handle())
        });
        Ok(Sandbox {
            inner: Arc::new(Inner {
                app,
                addr,
                server: server.abort_handle(),
                https,
            }),
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// `https://127.0.0.1:PORT` of the HTTPS listener, when [`SandboxConfig::tls`] asked
    /// for one: the same endpoints and state as [`Sandbox::base_url`], over TLS.
    pub fn https_url(&self) -> Option<String> {
        self.inner
            .https
            .as_ref()
            .map(|(addr, _)| format!("https://{addr}"))
    }

    /// The public token the endpoints accept.
    pub fn public_token(&self) -> &str {
        &self.inner.app.config.public_token
    }

    /// The project id, as in the JWKS URL and the JWT `aud`.
    pub fn project_id(&self) -> &str {
        &self.inner.app.config.project_id
    }

    /// `{base_url}/app/v1/profile`: the app backend's protected resource (SPEC H1).
    pub fn resource_url(&self) -> String {
        format!("{}{}", self.base_url(), Endpoint::Resource.path())
    }

    /// `{base_url}/v1/sessions/jwks/{project_id}`.
    pub fn jwks_url(&self) -> String {
        format!("{}/v1/sessions/jwks/{}", self.base_url(), self.project_id())
    }

    /// `{"keys": [jwk]}`: the JWKS the endpoint serves, without its `request_id` and `status_code`.
    pub fn jwks(&self) -> Value {
        serde_json::json!({ "keys": [jwt::jwk()] })
    }

    /// Signs in with a password, creating the user on first use, for a session of the
    /// configured default length. Uses the shared state directly: no HTTP request, no
    /// fault, no counter.
    ///
    /// # Panics
    /// When `email` already signed up with another password, or is not an email address.
    pub async fn sign_in(&self, email: &str, password: &str) -> SignedIn {
        self.sign_in_with(email, password, SignInOptions::default())
            .await
    }

    /// [`Sandbox::sign_in`] for a session of `session_duration_minutes` (5..=527040).
    ///
    /// # Panics
    /// As [`Sandbox::sign_in`], and when the duration is out of range.
    pub async fn sign_in_for(
        &self,
        email: &str,
        password: &str,
        session_duration_minutes: u32,
    ) -> SignedIn {
        let options = SignInOptions {
            session_duration_minutes: Some(session_duration_minutes),
            ..SignInOptions::default()
        };
        self.sign_in_with(email, password, options).await
    }

    /// [`Sandbox::sign_in`] with custom claims, extra roles and extra factors: the session
    /// shapes a real Stytch project produces, for tests that need them.
    ///
    /// # Panics
    /// As [`Sandbox::sign_in`], and for an unknown factor kind or a bad duration.
    pub async fn sign_in_with(
        &self,
        email: &str,
        password: &str,
        options: SignInOptions,
    ) -> SignedIn {
        assert!(
            email.contains('@'),
            "sandbox sign-in needs an email address"
        );
        let attributes = Attributes {
            ip_address: "127.0.0.1".into(),
            user_agent: "sessionkit-sandbox".into(),
        };
        match self
            .inner
            .app
            .sign_in(email, password, &options, attributes)
        {
            Ok(granted) => SignedIn {
                session_token: granted.session_token,
                session_jwt: granted.session_jwt,
                session: granted.session,
                user: granted.user,
            },
            Err(error) => panic!("sandbox sign-in failed: {}", error.error_type),
        }
    }

    /// Queues `fault` for the next `times` calls of `endpoint`, after any rules already
    /// queued for it. `times == 0` queues nothing.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault, times: usize) {
        self.inner.app.faults.push(endpoint, fault, times);
    }

    /// Makes every request, on every endpoint, wait `latency` before it is answered or its
    /// fault applied (a [`Fault::Delay`] adds to it). Zero, the default, turns it off.
    pub fn set_latency(&self, latency: Duration) {
        self.inner.app.set_latency(latency);
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.inner.app.faults.clear();
    }

    /// Moves the sandbox clock forward: sessions and JWTs expire against it. JWTs minted
    /// afterwards carry `iat`/`nbf` in the future of the real clock.
    pub fn advance_clock(&self, by: Duration) {
        self.inner.app.clock.advance(by);
    }

    /// The sandbox's now.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.app.clock.now()
    }

    /// Makes a session expire now; the next authenticate is `session_not_found`.
    /// Returns whether the session existed.
    pub fn expire_session(&self, session_token: &str) -> bool {
        let now = self.inner.app.clock.now();
        self.inner.app.store.lock().expire(session_token, now)
    }

    /// Revokes every session (users stay signed up).
    pub fn revoke_all(&self) {
        self.inner.app.store.lock().revoke_all();
    }

    /// Whether an authenticate with `session_token` would succeed now.
    pub fn is_session_active(&self, session_token: &str) -> bool {
        let now = self.inner.app.clock.now();
        self.inner.app.store.lock().is_active(session_token, now)
    }

    /// Stytch-shaped JWT claims for `session` (a wire session object) at the sandbox's now:
    /// a starting point for deliberately odd tokens.
    pub fn session_claims(&self, session: &Value) -> Value {
        self.inner.app.session_claims(session)
    }

    /// Signs arbitrary `claims` with the sandbox key (RS256, `kid` = [`jwt::KID`]).
    pub fn mint_jwt(&self, claims: &Value) -> String {
        jwt::sign(claims)
    }

    /// Requests that reached `endpoint` since start or the last [`Sandbox::reset_counts`],
    /// faulted or not.
    pub fn request_count(&self, endpoint: Endpoint) -> usize {
        self.inner.app.counters.requests(endpoint)
    }

    /// The most requests ever in flight at once on `endpoint`.
    pub fn max_in_flight(&self, endpoint: Endpoint) -> usize {
        self.inner.app.counters.max_in_flight(endpoint)
    }

    /// The most requests ever in flight at once on `endpoint` with one and the same
    /// credential (the same `Authorization` header, that is one session token). For a client
    /// that refreshes in single flight this stays at 1 on [`Endpoint::Authenticate`] even
    /// when requests for successive identities overlap.
    pub fn max_in_flight_per_credential(&self, endpoint: Endpoint) -> usize {
        self.inner
            .app
            .counters
            .max_in_flight_per_credential(endpoint)
    }

    /// Zeroes request counts and in-flight peaks.
    pub fn reset_counts(&self) {
        self.inner.app.counters.reset();
    }

    /// Stops the server now, closing open connections. Idempotent.
    pub fn shutdown(&self) {
        self.inner.server.abort();
    }
}
