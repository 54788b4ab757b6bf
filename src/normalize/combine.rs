//! Combining evidence: a Tekton run given alongside an attestation
//! (`--with`), and image indexes (`--index`).
//!
//! **Runs.** Tekton Chains' SLSA v0.2 provenance (`slsa/v1`) records only
//! each step's runtime ImageID. The TaskRun (or PipelineRun) it was made
//! from still has the task spec, so it can supply the declared images. Steps
//! join by task and step name, never by index: an attestation step
//! `(task, name)` takes the run step of the same kind and name whose task is
//! the same (an attestation of a lone TaskRun names no task: any task
//! matches, as long as only one does). The declared image from the run is
//! the declared side of the decision table ([`super::trust`]); the
//! attestation's ImageID stays the runtime side. When the run's own
//! `status.steps[].imageID` disagrees with the attestation's, the step says
//! so (note `run-image-id-disagrees`) and both stay visible.
//!
//! **Indexes.** A step declared by the digest of a multi-platform image
//! index runs one of the index's platform manifests, whose digest differs.
//! Given the index's exact bytes, a runtime digest the index lists becomes
//! `match-via-index`, naming the index and the platform. An index whose
//! bytes do not hash to the declared digest is not used, and the step says
//! why (note `index-digest-differs`); an index that concerns no step at all
//! gets the document note `index-not-used`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::trust::{decide, Corroboration, Declared};
use crate::error::{Error, JsonPointer, NormalizeError};
use crate::evidence::{
    DeclaredImage, Evidence, JoinedRun, Note, NoteCode, Pointers, RuntimeAgreement, StepEvidence,
    StepKind, ViaIndex,
};
use crate::ingest::{self, DocumentKind, ImageIndex, Limits};
use crate::oci::image_id::DigestKind;

/// Extra evidence brought to every document normalized: Tekton runs
/// (`--with`) and image indexes (`--index`).
///
/// ```
/// use provcheck::normalize::NormalizeOptions;
///
/// let taskrun = br#"{"kind": "TaskRun", "metadata": {"name": "build-1"},
///   "spec": {"taskSpec": {"steps": [{"name": "build",
///     "image": "quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}]}}}"#;
/// let attestation = br#"{"_type": "https://in-toto.io/Statement/v0.1",
///   "predicateType": "https://slsa.dev/provenance/v0.2",
///   "subject": [{"name": "quay.io/acme/app", "digest": {"sha256": "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],
///   "predicate": {"builder": {"id": "https://tekton.dev/chains/v2"}, "buildType": "tekton.dev/v1/TaskRun",
///     "buildConfig": {"steps": [{"environment": {"container": "step-build",
///       "image": "oci://quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}]}}}"#;
///
/// let mut options = NormalizeOptions::new();
/// options.add_run_bytes("taskrun.json", taskrun)?;
/// let evidence = options.normalize_bytes("att.json", attestation).remove(0)?;
/// let step = &evidence.steps[0];
/// assert_eq!(
///     step.trusted_reference.as_deref(),
///     Some("quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"),
/// );
/// assert_eq!(step.joined.as_ref().map(|j| j.source.as_str()), Some("taskrun.json"));
/// # Ok::<(), provcheck::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NormalizeOptions {
    runs: Vec<Evidence>,
    indexes: Vec<ImageIndex>,
}

impl NormalizeOptions {
    /// No runs, no indexes: documents are normalized on their own.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing would be combined.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.indexes.is_empty()
    }

    /// Add the Evidence of a Tekton TaskRun or PipelineRun.
    ///
    /// # Errors
    ///
    /// [`NormalizeError::NotARun`] when `run` is not a Tekton object.
    pub fn add_run(&mut self, run: Evidence) -> Result<&mut Self, NormalizeError> {
        match run.document.kind {
            DocumentKind::TektonTaskRun | DocumentKind::TektonPipelineRun => {
                self.runs.push(run);
                Ok(self)
            }
            other => Err(NormalizeError::NotARun {
                file: run.source,
                found: other.label(),
            }),
        }
    }

    /// Decode and add every Tekton run in `bytes` (named `name` in messages).
    ///
    /// # Errors
    ///
    /// As [`crate::normalize::normalize_bytes`] for each document, and
    /// [`NormalizeError::NotARun`] for a document that is not a Tekton run.
    pub fn add_run_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<&mut Self, Error> {
        self.add_run_bytes_with(name, bytes, &Limits::default())
    }

    fn add_run_bytes_with(
        &mut self,
        name: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<&mut Self, Error> {
        for ev in crate::normalize::normalize_bytes_with(name, bytes, limits) {
            self.add_run(ev?)?;
        }
        Ok(self)
    }

    /// Read (`-` for standard input) and add every Tekton run in a file.
    ///
    /// # Errors
    ///
    /// As [`Self::add_run_bytes`], plus a read error.
    pub fn add_run_path(&mut self, path: &Path, limits: &Limits) -> Result<&mut Self, Error> {
        let bytes = ingest::read_input(path, limits)?;
        self.add_run_bytes_with(&path.display().to_string(), &bytes, limits)
    }

    /// Add an image index.
    pub fn add_index(&mut self, index: ImageIndex) -> &mut Self {
        self.indexes.push(index);
        self
    }

    /// Read an image index file (its exact bytes are hashed) and add it.
    ///
    /// # Errors
    ///
    /// As [`ingest::ingest_index`], plus a read error.
    pub fn add_index_path(&mut self, path: &Path, limits: &Limits) -> Result<&mut Self, Error> {
        let bytes = ingest::read_input(path, limits)?;
        let index = ingest::ingest_index(&path.display().to_string(), &bytes)?;
        Ok(self.add_index(index))
    }

    /// The runs added.
    pub fn runs(&self) -> &[Evidence] {
        &self.runs
    }

    /// The indexes added.
    pub fn indexes(&self) -> &[ImageIndex] {
        &self.indexes
    }

    /// Bring the runs, then the indexes, to `evidence`.
    pub fn apply(&self, evidence: Evidence) -> Evidence {
        if self.is_empty() {
            return evidence;
        }
        let evidence = if self.runs.is_empty() {
            evidence
        } else {
            combine(evidence, &self.runs)
        };
        let mut evidence = corroborate_via_indexes(evidence, &self.indexes);
        // Joined declared images and indexes can account for more runtime
        // images recorded as materials.
        super::runtime_materials::account(&mut evidence, &self.indexes);
        evidence
    }

    /// Decode and normalize every document in `bytes`, then [`apply`](Self::apply) these options.
    ///
    /// # Errors
    ///
    /// As [`crate::normalize::normalize_bytes`].
    pub fn normalize_bytes(&self, name: &str, bytes: &[u8]) -> Vec<Result<Evidence, Error>> {
        crate::normalize::normalize_bytes(name, bytes)
            .into_iter()
            .map(|ev| ev.map(|ev| self.apply(ev)))
            .collect()
    }

    /// Read, decode and normalize one file, then [`apply`](Self::apply) these options.
    ///
    /// # Errors
    ///
    /// As [`crate::normalize::normalize_path`].
    pub fn normalize_path(&self, path: &Path, limits: &Limits) -> Vec<Result<Evidence, Error>> {
        crate::normalize::normalize_path(path, limits)
            .into_iter()
            .map(|ev| ev.map(|ev| self.apply(ev)))
            .collect()
    }
}

/// One step of a run, with where it came from.
struct Candidate<'a> {
    source: &'a str,
    uid: Option<&'a str>,
    step: &'a StepEvidence,
    used: bool,
}

/// Where an attestation records its invocation id.
fn invocation_pointer(evidence: &Evidence) -> JsonPointer {
    let root = JsonPointer::root().key("predicate");
    if evidence.predicate_type.as_deref() == Some(crate::ingest::layers::SLSA_PROVENANCE_V1) {
        root.key("runDetails").key("metadata").key("invocationId")
    } else {
        root.key("metadata").key("buildInvocationId")
    }
}

/// Join the steps of `evidence` that have no declared image with the steps
/// of `runs` (Tekton TaskRuns and PipelineRuns; other documents are
/// ignored), by task and step name. A run whose `metadata.uid` differs from
/// the attestation's invocation id (both known) is another run: nothing is
/// taken from it, and a `not judged` note says so. See the [module docs](self).
pub fn combine(mut evidence: Evidence, runs: &[Evidence]) -> Evidence {
    let mut refused: Vec<&Evidence> = Vec::new();
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for run in runs.iter().filter(|r| {
        matches!(
            r.document.kind,
            DocumentKind::TektonTaskRun | DocumentKind::TektonPipelineRun
        )
    }) {
        let uid = run.document.uid.as_deref();
        if let (Some(uid), Some(invocation)) = (uid, evidence.invocation_id.as_deref()) {
            if uid != invocation {
                refused.push(run);
                continue;
            }
        }
        candidates.extend(run.steps.iter().map(|step| Candidate {
            source: &run.source,
            uid,
            step,
            used: false,
        }));
    }
    for run in &refused {
        evidence.notes.push(Note::new(
            NoteCode::RunNotJoined,
            format!(
                "{} (metadata.uid {}) is not the run this attestation records (invocation id \
                 {}): nothing is taken from it, and the steps it would declare are not judged",
                run.source,
                run.document.uid.as_deref().unwrap_or_default(),
                evidence.invocation_id.as_deref().unwrap_or_default()
            ),
            invocation_pointer(&evidence),
        ));
    }
    // Candidates by kind and name: one look-up per open step.
    let mut by_name: HashMap<(StepKind, &str), Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        by_name
            .entry((c.step.kind, c.step.name.as_str()))
            .or_default()
            .push(i);
    }
    let mut joined = 0;
    let mut open = 0;
    for step in &mut evidence.steps {
        if step.declared_image.is_some() || step.joined.is_some() {
            continue;
        }
        open += 1;
        let matching: Vec<usize> = by_name
            .get(&(step.kind, step.name.as_str()))
            .map(|all| {
                all.iter()
                    .copied()
                    .filter(|&i| {
                        candidates
                            .get(i)
                            .is_some_and(|c| step.task.is_none() || c.step.task == step.task)
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The same run given twice (a PipelineRun and its child TaskRun, say)
        // is one answer, not two.
        let first_declared = matching
            .first()
            .and_then(|&i| candidates.get(i))
            .map(|c| &c.step.declared_image);
        let agreeing = matching.iter().all(|&i| {
            candidates
                .get(i)
                .is_some_and(|c| Some(&c.step.declared_image) == first_declared)
        });
        let (Some(&first), true) = (matching.first(), agreeing) else {
            let message = if matching.is_empty() {
                format!(
                    "no run given with --with has a step {} (by task and step name): its \
                     declared image stays unknown",
                    describe(step.task.as_deref(), &step.name)
                )
            } else {
                let names: Vec<String> = matching
                    .iter()
                    .filter_map(|&i| candidates.get(i))
                    .map(|c| {
                        format!(
                            "{} in {}",
                            describe(c.step.task.as_deref(), &c.step.name),
                            c.source
                        )
                    })
                    .collect();
                let why = if step.task.is_none() {
                    "the document names no task to tell them apart"
                } else {
                    "with different declared images"
                };
                format!(
                    "{} steps of the runs given with --with match {}: {}; {why}, so none is joined",
                    matching.len(),
                    describe(step.task.as_deref(), &step.name),
                    names.join(", ")
                )
            };
            let code = if matching.is_empty() {
                NoteCode::RunStepNotFound
            } else {
                NoteCode::RunStepAmbiguous
            };
            step.notes.push(Note::new(
                code,
                message,
                step.pointers.runtime_image_id.clone().unwrap_or_default(),
            ));
            continue;
        };
        for &i in &matching {
            if let Some(c) = candidates.get_mut(i) {
                c.used = true;
            }
        }
        if let Some(c) = candidates.get(first) {
            join_step(step, c.source, c.uid, c.step);
            joined += 1;
        }
    }
    let mut sources: Vec<&str> = runs
        .iter()
        .filter(|r| !refused.iter().any(|x| std::ptr::eq(*x, *r)))
        .map(|r| r.source.as_str())
        .collect();
    sources.dedup();
    if open > 0 && !sources.is_empty() {
        evidence.notes.push(Note::new(
            NoteCode::DeclaredFromRun,
            format!(
                "declared images of {joined} of the {open} steps the document left undeclared \
                 come from {} (joined by task and step name)",
                sources.join(", ")
            ),
            JsonPointer::root(),
        ));
    }
    let declared: HashSet<(StepKind, &str)> = evidence
        .steps
        .iter()
        .map(|s| (s.kind, s.name.as_str()))
        .collect();
    let mut unused = Vec::new();
    for c in candidates.iter().filter(|c| !c.used) {
        // A run step the attestation does not have: the run may not be the
        // one attested, or the attestation already declared it.
        if !declared.contains(&(c.step.kind, c.step.name.as_str())) {
            unused.push(Note::new(
                NoteCode::RunStepUnused,
                format!(
                    "{} in {} matches no step of this document",
                    describe(c.step.task.as_deref(), &c.step.name),
                    c.source
                ),
                JsonPointer::root(),
            ));
        }
    }
    evidence.notes.extend(unused);
    evidence
}

fn describe(task: Option<&str>, name: &str) -> String {
    match task {
        Some(task) => format!("{task:?}/{name:?}"),
        None => format!("{name:?}"),
    }
}

/// Take `run`'s declared image into `step`; the decision table decides again
/// with the attestation's runtime ImageID.
fn join_step(step: &mut StepEvidence, source: &str, uid: Option<&str>, run: &StepEvidence) {
    let declared = run.declared_image.as_deref().map(Declared::parse);
    let decision = decide(declared.as_ref(), step.runtime.as_ref());
    let agreement = agreement(step, run);
    if agreement == RuntimeAgreement::Disagree {
        step.notes.push(Note::new(
            NoteCode::RunImageIdDisagrees,
            format!(
                "the attestation's runtime ImageID {} differs from {}'s status imageID {} \
                 (at {}): the run given may not be the one attested",
                step.runtime_image_id.as_deref().unwrap_or_default(),
                source,
                run.runtime_image_id.as_deref().unwrap_or_default(),
                run.pointers
                    .runtime_image_id
                    .as_ref()
                    .map_or("?", JsonPointer::as_str),
            ),
            step.pointers.runtime_image_id.clone().unwrap_or_default(),
        ));
    }
    step.task = step.task.clone().or_else(|| run.task.clone());
    step.taskrun = step.taskrun.clone().or_else(|| run.taskrun.clone());
    step.declared_image = run.declared_image.clone();
    step.declared = declared.as_ref().map(DeclaredImage::from);
    step.trusted_reference = decision.trusted_reference;
    step.trust = decision.trust;
    step.corroboration = decision.corroboration;
    step.joined = Some(Box::new(JoinedRun {
        source: source.to_owned(),
        taskrun: run.taskrun.clone(),
        uid: uid.map(str::to_owned),
        runtime_image_id: run.runtime_image_id.clone(),
        runtime_agreement: agreement,
        pointers: Pointers {
            declared_image: run.pointers.declared_image.clone(),
            runtime_image_id: run.pointers.runtime_image_id.clone(),
            ..Pointers::default()
        },
    }));
}

/// Whether the attestation's ImageID and the run's name the same content.
fn agreement(step: &StepEvidence, run: &StepEvidence) -> RuntimeAgreement {
    match (&step.runtime, &run.runtime) {
        (None, None) => RuntimeAgreement::Neither,
        (Some(_), None) => RuntimeAgreement::AttestationOnly,
        (None, Some(_)) => RuntimeAgreement::RunOnly,
        (Some(a), Some(b)) => {
            let same = match (&a.digest, &b.digest) {
                (Some(x), Some(y)) => x == y,
                (None, None) => body(&a.raw) == body(&b.raw),
                _ => false,
            };
            if same {
                RuntimeAgreement::Agree
            } else {
                RuntimeAgreement::Disagree
            }
        }
    }
}

/// An ImageID without its scheme (Chains writes `oci://` where the runtime
/// wrote `docker-pullable://`).
fn body(raw: &str) -> &str {
    raw.split_once("://").map_or(raw, |(_, body)| body)
}

/// Where a step declared by an index digest ran one of its platform
/// manifests, set `match-via-index`. See the [module docs](self).
pub fn corroborate_via_indexes(mut evidence: Evidence, indexes: &[ImageIndex]) -> Evidence {
    if indexes.is_empty() {
        return evidence;
    }
    // Indexes that were the declared digest of a step, or that a step's note names.
    let mut considered = vec![false; indexes.len()];
    for step in &mut evidence.steps {
        if step.corroboration != Some(Corroboration::Mismatch) {
            continue;
        }
        let Some(declared) = step.declared.as_ref().and_then(DeclaredImage::digest) else {
            continue;
        };
        let Some(runtime) = step
            .runtime
            .as_ref()
            .filter(|r| r.digest_kind == Some(DigestKind::Manifest))
            .and_then(|r| r.digest.clone())
        else {
            continue;
        };
        let pointer = step
            .pointers
            .runtime_image_id
            .clone()
            .or_else(|| step.pointers.declared_image.clone())
            .unwrap_or_default();
        let declared_index = indexes
            .iter()
            .position(|i| i.digest.to_string() == declared)
            .and_then(|n| {
                if let Some(c) = considered.get_mut(n) {
                    *c = true;
                }
                indexes.get(n)
            });
        match declared_index {
            Some(index) => match index.entry(&runtime) {
                Some(entry) => {
                    step.corroboration = Some(Corroboration::MatchViaIndex);
                    step.via_index = Some(Box::new(ViaIndex {
                        source: index.source.clone(),
                        digest: index.digest.to_string(),
                        media_type: index.media_type.clone(),
                        manifest: entry.digest.to_string(),
                        platform: entry.platform.clone(),
                    }));
                }
                None => step.notes.push(Note::new(
                    NoteCode::IndexLacksRuntimeManifest,
                    format!(
                        "the index {} ({}) is the declared digest but does not list the \
                         runtime's manifest {runtime}: still a mismatch",
                        index.source, index.digest
                    ),
                    pointer,
                )),
            },
            None => {
                for (n, index) in indexes.iter().enumerate() {
                    if index.entry(&runtime).is_none() {
                        continue;
                    }
                    if let Some(c) = considered.get_mut(n) {
                        *c = true;
                    }
                    step.notes.push(Note::new(
                        NoteCode::IndexDigestDiffers,
                        format!(
                            "the index {} lists the runtime's manifest {runtime} but its bytes \
                             hash to {}, not the declared {declared}: not used (an index must \
                             be the exact bytes the registry serves, e.g. `crane manifest \
                             REF@{declared} > index.json`)",
                            index.source, index.digest,
                        ),
                        pointer.clone(),
                    ));
                }
            }
        }
    }
    // An index given for nothing here: say so, rather than let it look used.
    for (index, _) in indexes.iter().zip(considered).filter(|(_, c)| !c) {
        evidence.notes.push(Note::new(
            NoteCode::IndexNotUsed,
            format!(
                "the index {} ({}) is not the declared digest of any step whose runtime \
                 digest differs, and lists none of their runtime digests: not used",
                index.source, index.digest
            ),
            JsonPointer::root(),
        ));
    }
    evidence
}

/// Used by tests: `sha256:` digest of bytes.
#[cfg(test)]
fn sha256(bytes: &[u8]) -> crate::oci::digest::Digest {
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}").parse().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    fn chains_v02(steps: &[(&str, &str)]) -> Evidence {
        let steps: Vec<String> = steps
            .iter()
            .map(|(container, image)| {
                format!(r#"{{"environment":{{"container":"{container}","image":"{image}"}}}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2",
            "subject":[{{"name":"x","digest":{{"sha256":"{A}"}}}}],
            "predicate":{{"builder":{{"id":"https://tekton.dev/chains/v2"}},"buildType":"tekton.dev/v1/TaskRun",
            "buildConfig":{{"steps":[{}]}}}}}}"#,
            steps.join(",")
        );
        crate::normalize::normalize_bytes("att.json", text.as_bytes())
            .remove(0)
            .unwrap()
    }

    fn taskrun(name: &str, steps: &[(&str, &str, Option<&str>)]) -> Evidence {
        let spec: Vec<String> = steps
            .iter()
            .map(|(n, image, _)| format!(r#"{{"name":"{n}","image":"{image}"}}"#))
            .collect();
        let status: Vec<String> = steps
            .iter()
            .filter_map(|(n, _, id)| id.map(|id| format!(r#"{{"name":"{n}","imageID":"{id}"}}"#)))
            .collect();
        let text = format!(
            r#"{{"kind":"TaskRun","metadata":{{"name":"{name}"}},"status":{{"taskSpec":{{"steps":[{}]}},"steps":[{}]}}}}"#,
            spec.join(","),
            status.join(",")
        );
        crate::normalize::normalize_bytes("tr.json", text.as_bytes())
            .remove(0)
            .unwrap()
    }

    /// `--with` joins only the run the attestation records: a run whose
    /// `metadata.uid` differs from the invocation id lends nothing, and a
    /// `not judged` note makes rules that judge images say `unknown`; the
    /// same uid joins, and both ids are kept in the Evidence.
    #[test]
    fn a_run_that_is_not_the_attested_one_is_not_joined() {
        let mut att = chains_v02(&[("step-build", &format!("oci://quay.io/acme/b@sha256:{A}"))]);
        att.invocation_id = Some("uid-1".to_owned());
        let run = |uid: &str| {
            let mut tr = taskrun(
                "tr-1",
                &[(
                    "build",
                    &format!("quay.io/acme/b@sha256:{A}"),
                    Some(&format!("docker-pullable://quay.io/acme/b@sha256:{A}")),
                )],
            );
            tr.document.uid = Some(uid.to_owned());
            tr
        };
        let other = combine(att.clone(), &[run("uid-2")]);
        assert_eq!(other.steps[0].declared_image, None);
        assert!(other.steps[0].joined.is_none());
        let note = other
            .notes
            .iter()
            .find(|n| n.code == NoteCode::RunNotJoined)
            .unwrap();
        assert!(note.not_judged);
        assert_eq!(
            note.pointer.as_str(),
            "/predicate/metadata/buildInvocationId"
        );

        let same = combine(att, &[run("uid-1")]);
        assert!(same.steps[0].trusted_reference.is_some());
        assert_eq!(
            same.steps[0].joined.as_ref().and_then(|j| j.uid.as_deref()),
            Some("uid-1")
        );
        assert!(!same.notes.iter().any(|n| n.not_judged));
    }

    /// A joined step whose run reports another runtime ImageID than the
    /// attestation is `unknown` at best: the run may not be the one attested.
    #[test]
    fn a_joined_step_whose_runtime_images_disagree_never_passes() {
        let att = chains_v02(&[("step-build", &format!("oci://quay.io/acme/b@sha256:{A}"))]);
        let tr = taskrun(
            "tr-1",
            &[(
                "build",
                &format!("quay.io/acme/b@sha256:{A}"),
                Some(&format!("docker-pullable://evil.io/x@sha256:{B}")),
            )],
        );
        let ev = combine(att, &[tr]);
        let step = &ev.steps[0];
        assert_eq!(
            step.joined.as_ref().map(|j| j.runtime_agreement),
            Some(RuntimeAgreement::Disagree)
        );
        let mut policy = crate::evaluate::PolicyBuilder::new();
        policy.allow_registry("quay.io/acme").unwrap();
        let policy = policy.build().unwrap();
        let results = crate::evaluate::evaluate(&policy, &ev, chrono::Utc::now()).unwrap();
        let step_results: Vec<_> = results.iter().filter(|r| r.step.is_some()).collect();
        assert!(!step_results.is_empty());
        assert!(
            step_results
                .iter()
                .all(|r| r.status == crate::evaluate::Status::Unknown),
            "{step_results:?}"
        );
    }

    #[test]
    fn steps_join_by_name_not_index_and_the_table_decides_again() {
        let att = chains_v02(&[
            ("step-build", &format!("oci://quay.io/acme/b@sha256:{A}")),
            ("step-push", &format!("oci://quay.io/acme/p@sha256:{B}")),
        ]);
        // The run lists the steps in the other order.
        let tr = taskrun(
            "tr-1",
            &[
                (
                    "push",
                    "quay.io/acme/p:v1",
                    Some(&format!("docker-pullable://quay.io/acme/p@sha256:{B}")),
                ),
                (
                    "build",
                    &format!("quay.io/acme/b:v2@sha256:{A}"),
                    Some(&format!("docker-pullable://quay.io/acme/b@sha256:{A}")),
                ),
            ],
        );
        let ev = combine(att, &[tr]);
        let [build, push] = ev.steps.as_slice() else {
            panic!("{:?}", ev.steps)
        };
        assert_eq!(build.name, "build");
        assert_eq!(
            build.trusted_reference.as_deref(),
            Some(format!("quay.io/acme/b@sha256:{A}").as_str())
        );
        assert_eq!(build.corroboration, Some(Corroboration::Match));
        assert_eq!(build.taskrun.as_deref(), Some("tr-1"));
        let joined = build.joined.as_ref().unwrap();
        assert_eq!(joined.runtime_agreement, RuntimeAgreement::Agree);
        assert_eq!(
            joined.pointers.declared_image.as_ref().unwrap().as_str(),
            "/status/taskSpec/steps/1/image"
        );
        assert_eq!(build.pointers.declared_image, None);
        assert!(build.notes.is_empty());
        assert_eq!(push.declared_image.as_deref(), Some("quay.io/acme/p:v1"));
        assert_eq!(
            push.trust.status,
            crate::normalize::trust::TrustStatus::Unpinned
        );
        assert!(ev.notes.iter().any(|n| n.code == "declared-from-run"));
    }

    #[test]
    fn a_disagreeing_run_image_id_is_a_step_note_and_both_stay() {
        let att = chains_v02(&[("step-build", &format!("oci://quay.io/acme/b@sha256:{A}"))]);
        let tr = taskrun(
            "tr-1",
            &[(
                "build",
                &format!("quay.io/acme/b@sha256:{A}"),
                Some(&format!("docker-pullable://quay.io/acme/b@sha256:{C}")),
            )],
        );
        let ev = combine(att, &[tr]);
        let step = &ev.steps[0];
        assert_eq!(
            step.runtime_image_id.as_deref(),
            Some(format!("oci://quay.io/acme/b@sha256:{A}").as_str())
        );
        let joined = step.joined.as_ref().unwrap();
        assert_eq!(joined.runtime_agreement, RuntimeAgreement::Disagree);
        assert_eq!(
            joined.runtime_image_id.as_deref(),
            Some(format!("docker-pullable://quay.io/acme/b@sha256:{C}").as_str())
        );
        assert_eq!(step.notes.len(), 1);
        assert_eq!(step.notes[0].code, "run-image-id-disagrees");
        assert_eq!(
            step.notes[0].pointer.as_str(),
            "/predicate/buildConfig/steps/0/environment/image"
        );
        // The attestation's ImageID is the runtime side: it matches the declared digest.
        assert_eq!(step.corroboration, Some(Corroboration::Match));
    }

    #[test]
    fn the_same_run_given_twice_is_one_answer() {
        let att = chains_v02(&[("step-build", &format!("oci://quay.io/acme/b@sha256:{A}"))]);
        let tr = taskrun("tr-1", &[("build", "quay.io/acme/b:1", None)]);
        let ev = combine(att, &[tr.clone(), tr]);
        assert_eq!(
            ev.steps[0].declared_image.as_deref(),
            Some("quay.io/acme/b:1")
        );
        assert!(ev.steps[0].notes.is_empty());
        assert!(!ev.notes.iter().any(|n| n.code == "run-step-unused"));
    }

    #[test]
    fn unmatched_and_ambiguous_steps_are_said() {
        let att = chains_v02(&[
            ("step-build", &format!("oci://quay.io/acme/b@sha256:{A}")),
            ("step-lint", &format!("oci://quay.io/acme/l@sha256:{B}")),
        ]);
        let one = taskrun("tr-1", &[("build", "quay.io/acme/b:1", None)]);
        let two = taskrun(
            "tr-2",
            &[("build", "quay.io/acme/b:2", None), ("other", "x:1", None)],
        );
        let ev = combine(att, &[one, two]);
        let codes: Vec<&str> = ev
            .steps
            .iter()
            .flat_map(|s| s.notes.iter().map(|n| n.code.as_str()))
            .collect();
        assert_eq!(codes, ["run-step-ambiguous", "run-step-not-found"]);
        assert!(ev.steps.iter().all(|s| s.joined.is_none()));
        assert!(ev
            .notes
            .iter()
            .any(|n| n.code == "run-step-unused" && n.message.contains("\"other\"")));
    }

    fn index(entries: &[(&str, &str)]) -> (Vec<u8>, ImageIndex) {
        let manifests: Vec<String> = entries
            .iter()
            .map(|(digest, arch)| {
                format!(
                    r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{digest}","size":1,"platform":{{"architecture":"{arch}","os":"linux"}}}}"#
                )
            })
            .collect();
        let bytes = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#,
            manifests.join(",")
        )
        .into_bytes();
        let idx = ingest::ingest_index("index.json", &bytes).unwrap();
        (bytes, idx)
    }

    /// the concepts page's corroboration table, the `match-via-index` row and its refusals.
    #[test]
    fn match_via_index_only_with_the_declared_index_bytes() {
        let (bytes, idx) = index(&[(B, "amd64"), (C, "arm64")]);
        let declared = sha256(&bytes);
        let tr = taskrun(
            "tr",
            &[("build", &format!("quay.io/acme/b@{declared}"), None)],
        );
        let run = |runtime: &str, indexes: &[ImageIndex]| {
            let att = chains_v02(&[("step-build", runtime)]);
            corroborate_via_indexes(combine(att, std::slice::from_ref(&tr)), indexes)
                .steps
                .remove(0)
        };
        // the runtime ran the arm64 manifest listed by the declared index
        let step = run(
            &format!("oci://quay.io/acme/b@sha256:{C}"),
            std::slice::from_ref(&idx),
        );
        assert_eq!(step.corroboration, Some(Corroboration::MatchViaIndex));
        let via = step.via_index.unwrap();
        assert_eq!(via.digest, declared.to_string());
        assert_eq!(via.platform.as_deref(), Some("linux/arm64"));
        assert_eq!(via.manifest, format!("sha256:{C}"));
        // without the index: a mismatch
        let step = run(&format!("oci://quay.io/acme/b@sha256:{C}"), &[]);
        assert_eq!(step.corroboration, Some(Corroboration::Mismatch));
        // a manifest the index does not list: still a mismatch, said
        let step = run(
            &format!("oci://quay.io/acme/b@sha256:{A}"),
            std::slice::from_ref(&idx),
        );
        assert_eq!(step.corroboration, Some(Corroboration::Mismatch));
        assert_eq!(step.notes[0].code, "index-lacks-runtime-manifest");
        // the same index re-serialized (another digest): not used, said
        let mut other = bytes.clone();
        other.push(b'\n');
        let reserialized = ingest::ingest_index("copy.json", &other).unwrap();
        let step = run(&format!("oci://quay.io/acme/b@sha256:{C}"), &[reserialized]);
        assert_eq!(step.corroboration, Some(Corroboration::Mismatch));
        assert_eq!(step.via_index, None);
        assert_eq!(step.notes[0].code, "index-digest-differs");
        assert!(
            step.notes[0].message.contains("copy.json"),
            "{}",
            step.notes[0].message
        );
        // a config ID stays incomparable, whatever the index, which was then of no use
        let att = chains_v02(&[("step-build", &format!("sha256:{C}"))]);
        let ev = corroborate_via_indexes(combine(att, std::slice::from_ref(&tr)), &[idx]);
        assert_eq!(ev.steps[0].corroboration, Some(Corroboration::Incomparable));
        assert!(
            ev.notes.iter().any(|n| n.code == "index-not-used"),
            "{:?}",
            ev.notes
        );
    }

    #[test]
    fn only_tekton_runs_can_be_added() {
        let mut options = NormalizeOptions::new();
        let err = options.add_run(chains_v02(&[])).unwrap_err().to_string();
        assert_eq!(
            err,
            "att.json: expected a Tekton TaskRun or PipelineRun to take declared images from, \
             found: in-toto statement"
        );
    }
}
