//! Runtime images recorded as materials (Tekton Chains copies each step's
//! runtime ImageID into its materials or resolved dependencies, without
//! saying which step ran it), related to the steps by digest.
//!
//! A material is accounted for by every step whose runtime ImageID, trusted
//! reference, or (through an image index given with `--index`) declared
//! index lists its digest: the step's results then cite it
//! (`pointers.materials`). A runtime image no step accounts for is an image
//! that ran and that no declared reference covers: a `not judged` note
//! (`runtime-image-not-declared`), so rules that judge images say `unknown`
//! for it. A runtime ImageID is never trusted as a reference.

use std::collections::HashMap;

use crate::evidence::{DeclaredImage, Evidence, ImageOrigin, Note, NoteCode};
use crate::ingest::ImageIndex;

/// Relate `ev`'s runtime-image materials to its steps (again, from
/// scratch: combining evidence can add declared digests).
pub(crate) fn account(ev: &mut Evidence, indexes: &[ImageIndex]) {
    ev.notes
        .retain(|n| n.code != NoteCode::RuntimeImageNotDeclared);
    for step in &mut ev.steps {
        step.pointers.materials.clear();
    }
    let runtime_materials: Vec<usize> = ev
        .materials
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.image
                .as_ref()
                .is_some_and(|i| i.origin == ImageOrigin::RuntimeImageId)
        })
        .map(|(i, _)| i)
        .collect();
    if runtime_materials.is_empty() {
        return;
    }
    // Digest → the steps that account for it.
    let mut steps_by_digest: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, step) in ev.steps.iter().enumerate() {
        let mut digests: Vec<String> = Vec::new();
        if let Some(d) = step.runtime.as_ref().and_then(|r| r.digest.as_ref()) {
            digests.push(d.as_str().to_ascii_lowercase());
        }
        if let Some(declared) = step.declared.as_ref().and_then(DeclaredImage::digest) {
            let declared = declared.to_ascii_lowercase();
            // A declared index's platform manifests, when the index is given.
            for index in indexes
                .iter()
                .filter(|x| x.digest.as_str().eq_ignore_ascii_case(&declared))
            {
                digests.extend(
                    index
                        .manifests
                        .iter()
                        .map(|e| e.digest.as_str().to_ascii_lowercase()),
                );
            }
            digests.push(declared);
        }
        digests.sort_unstable();
        digests.dedup();
        for d in digests {
            steps_by_digest.entry(d).or_default().push(i);
        }
    }
    for m in runtime_materials {
        let Some(material) = ev.materials.get(m) else {
            continue;
        };
        let digest = material
            .image
            .as_ref()
            .and_then(|i| i.digest.as_deref())
            .map(str::to_ascii_lowercase);
        let accounting = digest.as_ref().and_then(|d| steps_by_digest.get(d));
        match accounting {
            Some(steps) => {
                let pointer = material.pointer.clone();
                for &s in steps {
                    if let Some(step) = ev.steps.get_mut(s) {
                        step.pointers.materials.push(pointer.clone());
                    }
                }
            }
            None => {
                let what = material.uri.as_deref().unwrap_or("(no uri)");
                let note = Note::new(
                    NoteCode::RuntimeImageNotDeclared,
                    format!(
                        "the runtime image {what} ran, and no step declares or ran its digest: \
                         a runtime ImageID is never trusted as a reference"
                    ),
                    material.pointer.clone(),
                );
                ev.notes.push(note);
            }
        }
    }
}
