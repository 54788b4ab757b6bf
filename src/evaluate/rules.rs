//! The native rules: each turns Evidence into tri-state results.
//!
//! | rule id | one result per | pass | fail | unknown |
//! |---|---|---|---|---|
//! | `registry.allowed` | step and sidecar, image the builder resolved (BuildKit) | see [`registry`](super::registry) | | no step and no resolved image recorded |
//! | `steps.pinned` | step and sidecar | declared by digest | declared by tag/name, or invalid | undeclared (runtime only), unresolved variable |
//! | `steps.runtime_digest` | pinned step | runtime digest matches (directly or via an index) | mismatch (severity configurable) | config ID only, other algorithm, absent |
//! | `builder.allowed` | document | builder id listed | not listed | no builder id recorded |
//! | `source.matches` | document | repository and ref as expected | either differs | not recorded |
//! | `predicate_type.allowed` | document | listed | not listed | no predicate (not an attestation) |
//! | `build_time.window` | document | inside the window | outside | no build time recorded |

use chrono::{DateTime, Utc};

use crate::evidence::{Evidence, NoteCode, StepEvidence};
use crate::normalize::trust::{Corroboration, TrustStatus};

use super::policy::{
    MismatchSeverity, Policy, PolicyError, Section, SourceExpectation, TimeWindow,
};
use super::registry::RegistryRule;
use crate::results::{RuleId, RuleResult, Status};
use crate::time::parse_instant;

/// The document-level facts the rules read, in one place.
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    pub(crate) builder_id: Option<&'a str>,
    pub(crate) predicate_type: Option<&'a str>,
    pub(crate) repository: Option<&'a str>,
    pub(crate) git_ref: Option<&'a str>,
    /// What the verified signing certificate says: repository, ref and
    /// the workflow that signed.
    pub(crate) certified_repository: Option<&'a str>,
    pub(crate) certified_ref: Option<&'a str>,
    pub(crate) certified_signer: Option<&'a str>,
    pub(crate) started: Option<DateTime<Utc>>,
    pub(crate) finished: Option<DateTime<Utc>>,
}

impl<'a> Facts<'a> {
    pub(crate) fn of(ev: &'a Evidence) -> Self {
        let source = ev.build_source.as_ref();
        Self {
            builder_id: ev.builder_id.as_deref(),
            predicate_type: ev.predicate_type.as_deref(),
            repository: source.and_then(|s| s.repository.as_deref()),
            git_ref: source.and_then(|s| s.git_ref.as_deref()),
            certified_repository: ev.certified.as_ref().and_then(|c| c.repository.as_deref()),
            certified_ref: ev.certified.as_ref().and_then(|c| c.git_ref.as_deref()),
            certified_signer: ev
                .certified
                .as_ref()
                .and_then(|c| c.build_signer.as_deref()),
            started: ev.build_started_on.as_deref().and_then(parse_instant),
            finished: ev.build_finished_on.as_deref().and_then(parse_instant),
        }
    }

    /// The time a build is judged at: its start, else its finish.
    pub(crate) fn build_time(&self) -> Option<DateTime<Utc>> {
        self.started.or(self.finished)
    }
}

/// `registry.allowed` for every step and sidecar and every image the
/// builder resolved; when the document records neither, one `unknown`:
/// the registries the build pulled from are not recorded, and a rule that
/// judged nothing must not let the verdict pass.
fn registry(rule: &RegistryRule, ev: &Evidence) -> Vec<RuleResult> {
    let mut out: Vec<RuleResult> = ev.steps.iter().map(|st| rule.evaluate_step(st)).collect();
    out.extend(
        ev.materials
            .iter()
            .filter_map(|m| rule.evaluate_material(m)),
    );
    if out.is_empty() {
        out.push(RuleResult::document(
            super::registry::RULE,
            Status::Unknown,
            "no step and no image the builder resolved: \
             the registries this build pulled from are not recorded",
        ));
    }
    out.extend(unjudged(super::registry::RULE, ev));
    out
}

/// What a rule that judges images says of the document's notes: one
/// `unknown` per place that names an image or a unit of work provcheck
/// cannot judge (a task by reference, a custom task, a duplicate task
/// name, a runtime image no step declares …), so the document cannot pass
/// on what was judged; and one `pass` per task the run skipped (it ran
/// nothing).
pub(crate) fn unjudged<'a>(
    rule: &'a str,
    ev: &'a Evidence,
) -> impl Iterator<Item = RuleResult> + 'a {
    ev.notes.iter().filter_map(move |n| {
        let (status, message) = if n.not_judged {
            (Status::Unknown, format!("not judged: {}", n.message))
        } else if n.code == NoteCode::TaskSkipped {
            (Status::Pass, n.message.clone())
        } else {
            return None;
        };
        Some(RuleResult::document(rule, status, message).with_evidence([n.pointer.clone()]))
    })
}

/// When a document is judged: the instant `effective_on` dates are compared
/// with, and whether the build time it records may stand in for it.
///
/// A recorded build time counts only when a verified signature covers it
/// (or the user said to take unsigned history as stated,
/// `--insecure-skip-signature`): otherwise a forged early `startTime` would
/// turn a rule's failures into warnings, and a forged time would pass a
/// build-time window. Unverified, rules are judged at `now`, and
/// `build_time.window` is `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JudgedAt {
    /// The clock, or the fixed time a reproducible run gives (`--at`).
    pub now: DateTime<Utc>,
    /// Whether the document's recorded build time is trusted.
    pub build_time_verified: bool,
    /// `effective_on` dates are judged at `now` whatever the build time
    /// (`--effective-time now|TIME`); `build_time.window` still judges a
    /// trusted build time.
    pub fixed: bool,
}

impl JudgedAt {
    /// Judged at `now`; the recorded build time is not trusted.
    pub fn unverified(now: DateTime<Utc>) -> Self {
        Self {
            now,
            build_time_verified: false,
            fixed: false,
        }
    }

    /// The recorded build time is trusted (a verified signature covers it);
    /// `now` stands in when the document records none.
    pub fn verified(now: DateTime<Utc>) -> Self {
        Self {
            now,
            build_time_verified: true,
            fixed: false,
        }
    }

    /// The instant the rules are judged at for a document with these facts.
    pub(crate) fn instant(&self, facts: &Facts<'_>) -> DateTime<Utc> {
        match (self.fixed, self.build_time_verified, facts.build_time()) {
            (false, true, Some(built)) => built,
            _ => self.now,
        }
    }
}

/// Evaluate every configured rule — native, BuildKit source policy, Rego —
/// against `ev`, judged at `now`: the build time the document records is not
/// trusted (see [`JudgedAt`] and [`evaluate_at`]).
///
/// # Errors
///
/// [`PolicyError::Evaluation`] when a Rego policy fails at run time.
pub fn evaluate(
    policy: &Policy,
    ev: &Evidence,
    now: DateTime<Utc>,
) -> Result<Vec<RuleResult>, PolicyError> {
    evaluate_at(policy, ev, JudgedAt::unverified(now))
}

/// Evaluate every configured rule against `ev`, judged as `at` says. Each
/// native policy is judged on its own, with its own dates (none reaches
/// another's rules), and so is each source policy.
///
/// # Errors
///
/// [`PolicyError::Evaluation`] when a Rego policy fails at run time.
pub fn evaluate_at(
    policy: &Policy,
    ev: &Evidence,
    at: JudgedAt,
) -> Result<Vec<RuleResult>, PolicyError> {
    let facts = Facts::of(ev);
    let judged_at = at.instant(&facts);
    let several = policy.natives.len() > 1;
    let mut out = Vec::new();
    for native in &policy.natives {
        let from = several.then_some(native.origin.as_str());
        let mut push = |effective_on: Option<DateTime<Utc>>, results: Vec<RuleResult>| {
            let results = results.into_iter().map(|r| match from {
                Some(origin) => r.from_policy(origin),
                None => r,
            });
            match effective_on {
                Some(on) if judged_at < on => {
                    let why = format!("rule in force from {}", on.format("%Y-%m-%d"));
                    out.extend(results.map(|r| r.demote_to_warning(&why)));
                }
                _ => out.extend(results),
            }
        };
        if let Some(s) = &native.registry {
            if s.rule.is_configured() {
                push(s.effective_on, registry(&s.rule, ev));
            }
        }
        if let Some(s) = &native.pinned {
            push(s.effective_on, pinned_all(ev));
        }
        if let Some(s) = &native.runtime_digest {
            push(
                s.effective_on,
                ev.steps
                    .iter()
                    .filter_map(|st| runtime_digest(st, s.rule))
                    .collect(),
            );
        }
        if let Some(s) = &native.builders {
            push(s.effective_on, vec![builder(&facts, &s.rule)]);
        }
        if let Some(s) = &native.predicate_types {
            push(
                s.effective_on,
                vec![listed(
                    RuleId::PredicateTypeAllowed.as_str(),
                    "predicate type",
                    facts.predicate_type,
                    s,
                )],
            );
        }
        if let Some(s) = &native.source {
            push(s.effective_on, vec![source(&facts, &s.rule)]);
        }
        if let Some(s) = &native.build_time {
            push(
                s.effective_on,
                vec![build_time(&facts, &s.rule, at.build_time_verified)],
            );
        }
    }
    for sp in &policy.source_policies {
        out.extend(sp.evaluate(ev));
    }
    if let Some(rego) = &policy.rego {
        out.extend(rego.evaluate(ev, judged_at)?);
    }
    Ok(out)
}

/// `steps.pinned` for every step and every image the builder resolved (by
/// the reference the build requested); when the document records neither,
/// one `unknown`: a rule that judged nothing must not let the verdict pass.
fn pinned_all(ev: &Evidence) -> Vec<RuleResult> {
    let mut out: Vec<RuleResult> = ev.steps.iter().map(pinned).collect();
    out.extend(ev.materials.iter().filter_map(pinned_material));
    if out.is_empty() {
        out.push(RuleResult::document(
            RuleId::StepsPinned.as_str(),
            Status::Unknown,
            "no step and no image the builder resolved: whether images were pinned is not recorded",
        ));
    }
    out.extend(unjudged(RuleId::StepsPinned.as_str(), ev));
    out
}

/// An image a builder resolved is pinned when the build requested it by
/// digest: the digest the builder resolved a tag to never stands in.
fn pinned_material(m: &crate::evidence::Material) -> Option<RuleResult> {
    let image = m.image.as_ref()?;
    if let Some(why) = m.not_judged() {
        return Some(
            RuleResult::document(RuleId::StepsPinned.as_str(), Status::Unknown, why)
                .with_evidence([m.pointer.clone()]),
        );
    }
    if image.origin != crate::evidence::ImageOrigin::Resolved {
        return None;
    }
    let (status, message) = match image.reference.as_deref() {
        Some(r) if image.trusted_reference.is_some() => (
            Status::Pass,
            ["requested ", r, " is pinned by digest"].concat(),
        ),
        Some(r) if r.contains('@') => (
            Status::Fail,
            [
                "requested ",
                r,
                " is not pinned: its digest's algorithm is not one the OCI image spec \
                 registers, so it pins nothing a registry verifies",
            ]
            .concat(),
        ),
        Some(r) => (
            Status::Fail,
            [
                "requested ",
                r,
                " is not pinned: requested by tag, which can be repointed",
            ]
            .concat(),
        ),
        None => (
            Status::Unknown,
            format!(
                "the requested image is not usable: {}",
                image.problem.as_deref().unwrap_or("no reference recorded")
            ),
        ),
    };
    Some(
        RuleResult::document(RuleId::StepsPinned.as_str(), status, message)
            .with_evidence([m.pointer.clone()]),
    )
}

fn pinned(step: &StepEvidence) -> RuleResult {
    let what = step.declared_image.as_deref().unwrap_or_default();
    let (status, message) = match step.trust.status {
        TrustStatus::Pinned => (Status::Pass, [what, " is pinned by digest"].concat()),
        TrustStatus::Unpinned => (
            Status::Fail,
            [what, " is not pinned: ", &step.trust.reason].concat(),
        ),
        TrustStatus::Invalid if what.contains("$(") => (Status::Unknown, step.trust.reason.clone()),
        TrustStatus::Invalid => (Status::Fail, step.trust.reason.clone()),
        TrustStatus::Undeclared => (
            Status::Unknown,
            "no declared image: whether the step was pinned is not recorded".to_owned(),
        ),
    };
    RuleResult::for_step(RuleId::StepsPinned.as_str(), step, status, message)
}

fn runtime_digest(step: &StepEvidence, severity: MismatchSeverity) -> Option<RuleResult> {
    let trusted = step.trusted_reference.as_deref()?;
    let runtime = step.runtime_image_id.as_deref().unwrap_or("nothing");
    let (status, message) = match step.corroboration? {
        Corroboration::Match => (
            Status::Pass,
            ["the runtime ran ", trusted, "'s digest"].concat(),
        ),
        Corroboration::MatchViaIndex => (
            Status::Pass,
            ["the runtime ran a platform manifest of the index ", trusted].concat(),
        ),
        Corroboration::Mismatch => {
            let message = ["declared ", trusted, " but the runtime reported ", runtime].concat();
            match severity {
                MismatchSeverity::Fail => (Status::Fail, message),
                MismatchSeverity::Unknown => (Status::Unknown, message),
                MismatchSeverity::Warn => {
                    let r = RuleResult::for_step(
                        RuleId::StepsRuntimeDigest.as_str(),
                        step,
                        Status::Fail,
                        message,
                    );
                    return Some(r.demote_to_warning("mismatch configured as a warning"));
                }
            }
        }
        Corroboration::Incomparable => (
            Status::Unknown,
            [
                "the runtime reported ",
                runtime,
                ", which cannot be compared with a manifest digest",
            ]
            .concat(),
        ),
        Corroboration::Absent => (
            Status::Unknown,
            "the runtime reported no ImageID".to_owned(),
        ),
    };
    Some(RuleResult::for_step(
        RuleId::StepsRuntimeDigest.as_str(),
        step,
        status,
        message,
    ))
}

fn listed(
    rule: &str,
    what: &str,
    value: Option<&str>,
    section: &Section<std::collections::BTreeSet<String>>,
) -> RuleResult {
    match value {
        None => RuleResult::document(
            rule,
            Status::Unknown,
            format!("the document records no {what}"),
        ),
        Some(v) if section.rule.contains(v) => {
            RuleResult::document(rule, Status::Pass, format!("{what} {v} is allowed"))
        }
        Some(v) => RuleResult::document(rule, Status::Fail, format!("{what} {v} is not allowed")),
    }
}

/// slsa-github-generator's delegating builders (BYOB): the certificate
/// names the delegator, and the predicate the builder it ran.
const DELEGATORS: [&str; 2] = [
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml",
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml",
];

/// Whether the allowed entry admits the builder `id`: the very id; with
/// `@vX`, the id at `@refs/tags/vX`; without `@REF`, that builder at a
/// release tag `refs/tags/vX[.Y[.Z]]` (as slsa-verifier's `--builder-id`:
/// never a branch or a bare commit, which a fork could name).
fn admits(entry: &str, id: &str) -> bool {
    if entry == id {
        return true;
    }
    let (name, git_ref) = match id.split_once('@') {
        Some((name, r)) => (name, Some(r)),
        None => (id, None),
    };
    match entry.split_once('@') {
        Some((want, want_ref)) => {
            !want_ref.starts_with("refs/")
                && want == name
                && git_ref.and_then(|r| r.strip_prefix("refs/tags/")) == Some(want_ref)
        }
        None => {
            entry == name
                && git_ref
                    .and_then(|r| r.strip_prefix("refs/tags/"))
                    .is_some_and(|tag| super::policy::VersionedTag::parse(tag).is_some())
        }
    }
}

/// `builder.allowed`. The builder is the predicate's `builder.id`; for a
/// keyless bundle it is also the certificate's build signer (slsa-verifier
/// trusts the workflow that signed as the builder), and both must be
/// allowed — unless the signer is a delegating builder, which vouches for
/// the builder the predicate names.
fn builder(facts: &Facts<'_>, allowed: &std::collections::BTreeSet<String>) -> RuleResult {
    let rule = RuleId::BuilderAllowed.as_str();
    let Some(id) = facts.builder_id else {
        return RuleResult::document(rule, Status::Unknown, "the document records no builder id");
    };
    let allows = |id: &str| allowed.iter().any(|entry| admits(entry, id));
    let signer = facts.certified_signer.filter(|signer| {
        let (name, git_ref) = signer.split_once('@').unwrap_or((signer, ""));
        let delegator = DELEGATORS.contains(&name)
            && git_ref
                .strip_prefix("refs/tags/")
                .is_some_and(|tag| super::policy::VersionedTag::parse(tag).is_some());
        !delegator
    });
    match (allows(id), signer) {
        (false, _) => {
            RuleResult::document(rule, Status::Fail, format!("builder id {id} is not allowed"))
        }
        (true, Some(signer)) if !allows(signer) => RuleResult::document(
            rule,
            Status::Fail,
            format!(
                "the predicate's builder {id} is allowed, but the workflow that signed, {signer}, is not"
            ),
        ),
        (true, _) => {
            RuleResult::document(rule, Status::Pass, format!("builder id {id} is allowed"))
        }
    }
}

/// Repository URIs compare without `git+`, a trailing `.git` or `/`, and
/// case; one without a scheme (`github.com/o/r`) is an `https://` one, so
/// `github.com/o/r`, `https://github.com/o/r` and `git+https://github.com/o/r`
/// are one repository, and `http://github.com/o/r` is another.
fn same_repository(a: &str, b: &str) -> bool {
    fn plain(s: &str) -> (&str, &str) {
        let s = s.strip_prefix("git+").unwrap_or(s);
        let (scheme, rest) = s.split_once("://").unwrap_or(("https", s));
        let rest = rest.trim_end_matches('/');
        (scheme, rest.strip_suffix(".git").unwrap_or(rest))
    }
    let ((sa, ra), (sb, rb)) = (plain(a), plain(b));
    sa.eq_ignore_ascii_case(sb) && ra.eq_ignore_ascii_case(rb)
}

fn source(facts: &Facts<'_>, want: &SourceExpectation) -> RuleResult {
    let rule = RuleId::SourceMatches.as_str();
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    // A verified certificate vouches for the build's repository and ref: the
    // predicate must say the same, and the certificate must meet the
    // expectation too.
    let (cert_repo, cert_ref) = (facts.certified_repository, facts.certified_ref);
    if let (Some(p), Some(c)) = (facts.repository, cert_repo) {
        if !same_repository(p, c) {
            problems.push(format!(
                "the predicate says repository {p}, the signing certificate says {c}"
            ));
        }
    }
    let wants_ref = want.git_ref.is_some() || want.versioned_tag.is_some();
    if let (true, Some(p), Some(c)) = (wants_ref, facts.git_ref, cert_ref) {
        if p != c {
            problems.push(format!(
                "the predicate says ref {p}, the signing certificate says {c}"
            ));
        }
    }
    if let Some(repo) = &want.repository {
        match facts.repository {
            Some(got) if same_repository(got, repo) => {}
            Some(got) => problems.push(format!("repository {got} is not {repo}")),
            None => unknown.push("repository"),
        }
        if let Some(c) = cert_repo.filter(|c| !same_repository(c, repo)) {
            if facts.repository.is_none_or(|p| same_repository(p, repo)) {
                problems.push(format!(
                    "the signing certificate's repository {c} is not {repo}"
                ));
            }
        }
    }
    let refs = [
        facts.git_ref,
        cert_ref.filter(|c| Some(*c) != facts.git_ref),
    ];
    if let Some(r) = &want.git_ref {
        match facts.git_ref {
            Some(got) if got == r => {}
            Some(got) => problems.push(format!("ref {got} is not {r}")),
            None => unknown.push("ref"),
        }
        if let Some(c) = cert_ref.filter(|c| c != r && facts.git_ref.is_none_or(|p| p == r)) {
            problems.push(format!("the signing certificate's ref {c} is not {r}"));
        }
    }
    if let Some(v) = &want.versioned_tag {
        match facts.git_ref {
            Some(_) => {
                for (whose, got) in ["", "the signing certificate's "].into_iter().zip(refs) {
                    let Some(got) = got else { continue };
                    match got.strip_prefix("refs/tags/") {
                        Some(tag) if v.accepts(tag) => {}
                        Some(tag) => problems.push(format!(
                            "{whose}tag {tag} is not a version compatible with {}",
                            v.text
                        )),
                        None => problems.push(format!(
                            "{whose}ref {got} is not a tag (wanted a version {})",
                            v.text
                        )),
                    }
                }
            }
            None => unknown.push("ref"),
        }
    }
    problems.dedup();
    if !problems.is_empty() {
        RuleResult::document(rule, Status::Fail, problems.join("; "))
    } else if !unknown.is_empty() {
        RuleResult::document(
            rule,
            Status::Unknown,
            format!("the document records no source {}", unknown.join(" or ")),
        )
    } else {
        RuleResult::document(rule, Status::Pass, "source repository and ref as expected")
    }
}

fn build_time(facts: &Facts<'_>, window: &TimeWindow, verified: bool) -> RuleResult {
    let rule = RuleId::BuildTimeWindow.as_str();
    let (Some(start), finish) = (facts.build_time(), facts.finished.or(facts.started)) else {
        return RuleResult::document(rule, Status::Unknown, "the document records no build time");
    };
    if !verified {
        return RuleResult::document(
            rule,
            Status::Unknown,
            format!(
                "the recorded build time {start} is not covered by a verified signature: it \
                 cannot place the build inside the window"
            ),
        );
    }
    let finish = finish.unwrap_or(start);
    if let Some(nb) = window.not_before {
        if start < nb {
            return RuleResult::document(
                rule,
                Status::Fail,
                format!("build started {start} before {nb}"),
            );
        }
    }
    if let Some(na) = window.not_after {
        if finish > na {
            return RuleResult::document(
                rule,
                Status::Fail,
                format!("build finished {finish} after {na}"),
            );
        }
    }
    RuleResult::document(rule, Status::Pass, "build time inside the window")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::evaluate::policy::PolicyBuilder;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn evidence(steps: serde_json::Value) -> Evidence {
        let doc = json!({"kind": "TaskRun", "status": steps});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let doc = crate::ingest::ingest("t.json", &bytes).unwrap();
        crate::normalize::normalize(&doc).unwrap()
    }

    fn policy(v: serde_json::Value) -> Policy {
        let mut b = PolicyBuilder::new();
        b.add_value("p.yaml", &v).unwrap();
        b.build().unwrap()
    }

    fn statuses(results: &[RuleResult]) -> Vec<(String, Status, bool)> {
        results
            .iter()
            .map(|r| {
                (
                    r.step.clone().unwrap_or_default(),
                    r.status,
                    r.warning.is_some(),
                )
            })
            .collect()
    }

    fn sample() -> Evidence {
        evidence(json!({
            "taskSpec": {"steps": [
                {"name": "pinned-match", "image": format!("quay.io/a/x@sha256:{A}")},
                {"name": "pinned-mismatch", "image": format!("quay.io/a/y@sha256:{A}")},
                {"name": "pinned-config", "image": format!("quay.io/a/z@sha256:{A}")},
                {"name": "tag", "image": "quay.io/a/t:1"},
                {"name": "var", "image": "$(params.img)"},
                {"name": "bad", "image": "Quay.io/A/B"}]},
            "steps": [
                {"name": "pinned-match", "imageID": format!("docker-pullable://quay.io/a/x@sha256:{A}")},
                {"name": "pinned-mismatch", "imageID": format!("docker-pullable://quay.io/a/y@sha256:{B}")},
                {"name": "pinned-config", "imageID": format!("docker://sha256:{B}")},
                {"name": "runtime-only", "imageID": format!("quay.io/a/r@sha256:{A}")}]}))
    }

    #[test]
    fn steps_pinned_rows() {
        let results = evaluate(&policy(json!({"pinned": {}})), &sample(), Utc::now()).unwrap();
        let got: Vec<_> = statuses(&results)
            .into_iter()
            .map(|(s, st, _)| (s, st))
            .collect();
        let want = [
            ("pinned-match", Status::Pass),
            ("pinned-mismatch", Status::Pass),
            ("pinned-config", Status::Pass),
            ("tag", Status::Fail),
            ("var", Status::Unknown),
            ("bad", Status::Fail),
            ("runtime-only", Status::Unknown),
        ];
        assert_eq!(got, want.map(|(s, st)| (s.to_owned(), st)));
    }

    #[test]
    fn runtime_digest_rows_and_severity() {
        for (severity, mismatch, warned) in [
            ("fail", Status::Fail, false),
            ("unknown", Status::Unknown, false),
            ("warn", Status::Pass, true),
        ] {
            let p = policy(json!({"runtime_digest": {"on_mismatch": severity}}));
            let got = statuses(&evaluate(&p, &sample(), Utc::now()).unwrap());
            assert_eq!(
                got,
                vec![
                    ("pinned-match".to_owned(), Status::Pass, false),
                    ("pinned-mismatch".to_owned(), mismatch, warned),
                    ("pinned-config".to_owned(), Status::Unknown, false),
                ],
                "{severity}"
            );
        }
    }

    #[test]
    fn effective_on_warns_before_and_fails_after() {
        let ev = sample();
        let p = policy(json!({"pinned": {"effective_on": "2027-01-01"}}));
        let before = evaluate(&p, &ev, parse_instant("2026-06-01").unwrap()).unwrap();
        let tag = before
            .iter()
            .find(|r| r.step.as_deref() == Some("tag"))
            .unwrap();
        assert_eq!(tag.status, Status::Pass);
        assert_eq!(
            tag.warning.as_deref(),
            Some("would fail: rule in force from 2027-01-01")
        );
        let after = evaluate(&p, &ev, parse_instant("2027-06-01").unwrap()).unwrap();
        let tag = after
            .iter()
            .find(|r| r.step.as_deref() == Some("tag"))
            .unwrap();
        assert_eq!((tag.status, tag.warning.as_deref()), (Status::Fail, None));
    }

    /// A build time no verified signature covers never moves `effective_on`:
    /// a TaskRun whose forged `startTime` predates the rule is judged now.
    #[test]
    fn an_unverified_build_time_does_not_move_effective_on() {
        let mut ev = sample();
        ev.build_started_on = Some("1999-01-01T00:00:00Z".to_owned());
        let p = policy(json!({"pinned": {"effective_on": "2026-01-01"}}));
        let now = parse_instant("2026-06-01").unwrap();
        let tag = |results: Vec<RuleResult>| {
            results
                .into_iter()
                .find(|r| r.step.as_deref() == Some("tag"))
                .map(|r| (r.status, r.warning.is_some()))
        };
        assert_eq!(
            tag(evaluate(&p, &ev, now).unwrap()),
            Some((Status::Fail, false)),
            "unverified: judged now, the rule is in force"
        );
        assert_eq!(
            tag(evaluate_at(&p, &ev, JudgedAt::verified(now)).unwrap()),
            Some((Status::Pass, true)),
            "a verified 1999 build predates the rule: a warning"
        );
    }

    /// A build-time window judges only a time a verified signature covers.
    #[test]
    fn a_window_never_passes_an_unverified_build_time() {
        let mut ev = sample();
        ev.build_started_on = Some("2026-05-01T10:00:00Z".to_owned());
        let p = policy(json!({"build_time": {"not_before": "2026-01-01"}}));
        let now = Utc::now();
        let status = |at| evaluate_at(&p, &ev, at).unwrap()[0].status;
        assert_eq!(status(JudgedAt::unverified(now)), Status::Unknown);
        assert_eq!(status(JudgedAt::verified(now)), Status::Pass);
    }

    /// One policy file's `effective_on` or `accept_tags` never reaches
    /// another's rules, nor the flags': each is a requirement of its own.
    #[test]
    fn settings_of_one_policy_never_leak_into_another() {
        let ev = sample();
        let now = parse_instant("2026-06-01").unwrap();
        let mut b = PolicyBuilder::new();
        b.add_value("a.yaml", &json!({"registry": {"allow": ["gcr.io"]}}))
            .unwrap();
        b.add_value(
            "b.yaml",
            &json!({"registry": {"allow": ["quay.io/a"], "accept_tags": true, "effective_on": "2099-01-01"}}),
        )
        .unwrap();
        b.allow_registry("quay.io/a").unwrap();
        let p = b.build().unwrap();
        let results = evaluate(&p, &ev, now).unwrap();
        let of = |origin: &str, step: &str| {
            results
                .iter()
                .find(|r| r.policy.as_deref() == Some(origin) && r.step.as_deref() == Some(step))
                .map(|r| (r.status, r.warning.is_some()))
                .unwrap()
        };
        // a.yaml: quay.io is not allowed, and b.yaml's date does not soften it.
        assert_eq!(of("a.yaml", "pinned-match"), (Status::Fail, false));
        // b.yaml: not yet in force; its failures and unknowns only warn.
        assert_eq!(of("b.yaml", "pinned-match"), (Status::Pass, false));
        assert_eq!(of("b.yaml", "tag"), (Status::Pass, false));
        // The flags: b.yaml's accept_tags does not accept the flags' tag.
        assert_eq!(of("flags", "tag"), (Status::Unknown, false));
        assert_eq!(crate::evaluate::verdict(&results), Some(Status::Fail));
    }

    #[test]
    fn document_rules_without_facts_are_unknown_never_pass() {
        let p = policy(json!({
            "builders": {"allow": ["b"]},
            "predicate_types": {"allow": ["p"]},
            "source": {"repository": "https://github.com/a/b"},
            "build_time": {"not_before": "2020-01-01"}}));
        let results = evaluate(&p, &sample(), Utc::now()).unwrap();
        assert_eq!(results.len(), 4);
        assert!(
            results.iter().all(|r| r.status == Status::Unknown),
            "{results:?}"
        );
    }

    #[test]
    fn document_rule_tables() {
        let facts = Facts {
            builder_id: Some("b1"),
            predicate_type: Some("https://slsa.dev/provenance/v1"),
            repository: Some("git+https://github.com/acme/app.git"),
            git_ref: Some("refs/heads/main"),
            certified_repository: None,
            certified_ref: None,
            certified_signer: None,
            started: parse_instant("2026-05-01T10:00:00Z"),
            finished: parse_instant("2026-05-01T10:05:00+00:00"),
        };
        let want = |repo: &str, r: &str| SourceExpectation {
            repository: Some(repo.into()),
            git_ref: Some(r.into()),
            versioned_tag: None,
        };
        assert_eq!(
            source(
                &facts,
                &want("https://github.com/acme/app", "refs/heads/main")
            )
            .status,
            Status::Pass
        );
        assert_eq!(
            source(
                &facts,
                &want("https://github.com/acme/app2", "refs/heads/main")
            )
            .status,
            Status::Fail
        );
        assert_eq!(
            source(&facts, &want("https://github.com/acme/app", "refs/tags/v1")).status,
            Status::Fail
        );
        assert_eq!(
            source(&Facts::default(), &want("x", "y")).status,
            Status::Unknown
        );
        // A verified certificate must agree with the predicate and the
        // expectation: a predicate claiming another repository fails,
        // naming both.
        fn certified(repo: &'static str, r: &'static str) -> Facts<'static> {
            Facts {
                repository: Some("https://github.com/acme/app"),
                git_ref: Some("refs/heads/main"),
                certified_repository: Some(repo),
                certified_ref: Some(r),
                ..Facts::default()
            }
        }
        let app = want("github.com/acme/app", "refs/heads/main");
        let ok = source(
            &certified("https://github.com/acme/app", "refs/heads/main"),
            &app,
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.message);
        let forged = source(
            &certified("https://github.com/evil/fork", "refs/heads/main"),
            &app,
        );
        assert_eq!(forged.status, Status::Fail);
        assert!(
            forged.message.contains("https://github.com/acme/app")
                && forged.message.contains("https://github.com/evil/fork"),
            "{}",
            forged.message
        );
        let other_ref = source(
            &certified("https://github.com/acme/app", "refs/heads/dev"),
            &app,
        );
        assert_eq!(other_ref.status, Status::Fail, "{}", other_ref.message);

        // `--effective-time`: a fixed instant moves `effective_on`, not the
        // window, which still judges the verified build time.
        let fixed = JudgedAt {
            now: parse_instant("2030-01-01").unwrap(),
            build_time_verified: true,
            fixed: true,
        };
        assert_eq!(fixed.instant(&facts), parse_instant("2030-01-01").unwrap());
        assert_eq!(
            JudgedAt {
                fixed: false,
                ..fixed
            }
            .instant(&facts),
            facts.build_time().unwrap()
        );

        let w = |nb: Option<&str>, na: Option<&str>| TimeWindow {
            not_before: nb.and_then(parse_instant),
            not_after: na.and_then(parse_instant),
        };
        assert_eq!(
            build_time(&facts, &w(Some("2026-01-01"), Some("2026-12-31")), true).status,
            Status::Pass
        );
        assert_eq!(
            build_time(&facts, &w(Some("2026-05-02"), None), true).status,
            Status::Fail
        );
        assert_eq!(
            build_time(&facts, &w(None, Some("2026-05-01T10:04:00Z")), true).status,
            Status::Fail
        );
        assert_eq!(
            build_time(&Facts::default(), &w(None, None), true).status,
            Status::Unknown
        );
    }
}
