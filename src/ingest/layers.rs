//! The attestation layers: Sigstore bundle → DSSE envelope → in-toto
//! statement (→ predicate, read by the normalize stage).
//!
//! Each layer is checked against its JSON Schema (`schemas/`), then decoded.
//! The DSSE payload is base64-decoded and the **exact bytes** are kept (a
//! signature is checked over them through PAE, never over re-serialized
//! JSON); they are parsed with the strict JSON parser, so a signed payload
//! that repeats an object key is rejected.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::Value;

use super::schema::{self, Schema};
use super::{json, DocumentKind};
use crate::error::{IngestError, JsonPointer, Location};

/// The one DSSE payload type provcheck reads.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// `_type` of an in-toto statement v0.1.
pub const IN_TOTO_STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// `_type` of an in-toto statement v1.
pub const IN_TOTO_STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of SLSA provenance v0.1.
pub const SLSA_PROVENANCE_V01: &str = "https://slsa.dev/provenance/v0.1";
/// `predicateType` of SLSA provenance v0.2.
pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// `predicateType` of SLSA provenance v1.0.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// Most subjects one statement may name.
pub const MAX_SUBJECTS: usize = 10_000;
/// Most signatures one DSSE envelope may carry.
pub const MAX_SIGNATURES: usize = 64;

/// A Sigstore bundle's format version, from its `mediaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`.
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`.
    V0_2,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3` or
    /// `application/vnd.dev.sigstore.bundle.v0.3+json`.
    V0_3,
}

impl BundleVersion {
    /// The version from a media type, or `None` for one provcheck does not read.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some(Self::V0_1),
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some(Self::V0_2),
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => Some(Self::V0_3),
            _ => None,
        }
    }

    /// `v0.1`, `v0.2` or `v0.3`.
    pub fn label(self) -> &'static str {
        match self {
            Self::V0_1 => "v0.1",
            Self::V0_2 => "v0.2",
            Self::V0_3 => "v0.3",
        }
    }
}

/// A Sigstore bundle as found. Nothing in it is verified here.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The `mediaType` as written.
    pub media_type: String,
    /// The version it names.
    pub version: BundleVersion,
    /// `verificationMaterial`, raw (certificate or public key hint, log
    /// entries, timestamps), for the verifier.
    pub verification_material: Value,
    /// `messageSignature`, raw, when the bundle signs an artifact digest
    /// instead of carrying a DSSE envelope.
    pub message_signature: Option<Value>,
    /// The whole bundle as decoded, for verifiers that read it again.
    pub json: Value,
    /// Where the bundle is in the file (the root, or inside a container).
    pub pointer: JsonPointer,
}

/// One DSSE signature, as written (nothing verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// `keyid`, when present.
    pub keyid: Option<String>,
    /// `sig`, base64 as written.
    pub sig: String,
}

/// A DSSE envelope with its payload decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadType`: [`IN_TOTO_PAYLOAD_TYPE`], unless the document is
    /// [unread](super::Document::unread).
    pub payload_type: String,
    /// The exact decoded payload bytes: what the signatures sign (through PAE).
    pub payload: Vec<u8>,
    /// The signatures, as written.
    pub signatures: Vec<EnvelopeSignature>,
    /// Where the envelope is in the file (`""` for a bare envelope,
    /// `/dsseEnvelope` in a bundle).
    pub pointer: JsonPointer,
}

impl Envelope {
    /// The pointer of the encoded payload in the file: pointers into the
    /// decoded statement are relative to it.
    pub fn payload_pointer(&self) -> JsonPointer {
        self.pointer.key("payload")
    }
}

/// Where a document's values are, for error locations.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) file: String,
    pub(crate) line: Option<usize>,
    pub(crate) within: Option<JsonPointer>,
}

impl Origin {
    pub(crate) fn at(&self, pointer: JsonPointer) -> Location {
        Location {
            file: self.file.clone(),
            pointer,
            line_col: self.line.map(|l| (l, 1)),
            within: self.within.clone().map(Box::new),
        }
    }
}

/// A decoded document's content and layers.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) value: Value,
    pub(crate) layers: Vec<String>,
    pub(crate) envelope: Option<Envelope>,
    pub(crate) bundle: Option<Bundle>,
    /// Why the signed payload cannot be read, when the signature layers
    /// could: `value` is then `Null`, and the signature is still judged.
    pub(crate) unread: Option<IngestError>,
}

/// Decode `value` (of `kind`, found at `base` in the file) through its layers.
pub(crate) fn decode(
    origin: &Origin,
    kind: DocumentKind,
    value: Value,
    base: &JsonPointer,
) -> Result<Decoded, IngestError> {
    if matches!(
        kind,
        DocumentKind::SigstoreBundle | DocumentKind::DsseEnvelope | DocumentKind::InTotoStatement
    ) {
        one_reading(origin, &value, base)?;
    }
    match kind {
        DocumentKind::SigstoreBundle => bundle(origin, value, base),
        DocumentKind::DsseEnvelope => {
            let (envelope, content) = envelope(origin, &value, base)?;
            let mut layers = vec!["dsse".to_owned()];
            let (value, unread) = content.read(&mut layers);
            Ok(Decoded {
                value,
                layers,
                envelope: Some(envelope),
                bundle: None,
                unread,
            })
        }
        DocumentKind::InTotoStatement => {
            let layer = statement(origin, &value, base)?;
            Ok(Decoded {
                value,
                layers: vec![layer],
                envelope: None,
                bundle: None,
                unread: None,
            })
        }
        DocumentKind::TektonTaskRun
        | DocumentKind::TektonPipelineRun
        // Decoded by `super::buildinfo`, entry by entry; as a whole, as is.
        | DocumentKind::BuildkitBuildInfo => Ok(Decoded {
            value,
            layers: Vec::new(),
            envelope: None,
            bundle: None,
            unread: None,
        }),
    }
}

fn bundle(origin: &Origin, value: Value, base: &JsonPointer) -> Result<Decoded, IngestError> {
    let at = |p: JsonPointer| origin.at(base.join(&p));
    let media_type = match value.get("mediaType") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let Some(version) = BundleVersion::from_media_type(&media_type) else {
        return Err(IngestError::UnknownBundleVersion {
            at: at(JsonPointer::root().key("mediaType")),
            found: media_type,
        });
    };
    if value.get("dsseEnvelope").is_none() && value.get("messageSignature").is_none() {
        return Err(IngestError::BundleWithoutContent {
            at: at(JsonPointer::root()),
        });
    }
    schema::check(Schema::SigstoreBundle, &value, at)?;
    bundle_limits(&value, &at)?;
    let mut layers = vec![format!("sigstore-bundle {}", version.label())];
    let (content, envelope, unread) = match value.get("dsseEnvelope") {
        Some(env) => {
            let (envelope, content) = envelope(origin, env, &base.key("dsseEnvelope"))?;
            layers.push("dsse".to_owned());
            let (statement, unread) = content.read(&mut layers);
            (statement, Some(envelope), unread)
        }
        None => {
            layers.push("message-signature".to_owned());
            (value.clone(), None, None)
        }
    };
    let bundle = Bundle {
        media_type,
        version,
        verification_material: value
            .get("verificationMaterial")
            .cloned()
            .unwrap_or_default(),
        message_signature: value.get("messageSignature").cloned(),
        json: value,
        pointer: base.clone(),
    };
    Ok(Decoded {
        value: content,
        layers,
        envelope,
        bundle: Some(bundle),
        unread,
    })
}

/// What a DSSE payload holds: the in-toto statement and its layer name, or
/// why it cannot be read (the envelope around it still can).
type Content = Result<(Value, String), IngestError>;

trait ReadContent {
    /// The statement (its layer added to `layers`), or `Null` and why not.
    fn read(self, layers: &mut Vec<String>) -> (Value, Option<IngestError>);
}

impl ReadContent for Content {
    fn read(self, layers: &mut Vec<String>) -> (Value, Option<IngestError>) {
        match self {
            Ok((statement, layer)) => {
                layers.push(layer);
                (statement, None)
            }
            Err(e) => (Value::Null, Some(e)),
        }
    }
}

/// What the bundle's schema cannot say: the verification material names
/// one signer (`certificate`, `x509CertificateChain` and `publicKey` are a
/// protobuf oneof: with two, the identity judged and the evidence cited
/// could differ), and the log entries and timestamps are bounded, as every
/// stage bounds signatures.
fn bundle_limits(value: &Value, at: &impl Fn(JsonPointer) -> Location) -> Result<(), IngestError> {
    let material = JsonPointer::root().key("verificationMaterial");
    let vm = value.get("verificationMaterial");
    let present: Vec<&str> = ["certificate", "x509CertificateChain", "publicKey"]
        .into_iter()
        .filter(|k| vm.and_then(|m| m.get(*k)).is_some_and(|v| !v.is_null()))
        .collect();
    if let [_, second, ..] = present.as_slice() {
        return Err(IngestError::Schema {
            at: at(material.key(second)),
            layer: "Sigstore bundle",
            message: format!(
                "the verification material holds {}: a bundle names one signer (a certificate, a \
                 certificate chain or a public key)",
                present.join(" and ")
            ),
        });
    }
    for (key, pointer) in [
        ("tlog entries", material.key("tlogEntries")),
        (
            "RFC 3161 timestamps",
            material
                .key("timestampVerificationData")
                .key("rfc3161Timestamps"),
        ),
    ] {
        let count = value
            .pointer(pointer.as_str())
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if count > MAX_SIGNATURES {
            return Err(IngestError::TooMany {
                at: at(pointer),
                what: key,
                limit: MAX_SIGNATURES,
            });
        }
    }
    Ok(())
}

/// Check and decode a DSSE envelope at `base`; returns the envelope and
/// its content: the decoded statement and the statement's layer name, or
/// why the payload cannot be read. An error is the envelope's own.
fn envelope(
    origin: &Origin,
    value: &Value,
    base: &JsonPointer,
) -> Result<(Envelope, Content), IngestError> {
    let at = |p: JsonPointer| origin.at(base.join(&p));
    schema::check(Schema::DsseEnvelope, value, at)?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default();
    let payload_type = text("payloadType");
    let raw_signatures = value
        .get("signatures")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if raw_signatures.len() > MAX_SIGNATURES {
        return Err(IngestError::TooMany {
            at: at(JsonPointer::root().key("signatures")),
            what: "signatures in one envelope",
            limit: MAX_SIGNATURES,
        });
    }
    let signatures = raw_signatures
        .iter()
        .map(|s| EnvelopeSignature {
            keyid: s.get("keyid").and_then(Value::as_str).map(str::to_owned),
            sig: s
                .get("sig")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    let payload_ptr = base.key("payload");
    let payload = decode_base64(text("payload")).map_err(|message| IngestError::Base64 {
        at: origin.at(payload_ptr.clone()),
        message,
    })?;
    let inner = Origin {
        file: origin.file.clone(),
        line: origin.line,
        within: Some(payload_ptr.clone()),
    };
    // Another payload type is a payload provcheck does not read; its
    // signature is still judged.
    let content = if payload_type == IN_TOTO_PAYLOAD_TYPE {
        payload_statement(&inner, &payload)
    } else {
        Err(IngestError::UnknownPayloadType {
            at: at(JsonPointer::root().key("payloadType")),
            found: payload_type.to_owned(),
        })
    };
    let envelope = Envelope {
        payload_type: payload_type.to_owned(),
        payload,
        signatures,
        pointer: base.clone(),
    };
    Ok((envelope, content))
}

/// The in-toto statement in a DSSE payload's exact bytes, checked.
fn payload_statement(inner: &Origin, payload: &[u8]) -> Content {
    let statement_text = std::str::from_utf8(payload).map_err(|e| IngestError::Json {
        at: inner.at(JsonPointer::root()),
        message: format!(
            "payload byte {} is not valid UTF-8 (expected a JSON in-toto statement)",
            e.valid_up_to()
        ),
    })?;
    let statement_value =
        json::parse(&inner.file, statement_text).map_err(|e| relocate(e, inner))?;
    one_reading(inner, &statement_value, &JsonPointer::root())?;
    let layer = statement(inner, &statement_value, &JsonPointer::root())?;
    Ok((statement_value, layer))
}

/// Refuse a signed layer or statement with two members whose names differ
/// only in letter case: a reader that matches members without case (Go's
/// `encoding/json`: cosign, slsa-verifier) could take the other one, and
/// so judge other signed content than provcheck did.
fn one_reading(origin: &Origin, value: &Value, base: &JsonPointer) -> Result<(), IngestError> {
    match super::detect::case_twins(value) {
        Some((a, b, at)) => Err(IngestError::Ambiguous {
            at: origin.at(base.join(&at)),
            what: format!(
                "members {a:?} and {b:?} differ only in letter case, and some readers take \
                 either for the other"
            ),
        }),
        None => Ok(()),
    }
}

/// Standard base64 first (what DSSE producers write), URL-safe as the DSSE
/// spec also allows; padded (exactly) or unpadded, never partly padded —
/// one text, one reading. The one base64 decoder for DSSE payloads and
/// signatures (the trust stage uses it too).
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let (standard, url_safe) = if text.ends_with('=') {
        (STANDARD, URL_SAFE)
    } else {
        (STANDARD_NO_PAD, URL_SAFE_NO_PAD)
    };
    standard.decode(text).or_else(|e| {
        if text.contains(['-', '_']) {
            url_safe.decode(text).map_err(|e| e.to_string())
        } else {
            Err(e.to_string())
        }
    })
}

/// An error from parsing the decoded payload: the pointer is inside the
/// payload, the text position relative to it (so dropped: the payload's line
/// 1 is not the file's).
fn relocate(mut e: IngestError, inner: &Origin) -> IngestError {
    if let Some(at) = e.location_mut() {
        at.within = inner.within.clone().map(Box::new);
        at.line_col = inner.line.map(|l| (l, 1));
    }
    e
}

/// Check an in-toto statement at `base`; returns its layer name.
fn statement(origin: &Origin, value: &Value, base: &JsonPointer) -> Result<String, IngestError> {
    let at = |p: JsonPointer| origin.at(base.join(&p));
    let (schema, layer) = match value.get("_type") {
        Some(Value::String(t)) if t == IN_TOTO_STATEMENT_V01 => {
            (Schema::StatementV01, "in-toto-statement v0.1")
        }
        Some(Value::String(t)) if t == IN_TOTO_STATEMENT_V1 => {
            (Schema::StatementV1, "in-toto-statement v1")
        }
        other => {
            return Err(IngestError::UnknownStatementType {
                at: at(JsonPointer::root().key("_type")),
                found: match other {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => "(missing)".to_owned(),
                },
            })
        }
    };
    match value.get("subject") {
        None | Some(Value::Null) => {
            return Err(IngestError::NoSubject {
                at: at(JsonPointer::root()),
            })
        }
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(IngestError::NoSubject {
                at: at(JsonPointer::root().key("subject")),
            })
        }
        Some(Value::Array(a)) if a.len() > MAX_SUBJECTS => {
            return Err(IngestError::TooMany {
                at: at(JsonPointer::root().key("subject")),
                what: "subjects in one statement",
                limit: MAX_SUBJECTS,
            })
        }
        Some(_) => {}
    }
    schema::check(schema, value, at)?;
    let predicate_schema = match value.get("predicateType").and_then(Value::as_str) {
        Some(SLSA_PROVENANCE_V02) => Some(Schema::SlsaV02),
        Some(SLSA_PROVENANCE_V1) => Some(Schema::SlsaV1),
        _ => None,
    };
    if let (Some(schema), Some(predicate)) = (predicate_schema, value.get("predicate")) {
        let predicate_ptr = base.key("predicate");
        schema::check(schema, predicate, |p| origin.at(predicate_ptr.join(&p)))?;
    }
    Ok(layer.to_owned())
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use serde_json::json;

    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "a.json".to_owned(),
            line: None,
            within: None,
        }
    }

    fn statement_json() -> Value {
        json!({
            "_type": IN_TOTO_STATEMENT_V1,
            "subject": [{"name": "x", "digest": {"sha256": "ab"}}],
            "predicateType": "https://example.com/p",
            "predicate": {}
        })
    }

    fn envelope_of(payload: &[u8], payload_type: &str) -> Value {
        json!({
            "payloadType": payload_type,
            "payload": STANDARD.encode(payload),
            "signatures": [{"keyid": "k1", "sig": "c2ln"}]
        })
    }

    fn decode_envelope(value: Value) -> Result<Decoded, IngestError> {
        decode(
            &origin(),
            DocumentKind::DsseEnvelope,
            value,
            &JsonPointer::root(),
        )
    }

    /// Why an envelope's payload cannot be read: the envelope itself is
    /// read, with its exact payload bytes, so that its signature is judged.
    fn payload_error(value: Value) -> IngestError {
        let d = decode_envelope(value).expect("the envelope layer is read");
        assert!(d.envelope.is_some());
        assert_eq!(d.value, Value::Null);
        assert_eq!(d.layers, vec!["dsse"]);
        d.unread.expect("the payload is unread")
    }

    #[test]
    fn keeps_the_exact_payload_bytes_and_signatures() {
        // Odd spacing and key order: the bytes, not a re-serialization, are kept.
        let bytes = br#"{ "predicateType":"https://example.com/p" ,"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"ab"}}]}"#;
        let d = decode_envelope(envelope_of(bytes, IN_TOTO_PAYLOAD_TYPE)).unwrap();
        let env = d.envelope.unwrap();
        assert_eq!(env.payload, bytes.to_vec());
        assert_eq!(env.signatures[0].keyid.as_deref(), Some("k1"));
        assert_eq!(env.signatures[0].sig, "c2ln");
        assert_eq!(d.layers, vec!["dsse", "in-toto-statement v1"]);
        assert_eq!(d.value["subject"][0]["name"], "x");
    }

    #[test]
    fn url_safe_unpadded_base64_is_accepted() {
        let bytes = serde_json::to_vec(&statement_json()).unwrap();
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let mut env = envelope_of(&bytes, IN_TOTO_PAYLOAD_TYPE);
        env["payload"] = Value::String(text);
        assert_eq!(
            decode_envelope(env).unwrap().envelope.unwrap().payload,
            bytes
        );
    }

    #[test]
    fn invalid_base64_payload_is_an_error_at_the_payload() {
        let mut env = envelope_of(b"{}", IN_TOTO_PAYLOAD_TYPE);
        env["payload"] = Value::String("not base64!!".to_owned());
        let err = decode_envelope(env).unwrap_err().to_string();
        assert!(
            err.starts_with("a.json: at /payload: invalid base64: Invalid symbol"),
            "{err}"
        );
    }

    #[test]
    fn unknown_payload_type_is_an_error() {
        let bytes = serde_json::to_vec(&statement_json()).unwrap();
        let err = payload_error(envelope_of(&bytes, "text/plain")).to_string();
        assert_eq!(
            err,
            "a.json: at /payloadType: unsupported DSSE payloadType \"text/plain\" \
             (expected \"application/vnd.in-toto+json\")"
        );
    }

    #[test]
    fn statement_without_subject_is_an_error() {
        for (statement, pointer) in [
            (
                json!({"_type": IN_TOTO_STATEMENT_V01, "predicateType": "p"}),
                "",
            ),
            (
                json!({"_type": IN_TOTO_STATEMENT_V1, "predicateType": "p", "subject": []}),
                ": at /subject",
            ),
        ] {
            let bytes = serde_json::to_vec(&statement).unwrap();
            let err = payload_error(envelope_of(&bytes, IN_TOTO_PAYLOAD_TYPE)).to_string();
            assert_eq!(
                err,
                format!(
                    "a.json: in the payload decoded from /payload{pointer}: statement has no \
                     subject (expected at least one {{name, digest}})"
                )
            );
        }
    }

    #[test]
    fn duplicate_keys_in_a_signed_payload_are_rejected() {
        let bytes = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"ab","sha256":"cd"}}],"predicateType":"p"}"#;
        let err = payload_error(envelope_of(bytes, IN_TOTO_PAYLOAD_TYPE));
        assert!(
            matches!(&err, IngestError::DuplicateKey { key, .. } if key == "sha256"),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "a.json: in the payload decoded from /payload: at /subject/0/digest: duplicate key \
             \"sha256\" (expected each key once)"
        );
    }

    #[test]
    fn deeply_nested_payload_is_an_error_not_a_crash() {
        let deep = format!(
            r#"{{"_type":"{IN_TOTO_STATEMENT_V1}","subject":[{{"name":"x","digest":{{}}}}],"predicateType":"p","predicate":{}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = payload_error(envelope_of(deep.as_bytes(), IN_TOTO_PAYLOAD_TYPE)).to_string();
        assert!(
            err.contains("invalid JSON: nested deeper than the limit of 128 levels"),
            "{err}"
        );
        assert!(
            err.contains("in the payload decoded from /payload"),
            "{err}"
        );
    }

    #[test]
    fn bundle_without_content_is_an_error() {
        let bundle = json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": "AA=="}}
        });
        let err = decode(
            &origin(),
            DocumentKind::SigstoreBundle,
            bundle,
            &JsonPointer::root(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "a.json: Sigstore bundle has no content: expected a dsseEnvelope or a messageSignature"
        );
    }

    #[test]
    fn bundle_versions_by_media_type() {
        let rows = [
            (
                "application/vnd.dev.sigstore.bundle+json;version=0.1",
                Some("v0.1"),
            ),
            (
                "application/vnd.dev.sigstore.bundle+json;version=0.2",
                Some("v0.2"),
            ),
            (
                "application/vnd.dev.sigstore.bundle+json;version=0.3",
                Some("v0.3"),
            ),
            (
                "application/vnd.dev.sigstore.bundle.v0.3+json",
                Some("v0.3"),
            ),
            (
                "application/vnd.dev.sigstore.bundle+json;version=99.9",
                None,
            ),
            ("", None),
        ];
        for (media_type, want) in rows {
            assert_eq!(
                BundleVersion::from_media_type(media_type).map(BundleVersion::label),
                want,
                "{media_type}"
            );
        }
    }

    #[test]
    fn bundle_with_envelope_decodes_every_layer() {
        let bytes = serde_json::to_vec(&statement_json()).unwrap();
        let bundle = json!({
            "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.2",
            "verificationMaterial": {"tlogEntries": []},
            "dsseEnvelope": envelope_of(&bytes, IN_TOTO_PAYLOAD_TYPE)
        });
        let d = decode(
            &origin(),
            DocumentKind::SigstoreBundle,
            bundle,
            &JsonPointer::root(),
        )
        .unwrap();
        assert_eq!(
            d.layers,
            vec!["sigstore-bundle v0.2", "dsse", "in-toto-statement v1"]
        );
        assert_eq!(
            d.envelope.unwrap().payload_pointer().as_str(),
            "/dsseEnvelope/payload"
        );
        assert_eq!(d.bundle.unwrap().version, BundleVersion::V0_2);
    }

    #[test]
    fn unknown_statement_type_is_an_error() {
        let err = decode(
            &origin(),
            DocumentKind::InTotoStatement,
            json!({"_type": "https://in-toto.io/Statement/v9", "subject": []}),
            &JsonPointer::root(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "a.json: at /_type: unknown in-toto statement type \"https://in-toto.io/Statement/v9\""
            ),
            "{err}"
        );
    }

    proptest::proptest! {
        /// Any payload bytes: an error or the exact bytes back, never a panic.
        #[test]
        fn any_payload_decodes_or_errs_keeping_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(d) = decode_envelope(envelope_of(&bytes, IN_TOTO_PAYLOAD_TYPE)) {
                proptest::prop_assert_eq!(d.envelope.unwrap().payload, bytes);
            }
        }

        /// Statements with arbitrary text in every string: never a panic.
        #[test]
        fn any_statement_text_never_panics(name in "\\PC{0,40}", kind in "\\PC{0,40}", predicate in "\\PC{0,40}") {
            let statement = json!({
                "_type": IN_TOTO_STATEMENT_V1,
                "subject": [{"name": name, "digest": {"sha256": predicate}}],
                "predicateType": kind,
                "predicate": {"buildDefinition": {"buildType": predicate}, "runDetails": {"builder": {"id": name}}}
            });
            let bytes = serde_json::to_vec(&statement).unwrap();
            let _ = decode_envelope(envelope_of(&bytes, IN_TOTO_PAYLOAD_TYPE));
        }
    }
}
