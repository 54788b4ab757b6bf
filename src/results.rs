//! Results, shared by the stages that judge (verify and evaluate, as
//! peers) and the writers that report: the tri-state `pass`, `unknown`,
//! `fail` — never a guess —, one rule's [`RuleResult`], and a document's
//! [`Report`].

use std::fmt;

use serde::Serialize;

use crate::error::JsonPointer;

/// A rule's outcome. `Ord` is severity, so a verdict is the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The evidence satisfies the rule.
    Pass,
    /// The evidence cannot decide. Never folded into pass or fail here.
    Unknown,
    /// The evidence violates the rule.
    Fail,
}

impl Status {
    /// The lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Unknown => "unknown",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`RuleId`]: each built-in rule's id and what the book's codes
/// page says of it.
macro_rules! rule_ids {
    ($($(#[$doc:meta])* $variant:ident = $id:literal {
        group: $group:literal,
        short: $short:literal,
        enabled_by: $enabled:literal,
        per: $per:literal,
        pass: $pass:literal,
        fail: $fail:literal,
        unknown: $unknown:literal $(,)?
    })*) => {
        /// The id of a built-in rule (a Rego rule's id is its own `code`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $($(#[$doc])* $variant,)*
        }

        impl RuleId {
            /// Every built-in rule, in the order the book lists them.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The id, as reports write it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }

            /// `native` (a policy rule) or `trust` (a signature check).
            pub const fn group(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $group,)*
                }
            }

            /// What the rule checks, in one line (SARIF's short description).
            pub const fn short(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $short,)*
                }
            }

            /// What turns the rule on.
            pub const fn enabled_by(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $enabled,)*
                }
            }

            /// What it reports one result for.
            pub const fn per(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $per,)*
                }
            }

            /// When it passes, fails and is unknown.
            pub const fn outcomes(self) -> [&'static str; 3] {
                match self {
                    $(RuleId::$variant => [$pass, $fail, $unknown],)*
                }
            }

            /// The built-in rule of this id, if it is one.
            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|r| r.as_str() == id)
            }
        }
    };
}

rule_ids! {
    /// Images come from allowed registries.
    RegistryAllowed = "registry.allowed" {
        group: "native",
        short: "Images come from allowed registries (trusted references only)",
        enabled_by: "policy `registry`, `--allow-registry`, `--deny-registry`",
        per: "step, sidecar, builder-resolved image, not-judged place, skipped task",
        pass: "trusted reference (or, for a builder-resolved image, the requested digest) allowed and not denied; a skipped task (\"it ran nothing\")",
        fail: "trusted reference not allowed or denied; declared by tag from a place not allowed or denied",
        unknown: "declared by tag from an allowed place (unless `accept_tags`); no usable declared image; no step and no resolved image in the document; each [not-judged place](#not-judged); a step joined with a `--with` run that contradicts the attestation",
    }
    /// Every step's image is pinned by digest.
    StepsPinned = "steps.pinned" {
        group: "native",
        short: "Every step's image is pinned by digest",
        enabled_by: "policy `pinned`",
        per: "step, sidecar, builder-resolved image, not-judged place, skipped task",
        pass: "declared (or requested) by a digest of a registered algorithm; a skipped task",
        fail: "declared by tag or bare name; a digest of an unregistered algorithm (`@md5:…`); an invalid reference",
        unknown: "undeclared; an unresolved variable such as `$(params.image)`; an unusable requested image; nothing to judge; each [not-judged place](#not-judged); a step joined with a `--with` run that contradicts the attestation",
    }
    /// The runtime ran the declared digest.
    StepsRuntimeDigest = "steps.runtime_digest" {
        group: "native",
        short: "The runtime ran the declared digest",
        enabled_by: "policy `runtime_digest`",
        per: "pinned step",
        pass: "`match` or `match-via-index`",
        fail: "`mismatch` (with `on_mismatch: fail`, the default)",
        unknown: "`incomparable`; `absent`; `mismatch` with `on_mismatch: unknown`",
    }
    /// The builder is allowed.
    BuilderAllowed = "builder.allowed" {
        group: "native",
        short: "The builder is allowed",
        enabled_by: "policy `builders`, `--builder-id`",
        per: "document",
        pass: "builder id listed (an entry without `@REF` admits that builder at a release tag; `@vX` is `@refs/tags/vX`), and for a keyless bundle the workflow that signed too, unless it is a delegating builder",
        fail: "not listed",
        unknown: "no builder id recorded",
    }
    /// The source repository and ref are as expected.
    SourceMatches = "source.matches" {
        group: "native",
        short: "The source repository and ref are as expected",
        enabled_by: "policy `source`, `--source-uri`, `--source-tag`, `--source-branch`, `--source-versioned-tag`",
        per: "document",
        pass: "repository and ref as expected (`github.com/o/r` is `https://github.com/o/r`; a versioned tag is a tag of a compatible version)",
        fail: "repository or ref differs",
        unknown: "repository or ref not recorded",
    }
    /// The predicate type is allowed.
    PredicateTypeAllowed = "predicate_type.allowed" {
        group: "native",
        short: "The predicate type is allowed",
        enabled_by: "policy `predicate_types`; also the result of an attestation skipped for its type (`--predicate-type`)",
        per: "document",
        pass: "predicate type listed",
        fail: "not listed, for a document whose signature did not verify (a verified one of another type is skipped)",
        unknown: "no predicate type (not an attestation); a skipped attestation (its report says `skipped`)",
    }
    /// The build ran inside the allowed time window.
    BuildTimeWindow = "build_time.window" {
        group: "native",
        short: "The build ran inside the allowed time window",
        enabled_by: "policy `build_time`",
        per: "document",
        pass: "inside the window",
        fail: "started before `not_before`, or finished after `not_after`",
        unknown: "no build time recorded, or one no verified signature covers",
    }
    /// BuildKit source policies allow each image.
    SourcePolicy = "source.policy" {
        group: "native",
        short: "BuildKit source policies allow each image",
        enabled_by: "`--source-policy FILE` (each file on its own)",
        per: "image (step, sidecar, builder-resolved image), not-judged place, skipped task",
        pass: "allowed, no rule matched, or converted to the pin the trusted reference has; a skipped task",
        fail: "denied; converted to another pin; more than 20 conversions",
        unknown: "converted to a pin but no trusted reference; converted to an unpinned identifier; no declared reference; each [not-judged place](#not-judged); nothing to judge in the document",
    }
    /// Nothing was checked.
    PolicyConfigured = "policy.configured" {
        group: "native",
        short: "Some rule judged the document",
        enabled_by: "nothing",
        per: "document",
        pass: "",
        fail: "",
        unknown: "always: no rule produced a result, so nothing was checked",
    }
    /// A verification summary attestation says its subject passed.
    VsaResult = "vsa.result" {
        group: "native",
        short: "A verification summary attestation says PASSED",
        enabled_by: "always, for a SLSA verification summary attestation (`predicateType` `https://slsa.dev/verification_summary/v1`); `--verifier-id`, `--verified-level`, `--resource-uri`",
        per: "document",
        pass: "`verificationResult` is `PASSED`, from the `--verifier-id` verifier, with every `--verified-level` (or a higher level of its track) and the `--resource-uri` resource",
        fail: "`verificationResult` is `FAILED`; another verifier, a level missing, another resource",
        unknown: "`verificationResult` is missing or another value; `PASSED` with no `--verifier-id` given",
    }
    /// The document's signature verifies.
    Signature = "signature" {
        group: "trust",
        short: "The document's signature verifies with the given keys or trusted root",
        enabled_by: "any trust option; also `unknown` for a signed document when none is given",
        per: "document",
        pass: "the signature verified",
        fail: "it did not; or a signature demanded by `--key`, an identity option or `--trusted-root` is missing or cannot be checked; or the signed payload is rejected",
        unknown: "no signature is demanded and it could not be checked",
    }
    /// The signing certificate names the expected signer.
    Identity = "identity" {
        group: "trust",
        short: "The signing certificate names the expected signer",
        enabled_by: "`--certificate-identity`, `--certificate-identity-regexp`, `--certificate-oidc-issuer`, `--certificate-github-workflow-*`",
        per: "document",
        pass: "the verified certificate matches the required signer",
        fail: "a constraint differs; a key-signed document where an identity is demanded",
        unknown: "the signer is not pinned (no identity or no issuer); the certificate did not verify",
    }
    /// The signed statement names the expected subject.
    Subject = "subject" {
        group: "trust",
        short: "The signed statement names the expected artifact",
        enabled_by: "`--digest`, `--artifact`, `--image`",
        per: "expected subject",
        pass: "the verified statement names it",
        fail: "it does not",
        unknown: "the signature did not verify",
    }
}

/// One rule's judgement of one subject (a step, or the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// The rule id, e.g. `registry.allowed`.
    pub rule: String,
    /// The outcome.
    pub status: Status,
    /// The step (or sidecar) name, when the result is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The step's pipeline task, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// One line for people: why.
    pub message: String,
    /// JSON pointers of the evidence the rule used.
    pub evidence: Vec<JsonPointer>,
    /// Set when the result only warns: a rule not yet in force at build
    /// time, or a finding configured as a warning. A warning never fails the
    /// verdict; its `status` is `pass`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The policy file (or `flags`) the result came from, when a run has
    /// several native policies: each is a requirement of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl RuleResult {
    /// A result about the whole document.
    pub fn document(rule: &str, status: Status, message: impl Into<String>) -> Self {
        Self {
            rule: rule.to_owned(),
            status,
            step: None,
            task: None,
            message: message.into(),
            evidence: Vec::new(),
            warning: None,
            policy: None,
        }
    }

    /// A result about one step or sidecar, citing every place the step
    /// stands for (declared image, runtime ImageID, pipeline task, materials
    /// that copy its runtime image). A `pass` for a step joined with a run
    /// that contradicts the attestation (`--with`) is `unknown` instead.
    pub fn for_step(
        rule: &str,
        step: &crate::evidence::StepEvidence,
        status: Status,
        message: impl Into<String>,
    ) -> Self {
        let mut message = message.into();
        let mut status = status;
        // A run joined with `--with` whose runtime ImageID contradicts the
        // attestation's may not be the run attested: what it declared
        // cannot make the step pass.
        let contradicted = step
            .joined
            .as_ref()
            .is_some_and(|j| j.runtime_agreement == crate::evidence::RuntimeAgreement::Disagree);
        if contradicted && status == Status::Pass {
            status = Status::Unknown;
            message.push_str(
                ", but the run given with --with reports another runtime ImageID than the \
                 attestation: it may not be the run attested",
            );
        }
        let pointers = &step.pointers;
        Self {
            rule: rule.to_owned(),
            status,
            step: Some(step.name.clone()),
            task: step.task.clone(),
            message,
            // Every place the step stands for: what it declared, what ran,
            // the pipeline task that defines it, the materials that copy
            // its runtime image.
            evidence: pointers
                .declared_image
                .iter()
                .chain(&pointers.runtime_image_id)
                .chain(&pointers.task)
                .chain(&pointers.run)
                .chain(&pointers.entries)
                .chain(&pointers.materials)
                .cloned()
                .collect(),
            warning: None,
            policy: None,
        }
    }

    /// This result, naming the policy it came from (when a run has several).
    #[must_use]
    pub fn from_policy(mut self, origin: &str) -> Self {
        self.policy = Some(origin.to_owned());
        self
    }

    /// Attach evidence pointers.
    #[must_use]
    pub fn with_evidence(mut self, pointers: impl IntoIterator<Item = JsonPointer>) -> Self {
        self.evidence.extend(pointers);
        self
    }

    /// This `unknown` result, for a check the user chose to skip (`why`
    /// names the option): a pass that warns, which checks nothing.
    #[must_use]
    pub fn skipped(mut self, why: &str) -> Self {
        self.status = Status::Pass;
        self.warning = Some([SKIPPED, why].concat());
        self
    }

    /// Whether this result is a check the user chose to skip
    /// ([`Self::skipped`]).
    pub fn is_skipped(&self) -> bool {
        self.warning
            .as_deref()
            .is_some_and(|w| w.starts_with(SKIPPED))
    }

    /// Turn a non-passing result into a warning that does not count.
    #[must_use]
    pub fn demote_to_warning(mut self, why: impl Into<String>) -> Self {
        if self.status != Status::Pass {
            let would = match self.status {
                Status::Fail => "would fail",
                _ => "would be unknown",
            };
            self.warning = Some([would, ": ", &why.into()].concat());
            self.status = Status::Pass;
        }
        self
    }
}

/// The warning of a check the user chose to skip
/// ([`RuleResult::skipped`]).
const SKIPPED: &str = "skipped: ";

/// The worst status of `results`, or `None` when there are none.
pub fn verdict<'a>(results: impl IntoIterator<Item = &'a RuleResult>) -> Option<Status> {
    results.into_iter().map(|r| r.status).max()
}

/// The rule id of the result that says nothing was checked.
pub const NOTHING_CHECKED: &str = RuleId::PolicyConfigured.as_str();

/// The judgement of one document: the JSON report of `provcheck verify`
/// (`schemas/report.schema.json`).
///
/// ```json
/// {
///   "source": "att.json",
///   "verdict": "fail",
///   "summary": { "pass": 3, "fail": 1, "unknown": 1, "warnings": 0 },
///   "results": [
///     { "rule": "registry.allowed", "status": "fail", "step": "push", "task": "build",
///       "message": "quay.io/evil/pusher@sha256:… is not in an allowed registry",
///       "evidence": ["/status/taskSpec/steps/3/image"] }
///   ]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The input's name.
    pub source: String,
    /// The 1-based line, for a document in a JSON-lines file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// `fail` if any result fails, else `unknown` if any is unknown, else `pass`.
    pub verdict: Status,
    /// Counts by status (warnings are passes that warn).
    pub summary: Summary,
    /// Every result, in rule order, then step order (trust results —
    /// `signature`, `identity`, `subject` — first).
    pub results: Vec<RuleResult>,
    /// Checks the user chose to skip, e.g. `"signature verification skipped"`
    /// (`--insecure-skip-signature`). Absent from JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insecure: Vec<String>,
    /// Set when the document was not judged because its predicate type is
    /// not selected (`--predicate-type`, a policy's `predicate_types`): why.
    /// Its verdict is `unknown` and counts for nothing in a run's verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// What a policy says about one of its rules (a Rego `# METADATA`
/// annotation), for outputs that describe rules, such as SARIF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDescription {
    /// One line: the annotation's `title`.
    pub title: String,
    /// More, when the annotation has a `description`.
    pub description: Option<String>,
}

/// Counts of a report's results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Results that pass (warnings included).
    pub pass: usize,
    /// Results that fail.
    pub fail: usize,
    /// Results that cannot be decided.
    pub unknown: usize,
    /// Passing results that carry a warning.
    pub warnings: usize,
}

impl Report {
    /// This report with `first` put before its results (trust results lead),
    /// the "nothing checked" placeholder dropped once there is something.
    #[must_use]
    pub fn with_first(self, first: Vec<RuleResult>) -> Self {
        if first.is_empty() {
            return self;
        }
        // A check the user chose to skip checks nothing: with nothing else
        // it leaves the "nothing checked" placeholder in place.
        let checked = first.iter().any(|r| !r.is_skipped());
        let mut results = first;
        results.extend(
            self.results
                .into_iter()
                .filter(|r| !checked || r.rule != NOTHING_CHECKED),
        );
        let mut report = Self::new(self.source, results);
        report.line = self.line;
        report.insecure = self.insecure;
        report.skipped = self.skipped;
        report
    }

    /// Build a report from results; an empty set becomes one `unknown`
    /// result, because checking nothing is not a pass.
    pub fn new(source: impl Into<String>, mut results: Vec<RuleResult>) -> Self {
        if results.is_empty() {
            results.push(RuleResult::document(
                NOTHING_CHECKED,
                Status::Unknown,
                "no rule produced a result: nothing was checked (give --policy or --allow-registry)",
            ));
        }
        let mut summary = Summary::default();
        for r in &results {
            match r.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => summary.fail += 1,
                Status::Unknown => summary.unknown += 1,
            }
            summary.warnings += usize::from(r.warning.is_some());
        }
        let verdict = verdict(&results).unwrap_or(Status::Unknown);
        Self {
            source: source.into(),
            line: None,
            verdict,
            summary,
            results,
            insecure: Vec::new(),
            skipped: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_is_the_worst() {
        let r = |s| RuleResult::document("x", s, "");
        let cases = [
            (vec![], None),
            (vec![r(Status::Pass)], Some(Status::Pass)),
            (
                vec![r(Status::Pass), r(Status::Unknown)],
                Some(Status::Unknown),
            ),
            (
                vec![r(Status::Unknown), r(Status::Fail), r(Status::Pass)],
                Some(Status::Fail),
            ),
        ];
        for (results, want) in cases {
            assert_eq!(verdict(&results), want);
        }
    }

    #[test]
    fn warnings_never_fail() {
        let w = RuleResult::document("x", Status::Fail, "m").demote_to_warning("not yet effective");
        assert_eq!(w.status, Status::Pass);
        assert_eq!(w.warning.as_deref(), Some("would fail: not yet effective"));
        let p = RuleResult::document("x", Status::Pass, "m").demote_to_warning("n/a");
        assert_eq!(p.warning, None);
    }
}
