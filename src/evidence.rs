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
use crate::normalize::image_id::ImageId;
use crate::normalize::image_ref::ImageRef;
use crate::normalize::trust::{Corroboration, Declared, Trust};

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
    /// What signature material was present (nothing is verified here);
    /// `null` for an unsigned document.
    pub signatures: Option<SignatureMaterial>,
    /// One entry per step and sidecar, declared order first.
    pub steps: Vec<StepEvidence>,
    /// What the document could not tell (missing specs, child runs not embedded).
    pub notes: Vec<Note>,
}

/// What kind of document the evidence came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// The detected kind.
    pub kind: crate::ingest::DocumentKind,
    /// `apiVersion`, when the document has one.
    pub api_version: Option<String>,
    /// `metadata.name`, when the document has one.
    pub name: Option<String>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    pub trust: Trust,
    /// How the runtime ImageID relates to the trusted reference; `null` when
    /// there is no trusted reference.
    pub corroboration: Option<Corroboration>,
    /// JSON pointers of both sources in the document.
    pub pointers: Pointers,
    /// What a Tekton run given with `--with` contributed (the declared
    /// image, and the run's own ImageID for comparison); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<JoinedRun>,
    /// The image index through which the runtime digest corroborates the
    /// declared one (`corroboration: match-via-index`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_index: Option<ViaIndex>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DeclaredImage {
    /// A valid reference.
    Parsed {
        /// Full normalized form, `registry/path[:tag][@digest]`.
        reference: ImageRef,
        /// The registry (host and port).
        registry: String,
        /// `registry/path`.
        repository: String,
        /// The tag, if written.
        tag: Option<String>,
        /// The digest, if written.
        digest: Option<String>,
    },
    /// Not usable as a reference.
    Invalid {
        /// Why.
        error: String,
    },
}

impl From<Declared> for DeclaredImage {
    fn from(d: Declared) -> Self {
        match d {
            Declared::Ref(r) => Self::Parsed {
                registry: r.domain().to_owned(),
                repository: r.repository(),
                tag: r.tag().map(str::to_owned),
                digest: r.digest().map(|d| d.as_str().to_owned()),
                reference: r,
            },
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
}

/// Something the document could not tell, with where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// A stable kebab-case code.
    pub code: &'static str,
    /// One line for people.
    pub message: String,
    /// Where in the document.
    pub pointer: JsonPointer,
}
