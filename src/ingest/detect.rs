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
    // Letter case aside: some readers match members without it.
    let present = |keys: &[&'static str]| -> Vec<&'static str> {
        keys.iter()
            .copied()
            .filter(|k| object.keys().any(|have| have.eq_ignore_ascii_case(k)))
            .collect()
    };
    let tekton = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("kind"))
        .and_then(|(_, v)| v.as_str())
        .and_then(|kind| match kind {
            "TaskRun" => Some(DocumentKind::TektonTaskRun),
            "PipelineRun" => Some(DocumentKind::TektonPipelineRun),
            _ => None,
        });
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
    let claims: [(DocumentKind, &'static str, Vec<&str>); 4] = [
        (
            tekton.unwrap_or(DocumentKind::TektonTaskRun),
            "a Tekton run",
            if tekton.is_some()
                && !matches!(
                    read_as,
                    Some(DocumentKind::TektonTaskRun | DocumentKind::TektonPipelineRun)
                )
            {
                vec!["kind"]
            } else {
                Vec::new()
            },
        ),
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

/// Two members of one object whose names differ only in letter case, found
/// anywhere in `value`: some readers (Go's `encoding/json`, which cosign and
/// slsa-verifier use) match members without case, so they could take the
/// other one. The pointer names the object.
pub(crate) fn case_twins(value: &Value) -> Option<(String, String, crate::error::JsonPointer)> {
    /// One step of the path to the object being looked at.
    enum Step<'a> {
        Member(&'a str),
        Item(usize),
    }
    fn walk<'a>(value: &'a Value, at: &mut Vec<Step<'a>>) -> Option<(String, String)> {
        match value {
            Value::Object(map) => {
                if let Some(twins) = twins_in(map) {
                    return Some(twins);
                }
                for (k, v) in map {
                    if matches!(v, Value::Object(_) | Value::Array(_)) {
                        at.push(Step::Member(k));
                        let found = walk(v, at);
                        if found.is_some() {
                            return found;
                        }
                        at.pop();
                    }
                }
                None
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if matches!(v, Value::Object(_) | Value::Array(_)) {
                        at.push(Step::Item(i));
                        let found = walk(v, at);
                        if found.is_some() {
                            return found;
                        }
                        at.pop();
                    }
                }
                None
            }
            _ => None,
        }
    }
    let mut at = Vec::new();
    let (a, b) = walk(value, &mut at)?;
    let pointer = at
        .iter()
        .fold(crate::error::JsonPointer::root(), |p, step| match step {
            Step::Member(k) => p.key(k),
            Step::Item(i) => p.index(*i),
        });
    Some((a, b, pointer))
}

/// Two member names of one object that fold alike. A small object of ASCII
/// names (the common case) is compared pair by pair without a copy; any
/// other is compared by folded name in a hash set, so a huge object costs
/// linear time, not quadratic.
fn twins_in(map: &serde_json::Map<String, Value>) -> Option<(String, String)> {
    const PAIRWISE: usize = 16;
    if map.len() <= PAIRWISE && map.keys().all(|k| k.is_ascii()) {
        let keys: Vec<&String> = map.keys().collect();
        for (i, a) in keys.iter().enumerate() {
            for b in keys.iter().skip(i + 1) {
                if a.len() == b.len() && a.eq_ignore_ascii_case(b) {
                    return Some(((*a).clone(), (*b).clone()));
                }
            }
        }
        return None;
    }
    let mut seen: std::collections::HashMap<String, &String> =
        std::collections::HashMap::with_capacity(map.len());
    for name in map.keys() {
        let folded = if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            fold(name)
        };
        if let Some(first) = seen.insert(folded, name) {
            return Some((first.clone(), name.clone()));
        }
    }
    None
}

/// A member name with its letters folded as Unicode simple case folding
/// folds them (`S`, `s` and `ſ` alike), as Go's `encoding/json` compares.
fn fold(name: &str) -> String {
    name.chars()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect()
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

    /// An object with `n` distinct ASCII members, plus `extra` members.
    fn wide(n: usize, extra: &[(&str, Value)]) -> Value {
        let mut map: serde_json::Map<String, Value> =
            (0..n).map(|i| (format!("m{i}"), json!(i))).collect();
        for (k, v) in extra {
            map.insert((*k).to_owned(), v.clone());
        }
        Value::Object(map)
    }

    #[test]
    fn case_twins_are_found_in_small_and_large_objects_and_named_by_pointer() {
        let rows = [
            // Small objects, compared pair by pair.
            (json!({"payload": 1, "Payload": 2}), Some("")),
            (json!({"a": [{"x": 1}, {"Sig": 1, "sig": 2}]}), Some("/a/1")),
            (json!({"payload": 1, "payloadType": 2}), None),
            // Non-ASCII names are folded: `ſ` is `s`.
            (json!({"subject": 1, "ſubject": 2}), Some("")),
            // Large objects, compared by folded name.
            (
                wide(40, &[("Payload", json!(1)), ("payload", json!(2))]),
                Some(""),
            ),
            (
                wide(40, &[("ſubject", json!(1)), ("subject", json!(2))]),
                Some(""),
            ),
            (
                json!({"outer": wide(40, &[("KEY", json!(1)), ("key", json!(2))])}),
                Some("/outer"),
            ),
            (wide(40, &[]), None),
        ];
        for (value, want) in rows {
            let got = case_twins(&value).map(|(_, _, at)| at.to_string());
            assert_eq!(got.as_deref(), want, "{value}");
        }
    }
}
