//! SARIF 2.1.0, for code-scanning dashboards. One run; a result per rule
//! result: `fail` → level `error`, kind `fail`; `unknown` → level `warning`,
//! kind `review`; a warning → level `warning`, kind `fail`; `pass` → level
//! `none`, kind `pass`. Locations are the input file, with the evidence's
//! JSON pointers as logical locations.

use std::collections::BTreeSet;
use std::io;

use serde_json::{json, Value};

use crate::evaluate::Status;
use crate::results::Report;

/// SARIF's published JSON schema for version 2.1.0.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Write reports as one SARIF log. `errors` are the inputs that could not be
/// judged, as (input, message): each is an error notification of the run's
/// invocation, which then did not succeed — an input is never left out.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_sarif(
    out: &mut impl io::Write,
    reports: &[Report],
    errors: &[(String, String)],
) -> io::Result<()> {
    let rule_ids: BTreeSet<&str> = reports
        .iter()
        .flat_map(|r| &r.results)
        .map(|r| r.rule.as_str())
        .collect();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| json!({"id": id, "shortDescription": {"text": describe(id)}}))
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| report.results.iter().map(move |r| (report, r)))
        .map(|(report, r)| {
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
            let logical: Vec<Value> = r
                .evidence
                .iter()
                .map(|p| json!({"fullyQualifiedName": p.as_str(), "kind": "element"}))
                .collect();
            let mut location = serde_json::Map::new();
            location.insert(
                "physicalLocation".into(),
                json!({"artifactLocation": {"uri": uri(&report.source)}}),
            );
            if !logical.is_empty() {
                location.insert("logicalLocations".into(), Value::Array(logical));
            }
            json!({
                "ruleId": r.rule,
                "level": level,
                "kind": kind,
                "message": {"text": format!("{step}{}", r.message)},
                "locations": [location],
            })
        })
        .collect();
    let notifications: Vec<Value> = errors
        .iter()
        .map(|(input, message)| {
            json!({
                "level": "error",
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(input)}}}],
            })
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
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// What a rule checks: the registry's line for a built-in rule.
fn describe(rule: &str) -> &'static str {
    crate::results::RuleId::from_id(rule).map_or("provcheck rule", crate::results::RuleId::short)
}

/// A relative path stays relative (SARIF resolves it against the checkout);
/// characters URIs reserve are percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
