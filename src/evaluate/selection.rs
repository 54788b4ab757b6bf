//! Which attestations a run judges, by predicate type, as cosign's
//! `--type` selects them: a verified statement of another type is
//! `skipped` (not judged, no effect on the verdict).
//!
//! The selection is every `--predicate-type` given and every policy's
//! `predicate_types.allow`, each a requirement of its own (a statement must
//! be in all of them). With neither, it is SLSA provenance (v0.1, v0.2,
//! v1.0).

use std::collections::BTreeSet;

/// SLSA provenance, the default selection.
pub const SLSA_PROVENANCE: [&str; 3] = [
    "https://slsa.dev/provenance/v0.1",
    "https://slsa.dev/provenance/v0.2",
    "https://slsa.dev/provenance/v1",
];

/// cosign's short names for predicate types (`cosign verify-attestation
/// --type`).
const SHORT_NAMES: [(&str, &str); 11] = [
    ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
    ("spdx", "https://spdx.dev/Document"),
    ("spdxjson", "https://spdx.dev/Document"),
    ("cyclonedx", "https://cyclonedx.org/bom"),
    ("link", "https://in-toto.io/Link/v1"),
    ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
    ("openvex", "https://openvex.dev/ns"),
    ("custom", "https://cosign.sigstore.dev/attestation/v1"),
    ("vsa", crate::evaluate::vsa::VSA_PREDICATE_TYPE),
];

/// The predicate type a `--predicate-type` value names: a cosign short
/// name, or a URI as it is; `None` for anything else.
pub fn predicate_type(name: &str) -> Option<String> {
    if let Some((_, uri)) = SHORT_NAMES.iter().find(|(short, _)| *short == name) {
        return Some((*uri).to_owned());
    }
    name.contains("://").then(|| name.to_owned())
}

/// The predicate types a run judges; with no requirement (the default),
/// SLSA provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Each requirement: a set a selected type must be in.
    requirements: Vec<(String, BTreeSet<String>)>,
}

impl Selection {
    /// Add a requirement: `types`, named `by` (`--predicate-type`, or a
    /// policy file) in the reason a statement is skipped.
    pub fn require(&mut self, by: &str, types: impl IntoIterator<Item = String>) {
        self.requirements
            .push((by.to_owned(), types.into_iter().collect()));
    }

    /// Whether a statement of `predicate_type` is judged.
    pub fn selects(&self, predicate_type: &str) -> bool {
        if self.requirements.is_empty() {
            return SLSA_PROVENANCE.contains(&predicate_type);
        }
        self.requirements
            .iter()
            .all(|(_, types)| types.contains(predicate_type))
    }

    /// Why a statement of `predicate_type` is skipped, naming what selects it.
    pub fn why_skipped(&self, predicate_type: &str) -> String {
        let by: Vec<&str> = self
            .requirements
            .iter()
            .filter(|(_, types)| !types.contains(predicate_type))
            .map(|(by, _)| by.as_str())
            .collect();
        if by.is_empty() {
            format!(
                "not selected: predicate type {predicate_type} is not SLSA provenance, which is judged by default; select it with --predicate-type {predicate_type}"
            )
        } else {
            format!(
                "not selected: predicate type {predicate_type} is not in the selection of {}; add it there to judge it",
                by.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_table() {
        let mut flags = Selection::default();
        assert!(flags.selects("https://slsa.dev/provenance/v1"));
        assert!(!flags.selects("https://spdx.dev/Document"));
        assert!(flags
            .why_skipped("https://spdx.dev/Document")
            .contains("--predicate-type"));
        flags.require("--predicate-type", [predicate_type("spdxjson").unwrap()]);
        assert!(flags.selects("https://spdx.dev/Document"));
        assert!(!flags.selects("https://slsa.dev/provenance/v1"));
        // Each requirement must hold.
        flags.require("p.yaml", ["https://slsa.dev/provenance/v1".to_owned()]);
        assert!(!flags.selects("https://spdx.dev/Document"));
        assert!(flags
            .why_skipped("https://spdx.dev/Document")
            .contains("p.yaml"));
        assert_eq!(
            predicate_type("slsaprovenance1").as_deref(),
            Some("https://slsa.dev/provenance/v1")
        );
        assert_eq!(predicate_type("nonsense"), None);
        assert_eq!(
            predicate_type("https://x.example/t").as_deref(),
            Some("https://x.example/t")
        );
    }
}
