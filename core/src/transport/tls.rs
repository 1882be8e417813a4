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
//! The config is handed whole to `hyper-rustls`, which offers HTTP/1.1 only in ALPN.

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, SignatureScheme};

use super::pinning::{PinSet, PinningVerifier};

/// The crypto provider SessionKit's TLS uses: `ring`, as a client that never signs.
///
/// rustls' ring provider (`rustls::crypto::ring::default_provider`) names every suite and a
/// private-key loader, and so keeps all their code linked. This one is built from its parts
/// and leaves out what a session client never uses, so the linker drops it (measured with
/// scripts/size-report.sh): the private-key loader (SessionKit presents no client
/// certificate) and ChaCha20-Poly1305 (every phone SessionKit runs on has AES instructions,
/// and servers offering TLS 1.2 or 1.3 all offer AES-GCM). Certificate and handshake
/// signatures are checked with every algorithm rustls' ring provider checks.
fn provider() -> Arc<CryptoProvider> {
    use rustls::crypto::ring::{cipher_suite, kx_group};
    Arc::new(CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &SystemRandom,
        key_provider: &NoClientKeys,
    })
}

/// What certificate chains and handshakes may be signed with: rustls' ring set.
const SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = {
    use webpki::ring as alg;
    WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            // TLS 1.2 does not tie an ECDSA scheme to a curve; TLS 1.3 does.
            (
                SignatureScheme::ECDSA_NISTP384_SHA384,
                &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
            ),
            (
                SignatureScheme::ECDSA_NISTP256_SHA256,
                &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
            ),
            (SignatureScheme::ED25519, &[alg::ED25519]),
            (
                SignatureScheme::RSA_PSS_SHA512,
                &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA384,
                &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA256,
                &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA512,
                &[alg::RSA_PKCS1_2048_8192_SHA512],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA384,
                &[alg::RSA_PKCS1_2048_8192_SHA384],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA256,
                &[alg::RSA_PKCS1_2048_8192_SHA256],
            ),
        ],
    }
};

/// The operating system's generator, through `ring`.
#[derive(Debug)]
struct SystemRandom;

impl rustls::crypto::SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new()
            .fill(buf)
            .map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// A key provider for a client without a certificate of its own: loads no keys.
#[derive(Debug)]
struct NoClientKeys;

impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key_der: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "SessionKit presents no client certificate".into(),
        ))
    }
}

/// A rustls client config using `ring` and the platform verifier.
///
/// When the platform trust store cannot be loaded (possible only on desktop Linux, e.g. a
/// container without CA certificates) and `require_trust_store` is false, the config trusts
/// nothing: plain-`http` use (the local sandbox) still works and any HTTPS handshake fails
/// as a connect error. With `require_trust_store` the failure is returned instead.
///
/// With `pins`, the platform verifier is wrapped by the pin check (V7); pins need https, so
/// the trust store is then always required.
pub(super) fn client_config(
    require_trust_store: bool,
    pins: Option<&PinSet>,
    extra_roots: &[CertificateDer<'static>],
) -> Result<ClientConfig, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS setup failed: {error}"))?;
    let builder = match platform_verifier(provider, extra_roots) {
        Ok(platform) => {
            let verifier: Arc<dyn ServerCertVerifier> = match pins {
                Some(pins) => Arc::new(PinningVerifier::new(platform, pins.clone())),
                None => platform,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(verifier)
        }
        Err(error) if require_trust_store => {
            return Err(format!("the platform trust store is unusable: {error}"));
        }
        Err(error) => {
            tracing::warn!(%error, "platform trust store unusable; HTTPS will fail");
            builder.with_root_certificates(rustls::RootCertStore::empty())
        }
    };
    // ALPN is left to hyper-rustls, which offers exactly the HTTP versions the connector
    // enables: HTTP/1.1 only (stytch.rs). SessionKit sends one small request every few
    // minutes, where HTTP/2's multiplexing buys nothing, and leaving h2 out saves about
    // 570 KB of every app's library (scripts/size-report.sh). Stytch's API serves HTTP/1.1.
    let config = builder.with_no_client_auth();
    Ok(config)
}

/// The platform's verifier; in test builds, with extra roots (the HTTPS sandbox's CA).
fn platform_verifier(
    provider: Arc<CryptoProvider>,
    extra_roots: &[CertificateDer<'static>],
) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    #[cfg(not(target_os = "android"))]
    if !extra_roots.is_empty() {
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra_roots.iter().cloned(),
            provider,
        )?;
        return Ok(Arc::new(verifier));
    }
    #[cfg(target_os = "android")]
    let _ = extra_roots;
    Ok(Arc::new(rustls_platform_verifier::Verifier::new(provider)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
    use rustls::{CipherSuite, DigitallySignedStruct, ProtocolVersion, ServerConfig};

    #[test]
    fn t1_client_config_uses_ring_aes_gcm() {
        let config = client_config(false, None, &[]).unwrap();
        let suites: Vec<_> = config
            .crypto_provider()
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        assert_eq!(suites.len(), 6);
        assert!(suites.iter().all(|s| format!("{s:?}").contains("_GCM_")));
        assert!(config.crypto_provider().fips() == rustls::crypto::ring::default_provider().fips());
        assert!(config.alpn_protocols.is_empty(), "hyper-rustls sets ALPN");
    }

    /// Trusts exactly one certificate, and checks handshake signatures with the provider's
    /// algorithms: what the platform verifier does after it has accepted the chain.
    #[derive(Debug)]
    struct Pinned(CertificateDer<'static>, WebPkiSupportedAlgorithms);

    impl ServerCertVerifier for Pinned {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            if end_entity.as_ref() == self.0.as_ref() {
                Ok(ServerCertVerified::assertion())
            } else {
                Err(rustls::Error::General("not the pinned certificate".into()))
            }
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.1)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.1)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.1.supported_schemes()
        }
    }

    /// A full in-memory handshake between SessionKit's trimmed provider and a rustls server
    /// on ring's complete provider, with the sandbox's RSA certificate: the suites, key
    /// exchange and signature table are enough to agree and to verify the server.
    fn handshake(
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> (ProtocolVersion, CipherSuite) {
        const CERT: &[u8] = include_bytes!("../../../tests/sandbox/keys/sandbox-signing-cert.pem");
        const KEY: &[u8] = include_bytes!("../../../tests/sandbox/keys/sandbox-signing-key.pem");
        let cert = CertificateDer::from_pem_slice(CERT).unwrap();
        let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
        let server_config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert.clone()], key)
                .unwrap();
        let client_config = ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned(cert, SIGNATURE_ALGORITHMS)))
            .with_no_client_auth();
        let mut client = rustls::ClientConnection::new(
            Arc::new(client_config),
            ServerName::try_from("sandbox.test").unwrap(),
        )
        .unwrap();
        let mut server = rustls::ServerConnection::new(Arc::new(server_config)).unwrap();
        for _ in 0..10 {
            let mut wire = Vec::new();
            client.write_tls(&mut wire).unwrap();
            server.read_tls(&mut &wire[..]).unwrap();
            server.process_new_packets().unwrap();
            wire.clear();
            server.write_tls(&mut wire).unwrap();
            client.read_tls(&mut &wire[..]).unwrap();
            client.process_new_packets().unwrap();
            if !client.is_handshaking() && !server.is_handshaking() {
                return (
                    client.protocol_version().unwrap(),
                    client.negotiated_cipher_suite().unwrap().suite(),
                );
            }
        }
        panic!("the handshake did not complete");
    }

    #[test]
    fn t1_the_trimmed_provider_completes_tls13_and_tls12_handshakes() {
        assert_eq!(
            handshake(&[&rustls::version::TLS13]),
            (
                ProtocolVersion::TLSv1_3,
                CipherSuite::TLS13_AES_128_GCM_SHA256
            )
        );
        assert_eq!(
            handshake(&[&rustls::version::TLS12]),
            (
                ProtocolVersion::TLSv1_2,
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            )
        );
    }

    #[test]
    fn t1_no_client_key_is_ever_loaded() {
        let key = PrivateKeyDer::from_pem_slice(include_bytes!(
            "../../../tests/sandbox/keys/sandbox-signing-key.pem"
        ))
        .unwrap();
        assert!(provider().key_provider.load_private_key(key).is_err());
    }
}
