//! Optional certificate pinning (SPEC V7): the SHA-256 of the server certificate's
//! SubjectPublicKeyInfo must be one of a configured set, checked **in addition** to the
//! platform's verification, never instead of it.
//!
//! - Pins are base64 SHA-256 digests, `sha256/` prefix optional: the notation of OkHttp's
//!   `CertificatePinner` and TrustKit, and what
//!   `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`
//!   prints.
//! - At least two different pins: the key in use and the next one (a backup), or a key
//!   rotation locks every installed app out.
//! - Only the leaf is pinned. The intermediates are whatever the server sent, not the path
//!   the platform verified: matching them would let any publicly trusted leaf through by
//!   appending the (public) pinned intermediate. The platform verifier does not expose the
//!   verified path.
//! - TLS resumption skips certificate verification, but tickets live in this config only,
//!   which every handshake of carries the same pins.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, OtherError, SignatureScheme,
};

/// The configured pins: SHA-256 digests of SubjectPublicKeyInfos, at least two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PinSet(Vec<[u8; 32]>);

impl PinSet {
    /// `None` for an empty list: no pinning.
    pub(crate) fn parse(pins: &[String]) -> Result<Option<Self>, String> {
        if pins.is_empty() {
            return Ok(None);
        }
        let mut set = Vec::with_capacity(pins.len());
        for (index, pin) in pins.iter().enumerate() {
            let text = pin.trim();
            let text = text.strip_prefix("sha256/").unwrap_or(text);
            let digest: [u8; 32] = STANDARD
                .decode(text)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| {
                    format!(
                        "certificate pin {} is not base64 of a SHA-256 digest (sha256/...)",
                        index + 1
                    )
                })?;
            if !set.contains(&digest) {
                set.push(digest);
            }
        }
        if set.len() < 2 {
            return Err(
                "certificate pinning needs a backup pin: give at least two different \
                 pins, the key in use and the next one"
                    .into(),
            );
        }
        Ok(Some(Self(set)))
    }
}

/// Why a server was refused although the platform accepted its certificate.
pub(crate) struct PinMismatch {
    presented: [u8; 32],
    configured: usize,
}

impl fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server's public key sha256/{} matches none of the {} configured pins",
            STANDARD.encode(self.presented),
            self.configured
        )
    }
}

// rustls prints `CertificateError::Other` with Debug: keep it readable.
impl fmt::Debug for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PinMismatch({self})")
    }
}

impl std::error::Error for PinMismatch {}

/// The platform verifier, then the pins.
#[derive(Debug)]
pub(super) struct PinningVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    pins: PinSet,
}

impl PinningVerifier {
    pub(super) fn new(inner: Arc<dyn ServerCertVerifier>, pins: PinSet) -> Self {
        Self { inner, pins }
    }
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The platform's verdict first: an untrusted chain is reported as that, not as a pin.
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let presented = spki_sha256(end_entity)?;
        if self.pins.0.contains(&presented) {
            return Ok(verified);
        }
        let mismatch = PinMismatch {
            presented,
            configured: self.pins.0.len(),
        };
        tracing::warn!(%mismatch, "certificate pin mismatch (V7)");
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(mismatch)),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// SHA-256 of the certificate's DER SubjectPublicKeyInfo.
pub(crate) fn spki_sha256(cert: &CertificateDer<'_>) -> Result<[u8; 32], rustls::Error> {
    let parsed = webpki::EndEntityCert::try_from(cert)
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let spki = parsed.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    let mut pin = [0_u8; 32];
    pin.copy_from_slice(digest.as_ref());
    Ok(pin)
}

/// The pin mismatch inside a failed request, if that is why it failed. hyper-util's error
/// holds hyper-rustls' `io::Error`, which holds tokio-rustls' `io::Error`, which holds
/// rustls' error; `io::Error` hides what it wraps from `source()`, so each is opened with
/// `get_ref`.
pub(super) fn pin_mismatch<'e>(
    error: &'e (dyn std::error::Error + 'static),
) -> Option<&'e PinMismatch> {
    let mut next = Some(error);
    while let Some(cause) = next {
        if let Some(found) = cause.downcast_ref::<PinMismatch>() {
            return Some(found);
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return match tls {
                rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
                    other.0.downcast_ref::<PinMismatch>()
                }
                _ => None,
            };
        }
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(byte: u8) -> String {
        format!("sha256/{}", STANDARD.encode([byte; 32]))
    }

    #[test]
    fn v7_pins_are_base64_sha256_with_a_backup() {
        assert_eq!(PinSet::parse(&[]).unwrap(), None);
        assert!(
            PinSet::parse(&[pin(1), STANDARD.encode([2; 32])])
                .unwrap()
                .is_some()
        );
        let one = PinSet::parse(&[pin(1)]).unwrap_err();
        assert!(one.contains("backup"), "{one}");
        assert!(
            PinSet::parse(&[pin(1), pin(1)])
                .unwrap_err()
                .contains("backup")
        );
        let short = PinSet::parse(&[pin(1), STANDARD.encode([2; 31])]).unwrap_err();
        assert!(short.contains("pin 2"), "{short}");
        assert!(PinSet::parse(&[pin(1), "sha256/not base64!".into()]).is_err());
    }

    #[test]
    fn v7_a_mismatch_is_found_through_the_io_errors_that_wrap_it() {
        let mismatch = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(PinMismatch {
                presented: [3; 32],
                configured: 2,
            }),
        )));
        let wrapped = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            mismatch,
        ));
        let found = pin_mismatch(&wrapped).expect("found");
        assert!(found.to_string().contains("none of the 2 configured pins"));
        let untrusted = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        ));
        assert!(pin_mismatch(&untrusted).is_none());
    }
}
