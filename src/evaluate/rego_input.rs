//! Rego `input` built straight from a [`Serialize`] value: a serde
//! [`Serializer`](serde::Serializer) whose output is a regorus [`Value`].
//!
//! The Evidence used to become a `serde_json::Value` and then a regorus
//! `Value`: two trees built and dropped per evaluation, a third of the cost
//! of evaluating an empty policy. This builds the one tree regorus needs,
//! with the data model `serde_json::to_value` has, so a policy sees exactly
//! what `provcheck normalize --format json` prints:
//!
//! - integers are `u64` when non-negative, else `i64`; 128-bit integers
//!   outside that range, and non-string map keys, are errors;
//! - non-finite floats become `null`; bytes an array of numbers;
//! - `None`, `()` and unit structs are `null`; enum variants are
//!   externally tagged (`"Variant"` or `{"Variant": …}`);
//! - object keys are sorted (a later duplicate wins), as regorus keeps them.
//!
//! (Sharing one regorus string per struct field name through a thread-local
//! table was measured slower than allocating each key.)

use std::collections::BTreeMap;
use std::fmt;

use regorus::Value;
use serde::ser::{self, Serialize};

/// Why a value cannot be Rego input (what `serde_json::to_value` would
/// refuse too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError(String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

impl ser::Error for InputError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// `value` as a regorus [`Value`], with `serde_json::to_value`'s data model.
pub(crate) fn to_input<T: Serialize + ?Sized>(value: &T) -> Result<Value, InputError> {
    value.serialize(Input)
}

fn object(entries: Vec<(Value, Value)>) -> Value {
    if entries.is_empty() {
        Value::new_object()
    } else {
        Value::from(entries.into_iter().collect::<BTreeMap<_, _>>())
    }
}

/// `{variant: value}`, serde's external enum tagging.
fn tagged(variant: &'static str, value: Value) -> Value {
    object(vec![(Value::from(variant), value)])
}

struct Input;

impl ser::Serializer for Input {
    type Ok = Value;
    type Error = InputError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    fn serialize_bool(self, v: bool) -> Result<Value, InputError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, InputError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value, InputError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value, InputError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value, InputError> {
        Ok(u64::try_from(v).map_or_else(|_| Value::from(v), Value::from))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, InputError> {
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => Ok(Value::from(u)),
            (Err(_), Ok(i)) => Ok(Value::from(i)),
            _ => Err(InputError("number out of range".into())),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<Value, InputError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value, InputError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value, InputError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, InputError> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, InputError> {
        u64::try_from(v)
            .map(Value::from)
            .map_err(|_| InputError("number out of range".into()))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, InputError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, InputError> {
        Ok(if v.is_finite() {
            Value::from(v)
        } else {
            Value::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Value, InputError> {
        Ok(Value::from(v.encode_utf8(&mut [0; 4]) as &str))
    }
    fn serialize_str(self, v: &str) -> Result<Value, InputError> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, InputError> {
        Ok(Value::from(
            v.iter()
                .map(|&b| Value::from(u64::from(b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, InputError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, InputError> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, InputError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, InputError> {
        Ok(tagged(variant, value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, InputError> {
        Ok(Seq {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, InputError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq, InputError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq, InputError> {
        Ok(Seq {
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, InputError> {
        Ok(Map {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map, InputError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Map, InputError> {
        Ok(Map {
            entries: Vec::with_capacity(len),
            key: None,
            variant: Some(variant),
        })
    }
}

/// An array being built (for a tuple variant, tagged at the end).
struct Seq {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
        self.items.push(value.serialize(Input)?);
        Ok(())
    }

    fn finish(self) -> Value {
        let array = Value::from(self.items);
        match self.variant {
            Some(variant) => tagged(variant, array),
            None => array,
        }
    }
}

/// The four sequence traits serde splits one array into, all `Seq::push`.
macro_rules! seq_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq {
            type Ok = Value;
            type Error = InputError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
                self.push(value)
            }
            fn end(self) -> Result<Value, InputError> {
                Ok(self.finish())
            }
        }
    )*};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// An object being built (for a struct variant, tagged at the end).
struct Map {
    entries: Vec<(Value, Value)>,
    key: Option<Value>,
    variant: Option<&'static str>,
}

impl Map {
    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), InputError> {
        self.entries
            .push((Value::from(key), value.serialize(Input)?));
        Ok(())
    }

    fn finish(self) -> Value {
        let value = object(self.entries);
        match self.variant {
            Some(variant) => tagged(variant, value),
            None => value,
        }
    }
}

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = InputError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), InputError> {
        self.key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| InputError("a map value without its key".into()))?;
        self.entries.push((key, value.serialize(Input)?));
        Ok(())
    }
    fn end(self) -> Result<Value, InputError> {
        Ok(self.finish())
    }
}

/// Structs and struct variants, both `Map::field`.
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Map {
            type Ok = Value;
            type Error = InputError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), InputError> {
                self.field(key, value)
            }
            fn end(self) -> Result<Value, InputError> {
                Ok(self.finish())
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);

/// Map keys, as serde_json takes them: strings, and numbers, booleans and
/// chars as their text; anything else is an error.
struct MapKey;

impl MapKey {
    fn text(text: impl fmt::Display) -> Result<Value, InputError> {
        Ok(Value::from(text.to_string()))
    }

    /// A finite float key as serde_json writes it: its shortest round-trip
    /// text (`1e300`, not 301 digits).
    fn float(v: impl Serialize, finite: bool) -> Result<Value, InputError> {
        if !finite {
            return Err(InputError("float key must be finite".into()));
        }
        serde_json::to_string(&v)
            .map(Value::from)
            .map_err(|e| InputError(e.to_string()))
    }

    fn refuse() -> InputError {
        InputError("key must be a string".into())
    }
}

impl ser::Serializer for MapKey {
    type Ok = Value;
    type Error = InputError;
    type SerializeSeq = ser::Impossible<Value, InputError>;
    type SerializeTuple = ser::Impossible<Value, InputError>;
    type SerializeTupleStruct = ser::Impossible<Value, InputError>;
    type SerializeTupleVariant = ser::Impossible<Value, InputError>;
    type SerializeMap = ser::Impossible<Value, InputError>;
    type SerializeStruct = ser::Impossible<Value, InputError>;
    type SerializeStructVariant = ser::Impossible<Value, InputError>;

    fn serialize_bool(self, v: bool) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_i8(self, v: i8) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value, InputError> {
        // serde_json writes an f32 key as an f32 (`0.1`, not the f64 widening).
        Self::float(v, v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, InputError> {
        Self::float(v, v.is_finite())
    }
    fn serialize_char(self, v: char) -> Result<Value, InputError> {
        Self::text(v)
    }
    fn serialize_str(self, v: &str) -> Result<Value, InputError> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_none(self) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_unit(self) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, InputError> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, InputError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value, InputError> {
        Err(Self::refuse())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, InputError> {
        Err(Self::refuse())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, InputError> {
        Err(Self::refuse())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, InputError> {
        Err(Self::refuse())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, InputError> {
        Err(Self::refuse())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, InputError> {
        Err(Self::refuse())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, InputError> {
        Err(Self::refuse())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, InputError> {
        Err(Self::refuse())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::*;

    /// What the input was before: regorus's own conversion of the JSON copy.
    fn via_json<T: Serialize>(value: &T) -> Value {
        Value::from(serde_json::to_value(value).unwrap())
    }

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        UnitVariant,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Option<bool> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapper(Vec<Kind>);

    #[derive(Serialize)]
    struct Everything {
        small: i8,
        negative: i64,
        big: u64,
        wide: i128,
        float: f32,
        nan: f64,
        infinite: f64,
        text: &'static str,
        letter: char,
        #[serde(with = "serde_bytes_as_seq")]
        bytes: Vec<u8>,
        none: Option<u8>,
        unit: (),
        unit_struct: Unit,
        tuple: (u8, &'static str),
        kinds: Wrapper,
        map: BTreeMap<String, u8>,
        numbered: BTreeMap<u32, bool>,
        #[serde(flatten)]
        flattened: BTreeMap<String, serde_json::Value>,
        json: serde_json::Value,
    }

    /// Bytes through `serialize_bytes` (a derive would use a sequence).
    mod serde_bytes_as_seq {
        pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn builds_what_the_json_copy_would() {
        let value = Everything {
            small: -3,
            negative: i64::MIN,
            big: u64::MAX,
            wide: 7,
            float: 0.5,
            nan: f64::NAN,
            infinite: f64::INFINITY,
            text: "t",
            letter: 'é',
            bytes: vec![0, 255],
            none: None,
            unit: (),
            unit_struct: Unit,
            tuple: (1, "x"),
            kinds: Wrapper(vec![
                Kind::UnitVariant,
                Kind::Newtype(2),
                Kind::Tuple(-1, "y".into()),
                Kind::Struct { a: Some(true) },
            ]),
            map: BTreeMap::from([("b".into(), 1), ("a".into(), 2)]),
            numbered: BTreeMap::from([(10, true), (2, false)]),
            flattened: BTreeMap::from([("extra".into(), json!({"x": [1.5, null]}))]),
            json: json!({"a": [1, -2, 3.5, 1e300], "b": {"c": null, "f": {}, "g": []}, "": "empty key"}),
        };
        assert_eq!(to_input(&value).unwrap(), via_json(&value));
    }

    /// Float map keys, written as serde_json writes them (an f32 as an f32).
    struct FloatKeys;

    impl Serialize for FloatKeys {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(2))?;
            map.serialize_entry(&0.1f32, &1)?;
            map.serialize_entry(&1e300f64, &2)?;
            map.end()
        }
    }

    #[test]
    fn float_keys_convert_as_their_json() {
        assert_eq!(to_input(&FloatKeys).unwrap(), via_json(&FloatKeys));
    }

    #[test]
    fn evidence_converts_as_its_json() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/taskrun-build.yaml"
        ))
        .unwrap();
        let evidence = crate::normalize::normalize_bytes("taskrun-build.yaml", &bytes)
            .remove(0)
            .unwrap();
        assert_eq!(to_input(&evidence).unwrap(), via_json(&evidence));
    }

    #[test]
    fn refuses_what_json_refuses() {
        for (value, why) in [
            (to_input(&u128::MAX), "out of range"),
            (to_input(&i128::MIN), "out of range"),
            (
                to_input(&BTreeMap::from([((1, 2), 3)])),
                "key must be a string",
            ),
            (
                to_input(&BTreeMap::from([(Some(1), 3)])),
                "key must be a string",
            ),
        ] {
            let err = value.unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
        }
        assert!(serde_json::to_value(BTreeMap::from([((1, 2), 3)])).is_err());
        assert!(serde_json::to_value(u128::MAX).is_err());
    }
}
