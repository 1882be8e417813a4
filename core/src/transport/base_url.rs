//! Where requests go (SPEC T4): the environment named by the public token, or an override.
//!
//! Stytch's own mobile SDKs pick the host from the public token's prefix, and so does
//! SessionKit, so an app that swaps its test token for its live one cannot end up talking to
//! the wrong environment. The hosts are the ones those SDKs use:
//!
//! - stytch-ios, `Sources/StytchCore/SharedModels/Configuration.swift` (`baseUrl`): host
//!   `test.stytch.com` when the token has the prefix `public-token-test`, otherwise
//!   `api.stytch.com`; path `/sdk/v1/`. Its `LocalStorage.stytchDomain` does the same.
//! - stytch-android, `source/sdk/src/main/java/com/stytch/sdk/common/Constants.kt`:
//!   `TEST_BASE_DOMAIN = "test.stytch.com"`, `LIVE_BASE_DOMAIN = "api.stytch.com"`,
//!   `SDK_URL_PATH = "/sdk/v1/"`, `API_URL_PATH = "/v1/"` (the latter for `/v1/sessions/jwks`).
//!
//! Unlike those SDKs, a token that is neither `public-token-test-` nor `public-token-live-`
//! is refused instead of silently going to live: it is almost always a pasted secret or a
//! project id.

use http::Uri;

/// Stytch's test environment.
pub(crate) const TEST_BASE_URL: &str = "https://test.stytch.com";
/// Stytch's live environment.
pub(crate) const LIVE_BASE_URL: &str = "https://api.stytch.com";

const TEST_TOKEN_PREFIX: &str = "public-token-test-";
const LIVE_TOKEN_PREFIX: &str = "public-token-live-";

/// A checked base URL: `http` or `https`, a host, no credentials, query or fragment, and a
/// path without trailing slashes. Scheme and host are lower-cased. An internationalised
/// host is written in its ASCII (punycode) form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    text: String,
}

impl BaseUrl {
    /// The environment `public_token` belongs to. The error never quotes the token.
    pub(crate) fn for_public_token(public_token: &str) -> Result<Self, String> {
        let url = if public_token.starts_with(TEST_TOKEN_PREFIX) {
            TEST_BASE_URL
        } else if public_token.starts_with(LIVE_TOKEN_PREFIX) {
            LIVE_BASE_URL
        } else {
            return Err(format!(
                "the public token starts with neither `{TEST_TOKEN_PREFIX}` nor \
                 `{LIVE_TOKEN_PREFIX}`; set base_url to use another server"
            ));
        };
        Self::parse(url)
    }

    /// An explicit base URL, such as `http://127.0.0.1:8080/` or `https://auth.example.com/stytch`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        // `http::Uri` drops a fragment silently: refuse it before parsing.
        if text.contains('#') {
            return Err("the base URL must not have a query or a fragment".into());
        }
        let uri: Uri = text
            .parse()
            .map_err(|error| format!("the base URL is not a valid URL: {error}"))?;
        let scheme = match uri.scheme_str().map(str::to_ascii_lowercase) {
            Some(scheme) if scheme == "http" || scheme == "https" => scheme,
            Some(other) => {
                return Err(format!("the base URL must be http or https, not `{other}`"));
            }
            None => return Err("the base URL is not a valid URL: it has no scheme".into()),
        };
        let Some(authority) = uri.authority() else {
            return Err("the base URL has no host".into());
        };
        if authority.as_str().contains('@') {
            return Err("the base URL must not carry credentials".into());
        }
        if authority.host().is_empty() {
            return Err("the base URL has no host".into());
        }
        // V1: our own network stack carries the tokens, so neither App Transport Security nor
        // Android's cleartext policy would stop a wrong `http://` from sending them in clear.
        if scheme == "http" && !is_loopback_host(authority.host()) {
            return Err("an http:// base URL is allowed only for a loopback host \
                 (localhost, 127.0.0.0/8, [::1]): use https"
                .into());
        }
        if uri.query().is_some() {
            return Err("the base URL must not have a query or a fragment".into());
        }
        let authority = authority.as_str().to_ascii_lowercase();
        let path = uri.path().trim_end_matches('/');
        Ok(Self {
            text: format!("{scheme}://{authority}{path}"),
        })
    }

    /// Whether requests go over TLS.
    pub(crate) fn is_https(&self) -> bool {
        self.text.starts_with("https:")
    }

    /// The base URL without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The base URL followed by `segments`, each percent-encoded as one path segment.
    pub(crate) fn join(&self, segments: &[&str]) -> Uri {
        let mut text = self.text.clone();
        for segment in segments {
            text.push('/');
            push_path_segment(&mut text, segment);
        }
        // A checked base plus percent-encoded segments is always a valid URI.
        text.parse()
            .expect("a checked base URL joined with encoded segments")
    }
}

/// Appends `segment` with everything but RFC 3986's unreserved characters percent-encoded,
/// so that `/`, `?`, `#`, `%` and spaces inside it can never change where the request goes.
fn push_path_segment(out: &mut String, segment: &str) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// V1: whether a URL host is the loopback interface: `localhost`, 127.0.0.0/8 or `[::1]`.
/// `host` is as `http::uri::Authority::host` gives it, IPv6 literals in brackets. Anything
/// else, `0.0.0.0`, `localhost.example.com` and IPv4-mapped `[::ffff:127.0.0.1]` included, is
/// not.
fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t4_test_and_live_tokens_pick_their_environment() {
        let test = BaseUrl::for_public_token("public-token-test-123").unwrap();
        assert_eq!(test.as_str(), "https://test.stytch.com");
        let live = BaseUrl::for_public_token("public-token-live-123").unwrap();
        assert_eq!(live.as_str(), "https://api.stytch.com");
        for bad in [
            "",
            "secret-test-123",
            "project-live-1",
            "public-token-test",
            "PUBLIC-TOKEN-LIVE-1",
        ] {
            assert!(BaseUrl::for_public_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn t4_endpoints_join_without_double_slashes() {
        for base in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080//",
        ] {
            let url = BaseUrl::parse(base).unwrap();
            assert_eq!(url.as_str(), "http://127.0.0.1:8080");
            assert_eq!(
                url.join(&["sdk", "v1", "sessions", "authenticate"])
                    .to_string(),
                "http://127.0.0.1:8080/sdk/v1/sessions/authenticate"
            );
        }
        let prefixed = BaseUrl::parse("https://auth.example.com/stytch/").unwrap();
        assert_eq!(prefixed.as_str(), "https://auth.example.com/stytch");
        assert_eq!(
            prefixed
                .join(&["v1", "sessions", "jwks", "project/../x y"])
                .to_string(),
            "https://auth.example.com/stytch/v1/sessions/jwks/project%2F..%2Fx%20y"
        );
        assert_eq!(
            BaseUrl::parse("HTTPS://Auth.Example.COM:8443/Path/")
                .unwrap()
                .as_str(),
            "https://auth.example.com:8443/Path"
        );
        assert_eq!(
            BaseUrl::parse("http://[::1]:8080")
                .unwrap()
                .join(&["a"])
                .to_string(),
            "http://[::1]:8080/a"
        );
    }

    #[test]
    fn t4_unusable_overrides_are_refused() {
        for bad in [
            "",
            "127.0.0.1:8080",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
            "https://example.com/#x",
            "file:///tmp/x",
            "https://",
            "https://bücher.example",
            "https://example.com?q",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn v1_http_is_accepted_for_loopback_hosts_only() {
        for url in [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://127.0.0.1:1",
            "http://127.255.255.254/stytch",
            "http://[::1]:8080",
        ] {
            assert!(BaseUrl::parse(url).is_ok(), "{url} refused");
        }
        for url in [
            "http://example.com",
            "http://10.0.0.1",
            "http://0.0.0.0:80",
            "http://[::ffff:127.0.0.1]",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
            "http://2130706433",
            "http://192.168.1.20:8080",
        ] {
            let error = BaseUrl::parse(url).unwrap_err();
            assert!(error.contains("loopback"), "{url}: {error}");
        }
        assert!(BaseUrl::parse("https://example.com").is_ok());
    }
}
