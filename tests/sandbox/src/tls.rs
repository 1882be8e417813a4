//! The sandbox's HTTPS listener (SPEC V7 tests): one of two test-only leaves of a test CA,
//! `tests/sandbox/keys/tls-*.pem` (see the README there).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::CertificateDer, pki_types::PrivateKeyDer};

/// Which certificate the HTTPS listener presents. Both chain to [`TLS_TEST_CA_PEM`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsCert {
    /// The leaf whose key [`PINNED_SPKI_SHA256`] names.
    Pinned,
    /// Another leaf of the same CA, which no pin names.
    Other,
}

/// The test CA both certificates chain to: trusted only by tests, never by a system.
pub const TLS_TEST_CA_PEM: &[u8] = include_bytes!("../keys/tls-ca-cert.pem");
/// The pin of [`TlsCert::Pinned`]'s key.
pub const PINNED_SPKI_SHA256: &str = "sha256/au2wVAhi7DhLyU8g/6yFYoGLlzi4OT4QEF4jZkBcaJI=";
/// The pin of [`TlsCert::Other`]'s key.
pub const OTHER_SPKI_SHA256: &str = "sha256/iUAfyN/e1iDzuxBVKJECGwlEu25AurqgWkGP8q6kii0=";
/// The pin of a key no certificate uses: the backup pin of the tests.
pub const BACKUP_SPKI_SHA256: &str = "sha256/g8LIV7zpNkS8awp/jaN07eUwtzT5IMd7PU9gllUjuQ0=";

pub(crate) fn acceptor(cert: TlsCert) -> TlsAcceptor {
    let (cert_pem, key_pem): (&[u8], &[u8]) = match cert {
        TlsCert::Pinned => (
            include_bytes!("../keys/tls-pinned-cert.pem"),
            include_bytes!("../keys/tls-pinned-key.pem"),
        ),
        TlsCert::Other => (
            include_bytes!("../keys/tls-other-cert.pem"),
            include_bytes!("../keys/tls-other-key.pem"),
        ),
    };
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .expect("the committed sandbox certificate is PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem).expect("the committed sandbox key is PEM");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports TLS 1.2 and 1.3")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("the committed key matches its certificate");
    TlsAcceptor::from(Arc::new(config))
}
