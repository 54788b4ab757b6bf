//! The trusted-reference vocabulary of a step: how its declared image is
//! pinned, and how the runtime ImageID relates to it. The decision table
//! that fills these in is `normalize::trust`.

use serde::Serialize;

use crate::oci::image_ref::{ImageRef, RefError};

/// How far the declared image can be trusted as a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustStatus {
    /// Declared by digest: the trusted reference is set.
    Pinned,
    /// Declared by tag (or bare name, which means `:latest`): content not identified.
    Unpinned,
    /// No declared image: only the runtime ImageID is known, and it is never trusted.
    Undeclared,
    /// The declared image is not a valid reference (or holds an unresolved variable).
    Invalid,
}

/// How a step's image is pinned (the trust status of its declared image),
/// with a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pinning {
    /// The decision table's row.
    pub status: TrustStatus,
    /// Why, in words.
    pub reason: String,
}

/// How the runtime ImageID relates to the trusted reference (informative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Corroboration {
    /// The runtime reported the declared manifest digest.
    Match,
    /// The declared digest is an image index that lists the runtime's platform manifest.
    MatchViaIndex,
    /// The runtime reported another manifest digest: dedup, recompression or
    /// tampering. A finding, not a verdict.
    Mismatch,
    /// The runtime reported only a config ID, another algorithm, or nothing parseable.
    Incomparable,
    /// No runtime ImageID was reported.
    Absent,
}

/// The declared side as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// A valid reference.
    Ref(ImageRef),
    /// Text with an unresolved Tekton variable such as `$(params.image)`.
    Unresolved(String),
    /// Not a valid reference.
    Invalid(RefError),
}

impl Declared {
    /// Parse a declared image string.
    pub fn parse(raw: &str) -> Self {
        // `find('$')` is a memchr; `find("$(")` would set up a substring
        // search for every step.
        let variable = raw
            .match_indices('$')
            .map(|(i, _)| i)
            .find(|&i| raw.as_bytes().get(i + 1) == Some(&b'('));
        if let Some(start) = variable {
            let var = raw
                .get(start..)
                .and_then(|tail| tail.find(')').and_then(|end| tail.get(..=end)))
                .unwrap_or(raw);
            return Self::Unresolved(var.to_owned());
        }
        match raw.parse() {
            Ok(r) => Self::Ref(r),
            Err(e) => Self::Invalid(e),
        }
    }
}
