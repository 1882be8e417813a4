//! [`ClientConfig`]: everything an app sets when it starts the engine, as one record with
//! defaults, so that a wrapper names only what it changes. Records are what UniFFI hands
//! every language alike, as values; a builder object would cross the FFI once per chained
//! call, and each wrapper offers its own idiom on top anyway (Kotlin named arguments and
//! `copy`, Swift's memberwise initialiser). It maps onto the core's builder, [`StytchConfig`]
//! and [`RefreshPolicy`]; checking the values stays in the core.

use std::time::Duration;

use sessionkit::transport::StytchConfig;

use crate::logging::{LogLevel, PlatformLog};

/// The app logger's level when the configuration names none.
pub(crate) const DEFAULT_LOG_LEVEL: LogLevel = LogLevel::Info;
use sessionkit::{RefreshPolicy, SessionClient, SessionClientBuilder, SessionError};

/// How a [`SessionClient`](crate::SessionClient) talks to Stytch and refreshes the session.
/// Every `None` means the core's default.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ClientConfig {
    /// The project's public token (`public-token-test-...` or `public-token-live-...`); it
    /// picks the Stytch environment unless `base_url` is set.
    pub public_token: String,
    /// Overrides the base URL derived from the token: a custom domain, a proxy, the sandbox.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// The project id; needed only to verify session JWTs locally against the JWKS.
    #[uniffi(default = None)]
    pub project_id: Option<String>,
    /// Whether the engine refreshes the session by itself (S1-S5). Off: only explicit
    /// `authenticate` calls reach the server.
    #[uniffi(default = true)]
    pub automatic_refresh: bool,
    /// Time between scheduled refreshes (default 180 s).
    #[uniffi(default = None)]
    pub heartbeat: Option<Duration>,
    /// How long before the session or its JWT expires a refresh is due (default 60 s).
    #[uniffi(default = None)]
    pub refresh_margin: Option<Duration>,
    /// Automatic extension (S3): scheduled refreshes send this `session_duration_minutes`.
    /// `None` (the default) never extends a session.
    #[uniffi(default = None)]
    pub auto_extend_minutes: Option<u32>,
    /// How long to wait for a connection (default 10 s).
    #[uniffi(default = None)]
    pub connect_timeout: Option<Duration>,
    /// How long a whole request may take (default 30 s).
    #[uniffi(default = None)]
    pub request_timeout: Option<Duration>,
    /// Largest response body accepted, in bytes (default 1 MiB).
    #[uniffi(default = None)]
    pub max_response_bytes: Option<u64>,
    /// The least severe level the app's logger hears (default info).
    #[uniffi(default = None)]
    pub log_level: Option<LogLevel>,
    /// The unified log's subsystem on Apple platforms (default `dev.sessionkit`).
    #[uniffi(default = None)]
    pub log_subsystem: Option<String>,
    /// The logcat tag on Android (default `SessionKit`).
    #[uniffi(default = None)]
    pub log_tag: Option<String>,
    /// A directory every process sharing the store can write (an App Group container on
    /// iOS, the app's files directory on Android): the engines of those processes coordinate
    /// there (C1-C3). `None` (the default): this process is the store's only user.
    #[uniffi(default = None)]
    pub shared_directory: Option<String>,
    /// Certificate pins (V7): base64 SHA-256 of the server's SubjectPublicKeyInfo,
    /// `sha256/` prefix optional, at least two (one a backup). Empty (the default): none.
    #[uniffi(default = [])]
    pub certificate_pins: Vec<String>,
}

impl ClientConfig {
    /// The core's builder, configured as this record says (everything but the store).
    pub(crate) fn builder(&self) -> Result<SessionClientBuilder, SessionError> {
        let mut builder = SessionClient::builder().stytch(self.stytch());
        if let Some(directory) = &self.shared_directory {
            builder = builder.shared_between_processes(directory);
        }
        Ok(match self.refresh_policy() {
            Some(policy) => builder.refresh_policy(policy),
            None => builder.manual_refresh(),
        })
    }

    /// The transport configuration.
    pub(crate) fn stytch(&self) -> StytchConfig {
        let mut config = StytchConfig::new(&self.public_token);
        if let Some(base_url) = &self.base_url {
            config = config.with_base_url(base_url);
        }
        if let Some(project_id) = &self.project_id {
            config = config.with_project_id(project_id);
        }
        if let Some(timeout) = self.connect_timeout {
            config = config.with_connect_timeout(timeout);
        }
        if let Some(timeout) = self.request_timeout {
            config = config.with_request_timeout(timeout);
        }
        if let Some(limit) = self.max_response_bytes {
            config = config.with_max_response_bytes(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        config.with_certificate_pins(self.certificate_pins.iter().cloned())
    }

    /// Where the platform's log lines go (checked: the platform layers refuse a NUL).
    pub(crate) fn platform_log(&self) -> Result<PlatformLog, SessionError> {
        let platform = PlatformLog {
            subsystem: self
                .log_subsystem
                .clone()
                .unwrap_or_else(|| "dev.sessionkit".into()),
            tag: self.log_tag.clone().unwrap_or_else(|| "SessionKit".into()),
        };
        crate::logging::check_name("log_subsystem", &platform.subsystem)
            .and_then(|()| crate::logging::check_name("log_tag", &platform.tag))
            .map_err(|detail| SessionError::InvalidArgument { detail })?;
        Ok(platform)
    }

    /// The refresh policy, or `None` for manual refresh.
    pub(crate) fn refresh_policy(&self) -> Option<RefreshPolicy> {
        if !self.automatic_refresh {
            return None;
        }
        let defaults = RefreshPolicy::default();
        let mut policy = RefreshPolicy {
            heartbeat: self.heartbeat.unwrap_or(defaults.heartbeat),
            refresh_margin: self.refresh_margin.unwrap_or(defaults.refresh_margin),
            ..defaults
        };
        if let Some(minutes) = self.auto_extend_minutes {
            policy = policy.with_automatic_extension(minutes);
        }
        Some(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig {
            public_token: "public-token-test-1".into(),
            base_url: None,
            project_id: None,
            automatic_refresh: true,
            heartbeat: None,
            refresh_margin: None,
            auto_extend_minutes: None,
            connect_timeout: None,
            request_timeout: None,
            max_response_bytes: None,
            log_level: None,
            log_subsystem: None,
            log_tag: None,
            shared_directory: None,
            certificate_pins: Vec::new(),
        }
    }

    #[test]
    fn unset_values_take_the_core_defaults() {
        assert_eq!(config().refresh_policy(), Some(RefreshPolicy::default()));
        let stytch = config().stytch();
        assert_eq!(
            stytch.request_timeout,
            StytchConfig::DEFAULT_REQUEST_TIMEOUT
        );
        assert_eq!(stytch.base_url, None);
    }

    #[test]
    fn s3_auto_extension_and_manual_refresh_map_to_the_policy() {
        let extended = ClientConfig {
            auto_extend_minutes: Some(60),
            heartbeat: Some(Duration::from_secs(30)),
            ..config()
        };
        let policy = extended.refresh_policy().unwrap();
        assert_eq!(policy.session_duration_minutes, Some(60));
        assert_eq!(policy.heartbeat, Duration::from_secs(30));
        let manual = ClientConfig {
            automatic_refresh: false,
            ..config()
        };
        assert_eq!(manual.refresh_policy(), None);
    }

    #[test]
    fn t3_t4_transport_values_are_passed_through() {
        let custom = ClientConfig {
            base_url: Some("http://127.0.0.1:9".into()),
            project_id: Some("project-test-1".into()),
            request_timeout: Some(Duration::from_secs(5)),
            max_response_bytes: Some(4096),
            ..config()
        };
        let stytch = custom.stytch();
        assert_eq!(stytch.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(stytch.project_id.as_deref(), Some("project-test-1"));
        assert_eq!(stytch.request_timeout, Duration::from_secs(5));
        assert_eq!(stytch.max_response_bytes, 4096);
    }
}
