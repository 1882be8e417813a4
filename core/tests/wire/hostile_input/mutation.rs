//! Structure-aware mutations of JSON documents: take a valid document (a Stytch wire sample,
//! a stored envelope) and remove, retype, add or deeply nest its members, splice in huge
//! strings and numbers or invalid JSON fragments, then damage the text: cut it at a byte,
//! flip or insert bytes, duplicate a member, re-encode it (UTF-16, Latin-1, overlong UTF-8).
//!
//! Random bytes alone almost never get past the first `{`; these inputs reach every field
//! of the parsers while staying close to what a broken proxy or a tampered file produces.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// What a member's value becomes.
#[derive(Clone, Debug)]
pub enum Replacement {
    Json(Value),
    /// Wrapped in an array or an object, one level deeper.
    WrapInArray,
    WrapInObject,
    /// An object's values in order, as an array (serde reads structs from sequences too).
    ValuesAsArray,
    /// Text spliced in as it is: invalid JSON, numbers serde cannot hold.
    Raw(String),
    /// `[[[...0...]]]` or `{"a":{"a":...}}`, this deep.
    Nested {
        depth: usize,
        objects: bool,
    },
    /// A string of this many bytes.
    HugeString(usize),
    /// An integer of this many digits.
    HugeNumber(usize),
}

/// One edit of the parsed document, at a path chosen among those present when it applies.
#[derive(Clone, Debug)]
pub enum Edit {
    Remove(Index),
    Replace(Index, Replacement),
    AddMember(Index, String, Replacement),
}

/// One edit of the serialised text.
#[derive(Clone, Debug)]
pub enum TextEdit {
    Truncate(Index),
    FlipBit(Index, u8),
    InsertByte(Index, u8),
    /// Repeats the first member of the object whose `{` is chosen.
    DuplicateMember(Index),
    Utf16 {
        little_endian: bool,
        bom: bool,
    },
    Utf8Bom,
    Latin1,
    /// An ASCII byte written as a two-byte overlong UTF-8 sequence.
    Overlong(Index),
    TrailingGarbage(String),
    Padding(usize),
}

#[derive(Clone, Debug)]
pub struct Mutation {
    pub edits: Vec<Edit>,
    pub text: Vec<TextEdit>,
}

/// Raw fragments that JSON parsers disagree on or must refuse.
const RAW_FRAGMENTS: &[&str] = &[
    "1e999999",
    "-1e999999",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551616",
    "4294967296",
    "-0",
    "1.0",
    "0.0000000000000000000000000000001",
    "NaN",
    "Infinity",
    "-",
    "01",
    "1.",
    ".5",
    "0x1F",
    "tru",
    "nul",
    "\"\\ud800\"",
    "\"\\udfff\\ud800\"",
    "\"\\u0000\"",
    "\"\\x41\"",
    "'single'",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\"}",
    "\"unterminated",
    "",
    "/* comment */ 1",
    "\"2026-13-45T99:99:99Z\"",
    "\"2026-01-01T00:00:00\"",
    "\"+275760-09-13T00:00:00Z\"",
    "\"-262143-01-01T00:00:00Z\"",
];

/// Keys worth adding: ones the parsers know (now duplicated or misplaced) and odd ones.
const KEYS: &[&str] = &[
    "session_token",
    "session_jwt",
    "session",
    "data",
    "format",
    "error_type",
    "error_message",
    "status_code",
    "request_id",
    "expires_at",
    "authentication_factors",
    "keys",
    "__proto__",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        2 => "\\PC{0,12}",
        1 => Just("k".repeat(100_000)),
    ]
}

fn replacement() -> impl Strategy<Value = Replacement> {
    let json = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        "\\PC{0,24}".prop_map(Value::from),
        Just(Value::from("")),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Map::new())),
    ];
    prop_oneof![
        8 => json.prop_map(Replacement::Json),
        2 => Just(Replacement::WrapInArray),
        2 => Just(Replacement::WrapInObject),
        2 => Just(Replacement::ValuesAsArray),
        6 => prop::sample::select(RAW_FRAGMENTS).prop_map(|raw| Replacement::Raw(raw.to_owned())),
        2 => (1_usize..300, any::<bool>())
            .prop_map(|(depth, objects)| Replacement::Nested { depth, objects }),
        1 => (300_usize..20_000, any::<bool>())
            .prop_map(|(depth, objects)| Replacement::Nested { depth, objects }),
        2 => (100_usize..70_000).prop_map(Replacement::HugeNumber),
        1 => prop_oneof![
            8 => Just(64 * 1024),
            2 => Just(1 << 20),
            1 => Just(4 << 20),
        ]
        .prop_map(Replacement::HugeString),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<Index>().prop_map(Edit::Remove),
        5 => (any::<Index>(), replacement()).prop_map(|(at, with)| Edit::Replace(at, with)),
        2 => (any::<Index>(), key(), replacement())
            .prop_map(|(at, key, with)| Edit::AddMember(at, key, with)),
    ]
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        4 => any::<Index>().prop_map(TextEdit::Truncate),
        3 => (any::<Index>(), 0_u8..8).prop_map(|(at, bit)| TextEdit::FlipBit(at, bit)),
        3 => (any::<Index>(), prop_oneof![Just(0xff_u8), Just(0xc0), Just(0x80), Just(0), Just(b'"'), Just(b'\\'), any::<u8>()])
            .prop_map(|(at, byte)| TextEdit::InsertByte(at, byte)),
        2 => any::<Index>().prop_map(TextEdit::DuplicateMember),
        1 => (any::<bool>(), any::<bool>())
            .prop_map(|(little_endian, bom)| TextEdit::Utf16 { little_endian, bom }),
        1 => Just(TextEdit::Utf8Bom),
        1 => Just(TextEdit::Latin1),
        1 => any::<Index>().prop_map(TextEdit::Overlong),
        1 => "\\PC{0,8}".prop_map(TextEdit::TrailingGarbage),
        1 => (1_usize..100_000).prop_map(TextEdit::Padding),
    ]
}

/// Up to four document edits and two text edits; often none of either.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    (
        prop::collection::vec(edit(), 0..=4),
        prop::collection::vec(text_edit(), 0..=2),
    )
        .prop_map(|(edits, text)| Mutation { edits, text })
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    At(usize),
}

fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(Step::At(index));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn pick(document: &Value, at: &Index) -> Vec<Step> {
    let mut all = Vec::new();
    paths(document, &mut Vec::new(), &mut all);
    all.swap_remove(at.index(all.len()))
}

fn resolve<'a>(document: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(document, |node, step| match step {
        Step::Key(key) => &mut node[key.as_str()],
        Step::At(index) => &mut node[*index],
    })
}

/// Builds the text of `base` with `mutation` applied.
pub fn apply(base: &Value, mutation: &Mutation) -> Vec<u8> {
    let mut document = base.clone();
    // Raw text cannot live in a `Value`: a marker string stands in and is replaced later.
    let mut raw: Vec<String> = Vec::new();
    let mut materialise = |with: &Replacement, current: Value| -> Value {
        let mut splice = |text: String| {
            raw.push(text);
            Value::from(format!("@@sessionkit-raw-{}@@", raw.len() - 1))
        };
        match with {
            Replacement::Json(value) => value.clone(),
            Replacement::WrapInArray => Value::Array(vec![current]),
            Replacement::WrapInObject => {
                let mut map = Map::new();
                map.insert("value".into(), current);
                Value::Object(map)
            }
            Replacement::ValuesAsArray => match current {
                Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                other => other,
            },
            Replacement::Raw(text) => splice(text.clone()),
            Replacement::Nested { depth, objects } => splice(if *objects {
                format!("{}0{}", "{\"a\":".repeat(*depth), "}".repeat(*depth))
            } else {
                format!("{}0{}", "[".repeat(*depth), "]".repeat(*depth))
            }),
            Replacement::HugeString(len) => Value::from("\u{e9}A".repeat(len / 3)),
            Replacement::HugeNumber(digits) => splice("9".repeat(*digits)),
        }
    };
    for edit in &mutation.edits {
        match edit {
            Edit::Remove(at) => {
                let path = pick(&document, at);
                match path.split_last() {
                    None => document = materialise(&Replacement::Raw(String::new()), Value::Null),
                    Some((last, parent)) => match (resolve(&mut document, parent), last) {
                        (Value::Object(map), Step::Key(key)) => {
                            map.shift_remove(key);
                        }
                        (Value::Array(items), Step::At(index)) => {
                            items.remove(*index);
                        }
                        _ => {}
                    },
                }
            }
            Edit::Replace(at, with) => {
                let path = pick(&document, at);
                let node = resolve(&mut document, &path);
                let current = node.take();
                *node = materialise(with, current);
            }
            Edit::AddMember(at, key, with) => {
                let path = pick(&document, at);
                if let Value::Object(map) = resolve(&mut document, &path) {
                    let value = materialise(with, Value::Null);
                    map.insert(key.clone(), value);
                }
            }
        }
    }
    let mut text = serde_json::to_string(&document).expect("a Value serialises");
    for (index, fragment) in raw.iter().enumerate() {
        text = text.replace(&format!("\"@@sessionkit-raw-{index}@@\""), fragment);
    }
    let mut bytes = text.into_bytes();
    for edit in &mutation.text {
        damage(&mut bytes, edit);
    }
    bytes
}

fn damage(bytes: &mut Vec<u8>, edit: &TextEdit) {
    match edit {
        TextEdit::Truncate(at) => bytes.truncate(at.index(bytes.len() + 1)),
        TextEdit::FlipBit(at, bit) => {
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] ^= 1 << bit;
            }
        }
        TextEdit::InsertByte(at, byte) => {
            let at = at.index(bytes.len() + 1);
            bytes.insert(at, *byte);
        }
        TextEdit::DuplicateMember(at) => {
            let braces: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'{').collect();
            if braces.is_empty() {
                return;
            }
            let open = braces[at.index(braces.len())];
            // The first member, up to the first comma or closing brace after it.
            if let Some(end) = bytes[open + 1..]
                .iter()
                .position(|&b| b == b',' || b == b'}')
                .map(|offset| open + 1 + offset)
            {
                let member = bytes[open + 1..end].to_vec();
                if !member.is_empty() {
                    let mut insert = member;
                    insert.push(b',');
                    bytes.splice(open + 1..open + 1, insert);
                }
            }
        }
        TextEdit::Utf16 { little_endian, bom } => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut out = Vec::with_capacity(text.len() * 2 + 2);
            let units = bom
                .then_some(0xfeff_u16)
                .into_iter()
                .chain(text.encode_utf16());
            for unit in units {
                out.extend(if *little_endian {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            *bytes = out;
        }
        TextEdit::Utf8Bom => {
            bytes.splice(0..0, [0xef, 0xbb, 0xbf]);
        }
        TextEdit::Latin1 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            *bytes = text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect();
        }
        TextEdit::Overlong(at) => {
            let ascii: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii()).collect();
            if !ascii.is_empty() {
                let at = ascii[at.index(ascii.len())];
                let byte = bytes[at];
                bytes.splice(at..=at, [0xc0 | (byte >> 6), 0x80 | (byte & 0x3f)]);
            }
        }
        TextEdit::TrailingGarbage(garbage) => bytes.extend_from_slice(garbage.as_bytes()),
        TextEdit::Padding(len) => {
            bytes.splice(0..0, std::iter::repeat_n(b' ', *len));
        }
    }
}
