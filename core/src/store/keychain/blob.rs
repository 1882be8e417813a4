//! The keychain item's data: `magic "SKKC" (4) | format (1) | envelope`.
//!
//! The keychain encrypts and authenticates the item itself, so this header does not protect
//! anything: it says whose item this is and in which format. An item that another app, an
//! older library or a future format left under the same service and account is
//! [`StoreError::Corrupted`] (E5) instead of being handed to the engine as if it were an
//! envelope; the engine then wipes it with `clear` and carries on signed out. The envelope
//! inside is the engine's own versioned one (M4), which the engine checks itself.
//!
//! The item is written whole by one `SecItemAdd` or `SecItemUpdate`, so there is no torn
//! item to detect (P2). Decoding never panics, whatever the bytes.

use zeroize::Zeroizing;

use crate::store::StoreError;

const MAGIC: &[u8; 4] = b"SKKC";
const FORMAT: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;

/// Frames `envelope` as the item's data. The buffer is allocated at its final size, so no
/// copy of the tokens is left behind by a reallocation, and is wiped when dropped.
pub(super) fn encode(envelope: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut item = Zeroizing::new(Vec::with_capacity(HEADER_LEN + envelope.len()));
    item.extend_from_slice(MAGIC);
    item.push(FORMAT);
    item.extend_from_slice(envelope);
    item
}

/// The envelope inside an item's data, or [`StoreError::Corrupted`] for data this format did
/// not write. The message never quotes the data.
pub(super) fn decode(item: &[u8]) -> Result<&[u8], StoreError> {
    let corrupted = |detail: String| Err(StoreError::Corrupted { detail });
    let Some((magic, rest)) = item.split_first_chunk::<4>() else {
        return corrupted(format!(
            "the keychain item holds {} bytes, too few for a SessionKit session",
            item.len()
        ));
    };
    if magic != MAGIC {
        return corrupted(
            "the keychain item is not a SessionKit session (another app or library wrote it \
             under the same service and account?)"
                .into(),
        );
    }
    let Some((&format, envelope)) = rest.split_first() else {
        return corrupted("the keychain item is truncated in its header".into());
    };
    if format != FORMAT {
        return corrupted(format!(
            "the keychain item is in format {format}, which this version of SessionKit does not \
             know"
        ));
    }
    Ok(envelope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_corrupted(bytes: &[u8]) -> bool {
        matches!(decode(bytes), Err(StoreError::Corrupted { .. }))
    }

    #[test]
    fn an_envelope_round_trips_behind_its_header() {
        let item = encode(b"{\"format\":1}");
        assert_eq!(&item[..HEADER_LEN], b"SKKC\x01");
        assert_eq!(decode(&item).unwrap(), b"{\"format\":1}");
    }

    #[test]
    fn an_empty_envelope_round_trips_too() {
        let item = encode(b"");
        assert_eq!(&item[..], b"SKKC\x01");
        assert_eq!(decode(&item).unwrap(), b"");
    }

    #[test]
    fn e5_every_truncation_of_the_header_is_corrupted() {
        let item = encode(b"envelope");
        for len in 0..HEADER_LEN {
            assert!(is_corrupted(&item[..len]), "an item cut to {len} bytes");
        }
    }

    #[test]
    fn e5_items_of_other_apps_and_stores_are_corrupted() {
        let zeros = [0u8; 64];
        let foreign = [
            b"{\"session_token\":\"abc\"}".as_slice(),
            b"hunter2".as_slice(),
            // The Keystore store's and the file store's headers: not a keychain item's.
            b"SKKS\x01envelope".as_slice(),
            b"SKFS\x01envelope".as_slice(),
            b"skkc\x01envelope".as_slice(),
            zeros.as_slice(),
        ];
        for bytes in foreign {
            assert!(is_corrupted(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn e5_a_future_or_unknown_format_is_corrupted_and_named() {
        for format in [0u8, 2, 0xFF] {
            let mut item = encode(b"envelope").to_vec();
            item[MAGIC.len()] = format;
            match decode(&item) {
                Err(StoreError::Corrupted { detail }) => {
                    assert!(detail.contains(&format!("format {format}")), "{detail}");
                }
                other => panic!("format {format}: {other:?}"),
            }
        }
    }

    #[test]
    fn decoding_never_panics_and_never_quotes_the_data() {
        let secret = b"TOKEN-SECRET";
        let mut candidates: Vec<Vec<u8>> = (0..=u8::MAX)
            .map(|byte| [MAGIC.as_slice(), [byte].as_slice(), secret.as_slice()].concat())
            .collect();
        candidates.push(secret.to_vec());
        candidates.push([b"SKK".as_slice(), secret.as_slice()].concat());
        for bytes in &candidates {
            if let Err(error) = decode(bytes) {
                let text = format!("{error} {error:?}");
                assert!(!text.contains("SECRET"), "{text}");
            }
        }
    }
}
