//! Local checks of the session JWT, without I/O (SPEC J1, J2).
//!
//! The scheduler needs the JWT's expiry to refresh before it lapses (J1): that is a plain
//! read of the `exp` claim, trusting nothing else. An app that wants to know whether the
//! token would pass its backend's check can also verify the signature against the project's
//! JWKS (J2) with [`JwtVerifier`]; once the keys are cached that needs no network either.

mod claims;
mod jwks;
mod numeric_date;
mod verified_session;
mod verifier;

pub use claims::{JwtError, read_expiry};
pub(crate) use claims::{read_identity, read_issued_at};
pub use verified_session::VerifiedSession;
pub use verifier::{JwtCheck, JwtVerifier};
