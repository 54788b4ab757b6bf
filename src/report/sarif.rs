//! SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning reads it).
//!
//! One run. A result per rule result that needs attention, and one per
//! input that could not be judged (rule `input.not_judged`, level `error`,
//! beside an error notification): `fail` → level
//! `error`, kind `fail`; `unknown` → level `warning`, kind `review`; a pass
//! that warns → level `warning`, kind `fail`. Plain passes are left out
//! (code scanning raises an alert for every result, whatever its kind)
//! unless [`SarifOptions::passes`] asks for them: level `none`, kind `pass`.
//!
//! Each result's physical location is the input file (relative to the
//! working directory when under it) with a `region.startLine`: the
//! document's line in a JSON-lines or YAML-stream input, else 1. Its
//! logical locations are the document's place in the file, when it is one
//! of several, and the JSON pointers of the evidence. A stable
//! `partialFingerprints` entry lets a dashboard match an alert across runs.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::PathBuf;

use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use super::entry::{input_uri, Entry};
use crate::results::{RuleDescription, RuleId, RuleResult, Status};

/// SARIF's published JSON schema for version 2.1.0.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `runAutomationDetails.id` of a verify run: code scanning keeps the
/// alerts of one category apart from other tools' and other categories'.
const AUTOMATION_ID: &str = "provcheck/verify/";

/// The rule id of an input (or a document in it) that could not be judged.
const NOT_JUDGED: &str = "input.not_judged";

/// The fingerprint's name in `partialFingerprints` (versioned: a change of
/// what it covers is a new name, not silently different values).
const FINGERPRINT: &str = "provcheck/v1";

/// What a SARIF log includes.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// Include plain passes (level `none`, kind `pass`).
    pub passes: bool,
    /// The working directory: inputs under it are named relative to it.
    pub base: Option<PathBuf>,
    /// What the policies say about rules that are not built in (Rego
    /// `# METADATA`), by rule id.
    pub descriptions: BTreeMap<String, RuleDescription>,
}

/// Write a run's entries as one SARIF log. An entry that could not be
/// judged is an error notification of the run's invocation, which then did
/// not succeed: an input is never left out.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_sarif(
    out: &mut impl io::Write,
    entries: &[Entry],
    options: &SarifOptions,
) -> io::Result<()> {
    let listed = |r: &RuleResult| options.passes || r.status != Status::Pass || r.warning.is_some();
    let mut rules: BTreeMap<&str, bool> = BTreeMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::new();
    for entry in entries {
        let Some(report) = entry.judged() else {
            // An input that could not be judged is an alert too: a dashboard
            // that shows only results must not read it as a clean scan.
            if let Err(unjudged) = &entry.outcome {
                let uri = input_uri(&entry.input, options.base.as_deref());
                let r = RuleResult::document(NOT_JUDGED, Status::Fail, unjudged.error.clone());
                rules.insert(NOT_JUDGED, true);
                let fingerprint = fingerprint(&uri, entry.part(), &r, &mut seen);
                results.push(result(&uri, entry, &r, fingerprint));
            }
            continue;
        };
        let uri = input_uri(&entry.input, options.base.as_deref());
        for r in report.results.iter().filter(|r| listed(r)) {
            let failing = rules.entry(r.rule.as_str()).or_insert(false);
            *failing |= r.status == Status::Fail;
            let fingerprint = fingerprint(&uri, entry.part(), r, &mut seen);
            results.push(result(&uri, entry, r, fingerprint));
        }
    }
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, failing)| rule(id, failing, options.descriptions.get(id)))
        .collect();
    let notifications: Vec<Value> = entries
        .iter()
        .filter_map(|entry| {
            let unjudged = entry.outcome.as_ref().err()?;
            let mut location = serde_json::Map::new();
            location.insert(
                "artifactLocation".into(),
                json!({"uri": input_uri(&entry.input, options.base.as_deref())}),
            );
            if let Some(line) = unjudged.line {
                location.insert("region".into(), json!({"startLine": line}));
            }
            Some(json!({
                "level": "error",
                "message": {"text": unjudged.error},
                "locations": [{"physicalLocation": location}],
            }))
        })
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "provcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/provcheck/provcheck",
                "rules": rules,
            }},
            "automationDetails": {"id": AUTOMATION_ID},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// One SARIF result.
fn result(uri: &str, entry: &Entry, r: &RuleResult, fingerprint: String) -> Value {
    let (level, kind) = match (r.status, r.warning.is_some()) {
        (Status::Fail, _) => ("error", "fail"),
        (Status::Unknown, _) => ("warning", "review"),
        (Status::Pass, true) => ("warning", "fail"),
        (Status::Pass, false) => ("none", "pass"),
    };
    let step = match (&r.task, &r.step) {
        (Some(t), Some(s)) => format!("{t}/{s}: "),
        (None, Some(s)) => format!("{s}: "),
        _ => String::new(),
    };
    let mut logical = Vec::new();
    if !entry.part().is_empty() {
        logical.push(json!({"fullyQualifiedName": entry.source(), "kind": "module"}));
    }
    logical.extend(
        r.evidence
            .iter()
            .map(|p| json!({"fullyQualifiedName": p.as_str(), "kind": "element"})),
    );
    let mut location = serde_json::Map::new();
    location.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": {"uri": uri},
            "region": {"startLine": entry.line().unwrap_or(1)},
        }),
    );
    if !logical.is_empty() {
        location.insert("logicalLocations".into(), Value::Array(logical));
    }
    let text = match &r.warning {
        Some(w) => format!("{step}{} (warning: {w})", r.message),
        None => format!("{step}{}", r.message),
    };
    json!({
        "ruleId": r.rule,
        "level": level,
        "kind": kind,
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    })
}

/// A fingerprint that stays the same across runs while the finding does:
/// the rule, the input, the document's place, the step and the evidence
/// pointers, not the message (which names digests) or the line (which
/// moves). Results that share all of it are told apart by their order.
fn fingerprint(uri: &str, part: &str, r: &RuleResult, seen: &mut HashMap<String, usize>) -> String {
    let mut hash = Sha256::new();
    for field in [
        r.rule.as_str(),
        uri,
        part,
        r.task.as_deref().unwrap_or_default(),
        r.step.as_deref().unwrap_or_default(),
    ] {
        hash.update(field.as_bytes());
        hash.update([0]);
    }
    for pointer in &r.evidence {
        hash.update(pointer.as_str().as_bytes());
        hash.update([0]);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let n = seen.entry(hex.clone()).or_insert(0);
    *n += 1;
    format!("{hex}:{n}")
}

/// A rule's descriptor: descriptions and help from the registry for a
/// built-in rule; from the policy's annotation for a Rego rule that has
/// one; else the rule is named by its id.
fn rule(id: &str, failing: bool, annotated: Option<&RuleDescription>) -> Value {
    const REGO_HELP: &str =
        "Defined by a Rego policy given with --policy; see that policy for what it checks.";
    let (short, full, help, severity) = match (RuleId::from_id(id), annotated) {
        _ if id == NOT_JUDGED => (
            "An input could not be judged".to_owned(),
            "An input, or a document in it, could not be read or judged: provcheck gave no verdict on it, and the run exits 2.".to_owned(),
            "Fix or remove the input; the message says what is wrong with it (file, JSON pointer, what was expected).".to_owned(),
            "9.5",
        ),
        (Some(rule), _) => {
            let [pass, fail, unknown] = rule.outcomes();
            (
                rule.short().to_owned(),
                format!(
                    "{}. Judged per {}. Pass: {pass}. Fail: {fail}. Unknown: {unknown}.",
                    rule.short(),
                    rule.per()
                ),
                format!(
                    "Enabled by {}. Every rule and its outcomes: https://github.com/provcheck/provcheck/blob/main/docs/src/codes.md",
                    rule.enabled_by()
                ),
                severity(rule),
            )
        }
        (None, Some(annotated)) => (
            annotated.title.clone(),
            annotated
                .description
                .clone()
                .unwrap_or_else(|| annotated.title.clone()),
            REGO_HELP.to_owned(),
            "7.0",
        ),
        (None, None) => (
            format!("Rego policy rule {id}"),
            format!("A finding of the Rego policy rule {id}: a deny is a fail, an unknown is unknown, a warn is a pass that warns."),
            REGO_HELP.to_owned(),
            "7.0",
        ),
    };
    let mut properties = serde_json::Map::new();
    properties.insert("tags".into(), json!(["security", "supply-chain"]));
    if failing {
        properties.insert("security-severity".into(), json!(severity));
    }
    json!({
        "id": id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help},
        "properties": properties,
    })
}

/// GitHub's `security-severity` for a failing rule: a forged or
/// unidentified signer is critical, an image or builder from the wrong
/// place high, a build outside its window medium.
fn severity(rule: RuleId) -> &'static str {
    match rule {
        RuleId::Signature | RuleId::Identity | RuleId::Subject => "9.5",
        RuleId::RegistryAllowed
        | RuleId::StepsPinned
        | RuleId::StepsRuntimeDigest
        | RuleId::BuilderAllowed
        | RuleId::SourceMatches
        | RuleId::SourcePolicy => "8.0",
        _ => "5.0",
    }
}
