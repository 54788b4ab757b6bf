//! Records: one JSON line per document, and the part of one a summary,
//! a resume and a merge read back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shard::Shard;
use super::window::{Placement, Window};
use super::Verdict;
use crate::evaluate::{RuleResult, Status};
use crate::evidence::Evidence;
use crate::normalize::trust::TrustStatus;
use crate::verifier::Judged;

use super::summary::StepCounts;

/// Room for one typical record, reserved up front.
const RECORD_BYTES: usize = 8 << 10;

/// The part of a record a summary, a resume and a merge need (records read
/// back are parsed into this; unknown members are ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Tally {
    /// The unit's index in the unsharded walk (absent: an older record).
    #[serde(default)]
    pub(crate) unit: Option<u64>,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) line: Option<usize>,
    pub(crate) verdict: Option<Verdict>,
    #[serde(default)]
    pub(crate) window: Option<Placement>,
    #[serde(default)]
    pub(crate) build_time: Option<String>,
    #[serde(default)]
    pub(crate) builder_id: Option<String>,
    #[serde(default)]
    pub(crate) steps: StepCounts,
    #[serde(default)]
    pub(crate) registries: BTreeMap<String, u64>,
    #[serde(default)]
    pub(crate) repositories: BTreeMap<String, u64>,
    #[serde(default)]
    pub(crate) unpinned_images: Vec<String>,
    #[serde(default)]
    pub(crate) results: Vec<TallyResult>,
    #[serde(default)]
    pub(crate) passed: BTreeMap<String, u64>,
    #[serde(default)]
    pub(crate) insecure: Vec<String>,
    #[serde(default)]
    pub(crate) fingerprint: Option<String>,
    #[serde(default)]
    pub(crate) shard: Option<Shard>,
}

/// One result of a record, as the summary reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TallyResult {
    pub(crate) rule: String,
    pub(crate) status: TallyStatus,
    #[serde(default)]
    pub(crate) message: String,
}

/// [`Status`], readable back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TallyStatus {
    Pass,
    Fail,
    Unknown,
}

/// A record as written.
#[derive(Serialize)]
struct RecordOut<'a> {
    unit: u64,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    window: Option<Placement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    builder_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<&'a StepCounts>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    registries: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    repositories: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unpinned_images: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    results: &'a [&'a RuleResult],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    passed: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    insecure: &'a [String],
    fingerprint: &'a str,
    shard: Shard,
}

static EMPTY: BTreeMap<String, u64> = BTreeMap::new();

/// What every record of a run carries: which run, which shard.
#[derive(Debug, Clone)]
pub(super) struct Stamp {
    pub(super) fingerprint: String,
    pub(super) shard: Shard,
}

/// How documents become records.
#[derive(Debug, Clone)]
pub(super) struct Recorder {
    pub(super) stamp: Stamp,
    pub(super) window: Option<Window>,
    pub(super) all_results: bool,
}

/// A path reached again under another name: listed, not judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    /// The unit's index in the unsharded walk.
    pub unit: u64,
    /// The path as walked.
    pub path: String,
    /// Where the same file (or directory) is audited.
    pub same_as: String,
}

/// A judged (or listed) unit: its record lines and what the summary needs
/// of them.
pub(super) struct Done {
    pub(super) unit: u64,
    pub(super) lines: Vec<u8>,
    pub(super) tallies: Vec<Tally>,
    pub(super) duplicate: Option<Duplicate>,
}

impl Done {
    pub(super) fn new(unit: u64) -> Self {
        Self {
            unit,
            lines: Vec::with_capacity(RECORD_BYTES),
            tallies: Vec::new(),
            duplicate: None,
        }
    }

    fn push_line(&mut self, record: &RecordOut<'_>) {
        // Serializing these types cannot fail (string keys, no floats); an
        // error would still give a line, never a lost record.
        if serde_json::to_writer(&mut self.lines, record).is_err() {
            self.lines.extend_from_slice(b"{}");
        }
        self.lines.push(b'\n');
    }
}

impl Recorder {
    /// An error record: the input could not be read or decoded.
    pub(super) fn error(&self, done: &mut Done, path: &str, line: Option<usize>, why: &str) {
        done.push_line(&RecordOut {
            unit: done.unit,
            path,
            line,
            source: None,
            verdict: Verdict::Error,
            error: Some(why),
            skipped: None,
            window: None,
            build_time: None,
            builder_id: None,
            steps: None,
            registries: &EMPTY,
            repositories: &EMPTY,
            unpinned_images: &[],
            results: &[],
            passed: &EMPTY,
            insecure: &[],
            fingerprint: &self.stamp.fingerprint,
            shard: self.stamp.shard,
        });
        done.tallies.push(Tally {
            unit: Some(done.unit),
            path: path.to_owned(),
            line,
            verdict: Some(Verdict::Error),
            ..Tally::default()
        });
    }

    /// The records of every document of one input.
    pub(super) fn all(
        &self,
        done: &mut Done,
        path: &str,
        line: Option<usize>,
        judged: Vec<Result<Judged, crate::error::Error>>,
    ) {
        if judged.is_empty() {
            self.error(done, path, line, "no document in the input");
        }
        for j in judged {
            match j {
                Ok(j) => self.judged(done, path, line, j),
                Err(e) => self.error(done, path, line, &e.to_string()),
            }
        }
    }

    /// The record of one judged document.
    fn judged(&self, done: &mut Done, path: &str, line: Option<usize>, judged: Judged) {
        let report = &judged.report;
        let ev = judged.evidence.as_ref();
        let build_time = ev.and_then(recorded_build_time);
        let mut tally = Tally {
            unit: Some(done.unit),
            path: path.to_owned(),
            line: line.or(report.line),
            verdict: Some(report.verdict.into()),
            build_time: build_time.map(|(s, _)| s.to_owned()),
            builder_id: ev.and_then(|e| e.builder_id.clone()),
            insecure: report.insecure.clone(),
            ..Tally::default()
        };
        // A document is skipped only by a build time the window trusts; one
        // without Evidence (its signature failed, or provcheck does not
        // read it) has none and is always counted.
        // A document whose predicate type the run does not select is
        // skipped for that, and not placed in the window.
        let placed = match (&self.window, ev, &report.skipped) {
            (_, _, Some(_)) | (None, _, None) => None,
            (Some(w), Some(_), None) => {
                w.place(build_time.map(|(_, t)| t), judged.build_time_verified)
            }
            (Some(w), None, None) => w.place(None, false),
        };
        tally.window = placed.as_ref().map(|(p, _)| *p);
        let skipped: Option<&str> = report.skipped.as_deref().or(placed
            .as_ref()
            .filter(|(p, _)| p.skips())
            .map(|(_, why)| why.as_ref()));
        if let Some(ev) = ev {
            count_steps(ev, &mut tally);
        }
        // Plain passes are counted, the rest written out (see the module docs).
        let listed =
            |r: &RuleResult| self.all_results || r.status != Status::Pass || r.warning.is_some();
        let mut results = Vec::with_capacity(report.results.len());
        for r in &report.results {
            if listed(r) {
                results.push(r);
            } else if let Some(n) = tally.passed.get_mut(&r.rule) {
                *n += 1;
            } else {
                tally.passed.insert(r.rule.clone(), 1);
            }
        }
        let source = (report.source != path).then_some(report.source.as_str());
        let mut out = RecordOut {
            unit: done.unit,
            path,
            line: tally.line,
            source,
            verdict: report.verdict.into(),
            error: None,
            skipped: None,
            window: tally.window,
            build_time: tally.build_time.as_deref(),
            builder_id: tally.builder_id.as_deref(),
            steps: ev.map(|_| &tally.steps),
            registries: &tally.registries,
            repositories: &tally.repositories,
            unpinned_images: &tally.unpinned_images,
            results: &results,
            passed: &tally.passed,
            insecure: &report.insecure,
            fingerprint: &self.stamp.fingerprint,
            shard: self.stamp.shard,
        };
        if let Some(why) = skipped {
            out.verdict = Verdict::Skipped;
            out.skipped = Some(why);
            out.results = &[];
            out.passed = &EMPTY;
            out.steps = None;
            out.unpinned_images = &[];
            out.registries = &EMPTY;
            out.repositories = &EMPTY;
        }
        done.push_line(&out);
        if skipped.is_some() {
            tally = Tally {
                unit: tally.unit,
                path: tally.path,
                line: tally.line,
                verdict: Some(Verdict::Skipped),
                window: tally.window,
                build_time: tally.build_time,
                builder_id: tally.builder_id,
                ..Tally::default()
            };
        } else {
            // The record is written: the listed results move into the tally.
            tally.results = judged
                .report
                .results
                .into_iter()
                .filter(listed)
                .map(|r| TallyResult {
                    rule: r.rule,
                    status: match r.status {
                        Status::Pass => TallyStatus::Pass,
                        Status::Fail => TallyStatus::Fail,
                        Status::Unknown => TallyStatus::Unknown,
                    },
                    message: if r.status == Status::Fail {
                        r.message
                    } else {
                        String::new()
                    },
                })
                .collect();
        }
        done.tallies.push(tally);
    }
}

/// Count a document's steps by trust status, its pinned steps by registry
/// and repository, and its unpinned images.
fn count_steps(ev: &Evidence, tally: &mut Tally) {
    for step in &ev.steps {
        match step.trust.status {
            TrustStatus::Pinned => {
                tally.steps.pinned += 1;
                if let Some(r) = &step.trusted_reference {
                    // Hosts compare without case: one key per registry.
                    let host = r.split('/').next().unwrap_or(r);
                    let lower;
                    let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
                        lower = host.to_ascii_lowercase();
                        lower.as_str()
                    } else {
                        host
                    };
                    match tally.registries.get_mut(host) {
                        Some(n) => *n += 1,
                        None => {
                            tally.registries.insert(host.to_owned(), 1);
                        }
                    }
                    // The repository: the reference without its digest,
                    // under the host as counted above.
                    let path = r.split('@').next().unwrap_or(r);
                    let path = path.get(host.len()..).unwrap_or_default();
                    let repository = [host, path].concat();
                    match tally.repositories.get_mut(&repository) {
                        Some(n) => *n += 1,
                        None => {
                            tally.repositories.insert(repository, 1);
                        }
                    }
                }
            }
            TrustStatus::Unpinned => {
                tally.steps.unpinned += 1;
                if let Some(d) = &step.declared_image {
                    if !tally.unpinned_images.contains(d) {
                        tally.unpinned_images.push(d.clone());
                    }
                }
            }
            TrustStatus::Undeclared => tally.steps.undeclared += 1,
            TrustStatus::Invalid => tally.steps.invalid += 1,
        }
    }
}

/// The build time a document records (its start, else its finish), as
/// written and parsed — the same time the evaluator judges `effective_on` at.
fn recorded_build_time(ev: &Evidence) -> Option<(&str, chrono::DateTime<chrono::Utc>)> {
    [&ev.build_started_on, &ev.build_finished_on]
        .into_iter()
        .flatten()
        .find_map(|s| crate::time::parse_instant(s).map(|t| (s.as_str(), t)))
}
