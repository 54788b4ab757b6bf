//! The release-gate pipeline in one value: load a policy once, verify many
//! documents. `Verifier` is `Send + Sync`, holds no global state, prints
//! nothing and never exits the process.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::error::IngestError;
use crate::evaluate::{self, Policy, RuleResult, Status};
use crate::evidence::Evidence;
use crate::ingest::{self, Limits};
use crate::normalize::NormalizeOptions;
use crate::verify::{self, Trust};

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
    /// Every result, in rule order, then step order (trust results —
    /// `signature`, `identity`, `subject` — first).
    pub results: Vec<RuleResult>,
    /// Checks the user chose to skip, e.g. `"signature verification skipped"`
    /// (`--insecure-skip-signature`). Absent from JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insecure: Vec<String>,
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
        let mut results = first;
        results.extend(
            self.results
                .into_iter()
                .filter(|r| r.rule != NOTHING_CHECKED),
        );
        let mut report = Self::new(self.source, results);
        report.line = self.line;
        report.insecure = self.insecure;
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
        let verdict = evaluate::verdict(&results).unwrap_or(Status::Unknown);
        Self {
            source: source.into(),
            line: None,
            verdict,
            summary,
            results,
            insecure: Vec::new(),
        }
    }
}

/// A document's report with the Evidence it was judged on
/// ([`Verifier::judge_bytes`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Judged {
    /// The report, as [`Verifier::verify_bytes`] gives it.
    pub report: Report,
    /// The Evidence, when the document was normalized.
    pub evidence: Option<Evidence>,
    /// Whether a verified signature covers the build time the document
    /// records: an audit's `--since`/`--until` window may skip by it.
    pub build_time_verified: bool,
}

impl Judged {
    fn of(report: Report, evidence: Option<Evidence>) -> Self {
        Self {
            report,
            evidence,
            build_time_verified: false,
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
/// let verifier = Verifier::new(policy.build()?);
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
    trust: Option<Trust>,
    options: NormalizeOptions,
}

impl Verifier {
    /// A verifier for `policy`, with default input limits.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            limits: Limits::default(),
            at: None,
            trust: None,
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

    /// Also check signatures, signer identities and subjects with `trust`
    /// ([`crate::verify`]); its results join each report.
    #[must_use]
    pub fn with_trust(mut self, trust: Trust) -> Self {
        self.trust = Some(trust);
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

    /// The input limits in use.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The policy in use.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The trust material in use, if any ([`with_trust`](Self::with_trust)).
    pub fn trust(&self) -> Option<&Trust> {
        self.trust.as_ref()
    }

    /// Judge normalized evidence. Nothing verified its signature here, so
    /// the build time it records is not trusted: rules are judged as of
    /// now (or [`at`](Self::at)).
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] when a Rego policy fails at run time (a usage
    /// error, never a pass).
    pub fn verify_evidence(&self, evidence: &Evidence) -> Result<Report, Error> {
        self.judge_evidence(evidence, false)
    }

    /// Judge normalized evidence; `build_time_verified`: whether a verified
    /// signature covers the build time it records (see [`evaluate::JudgedAt`]).
    fn judge_evidence(
        &self,
        evidence: &Evidence,
        build_time_verified: bool,
    ) -> Result<Report, Error> {
        // Every stage that loops over steps holds the step limit.
        if evidence.steps.len() > self.limits.max_steps {
            return Err(crate::NormalizeError::TooManySteps {
                file: evidence.source.clone(),
                limit: self.limits.max_steps,
            }
            .into());
        }
        let now = self.at.unwrap_or_else(Utc::now);
        let at = evaluate::JudgedAt {
            now,
            build_time_verified,
        };
        let mut report = Report::new(
            evidence.source.clone(),
            evaluate::evaluate_at(&self.policy, evidence, at)?,
        );
        report.line = evidence.line;
        Ok(report)
    }

    /// Decode, normalize and judge every document in `bytes`.
    ///
    /// With trust material ([`with_trust`](Self::with_trust)) the raw bytes
    /// are checked first (`signature`, `identity`, `subject`); a signed
    /// document the ingest stage does not recognize (yet) still gets a report
    /// of those results instead of an error. Without trust material, a
    /// document that carries signature material gets a `signature` result
    /// `unknown` ("not verified: no key or identity given"): never a silent
    /// pass.
    ///
    /// # Errors
    ///
    /// Each item is an [`Error`] when that document cannot be decoded or has
    /// the wrong shape; the others are still judged.
    pub fn verify_bytes(&self, name: &str, bytes: &[u8]) -> Vec<Result<Report, Error>> {
        self.judge_bytes(name, bytes)
            .into_iter()
            .map(|r| r.map(|judged| judged.report))
            .collect()
    }

    /// As [`verify_bytes`](Self::verify_bytes), keeping each document's
    /// Evidence beside its report (for batch summaries: build time, builder,
    /// trusted references). The Evidence is absent when the document could
    /// only be judged by its signature (a payload provcheck does not read, or
    /// one whose signature failed).
    ///
    /// # Errors
    ///
    /// As [`verify_bytes`](Self::verify_bytes).
    pub fn judge_bytes(&self, name: &str, bytes: &[u8]) -> Vec<Result<Judged, Error>> {
        let Some(trust) = &self.trust else {
            // No trust options: a signed document still says it was not verified.
            return crate::normalize_bytes_with(name, bytes, &self.limits)
                .into_iter()
                .map(|ev| {
                    let ev = self.options.apply(ev?);
                    let report = self.verify_evidence(&ev)?;
                    let report = if ev.signatures.is_some() {
                        report.with_first(vec![RuleResult::document(
                            verify::SIGNATURE,
                            Status::Unknown,
                            verify::NO_TRUST_MATERIAL,
                        )])
                    } else {
                        report
                    };
                    Ok(Judged::of(report, Some(ev)))
                })
                .collect();
        };
        let mut docs = ingest::ingest_all(name, bytes);
        // One bare envelope (the common case): judged from the ingest
        // stage's decoding; anything else from the raw bytes.
        let checked = match docs.as_slice() {
            [Ok(doc)] => verify::check_document(trust, doc).map(|report| vec![report]),
            _ => None,
        }
        .or_else(|| verify::check(trust, name, bytes));
        // Where each document is (an error: where it names), to join trust
        // results by place. A line number in an error is a JSON line only
        // when the file is read as JSON lines.
        let json_lines = checked
            .as_ref()
            .is_some_and(|t| t.iter().any(|r| r.place.line.is_some()));
        let places: Vec<verify::Place> = docs
            .iter_mut()
            .map(|d| match d {
                Ok(doc) => verify::Place {
                    line: doc.line,
                    pointer: doc.base.clone(),
                },
                // An error names a place in the document it is about (in a
                // decoded payload: where that payload's text is).
                Err(e) => e
                    .location_mut()
                    .map(|at| verify::Place {
                        line: at.line_col.map(|(line, _)| line).filter(|_| json_lines),
                        pointer: at.within.as_deref().unwrap_or(&at.pointer).clone(),
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let normalized: Vec<Result<Evidence, Error>> = docs
            .into_iter()
            .map(|doc| {
                let ev = crate::normalize::normalize_document(doc?, &self.limits)?;
                Ok(self.options.apply(ev))
            })
            .collect();
        let finish = |mut report: Report| {
            if trust.skips_signature() {
                report
                    .insecure
                    .push(verify::INSECURE_SKIP_SIGNATURE.to_owned());
                report.insecure.push(verify::INSECURE_BUILD_TIME.to_owned());
            }
            report
        };
        let joined = |ev: Evidence, trust_results: Vec<RuleResult>| -> Result<Judged, Error> {
            // A payload whose signature failed is not trusted: no rule is
            // judged on it (a pass read from forged content would mislead,
            // and a crafted payload must not turn a failure into an error),
            // and its Evidence is not kept for summaries.
            let signature_failed = trust_results
                .iter()
                .any(|r| r.rule == verify::SIGNATURE && r.status == Status::Fail);
            if signature_failed {
                let mut report = Report::new(ev.source.clone(), trust_results);
                report.line = ev.line;
                return Ok(Judged::of(finish(report), None));
            }
            // A build time counts only when a verified signature covers
            // it, or when unsigned history is judged as stated.
            let verified = trust.skips_signature()
                || trust_results.iter().any(|r| {
                    r.rule == verify::SIGNATURE && r.status == Status::Pass && r.warning.is_none()
                });
            let report = finish(
                self.judge_evidence(&ev, verified)?
                    .with_first(trust_results),
            );
            Ok(Judged {
                build_time_verified: verified && !trust.skips_signature(),
                ..Judged::of(report, Some(ev))
            })
        };
        // A signed document provcheck does not read: its trust results stand
        // in, and with a policy an `unknown` says no rule judged it.
        let alone = |found: &verify::TrustReport| {
            let mut results = found.results.clone();
            if !self.policy.is_empty() {
                results.push(RuleResult::document(
                    NOTHING_CHECKED,
                    Status::Unknown,
                    "not judged: provcheck does not read this document, so no policy rule \
                     was judged on it",
                ));
            }
            // Named as every document is: the file and its place in it,
            // the line apart.
            let inside = verify::Place {
                line: None,
                pointer: found.place.pointer.clone(),
            };
            let mut report = Report::new(format!("{name}{}", inside.suffix()), results);
            report.line = found.place.line;
            Judged::of(finish(report), None)
        };
        // A signed document the trust stage did not find (inside YAML or a
        // list) stays unverified; an unsigned one says so.
        let not_found = |ev: &Evidence| {
            if ev.signatures.is_some() {
                verify::unverifiable(trust)
            } else {
                verify::unsigned(trust)
            }
        };
        let Some(found) = checked else {
            // Not JSON (YAML, or unreadable).
            return normalized
                .into_iter()
                .map(|ev| {
                    let ev = ev?;
                    let results = not_found(&ev);
                    joined(ev, results)
                })
                .collect();
        };
        // Trust results are joined to documents by place, never by
        // position, and only to the document at that very place: a
        // document the two stages read differently (a List that also looks
        // like an envelope) must not take another's signature.
        let mut used = vec![false; found.len()];
        let mut out = Vec::with_capacity(normalized.len());
        // Both stages list documents in file order: the search starts where
        // the last match was, so a long file is joined in one pass.
        let mut cursor = 0;
        let find = |cursor: usize, wanted: &dyn Fn(&verify::TrustReport) -> bool| {
            let after = found
                .iter()
                .skip(cursor)
                .position(wanted)
                .map(|i| i + cursor);
            after.or_else(|| found.iter().take(cursor).position(wanted))
        };
        for (place, ev) in places.into_iter().zip(normalized) {
            match ev {
                Ok(ev) => {
                    let Some((i, f)) = find(cursor, &|f| f.place == place)
                        .and_then(|i| found.get(i).map(|f| (i, f)))
                    else {
                        let results = not_found(&ev);
                        out.push(joined(ev, results));
                        continue;
                    };
                    cursor = i + 1;
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    let results = if f.signed {
                        f.results.clone()
                    } else {
                        not_found(&ev)
                    };
                    // One of several documents of one value (an npm list's
                    // bundle) is named by its place in the file.
                    let named = !f.place.pointer.is_root();
                    out.push(joined(ev, results).map(|mut judged| {
                        if named {
                            judged.report.source.clone_from(&f.source);
                        }
                        judged
                    }));
                }
                Err(e) => {
                    // The document the error is in: the deepest one whose
                    // place holds the error's.
                    let holds = |f: &verify::TrustReport| {
                        f.place.line == place.line
                            && (f.place.pointer.is_root()
                                || place.pointer.as_str() == f.place.pointer.as_str()
                                || place
                                    .pointer
                                    .as_str()
                                    .strip_prefix(f.place.pointer.as_str())
                                    .is_some_and(|rest| rest.starts_with('/')))
                    };
                    let document = found
                        .iter()
                        .enumerate()
                        .filter(|&(i, f)| holds(f) && !used.get(i).copied().unwrap_or(true))
                        .max_by_key(|(_, f)| f.place.pointer.as_str().len());
                    let Some((i, f)) = document else {
                        out.push(Err(e));
                        continue;
                    };
                    cursor = i + 1;
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    // Not a document the ingest stage reads, or one whose
                    // signature failed (what is wrong inside an untrusted
                    // payload does not make the input invalid): the trust
                    // results stand in. Otherwise the error stands: an
                    // unsigned document provcheck cannot read is invalid
                    // input, as without trust options, and so is one past a
                    // limit.
                    let unread = matches!(e, Error::Ingest(IngestError::Unrecognized { .. }));
                    let failed = f.results.iter().any(|r| r.status == Status::Fail);
                    let limit = matches!(&e, Error::Ingest(i) if i.past_a_limit());
                    if f.signed && (unread || failed) && !limit {
                        out.push(Ok(alone(f)));
                    } else {
                        out.push(Err(e));
                    }
                }
            }
        }
        // Signed documents the ingest stage read otherwise (a List that
        // also looks like an envelope) keep their trust results, beside an
        // `unknown` when a policy is given: none is dropped, none is lent.
        for (f, was_used) in found.iter().zip(used) {
            if f.signed && !was_used {
                out.push(Ok(alone(f)));
            }
        }
        out
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
    fn trust_results_join_or_replace_the_report() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExRRST79+PsrRBnGAI4cMu6Omz2Jh\nfwlMW+gIutNKVRaMyS4rQKvgngc5p8UbLj55pVHhIoAxi/SRgURZI0J3Xw==\n-----END PUBLIC KEY-----\n";
        let mut trust = crate::verify::TrustBuilder::new();
        trust.add_key_pem("k.pub", pem.as_bytes()).unwrap();
        let verifier = Verifier::new(crate::PolicyBuilder::new().build().unwrap())
            .with_trust(trust.build().unwrap());
        let rules = |bytes: &[u8]| -> Vec<(String, Status)> {
            let mut reports = verifier.verify_bytes("x", bytes);
            assert_eq!(reports.len(), 1);
            let report = reports.remove(0).unwrap();
            report
                .results
                .into_iter()
                .map(|r| (r.rule, r.status))
                .collect()
        };
        // An envelope the ingest stage does not read: the trust results stand in.
        assert_eq!(
            rules(br#"{"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": []}"#),
            [("signature".to_owned(), Status::Fail)]
        );
        // A Tekton object: no signature material, and a key demanded one.
        assert_eq!(
            rules(br#"{"kind": "TaskRun", "status": {"steps": []}}"#),
            [("signature".to_owned(), Status::Fail)]
        );
        // Unreadable input stays an error.
        assert!(verifier
            .verify_bytes("x", b"{\"payloadType\": ")
            .remove(0)
            .is_err());
    }

    #[test]
    fn nothing_checked_is_unknown() {
        let r = Report::new("x", vec![]);
        assert_eq!(r.verdict, Status::Unknown);
        assert_eq!(r.results[0].rule, NOTHING_CHECKED);
        assert_eq!(r.summary.unknown, 1);
    }
}
