//! Strict JSON: a `serde_json::Value` built by a visitor that rejects
//! duplicate object keys (serde_json keeps the last one silently, so two
//! parsers could read the same signed bytes differently).
//!
//! Nesting is bounded by serde_json's recursion limit (128 levels), so
//! hostile depth is an error, not a stack overflow.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use crate::error::{IngestError, JsonPointer, Location};

/// serde_json's fixed recursion limit.
pub(crate) const MAX_DEPTH: usize = 128;

/// Parse `text` as one JSON value, rejecting duplicate keys.
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, IngestError> {
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = ValueSeed { state: &mut state }
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    result.map_err(|e| {
        let line_col = Some((e.line(), e.column()));
        match state.duplicate.take() {
            Some(key) => IngestError::DuplicateKey {
                at: Location {
                    file: file.to_owned(),
                    pointer: state.pointer(),
                    line_col,
                    within: None,
                },
                key,
            },
            // The pointer of a value 128 levels down helps nobody.
            None if e.to_string().starts_with("recursion limit exceeded") => IngestError::Json {
                at: Location {
                    file: file.to_owned(),
                    pointer: JsonPointer::root(),
                    line_col,
                    within: None,
                },
                message: format!("nested deeper than the limit of {MAX_DEPTH} levels"),
            },
            None => IngestError::Json {
                at: Location {
                    file: file.to_owned(),
                    pointer: state.pointer(),
                    line_col,
                    within: None,
                },
                message: strip_position(&e.to_string()),
            },
        }
    })
}

/// serde_json appends " at line L column C"; the location says it already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

enum Segment {
    Key(String),
    Index(usize),
}

/// Where an error happened, and the duplicate found, if any. The path is
/// recorded only when an error unwinds through the containers (innermost
/// segment first), not for every value parsed.
#[derive(Default)]
struct State {
    unwound: Vec<Segment>,
    duplicate: Option<String>,
}

impl State {
    fn pointer(&self) -> JsonPointer {
        self.unwound
            .iter()
            .rev()
            .fold(JsonPointer::root(), |p, segment| match segment {
                Segment::Key(k) => p.key(k),
                Segment::Index(i) => p.index(*i),
            })
    }
}

struct ValueSeed<'a> {
    state: &'a mut State,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let next = seq.next_element_seed(ValueSeed {
                state: &mut *self.state,
            });
            match next {
                Ok(Some(v)) => items.push(v),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    self.state.unwound.push(Segment::Index(items.len()));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match out.entry(key) {
                Entry::Occupied(taken) => {
                    let key = taken.key().clone();
                    let e = de::Error::custom(format_args!("duplicate key {key:?}"));
                    self.state.duplicate = Some(key);
                    return Err(e);
                }
                Entry::Vacant(slot) => {
                    let value = map.next_value_seed(ValueSeed {
                        state: &mut *self.state,
                    });
                    match value {
                        Ok(value) => {
                            slot.insert(value);
                        }
                        Err(e) => {
                            self.state.unwound.push(Segment::Key(slot.key().clone()));
                            return Err(e);
                        }
                    }
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        let strict = parse("t.json", text).unwrap();
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(strict, plain);
    }

    #[test]
    fn rejects_duplicate_keys_with_pointer() {
        let err = parse("t.json", r#"{"x":[{"a":1,"a":2}]}"#).unwrap_err();
        match err {
            IngestError::DuplicateKey { at, key } => {
                assert_eq!(key, "a");
                assert_eq!(at.pointer.as_str(), "/x/0");
                assert_eq!(at.file, "t.json");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn escaped_duplicates_are_duplicates() {
        let err = parse("t.json", r#"{"\u0061":1,"a":2}"#).unwrap_err();
        assert!(matches!(err, IngestError::DuplicateKey { .. }), "{err}");
    }

    #[test]
    fn truncated_input_names_the_position_and_pointer() {
        let err = parse("t.json", r#"{"status": {"steps": ["#).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("t.json:1:"), "{text}");
        assert!(text.contains("/status/steps"), "{text}");
        assert!(text.contains("EOF"), "{text}");
    }

    #[test]
    fn syntax_errors_point_at_the_value_being_read() {
        for (text, pointer) in [
            (r#"{"a":[true,{"c":tru}]}"#, "/a/1/c"),
            (r#"{"a":{"b":1},"d~/e":[1,2,x]}"#, "/d~0~1e/2"),
            (r#"[{},{"a":1}}"#, "/2"),
            (r#"{"a":1,}"#, ""),
        ] {
            match parse("t.json", text).unwrap_err() {
                IngestError::Json { at, .. } => assert_eq!(at.pointer.as_str(), pointer, "{text}"),
                other => panic!("{text}: {other}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse("deep.json", &text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "deep.json:1:128: invalid JSON: nested deeper than the limit of 128 levels"
        );
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        assert!(parse("t.json", "{} {}").is_err());
    }
}
