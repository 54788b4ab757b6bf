//! Ingest: bytes → [`Document`].
//!
//! Reads a file (bounded by [`Limits`]), decodes JSON or YAML strictly
//! (duplicate keys rejected, nesting bounded) and detects what kind of
//! document it is. Nothing here interprets the content: that is
//! [`normalize`](crate::normalize)'s job.

mod detect;
mod json;
mod yaml;

use std::io::Read;
use std::path::Path;

use serde_json::Value;

pub use detect::DocumentKind;

use crate::error::{IngestError, JsonPointer, Location};

/// Resource limits for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    /// 64 MiB: far above any real provenance document, far below memory trouble.
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The text syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// A decoded document of a known kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The input's name, for messages and the Evidence's `source`.
    pub name: String,
    /// JSON or YAML.
    pub syntax: Syntax,
    /// What it is.
    pub kind: DocumentKind,
    /// The decoded content.
    pub value: Value,
}

/// Read `path` (`-` for standard input), refusing more than `limits.max_bytes`.
///
/// # Errors
///
/// [`IngestError::Read`] when the file cannot be read, [`IngestError::TooLarge`]
/// when it exceeds the limit.
pub fn read_input(path: &Path, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let name = path.display().to_string();
    let read_err = |cause| IngestError::Read {
        file: name.clone(),
        cause,
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limits.max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(limits.max_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)
            })
            .map_err(read_err)?;
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(IngestError::TooLarge {
            file: name,
            limit: limits.max_bytes,
        });
    }
    Ok(bytes)
}

/// Decode every document in `bytes` (named `name` in messages).
///
/// Today a file holds one document; JSON-lines files (one document per line)
/// yield one result per line.
///
/// # Errors
///
/// Each item fails as [`ingest`] does.
pub fn ingest_all(name: &str, bytes: &[u8]) -> Vec<Result<Document, IngestError>> {
    vec![ingest(name, bytes)]
}

/// Decode `bytes` as one JSON or YAML value, strictly (duplicate keys
/// rejected, size and depth bounded), without asking what it is. Policy files
/// and other configuration use this.
///
/// # Errors
///
/// [`IngestError`] when the bytes are empty, not UTF-8 text, or not
/// well-formed JSON or YAML.
pub fn decode_text(name: &str, bytes: &[u8]) -> Result<Value, IngestError> {
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotText {
        file: name.to_owned(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(IngestError::Empty {
            file: name.to_owned(),
        });
    }
    if trimmed.starts_with(['{', '[']) {
        json::parse(name, text)
    } else {
        yaml::parse(name, text)
    }
}

/// Decode `bytes` (named `name` in messages) into a [`Document`].
///
/// # Errors
///
/// [`IngestError`] when the bytes are not UTF-8 text, not well-formed JSON or
/// YAML, repeat a key, nest too deep, or are not a document kind provcheck
/// reads.
pub fn ingest(name: &str, bytes: &[u8]) -> Result<Document, IngestError> {
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotText {
        file: name.to_owned(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(IngestError::Empty {
            file: name.to_owned(),
        });
    }
    if text.contains('\0') {
        return Err(IngestError::NotText {
            file: name.to_owned(),
            offset: bytes.iter().position(|&b| b == 0).unwrap_or_default(),
        });
    }
    let (syntax, value) = if trimmed.starts_with(['{', '[']) {
        (Syntax::Json, json::parse(name, text)?)
    } else {
        (Syntax::Yaml, yaml::parse(name, text)?)
    };
    let kind = detect::detect(&value).ok_or_else(|| IngestError::Unrecognized {
        at: Location::new(name, JsonPointer::root()),
        expected: detect::EXPECTED,
    })?;
    Ok(Document {
        name: name.to_owned(),
        syntax,
        kind,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_errors_naming_the_file() {
        let rows: [(&[u8], &str); 6] = [
            (b"", "empty input"),
            (b"  \n\t", "empty input"),
            (b"\x89PNG\r\n\x1a\n\0\0", "not a text document"),
            (b"ab\0cd", "not a text document"),
            (b"{\"status\": {\"steps\": [", "invalid JSON"),
            (b"{\"kind\": \"Pod\"}", "unrecognized document"),
        ];
        for (bytes, want) in rows {
            let err = ingest("in.json", bytes).unwrap_err().to_string();
            assert!(err.starts_with("in.json"), "{err}");
            assert!(err.contains(want), "{want:?} not in {err}");
        }
    }

    #[test]
    fn json_and_yaml_are_told_apart() {
        let d = ingest("a", b"{\"kind\":\"TaskRun\"}").unwrap();
        assert_eq!(
            (d.syntax, d.kind),
            (Syntax::Json, DocumentKind::TektonTaskRun)
        );
        let d = ingest("a", b"kind: PipelineRun\n").unwrap();
        assert_eq!(
            (d.syntax, d.kind),
            (Syntax::Yaml, DocumentKind::TektonPipelineRun)
        );
        let d = ingest("a", "\u{feff}{\"kind\":\"TaskRun\"}".as_bytes()).unwrap();
        assert_eq!(d.syntax, Syntax::Json);
    }

    #[test]
    fn oversized_input_is_refused() {
        let dir = std::env::temp_dir().join(format!("provcheck-limit-{}", std::process::id()));
        std::fs::write(&dir, vec![b' '; 2048]).unwrap();
        let err = read_input(&dir, &Limits { max_bytes: 1024 }).unwrap_err();
        std::fs::remove_file(&dir).unwrap();
        assert!(
            matches!(err, IngestError::TooLarge { limit: 1024, .. }),
            "{err}"
        );
    }
}
