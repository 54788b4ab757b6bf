//! provcheck normalizes and verifies SLSA build provenance.
//!
//! A build step asks for an image (the **declared** reference) and the
//! container runtime reports what it ran (the **runtime** ImageID). The two
//! are different kinds of fact: the runtime may name another repository, or
//! report only an image config ID. provcheck keeps them apart, derives a
//! **trusted reference only when a digest was explicitly requested**, and
//! says `unknown` where the evidence cannot decide.
//!
//! # Quick start
//!
//! ```
//! let taskrun = br#"{
//!   "kind": "TaskRun",
//!   "status": {
//!     "taskSpec": {"steps": [{"name": "build",
//!       "image": "quay.io/acme/builder:v2@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}]},
//!     "steps": [{"name": "build",
//!       "imageID": "docker-pullable://quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}]
//!   }
//! }"#;
//! let doc = provcheck::ingest::ingest("taskrun.json", taskrun)?;
//! let evidence = provcheck::normalize::normalize(&doc)?;
//! let step = &evidence.steps[0];
//! assert_eq!(
//!     step.trusted_reference.as_deref(),
//!     Some("quay.io/acme/builder@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"),
//! );
//! assert_eq!(step.corroboration, Some(provcheck::normalize::trust::Corroboration::Match));
//! # Ok::<(), provcheck::Error>(())
//! ```
//!
//! # Pipeline
//!
//! Data flows one way; each stage is a module with one entry point:
//!
//! ```text
//! bytes ──ingest──▶ Document ──normalize──▶ Evidence ──report──▶ text / json
//! ```
//!
//! - [`ingest::ingest`] / [`ingest::ingest_all`]: strict JSON/YAML decoding
//!   (duplicate keys rejected, size and depth bounded), document-kind
//!   detection, and the attestation layers ([`ingest::layers`]: Sigstore
//!   bundle → DSSE envelope, exact payload bytes kept → in-toto statement),
//!   each checked against its JSON Schema; JSON lines give one document each.
//! - [`normalize::normalize`]: references ([`normalize::image_ref`]), ImageIDs
//!   ([`normalize::image_id`]), the decision table ([`normalize::trust`]),
//!   Tekton objects and SLSA provenance with its producers' conventions.
//!   [`normalize::NormalizeOptions`] brings further evidence to every
//!   document: a Tekton run whose task spec supplies the declared images an
//!   attestation did not record (`--with`), and image indexes that relate a
//!   declared multi-platform digest to the platform manifest that ran
//!   (`--index`).
//! - [`verify::check`]: trust, over the document the ingest stage read — DSSE
//!   signatures over the PAE of the exact payload
//!   ([`verify::TrustBuilder::add_key_file`]), Sigstore bundles
//!   verified offline against an embedded or given trusted root, signer
//!   identities and subjects; [`Verifier::with_trust`] adds them to reports.
//! - [`report`]: writers over `impl io::Write`.
//! - [`audit`]: many inputs → a stream of records and a [`audit::Summary`]
//!   ([`audit::Audit::run`]): parallel, in input order, resumable, shardable.
//! - [`schemas`]: the JSON Schemas of the outputs, the policy and the inputs.
//!
//! Errors ([`Error`]) mean provcheck could not do its job and name the file
//! and JSON pointer; findings (an unpinned step, a digest mismatch) are data.

#![forbid(unsafe_code)]

/// The Rust examples of the README and of the book, compiled (and run) by
/// `cargo test`: an example that no longer compiles fails the tests.
#[cfg(doctest)]
mod documentation_examples {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../docs/src/library.md")]
    struct Library;
}

pub mod audit;
pub mod error;
pub mod evaluate;
pub mod evidence;
pub mod ingest;
pub mod normalize;
pub mod oci;
pub mod report;
pub mod results;
pub mod schemas;
mod text;
pub mod time;
pub mod verifier;
pub mod verify;

pub use error::{Error, IngestError, JsonPointer, Location, NormalizeError};
pub use evaluate::{Policy, PolicyBuilder, PolicyError, RuleResult, Status};
pub use evidence::Evidence;
pub use ingest::{Document, DocumentKind};
pub use normalize::{normalize_bytes, normalize_bytes_with, normalize_path};
pub use verifier::{EffectiveTime, Judged, Report, Summary, Verifier};
pub use verify::{TrustBuilder, TrustError, TrustMaterial};
