//! The one blob a store keeps (SPEC M4): tokens, the last known session and when the server
//! last confirmed it, under a format version.
//!
//! Newer code must read every older format, so decoding first reads the version alone and
//! then picks the matching layout. A version newer than this code knows is treated as
//! corrupt (E5): guessing at a future layout could resurrect or mangle a session.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::model::{Session, SessionTokens, describe_json_error, starts_as_object};

/// The format this code writes.
pub(crate) const CURRENT_FORMAT: u32 = 1;

/// What survives a restart.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Envelope {
    pub tokens: SessionTokens,
    pub session: Option<Session>,
    pub last_validated_at: Option<DateTime<Utc>>,
}

/// Why a stored blob could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EnvelopeError {
    #[error("stored session is not a SessionKit envelope")]
    NotAnEnvelope,
    #[error("stored session was written by a newer SessionKit (format {0})")]
    FutureFormat(u32),
    #[error("stored session (format {format}) is malformed: {reason}")]
    Malformed { format: u32, reason: String },
}

#[derive(Deserialize)]
struct FormatProbe {
    format: u32,
}

/// Format 1. Field names are part of the on-disk format: never rename them.
#[derive(Serialize, Deserialize)]
struct V1<'a> {
    format: u32,
    session_token: Zeroizing<String>,
    session_jwt: Zeroizing<String>,
    #[serde(default)]
    session: Option<std::borrow::Cow<'a, Session>>,
    #[serde(default)]
    last_validated_at: Option<DateTime<Utc>>,
}

impl Envelope {
    /// Serialises into the current format. The bytes hold tokens, so they are wiped on drop.
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let v1 = V1 {
            format: CURRENT_FORMAT,
            session_token: Zeroizing::new(self.tokens.session_token().to_owned()),
            session_jwt: Zeroizing::new(self.tokens.session_jwt().to_owned()),
            session: self.session.as_ref().map(std::borrow::Cow::Borrowed),
            last_validated_at: self.last_validated_at,
        };
        // Serialising plain data into memory cannot fail.
        Zeroizing::new(serde_json::to_vec(&v1).expect("envelope serialises"))
    }

    /// Reads any format this code knows. Never panics, whatever the bytes.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        // An envelope is a JSON object; serde would also read an array positionally, so
        // `[2]` passed for "written by a newer SessionKit" (found by cargo fuzz).
        if !starts_as_object(bytes) {
            return Err(EnvelopeError::NotAnEnvelope);
        }
        let probe: FormatProbe =
            serde_json::from_slice(bytes).map_err(|_| EnvelopeError::NotAnEnvelope)?;
        match probe.format {
            1 => {
                let v1: V1<'static> =
                    serde_json::from_slice(bytes).map_err(|e| EnvelopeError::Malformed {
                        format: 1,
                        reason: describe_json_error(&e),
                    })?;
                Ok(Self {
                    tokens: SessionTokens::new(v1.session_token.as_str(), v1.session_jwt.as_str()),
                    session: v1.session.map(std::borrow::Cow::into_owned),
                    last_validated_at: v1.last_validated_at,
                })
            }
            future if future > CURRENT_FORMAT => Err(EnvelopeError::FutureFormat(future)),
            unknown => Err(EnvelopeError::Malformed {
                format: unknown,
                reason: "unknown format version".into(),
            }),
        }
    }
}
