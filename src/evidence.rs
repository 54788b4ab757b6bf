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

use serde::Serialize;

use crate::error::JsonPointer;
use crate::normalize::image_id::ImageId;
use crate::normalize::image_ref::ImageRef;
use crate::normalize::trust::{Corroboration, Declared, Trust};

/// Everything provcheck learned from one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The input's name (path as given, `-` for standard input).
    pub source: String,
    /// What the document was.
    pub document: DocumentInfo,
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

impl From<&Declared> for DeclaredImage {
    fn from(d: &Declared) -> Self {
        match d {
            Declared::Ref(r) => Self::Parsed {
                reference: r.clone(),
                registry: r.domain().to_owned(),
                repository: r.repository(),
                tag: r.tag().map(str::to_owned),
                digest: r.digest().map(ToString::to_string),
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
