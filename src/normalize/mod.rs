//! Normalize: [`Document`] → [`Evidence`].
//!
//! Parses references, digests and ImageIDs, keeps the declared image and the
//! runtime ImageID apart, and applies the trusted-reference decision table.
//! Attestations are read by their predicate (SLSA provenance v0.1, v0.2,
//! v1.0) and their producer's conventions (Tekton Chains, BuildKit, GitHub
//! Actions); any other predicate contributes its subjects and type only.
//! BuildKit's older build info contributes its sources as materials.

mod buildinfo;
pub mod combine;
mod runtime_materials;
mod slsa;
mod tekton;
pub mod trust;

use serde::Deserialize;

/// The OCI vocabulary, where it is read (its home is [`crate::oci`]).
pub use crate::oci::{digest, image_id, image_ref};
pub use combine::{combine, corroborate_via_indexes, NormalizeOptions};

use crate::error::{Error, JsonPointer, NormalizeError};
use crate::evidence::{DocumentInfo, Evidence, Note, NoteCode, SignatureMaterial};
use crate::ingest::{Document, DocumentKind, Limits};

/// Read, decode and normalize one file (`-` for standard input).
///
/// A file may hold several documents (JSON lines); each gets its own result,
/// so one bad document never hides the others.
///
/// # Errors
///
/// Each item is [`Error::Ingest`] when the file (or that document) cannot be
/// read or decoded, [`Error::Normalize`] when its content has the wrong shape.
pub fn normalize_path(path: &std::path::Path, limits: &Limits) -> Vec<Result<Evidence, Error>> {
    let bytes = match crate::ingest::read_input(path, limits) {
        Ok(bytes) => bytes,
        Err(e) => return vec![Err(e.into())],
    };
    normalize_bytes_with(&path.display().to_string(), &bytes, limits)
}

/// Decode and normalize every document in `bytes`, named `name` in messages.
///
/// # Errors
///
/// As [`normalize_path`], per document.
pub fn normalize_bytes(name: &str, bytes: &[u8]) -> Vec<Result<Evidence, Error>> {
    normalize_bytes_with(name, bytes, &Limits::default())
}

/// [`normalize_bytes`] within `limits` (the step limit; the size limit
/// applies where bytes are read).
///
/// # Errors
///
/// As [`normalize_path`], per document.
pub fn normalize_bytes_with(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Vec<Result<Evidence, Error>> {
    crate::ingest::ingest_all(name, bytes)
        .into_iter()
        .map(|doc| Ok(normalize_document(doc?.readable()?, limits)?))
        .collect()
}

/// Turn a decoded document into Evidence.
///
/// # Errors
///
/// [`NormalizeError::Shape`] when a value the document kind defines has the
/// wrong type (for example `status.steps` is not a list), naming its pointer.
pub fn normalize(doc: &Document) -> Result<Evidence, NormalizeError> {
    normalize_with(doc, &Limits::default())
}

/// [`normalize`] within `limits`: a document with more steps than
/// [`Limits::max_steps`] is refused before its steps are built.
///
/// # Errors
///
/// As [`normalize`], and [`NormalizeError::TooManySteps`].
pub fn normalize_with(doc: &Document, limits: &Limits) -> Result<Evidence, NormalizeError> {
    let (mut ev, extracted) = read(doc, limits)?;
    finish(&mut ev, extracted)?;
    Ok(ev)
}

/// [`normalize_with`], taking the document: the decoded value of a Tekton
/// object (which can be large) is released before its steps are built, so
/// the two are never held at once.
///
/// # Errors
///
/// As [`normalize_with`].
pub fn normalize_document(mut doc: Document, limits: &Limits) -> Result<Evidence, NormalizeError> {
    let (mut ev, extracted) = read(&doc, limits)?;
    doc.value = serde_json::Value::Null;
    drop(doc);
    finish(&mut ev, extracted)?;
    Ok(ev)
}

/// A Tekton object's name, uid and times, into `ev`.
fn tekton_header(doc: &Document, ev: &mut Evidence) -> Result<(), NormalizeError> {
    let header: tekton::Header = typed_at(doc, &doc.value, &doc.base)?;
    ev.document.api_version = header.api_version;
    ev.document.name = header.metadata.name;
    ev.document.uid = header.metadata.uid;
    ev.build_started_on = header.status.start_time;
    ev.build_finished_on = header.status.completion_time;
    Ok(())
}

/// The Evidence of `doc` before its content is read: its name, kind,
/// layers and signature material.
fn shell(doc: &Document) -> Evidence {
    Evidence {
        source: doc.source(),
        document: DocumentInfo {
            kind: doc.kind,
            api_version: None,
            name: None,
            uid: None,
            payload_pointer: doc.payload_pointer(),
        },
        line: doc.line,
        layers: doc.layers.clone(),
        predicate_type: None,
        subjects: Vec::new(),
        builder_id: None,
        build_type: None,
        build_source: None,
        materials: Vec::new(),
        build_started_on: None,
        build_finished_on: None,
        invocation_id: None,
        signatures: signature_material(doc),
        certified: None,
        steps: Vec::new(),
        notes: Vec::new(),
    }
}

/// The steps a Tekton object joined, built into `ev`; then runtime images
/// recorded as materials related to the steps.
fn finish(ev: &mut Evidence, extracted: Option<tekton::Extracted>) -> Result<(), NormalizeError> {
    if let Some(extracted) = extracted {
        let (steps, notes) = extracted.build()?;
        ev.steps = steps;
        ev.notes = notes;
    }
    runtime_materials::account(ev, &[]);
    Ok(())
}

/// The Evidence of `doc`, but for a Tekton object's steps: joined, not yet
/// built (see [`finish`]).
fn read(
    doc: &Document,
    limits: &Limits,
) -> Result<(Evidence, Option<tekton::Extracted>), NormalizeError> {
    if let Some(e) = &doc.unread {
        return Err(NormalizeError::Unread(e.to_string()));
    }
    let max_steps = limits.max_steps;
    let mut extracted = None;
    let mut ev = shell(doc);
    match doc.kind {
        DocumentKind::TektonTaskRun | DocumentKind::TektonPipelineRun => {
            // Pointers name places in the file: an item of a List starts at /items/i.
            let root = &doc.base;
            tekton_header(doc, &mut ev)?;
            extracted = Some(
                match doc.kind {
                    DocumentKind::TektonPipelineRun => {
                        tekton::pipeline_run(&doc.name, &doc.value, root, max_steps)
                    }
                    _ => tekton::task_run(&doc.name, &doc.value, root, max_steps),
                }
                .map_err(|e| relocate(doc, root, e))?,
            );
        }
        DocumentKind::BuildkitBuildInfo => buildinfo::build_info(doc, &mut ev)?,
        DocumentKind::InTotoStatement
        | DocumentKind::DsseEnvelope
        | DocumentKind::SigstoreBundle => {
            if doc.kind == DocumentKind::InTotoStatement || doc.envelope.is_some() {
                slsa::statement(doc, &mut ev, max_steps)?;
            } else {
                ev.notes.push(Note::new(
                    NoteCode::NoStatement,
                    "the bundle signs an artifact digest (messageSignature): it carries \
                              no statement, so no subjects or provenance"
                        .to_owned(),
                    doc.value_pointer().key("messageSignature"),
                ));
            }
        }
    }
    Ok((ev, extracted))
}

/// What signature material the document carried (counted, not verified).
fn signature_material(doc: &Document) -> Option<SignatureMaterial> {
    if doc.envelope.is_none() && doc.bundle.is_none() {
        return None;
    }
    let mut m = SignatureMaterial::default();
    if let Some(env) = &doc.envelope {
        m.envelope_signatures = env.signatures.len();
        m.key_ids = env
            .signatures
            .iter()
            .filter_map(|s| s.keyid.clone())
            .filter(|k| !k.is_empty())
            .collect();
    }
    if let Some(bundle) = &doc.bundle {
        let vm = &bundle.verification_material;
        let count = |v: Option<&serde_json::Value>| {
            v.and_then(serde_json::Value::as_array).map_or(0, Vec::len)
        };
        m.bundle_media_type = Some(bundle.media_type.clone());
        m.certificate = vm.get("certificate").is_some_and(|c| !c.is_null())
            || count(vm.pointer("/x509CertificateChain/certificates")) > 0;
        m.public_key = vm.get("publicKey").is_some_and(|k| !k.is_null());
        m.tlog_entries = count(vm.get("tlogEntries"));
        m.rfc3161_timestamps = count(vm.pointer("/timestampVerificationData/rfc3161Timestamps"));
        m.message_signature = bundle.message_signature.is_some();
    }
    Some(m)
}

/// Deserialize `value` (found at `base` in `doc`'s value) into `T`; a shape
/// error names the full pointer, the JSON-lines line and the payload layer.
pub(crate) fn typed_at<'a, T: Deserialize<'a>>(
    doc: &Document,
    value: &'a serde_json::Value,
    base: &JsonPointer,
) -> Result<T, NormalizeError> {
    tekton::typed(&doc.name, value).map_err(|e| relocate(doc, base, e))
}

/// Put a shape error found inside a sub-value at `base` into `doc`'s frame.
pub(crate) fn relocate(doc: &Document, base: &JsonPointer, e: NormalizeError) -> NormalizeError {
    match e {
        NormalizeError::Shape { at, message } => NormalizeError::Shape {
            at: doc.location(base.join(&at.pointer)),
            message,
        },
        other @ (NormalizeError::NotARun { .. }
        | NormalizeError::TooManySteps { .. }
        | NormalizeError::Unread(_)) => other,
    }
}
