//! Rego policies on regorus, compiled once, evaluated against the Evidence as
//! `input`.
//!
//! The convention (familiar from conftest and Enterprise Contract): packages
//! under `provcheck.` define `deny`, `warn` and `unknown` sets of result
//! objects:
//!
//! ```rego
//! package provcheck.registry
//! import rego.v1
//!
//! deny contains {"code": "registry.allowed", "msg": msg, "step": step.name} if { … }
//! ```
//!
//! | set | status |
//! |---|---|
//! | `deny` | `fail` |
//! | `unknown` | `unknown` |
//! | `warn` | a warning (`pass` that never fails the verdict) |
//!
//! Result objects carry `code` (the rule id; default `<package>.deny` …),
//! `msg`, and optionally `step`, `task`, `evidence` (JSON pointers) and
//! `effective_on` (before it, the result only warns). A package that reports
//! nothing gives one `pass` result, so a Rego-only policy is never "nothing
//! checked". A policy that fails to parse or to evaluate is an error (exit 2),
//! never a pass: regorus's own `eval_allow_query` folds errors into `false`;
//! provcheck keeps them.
//!
//! Only those sets are read, so a `deny`, `warn` or `unknown` provcheck would
//! not read is refused when the policy is loaded, never ignored: one in a
//! package outside `provcheck.` (`package acme.gate`, a helper such as
//! `provcheck_lib`), one at a path no policy package holds (`x.deny` in
//! `package provcheck` with no `package provcheck.x`), and a function
//! (`deny(x) := …`), which is no set of results.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use regorus::unstable::{Expr, Rule, RuleHead, Span};
use regorus::{CompiledPolicy, Engine, Value};
use serde::Serialize;

use crate::error::{JsonPointer, Location};

use super::rego_input::to_input;
use crate::error::PolicyError;
use crate::results::{RuleResult, Status};
use crate::time::parse_instant;

pub use super::rego_test_runner::{run_tests, TestOutcome};

/// The package prefix provcheck evaluates.
pub const PACKAGE_PREFIX: &str = "data.provcheck.";

/// The synthetic package that gathers every package's sets in one evaluation:
/// one rule reading each declared set directly (regorus charges about 4 µs
/// per rule evaluated; a rule per set was a fifth of the shipped pack's
/// time).
const GATHER_PACKAGE: &str = "provcheck_gather";

/// The same with a rule per set that reads an undefined set as empty: what
/// is evaluated when a declared set is undefined (a complete rule whose
/// bodies all fail), which leaves the direct gather undefined.
const FALLBACK_PACKAGE: &str = "provcheck_gather_each";

/// The result sets, in the order results are reported.
const SETS: [(&str, Status); 3] = [
    ("deny", Status::Fail),
    ("unknown", Status::Unknown),
    ("warn", Status::Pass),
];

mod builtins;
mod compile;
mod metadata;

#[allow(clippy::wildcard_imports)]
use builtins::*;
pub use builtins::{NORMALIZE_PREFIX_BUILTIN, STEPS_DENIED_BUILTIN, STEPS_UNDER_BUILTIN};
pub(crate) use compile::RegoSources;
#[allow(clippy::wildcard_imports)]
use compile::*;
pub(super) use compile::{check_set_rules, engine_with, head_of, path_components};

/// A compiled Rego policy: evaluate many (`Send + Sync`; one compiled policy
/// is shared by every thread).
#[derive(Clone)]
pub struct RegoPolicy {
    compiled: Arc<CompiledPolicy>,
    /// Evaluated when `compiled` is undefined (see [`FALLBACK_PACKAGE`]).
    fallback: Arc<CompiledPolicy>,
    files: Vec<String>,
    /// What the policy's `# METADATA` annotations say, by rule id.
    descriptions: std::collections::BTreeMap<String, crate::results::RuleDescription>,
}

impl fmt::Debug for RegoPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegoPolicy")
            .field("files", &self.files)
            .finish()
    }
}

impl RegoPolicy {
    /// What the policy's `# METADATA` annotations say about its rules, by
    /// rule id (see the module `metadata`).
    pub fn rule_descriptions(
        &self,
    ) -> &std::collections::BTreeMap<String, crate::results::RuleDescription> {
        &self.descriptions
    }

    /// Evaluate against `input` (the Evidence, or any value with the shape
    /// its JSON has), judging `effective_on` as of `judged_at`. The input
    /// reaches the policy as `serde_json::to_value` would make it.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Evaluation`] when the policy fails at run time.
    pub fn evaluate<T: Serialize + ?Sized>(
        &self,
        input: &T,
        judged_at: DateTime<Utc>,
    ) -> Result<Vec<RuleResult>, PolicyError> {
        let input = to_input(input).map_err(|e| PolicyError::Evaluation {
            files: "(input)".into(),
            message: format!("the input is not JSON: {e}"),
        })?;
        let eval = |policy: &CompiledPolicy, input| {
            policy
                .eval_with_input(input)
                .map_err(|e| PolicyError::Evaluation {
                    files: self.files.join(", "),
                    message: e.to_string(),
                })
        };
        let mut value = eval(&self.compiled, input.clone())?;
        if value == Value::Undefined {
            value = eval(&self.fallback, input)?;
        }
        // The results are read from the Value itself rather than from a JSON
        // copy of it (which cost more than the input's conversion); only the
        // check that a JSON copy could be made stays.
        check_json(&value).map_err(|e| PolicyError::Evaluation {
            files: self.files.join(", "),
            message: format!("results are not JSON: {e}"),
        })?;
        let Value::Object(packages) = &value else {
            return Err(PolicyError::Evaluation {
                files: self.files.join(", "),
                message: "the policy produced no results object (undefined)".into(),
            });
        };
        let mut out = Vec::new();
        for (package, sets) in packages.iter_sorted() {
            // The gathered object's keys are package names.
            let Value::String(package) = package else {
                continue;
            };
            let before = out.len();
            for (set, status) in SETS {
                let value = &sets[set];
                if !matches!(value, Value::Array(_) | Value::Set(_) | Value::Undefined) {
                    // `deny if …` or `deny := "x"`: a value that fired but is
                    // not a set of results would otherwise read as nothing.
                    return Err(PolicyError::Evaluation {
                        files: self.files.join(", "),
                        message: format!(
                            "{package}.{set} is {}, not a set of results: write `{set} contains \
                             {{\"msg\": …}} if {{ … }}`",
                            kind_of(value)
                        ),
                    });
                }
                for item in elements(value) {
                    out.push(to_result(package, set, status, item, judged_at));
                }
            }
            if out.len() == before {
                out.push(RuleResult::document(
                    package,
                    Status::Pass,
                    "no deny, unknown or warn",
                ));
            }
        }
        Ok(out)
    }
}

/// The elements of an array or a set (a set is an array in JSON); nothing
/// for anything else.
fn elements(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Set(items) => Box::new(items.iter()),
        _ => Box::new(std::iter::empty()),
    }
}

/// What kind of value `value` is, for a message.
fn kind_of(value: &Value) -> String {
    match value {
        Value::Bool(b) => format!("the boolean {b}"),
        Value::String(s) => format!("the string {:?}", s.as_ref()),
        Value::Number(_) => "a number".to_owned(),
        Value::Null => "null".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) | Value::Set(_) => "a collection".to_owned(),
        Value::Undefined => "undefined".to_owned(),
    }
}

/// Whether `value` converts to JSON, as `serde_json::to_value` would: only
/// a number beyond JSON's range does not (sets become arrays, other keys
/// than strings their JSON text, undefined the text `<undefined>`).
fn check_json(value: &Value) -> Result<(), serde_json::Error> {
    match value {
        Value::Number(_) => serde_json::to_value(value).map(drop),
        Value::Array(items) => items.iter().try_for_each(check_json),
        Value::Set(items) => items.iter().try_for_each(check_json),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(k, v)| check_json(k).and_then(|()| check_json(v))),
        Value::Null | Value::Bool(_) | Value::String(_) | Value::Undefined => Ok(()),
    }
}

/// A string as its JSON copy has it (undefined is the text `<undefined>`).
fn json_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.to_string()),
        Value::Undefined => Some("<undefined>".to_owned()),
        _ => None,
    }
}

fn to_result(
    package: &str,
    set: &str,
    status: Status,
    item: &Value,
    judged_at: DateTime<Utc>,
) -> RuleResult {
    // The fields provcheck reads, found in one pass over the object (a
    // lookup per field would build a key value each time).
    let (mut msg, mut code, mut step, mut task, mut evidence, mut effective_on) =
        (None, None, None, None, None, None);
    if let Value::Object(fields) = item {
        for (key, value) in fields.iter() {
            let Value::String(key) = key else { continue };
            let slot = match key.as_ref() {
                "msg" => &mut msg,
                "code" => &mut code,
                "step" => &mut step,
                "task" => &mut task,
                "evidence" => &mut evidence,
                "effective_on" => &mut effective_on,
                _ => continue,
            };
            *slot = Some(value);
        }
    }
    // An empty string is no value: the defaults stand in.
    let text = |field: Option<&Value>| field.and_then(json_text).filter(|t| !t.is_empty());
    let message = match (text(msg), json_text(item).filter(|t| !t.is_empty())) {
        (Some(m), _) | (None, Some(m)) => m,
        // The item as JSON text (check_json made sure it converts).
        (None, None) => serde_json::to_value(item)
            .map(|json| json.to_string())
            .unwrap_or_default(),
    };
    let mut r = RuleResult {
        policy: None,
        rule: text(code).unwrap_or_else(|| format!("{package}.{set}")),
        status,
        step: text(step),
        task: text(task),
        message,
        evidence: evidence
            .map(elements)
            .into_iter()
            .flatten()
            .filter_map(|p| match p {
                Value::String(p) if p.is_empty() || p.starts_with('/') => Some(pointer_from(p)),
                _ => None,
            })
            .collect(),
        warning: None,
    };
    if set == "warn" {
        r.warning = Some("a warning from the policy".to_owned());
    }
    if let Some(on) = text(effective_on).as_deref().and_then(parse_instant) {
        if judged_at < on {
            r = r.demote_to_warning(format!("rule in force from {}", on.format("%Y-%m-%d")));
        }
    }
    r
}

/// Rebuild a pointer from its text (already escaped per RFC 6901).
fn pointer_from(text: &str) -> JsonPointer {
    text.split('/')
        .skip(1)
        .fold(JsonPointer::root(), |p, segment| {
            if segment.contains('~') {
                p.key(&segment.replace("~1", "/").replace("~0", "~"))
            } else {
                p.key(segment)
            }
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn compile(rego: &str) -> Result<RegoPolicy, PolicyError> {
        let mut s = RegoSources::default();
        s.add_source("p.rego", rego);
        s.compile()
    }

    #[test]
    fn sets_map_to_statuses() {
        let p = compile(
            r#"package provcheck.x
import rego.v1
deny contains {"code": "x.bad", "msg": "bad", "step": "s1"} if input.a == 1
unknown contains {"code": "x.maybe", "msg": "maybe"} if input.a == 1
warn contains {"code": "x.later", "msg": "later", "effective_on": "2030-01-01"} if input.a == 1
"#,
        )
        .unwrap();
        let now = Utc::now();
        let got = p.evaluate(&json!({"a": 1}), now).unwrap();
        let summary: Vec<_> = got
            .iter()
            .map(|r| (r.rule.as_str(), r.status, r.warning.is_some()))
            .collect();
        assert_eq!(
            summary,
            [
                ("x.bad", Status::Fail, false),
                ("x.maybe", Status::Unknown, false),
                ("x.later", Status::Pass, true)
            ]
        );
        assert_eq!(got[0].step.as_deref(), Some("s1"));
        // Nothing reported: one pass per package.
        let got = p.evaluate(&json!({"a": 2}), now).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].rule.as_str(), got[0].status),
            ("provcheck.x", Status::Pass)
        );
    }

    /// A `deny` that is not a set (`deny if …`, `deny := "x"`) is an error
    /// when it holds a value, never an empty set that passes.
    #[test]
    fn a_deny_that_is_not_a_set_is_an_error_not_a_pass() {
        for head in ["deny if", "deny := \"yes\" if", "deny := {\"a\": 1} if"] {
            let p = compile(&format!(
                "package provcheck.x\nimport rego.v1\n{head} {{ input.a == 1 }}\n"
            ))
            .unwrap();
            let err = p.evaluate(&json!({"a": 1}), Utc::now()).unwrap_err();
            assert!(
                matches!(&err, PolicyError::Evaluation { message, .. }
                    if message.contains("provcheck.x.deny is") && message.contains("not a set")),
                "{head}: {err}"
            );
        }
    }

    /// A `provcheck.` package that defines none of the sets (a misspelt
    /// `deny`, only helpers) is refused when the policy is loaded.
    #[test]
    fn a_package_that_checks_nothing_is_refused() {
        for body in ["denny contains \"x\" if true", "helper(x) := x", ""] {
            let err = compile(&format!("package provcheck.x\nimport rego.v1\n{body}\n"))
                .map(drop)
                .unwrap_err();
            assert!(
                err.to_string()
                    .contains("package provcheck.x defines no deny, unknown or warn rule"),
                "{body:?}: {err}"
            );
        }
        // A policy with no package under `provcheck.` checks nothing.
        let err = compile("package acme.x\nimport rego.v1\ndeny contains \"x\" if true\n")
            .map(drop)
            .unwrap_err();
        assert!(
            err.to_string().contains("no package under `provcheck.`"),
            "{err}"
        );
        // A set defined from a parent package counts.
        let mut sources = RegoSources::default();
        sources.add_source("x.rego", "package provcheck.x\nimport rego.v1\n");
        sources.add_source(
            "parent.rego",
            "package provcheck\nimport rego.v1\nx.deny contains \"p\" if input.x\n",
        );
        sources.compile().unwrap();
    }

    /// A `deny`, `unknown` or `warn` outside the packages provcheck
    /// evaluates, in any form, is refused at load naming file, line and
    /// package, never ignored.
    #[test]
    fn sets_provcheck_would_not_read_are_refused() {
        let valid = "package provcheck.x\nimport rego.v1\ndeny contains \"x\" if input.x\n";
        for (package, rule, written) in [
            ("acme.gate", "deny(x) := x", "deny"),
            ("acme.gate", "deny := {\"a\"}", "deny"),
            ("acme.gate", "deny contains \"x\" if true", "deny"),
            ("acme.gate", "deny[x] := 1 if { some x in [1] }", "deny"),
            ("acme.gate", "deny[\"k\"] := 1", "deny"),
            ("acme.gate", "deny if true", "deny"),
            ("acme.gate", "default deny := false", "deny"),
            ("acme.gate", "warn contains \"x\" if true", "warn"),
            ("acme.gate", "unknown := {\"x\"}", "unknown"),
            ("acme", "gate.deny contains \"x\" if true", "gate.deny"),
            ("acme", "gate[\"warn\"] contains \"x\" if true", "gate.warn"),
            ("provcheck_lib", "deny contains \"x\" if true", "deny"),
            // Under `provcheck`, at a path no policy package holds.
            ("provcheck", "deny contains \"x\" if true", "deny"),
            ("provcheck", "y.deny contains \"x\" if true", "y.deny"),
            ("provcheck.x", "sub.deny contains \"x\" if true", "sub.deny"),
        ] {
            let mut sources = RegoSources::default();
            sources.add_source("valid.rego", valid);
            sources.add_source(
                "helper.rego",
                &format!("package {package}\nimport rego.v1\n\n{rule}\n"),
            );
            let err = sources.compile().map(drop).unwrap_err();
            assert!(
                matches!(err, PolicyError::Invalid { .. }),
                "{package}: {rule}: {err:?}"
            );
            let text = err.to_string();
            assert!(
                text.starts_with(&format!(
                    "helper.rego:4:1: package {package} defines `{written}`, which provcheck \
                     would ignore: it evaluates only the deny, unknown and warn sets of the \
                     packages under `provcheck.`"
                )) && text.contains("helper packages must not define deny, unknown or warn"),
                "{package}: {rule}: {text}"
            );
        }
        // Helpers that define none of those names, and a local `deny`
        // inside a body, are fine; so is a parent package's set for a
        // package that exists.
        let mut sources = RegoSources::default();
        sources.add_source("valid.rego", valid);
        sources.add_source(
            "lib.rego",
            "package provcheck_lib\nimport rego.v1\n\
             denied(x) if { deny := [1]; x in deny }\ndeny_list := [1]\nx.denying := 1\n",
        );
        sources.add_source(
            "parent.rego",
            "package provcheck\nimport rego.v1\nx.warn contains \"p\" if input.x\n",
        );
        sources.compile().unwrap();
    }

    /// A `deny` (or `warn`, `unknown`) that is a function is no set of
    /// results: refused at load, not only when it would hold a value.
    #[test]
    fn a_set_that_is_a_function_is_refused() {
        for (rule, written) in [
            ("deny(x) := x", "deny"),
            ("deny(x) if x > 1", "deny"),
            ("default deny(_) := false", "deny"),
            ("warn(x) := {x}", "warn"),
        ] {
            let err = compile(&format!(
                "package provcheck.x\nimport rego.v1\nunknown contains 1 if input.u\n{rule}\n"
            ))
            .map(drop)
            .unwrap_err();
            assert!(
                matches!(err, PolicyError::Invalid { .. }),
                "{rule}: {err:?}"
            );
            assert!(
                err.to_string().starts_with(&format!(
                    "p.rego:4:1: package provcheck.x defines `{written}` as a function, which \
                     is no set of results"
                )),
                "{rule}: {err}"
            );
        }
    }

    /// The direct gather reads declared sets as they are; a complete rule
    /// whose bodies all fail is undefined, and the per-set gather then reads
    /// it as empty. Sets a package does not declare are empty either way, and
    /// packages split across files are one package.
    #[test]
    fn undefined_and_undeclared_sets_are_empty() {
        let mut sources = RegoSources::default();
        sources.add_source(
            "a.rego",
            "package provcheck.a\nimport rego.v1\ndeny := {\"a1\"} if input.a == 1\n",
        );
        sources.add_source(
            "b.rego",
            "package provcheck.b\nimport rego.v1\nwarn contains \"b\" if input.b\n",
        );
        sources.add_source(
            "b2.rego",
            "package provcheck.b\nimport rego.v1\nunknown contains \"b2\" if input.b\n",
        );
        let p = sources.compile().unwrap();
        let now = Utc::now();
        let summary = |input: serde_json::Value| -> Vec<(String, Status, String)> {
            p.evaluate(&input, now)
                .unwrap()
                .into_iter()
                .map(|r| (r.rule, r.status, r.message))
                .collect()
        };
        let pass = |rule: &str, message: &str| (rule.to_owned(), Status::Pass, message.to_owned());
        let nothing = "no deny, unknown or warn";
        assert_eq!(
            summary(json!({"a": 1, "b": true})),
            [
                ("provcheck.a.deny".to_owned(), Status::Fail, "a1".to_owned()),
                (
                    "provcheck.b.unknown".to_owned(),
                    Status::Unknown,
                    "b2".to_owned()
                ),
                pass("provcheck.b.warn", "b"),
            ]
        );
        // `deny` undefined: the fallback gather.
        assert_eq!(
            summary(json!({"a": 2, "b": true})),
            [
                pass("provcheck.a", nothing),
                (
                    "provcheck.b.unknown".to_owned(),
                    Status::Unknown,
                    "b2".to_owned()
                ),
                pass("provcheck.b.warn", "b"),
            ]
        );
        assert_eq!(
            summary(json!({"a": 2, "b": false})),
            [pass("provcheck.a", nothing), pass("provcheck.b", nothing)]
        );
    }

    /// A set given a value from outside the package's own files (a parent
    /// package's rule, a data document) is read; heads regorus cannot
    /// classify and a file name given twice still compile.
    #[test]
    fn sets_defined_elsewhere_are_read() {
        let mut sources = RegoSources::default();
        sources.add_source(
            "parent.rego",
            "package provcheck\nimport rego.v1\na.deny contains \"from parent\" if input.x\n",
        );
        sources.add_source(
            "a.rego",
            "package provcheck.a\nimport rego.v1\nt[1.50] := 1\n",
        );
        sources.add_source(
            "a.rego",
            "package provcheck.b\nimport rego.v1\nwarn contains \"b\" if input.x\n",
        );
        sources.add_data(
            "d.json",
            json!({"provcheck": {"c": {"unknown": ["from data"]}}}),
        );
        sources.add_source(
            "c.rego",
            "package provcheck.c\nimport rego.v1\nwarn contains \"c\" if false\n",
        );
        let p = sources.compile().unwrap();
        let got: Vec<(String, Status, String)> = p
            .evaluate(&json!({"x": true}), Utc::now())
            .unwrap()
            .into_iter()
            .map(|r| (r.rule, r.status, r.message))
            .collect();
        let want =
            |rule: &str, status, message: &str| (rule.to_owned(), status, message.to_owned());
        assert_eq!(
            got,
            [
                want("provcheck.a.deny", Status::Fail, "from parent"),
                want("provcheck.b.warn", Status::Pass, "b"),
                want("provcheck.c.unknown", Status::Unknown, "from data"),
            ]
        );
    }

    #[test]
    fn effective_on_demotes_deny_to_a_warning() {
        let p = compile(
            r#"package provcheck.x
import rego.v1
deny contains {"code": "x.new", "msg": "m", "effective_on": "2027-01-01"} if true
"#,
        )
        .unwrap();
        let before = p
            .evaluate(&json!({}), parse_instant("2026-01-01").unwrap())
            .unwrap();
        assert_eq!(
            (before[0].status, before[0].warning.is_some()),
            (Status::Pass, true)
        );
        let after = p
            .evaluate(&json!({}), parse_instant("2027-06-01").unwrap())
            .unwrap();
        assert_eq!(after[0].status, Status::Fail);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err =
            compile("package provcheck.x\nimport rego.v1\ndeny contains x if {\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("p.rego: Rego: "), "{text}");
        assert!(text.contains("p.rego:"), "{text}");
    }

    #[test]
    fn runtime_errors_are_errors_not_passes() {
        let p = compile(
            r#"package provcheck.x
import rego.v1
deny contains {"msg": "m"} if { x := 1 / input.zero; x > 0 }
"#,
        )
        .unwrap();
        let err = p.evaluate(&json!({"zero": 0}), Utc::now()).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("Rego policy (p.rego) failed:"), "{text}");
        assert!(
            text.contains("p.rego:3:40") && text.contains("divide by zero"),
            "{text}"
        );
    }

    /// `provcheck_steps_under`: matches as the native rule does; a bad
    /// entry or argument is an evaluation error, never an empty match.
    #[test]
    fn steps_under_matches_natively_and_refuses_bad_entries() {
        let p = compile(
            r#"package provcheck.x
import rego.v1
warn contains {"msg": sprintf("%v", [provcheck_steps_under(input.steps, input.entries)])} if true
"#,
        )
        .unwrap();
        let steps = json!([
            {"declared": {"repository": "QUAY.io/acme/tool"}},
            {"declared": {"repository": "quay.io/acme-evil/tool"}},
            {"declared": null},
            {"declared": {"repository": "docker.io/library/alpine"}},
        ]);
        let run = |entries: serde_json::Value| {
            p.evaluate(&json!({"steps": steps, "entries": entries}), Utc::now())
        };
        let matched = run(json!(["quay.io/acme", "alpine"])).unwrap();
        assert_eq!(matched[0].message, "{0, 3}");
        for (entries, want) in [
            (
                json!(["Bad Entry"]),
                "invalid registry prefix \"Bad Entry\"",
            ),
            (json!([7]), "an entry must be a string"),
            (json!("quay.io"), "entries must be an array or a set"),
        ] {
            let text = run(entries).unwrap_err().to_string();
            assert!(text.contains(want), "{text}");
        }
        let text = p
            .evaluate(&json!({"steps": {}, "entries": []}), Utc::now())
            .unwrap_err()
            .to_string();
        assert!(text.contains("steps must be an array"), "{text}");
    }

    #[test]
    fn results_read_as_from_their_json() {
        let p = compile(
            r#"package provcheck.x
import rego.v1
deny contains "plain text" if true
warn contains {"code": "x.obj", "n": 1, "evidence": {"/a~1b", "no-pointer", "/c"}} if true
"#,
        )
        .unwrap();
        let got = p.evaluate(&json!({}), Utc::now()).unwrap();
        assert_eq!(
            (got[0].rule.as_str(), got[0].message.as_str()),
            ("provcheck.x.deny", "plain text")
        );
        assert_eq!(got[1].rule, "x.obj");
        assert_eq!(
            got[1].message,
            r#"{"code":"x.obj","evidence":["/a~1b","/c","no-pointer"],"n":1}"#
        );
        let evidence: Vec<String> = got[1].evidence.iter().map(ToString::to_string).collect();
        assert_eq!(evidence, ["/a~1b", "/c"]);
    }

    #[test]
    fn compiled_policy_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<RegoPolicy>();
    }
}
