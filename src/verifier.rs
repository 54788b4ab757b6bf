//! The release-gate pipeline in one value: load a policy once, verify many
//! documents. `Verifier` is `Send + Sync`, holds no global state, prints
//! nothing and never exits the process.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::evaluate::{self, Policy, RuleResult, Status};
use crate::evidence::Evidence;
use crate::ingest::{self, Limits};
use crate::normalize::NormalizeOptions;

/// The rule id of the result that says nothing was checked.
pub const NOTHING_CHECKED: &str = "policy.configured";

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
    /// Every result, in rule order, then step order.
    pub results: Vec<RuleResult>,
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
        let verdict = evaluate::verdict(&results).unwrap_or(Status::Unknown);
        Self {
            source: source.into(),
            line: None,
            verdict,
            summary,
            results,
        }
    }
}

/// Verifies documents against one compiled policy.
///
/// ```
/// use provcheck::{PolicyBuilder, Status, Verifier};
///
/// let mut policy = PolicyBuilder::new();
/// policy.allow_registry("quay.io/acme")?;
/// let verifier = Verifier::new(policy.build());
///
/// let taskrun = br#"{"kind": "TaskRun", "status": {
///   "taskSpec": {"steps": [{"name": "build", "image": "quay.io/acme-evil/builder:v1"}]},
///   "steps": [{"name": "build", "imageID": "docker-pullable://quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}]}}"#;
/// let report = verifier.verify_bytes("taskrun.json", taskrun).remove(0)?;
/// assert_eq!(report.verdict, Status::Fail); // the step asked for acme-evil, whatever ran
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    policy: Policy,
    limits: Limits,
    at: Option<DateTime<Utc>>,
    options: NormalizeOptions,
}

impl Verifier {
    /// A verifier for `policy`, with default input limits.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            limits: Limits::default(),
            at: None,
            options: NormalizeOptions::default(),
        }
    }

    /// Bring Tekton runs (`--with`) and image indexes (`--index`) to every
    /// document before judging it.
    #[must_use]
    pub fn with_options(mut self, options: NormalizeOptions) -> Self {
        self.options = options;
        self
    }

    /// Use other input limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Evaluate as of `time` instead of the clock, for documents that record
    /// no build time (`effective_on`). Reproducible runs set this.
    #[must_use]
    pub fn at(mut self, time: DateTime<Utc>) -> Self {
        self.at = Some(time);
        self
    }

    /// The policy in use.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Judge normalized evidence.
    pub fn verify_evidence(&self, evidence: &Evidence) -> Report {
        let now = self.at.unwrap_or_else(Utc::now);
        let mut report = Report::new(
            evidence.source.clone(),
            evaluate::evaluate(&self.policy, evidence, now),
        );
        report.line = evidence.line;
        report
    }

    /// Decode, normalize and judge every document in `bytes`.
    ///
    /// # Errors
    ///
    /// Each item is an [`Error`] when that document cannot be decoded or has
    /// the wrong shape; the others are still judged.
    pub fn verify_bytes(&self, name: &str, bytes: &[u8]) -> Vec<Result<Report, Error>> {
        self.options
            .normalize_bytes(name, bytes)
            .into_iter()
            .map(|ev| ev.map(|ev| self.verify_evidence(&ev)))
            .collect()
    }

    /// Read a file (`-` for standard input) and judge every document in it.
    ///
    /// # Errors
    ///
    /// As [`verify_bytes`](Self::verify_bytes), plus a read error.
    pub fn verify_path(&self, path: &Path) -> Vec<Result<Report, Error>> {
        match ingest::read_input(path, &self.limits) {
            Ok(bytes) => self.verify_bytes(&path.display().to_string(), &bytes),
            Err(e) => vec![Err(e.into())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_and_report_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Verifier>();
        check::<Report>();
    }

    #[test]
    fn nothing_checked_is_unknown() {
        let r = Report::new("x", vec![]);
        assert_eq!(r.verdict, Status::Unknown);
        assert_eq!(r.results[0].rule, NOTHING_CHECKED);
        assert_eq!(r.summary.unknown, 1);
    }
}
