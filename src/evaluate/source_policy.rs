//! BuildKit source policies, checked after the fact (rule `source.policy`).
//!
//! The same JSON file that pinned or denied sources at build time
//! (`BUILDKIT_SOURCE_POLICY`, `docker buildx build --source-policy`) judges
//! the provenance afterwards. Evaluation follows moby/buildkit's
//! `sourcepolicy` engine:
//!
//! - a rule matches when its selector identifier equals the source
//!   identifier, or else by `matchType`: `EXACT` (nothing more), `WILDCARD`
//!   (the default: `*` matches any run, anchored; `**` is invalid) or `REGEX`
//!   (unanchored);
//! - among `ALLOW` and `DENY`, the last matching rule wins;
//! - a matching `CONVERT` applies at once: its `updates.identifier` (with
//!   `$1`/`${1}` filled from the selector's captures; empty means the
//!   selector's identifier) replaces the identifier, and the policy is
//!   evaluated again, at most 20 times. An `EXACT` selector converts
//!   nothing: BuildKit's `Selector.Format` gives it its own identifier back.
//!
//! Several files are several policies, each judged on its own: a DENY in
//! any of them denies, and a conversion in one never hides a source from
//! another (BuildKit's engine chains conversions across the policies of one
//! build; after the fact, each file is a requirement of its own).
//!
//! Each image of the Evidence is judged by its **declared** reference (a
//! source identifier `docker-image://registry/repo:tag[@digest]`, with
//! `:latest` added when neither is given, as BuildKit's LLB does):
//!
//! | final outcome | result |
//! |---|---|
//! | denied | `fail` |
//! | allowed, or no rule matched | `pass` |
//! | converted to a digest-pinned identifier | `pass` if the trusted reference equals the pin, `fail` if it differs, `unknown` without a trusted reference |
//! | converted to an unpinned identifier | `unknown`: whether the build used it is not recorded |
//! | more than 20 conversions | `fail` (BuildKit fails the build) |
//! | no declared reference (runtime ImageID only) | `unknown` |
//!
//! Materials a builder resolved (BuildKit provenance) are judged by their
//! requested reference; their trusted digest is the one the builder resolved.
//! What no rule can judge (an image from a local OCI layout, a task by
//! reference, a custom task, a runtime image no step declares …) is
//! `unknown`, and so is a document with nothing to judge.
//! Attribute constraints are evaluated against empty attributes: provenance
//! does not record source attributes.

use regex::Regex;
use serde::Deserialize;

use crate::error::{JsonPointer, Location};
use crate::evidence::{DeclaredImage, Evidence, ImageOrigin, StepEvidence};
use crate::oci::image_ref::ImageRef;

use crate::error::PolicyError;
use crate::results::{RuleResult, Status};

/// The rule id.
pub const RULE: &str = crate::results::RuleId::SourcePolicy.as_str();
/// BuildKit's scheme for container images.
pub const DOCKER_IMAGE_SCHEME: &str = "docker-image://";
/// BuildKit's bound on conversions of one source.
pub const MAX_CONVERSIONS: usize = 20;

/// A parsed BuildKit source policy file, its rules in order. Several files
/// are several policies, each judged on its own (a DENY in any denies).
#[derive(Debug, Clone)]
pub struct SourcePolicy {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    action: Action,
    identifier: String,
    match_type: MatchType,
    /// Compiled for WILDCARD and REGEX.
    regex: Option<Regex>,
    constraints: Vec<Constraint>,
    update: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Allow,
    Deny,
    Convert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchType {
    Wildcard,
    Exact,
    Regex,
}

#[derive(Debug, Clone)]
struct Constraint {
    value: String,
    condition: Condition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Equal,
    NotEqual,
    Matches,
}

// The protojson form: enums as names or numbers, camelCase or snake_case fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    rules: Vec<RuleJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleJson {
    #[serde(default)]
    action: Option<EnumJson>,
    selector: SelectorJson,
    #[serde(default)]
    updates: Option<UpdateJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectorJson {
    identifier: String,
    #[serde(default, alias = "match_type", rename = "matchType")]
    match_type: Option<EnumJson>,
    #[serde(default)]
    constraints: Vec<ConstraintJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintJson {
    #[serde(default)]
    #[allow(dead_code)]
    key: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    condition: Option<EnumJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateJson {
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    #[allow(dead_code)]
    attrs: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EnumJson {
    Name(String),
    Number(i64),
}

impl EnumJson {
    fn pick<T: Copy>(&self, names: &[(&str, T)]) -> Option<T> {
        match self {
            Self::Name(n) => names.iter().find(|(k, _)| k == n).map(|(_, v)| *v),
            Self::Number(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| names.get(i))
                .map(|(_, v)| *v),
        }
    }
}

impl SourcePolicy {
    /// Parse a source policy value, named `name` in messages.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] naming the rule's pointer: unknown field,
    /// unknown action or match type, an invalid wildcard or regex, a CONVERT
    /// without updates.
    pub fn from_value(name: &str, value: &serde_json::Value) -> Result<Self, PolicyError> {
        let invalid = |pointer: JsonPointer, message: String| PolicyError::Invalid {
            at: Location::new(name, pointer),
            message,
        };
        let file: FileJson = serde_path_to_error::deserialize(value).map_err(|e| {
            invalid(
                JsonPointer::from_serde_path(e.path()),
                e.into_inner().to_string(),
            )
        })?;
        if let Some(v) = file.version {
            if v > 1 {
                return Err(invalid(
                    JsonPointer::root().key("version"),
                    format!("unsupported version {v}, expected 1"),
                ));
            }
        }
        let mut rules = Vec::with_capacity(file.rules.len());
        for (i, r) in file.rules.into_iter().enumerate() {
            let at = JsonPointer::root().key("rules").index(i);
            let action = match &r.action {
                None => Action::Allow,
                Some(a) => a
                    .pick(&[
                        ("ALLOW", Action::Allow),
                        ("DENY", Action::Deny),
                        ("CONVERT", Action::Convert),
                    ])
                    .ok_or_else(|| {
                        invalid(at.key("action"), "expected ALLOW, DENY or CONVERT".into())
                    })?,
            };
            let match_type = match &r.selector.match_type {
                None => MatchType::Wildcard,
                Some(m) => m
                    .pick(&[
                        ("WILDCARD", MatchType::Wildcard),
                        ("EXACT", MatchType::Exact),
                        ("REGEX", MatchType::Regex),
                    ])
                    .ok_or_else(|| {
                        invalid(
                            at.key("selector").key("matchType"),
                            "expected WILDCARD, EXACT or REGEX".into(),
                        )
                    })?,
            };
            let identifier = r.selector.identifier;
            let regex = match match_type {
                MatchType::Exact => None,
                MatchType::Regex => Some(Regex::new(&identifier).map_err(|e| {
                    invalid(
                        at.key("selector").key("identifier"),
                        format!("invalid regex: {e}"),
                    )
                })?),
                MatchType::Wildcard => Some(
                    wildcard(&identifier)
                        .map_err(|e| invalid(at.key("selector").key("identifier"), e))?,
                ),
            };
            let mut constraints = Vec::new();
            for (j, c) in r.selector.constraints.into_iter().enumerate() {
                let condition = match &c.condition {
                    None => Condition::Equal,
                    Some(x) => x
                        .pick(&[
                            ("EQUAL", Condition::Equal),
                            ("NOTEQUAL", Condition::NotEqual),
                            ("MATCHES", Condition::Matches),
                        ])
                        .ok_or_else(|| {
                            invalid(
                                at.key("selector")
                                    .key("constraints")
                                    .index(j)
                                    .key("condition"),
                                "expected EQUAL, NOTEQUAL or MATCHES".into(),
                            )
                        })?,
                };
                constraints.push(Constraint {
                    value: c.value,
                    condition,
                });
            }
            let update = match (action, r.updates) {
                (Action::Convert, None) => {
                    return Err(invalid(
                        at,
                        "a CONVERT rule needs `updates` (missing destination)".into(),
                    ));
                }
                (_, u) => u.map(|u| u.identifier),
            };
            rules.push(Rule {
                action,
                identifier,
                match_type,
                regex,
                constraints,
                update,
            });
        }
        Ok(Self { rules })
    }

    /// Judge every image of `ev`: steps, sidecars and the images a builder
    /// resolved; an `unknown` for every image or unit of work it cannot
    /// judge (an image from a local OCI layout, a task by reference, a
    /// runtime image no step declares …), and one when there is nothing
    /// to judge at all: a policy that judged nothing never passes.
    pub fn evaluate(&self, ev: &Evidence) -> Vec<RuleResult> {
        let mut out: Vec<RuleResult> = ev.steps.iter().map(|s| self.judge_step(s)).collect();
        for m in &ev.materials {
            let Some(image) = &m.image else { continue };
            let status_message = if let Some(why) = m.not_judged() {
                (Status::Unknown, why)
            } else if image.origin != ImageOrigin::Resolved {
                // A copied runtime ImageID: the step that ran it judges it
                // by its declared reference; one no step accounts for has a
                // note of its own (below).
                continue;
            } else {
                match image.reference.as_deref().map(str::parse::<ImageRef>) {
                    None => (
                        Status::Unknown,
                        format!(
                            "the requested image is not usable: {}",
                            image.problem.as_deref().unwrap_or("no reference recorded")
                        ),
                    ),
                    Some(Err(e)) => (
                        Status::Unknown,
                        format!("material reference is not usable: {e}"),
                    ),
                    Some(Ok(r)) => {
                        let pinned = image
                            .digest
                            .as_deref()
                            .map(|d| format!("{}@{d}", r.repository()));
                        self.judge(&r, pinned.as_deref(), "resolved by the builder")
                    }
                }
            };
            out.push(
                RuleResult::document(RULE, status_message.0, status_message.1)
                    .with_evidence([m.pointer.clone()]),
            );
        }
        if out.is_empty() {
            out.push(RuleResult::document(
                RULE,
                Status::Unknown,
                "no step and no image the builder resolved: the source policy judged nothing",
            ));
        }
        out.extend(super::rules::unjudged(RULE, ev));
        out
    }

    fn judge_step(&self, step: &StepEvidence) -> RuleResult {
        let (status, message) = match &step.declared {
            Some(DeclaredImage::Parsed { reference, .. }) => self.judge(
                reference,
                step.trusted_reference.as_deref(),
                "declared by digest",
            ),
            Some(DeclaredImage::Invalid { error }) => (
                Status::Unknown,
                format!("declared image is not usable: {error}"),
            ),
            None => (
                Status::Unknown,
                "no declared image: a runtime ImageID is never judged as a reference".to_owned(),
            ),
        };
        RuleResult::for_step(RULE, step, status, message)
    }

    /// Run the engine on `reference`'s identifier and map the outcome.
    fn judge(
        &self,
        reference: &ImageRef,
        trusted: Option<&str>,
        trusted_is: &str,
    ) -> (Status, String) {
        let start = identifier_of(reference);
        match self.run(&start) {
            Outcome::Denied(id, rule) => (Status::Fail, format!("{id} is denied by rule {rule}")),
            Outcome::TooManyConversions => (
                Status::Fail,
                format!("{start}: more than {MAX_CONVERSIONS} conversions (BuildKit fails such a build)"),
            ),
            Outcome::Kept(id) if id == start => (Status::Pass, format!("{id} is allowed")),
            Outcome::Kept(id) => {
                let pin = id
                    .strip_prefix(DOCKER_IMAGE_SCHEME)
                    .and_then(|r| r.parse::<ImageRef>().ok());
                match (pin.as_ref().and_then(ImageRef::pinned), trusted) {
                    (Some(pin), Some(t)) if pin == t => {
                        (Status::Pass, format!("{start} converts to {id}, and {t} ({trusted_is}) matches the pin"))
                    }
                    (Some(pin), Some(t)) => {
                        (Status::Fail, format!("{start} converts to the pin {pin}, but the build used {t}"))
                    }
                    (Some(pin), None) => (
                        Status::Unknown,
                        format!("{start} converts to the pin {pin}, but no trusted reference records what was used"),
                    ),
                    (None, _) => (
                        Status::Unknown,
                        format!("{start} converts to {id}, which is not pinned: whether the build used it is not recorded"),
                    ),
                }
            }
        }
    }

    /// moby/buildkit's `Engine.Evaluate` over one identifier.
    fn run(&self, start: &str) -> Outcome {
        let mut ident = start.to_owned();
        for _ in 0..=MAX_CONVERSIONS {
            let mut denied_by = None;
            let mut converted = None;
            for (i, rule) in self.rules.iter().enumerate() {
                if !rule.matches(&ident) {
                    continue;
                }
                match rule.action {
                    Action::Allow => denied_by = None,
                    Action::Deny => denied_by = Some(i),
                    Action::Convert => {
                        let dest = rule.destination(&ident);
                        if !dest.is_empty() && dest != ident {
                            converted = Some(dest);
                            break;
                        }
                    }
                }
            }
            match (converted, denied_by) {
                (Some(next), _) => ident = next,
                (None, Some(rule)) => return Outcome::Denied(ident, rule),
                (None, None) => return Outcome::Kept(ident),
            }
        }
        Outcome::TooManyConversions
    }
}

enum Outcome {
    Kept(String),
    Denied(String, usize),
    TooManyConversions,
}

impl Rule {
    fn matches(&self, ident: &str) -> bool {
        let attrs_ok = self.constraints.iter().all(|c| match c.condition {
            // Provenance records no source attributes: each reads as "".
            Condition::Equal => c.value.is_empty(),
            Condition::NotEqual => !c.value.is_empty(),
            Condition::Matches => Regex::new(&c.value).is_ok_and(|re| re.is_match("")),
        });
        if !attrs_ok {
            return false;
        }
        if self.identifier == ident {
            return true;
        }
        match (&self.match_type, &self.regex) {
            (MatchType::Exact, _) | (_, None) => false,
            (_, Some(re)) => re.is_match(ident),
        }
    }

    fn destination(&self, ident: &str) -> String {
        let dest = match self.update.as_deref() {
            Some("") | None => self.identifier.as_str(),
            Some(d) => d,
        };
        match (&self.match_type, &self.regex) {
            // BuildKit's `Selector.Format` gives an EXACT selector its own
            // identifier back, whatever `updates` says: the source is not
            // converted (so BuildKit did not convert it at build time).
            (MatchType::Exact, _) => self.identifier.clone(),
            (_, None) => dest.to_owned(),
            (MatchType::Regex, Some(re)) => re.replace_all(ident, dest).into_owned(),
            (MatchType::Wildcard, Some(re)) => match re.captures(ident) {
                Some(caps) => {
                    let mut out = String::new();
                    caps.expand(dest, &mut out);
                    out
                }
                None => ident.to_owned(),
            },
        }
    }
}

/// BuildKit's wildcard: regex-quote, `*` → `(.*)`, anchored; `**` is invalid.
fn wildcard(pattern: &str) -> Result<Regex, String> {
    let quoted = regex::escape(pattern);
    if quoted.contains("\\*\\*") {
        return Err(format!("invalid wildcard {pattern:?}: \"**\""));
    }
    Regex::new(&format!("^{}$", quoted.replace("\\*", "(.*)")))
        .map_err(|e| format!("invalid wildcard {pattern:?}: {e}"))
}

/// `docker-image://` + the normalized reference, `:latest` added when
/// neither tag nor digest was given (BuildKit's `TagNameOnly`).
pub fn identifier_of(reference: &ImageRef) -> String {
    if reference.tag().is_none() && reference.digest().is_none() {
        format!("{DOCKER_IMAGE_SCHEME}{reference}:latest")
    } else {
        format!("{DOCKER_IMAGE_SCHEME}{reference}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn policy(v: serde_json::Value) -> SourcePolicy {
        SourcePolicy::from_value("sp.json", &v).unwrap()
    }

    fn judge(p: &SourcePolicy, declared: &str) -> Status {
        let r: ImageRef = declared.parse().unwrap();
        let trusted = r.pinned();
        p.judge(&r, trusted.as_deref(), "declared by digest").0
    }

    #[test]
    fn identifiers_follow_buildkit() {
        let id = |s: &str| identifier_of(&s.parse().unwrap());
        assert_eq!(
            id("alpine"),
            "docker-image://docker.io/library/alpine:latest"
        );
        assert_eq!(
            id("alpine:3.18"),
            "docker-image://docker.io/library/alpine:3.18"
        );
        assert_eq!(
            id(&format!("alpine@sha256:{A}")),
            format!("docker-image://docker.io/library/alpine@sha256:{A}")
        );
    }

    #[test]
    fn last_matching_allow_or_deny_wins() {
        let deny_then_allow = policy(json!({"rules": [
            {"action": "DENY", "selector": {"identifier": "docker-image://docker.io/library/*"}},
            {"action": "ALLOW", "selector": {"identifier": "docker-image://docker.io/library/alpine:*"}}]}));
        assert_eq!(judge(&deny_then_allow, "alpine:3.18"), Status::Pass);
        assert_eq!(judge(&deny_then_allow, "ubuntu:22.04"), Status::Fail);
        let allow_then_deny = policy(json!({"rules": [
            {"action": "ALLOW", "selector": {"identifier": "docker-image://docker.io/library/alpine:*"}},
            {"action": "DENY", "selector": {"identifier": "docker-image://docker.io/library/*"}}]}));
        assert_eq!(judge(&allow_then_deny, "alpine:3.18"), Status::Fail);
        assert_eq!(judge(&allow_then_deny, "quay.io/x/y:1"), Status::Pass);
    }

    #[test]
    fn match_types() {
        let exact = policy(
            json!({"rules": [{"action": "DENY", "selector": {"identifier": "docker-image://docker.io/library/alpine:*", "matchType": "EXACT"}}]}),
        );
        assert_eq!(
            judge(&exact, "alpine:3.18"),
            Status::Pass,
            "EXACT does not glob"
        );
        let wildcard = policy(
            json!({"rules": [{"action": "DENY", "selector": {"identifier": "docker-image://docker.io/library/alpine:*", "matchType": "WILDCARD"}}]}),
        );
        assert_eq!(judge(&wildcard, "alpine:3.18"), Status::Fail);
        assert_eq!(
            judge(&wildcard, "alpine-evil:3.18"),
            Status::Pass,
            "wildcards are anchored"
        );
        let regex = policy(
            json!({"rules": [{"action": "DENY", "selector": {"identifier": "evil", "matchType": "REGEX"}}]}),
        );
        assert_eq!(
            judge(&regex, "quay.io/evil/x:1"),
            Status::Fail,
            "regexes are not anchored"
        );
        assert_eq!(judge(&regex, "quay.io/good/x:1"), Status::Pass);
        let numeric = policy(
            json!({"rules": [{"action": 1, "selector": {"identifier": "docker-image://docker.io/library/alpine:3.18", "match_type": 1}}]}),
        );
        assert_eq!(judge(&numeric, "alpine:3.18"), Status::Fail);
    }

    /// The CONVERT case of the issue: pinned-equal, pinned-different, unpinned.
    #[test]
    fn convert_to_a_pin() {
        let p = policy(json!({"rules": [{"action": "CONVERT",
            "selector": {"identifier": "docker-image://docker.io/library/alpine:3.18"},
            "updates": {"identifier": format!("docker-image://docker.io/library/alpine:3.18@sha256:{A}")}}]}));
        assert_eq!(
            judge(&p, &format!("alpine:3.18@sha256:{A}")),
            Status::Pass,
            "pinned, equal"
        );
        assert_eq!(
            judge(&p, &format!("alpine:3.18@sha256:{B}")),
            Status::Pass,
            "another identifier: not converted"
        );
        let r: ImageRef = "alpine:3.18".parse().unwrap();
        assert_eq!(
            p.judge(
                &r,
                Some(&format!("docker.io/library/alpine@sha256:{A}")),
                "x"
            )
            .0,
            Status::Pass
        );
        assert_eq!(
            p.judge(
                &r,
                Some(&format!("docker.io/library/alpine@sha256:{B}")),
                "x"
            )
            .0,
            Status::Fail
        );
        assert_eq!(p.judge(&r, None, "x").0, Status::Unknown);
    }

    #[test]
    fn wildcard_captures_fill_the_destination() {
        let p = policy(json!({"rules": [{"action": "CONVERT",
            "selector": {"identifier": "docker-image://docker.io/library/golang:*"},
            "updates": {"identifier": "docker-image://mirror.io/golang:${1}-alpine"}},
            {"action": "DENY", "selector": {"identifier": "docker-image://mirror.io/golang:1.20-alpine"}}]}));
        assert_eq!(
            p.run("docker-image://docker.io/library/golang:1.21")
                .result_id(),
            Some("docker-image://mirror.io/golang:1.21-alpine".into())
        );
        assert_eq!(
            judge(&p, "golang:1.20"),
            Status::Fail,
            "the converted identifier is evaluated again"
        );
    }

    #[test]
    fn conversion_loops_are_bounded() {
        let p = policy(json!({"rules": [
            {"action": "CONVERT", "selector": {"identifier": "docker-image://a.io/x:1"}, "updates": {"identifier": "docker-image://a.io/x:2"}},
            {"action": "CONVERT", "selector": {"identifier": "docker-image://a.io/x:2"}, "updates": {"identifier": "docker-image://a.io/x:1"}}]}));
        assert_eq!(judge(&p, "a.io/x:1"), Status::Fail);
    }

    /// BuildKit formats an EXACT selector's destination as the selector's
    /// own identifier: an EXACT CONVERT converts nothing there, so a DENY
    /// after it still applies, and nothing is judged as converted.
    #[test]
    fn an_exact_convert_converts_nothing_as_in_buildkit() {
        let pin = format!("docker-image://a.io/x:1@sha256:{}", "a".repeat(64));
        let p = policy(json!({"rules": [
            {"action": "CONVERT", "selector": {"identifier": "docker-image://a.io/x:1", "matchType": "EXACT"}, "updates": {"identifier": pin}},
            {"action": "DENY", "selector": {"identifier": "docker-image://a.io/x:1", "matchType": "EXACT"}}]}));
        assert_eq!(judge(&p, "a.io/x:1"), Status::Fail);
        let p = policy(json!({"rules": [
            {"action": "CONVERT", "selector": {"identifier": "docker-image://a.io/x:1", "matchType": "EXACT"}, "updates": {"identifier": pin}}]}));
        assert_eq!(judge(&p, "a.io/x:1"), Status::Pass);
    }

    #[test]
    fn bad_policies_point_at_the_rule() {
        let cases = [
            (
                json!({"rules": [{"action": "NUKE", "selector": {"identifier": "x"}}]}),
                "sp.json: at /rules/0/action: expected ALLOW, DENY or CONVERT",
            ),
            (
                json!({"rules": [{"action": "CONVERT", "selector": {"identifier": "x"}}]}),
                "sp.json: at /rules/0: a CONVERT rule needs `updates`",
            ),
            (
                json!({"rules": [{"selector": {"identifier": "a**b"}}]}),
                "sp.json: at /rules/0/selector/identifier: invalid wildcard",
            ),
            (
                json!({"rules": [{"selector": {"identifier": "(", "matchType": "REGEX"}}]}),
                "sp.json: at /rules/0/selector/identifier: invalid regex",
            ),
            (
                json!({"rules": [{"selector": {"identifer": "x"}}]}),
                "sp.json: at /rules/0/selector/identifer: unknown field",
            ),
        ];
        for (value, want) in cases {
            let text = SourcePolicy::from_value("sp.json", &value)
                .unwrap_err()
                .to_string();
            assert!(text.starts_with(want), "{want:?} vs {text}");
        }
    }

    impl Outcome {
        fn result_id(&self) -> Option<String> {
            match self {
                Self::Kept(id) | Self::Denied(id, _) => Some(id.clone()),
                Self::TooManyConversions => None,
            }
        }
    }
}
