//! What a [`StytchTransport`](super::StytchTransport) is configured with (SPEC T3, T4).
//!
//! One plain struct with sensible defaults, so an app writes `StytchConfig::new(token)` and
//! only touches what it wants to change: the server it talks to, how long it waits, how much
//! it reads. Checking the values happens when the transport is built, in one place.

use super::pinning::PinSet;
use std::time::Duration;

use super::TransportError;
use super::base_url::{self, BaseUrl};

/// Configuration of [`StytchTransport`](super::StytchTransport).
///
/// ```
/// use std::time::Duration;
/// use sessionkit::transport::StytchConfig;
///
/// let config = StytchConfig::new("public-token-test-0a1b2c")
///     .with_project_id("project-test-0a1b2c")
///     .with_request_timeout(Duration::from_secs(15));
/// assert_eq!(config.resolved_base_url().unwrap(), StytchConfig::TEST_BASE_URL);
/// assert_eq!(config.connect_timeout, StytchConfig::DEFAULT_CONNECT_TIMEOUT);
/// ```
#[derive(Clone, Debug)]
pub struct StytchConfig {
    /// The project's public token (`public-token-test-...` or `public-token-live-...`). It
    /// is public by design and picks the environment unless [`StytchConfig::base_url`] is set.
    pub public_token: String,
    /// Overrides the base URL derived from the public token: a custom domain, a proxy, or
    /// the local sandbox (`http://127.0.0.1:PORT`). `https`, or `http` for a loopback host
    /// only (`localhost`, 127.0.0.0/8, `[::1]`: V1); a trailing slash is ignored.
    pub base_url: Option<String>,
    /// The project id, needed only by `fetch_jwks` (`GET /v1/sessions/jwks/{project_id}`).
    pub project_id: Option<String>,
    /// How long to wait for a connection (TCP and TLS) to be established.
    pub connect_timeout: Duration,
    /// How long a whole request may take, from connecting until the last byte of the body.
    pub request_timeout: Duration,
    /// Largest response body accepted, in bytes; a longer answer fails with
    /// [`TransportError::TooLarge`] without being buffered.
    pub max_response_bytes: usize,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
    /// Certificate pins (V7): base64 SHA-256 digests of the server's SubjectPublicKeyInfo,
    /// `sha256/` prefix optional. Empty (the default) pins nothing. Otherwise at least two
    /// different pins (the key in use and a backup) and an `https` base URL; checked in
    /// addition to the platform's verification, on the leaf certificate.
    pub certificate_pins: Vec<String>,
    /// Test builds only: extra trust anchors (PEM) for a local HTTPS sandbox.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub test_trust_anchors_pem: Vec<Vec<u8>>,
}

impl StytchConfig {
    /// Default [`StytchConfig::connect_timeout`]: 10 seconds.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default [`StytchConfig::request_timeout`]: 30 seconds.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default [`StytchConfig::max_response_bytes`]: 1 MiB, far above any session answer.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
    /// Base URL used for `public-token-test-...` tokens: Stytch's test environment.
    pub const TEST_BASE_URL: &'static str = base_url::TEST_BASE_URL;
    /// Base URL used for `public-token-live-...` tokens: Stytch's live environment.
    pub const LIVE_BASE_URL: &'static str = base_url::LIVE_BASE_URL;

    /// A configuration for `public_token` with the default timeouts and size cap, the base
    /// URL derived from the token, no project id, and SessionKit's user agent.
    pub fn new(public_token: impl Into<String>) -> Self {
        Self {
            public_token: public_token.into(),
            base_url: None,
            project_id: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: default_user_agent(),
            certificate_pins: Vec::new(),
            #[cfg(feature = "test-support")]
            test_trust_anchors_pem: Vec::new(),
        }
    }

    /// Sets [`StytchConfig::certificate_pins`].
    ///
    /// ```
    /// # use sessionkit::transport::StytchConfig;
    /// let config = StytchConfig::new("public-token-live-0a1b2c").with_certificate_pins([
    ///     "sha256/au2wVAhi7DhLyU8g/6yFYoGLlzi4OT4QEF4jZkBcaJI=", // the key in use
    ///     "sha256/g8LIV7zpNkS8awp/jaN07eUwtzT5IMd7PU9gllUjuQ0=", // the next key
    /// ]);
    /// assert!(config.resolved_base_url().is_ok());
    /// ```
    pub fn with_certificate_pins<I, S>(mut self, pins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.certificate_pins = pins.into_iter().map(Into::into).collect();
        self
    }

    /// Test builds only: trusts `pem`'s certificates besides the platform's roots.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn with_test_trust_anchor_pem(mut self, pem: &[u8]) -> Self {
        self.test_trust_anchors_pem.push(pem.to_vec());
        self
    }

    /// Sets [`StytchConfig::base_url`].
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets [`StytchConfig::project_id`].
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets [`StytchConfig::connect_timeout`].
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets [`StytchConfig::request_timeout`].
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets [`StytchConfig::max_response_bytes`].
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sets [`StytchConfig::user_agent`].
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The base URL requests will go to, without a trailing slash: the override when set,
    /// otherwise the environment the public token names.
    ///
    /// # Errors
    /// [`TransportError::Config`] when the override is not an `http`/`https` URL, or when
    /// no override is set and the token is neither `public-token-test-...` nor
    /// `public-token-live-...`.
    pub fn resolved_base_url(&self) -> Result<String, TransportError> {
        Ok(self
            .base()
            .map_err(TransportError::Config)?
            .as_str()
            .to_owned())
    }

    /// Checks every value and resolves the base URL; the message never quotes a token.
    pub(super) fn validate(&self) -> Result<BaseUrl, String> {
        let base = self.base()?;
        if self.public_token.is_empty() {
            return Err("the public token is empty".into());
        }
        if self.public_token.contains(':') || !is_header_safe(&self.public_token) {
            return Err(
                "the public token must be visible ASCII without ':' (it is a Basic auth user)"
                    .into(),
            );
        }
        if self.connect_timeout.is_zero() || self.request_timeout.is_zero() {
            return Err("timeouts must be longer than zero".into());
        }
        if self.max_response_bytes == 0 {
            return Err("max_response_bytes must be at least 1".into());
        }
        if !is_header_safe(&self.user_agent) {
            return Err("the user agent must be visible ASCII".into());
        }
        if let Some(project_id) = &self.project_id
            && project_id.is_empty()
        {
            return Err("the project id is empty".into());
        }
        if PinSet::parse(&self.certificate_pins)?.is_some() && !base.is_https() {
            return Err("certificate pins need an https base URL".into());
        }
        Ok(base)
    }

    fn base(&self) -> Result<BaseUrl, String> {
        match &self.base_url {
            Some(url) => BaseUrl::parse(url),
            None => BaseUrl::for_public_token(&self.public_token),
        }
    }
}

/// `sessionkit-rust/<version>`.
fn default_user_agent() -> String {
    format!("sessionkit-rust/{}", env!("CARGO_PKG_VERSION"))
}

/// Printable ASCII (space allowed inside, as header values permit).
fn is_header_safe(value: &str) -> bool {
    value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t3_defaults_are_ten_and_thirty_seconds_and_one_mebibyte() {
        let config = StytchConfig::new("public-token-test-1");
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.request_timeout, Duration::from_secs(30));
        assert_eq!(config.max_response_bytes, 1_048_576);
        assert!(config.user_agent.starts_with("sessionkit-rust/"));
        assert!(config.validate().is_ok());
    }

    #[test]
    fn t3_nonsense_values_are_refused() {
        let base = || StytchConfig::new("public-token-test-1");
        assert!(
            base()
                .with_request_timeout(Duration::ZERO)
                .validate()
                .is_err()
        );
        assert!(
            base()
                .with_connect_timeout(Duration::ZERO)
                .validate()
                .is_err()
        );
        assert!(base().with_max_response_bytes(0).validate().is_err());
        assert!(base().with_user_agent("bad\nagent").validate().is_err());
        assert!(base().with_project_id("").validate().is_err());
        let odd = StytchConfig::new("public-token-test-1:x").with_base_url("http://127.0.0.1:1");
        assert!(odd.validate().is_err());
        let empty = StytchConfig::new("").with_base_url("http://127.0.0.1:1");
        assert!(empty.validate().is_err());
    }
}
