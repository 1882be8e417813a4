//! One log event as one line: its message, then its fields as `name=value`, each value capped
//! and its control characters escaped, the whole line capped, and anything shaped like a
//! token redacted (SPEC L1, M3, V5).

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};

/// The longest line, in bytes (os_log keeps about 1 KiB of a dynamic string).
pub(super) const MAX_LINE_BYTES: usize = 1024;
/// The longest field value, in characters.
const MAX_VALUE_CHARS: usize = 300;
/// The shortest run of token-like characters that is redacted.
const TOKEN_LIKE_CHARS: usize = 32;

/// An event's text, as it is recorded.
#[derive(Default)]
pub(super) struct Line {
    message: String,
    fields: String,
}

impl Line {
    /// The line of `event`.
    pub(super) fn of(event: &tracing::Event<'_>) -> String {
        let mut line = Line::default();
        event.record(&mut line);
        line.finish()
    }

    fn finish(self) -> String {
        let mut out = self.message;
        if !self.fields.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&self.fields);
        }
        let mut out = redact_token_like(out);
        if out.len() > MAX_LINE_BYTES {
            let mut end = MAX_LINE_BYTES - '…'.len_utf8();
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
            out.push('…');
        }
        out
    }

    fn push(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        let out = if field.name() == "message" {
            &mut self.message
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            self.fields.push_str(field.name());
            self.fields.push('=');
            &mut self.fields
        };
        let mut escaper = Escaper {
            out,
            left: MAX_VALUE_CHARS,
        };
        // An error only means the cap was reached: the value is cut there, on purpose.
        if escaper.write_fmt(value).is_err() {
            escaper.out.push('…');
        }
    }
}

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, format_args!("{value:?}"));
    }
}

/// Escapes what could forge or hide a log line (C0 and C1 controls, DEL, bidirectional
/// overrides), and stops after `left` characters.
struct Escaper<'a> {
    out: &'a mut String,
    left: usize,
}

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            if self.left == 0 {
                return Err(fmt::Error);
            }
            self.left -= 1;
            match c {
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                c if c.is_control()
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
                {
                    let _ = write!(self.out, "\\u{{{:x}}}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        Ok(())
    }
}

/// Replaces every run of at least [`TOKEN_LIKE_CHARS`] characters of `[A-Za-z0-9_-]` that
/// holds an upper-case letter, a lower-case letter and a digit (a session token, a JWT
/// segment) with `[redacted]`. Request ids, public tokens and type names stay readable. The
/// last line of defence only: no event should carry a token in the first place.
fn redact_token_like(line: String) -> String {
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(start) = rest.find(token_char) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run.find(|c: char| !token_char(c)).unwrap_or(run.len());
        let word = &run[..end];
        let secret_shaped = word.len() >= TOKEN_LIKE_CHARS
            && word.chars().any(|c| c.is_ascii_uppercase())
            && word.chars().any(|c| c.is_ascii_lowercase())
            && word.chars().any(|c| c.is_ascii_digit());
        out.push_str(if secret_shaped { "[redacted]" } else { word });
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l1_v5_values_are_escaped_and_capped() {
        let mut line = Line::default();
        let escaper = &mut Escaper {
            out: &mut line.message,
            left: 40,
        };
        let written = escaper.write_str("line one\r\nInjected: \u{202E}1\u{0}");
        assert!(written.is_ok());
        assert_eq!(line.message, "line one\\r\\nInjected: \\u{202e}1\\u{0}");
        let mut capped = String::new();
        let long = Escaper {
            out: &mut capped,
            left: 5,
        }
        .write_str("abcdefgh");
        assert!(long.is_err());
        assert_eq!(capped, "abcde");
    }

    #[test]
    fn m3_token_shaped_runs_are_redacted_and_words_are_not() {
        let jwt_segment = "eyJhbGciOiJSUzI1NiIsImtpZCI6Imp3ay10ZXN0In0";
        let token = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c";
        let line = format!("request_id=request-id-test-0123 jwt={jwt_segment}.x token {token}");
        let redacted = redact_token_like(line);
        assert!(
            !redacted.contains(jwt_segment) && !redacted.contains(token),
            "{redacted}"
        );
        assert!(redacted.contains("request-id-test-0123"), "{redacted}");
    }

    #[test]
    fn a_line_is_capped_on_a_character_boundary() {
        let line = Line {
            message: "é".repeat(MAX_LINE_BYTES),
            fields: String::new(),
        }
        .finish();
        assert!(line.len() <= MAX_LINE_BYTES);
        assert!(line.ends_with('…'));
    }
}

/// The same line for logcat's formatter, so logcat and the app logger read alike.
#[cfg(target_os = "android")]
pub(super) struct LineFields;

#[cfg(target_os = "android")]
impl<'w> tracing_subscriber::fmt::FormatFields<'w> for LineFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        mut writer: tracing_subscriber::fmt::format::Writer<'w>,
        fields: R,
    ) -> fmt::Result {
        let mut line = Line::default();
        fields.record(&mut line);
        writer.write_str(&line.finish())
    }
}
