//! JWT NumericDate values (RFC 7519 section 2), shared by the unverified reads (J1) and the
//! verifier (J2).

use serde_json::Value;

/// A NumericDate claim (seconds since the epoch, possibly fractional) in milliseconds.
pub(crate) fn numeric_date_millis(value: &Value) -> Option<i128> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(seconds) = number.as_i64() {
        Some(i128::from(seconds) * 1000)
    } else if let Some(seconds) = number.as_u64() {
        Some(i128::from(seconds) * 1000)
    } else {
        let seconds = number.as_f64()?;
        // Saturating cast; NaN and infinities cannot come out of JSON.
        seconds
            .is_finite()
            .then(|| (seconds * 1000.0).floor() as i128)
    }
}
