//! Runtime ImageIDs: what the container runtime says it ran.
//!
//! Runtimes disagree on the format, and the value may name another
//! repository than the one asked for (CRI-O deduplicates images by content)
//! or carry only an image *config* digest, which no registry serves as a
//! manifest. This module keeps the raw text and states what is known, so
//! that nothing downstream mistakes an ImageID for a trusted reference.
//!
//! | form | example | digest kind |
//! |---|---|---|
//! | `docker-pullable://REF@DIGEST` | Docker via dockershim | manifest |
//! | `docker://sha256:HEX` | Docker image ID | config |
//! | `oci://…` | newer Tekton Chains copies | as the body says |
//! | `REF@DIGEST` | containerd, CRI-O repo digest | manifest |
//! | `sha256:HEX` | image ID | config |
//! | bare 64 hex | CRI-O image ID | config |
//! | `REF` (no digest) | test fixtures, odd runtimes | none |
//! | empty | not reported | none |
//!
//! Anything else is [`ImageIdForm::Unrecognized`], never an error.

use std::fmt;

use serde::Serialize;

use super::digest::Digest;
use super::image_ref::{is_hex64, ImageRef};

/// A parsed runtime ImageID. The raw text is kept as the document has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageId {
    /// The text exactly as the document has it.
    pub raw: String,
    /// The URI-like scheme, when there is one (`docker-pullable`, `docker`, `oci`).
    pub scheme: Option<String>,
    /// What the text after the scheme is.
    pub form: ImageIdForm,
    /// The repository the runtime named (normalized), if any. It may differ
    /// from the declared one: it is what the node had, not what was asked for.
    pub repository: Option<String>,
    /// The digest, if any.
    pub digest: Option<Digest>,
    /// Whether [`Self::digest`] is a manifest digest or only an image config ID.
    pub digest_kind: Option<DigestKind>,
    /// Why the text was not recognized (only for [`ImageIdForm::Unrecognized`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The shape of an ImageID's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageIdForm {
    /// `REF@DIGEST`: a repository and its manifest digest.
    RepoDigest,
    /// `sha256:HEX`: an image (config) digest.
    ConfigDigest,
    /// 64 hex characters: an image (config) ID, sha256 implied.
    BareHex,
    /// A reference with no digest: nothing about content is known.
    Reference,
    /// The empty string: the runtime reported nothing.
    Empty,
    /// Text in none of the known forms.
    Unrecognized,
}

/// What a digest identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigestKind {
    /// The digest of a manifest (or index): what a registry serves and what a
    /// declared `@digest` names.
    Manifest,
    /// The digest of an image config (the image ID): not comparable with a
    /// manifest digest.
    Config,
}

/// Schemes runtimes put in front of an ImageID.
const SCHEMES: [&str; 3] = ["docker-pullable", "docker", "oci"];

/// Digest algorithms the OCI image spec registers.
const REGISTERED: [&str; 4] = ["sha256", "sha384", "sha512", "blake3"];

impl ImageId {
    /// Classify `raw`. Never fails: unknown text is [`ImageIdForm::Unrecognized`].
    pub fn parse(raw: &str) -> Self {
        let mut id = Self {
            raw: raw.to_owned(),
            scheme: None,
            form: ImageIdForm::Unrecognized,
            repository: None,
            digest: None,
            digest_kind: None,
            problem: None,
        };
        let body = match raw.split_once("://") {
            Some((scheme, body)) if SCHEMES.contains(&scheme) => {
                id.scheme = Some(scheme.to_owned());
                body
            }
            Some((scheme, _)) => {
                id.problem = Some(format!("unknown scheme {scheme:?}"));
                return id;
            }
            None => raw,
        };
        id.classify_body(body);
        id
    }

    fn classify_body(&mut self, body: &str) {
        if body.is_empty() {
            self.form = ImageIdForm::Empty;
            return;
        }
        if is_hex64(body) {
            self.form = ImageIdForm::BareHex;
            self.digest = format!("sha256:{body}").parse().ok();
            self.digest_kind = Some(DigestKind::Config);
            return;
        }
        // `sha256:HEX` also parses as the reference `docker.io/library/sha256:HEX`:
        // look for a registered-algorithm digest first.
        let algorithm = body.split_once(':').map(|(a, _)| a);
        if !body.contains(['/', '@']) && algorithm.is_some_and(|a| REGISTERED.contains(&a)) {
            match body.parse::<Digest>() {
                Ok(digest) => {
                    self.form = ImageIdForm::ConfigDigest;
                    self.digest = Some(digest);
                    self.digest_kind = Some(DigestKind::Config);
                }
                Err(e) => self.problem = Some(e.to_string()),
            }
            return;
        }
        match body.parse::<ImageRef>() {
            Ok(reference) => {
                self.repository = Some(reference.repository());
                if let Some(digest) = reference.digest() {
                    self.form = ImageIdForm::RepoDigest;
                    self.digest = Some(digest.clone());
                    self.digest_kind = Some(DigestKind::Manifest);
                } else {
                    self.form = ImageIdForm::Reference;
                }
            }
            Err(e) => self.problem = Some(e.to_string()),
        }
    }

    /// The manifest digest, if the runtime reported one.
    pub fn manifest_digest(&self) -> Option<&Digest> {
        match self.digest_kind {
            Some(DigestKind::Manifest) => self.digest.as_ref(),
            _ => None,
        }
    }
}

impl fmt::Display for ImageIdForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RepoDigest => "repo-digest",
            Self::ConfigDigest => "config-digest",
            Self::BareHex => "bare-hex",
            Self::Reference => "reference",
            Self::Empty => "empty",
            Self::Unrecognized => "unrecognized",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "895ab622e92e18d6b461d671081757af7dbaa3b00e3e28e12505af7817f73649";

    #[test]
    fn every_runtime_format() {
        use DigestKind::{Config, Manifest};
        use ImageIdForm::*;
        // (raw, scheme, form, repository, digest kind)
        type Row = (
            String,
            Option<&'static str>,
            ImageIdForm,
            Option<&'static str>,
            Option<DigestKind>,
        );
        let cases: Vec<Row> = vec![
            (
                format!("docker-pullable://busybox@sha256:{H}"),
                Some("docker-pullable"),
                RepoDigest,
                Some("docker.io/library/busybox"),
                Some(Manifest),
            ),
            (
                format!("docker-pullable://gcr.io/t/t@sha256:{H}"),
                Some("docker-pullable"),
                RepoDigest,
                Some("gcr.io/t/t"),
                Some(Manifest),
            ),
            (
                format!("docker://sha256:{H}"),
                Some("docker"),
                ConfigDigest,
                None,
                Some(Config),
            ),
            (
                format!("oci://gcr.io/t/t@sha256:{H}"),
                Some("oci"),
                RepoDigest,
                Some("gcr.io/t/t"),
                Some(Manifest),
            ),
            (
                format!("quay.io/a/b@sha256:{H}"),
                None,
                RepoDigest,
                Some("quay.io/a/b"),
                Some(Manifest),
            ),
            (
                format!("quay.io/a/b:v1@sha256:{H}"),
                None,
                RepoDigest,
                Some("quay.io/a/b"),
                Some(Manifest),
            ),
            (
                format!("sha256:{H}"),
                None,
                ConfigDigest,
                None,
                Some(Config),
            ),
            (H.to_owned(), None, BareHex, None, Some(Config)),
            (
                "test.io/test/build-image".into(),
                None,
                Reference,
                Some("test.io/test/build-image"),
                None,
            ),
            (String::new(), None, Empty, None, None),
            (
                "docker-pullable://".into(),
                Some("docker-pullable"),
                Empty,
                None,
                None,
            ),
            ("containerd://x".into(), None, Unrecognized, None, None),
            ("not an image!".into(), None, Unrecognized, None, None),
            (
                format!("sha256:{}", H.to_uppercase()),
                None,
                Unrecognized,
                None,
                None,
            ),
            (
                format!("sha256:{}", &H[1..]),
                None,
                Unrecognized,
                None,
                None,
            ),
            (
                format!("docker-pullable://Busybox@sha256:{H}"),
                Some("docker-pullable"),
                Unrecognized,
                None,
                None,
            ),
        ];
        for (raw, scheme, form, repo, kind) in cases {
            let id = ImageId::parse(&raw);
            assert_eq!(id.raw, raw);
            assert_eq!(id.scheme.as_deref(), scheme, "{raw}");
            assert_eq!(id.form, form, "{raw}");
            assert_eq!(id.repository.as_deref(), repo, "{raw}");
            assert_eq!(id.digest_kind, kind, "{raw}");
            assert_eq!(id.digest.is_some(), kind.is_some(), "{raw}");
            assert_eq!(id.problem.is_some(), form == Unrecognized, "{raw}");
        }
    }

    #[test]
    fn bare_hex_is_a_sha256_config_id() {
        let id = ImageId::parse(H);
        assert_eq!(id.digest.unwrap().to_string(), format!("sha256:{H}"));
        assert!(ImageId::parse(H).manifest_digest().is_none());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_keeps_raw(s in "\\PC{0,100}") {
            let id = ImageId::parse(&s);
            proptest::prop_assert_eq!(id.raw, s);
        }
    }
}
