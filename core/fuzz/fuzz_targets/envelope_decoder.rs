//! Hostile stored envelopes (SPEC M4, E5): libFuzzer's bytes go to the decoder the engine
//! runs on the blob it restores at start-up.
//!
//! Proves: no panic; a decoded envelope is of a known format (1 up to
//! `test_support::ENVELOPE_FORMAT`) with the tokens the JSON states, and
//! encodes to bytes that decode to the same value (round trip); its Debug never shows the
//! tokens; a refusal's Display and Debug never quote a token-like piece of the bytes, and
//! "future format" is said only of a format above the newest.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit::test_support;
use sessionkit_fuzz::{assert_quotes_no_token, oracle};

fuzz_target!(|data: &[u8]| {
    match test_support::decode_envelope(data) {
        Ok(envelope) => {
            assert!(data.trim_ascii_start().starts_with(b"{"), "not an object");
            let tokens = envelope.tokens();
            if let Some(doc) = oracle(data) {
                let format = doc["format"].as_u64().expect("a numeric format");
                assert!(
                    (1..=u64::from(test_support::ENVELOPE_FORMAT)).contains(&format),
                    "format {format} decoded"
                );
                assert_eq!(doc["session_token"].as_str(), Some(tokens.session_token()));
                assert_eq!(doc["session_jwt"].as_str(), Some(tokens.session_jwt()));
            }
            let encoded = envelope.encode();
            match test_support::decode_envelope(&encoded) {
                Ok(again) => assert_eq!(again, envelope, "the round trip changed the envelope"),
                Err(rejected) => panic!("its own encoding was refused: {rejected}"),
            }
            let shown = format!("{:?}", envelope.tokens());
            let others = format!("{:?}", envelope.session());
            let whole = format!("{envelope:?}");
            for secret in [tokens.session_token(), tokens.session_jwt()] {
                if secret.len() >= 8 {
                    assert!(!shown.contains(secret), "SessionTokens shows a token");
                    assert!(
                        !whole.contains(secret) || others.contains(secret),
                        "the envelope's Debug shows a token: {whole}"
                    );
                }
            }
        }
        Err(rejected) => {
            assert_quotes_no_token(
                "an envelope refusal",
                &format!("{rejected} {rejected:?}"),
                data,
            );
            if rejected.is_future_format()
                && let Some(doc) = oracle(data)
            {
                assert!(
                    doc["format"]
                        .as_u64()
                        .is_some_and(|f| f > u64::from(test_support::ENVELOPE_FORMAT)),
                    "future format said of {}",
                    doc["format"]
                );
            }
        }
    }
});
