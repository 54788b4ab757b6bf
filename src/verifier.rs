//! The release-gate pipeline in one value: load a policy once, verify many
//! documents. `Verifier` is `Send + Sync`, holds no global state, prints
//! nothing and never exits the process.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::evaluate::{self, Policy, RuleResult, Status};
use crate::evidence::DocumentKind;
use crate::evidence::Evidence;
use crate::ingest::{self, Document, Limits};
use crate::normalize::NormalizeOptions;
use crate::verify::{self, TrustMaterial};

pub use crate::results::{Report, Summary, NOTHING_CHECKED};

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
    /// The exact signed statement bytes, when its signature verified and
    /// every trust result passed (signer and subjects too), and
    /// [`Verifier::keep_verified_statements`] asked for them.
    pub verified_statement: Option<Vec<u8>>,
}

impl Judged {
    fn of(report: Report, evidence: Option<Evidence>) -> Self {
        Self {
            report,
            evidence,
            build_time_verified: false,
            verified_statement: None,
        }
    }
}

/// The instant a policy's `effective_on` dates are judged at, as
/// Conforma's `--effective-time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EffectiveTime {
    /// The build time a verified signature covers; else now (or
    /// [`Verifier::at`]). The default.
    #[default]
    Attestation,
    /// Now, whatever the document records.
    Now,
    /// This instant, for every document.
    At(DateTime<Utc>),
}

impl EffectiveTime {
    /// `now`, `attestation`, or an RFC 3339 time or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "now" => Some(Self::Now),
            "attestation" => Some(Self::Attestation),
            time => crate::time::parse_instant(time).map(Self::At),
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
    effective: EffectiveTime,
    keep_statements: bool,
    selection: evaluate::selection::Selection,
    vsa: evaluate::vsa::VsaExpectation,
    trust: Option<TrustMaterial>,
    options: NormalizeOptions,
}

impl Verifier {
    /// A verifier for `policy`, with default input limits. A policy's
    /// `predicate_types` select the attestations judged (see
    /// [`select_predicate_types`](Self::select_predicate_types)).
    pub fn new(policy: Policy) -> Self {
        // A policy's `predicate_types` selects once in force (a section whose
        // `effective_on` lies ahead only warns, and skips nothing).
        let mut selection = evaluate::selection::Selection::default();
        let now = Utc::now();
        for native in &policy.natives {
            if let Some(types) = &native.predicate_types {
                if types.effective_on.is_none_or(|on| on <= now) {
                    selection.require(&native.origin, types.rule.iter().cloned());
                }
            }
        }
        Self {
            selection,
            policy,
            limits: Limits::default(),
            at: None,
            effective: EffectiveTime::Attestation,
            keep_statements: false,
            vsa: evaluate::vsa::VsaExpectation::default(),
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
    pub fn with_trust(mut self, trust: TrustMaterial) -> Self {
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

    /// The instant `effective_on` dates are judged at (`--effective-time`).
    #[must_use]
    pub fn effective_time(mut self, effective: EffectiveTime) -> Self {
        self.effective = effective;
        self
    }

    /// Judge only attestations of these predicate types
    /// (`--predicate-type`, as cosign's `--type`): a verified statement of
    /// another type is reported as skipped. Without it (and without a
    /// policy's `predicate_types`), SLSA provenance is judged.
    #[must_use]
    pub fn select_predicate_types(mut self, types: impl IntoIterator<Item = String>) -> Self {
        self.selection.require("--predicate-type", types);
        self
    }

    /// What a verification summary attestation given as input must say
    /// to pass: its verifier, levels and resource (`--verifier-id`,
    /// `--verified-level`, `--resource-uri`). Without a verifier id, a
    /// `PASSED` is `unknown`.
    #[must_use]
    pub fn expect_vsa(mut self, expect: evaluate::vsa::VsaExpectation) -> Self {
        self.vsa = expect;
        self
    }

    /// Keep the exact signed statement of each document whose signature
    /// verified ([`Judged::verified_statement`]), for `--print-provenance`.
    #[must_use]
    pub fn keep_verified_statements(mut self) -> Self {
        self.keep_statements = true;
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
    pub fn trust(&self) -> Option<&TrustMaterial> {
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
            return Err(crate::error::NormalizeError::TooManySteps {
                file: evidence.source.clone(),
                limit: self.limits.max_steps,
            }
            .into());
        }
        let at = match self.effective {
            EffectiveTime::Attestation => evaluate::JudgedAt {
                now: self.at.unwrap_or_else(Utc::now),
                build_time_verified,
                fixed: false,
            },
            EffectiveTime::Now => evaluate::JudgedAt {
                now: Utc::now(),
                build_time_verified,
                fixed: true,
            },
            EffectiveTime::At(time) => evaluate::JudgedAt {
                now: time,
                build_time_verified,
                fixed: true,
            },
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
    /// Each document is decoded once, and judged as
    /// [`judge_document`](Self::judge_document) judges it: with trust
    /// material ([`with_trust`](Self::with_trust)) its signature first
    /// (`signature`, `identity`, `subject`), and a signed document whose
    /// payload cannot be read gets a report of those results when they fail,
    /// instead of an error. Without trust material, a signed document gets a
    /// `signature` result `unknown` ("not verified: no key or identity
    /// given"): never a silent pass.
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
        ingest::ingest_all(name, bytes)
            .into_iter()
            .map(|doc| self.judge_document(doc?))
            .collect()
    }

    /// Verify, normalize and judge one document the ingest stage read.
    ///
    /// With trust material its signature is judged first, over the exact
    /// bytes it carries; no rule is judged on a payload whose signature
    /// failed. Without trust material, a signed document gets a `signature`
    /// result `unknown` ("not verified: no key or identity given").
    ///
    /// # Errors
    ///
    /// The ingest error of a signed document whose payload cannot be read
    /// (unless its signature fails: then the trust results stand, since what
    /// is wrong inside a forged payload does not make the input invalid);
    /// an [`Error::Normalize`] when the document has the wrong shape; an
    /// [`Error::Policy`] when a Rego policy fails at run time.
    pub fn judge_document(&self, doc: Document) -> Result<Judged, Error> {
        let Some(trust) = &self.trust else {
            let statement = doc.kind == DocumentKind::InTotoStatement;
            // Only an in-toto statement can be a VSA: a Tekton object that
            // carries VSA members is judged as a Tekton object.
            let vsa = (statement || doc.envelope.is_some())
                .then(|| crate::evaluate::vsa::judge(&doc.value, &self.vsa))
                .flatten();
            let ev = self.normalized(doc.readable()?)?;
            let report = self
                .verify_evidence(&ev)?
                .with_first(vsa.into_iter().collect());
            // An attestation never passes unless a signature verified: a
            // signed one says it was not verified, an unsigned statement
            // that nothing vouches for it. (Tekton objects and build info
            // are never signed.)
            let why = if ev.signatures.is_some() {
                Some(verify::NO_TRUST_MATERIAL)
            } else if statement {
                Some(verify::UNSIGNED_STATEMENT)
            } else {
                None
            };
            let report = match why {
                Some(why) => report.with_first(vec![RuleResult::document(
                    verify::SIGNATURE,
                    Status::Unknown,
                    why,
                )]),
                None => report,
            };
            return Ok(Judged::of(report, Some(ev)));
        };
        let (trust_results, certified) = verify::check_certified(trust, &doc);
        let finish = |mut report: Report| {
            if trust.skips_signature() {
                report
                    .insecure
                    .push(verify::INSECURE_SKIP_SIGNATURE.to_owned());
                report.insecure.push(verify::INSECURE_BUILD_TIME.to_owned());
            }
            report
        };
        let failed = |rule: Option<&str>| {
            trust_results
                .iter()
                .any(|r| rule.is_none_or(|rule| r.rule == rule) && r.status == Status::Fail)
        };
        let mut doc = doc;
        if !failed(None) {
            // A signed document whose payload cannot be read, and nothing
            // failed: the input is invalid.
            if let Some(e) = doc.unread.take() {
                return Err((*e).into());
            }
        }
        // A payload whose signature failed (or could not be read at all) is
        // not trusted: no rule is judged on it (a pass read from forged
        // content would mislead, and a crafted payload must not turn a
        // failure into an error), and its Evidence is not kept.
        if doc.unread.is_some() || failed(Some(verify::SIGNATURE)) {
            let mut results = trust_results.clone();
            if doc.unread.is_some() && !self.policy.is_empty() {
                results.push(RuleResult::document(
                    NOTHING_CHECKED,
                    Status::Unknown,
                    "not judged: the signed payload cannot be read, so no policy rule was \
                     judged on it",
                ));
            }
            let mut report = Report::new(doc.source(), results);
            report.line = doc.line;
            return Ok(Judged::of(finish(report), None));
        }
        // A build time counts only when a verified signature covers it, or
        // when unsigned history is judged as stated.
        let verified = trust.skips_signature()
            || trust_results.iter().any(|r| {
                r.rule == verify::SIGNATURE && r.status == Status::Pass && r.warning.is_none()
            });
        // An attestation of a type the run does not select is skipped once
        // its signature verified and every trust result passed: a forged
        // signer fails, and an unpinned one is judged. Only an in-toto
        // statement has a predicate type: one read from a signed DSSE
        // payload, or a bare one judged as stated; never a Tekton object,
        // build info or a message-signature bundle, whatever members they
        // carry.
        let statement = doc.envelope.is_some() || doc.kind == DocumentKind::InTotoStatement;
        let all_passed = trust_results
            .iter()
            .all(|r| (r.status == Status::Pass && r.warning.is_none()) || r.is_skipped());
        if verified && statement && all_passed {
            let predicate_type = doc
                .value
                .get("predicateType")
                .and_then(serde_json::Value::as_str);
            if let Some(pt) = predicate_type.filter(|pt| !self.selection.selects(pt)) {
                let why = self.selection.why_skipped(pt);
                let mut results = trust_results.clone();
                results.push(RuleResult::document(
                    crate::results::RuleId::PredicateTypeAllowed.as_str(),
                    Status::Unknown,
                    why.clone(),
                ));
                let mut report = Report::new(doc.source(), results);
                report.line = doc.line;
                report.skipped = Some(why);
                return Ok(Judged::of(finish(report), None));
            }
        }
        // Every trust result passed: the signature, and the signer and
        // subjects demanded.
        let trusted = trust_results
            .iter()
            .all(|r| r.status == Status::Pass && r.warning.is_none());
        // A verification summary (an in-toto statement) is judged by what it
        // says, once its signature has verified.
        let mut first = trust_results;
        if statement {
            first.extend(crate::evaluate::vsa::judge(&doc.value, &self.vsa));
        }
        let signature_verified = verified && !trust.skips_signature();
        let verified_statement = (self.keep_statements && signature_verified && trusted)
            .then(|| doc.envelope.as_ref().map(|e| e.payload.clone()))
            .flatten();
        let mut ev = self.normalized(doc)?;
        // What the verified certificate says of the build: the rules check
        // the predicate against it.
        ev.certified = certified;
        let report = finish(self.judge_evidence(&ev, verified)?.with_first(first));
        Ok(Judged {
            build_time_verified: signature_verified,
            verified_statement,
            ..Judged::of(report, Some(ev))
        })
    }

    /// The Evidence of a document, with the runs and indexes brought in.
    fn normalized(&self, doc: Document) -> Result<Evidence, Error> {
        let ev = crate::normalize::normalize_document(doc, &self.limits)?;
        Ok(self.options.apply(ev))
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
