//! The tri-state: `pass`, `unknown`, `fail` — never a guess.

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
        }
    }

    /// A result about one step or sidecar, citing its declared image.
    pub fn for_step(
        rule: &str,
        step: &crate::evidence::StepEvidence,
        status: Status,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule: rule.to_owned(),
            status,
            step: Some(step.name.clone()),
            task: step.task.clone(),
            message: message.into(),
            evidence: step.pointers.declared_image.iter().cloned().collect(),
            warning: None,
        }
    }

    /// Attach evidence pointers.
    #[must_use]
    pub fn with_evidence(mut self, pointers: impl IntoIterator<Item = JsonPointer>) -> Self {
        self.evidence.extend(pointers);
        self
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

/// The worst status of `results`, or `None` when there are none.
pub fn verdict<'a>(results: impl IntoIterator<Item = &'a RuleResult>) -> Option<Status> {
    results.into_iter().map(|r| r.status).max()
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
