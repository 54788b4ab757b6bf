//! BuildKit build info (`containerimage.buildinfo`): the build sources
//! BuildKit recorded before it wrote SLSA provenance — each image, Git
//! repository and HTTP URL a build used, with the digest it resolved (the
//! `pin`). BuildKit deprecated it in v0.12 for provenance attestations, but
//! years of builds carry it. It is found in three places:
//!
//! - the metadata file of `docker buildx build --metadata-file` and
//!   `buildctl --metadata-file`: `{"containerimage.buildinfo": {…}}`,
//!   decoded, or base64 text;
//! - the solver's exporter response: `{"ExporterResponse":
//!   {"containerimage.buildinfo": "<base64>"}}`;
//! - an image's config: `{"moby.buildkit.buildinfo.v1": "<base64>"}` (v0
//!   before BuildKit 0.11).
//!
//! A multi-platform build has one per platform
//! (`containerimage.buildinfo/linux/arm64`): each is a document of its own.
//! Build info is never signed.

use serde_json::{Map, Value};

use super::json;
use super::layers::{decode_base64, Decoded, Origin};
use crate::error::{IngestError, JsonPointer};

/// The exporter-response key, alone or followed by `/PLATFORM`.
const EXPORTER_KEY: &str = "containerimage.buildinfo";
/// The image-config keys, newest first.
const CONFIG_KEYS: [&str; 2] = ["moby.buildkit.buildinfo.v1", "moby.buildkit.buildinfo.v0"];
/// The layer name in Evidence and messages.
pub(crate) const LAYER: &str = "buildkit-buildinfo";

/// One build info in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Where its value is in the file.
    pub(crate) pointer: JsonPointer,
    /// The platform its key names (`containerimage.buildinfo/linux/amd64`).
    pub(crate) platform: Option<String>,
}

/// Whether `object` holds build info, at its top level or in its
/// `ExporterResponse`.
pub(crate) fn claims(object: &Map<String, Value>) -> bool {
    let holds = |o: &Map<String, Value>| o.keys().any(|k| is_key(k));
    holds(object)
        || object
            .get("ExporterResponse")
            .and_then(Value::as_object)
            .is_some_and(holds)
}

fn is_key(key: &str) -> bool {
    CONFIG_KEYS.contains(&key)
        || key
            .strip_prefix(EXPORTER_KEY)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every build info in `value`, in the file's key order.
pub(crate) fn entries(value: &Value) -> Vec<Entry> {
    let Some(object) = value.as_object() else {
        return Vec::new();
    };
    let (holder, base) = match object.get("ExporterResponse").and_then(Value::as_object) {
        Some(response) if !object.keys().any(|k| is_key(k)) => {
            (response, JsonPointer::root().key("ExporterResponse"))
        }
        _ => (object, JsonPointer::root()),
    };
    holder
        .keys()
        .filter(|k| is_key(k))
        .map(|k| Entry {
            pointer: base.key(k),
            platform: k
                .strip_prefix(EXPORTER_KEY)
                .and_then(|rest| rest.strip_prefix('/'))
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        })
        .collect()
}

/// Decode the build info at `entry` in `value` (found at `base` in the
/// file): the object itself, or the base64 JSON text (then the second
/// member is where that text is in the file, and pointers into the result
/// are relative to the decoded JSON).
pub(crate) fn decode(
    origin: &Origin,
    value: &Value,
    base: &JsonPointer,
    entry: &Entry,
) -> Result<(Decoded, Option<JsonPointer>), IngestError> {
    let at = base.join(&entry.pointer);
    let layer = match &entry.platform {
        Some(platform) => format!("{LAYER} {platform}"),
        None => LAYER.to_owned(),
    };
    let decoded = |value: Value| Decoded {
        value,
        layers: vec![layer.clone()],
        envelope: None,
        bundle: None,
        unread: None,
    };
    let not_build_info = |at: JsonPointer, found: &str| IngestError::Schema {
        at: origin.at(at),
        layer: "BuildKit build info",
        message: format!("expected an object (or its JSON as base64 text), found {found}"),
    };
    match value.pointer(entry.pointer.as_str()) {
        Some(object @ Value::Object(_)) => Ok((decoded(object.clone()), None)),
        Some(Value::String(text)) => {
            let bytes = decode_base64(text).map_err(|message| IngestError::Base64 {
                at: origin.at(at.clone()),
                message,
            })?;
            let inner = Origin {
                file: origin.file.clone(),
                line: origin.line,
                within: Some(at.clone()),
            };
            let text = std::str::from_utf8(&bytes).map_err(|e| IngestError::Json {
                at: inner.at(JsonPointer::root()),
                message: format!(
                    "decoded byte {} is not valid UTF-8 (expected BuildKit build info JSON)",
                    e.valid_up_to()
                ),
            })?;
            let value = json::parse(&origin.file, text).map_err(|mut e| {
                if let Some(at) = e.location_mut() {
                    at.within = inner.within.clone().map(Box::new);
                    at.line_col = inner.line.map(|l| (l, 1));
                }
                e
            })?;
            if !value.is_object() {
                return Err(IngestError::Schema {
                    at: inner.at(JsonPointer::root()),
                    layer: "BuildKit build info",
                    message: format!("expected an object, found {}", json_type(&value)),
                });
            }
            Ok((decoded(value), Some(at.clone())))
        }
        Some(other) => Err(not_build_info(at.clone(), json_type(other))),
        None => Err(not_build_info(at.clone(), "nothing")),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use serde_json::json;

    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "md.json".into(),
            line: None,
            within: None,
        }
    }

    #[test]
    fn finds_every_place_build_info_is_written() {
        let rows = [
            (
                json!({"containerimage.buildinfo": {}}),
                vec![("/containerimage.buildinfo", None)],
            ),
            (
                json!({"containerimage.buildinfo/linux/amd64": "e30=",
                       "containerimage.buildinfo/linux/arm64/v8": "e30=",
                       "containerimage.digest": "sha256:0"}),
                vec![
                    (
                        "/containerimage.buildinfo~1linux~1amd64",
                        Some("linux/amd64"),
                    ),
                    (
                        "/containerimage.buildinfo~1linux~1arm64~1v8",
                        Some("linux/arm64/v8"),
                    ),
                ],
            ),
            (
                json!({"ExporterResponse": {"containerimage.buildinfo": "e30="}}),
                vec![("/ExporterResponse/containerimage.buildinfo", None)],
            ),
            (
                json!({"architecture": "amd64", "moby.buildkit.buildinfo.v1": "e30="}),
                vec![("/moby.buildkit.buildinfo.v1", None)],
            ),
            (json!({"containerimage.buildinfox": {}}), vec![]),
            (json!({"containerimage.digest": "sha256:0"}), vec![]),
        ];
        for (value, want) in rows {
            let got: Vec<(String, Option<String>)> = entries(&value)
                .into_iter()
                .map(|e| (e.pointer.as_str().to_owned(), e.platform))
                .collect();
            let want: Vec<(String, Option<String>)> = want
                .into_iter()
                .map(|(p, platform)| (p.to_owned(), platform.map(str::to_owned)))
                .collect();
            assert_eq!(got, want, "{value}");
            assert_eq!(
                claims(value.as_object().unwrap()),
                !got.is_empty(),
                "{value}"
            );
        }
    }

    #[test]
    fn base64_and_decoded_forms_read_alike() {
        let info = json!({"frontend": "dockerfile.v0", "sources": []});
        let encoded = STANDARD.encode(info.to_string());
        for (file, encoded_at) in [
            (json!({"containerimage.buildinfo": info.clone()}), None),
            (
                json!({"containerimage.buildinfo": encoded}),
                Some("/containerimage.buildinfo"),
            ),
        ] {
            let entry = &entries(&file)[0];
            let (decoded, at) = decode(&origin(), &file, &JsonPointer::root(), entry).unwrap();
            assert_eq!(decoded.value, info);
            assert_eq!(decoded.layers, ["buildkit-buildinfo"]);
            assert_eq!(at.as_ref().map(JsonPointer::as_str), encoded_at);
        }
    }

    #[test]
    fn bad_build_info_names_its_place() {
        let dup = STANDARD.encode(r#"{"sources":[],"sources":[]}"#);
        let rows = [
            (json!({"containerimage.buildinfo": 7}), "md.json: at /containerimage.buildinfo: not a valid BuildKit build info: expected an object (or its JSON as base64 text), found a number"),
            (json!({"containerimage.buildinfo": "!!"}), "md.json: at /containerimage.buildinfo: invalid base64"),
            (json!({"containerimage.buildinfo": STANDARD.encode("[1]")}), "not a valid BuildKit build info: expected an object, found an array"),
            (json!({"containerimage.buildinfo": dup}), "duplicate key \"sources\""),
        ];
        for (file, want) in rows {
            let entry = &entries(&file)[0];
            let err = decode(&origin(), &file, &JsonPointer::root(), entry)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err}\nwant {want}");
        }
    }
}
