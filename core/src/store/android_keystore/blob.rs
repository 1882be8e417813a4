//! The Keystore store's file format: `magic (4) | format (1) | IV (12) | ciphertext and tag`.
//!
//! The header and the key's alias are authenticated as associated data, so a blob written by
//! another format or under another alias fails its tag instead of being misread. Anything that
//! does not parse (truncated, unknown magic or format) is E5: it never will parse.

use crate::store::StoreError;

const MAGIC: &[u8; 4] = b"SKKS";
const FORMAT: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;
/// GCM's standard nonce length; SPEC P4 asks for a fresh one of these on every write.
pub(super) const IV_LEN: usize = 12;
/// The 128-bit tag AndroidKeyStore appends (and `GCMParameterSpec(128, iv)` expects).
pub(super) const TAG_BITS: i32 = 128;
const TAG_LEN: usize = TAG_BITS as usize / 8;

/// A parsed blob, borrowing from the file's bytes.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Blob<'a> {
    pub(super) iv: &'a [u8; IV_LEN],
    /// The ciphertext followed by its tag, as `Cipher.doFinal` produced it.
    pub(super) sealed: &'a [u8],
}

/// The associated data both directions authenticate: the header and the alias.
pub(super) fn associated_data(alias: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(HEADER_LEN + alias.len());
    aad.extend_from_slice(MAGIC);
    aad.push(FORMAT);
    aad.extend_from_slice(alias.as_bytes());
    aad
}

/// Frames what the cipher produced. An IV of any other length is refused: the provider did
/// not do what P4 requires, and a blob written with it could not be read back.
pub(super) fn encode(iv: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
    if iv.len() != IV_LEN {
        return Err(StoreError::Failed {
            detail: format!(
                "the Keystore cipher produced a {}-byte IV, expected {IV_LEN}",
                iv.len()
            ),
        });
    }
    let mut blob = Vec::with_capacity(HEADER_LEN + IV_LEN + sealed.len());
    blob.extend_from_slice(MAGIC);
    blob.push(FORMAT);
    blob.extend_from_slice(iv);
    blob.extend_from_slice(sealed);
    Ok(blob)
}

/// Parses a blob. Never panics, whatever the bytes.
pub(super) fn decode(bytes: &[u8]) -> Result<Blob<'_>, StoreError> {
    let corrupted = |why: &str| Err(StoreError::Corrupted { detail: why.into() });
    let Some((magic, rest)) = bytes.split_first_chunk::<4>() else {
        return corrupted("Keystore session file truncated before its header");
    };
    if magic != MAGIC {
        return corrupted("not a SessionKit Keystore session file");
    }
    let Some((&format, rest)) = rest.split_first() else {
        return corrupted("Keystore session file truncated before its header");
    };
    if format != FORMAT {
        return corrupted("Keystore session file written in an unknown format version");
    }
    let Some((iv, sealed)) = rest.split_first_chunk::<IV_LEN>() else {
        return corrupted("Keystore session file truncated in its IV");
    };
    if sealed.len() < TAG_LEN {
        return corrupted("Keystore session file truncated before its tag");
    }
    Ok(Blob { iv, sealed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_round_trips_through_its_framing() {
        let iv = [7u8; IV_LEN];
        let sealed = [1u8; 40];
        let bytes = encode(&iv, &sealed).unwrap();
        assert_eq!(&bytes[..5], b"SKKS\x01");
        let blob = decode(&bytes).unwrap();
        assert_eq!(blob.iv, &iv);
        assert_eq!(blob.sealed, &sealed);
    }

    #[test]
    fn e5_every_truncation_and_a_future_format_are_corrupted() {
        let bytes = encode(&[7u8; IV_LEN], &[1u8; TAG_LEN]).unwrap();
        for len in 0..bytes.len() {
            assert!(
                matches!(decode(&bytes[..len]), Err(StoreError::Corrupted { .. })),
                "a blob cut to {len} bytes"
            );
        }
        let mut future = bytes.clone();
        future[4] = FORMAT + 1;
        assert!(matches!(decode(&future), Err(StoreError::Corrupted { .. })));
        let mut foreign = bytes;
        foreign[0] = b'X';
        assert!(matches!(
            decode(&foreign),
            Err(StoreError::Corrupted { .. })
        ));
    }

    #[test]
    fn p4_an_iv_of_the_wrong_length_is_refused() {
        assert!(matches!(
            encode(&[0u8; 16], &[0u8; TAG_LEN]),
            Err(StoreError::Failed { .. })
        ));
    }

    #[test]
    fn the_alias_is_part_of_the_authenticated_data() {
        assert_ne!(associated_data("a"), associated_data("b"));
        assert!(associated_data("alias").starts_with(b"SKKS\x01"));
    }
}
