//! The trusted-reference decision table and runtime corroboration
//! (`docs/src/concepts.md`, "The trusted reference").
//!
//! | declared | trusted reference | status |
//! |---|---|---|
//! | has a digest | `registry/repository@digest`, tag dropped | `pinned` |
//! | tag only, or bare name | none | `unpinned` |
//! | absent (only the runtime ImageID known) | none | `undeclared` |
//! | present but not a valid reference | none | `invalid` |
//!
//! A trusted reference is never derived from the runtime ImageID, and the
//! runtime digest is never combined with the declared repository.

pub use crate::evidence::{Corroboration, Declared, Pinning, TrustStatus};
use crate::oci::image_id::{DigestKind, ImageId};
use crate::oci::image_ref::ImageRef;
use crate::text::quoted;

/// The outcome of the decision table for one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The canonical `registry/repository@digest`, when pinned.
    pub trusted_reference: Option<String>,
    /// Status and reason.
    pub trust: Pinning,
    /// Set only when there is a trusted reference.
    pub corroboration: Option<Corroboration>,
}

/// Apply the decision table to a step's declared and runtime images.
pub fn decide(declared: Option<&Declared>, runtime: Option<&ImageId>) -> Decision {
    let (trusted, status, reason) = match declared {
        None => (
            None,
            TrustStatus::Undeclared,
            "no declared image: a runtime ImageID is never trusted as a reference".to_owned(),
        ),
        Some(Declared::Unresolved(var)) => (
            None,
            TrustStatus::Invalid,
            format!("declared image holds the unresolved variable {var}"),
        ),
        Some(Declared::Invalid(e)) => (None, TrustStatus::Invalid, e.to_string()),
        // Concatenated, not formatted: this runs for every step.
        Some(Declared::Ref(r)) => match (r.pinned(), r.digest()) {
            // A digest whose algorithm the OCI image spec does not register
            // (`md5:…`, `foo:…`) is well-formed but pins nothing a registry
            // verifies: content is not identified.
            (None, Some(d)) => (
                None,
                TrustStatus::Unpinned,
                [
                    "declared by digest ",
                    d.as_str(),
                    " whose algorithm ",
                    &quoted(d.algorithm()),
                    " is not one the OCI image spec registers (sha256, sha384, sha512, blake3): \
                     it pins nothing a registry verifies",
                ]
                .concat(),
            ),
            (Some(pinned), Some(d)) => {
                let reason = match r.tag() {
                    Some(tag) => [
                        "declared by digest ",
                        d.as_str(),
                        "; tag ",
                        &quoted(tag),
                        " dropped",
                    ]
                    .concat(),
                    None => ["declared by digest ", d.as_str()].concat(),
                };
                (Some(pinned), TrustStatus::Pinned, reason)
            }
            _ => {
                let reason = match r.tag() {
                    Some(tag) => [
                        "declared by tag ",
                        &quoted(tag),
                        " only: a tag can be repointed",
                    ]
                    .concat(),
                    None => "declared by name only, which means :latest: content not identified"
                        .to_owned(),
                };
                (None, TrustStatus::Unpinned, reason)
            }
        },
    };
    let corroboration = match (trusted.is_some(), declared) {
        (true, Some(Declared::Ref(r))) => Some(corroborate(r, runtime)),
        _ => None,
    };
    Decision {
        trusted_reference: trusted,
        trust: Pinning { status, reason },
        corroboration,
    }
}

fn corroborate(declared: &ImageRef, runtime: Option<&ImageId>) -> Corroboration {
    let Some(runtime) = runtime else {
        return Corroboration::Absent;
    };
    let (Some(want), Some(got), Some(DigestKind::Manifest)) = (
        declared.digest(),
        runtime.digest.as_ref(),
        runtime.digest_kind,
    ) else {
        return Corroboration::Incomparable;
    };
    if want.algorithm() != got.algorithm() {
        Corroboration::Incomparable
    } else if want.encoded() == got.encoded() {
        Corroboration::Match
    } else {
        Corroboration::Mismatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn run(declared: Option<&str>, runtime: Option<&str>) -> Decision {
        let d = declared.map(Declared::parse);
        let r = runtime.map(ImageId::parse);
        decide(d.as_ref(), r.as_ref())
    }

    /// the concepts page's trusted-reference table, row by row.
    #[test]
    fn trusted_reference_table() {
        let pinned = format!("quay.io/acme/tool@sha256:{A}");
        let rows: Vec<(Option<String>, Option<String>, TrustStatus)> = vec![
            // has a digest → registry/repository@digest
            (
                Some(format!("quay.io/acme/tool@sha256:{A}")),
                Some(pinned.clone()),
                TrustStatus::Pinned,
            ),
            // repo:tag@digest → tag dropped
            (
                Some(format!("quay.io/acme/tool:v1@sha256:{A}")),
                Some(pinned.clone()),
                TrustStatus::Pinned,
            ),
            // familiar name with digest → fully normalized
            (
                Some(format!("alpine@sha256:{A}")),
                Some(format!("docker.io/library/alpine@sha256:{A}")),
                TrustStatus::Pinned,
            ),
            // sha512 and blake3 are registered digests too
            (
                Some(format!("quay.io/acme/tool@blake3:{A}")),
                Some(format!("quay.io/acme/tool@blake3:{A}")),
                TrustStatus::Pinned,
            ),
            // a digest the OCI image spec does not register pins nothing
            (
                Some(format!("alpine@md5:{}", &A[..32])),
                None,
                TrustStatus::Unpinned,
            ),
            (
                Some(format!("quay.io/acme/tool:v1@a.b-c_d+e:{A}")),
                None,
                TrustStatus::Unpinned,
            ),
            // tag only → none
            (
                Some("quay.io/acme/tool:v1".into()),
                None,
                TrustStatus::Unpinned,
            ),
            // bare name (= :latest) → none
            (Some("alpine".into()), None, TrustStatus::Unpinned),
            // absent → none (runtime-only)
            (None, None, TrustStatus::Undeclared),
            // invalid → none
            (
                Some("quay.io/Acme/tool@sha256:abc".into()),
                None,
                TrustStatus::Invalid,
            ),
            // unresolved Tekton variable → none
            (
                Some("$(params.gitInitImage)".into()),
                None,
                TrustStatus::Invalid,
            ),
        ];
        for (declared, want, status) in rows {
            let runtime = format!("docker-pullable://evil.io/x@sha256:{A}");
            let d = run(declared.as_deref(), Some(&runtime));
            assert_eq!(d.trusted_reference, want, "{declared:?}");
            assert_eq!(d.trust.status, status, "{declared:?}");
        }
    }

    #[test]
    fn runtime_image_id_is_never_trusted() {
        for runtime in [
            format!("docker-pullable://quay.io/acme/tool@sha256:{A}"),
            format!("quay.io/acme/tool@sha256:{A}"),
            format!("sha256:{A}"),
        ] {
            let d = run(None, Some(&runtime));
            assert_eq!(d.trusted_reference, None);
            assert_eq!(d.corroboration, None);
            // Never combine the runtime digest with the declared repository.
            let d = run(Some("quay.io/acme/tool:v1"), Some(&runtime));
            assert_eq!(d.trusted_reference, None);
        }
    }

    /// the concepts page's corroboration table, row by row (match-via-index needs an
    /// index and lives with the index code).
    #[test]
    fn corroboration_table() {
        let declared = format!("quay.io/acme/tool@sha256:{A}");
        let rows: Vec<(Option<String>, Option<Corroboration>)> = vec![
            (
                Some(format!("docker-pullable://quay.io/acme/tool@sha256:{A}")),
                Some(Corroboration::Match),
            ),
            // another repository with the same digest still matches: CRI-O dedup
            (
                Some(format!("other.io/mirror/tool@sha256:{A}")),
                Some(Corroboration::Match),
            ),
            (
                Some(format!("docker-pullable://quay.io/acme/tool@sha256:{B}")),
                Some(Corroboration::Mismatch),
            ),
            (
                Some(format!("docker://sha256:{A}")),
                Some(Corroboration::Incomparable),
            ),
            (
                Some(format!("sha256:{A}")),
                Some(Corroboration::Incomparable),
            ),
            (Some(A.to_owned()), Some(Corroboration::Incomparable)),
            (Some("garbage!".into()), Some(Corroboration::Incomparable)),
            (
                Some(format!("quay.io/acme/tool@sha512:{}", "c".repeat(128))),
                Some(Corroboration::Incomparable),
            ),
            (None, Some(Corroboration::Absent)),
        ];
        for (runtime, want) in rows {
            let d = run(Some(&declared), runtime.as_deref());
            assert_eq!(d.corroboration, want, "{runtime:?}");
        }
        // no trusted reference → not applicable
        assert_eq!(
            run(Some("alpine:3"), Some(&format!("sha256:{A}"))).corroboration,
            None
        );
    }
}
