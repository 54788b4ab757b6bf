//! BuildKit build info → materials: one per source BuildKit recorded
//! (`sources`, and those of named build contexts under `deps`), with its
//! `ref` as the URI and its `pin` as the digest set.
//!
//! An image source (`docker-image`) is the reference the build requested
//! (BuildKit writes it normalized, `docker.io/library/alpine:3.13`) with the
//! digest BuildKit resolved it to: origin `resolved`, as in BuildKit's SLSA
//! provenance. A build info records no steps, builder or build time.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::tekton::nullable;
use super::typed_at;
use crate::error::{JsonPointer, NormalizeError};
use crate::evidence::{Evidence, ImageOrigin, Material, MaterialImage, Note, NoteCode};
use crate::ingest::Document;
use crate::oci::digest::sha2_text;
use crate::oci::image_ref::ImageRef;

#[derive(Deserialize, Default)]
struct BuildInfo {
    #[serde(default, deserialize_with = "nullable")]
    sources: Vec<Source>,
    #[serde(default, deserialize_with = "nullable")]
    deps: BTreeMap<String, BuildInfo>,
}

#[derive(Deserialize, Default)]
struct Source {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    pin: Option<String>,
}

/// Read the build info `doc` holds into `ev`.
pub(crate) fn build_info(doc: &Document, ev: &mut Evidence) -> Result<(), NormalizeError> {
    let info: BuildInfo = typed_at(doc, &doc.value, &doc.base)?;
    collect(&info, &doc.base, ev);
    Ok(())
}

fn collect(info: &BuildInfo, ptr: &JsonPointer, ev: &mut Evidence) {
    for (i, source) in info.sources.iter().enumerate() {
        let pointer = ptr.key("sources").index(i);
        let digest = source
            .pin
            .as_deref()
            .and_then(|pin| digest_set(source.kind.as_deref(), pin))
            .unwrap_or_default();
        if digest.is_empty() {
            ev.notes.push(Note::new(
                NoteCode::UnpinnedSource,
                match &source.pin {
                    Some(pin) => format!("the source's pin {pin:?} is not a digest"),
                    None => "BuildKit recorded no pin (digest) for this source".to_owned(),
                },
                pointer.clone(),
            ));
        }
        let image = match source.kind.as_deref() {
            Some("docker-image") => Some(image(source.reference.as_deref(), source.pin.as_deref())),
            // An image read from a local OCI layout names no registry.
            Some("oci-layout") => Some(MaterialImage {
                origin: ImageOrigin::OciLayout,
                problem: None,
                ..image(None, source.pin.as_deref())
            }),
            _ => None,
        };
        ev.materials.push(Material {
            uri: source.reference.clone(),
            digest,
            image,
            pointer,
        });
    }
    for (name, dep) in &info.deps {
        collect(dep, &ptr.key("deps").key(name), ev);
    }
}

/// A pin as a digest set: `algorithm:hex` as written (images, HTTP
/// sources); a Git commit by its length (40 hex: SHA-1, 64: SHA-256).
fn digest_set(kind: Option<&str>, pin: &str) -> Option<BTreeMap<String, String>> {
    let (algorithm, hex) = match pin.split_once(':') {
        Some((algorithm, hex)) => (algorithm, hex),
        None if kind == Some("git") && pin.bytes().all(|b| b.is_ascii_hexdigit()) => {
            match pin.len() {
                40 => ("sha1", pin),
                64 => ("sha256", pin),
                _ => return None,
            }
        }
        None => return None,
    };
    if algorithm.is_empty() || hex.is_empty() {
        return None;
    }
    Some(BTreeMap::from([(algorithm.to_owned(), hex.to_owned())]))
}

fn image(reference: Option<&str>, pin: Option<&str>) -> MaterialImage {
    let mut image = MaterialImage {
        origin: ImageOrigin::Resolved,
        reference: None,
        repository: None,
        tag: None,
        digest: pin
            .and_then(|p| p.split_once(':'))
            .and_then(|(algorithm, hex)| sha2_text(algorithm, hex)),
        platform: None,
        problem: None,
        trusted_reference: None,
    };
    match reference.map(str::parse::<ImageRef>) {
        Some(Ok(r)) => {
            image.repository = Some(r.repository());
            image.tag = r.tag().map(str::to_owned);
            image.reference = Some(r.as_str().to_owned());
            image.trusted_reference = r.pinned();
        }
        Some(Err(e)) => image.problem = Some(e.to_string()),
        None => image.problem = Some("the source has no ref".to_owned()),
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_become_digest_sets() {
        let hex64 = "1d30d1ba3cb90962067e9b29491fbd56997979d54376f23f01448b5c5cd8b462";
        let sha1 = "259a5aa5aa5bb3562d12cc631fe399f4788642c1";
        let rows = [
            (
                Some("docker-image"),
                format!("sha256:{hex64}"),
                Some(("sha256", hex64)),
            ),
            (
                Some("http"),
                format!("sha256:{hex64}"),
                Some(("sha256", hex64)),
            ),
            (Some("git"), sha1.to_owned(), Some(("sha1", sha1))),
            (Some("git"), hex64.to_owned(), Some(("sha256", hex64))),
            // A bare hex pin is a Git commit only for a Git source.
            (Some("docker-image"), hex64.to_owned(), None),
            (Some("git"), "main".to_owned(), None),
            (Some("git"), "abc123".to_owned(), None),
            (Some("http"), "sha256:".to_owned(), None),
        ];
        for (kind, pin, want) in rows {
            let want = want.map(|(a, h)| BTreeMap::from([(a.to_owned(), h.to_owned())]));
            assert_eq!(digest_set(kind, &pin), want, "{kind:?} {pin}");
        }
    }

    #[test]
    fn image_sources_are_requested_references_with_resolved_digests() {
        let hex = "a652ced4a4141977c7daaed0a074dcd9844a78d7d2615465b12f433ae6dd29f0";
        let pin = format!("sha256:{hex}");
        let tagged = image(Some("docker.io/library/alpine:3.13"), Some(&pin));
        assert_eq!(tagged.origin, ImageOrigin::Resolved);
        assert_eq!(
            tagged.reference.as_deref(),
            Some("docker.io/library/alpine:3.13")
        );
        assert_eq!(
            tagged.repository.as_deref(),
            Some("docker.io/library/alpine")
        );
        assert_eq!(tagged.tag.as_deref(), Some("3.13"));
        assert_eq!(tagged.digest.as_deref(), Some(pin.as_str()));

        let pinned = format!("docker.io/docker/buildx-bin:0.6.1@{pin}");
        let by_digest = image(Some(&pinned), Some(&pin));
        assert_eq!(by_digest.reference.as_deref(), Some(pinned.as_str()));

        let bad = image(Some("docker.io/Library/alpine"), Some("sha256:short"));
        assert_eq!((bad.reference, bad.digest), (None, None));
        assert!(bad.problem.unwrap().contains("must be lowercase"));
        assert_eq!(
            image(None, None).problem.as_deref(),
            Some("the source has no ref")
        );
    }
}
