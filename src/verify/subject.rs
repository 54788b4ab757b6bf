//! Subjects: the statement must name the artifact the user is about to
//! release (`--digest ALG:HEX`, `--artifact FILE`, `--image REF@DIGEST`).
//!
//! Statements are read from the verified payload bytes, strictly (duplicate
//! keys rejected), never from re-serialized JSON.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;
use sigstore_types::HashAlgorithm;
use sigstore_verify::crypto::ArtifactHasher;

use super::TrustError;
use crate::evaluate::{RuleResult, Status};
use crate::oci::image_ref::ImageRef;

/// The rule id of subject results.
pub(crate) const RULE: &str = crate::results::RuleId::Subject.as_str();

/// One `ALG:HEX` digest, lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubjectDigest {
    pub(crate) algorithm: String,
    pub(crate) hex: String,
}

impl SubjectDigest {
    /// Parse `ALG:HEX` (`sha256:…`, `sha512:…`, …).
    pub(crate) fn parse(text: &str) -> Result<Self, TrustError> {
        let bad = |reason: &str| TrustError::Digest {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (alg, hex) = text
            .split_once(':')
            .ok_or_else(|| bad("expected ALG:HEX, e.g. sha256:<64 hex digits>"))?;
        let alg = alg.to_ascii_lowercase();
        if alg.is_empty()
            || !alg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad("the algorithm must be a name like sha256"));
        }
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("the digest must be hexadecimal"));
        }
        // The lengths of the fixed-size algorithms of in-toto's digest set.
        let want = match alg.as_str() {
            "md5" => Some(32),
            "sha1" | "ripemd160" => Some(40),
            "sha224" | "sha512_224" | "sha3_224" => Some(56),
            "sha256" | "sha512_256" | "sha3_256" | "sm3" => Some(64),
            "sha384" | "sha3_384" => Some(96),
            "sha512" | "sha3_512" => Some(128),
            _ => None,
        };
        if want.is_some_and(|n| n != hex.len()) {
            return Err(bad(&format!(
                "{alg} takes {} hex digits, found {}",
                want.unwrap_or_default(),
                hex.len()
            )));
        }
        Ok(Self {
            algorithm: alg,
            hex: hex.to_ascii_lowercase(),
        })
    }

    /// The SHA-256 hex, when this is one.
    pub(crate) fn sha256(&self) -> Option<&str> {
        (self.algorithm == "sha256").then_some(self.hex.as_str())
    }
}

impl std::fmt::Display for SubjectDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.hex)
    }
}

/// What the statement must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expected {
    /// `--digest`.
    Digest(SubjectDigest),
    /// `--artifact`: the file's SHA-256, SHA-384 and SHA-512 (one streaming
    /// pass), any of which may be the one the statement uses.
    Artifact {
        file: String,
        digests: Vec<SubjectDigest>,
    },
    /// `--image REF@DIGEST`: the digest, under the same repository.
    Image {
        reference: String,
        repository: String,
        digest: SubjectDigest,
    },
}

impl Expected {
    /// Hash `path` while streaming it.
    pub(crate) fn artifact(path: &Path) -> Result<Self, TrustError> {
        let file = path.display().to_string();
        let read_err = |cause| TrustError::Artifact {
            file: file.clone(),
            cause,
        };
        let mut reader = std::fs::File::open(path).map_err(read_err)?;
        let algorithms = [
            (HashAlgorithm::Sha2256, "sha256"),
            (HashAlgorithm::Sha2384, "sha384"),
            (HashAlgorithm::Sha2512, "sha512"),
        ];
        let mut hashers = Vec::new();
        for (alg, _) in algorithms {
            hashers.push(ArtifactHasher::new(alg).map_err(|e| TrustError::Artifact {
                file: file.clone(),
                cause: std::io::Error::other(e.to_string()),
            })?);
        }
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_err(e)),
            };
            let chunk = buf.get(..n).unwrap_or_default();
            for h in &mut hashers {
                h.update(chunk);
            }
        }
        let digests = hashers
            .into_iter()
            .zip(algorithms)
            .map(|(h, (_, name))| SubjectDigest {
                algorithm: name.to_owned(),
                hex: hex_lower(h.finalize().as_bytes()),
            })
            .collect();
        Ok(Self::Artifact { file, digests })
    }

    /// Parse `REF@ALG:HEX`.
    pub(crate) fn image(text: &str) -> Result<Self, TrustError> {
        let bad = |reason: String| TrustError::Image {
            value: text.to_owned(),
            reason,
        };
        let parsed = ImageRef::from_str(text).map_err(|e| bad(e.to_string()))?;
        let digest = parsed
            .digest()
            .ok_or_else(|| bad("expected REF@DIGEST: a tag does not identify content".into()))?;
        let digest = SubjectDigest::parse(&digest.to_string())?;
        Ok(Self::Image {
            reference: text.to_owned(),
            repository: parsed.repository(),
            digest,
        })
    }

    /// The SHA-256 hex a message-signature bundle would have signed.
    pub(crate) fn sha256(&self) -> Option<&str> {
        match self {
            Self::Digest(d) | Self::Image { digest: d, .. } => d.sha256(),
            Self::Artifact { digests, .. } => digests.iter().find_map(SubjectDigest::sha256),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Digest(d) => d.to_string(),
            Self::Artifact { file, digests } => format!(
                "artifact {file} ({})",
                digests.first().map(ToString::to_string).unwrap_or_default()
            ),
            Self::Image { reference, .. } => format!("image {reference}"),
        }
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// One subject of an in-toto statement.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Subject {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) digest: BTreeMap<String, String>,
}

/// The parts of an in-toto statement (v0.1 or v1) that subjects need.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Statement {
    #[serde(rename = "_type")]
    pub(crate) statement_type: String,
    pub(crate) subject: Vec<Subject>,
}

/// Statement types read.
const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v0.1",
    "https://in-toto.io/Statement/v1",
];

/// Read a payload the ingest stage decoded (strictly, from the exact signed
/// bytes) as an in-toto statement.
pub(crate) fn statement_of(value: &serde_json::Value) -> Result<Statement, String> {
    let statement =
        Statement::deserialize(value).map_err(|e| format!("not an in-toto statement: {e}"))?;
    if !STATEMENT_TYPES.contains(&statement.statement_type.as_str()) {
        return Err(format!(
            "`_type` {:?} is not an in-toto Statement v0.1 or v1",
            statement.statement_type
        ));
    }
    Ok(statement)
}

impl Statement {
    /// The first subject digest sigstore-verify can bind (SHA-256, else
    /// SHA-512), as (algorithm, hex).
    pub(crate) fn bindable_digest(&self) -> Option<(HashAlgorithm, &str)> {
        let find = |alg: &str| {
            self.subject
                .iter()
                .find_map(|s| s.digest.get(alg).map(String::as_str))
        };
        find("sha256")
            .map(|h| (HashAlgorithm::Sha2256, h))
            .or_else(|| find("sha512").map(|h| (HashAlgorithm::Sha2512, h)))
    }
}

/// Digest-set keys compare without case (`--digest gitcommit:…` names
/// in-toto's `gitCommit`); the hex too.
fn names(subject: &Subject, d: &SubjectDigest) -> bool {
    subject
        .digest
        .iter()
        .any(|(alg, h)| alg.eq_ignore_ascii_case(&d.algorithm) && h.eq_ignore_ascii_case(&d.hex))
}

/// Judge one expected subject against a verified statement.
pub(crate) fn check(expected: &Expected, statement: &Statement) -> RuleResult {
    let listed = || {
        statement
            .subject
            .iter()
            .map(|s| s.name.as_deref().unwrap_or("(unnamed)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (status, message) = match expected {
        Expected::Digest(d) => match statement.subject.iter().find(|s| names(s, d)) {
            Some(s) => (
                Status::Pass,
                format!(
                    "{d} is a subject of the statement ({})",
                    s.name.as_deref().unwrap_or("unnamed")
                ),
            ),
            None => (
                Status::Fail,
                format!("{d} is not among the statement's subjects ({})", listed()),
            ),
        },
        Expected::Artifact { file, digests } => {
            let hit = statement
                .subject
                .iter()
                .find_map(|s| digests.iter().find(|d| names(s, d)).map(|d| (s, d)));
            match hit {
                Some((s, d)) => (
                    Status::Pass,
                    format!(
                        "artifact {file} ({d}) is subject {}",
                        s.name.as_deref().unwrap_or("(unnamed)")
                    ),
                ),
                None => (
                    Status::Fail,
                    format!(
                        "artifact {file} ({}) is not among the statement's subjects ({})",
                        digests.first().map(ToString::to_string).unwrap_or_default(),
                        listed()
                    ),
                ),
            }
        }
        Expected::Image {
            reference,
            repository,
            digest,
        } => {
            let with_digest: Vec<&Subject> = statement
                .subject
                .iter()
                .filter(|s| names(s, digest))
                .collect();
            let same_repo = with_digest.iter().find(|s| {
                s.name.as_deref().is_some_and(|n| {
                    ImageRef::from_str(n).is_ok_and(|r| {
                        crate::oci::image_ref::same_repository(&r.repository(), repository)
                    })
                })
            });
            match (same_repo, with_digest.first()) {
                (Some(_), _) => (
                    Status::Pass,
                    format!("image {reference} is a subject of the statement"),
                ),
                (None, Some(other)) => (
                    Status::Fail,
                    format!(
                        "{digest} is a subject, but named {:?}, not repository {repository}",
                        other.name.as_deref().unwrap_or("")
                    ),
                ),
                (None, None) => (
                    Status::Fail,
                    format!(
                        "image {reference} is not among the statement's subjects ({})",
                        listed()
                    ),
                ),
            }
        }
    };
    RuleResult::document(RULE, status, message)
}

/// A subject result that could not be decided.
pub(crate) fn undecided(expected: &Expected, why: &str) -> RuleResult {
    RuleResult::document(
        RULE,
        Status::Unknown,
        format!("{}: not checked: {why}", expected.describe()),
    )
}

/// A subject result that fails for a stated reason.
pub(crate) fn failed(expected: &Expected, why: &str) -> RuleResult {
    RuleResult::document(
        RULE,
        Status::Fail,
        format!("{}: {why}", expected.describe()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    fn statement(subjects: serde_json::Value) -> Statement {
        let doc = serde_json::json!({"_type": "https://in-toto.io/Statement/v1", "subject": subjects,
            "predicateType": "https://slsa.dev/provenance/v1"});
        statement_of(&doc).unwrap()
    }

    #[test]
    fn digest_parsing() {
        assert_eq!(
            SubjectDigest::parse(&format!("SHA256:{}", H.to_uppercase()))
                .unwrap()
                .to_string(),
            format!("sha256:{H}")
        );
        for bad in [
            "sha256",
            "sha256:abc",
            ":abc",
            "sha256:xyz",
            "sh a:00",
            "md5:abc",
            "sha3_256:abc",
        ] {
            assert!(SubjectDigest::parse(bad).is_err(), "{bad}");
        }
        for good in [
            format!("md5:{}", &H[..32]),
            format!("sha512_256:{H}"),
            "gitCommit:abc1".to_owned(),
        ] {
            assert!(SubjectDigest::parse(&good).is_ok(), "{good}");
        }
    }

    #[test]
    fn digest_and_image_table() {
        let st = statement(serde_json::json!([
            {"name": "quay.io/acme/app", "digest": {"sha256": H}},
            {"name": "file.tgz", "digest": {"sha512": "ab"}},
            {"name": "repo", "digest": {"gitCommit": "abc1"}}
        ]));
        let rows = [
            (
                Expected::Digest(SubjectDigest::parse(&format!("sha256:{H}")).unwrap()),
                Status::Pass,
            ),
            (
                Expected::Digest(SubjectDigest::parse("gitCommit:ABC1").unwrap()),
                Status::Pass,
            ),
            (
                Expected::Digest(SubjectDigest::parse("gitCommit:abc2").unwrap()),
                Status::Fail,
            ),
            (
                Expected::Digest(
                    SubjectDigest::parse(&format!("sha256:{}", "0".repeat(64))).unwrap(),
                ),
                Status::Fail,
            ),
            (
                Expected::image(&format!("quay.io/acme/app@sha256:{H}")).unwrap(),
                Status::Pass,
            ),
            (
                Expected::image(&format!("quay.io/acme/app:v1@sha256:{H}")).unwrap(),
                Status::Pass,
            ),
            (
                Expected::image(&format!("quay.io/evil/app@sha256:{H}")).unwrap(),
                Status::Fail,
            ),
            // Hosts compare without case.
            (
                Expected::image(&format!("QUAY.IO/acme/app@sha256:{H}")).unwrap(),
                Status::Pass,
            ),
        ];
        for (expected, want) in rows {
            let r = check(&expected, &st);
            assert_eq!(r.status, want, "{expected:?}: {}", r.message);
        }
        assert!(Expected::image("quay.io/acme/app:v1").is_err());
    }

    #[test]
    fn statements_are_strict() {
        for (value, want) in [
            (serde_json::json!([]), "not an in-toto statement"),
            (
                serde_json::json!({"_type": "x", "subject": []}),
                "is not an in-toto",
            ),
            (
                serde_json::json!({"_type": "https://in-toto.io/Statement/v1"}),
                "missing field `subject`",
            ),
        ] {
            let err = statement_of(&value).unwrap_err();
            assert!(err.contains(want), "{want:?} not in {err}");
        }
    }
}
