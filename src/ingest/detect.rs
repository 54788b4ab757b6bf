//! What kind of document a decoded value is: by `kind` when it says, by
//! shape when it does not (the objects Tekton Chains' tests feed its
//! formatters carry no `apiVersion`/`kind`). Attestations are told apart by
//! their members: a Sigstore bundle by `mediaType` with bundle content, a
//! DSSE envelope by `payloadType` + `payload`, an in-toto statement by
//! `_type` (or `predicateType` + `subject`).

use serde_json::Value;

pub use crate::evidence::DocumentKind;

/// What the detector accepts, for error messages.
pub(crate) const EXPECTED: &str = "a Sigstore bundle (mediaType + dsseEnvelope or \
     messageSignature), a DSSE envelope (payloadType + payload), an in-toto statement (_type), \
     a Tekton TaskRun or PipelineRun (kind, or by shape: status.steps, status.taskSpec, \
     status.taskRuns, status.childReferences, status.pipelineSpec, spec.taskRef, spec.taskSpec, \
     spec.pipelineRef, spec.pipelineSpec), or BuildKit build info (containerimage.buildinfo, \
     moby.buildkit.buildinfo.v1)";

/// Whether `value` claims to be a Sigstore bundle: by its media type, or by
/// its shape (verification material and a signature) when the media type is
/// wrong. Such a document is read (and verified) as a bundle — and fails as
/// one — even when it also carries an envelope's members, so that no two
/// readers take different signed content from it.
pub(crate) fn claims_bundle(value: &Value) -> bool {
    let media_type = value
        .get("mediaType")
        .and_then(Value::as_str)
        .is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"));
    let shape = value.get("verificationMaterial").is_some()
        && (value.get("messageSignature").is_some() || value.get("dsseEnvelope").is_some());
    media_type || shape
}

/// What else a value of kind `read_as` (or a container: `None`) claims to
/// be: a signed document's or a statement's members beside another kind's.
/// A value is one kind of document; a second reader must not take other
/// content from it (an envelope's payload, a statement's predicate) than
/// the one provcheck judged.
pub(crate) fn also_claims(
    value: &Value,
    read_as: Option<DocumentKind>,
) -> Option<(&'static str, String)> {
    let object = value.as_object()?;
    let present = |keys: &[&'static str]| -> Vec<&'static str> {
        keys.iter()
            .copied()
            .filter(|k| object.contains_key(*k))
            .collect()
    };
    let bundle = claims_bundle(value).then(|| {
        present(&[
            "mediaType",
            "verificationMaterial",
            "dsseEnvelope",
            "messageSignature",
        ])
    });
    let envelope = present(&["payloadType", "payload", "signatures"]);
    let statement = present(&["_type", "subject", "predicateType", "predicate"]);
    let claims: [(DocumentKind, &'static str, Vec<&str>); 3] = [
        (
            DocumentKind::SigstoreBundle,
            "a Sigstore bundle",
            bundle.unwrap_or_default(),
        ),
        (
            DocumentKind::DsseEnvelope,
            "a DSSE envelope",
            if envelope.len() >= 2 {
                envelope
            } else {
                Vec::new()
            },
        ),
        (
            DocumentKind::InTotoStatement,
            "an in-toto statement",
            if statement.len() >= 2 {
                statement
            } else {
                Vec::new()
            },
        ),
    ];
    claims
        .into_iter()
        .find(|(kind, _, members)| !members.is_empty() && Some(*kind) != read_as)
        .map(|(_, what, members)| (what, members.join(", ")))
}

/// Why a document is ambiguous, in words.
pub(crate) fn ambiguity(first: &str, second: &str, members: &str) -> String {
    format!("it is {first} and also carries the members of {second} ({members})")
}

/// Detect the kind of `value`, or `None` when it is none provcheck reads.
pub(crate) fn detect(value: &Value) -> Option<DocumentKind> {
    let object = value.as_object()?;
    let has_key = |k: &str| object.contains_key(k);
    if claims_bundle(value) {
        return Some(DocumentKind::SigstoreBundle);
    }
    if has_key("mediaType")
        && [
            "dsseEnvelope",
            "messageSignature",
            "verificationMaterial",
            "content",
        ]
        .iter()
        .any(|k| has_key(k))
    {
        return Some(DocumentKind::SigstoreBundle);
    }
    if has_key("payloadType") && has_key("payload") {
        return Some(DocumentKind::DsseEnvelope);
    }
    if has_key("_type") || (has_key("predicateType") && has_key("subject")) {
        return Some(DocumentKind::InTotoStatement);
    }
    if super::buildinfo::claims(object) {
        return Some(DocumentKind::BuildkitBuildInfo);
    }
    if let Some(kind) = object.get("kind").and_then(Value::as_str) {
        return match kind {
            "TaskRun" => Some(DocumentKind::TektonTaskRun),
            "PipelineRun" => Some(DocumentKind::TektonPipelineRun),
            _ => None,
        };
    }
    let has = |section: &str, keys: &[&str]| {
        object
            .get(section)
            .and_then(Value::as_object)
            .is_some_and(|m| keys.iter().any(|k| m.contains_key(*k)))
    };
    if has(
        "status",
        &[
            "taskRuns",
            "childReferences",
            "pipelineSpec",
            "pipelineResults",
        ],
    ) || has("spec", &["pipelineRef", "pipelineSpec"])
    {
        Some(DocumentKind::TektonPipelineRun)
    } else if has("status", &["steps", "taskSpec", "podName", "sidecars"])
        || has("spec", &["taskRef", "taskSpec"])
    {
        Some(DocumentKind::TektonTaskRun)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn detection_table() {
        let rows = [
            (
                json!({"kind": "TaskRun"}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"kind": "PipelineRun"}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (json!({"kind": "Pod", "status": {"steps": []}}), None),
            (
                json!({"status": {"steps": []}}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"spec": {"taskRef": {"name": "x"}}}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"status": {"taskRuns": {}}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (
                json!({"status": {"childReferences": []}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (
                json!({"spec": {"pipelineRef": {}}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (json!({"status": "steps"}), None),
            (
                json!({"mediaType": "x", "dsseEnvelope": {}}),
                Some(DocumentKind::SigstoreBundle),
            ),
            // An envelope's members do not make a document that claims to
            // be a bundle (by media type or by shape) an envelope.
            (
                json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                       "payloadType": "t", "payload": "", "signatures": []}),
                Some(DocumentKind::SigstoreBundle),
            ),
            (
                json!({"verificationMaterial": {}, "dsseEnvelope": {},
                       "payloadType": "t", "payload": "", "signatures": []}),
                Some(DocumentKind::SigstoreBundle),
            ),
            (
                json!({"mediaType": "x", "verificationMaterial": {}}),
                Some(DocumentKind::SigstoreBundle),
            ),
            (
                json!({"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": []}),
                None,
            ),
            (
                json!({"payloadType": "x", "payload": "", "signatures": []}),
                Some(DocumentKind::DsseEnvelope),
            ),
            (
                json!({"_type": "https://in-toto.io/Statement/v1"}),
                Some(DocumentKind::InTotoStatement),
            ),
            (
                json!({"predicateType": "p", "subject": []}),
                Some(DocumentKind::InTotoStatement),
            ),
            (json!([1, 2]), None),
            (json!("x"), None),
            (json!({}), None),
        ];
        for (value, want) in rows {
            assert_eq!(detect(&value), want, "{value}");
        }
    }
}
