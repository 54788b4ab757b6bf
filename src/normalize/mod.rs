//! Normalize: [`Document`] → [`Evidence`].
//!
//! Parses references, digests and ImageIDs, keeps the declared image and the
//! runtime ImageID apart, and applies the trusted-reference decision table.

pub mod digest;
pub mod image_id;
pub mod image_ref;
mod tekton;
pub mod trust;

use crate::error::NormalizeError;
use crate::evidence::{DocumentInfo, Evidence};
use crate::ingest::{Document, DocumentKind};

/// Turn a decoded document into Evidence.
///
/// # Errors
///
/// [`NormalizeError::Shape`] when a value the document kind defines has the
/// wrong type (for example `status.steps` is not a list), naming its pointer.
pub fn normalize(doc: &Document) -> Result<Evidence, NormalizeError> {
    let header: tekton::Header = tekton::typed(&doc.name, &doc.value)?;
    let extracted = match doc.kind {
        DocumentKind::TektonTaskRun => tekton::task_run(&doc.name, &doc.value)?,
        DocumentKind::TektonPipelineRun => tekton::pipeline_run(&doc.name, &doc.value)?,
    };
    Ok(Evidence {
        source: doc.name.clone(),
        document: DocumentInfo {
            kind: doc.kind,
            api_version: header.api_version,
            name: header.metadata.name,
        },
        steps: extracted.steps,
        notes: extracted.notes,
    })
}
