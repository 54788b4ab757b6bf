//! Deserialization helpers for Tekton objects: strings lent by the
//! document, `null` read as absent, shape errors at their JSON pointer.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

use crate::error::{JsonPointer, Location, NormalizeError};

/// A string borrowed from the document when the deserializer lends it
/// (serde_json's `&Value` deserializer does), copied otherwise. Shape errors
/// read as for a `String` ("expected a string").
pub(super) struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lend;
        impl<'de> serde::de::Visitor<'de> for Lend {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        deserializer.deserialize_str(Lend).map(Text)
    }
}

/// Kubernetes objects often carry `null` where a list or object is absent.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Deserialize `value` into `T`, reporting a shape error at its JSON pointer.
pub(crate) fn typed<'a, T: Deserialize<'a>>(
    file: &str,
    value: &'a serde_json::Value,
) -> Result<T, NormalizeError> {
    // Fast path: tracking the path costs as much as deserializing (measured
    // with callgrind in the audit benchmark, issue 8); it is only needed to
    // say where a document went wrong, so the failing case runs again with it.
    if let Ok(t) = T::deserialize(value) {
        return Ok(t);
    }
    serde_path_to_error::deserialize(value).map_err(|e| NormalizeError::Shape {
        at: Location::new(file, JsonPointer::from_serde_path(e.path())),
        message: e.into_inner().to_string(),
    })
}
