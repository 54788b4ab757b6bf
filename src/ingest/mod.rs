//! Ingest: bytes → [`Document`].
//!
//! Reads a file (bounded by [`Limits`]), decodes JSON or YAML strictly
//! (duplicate keys rejected, nesting bounded), detects what kind of
//! document it is and decodes the attestation layers (Sigstore bundle →
//! DSSE envelope → in-toto statement), checking each against its JSON
//! Schema. A JSON-lines file (`.intoto.jsonl`) yields one document per line.
//! Nothing here interprets the predicate: that is
//! the normalize stage's job.

mod buildinfo;
pub(crate) mod detect;
pub mod index;
mod json;
pub mod layers;
mod schema;
mod yaml;

use std::io::Read;
use std::path::Path;

use serde_json::Value;

pub use detect::DocumentKind;
pub use index::{ingest_index, ImageIndex, IndexEntry};
use layers::Origin;
pub use layers::{Bundle, BundleVersion, Envelope, EnvelopeSignature};

/// Most documents one file may hold (JSON lines, an npm attestations list).
pub const MAX_DOCUMENTS: usize = 10_000;

use crate::error::{IngestError, JsonPointer, Location};

/// Resource limits for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
    /// Most steps and sidecars one document may hold (declared and runtime
    /// entries together): past it, the document is refused before its
    /// steps are built.
    pub max_steps: usize,
}

/// The default for [`Limits::max_steps`].
pub const MAX_STEPS: usize = 100_000;

impl Default for Limits {
    /// 64 MiB: far above any real provenance document, far below memory
    /// trouble; 100 000 steps: far above any real build.
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_steps: MAX_STEPS,
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

/// A decoded document of a known kind: what every later stage reads. A
/// signed document carries its signature material (the envelope with the
/// exact signed bytes, the bundle with its certificate or key hint, log
/// entries and timestamps) beside the content read from those bytes.
#[derive(Debug)]
pub struct Document {
    /// The input's name, for messages and the Evidence's `source`.
    pub name: String,
    /// JSON or YAML.
    pub syntax: Syntax,
    /// What it is.
    pub kind: DocumentKind,
    /// The decoded content: a Tekton object, or the in-toto statement
    /// (decoded from the DSSE payload when enveloped), or — for a bundle
    /// that signs an artifact digest instead — the bundle itself.
    pub value: Value,
    /// The 1-based line of a JSON-lines document; `None` otherwise.
    pub line: Option<usize>,
    /// The layers decoded, outermost first (`sigstore-bundle v0.3`, `dsse`,
    /// `in-toto-statement v1`); empty for a Tekton object.
    pub layers: Vec<String>,
    /// The DSSE envelope, with the exact payload bytes, when there was one.
    pub envelope: Option<Envelope>,
    /// The Sigstore bundle, when there was one.
    pub bundle: Option<Bundle>,
    /// Where [`Self::value`] sits in the file when the file holds several
    /// objects side by side: `/items/3` for an item of a Kubernetes `List`
    /// (`kubectl get taskruns -o yaml`), `/attestations/0/bundle` in an npm
    /// attestations list; the root otherwise. Pointers into a Tekton object
    /// start here, so they name places in the file.
    pub base: JsonPointer,
    /// Where the base64 text [`Self::value`] was decoded from sits in the
    /// file, when it was not a DSSE payload (BuildKit build info in an
    /// exporter response or an image config); `None` otherwise.
    pub encoded_at: Option<JsonPointer>,
    /// Where this document is in a value that holds several (a Kubernetes
    /// `List` item, an npm list's bundle, one platform's build info), so
    /// that documents of one file or line are told apart; `None` for a
    /// document that is a whole file or JSON line.
    pub part: Option<JsonPointer>,
    /// For a signed document that cannot be read whole: why. Either its
    /// signature material is malformed (then [`Self::envelope`] and
    /// [`Self::bundle`] are `None`, and its signature fails), or its signed
    /// payload is not a readable statement (then the envelope and bundle
    /// are kept and the signature is still judged, so that a forged payload
    /// fails as forged rather than as unreadable). [`Self::value`] is `Null`.
    pub unread: Option<Box<IngestError>>,
}

impl Document {
    /// This document when its content was read; the ingest error of a
    /// signed document whose payload could not be ([`Self::unread`]).
    ///
    /// # Errors
    ///
    /// The [`IngestError`] in [`Self::unread`].
    pub fn readable(mut self) -> Result<Self, IngestError> {
        match self.unread.take() {
            Some(e) => Err(*e),
            None => Ok(self),
        }
    }

    /// The document's name in reports and Evidence: the input, and its
    /// place there when the input holds several side by side
    /// (`FILE#/attestations/0/bundle`, `FILE#/items/3`).
    pub fn source(&self) -> String {
        match &self.part {
            Some(part) => format!("{}#{part}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether the document is signed: a DSSE envelope or a Sigstore
    /// bundle (whose signature material may be unreadable: see
    /// [`Self::unread`]).
    pub fn is_signed(&self) -> bool {
        self.kind.is_signed()
    }
    /// The pointer, in the file, of the base64 payload [`Self::value`] was
    /// decoded from; `None` when `value` is the file's own JSON. Pointers
    /// into `value` are relative to that decoded payload.
    pub fn payload_pointer(&self) -> Option<JsonPointer> {
        self.envelope
            .as_ref()
            .map(Envelope::payload_pointer)
            .or_else(|| self.encoded_at.clone())
    }

    /// The location of `pointer` (into [`Self::value`]) for messages.
    pub fn location(&self, pointer: JsonPointer) -> Location {
        Location {
            file: self.name.clone(),
            pointer,
            line_col: self.line.map(|l| (l, 1)),
            within: self.payload_pointer().map(Box::new),
        }
    }

    /// Where [`Self::value`] sits in the file when it is not a decoded
    /// payload (a bundle inside an npm attestations list); the root otherwise.
    pub fn value_pointer(&self) -> JsonPointer {
        match (&self.envelope, &self.bundle) {
            (None, Some(b)) => b.pointer.clone(),
            _ => JsonPointer::root(),
        }
    }
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
                // Sized up front (as `std::fs::read` does): one read, no regrowth.
                let size = f.metadata().map_or(0, |m| m.len()).min(limits.max_bytes);
                bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
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
/// A JSON-lines file (named `*.jsonl`, or whose every non-blank line is a
/// JSON object) yields one result per non-blank line, each with its line
/// number; an npm registry attestations list (`{"attestations": [{…,
/// "bundle": …}]}`) yields one result per bundle; anything else is one
/// document. At most [`MAX_DOCUMENTS`] are read from one file.
///
/// # Errors
///
/// Each item fails as [`ingest`] does.
pub fn ingest_all(name: &str, bytes: &[u8]) -> Vec<Result<Document, IngestError>> {
    let text = match text_of(name, bytes) {
        Ok(text) => text,
        Err(e) => return vec![Err(e)],
    };
    if is_json_lines(name, text) {
        return json_lines(name, text);
    }
    if !looks_like_json(text) {
        let documents = yaml::split_documents(text);
        if documents.len() > 1 {
            return yaml_documents(name, &documents);
        }
    }
    let (syntax, value) = match parse(name, text) {
        Ok(parsed) => parsed,
        Err(e) => return vec![Err(e)],
    };
    ingest_value(name, syntax, value)
}

/// Every document of a YAML stream (`---`-separated), each named by the
/// line it starts on; a bad one never hides the others.
fn yaml_documents(name: &str, documents: &[yaml::Part<'_>]) -> Vec<Result<Document, IngestError>> {
    let mut out = Vec::new();
    for part in documents {
        if out.len() >= MAX_DOCUMENTS {
            // A part that is a list may have brought more than the rest
            // allowed: the documents past the limit are refused too.
            out.truncate(MAX_DOCUMENTS);
            let mut at = Location::new(name, JsonPointer::root());
            at.line_col = Some((part.line, 1));
            out.push(Err(IngestError::TooMany {
                at,
                what: "documents in one file",
                limit: MAX_DOCUMENTS,
            }));
            break;
        }
        match yaml::parse_part(name, part) {
            Ok(value) => out.extend(ingest_value(name, Syntax::Yaml, value).into_iter().map(
                |doc| match doc {
                    Ok(mut d) => {
                        d.line = Some(part.line);
                        Ok(d)
                    }
                    // An error without a position names the document's line.
                    Err(mut e) => {
                        if let Some(at) = e.location_mut() {
                            at.line_col = at.line_col.or(Some((part.line, 1)));
                        }
                        Err(e)
                    }
                },
            )),
            Err(e) => out.push(Err(e)),
        }
    }
    if out.len() > MAX_DOCUMENTS {
        out.truncate(MAX_DOCUMENTS);
        out.push(Err(IngestError::TooMany {
            at: Location::new(name, JsonPointer::root()),
            what: "documents in one file",
            limit: MAX_DOCUMENTS,
        }));
    }
    out
}

/// The documents in one parsed value: a list's items, an npm list's
/// bundles, a multi-platform build info's platforms, or the value itself.
fn ingest_value(name: &str, syntax: Syntax, value: Value) -> Vec<Result<Document, IngestError>> {
    let none_in = |what, key: &str| {
        vec![Err(IngestError::NoDocuments {
            at: Location::new(name, JsonPointer::root().key(key)),
            what,
        })]
    };
    let container = if npm_attestations(&value).is_some() {
        Some("an npm attestations list")
    } else if kubernetes_list(&value).is_some() {
        Some("a Kubernetes List")
    } else {
        None
    };
    if let Some(first) = container {
        if let Some((second, members)) = detect::also_claims(&value, None) {
            return vec![Err(IngestError::Ambiguous {
                at: Location::new(name, JsonPointer::root()),
                what: detect::ambiguity(first, second, &members),
            })];
        }
    }
    if let Some(list) = npm_attestations(&value) {
        if list.is_empty() {
            return none_in("an npm attestations list", "attestations");
        }
        return in_parts(attestation_list(name, syntax, list));
    }
    if let Some(items) = kubernetes_list(&value) {
        if items.is_empty() {
            return none_in("a Kubernetes List", "items");
        }
        return in_parts(list_items(name, syntax, items));
    }
    if detect::detect(&value) == Some(DocumentKind::BuildkitBuildInfo) {
        let docs = build_infos(name, syntax, &value);
        return if docs.len() > 1 { in_parts(docs) } else { docs };
    }
    vec![document(name, syntax, value, None)]
}

/// Mark each document of a value that holds several with its place there:
/// its base, or where its encoded text sits.
fn in_parts(docs: Vec<Result<Document, IngestError>>) -> Vec<Result<Document, IngestError>> {
    docs.into_iter()
        .map(|d| {
            d.map(|mut doc| {
                doc.part = Some(doc.encoded_at.clone().unwrap_or_else(|| doc.base.clone()));
                doc
            })
        })
        .collect()
}

/// One document per BuildKit build info in the file (one per platform of a
/// multi-platform build); a bad one never hides the others.
fn build_infos(name: &str, syntax: Syntax, value: &Value) -> Vec<Result<Document, IngestError>> {
    let origin = Origin {
        file: name.to_owned(),
        line: None,
        within: None,
    };
    let entries = buildinfo::entries(value);
    let mut out: Vec<_> = entries
        .iter()
        .take(MAX_DOCUMENTS)
        .map(|entry| build_info(&origin, syntax, value, &JsonPointer::root(), entry))
        .collect();
    if entries.len() > MAX_DOCUMENTS {
        out.push(Err(IngestError::TooMany {
            at: origin.at(JsonPointer::root()),
            what: "BuildKit build infos (one per platform) in one file",
            limit: MAX_DOCUMENTS,
        }));
    }
    out
}

/// The build info at `entry` in `value`, which is at `base` in the file.
fn build_info(
    origin: &Origin,
    syntax: Syntax,
    value: &Value,
    base: &JsonPointer,
    entry: &buildinfo::Entry,
) -> Result<Document, IngestError> {
    let (decoded, encoded_at) = buildinfo::decode(origin, value, base, entry)?;
    Ok(Document {
        name: origin.file.clone(),
        syntax,
        kind: DocumentKind::BuildkitBuildInfo,
        value: decoded.value,
        line: origin.line,
        layers: decoded.layers,
        envelope: None,
        bundle: None,
        // Pointers into decoded base64 are relative to it; into an object,
        // they name places in the file.
        base: match encoded_at {
            Some(_) => JsonPointer::root(),
            None => base.join(&entry.pointer),
        },
        part: None,
        encoded_at,
        unread: None,
    })
}

/// The items of a Kubernetes `List` (`apiVersion: v1`, `kind: List`), as
/// `kubectl get taskruns -o yaml` prints several objects.
pub(crate) fn kubernetes_list(value: &Value) -> Option<&Vec<Value>> {
    let object = value.as_object()?;
    let is_list = object.get("kind").and_then(Value::as_str) == Some("List")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1");
    is_list.then(|| object.get("items").and_then(Value::as_array))?
}

/// One document per item of a Kubernetes `List`; a bad item is an error of
/// its own and never hides the others.
fn list_items(name: &str, syntax: Syntax, items: &[Value]) -> Vec<Result<Document, IngestError>> {
    each_element(
        name,
        items,
        |i| JsonPointer::root().key("items").index(i),
        |origin, item, base| document_at(origin, syntax, item.clone(), base),
    )
}

/// One result per element of `elements` (a list inside one file), at
/// `base(i)`, decoded by `decode`; past [`MAX_DOCUMENTS`] one error says so.
fn each_element(
    name: &str,
    elements: &[Value],
    base: impl Fn(usize) -> JsonPointer,
    decode: impl Fn(&Origin, &Value, &JsonPointer) -> Result<Document, IngestError>,
) -> Vec<Result<Document, IngestError>> {
    let origin = Origin {
        file: name.to_owned(),
        line: None,
        within: None,
    };
    let mut out = Vec::with_capacity(elements.len().min(MAX_DOCUMENTS + 1));
    for (i, element) in elements.iter().enumerate() {
        let base = base(i);
        if i == MAX_DOCUMENTS {
            out.push(Err(IngestError::TooMany {
                at: origin.at(base),
                what: "documents in one file",
                limit: MAX_DOCUMENTS,
            }));
            break;
        }
        out.push(decode(&origin, element, &base));
    }
    out
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
    let text = text_of(name, bytes)?;
    parse(name, text).map(|(_, value)| value)
}

/// Decode `bytes` (named `name` in messages) into one [`Document`].
///
/// # Errors
///
/// [`IngestError`] when the bytes are not UTF-8 text, not well-formed JSON or
/// YAML, repeat a key, nest too deep, are not a document kind provcheck
/// reads, or a layer is malformed: a bundle with an unknown media type or
/// without content, an envelope with another payload type or a payload that
/// is not base64, a statement without subject, a schema violation.
pub fn ingest(name: &str, bytes: &[u8]) -> Result<Document, IngestError> {
    let text = text_of(name, bytes)?;
    let (syntax, value) = parse(name, text)?;
    document(name, syntax, value, None)
}

/// The bytes as text, or why they are not a text document.
fn text_of<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, IngestError> {
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
    Ok(text)
}

/// JSON when it looks like JSON, YAML otherwise.
/// JSON text starts with `{` or `[` (YAML's flow style too: read as JSON).
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

fn parse(name: &str, text: &str) -> Result<(Syntax, Value), IngestError> {
    if looks_like_json(text) {
        return Ok((Syntax::Json, json::parse(name, text)?));
    }
    // One document, perhaps between `---` markers or beside empty ones: that
    // document (the reader alone would count the empty ones too).
    let value = match yaml::split_documents(text).as_slice() {
        [one] => yaml::parse_part(name, one)?,
        _ => yaml::parse(name, text)?,
    };
    Ok((Syntax::Yaml, value))
}

/// Detect and decode one parsed document found at `base` in the file.
fn document_at(
    origin: &Origin,
    syntax: Syntax,
    value: Value,
    base: &JsonPointer,
) -> Result<Document, IngestError> {
    let kind = detect::detect(&value).ok_or_else(|| IngestError::Unrecognized {
        at: origin.at(base.clone()),
        expected: detect::EXPECTED,
    })?;
    let ambiguous =
        detect::also_claims(&value, Some(kind)).map(|(second, members)| IngestError::Ambiguous {
            at: origin.at(base.clone()),
            what: detect::ambiguity(kind.label_with_article(), second, &members),
        });
    let ambiguous = match ambiguous {
        Some(e) if !kind.is_signed() => return Err(e),
        other => other,
    };
    if kind == DocumentKind::BuildkitBuildInfo {
        // One document asked for: a multi-platform file holds several.
        return match buildinfo::entries(&value).as_slice() {
            [entry] => build_info(origin, syntax, &value, base, entry),
            _ => Err(IngestError::TooMany {
                at: origin.at(base.clone()),
                what: "BuildKit build infos (one per platform) where one document was asked for",
                limit: 1,
            }),
        };
    }
    let decoded = match ambiguous.map_or_else(|| layers::decode(origin, kind, value, base), Err) {
        Ok(decoded) => decoded,
        // Signature material that cannot be read is still a signed
        // document: its signature fails, as a forged one does. An input
        // past a limit is refused whatever it is.
        Err(e) if kind.is_signed() && !matches!(e, IngestError::TooMany { .. }) => {
            layers::Decoded {
                value: Value::Null,
                layers: Vec::new(),
                envelope: None,
                bundle: None,
                unread: Some(e),
            }
        }
        Err(e) => return Err(e),
    };
    Ok(Document {
        name: origin.file.clone(),
        syntax,
        kind,
        value: decoded.value,
        line: origin.line,
        layers: decoded.layers,
        envelope: decoded.envelope,
        bundle: decoded.bundle,
        base: base.clone(),
        encoded_at: None,
        part: None,
        unread: decoded.unread.map(Box::new),
    })
}

fn document(
    name: &str,
    syntax: Syntax,
    value: Value,
    line: Option<usize>,
) -> Result<Document, IngestError> {
    let origin = Origin {
        file: name.to_owned(),
        line,
        within: None,
    };
    document_at(&origin, syntax, value, &JsonPointer::root())
}

/// `*.jsonl`, or several lines that each hold one JSON object (a
/// pretty-printed document has lines that do not start with `{`).
pub(crate) fn is_json_lines(name: &str, text: &str) -> bool {
    if name.ends_with(".jsonl") {
        return true;
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut count = 0;
    let all_objects = lines.all(|l| {
        count += 1;
        l.starts_with('{') && l.ends_with('}')
    });
    all_objects && count > 1
}

fn json_lines(name: &str, text: &str) -> Vec<Result<Document, IngestError>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if out.len() == MAX_DOCUMENTS {
            let mut at = Location::new(name, JsonPointer::root());
            at.line_col = Some((number, 1));
            out.push(Err(IngestError::TooMany {
                at,
                what: "documents in one file",
                limit: MAX_DOCUMENTS,
            }));
            break;
        }
        let parsed = json::parse(name, line).map_err(|mut e| {
            if let Some(at) = e.location_mut() {
                let col = at.line_col.map_or(1, |(_, col)| col);
                at.line_col = Some((number, col));
            }
            e
        });
        out.push(parsed.and_then(|value| document(name, Syntax::Json, value, Some(number))));
    }
    if out.is_empty() {
        out.push(Err(IngestError::Empty {
            file: name.to_owned(),
        }));
    }
    out
}

/// The entries of an npm registry attestations document
/// (`{"attestations": [{"predicateType": …, "bundle": {…}}]}`).
pub(crate) fn npm_attestations(value: &Value) -> Option<&Vec<Value>> {
    let object = value.as_object()?;
    let list = object.get("attestations")?.as_array()?;
    let shaped = object.len() == 1
        && !list.is_empty()
        && list
            .iter()
            .all(|a| a.get("bundle").is_some_and(Value::is_object));
    shaped.then_some(list)
}

fn attestation_list(
    name: &str,
    syntax: Syntax,
    list: &[Value],
) -> Vec<Result<Document, IngestError>> {
    let base = |i| {
        JsonPointer::root()
            .key("attestations")
            .index(i)
            .key("bundle")
    };
    each_element(name, list, base, |origin, entry, base| {
        let bundle = entry.get("bundle").cloned().unwrap_or_default();
        document_at(origin, syntax, bundle, base).map(|mut doc| {
            doc.layers.insert(0, "npm-attestations".to_owned());
            doc
        })
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
    fn json_lines_yield_one_document_per_line_with_its_number() {
        let line = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"p"}"#;
        let text = format!("{line}\n\n{line}\n{{\"kind\":\"Pod\"}}\n{{broken\n");
        let docs = ingest_all("x.intoto.jsonl", text.as_bytes());
        assert_eq!(docs.len(), 4);
        assert_eq!(docs[0].as_ref().unwrap().line, Some(1));
        assert_eq!(docs[1].as_ref().unwrap().line, Some(3));
        let err = docs[2].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("x.intoto.jsonl:4:1: unrecognized document"),
            "{err}"
        );
        let err = docs[3].as_ref().unwrap_err().to_string();
        assert!(err.starts_with("x.intoto.jsonl:5:2: invalid JSON"), "{err}");
    }

    /// A list with nothing in it is an error, never an input that yields
    /// no report at all.
    #[test]
    fn an_empty_list_is_an_error() {
        let docs = ingest_all(
            "l.json",
            br#"{"apiVersion": "v1", "kind": "List", "items": []}"#,
        );
        assert_eq!(docs.len(), 1);
        let err = docs.into_iter().next().unwrap().unwrap_err().to_string();
        assert_eq!(
            err,
            "l.json: at /items: a Kubernetes List holds no document: nothing to judge"
        );
    }

    #[test]
    fn json_lines_are_recognized_by_shape_too() {
        let line = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"p"}"#;
        let docs = ingest_all("x.json", format!("{line}\n{line}\n").as_bytes());
        assert_eq!(docs.len(), 2);
        // A pretty-printed document is one document.
        let docs = ingest_all("y.json", b"{\n  \"kind\": \"TaskRun\"\n}\n");
        assert_eq!(docs.len(), 1);
        assert!(docs[0].is_ok());
    }

    #[test]
    fn too_many_json_lines_are_refused() {
        let line = "{\"kind\":\"TaskRun\"}\n";
        let docs = ingest_all("many.jsonl", line.repeat(MAX_DOCUMENTS + 5).as_bytes());
        assert_eq!(docs.len(), MAX_DOCUMENTS + 1);
        let err = docs.last().unwrap().as_ref().unwrap_err().to_string();
        assert_eq!(
            err,
            format!("many.jsonl:{}:1: more than {MAX_DOCUMENTS} documents in one file: refusing the rest", MAX_DOCUMENTS + 1)
        );
    }

    /// The document limit holds however the documents come: Lists in a
    /// YAML stream, platforms of a build info.
    #[test]
    fn the_document_limit_holds_for_lists_in_a_stream_and_build_infos() {
        let list = format!(
            "---\napiVersion: v1\nkind: List\nitems:\n{}",
            "- {kind: TaskRun}\n".repeat(4000)
        );
        let docs = ingest_all("s.yaml", list.repeat(3).as_bytes());
        assert_eq!(docs.len(), MAX_DOCUMENTS + 1);
        let err = docs.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(
            err.contains("more than 10000 documents in one file"),
            "{err}"
        );
        let platforms: Vec<String> = (0..MAX_DOCUMENTS + 3)
            .map(|i| format!("\"containerimage.buildinfo/p{i}\": {{}}"))
            .collect();
        let docs = ingest_all("b.json", format!("{{{}}}", platforms.join(",")).as_bytes());
        assert_eq!(docs.len(), MAX_DOCUMENTS + 1);
        assert!(docs.last().unwrap().is_err());
    }

    #[test]
    fn oversized_input_is_refused() {
        let dir = std::env::temp_dir().join(format!("provcheck-limit-{}", std::process::id()));
        std::fs::write(&dir, vec![b' '; 2048]).unwrap();
        let err = read_input(
            &dir,
            &Limits {
                max_bytes: 1024,
                ..Limits::default()
            },
        )
        .unwrap_err();
        std::fs::remove_file(&dir).unwrap();
        assert!(
            matches!(err, IngestError::TooLarge { limit: 1024, .. }),
            "{err}"
        );
    }
}
