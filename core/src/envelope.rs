//! The one blob a store keeps (SPEC M4): tokens, the last known session, when the server last
//! confirmed it and the server-clock offset (R5), under a format version.
//!
//! Newer code must read every older format, so decoding first reads the version alone and
//! then picks the matching layout. A version newer than this code knows is treated as
//! corrupt (E5): guessing at a future layout could resurrect or mangle a session.
//!
//! | format | adds | written by |
//! | --- | --- | --- |
//! | 1 | tokens, session, `last_validated_at` | SessionKit before server time |
//! | 2 | `clock_offset_millis` (server minus device, R5) | this version |
//!
//! # Changing the stored format: the checklist
//! 1. Never edit a released format's layout or field names: add format N+1.
//! 2. Bump [`CURRENT_FORMAT`]; `encode` writes only the newest format.
//! 3. Decode every older format into [`Envelope`], with a default for what it lacks.
//! 4. Freeze a sample written by the new format in `core/tests/fixtures/envelope_vN.json`
//!    and keep every older sample: the storage tests read each one back field by field.
//! 5. An older SessionKit meets the new format as a "future format": it wipes it (E5) and
//!    the user signs in again. Say so in the release notes when shipping a new format.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::model::{Session, SessionTokens, describe_json_error, starts_as_object};

/// The format this code writes.
pub(crate) const CURRENT_FORMAT: u32 = 2;

/// What survives a restart.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Envelope {
    pub(crate) tokens: SessionTokens,
    pub(crate) session: Option<Session>,
    pub(crate) last_validated_at: Option<DateTime<Utc>>,
    /// Server clock minus device clock, in milliseconds, when known (format 2 on).
    pub(crate) clock_offset_millis: Option<i64>,
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

/// Formats 1 and 2: format 2 is format 1 plus `clock_offset_millis`, which format 1 blobs
/// simply lack. Field names are part of the on-disk format: never rename them.
#[derive(Serialize, Deserialize)]
struct Layout<'a> {
    format: u32,
    session_token: Zeroizing<String>,
    session_jwt: Zeroizing<String>,
    #[serde(default)]
    session: Option<std::borrow::Cow<'a, Session>>,
    #[serde(default)]
    last_validated_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clock_offset_millis: Option<i64>,
}

/// Counts what is written, keeps nothing.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Envelope {
    /// Serialises into the current format. The bytes hold tokens, so they are wiped on drop.
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let layout = Layout {
            format: CURRENT_FORMAT,
            session_token: Zeroizing::new(self.tokens.session_token().to_owned()),
            session_jwt: Zeroizing::new(self.tokens.session_jwt().to_owned()),
            session: self.session.as_ref().map(std::borrow::Cow::Borrowed),
            last_validated_at: self.last_validated_at,
            clock_offset_millis: self.clock_offset_millis,
        };
        // Measured first, then written into a buffer of exactly that size: a growing `Vec`
        // would leave copies of the tokens behind in memory it frees on the way (V8).
        // Serialising plain data into memory cannot fail.
        let mut counter = ByteCount(0);
        serde_json::to_writer(&mut counter, &layout).expect("envelope serialises");
        let mut bytes = Zeroizing::new(Vec::with_capacity(counter.0));
        serde_json::to_writer(&mut *bytes, &layout).expect("envelope serialises");
        debug_assert_eq!(bytes.len(), bytes.capacity());
        bytes
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
            format @ (1 | 2) => {
                let layout: Layout<'static> =
                    serde_json::from_slice(bytes).map_err(|e| EnvelopeError::Malformed {
                        format,
                        reason: describe_json_error(&e),
                    })?;
                Ok(Self {
                    tokens: SessionTokens::new(
                        layout.session_token.as_str(),
                        layout.session_jwt.as_str(),
                    ),
                    session: layout.session.map(std::borrow::Cow::into_owned),
                    last_validated_at: layout.last_validated_at,
                    // Format 1 predates server time: its blobs never hold an offset.
                    clock_offset_millis: if format == 1 {
                        None
                    } else {
                        layout.clock_offset_millis
                    },
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
