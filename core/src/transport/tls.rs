//! How the transport's TLS is set up (SPEC T1): rustls with `ring`, checked by the
//! platform's own trust store.
//!
//! - **rustls, crypto from `ring`.** `ring` is Rust plus a little C and assembly that builds
//!   for iOS and Android with nothing but the platform's C toolchain; `aws-lc-rs` (rustls'
//!   default) also needs CMake and NASM in every mobile build environment. The provider is
//!   handed to this one `ClientConfig`, never installed process-wide, so an app that uses
//!   rustls elsewhere keeps its own choice.
//! - **`rustls-platform-verifier`.** Certificates are checked the way the phone checks them:
//!   the Security framework on iOS, the `X509TrustManager` on Android (user-installed and
//!   MDM roots, revocation, the platform's distrust decisions), and the system roots on
//!   Linux. A bundled root list would drift from what the OS trusts.
//! - **Android needs an init.** On Android the verifier calls into Java through JNI and must
//!   be initialised once by the app (`rustls_platform_verifier::android::init_with_env`, or
//!   `init_with_refs`) before the first HTTPS request. The Kotlin
//!   wrapper is to do that when SessionKit starts; without it the first handshake panics
//!   inside the verifier.
//!
//! The config is handed to reqwest whole (`tls_backend_preconfigured`), with the same ALPN
//! list reqwest would set itself.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;

/// The crypto provider SessionKit's TLS uses: `ring`.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A rustls client config using `ring` and the platform verifier.
///
/// When the platform trust store cannot be loaded (possible only on desktop Linux, e.g. a
/// container without CA certificates) and `require_trust_store` is false, the config trusts
/// nothing: plain-`http` use (the local sandbox) still works and any HTTPS handshake fails
/// as a connect error. With `require_trust_store` the failure is returned instead.
pub(super) fn client_config(require_trust_store: bool) -> Result<ClientConfig, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS setup failed: {error}"))?;
    let builder = match rustls_platform_verifier::Verifier::new(provider) {
        Ok(verifier) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier)),
        Err(error) if require_trust_store => {
            return Err(format!("the platform trust store is unusable: {error}"));
        }
        Err(error) => {
            tracing::warn!(%error, "platform trust store unusable; HTTPS will fail");
            builder.with_root_certificates(rustls::RootCertStore::empty())
        }
    };
    let mut config = builder.with_no_client_auth();
    // HTTP/1.1 only: SessionKit sends one small request every few minutes, where HTTP/2's
    // multiplexing buys nothing, and leaving h2 out saves about 200 KiB of every app's
    // library (scripts/size-report.sh). Stytch's API serves HTTP/1.1.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t1_client_config_uses_ring_and_offers_http1() {
        let config = client_config(false).unwrap();
        let ring = rustls::crypto::ring::default_provider();
        let suites = |p: &CryptoProvider| {
            p.cipher_suites
                .iter()
                .map(|s| s.suite())
                .collect::<Vec<_>>()
        };
        assert_eq!(suites(config.crypto_provider()), suites(&ring));
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
    }
}
