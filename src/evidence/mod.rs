//! The normalized model every input becomes, whatever its producer.
//!
//! `provcheck normalize --format json` prints an [`Evidence`] (or an array of
//! them when one run yields several); its JSON Schema is
//! `schemas/evidence.schema.json`. A step looks like this:
//!
//! ```json
//! {
//!   "name": "build",
//!   "kind": "step",
//!   "task": "build",
//!   "taskrun": "pr-build-xyz",
//!   "declared_image": "quay.io/acme/builder:v2@sha256:…",
//!   "runtime_image_id": "docker-pullable://quay.io/acme/builder@sha256:…",
//!   "declared": { "reference": "quay.io/acme/builder:v2@sha256:…", "registry": "quay.io",
//!                 "repository": "quay.io/acme/builder", "tag": "v2", "digest": "sha256:…" },
//!   "runtime": { "raw": "…", "scheme": "docker-pullable", "form": "repo-digest",
//!                "repository": "quay.io/acme/builder", "digest": "sha256:…", "digest_kind": "manifest" },
//!   "trusted_reference": "quay.io/acme/builder@sha256:…",
//!   "trust": { "status": "pinned", "reason": "declared by digest sha256:…; tag \"v2\" dropped" },
//!   "corroboration": "match",
//!   "pointers": { "declared_image": "/status/taskSpec/steps/0/image",
//!                 "runtime_image_id": "/status/steps/0/imageID" }
//! }
//! ```
//!
//! `declared_image` and `runtime_image_id` are the raw strings (or `null`);
//! `trusted_reference` is set only when a digest was explicitly requested.
//! Three members appear only when there is something to say: `joined` (the
//! Tekton run a declared image came from, `--with`), `via_index` (the image
//! index behind `corroboration: match-via-index`, `--index`) and `notes`:
//!
//! ```json
//! {
//!   "corroboration": "match-via-index",
//!   "joined": { "source": "taskrun.yaml", "taskrun": "build-1",
//!               "runtime_image_id": "quay.io/acme/syft@sha256:09af…",
//!               "runtime_agreement": "agree",
//!               "pointers": { "declared_image": "/status/taskSpec/steps/3/image",
//!                             "runtime_image_id": "/status/steps/3/imageID" } },
//!   "via_index": { "source": "index.json", "digest": "sha256:eb37…",
//!                  "media_type": "application/vnd.oci.image.index.v1+json",
//!                  "manifest": "sha256:09af…", "platform": "linux/amd64" }
//! }
//! ```
//!
//! An attestation adds what its layers and predicate say (a Tekton object
//! leaves these `null` or empty):
//!
//! ```json
//! {
//!   "line": 1,
//!   "layers": ["sigstore-bundle v0.3", "dsse", "in-toto-statement v1", "slsa-provenance v1"],
//!   "predicate_type": "https://slsa.dev/provenance/v1",
//!   "subjects": [{ "name": "MODULE.bazel", "digest": { "sha256": "…" } }],
//!   "builder_id": "https://github.com/…/publish.yaml@refs/tags/v0.0.1",
//!   "build_type": "https://actions.github.io/buildtypes/workflow/v1",
//!   "build_source": { "repository": "https://github.com/aspect-build/rules_lint",
//!                     "ref": "refs/heads/publish-to-bcr", "commit": "8f70…",
//!                     "workflow": ".github/workflows/release.yml" },
//!   "materials": [{ "uri": "git+https://…", "digest": { "gitCommit": "8f70…" }, "image": null,
//!                   "pointer": "/predicate/buildDefinition/resolvedDependencies/0" }],
//!   "build_started_on": null, "build_finished_on": null,
//!   "signatures": { "bundle_media_type": "application/vnd.dev.sigstore.bundle.v0.3+json",
//!                   "envelope_signatures": 1, "key_ids": [], "certificate": true,
//!                   "public_key": false, "tlog_entries": 1, "rfc3161_timestamps": 0,
//!                   "message_signature": false }
//! }
//! ```
//!
//! Pointers of an enveloped statement are relative to the decoded payload,
//! whose place in the file is `document.payload_pointer`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::JsonPointer;

mod kind;
mod pinning;

use crate::oci::image_id::ImageId;
use crate::oci::image_ref::ImageRef;
pub use kind::DocumentKind;
pub use pinning::{Corroboration, Declared, Pinning, TrustStatus};

/// Everything provcheck learned from one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The input's name (path as given, `-` for standard input); for one of
    /// several documents of a value (a `List` item, an npm list's bundle, one
    /// platform's build info) followed by `#POINTER`, its place there.
    pub source: String,
    /// What the document was.
    pub document: DocumentInfo,
    /// The 1-based line of a JSON-lines document; `null` otherwise.
    pub line: Option<usize>,
    /// The layers decoded, outermost first (`sigstore-bundle v0.3`, `dsse`,
    /// `in-toto-statement v1`, `slsa-provenance v1`); empty for a Tekton object.
    pub layers: Vec<String>,
    /// The statement's `predicateType`.
    pub predicate_type: Option<String>,
    /// The statement's subjects.
    pub subjects: Vec<Subject>,
    /// The provenance's builder id, as written.
    pub builder_id: Option<String>,
    /// The provenance's build type, as written.
    pub build_type: Option<String>,
    /// Where the build's source came from, when the producer records it
    /// (GitHub Actions). Named `build_source` because `source` is the input's name.
    pub build_source: Option<BuildSource>,
    /// Materials (SLSA v0.1/v0.2) or resolved dependencies (v1.0), in order.
    pub materials: Vec<Material>,
    /// When the build started (RFC 3339, as the document has it).
    pub build_started_on: Option<String>,
    /// When the build finished (RFC 3339, as the document has it).
    pub build_finished_on: Option<String>,
    /// The provenance's invocation id (SLSA v0.2 `metadata.buildInvocationId`,
    /// v1.0 `runDetails.metadata.invocationId`): Tekton Chains writes the
    /// run's `metadata.uid` there.
    pub invocation_id: Option<String>,
    /// What signature material was present (nothing is verified here);
    /// `null` for an unsigned document.
    pub signatures: Option<SignatureMaterial>,
    /// What a verified signing certificate says of the build (its Fulcio
    /// extensions), set by the verify stage once the signature verified;
    /// absent otherwise. Rules check the predicate against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certified: Option<Certified>,
    /// One entry per step and sidecar, declared order first.
    pub steps: Vec<StepEvidence>,
    /// What the document could not tell (missing specs, child runs not embedded).
    pub notes: Vec<Note>,
}

/// What kind of document the evidence came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// The detected kind.
    pub kind: DocumentKind,
    /// `apiVersion`, when the document has one.
    pub api_version: Option<String>,
    /// `metadata.name`, when the document has one.
    pub name: Option<String>,
    /// `metadata.uid`, when the document has one (a Tekton object's): what
    /// an attestation of this run names as its invocation id.
    pub uid: Option<String>,
    /// For an enveloped statement (or BuildKit build info written as
    /// base64), the pointer of the base64 payload in the file: every other
    /// pointer of this Evidence is inside that decoded payload.
    pub payload_pointer: Option<JsonPointer>,
}

/// A statement subject: an artifact the attestation is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The name, as written.
    pub name: String,
    /// Algorithm → digest, as written.
    pub digest: BTreeMap<String, String>,
}

/// The source a build came from (repository, ref, commit, workflow).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BuildSource {
    /// The repository URL, as written (without `git+` and `@ref`).
    pub repository: Option<String>,
    /// The git ref (`refs/heads/main`, `refs/tags/v1.0`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// The commit.
    pub commit: Option<String>,
    /// The workflow file path in the repository.
    pub workflow: Option<String>,
}

/// One material or resolved dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Material {
    /// The URI, as written.
    pub uri: Option<String>,
    /// Algorithm → digest, as written.
    pub digest: BTreeMap<String, String>,
    /// The container image it names, when it names one.
    pub image: Option<MaterialImage>,
    /// Where it is.
    pub pointer: JsonPointer,
}

/// A container image named by a material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialImage {
    /// What the producer put there.
    pub origin: ImageOrigin,
    /// The reference the build requested, normalized, when the material
    /// names one (BuildKit: `docker.io/library/alpine:latest`).
    pub reference: Option<String>,
    /// `registry/path`, normalized.
    pub repository: Option<String>,
    /// The tag, when the material names one.
    pub tag: Option<String>,
    /// `registry/path@digest` when the build requested the image by a
    /// digest (of a registered algorithm): what the request pinned. `null`
    /// when it was requested by tag or name, and for a runtime ImageID,
    /// which is never trusted.
    pub trusted_reference: Option<String>,
    /// `algorithm:hex` from the material's digest set.
    pub digest: Option<String>,
    /// The platform, when the material names one (`linux/amd64`).
    pub platform: Option<String>,
    /// Why the image could not be read, when it could not.
    pub problem: Option<String>,
}

/// Where a material's image came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageOrigin {
    /// A copy of the container runtime's ImageID (Tekton Chains): what a node
    /// ran, never a trusted reference.
    RuntimeImageId,
    /// The reference the build requested with the digest the builder
    /// resolved it to (BuildKit).
    Resolved,
    /// An image URI from a producer whose convention provcheck does not know.
    Unspecified,
    /// An image BuildKit read from a local OCI layout (`pkg:oci/…`): it
    /// names no registry, so no registry rule can judge it.
    OciLayout,
}

impl Material {
    /// Why no rule can judge this material's image, when none can: an
    /// image from a local OCI layout, or one written by a producer whose
    /// convention provcheck does not know. Rules that judge images report
    /// `unknown` for it.
    pub fn not_judged(&self) -> Option<String> {
        let image = self.image.as_ref()?;
        let what = self.uri.as_deref().unwrap_or("(no uri)");
        match image.origin {
            ImageOrigin::OciLayout => Some(format!(
                "not judged: {what} is an image from a local OCI layout, which names no registry"
            )),
            ImageOrigin::Unspecified => Some(format!(
                "not judged: {what} is recorded by a producer whose convention provcheck does \
                 not know (whether it was requested or ran is not said)"
            )),
            ImageOrigin::RuntimeImageId | ImageOrigin::Resolved => None,
        }
    }
}

/// What a verified Fulcio certificate says of the build that signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Certified {
    /// The source repository (`https://github.com/o/r`).
    pub repository: Option<String>,
    /// The source ref (`refs/heads/main`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// The build signer (the workflow that signed, with its ref).
    pub build_signer: Option<String>,
}

/// The signature material a document carried (present, not verified).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SignatureMaterial {
    /// The Sigstore bundle's media type, when in a bundle.
    pub bundle_media_type: Option<String>,
    /// How many DSSE signatures the envelope has.
    pub envelope_signatures: usize,
    /// The non-empty DSSE key ids.
    pub key_ids: Vec<String>,
    /// Whether the bundle has a signing certificate (or a non-empty chain).
    pub certificate: bool,
    /// Whether the bundle names a public key (key-signed).
    pub public_key: bool,
    /// How many transparency log entries the bundle has.
    pub tlog_entries: usize,
    /// How many RFC 3161 timestamps the bundle has.
    pub rfc3161_timestamps: usize,
    /// Whether the bundle signs an artifact digest (`messageSignature`)
    /// instead of carrying a DSSE envelope.
    pub message_signature: bool,
}

/// Whether an entry is a step or a sidecar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// A task step.
    Step,
    /// A sidecar container.
    Sidecar,
}

/// The declared and runtime images of one step or sidecar, kept apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepEvidence {
    /// The step name (without Tekton's `step-` / `sidecar-` container prefix).
    pub name: String,
    /// Step or sidecar.
    pub kind: StepKind,
    /// The pipeline task (or, for a lone TaskRun, its task), when known.
    pub task: Option<String>,
    /// The TaskRun's name, when known.
    pub taskrun: Option<String>,
    /// What the step asked for, exactly as written; `null` when not declared.
    pub declared_image: Option<String>,
    /// What the runtime reported, exactly as written; `null` when not reported.
    pub runtime_image_id: Option<String>,
    /// The declared image, parsed.
    pub declared: Option<DeclaredImage>,
    /// The runtime ImageID, parsed.
    pub runtime: Option<ImageId>,
    /// `registry/repository@algorithm:hex` when the declared image has a
    /// digest; `null` when unpinned, undeclared or invalid.
    pub trusted_reference: Option<String>,
    /// The decision-table row and its reason.
    pub trust: Pinning,
    /// How the runtime ImageID relates to the trusted reference; `null` when
    /// there is no trusted reference.
    pub corroboration: Option<Corroboration>,
    /// JSON pointers of both sources in the document.
    pub pointers: Pointers,
    /// What a Tekton run given with `--with` contributed (the declared
    /// image, and the run's own ImageID for comparison); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<Box<JoinedRun>>,
    /// The image index through which the runtime digest corroborates the
    /// declared one (`corroboration: match-via-index`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_index: Option<Box<ViaIndex>>,
    /// Findings about this step (sources that disagree, an index that could
    /// not be used); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// What a Tekton TaskRun or PipelineRun given alongside an attestation
/// (`provcheck normalize --with RUN`) contributed to one of its steps.
///
/// The step's `declared_image` then comes from the run's task spec (its
/// pointer is `pointers.declared_image` here, in [`Self::source`]); the
/// step's `runtime_image_id` stays the attestation's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinedRun {
    /// The file the run came from, as given.
    pub source: String,
    /// The TaskRun's name, when known.
    pub taskrun: Option<String>,
    /// The run's `metadata.uid`, when it has one: equal to the attestation's
    /// invocation id whenever both are known (a run that differs is not joined).
    pub uid: Option<String>,
    /// The run's own runtime ImageID for the step (`status.steps[].imageID`), raw.
    pub runtime_image_id: Option<String>,
    /// How the run's ImageID compares with the attestation's.
    pub runtime_agreement: RuntimeAgreement,
    /// JSON pointers of the declared image and the ImageID in [`Self::source`].
    pub pointers: Pointers,
}

/// How a joined run's runtime ImageID compares with the attestation's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeAgreement {
    /// Same digest (or, without digests, the same text after the scheme).
    Agree,
    /// They differ: the run given may not be the one attested (a note says so).
    Disagree,
    /// Only the attestation has one.
    AttestationOnly,
    /// Only the run has one.
    RunOnly,
    /// Neither has one.
    Neither,
}

/// The image index that relates a declared multi-platform digest to the
/// platform manifest the runtime reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViaIndex {
    /// The index file, as given.
    pub source: String,
    /// The index's digest: sha256 over the file's exact bytes, equal to the
    /// declared digest.
    pub digest: String,
    /// The index's `mediaType` (OCI image index or Docker manifest list), when it has one.
    pub media_type: Option<String>,
    /// The entry's manifest digest, equal to the runtime digest.
    pub manifest: String,
    /// The entry's platform (`os/architecture[/variant]`), when it names one.
    pub platform: Option<String>,
}

/// The parsed declared image: its normalized parts, or why it is invalid.
///
/// In JSON a parsed image is `{reference, registry, repository, tag,
/// digest}`: the parts are read from the one normalized reference
/// ([`DeclaredImage::registry`] …), not kept beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredImage {
    /// A valid reference.
    Parsed {
        /// Full normalized form, `registry/path[:tag][@digest]`.
        reference: ImageRef,
    },
    /// Not usable as a reference.
    Invalid {
        /// Why.
        error: String,
    },
}

impl DeclaredImage {
    /// The reference, when it parsed.
    pub fn reference(&self) -> Option<&ImageRef> {
        match self {
            Self::Parsed { reference } => Some(reference),
            Self::Invalid { .. } => None,
        }
    }

    /// The registry (host and port), when it parsed.
    pub fn registry(&self) -> Option<&str> {
        self.reference().map(ImageRef::domain)
    }

    /// `registry/path`, when it parsed.
    pub fn repository(&self) -> Option<&str> {
        self.reference().map(ImageRef::repository_str)
    }

    /// The tag, when it parsed and one was written.
    pub fn tag(&self) -> Option<&str> {
        self.reference().and_then(ImageRef::tag)
    }

    /// The digest (`algorithm:hex`), when it parsed and one was written.
    pub fn digest(&self) -> Option<&str> {
        self.reference()
            .and_then(ImageRef::digest)
            .map(|d| d.as_str())
    }
}

impl Serialize for DeclaredImage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        match self {
            Self::Parsed { reference } => {
                let mut map = serializer.serialize_map(Some(5))?;
                map.serialize_entry("reference", reference)?;
                map.serialize_entry("registry", reference.domain())?;
                map.serialize_entry("repository", reference.repository_str())?;
                map.serialize_entry("tag", &reference.tag())?;
                map.serialize_entry("digest", &reference.digest().map(|d| d.as_str()))?;
                map.end()
            }
            Self::Invalid { error } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("error", error)?;
                map.end()
            }
        }
    }
}

impl From<Declared> for DeclaredImage {
    fn from(d: Declared) -> Self {
        match d {
            Declared::Ref(r) => Self::Parsed { reference: r },
            Declared::Unresolved(var) => Self::Invalid {
                error: format!("unresolved variable {var}"),
            },
            Declared::Invalid(e) => Self::Invalid {
                error: e.to_string(),
            },
        }
    }
}

impl From<&Declared> for DeclaredImage {
    fn from(d: &Declared) -> Self {
        d.clone().into()
    }
}

/// Where the two sides of a step came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pointers {
    /// The declared image's JSON pointer; `null` when nothing was declared.
    pub declared_image: Option<JsonPointer>,
    /// The runtime ImageID's JSON pointer; `null` when nothing was reported.
    pub runtime_image_id: Option<JsonPointer>,
    /// The pipeline task that defines the step's run (`…/pipelineSpec/tasks/3`),
    /// when it is one; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<JsonPointer>,
    /// The child run reference (`…/childReferences/2`) whose declared steps
    /// come from the pipeline spec because the run is not embedded; absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<JsonPointer>,
    /// Where the step is declared or reported without an image: a spec step
    /// that names none (or runs a `StepAction`), a runtime state without an
    /// ImageID; absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<JsonPointer>,
    /// The materials that record this step's image as it ran (a runtime
    /// ImageID copied into the provenance), when any do; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<JsonPointer>,
}

/// Something the document could not tell, with where it applies.
///
/// A note whose code [is "not judged"](NoteCode::not_judged) marks a place
/// that names an image or a unit of work provcheck cannot judge (a task by
/// reference, a custom task, a duplicate task name, an image from a local
/// layout …): every rule that judges images reports an `unknown` for it, so
/// the document cannot pass on what was judged. In JSON it carries
/// `"not_judged": true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// A stable kebab-case code.
    pub code: NoteCode,
    /// One line for people.
    pub message: String,
    /// Where in the document.
    pub pointer: JsonPointer,
    /// Whether the place it names is not judged (set from the code).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_judged: bool,
}

impl Note {
    /// A note with `code` at `pointer`.
    pub fn new(code: NoteCode, message: impl Into<String>, pointer: JsonPointer) -> Self {
        Self {
            code,
            message: message.into(),
            pointer,
            not_judged: code.not_judged(),
        }
    }
}

/// Declares [`NoteCode`]: each code's text, whether it marks what is not
/// judged, the book's table that lists it, what it is on and its
/// description (the book's codes page is generated from them).
macro_rules! note_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $not_judged:literal, $group:literal, $on:literal, $description:literal;)*) => {
        /// The stable code of a [`Note`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum NoteCode {
            $($(#[$doc])* $variant,)*
        }

        impl NoteCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [NoteCode] = &[$(NoteCode::$variant,)*];

            /// The kebab-case code, as JSON writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(NoteCode::$variant => $code,)*
                }
            }

            /// Whether the place the note names is not judged: every rule
            /// that judges images reports an `unknown` for it.
            pub fn not_judged(self) -> bool {
                match self {
                    $(NoteCode::$variant => $not_judged,)*
                }
            }

            /// Which of the book's tables lists it: `not-judged`, `tekton`,
            /// `attestation` or `combining`.
            pub fn group(self) -> &'static str {
                match self {
                    $(NoteCode::$variant => $group,)*
                }
            }

            /// Whether it is a document's note or a step's: `document` or
            /// `step`.
            pub fn on(self) -> &'static str {
                match self {
                    $(NoteCode::$variant => $on,)*
                }
            }

            /// What the note means, for people.
            pub fn description(self) -> &'static str {
                match self {
                    $(NoteCode::$variant => $description,)*
                }
            }
        }
    };
}

note_codes! {
    /// A pipeline task references its task (`taskRef`) and no embedded run
    /// holds the task's spec.
    TaskByReference = "task-by-reference", true, "not-judged", "document",
        "a pipeline task references its task (`taskRef`), and the document embeds neither the task nor a run of it that records its spec; or a TaskRun references its task and records no spec; or a pipeline task defines neither a task nor a pipeline: its images are not judged";
    /// A pipeline task references a pipeline (`pipelineRef`), or a run
    /// references its pipeline and records no pipeline spec.
    PipelineByReference = "pipeline-by-reference", true, "not-judged", "document",
        "a pipeline, or a pipeline task's nested pipeline, is referenced (`pipelineRef`), not embedded (a PipelineRun whose `spec.pipelineRef` comes with no recorded pipeline spec included): which tasks it runs, and their images, are not judged";
    /// Provenance references its run's definition (`runSpec.taskRef` or `pipelineRef`).
    DeclaredByReference = "declared-by-reference", true, "not-judged", "document",
        "the provenance references its run's definition (`runSpec.taskRef` or `pipelineRef`) instead of embedding it: declared images are not judged";
    /// A child run is referenced, not embedded, and its task's spec is nowhere.
    ChildNotEmbedded = "child-not-embedded", true, "not-judged", "document",
        "a child run (TaskRun, CustomRun, nested PipelineRun) is referenced, not embedded, and the task it ran is not defined in the document. Pass its object as another input";
    /// A custom task (an embedded custom spec, a `Run`/`CustomRun`).
    CustomTask = "custom-task", true, "not-judged", "document",
        "a custom task (a pipeline task whose embedded spec is another kind, or a `Run` or `CustomRun` in the status) runs no steps provcheck can see";
    /// Two pipeline tasks share a name.
    DuplicateTaskName = "duplicate-task-name", true, "not-judged", "document",
        "two pipeline tasks share a name (Tekton refuses such a pipeline): runs cannot be told apart, so the document is not judged as a whole; each task's declared steps are still judged";
    /// Nested pipelines deeper than provcheck follows.
    PipelineTooDeep = "pipeline-too-deep", true, "not-judged", "document",
        "pipelines are nested deeper than provcheck follows (8 levels): the inner tasks are not judged";
    /// A run given with `--with` is not the run the attestation records.
    RunNotJoined = "run-not-joined", true, "not-judged", "document",
        "a Tekton run given with `--with` is not the one the attestation records (its `metadata.uid` differs from the attestation's invocation id): nothing is taken from it, and the steps it would have declared are not judged";
    /// A runtime image in the materials that no step accounts for.
    RuntimeImageNotDeclared = "runtime-image-not-declared", true, "not-judged", "document",
        "a material records a runtime ImageID that no step's declared or runtime image accounts for: an image ran that no declared reference covers";
    /// The child run's runtime images are not embedded; its declared images are judged.
    ChildRuntimeNotEmbedded = "child-runtime-not-embedded", false, "tekton", "document",
        "a child run is referenced, not embedded, but its task's spec is inline: its declared images are judged; its runtime images are unknown";
    /// A pipeline task neither ran nor was skipped; its declared spec is judged.
    TaskNotRun = "task-not-run", false, "tekton", "document",
        "a pipeline task with an inline spec has no run in the status and is not listed as skipped: its declared steps are judged from the spec";
    /// A pipeline task the run skipped.
    TaskSkipped = "task-skipped", false, "tekton", "document",
        "a pipeline task is listed in `status.skippedTasks`: it ran nothing. `registry.allowed`, `steps.pinned` and `source.policy` report a `pass` for it";
    /// A TaskRun embeds no task spec.
    NoTaskSpec = "no-task-spec", false, "tekton", "document",
        "no task spec is embedded for a TaskRun: its steps' declared images are unknown, and each step is judged as undeclared";
    /// Steps or sidecars share a name.
    DuplicateStepName = "duplicate-step-name", false, "tekton", "document",
        "several steps (or sidecars) of one task share a name: they are not joined with the runtime's, so no runtime ImageID corroborates them";
    /// Chains SLSA v0.2 records runtime ImageIDs only.
    RuntimeImageIdsOnly = "runtime-image-ids-only", false, "attestation", "document",
        "Tekton Chains SLSA v0.2 provenance records each step's runtime ImageID, not its declared image: no step has a trusted reference unless the run is given with `--with`";
    /// Runtime images listed as materials, not joined to steps.
    RuntimeImagesNotJoined = "runtime-images-not-joined", false, "attestation", "document",
        "the provenance records runtime images as materials that name no step: they are not joined to the declared steps (each is accounted for by digest, or reported as `runtime-image-not-declared`)";
    /// A predicate other than SLSA provenance.
    PredicateNotRead = "predicate-not-read", false, "attestation", "document",
        "the predicate is not SLSA provenance: only the subjects and the predicate type are reported";
    /// A message-signature bundle: no statement.
    NoStatement = "no-statement", false, "attestation", "document",
        "the bundle signs an artifact digest (`messageSignature`): it carries no statement, so no subjects or provenance";
    /// A BuildKit source without a digest pin.
    UnpinnedSource = "unpinned-source", false, "attestation", "document",
        "a BuildKit build-info source has no digest pin";
    /// A step runs a `StepAction`.
    StepAction = "step-action", false, "tekton", "document",
        "a step runs a StepAction (`ref`): its image is defined there, not in this document, so the step is undeclared";
    /// Declared images came from runs given with `--with`.
    DeclaredFromRun = "declared-from-run", false, "combining", "document",
        "declared images of steps the attestation left undeclared came from a Tekton run given with `--with` (joined by task and step name)";
    /// No run given with `--with` has the step.
    RunStepNotFound = "run-step-not-found", false, "combining", "step",
        "no run given with `--with` has a step of that task and name: its declared image stays unknown";
    /// Several runs' steps match, differently.
    RunStepAmbiguous = "run-step-ambiguous", false, "combining", "step",
        "several steps of the runs given with `--with` match a step, with different declared images (or no task tells them apart): none is joined";
    /// A run's step that matches no attestation step.
    RunStepUnused = "run-step-unused", false, "combining", "document",
        "a step of a run given with `--with` matches no step of the document";
    /// The run's runtime ImageID differs from the attestation's.
    RunImageIdDisagrees = "run-image-id-disagrees", false, "combining", "step",
        "the attestation's runtime ImageID differs from the joined run's: the run may not be the one attested. Both values stay visible, and a result that would pass for the step is `unknown` instead";
    /// An index lacks the runtime manifest.
    IndexLacksRuntimeManifest = "index-lacks-runtime-manifest", false, "combining", "step",
        "the image index of the declared digest does not list the manifest the runtime reported: still a `mismatch`";
    /// An index's bytes do not hash to the declared digest.
    IndexDigestDiffers = "index-digest-differs", false, "combining", "step",
        "an image index given with `--index` does not hash to the declared digest: it is not used. An index must be the exact bytes the registry serves";
    /// An index concerns no step.
    IndexNotUsed = "index-not-used", false, "combining", "document",
        "an image index given with `--index` concerns no step of the document";
}

impl Serialize for NoteCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for NoteCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for NoteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
