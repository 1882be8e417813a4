//! Hostile JWTs for the unverified `exp` reader (SPEC J1): libFuzzer's bytes, as UTF-8, go
//! to `sessionkit::jwt::read_expiry`.
//!
//! Proves: no panic; when it answers, the answer is the `exp` the payload states (decoded
//! here independently with base64 and serde_json: an integer exactly, a fraction floored);
//! its errors never quote the token.

#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use sessionkit::jwt::read_expiry;
use sessionkit_fuzz::{assert_quotes_no_token, oracle};

fuzz_target!(|data: &[u8]| {
    let Ok(jwt) = std::str::from_utf8(data) else {
        return;
    };
    match read_expiry(jwt) {
        Ok(exp) => {
            let segments: Vec<&str> = jwt.split('.').collect();
            assert_eq!(segments.len(), 3, "not three segments");
            let payload = URL_SAFE_NO_PAD
                .decode(segments[1])
                .expect("accepted a payload that is not base64url");
            assert!(
                payload.trim_ascii_start().starts_with(b"{"),
                "accepted a payload that is not an object"
            );
            // serde_json's Value keeps the last of duplicate members; the reader refuses them,
            // so any accepted payload has one `exp`.
            if let Some(claims) = oracle(&payload) {
                let stated = &claims["exp"];
                let read = exp.timestamp();
                if let Some(whole) = stated.as_i64() {
                    assert_eq!(read, whole, "exp {stated} read as {read}");
                } else {
                    let fraction = stated.as_f64().expect("accepted a non-numeric exp");
                    assert_eq!(read as f64, fraction.floor(), "exp {stated} read as {read}");
                }
                assert_eq!(exp.timestamp_subsec_nanos(), 0);
            }
        }
        Err(error) => {
            assert_quotes_no_token("a JWT error", &format!("{error} {error:?}"), data);
        }
    }
});
