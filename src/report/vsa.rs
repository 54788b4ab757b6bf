//! SLSA Verification Summary Attestations (VSA) v1: provcheck's verdict on
//! a document, as an in-toto Statement other tools can consume as evidence
//! (`schemas/vsa.schema.json`).
//!
//! One VSA per judged document that names subjects, for those subjects: a
//! Tekton object names none and gets none. `verificationResult` is `PASSED`
//! for a pass that some policy rule judged and `FAILED` otherwise (an
//! `unknown` is not a pass, nor is a pass with a skipped check such as
//! `--insecure-skip-signature`, nor a signature that verified with no
//! policy rule judged).
//! `verifiedLevels` lists the levels the user asserts for the policy on
//! `PASSED`, and is `["FAILED"]` on `FAILED`, as the specification says.
//! With a [`VsaSigner`] each VSA is a DSSE envelope.

use std::io;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING,
    ECDSA_P384_SHA384_ASN1_SIGNING,
};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::entry::Entry;
use crate::evidence::Subject;
use crate::results::{RuleId, Status};

pub use crate::evaluate::vsa::VSA_PREDICATE_TYPE;

/// The in-toto payload type of a signed VSA.
const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// provcheck's verifier id.
const VERIFIER_ID: &str = "https://github.com/provcheck/provcheck";

/// A resource: its URI and `sha256` digest (a policy, an input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Where it is.
    pub uri: String,
    /// `{"sha256": HEX}`.
    pub digest: std::collections::BTreeMap<String, String>,
}

impl Resource {
    /// A resource with a `sha256:HEX` (or bare hex) digest.
    pub fn new(uri: impl Into<String>, sha256: &str) -> Self {
        let hex = sha256.strip_prefix("sha256:").unwrap_or(sha256);
        Self {
            uri: uri.into(),
            digest: [("sha256".to_owned(), hex.to_owned())].into(),
        }
    }
}

/// What every VSA of a run says besides the document's own verdict.
#[derive(Debug, Clone)]
pub struct VsaOptions {
    /// `timeVerified`.
    pub time_verified: DateTime<Utc>,
    /// The policy that judged the documents.
    pub policy: Resource,
    /// `resourceUri`; by default the first subject's name.
    pub resource_uri: Option<String>,
    /// The SLSA levels the user asserts the policy verifies (`--vsa-level`).
    pub levels: Vec<String>,
}

#[derive(Serialize)]
struct Statement<'a> {
    #[serde(rename = "_type")]
    kind: &'static str,
    subject: &'a [Subject],
    #[serde(rename = "predicateType")]
    predicate_type: &'static str,
    predicate: Predicate<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Predicate<'a> {
    verifier: Verifier,
    time_verified: String,
    resource_uri: &'a str,
    policy: &'a Resource,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    input_attestations: Vec<Resource>,
    verification_result: &'static str,
    verified_levels: Vec<&'a str>,
}

#[derive(Serialize)]
struct Verifier {
    id: &'static str,
    version: std::collections::BTreeMap<&'static str, &'static str>,
}

/// The VSA statement of one entry, as compact JSON; `None` when the entry
/// was not judged or its document names no subjects.
pub fn statement(entry: &Entry, options: &VsaOptions) -> Option<Vec<u8>> {
    let report = entry.judged()?;
    let first = entry.subjects.first()?;
    // A pass with a check the user skipped (`--insecure-skip-signature`)
    // verified less than the policy asks, and a signature alone checks no
    // policy: neither is a PASSED.
    let judged_by_policy = report
        .results
        .iter()
        .any(|r| RuleId::from_id(&r.rule).is_none_or(|id| id.group() != "trust"));
    let passed = report.verdict == Status::Pass && report.insecure.is_empty() && judged_by_policy;
    let statement = Statement {
        kind: "https://in-toto.io/Statement/v1",
        subject: &entry.subjects,
        predicate_type: VSA_PREDICATE_TYPE,
        predicate: Predicate {
            verifier: Verifier {
                id: VERIFIER_ID,
                version: [("provcheck", env!("CARGO_PKG_VERSION"))].into(),
            },
            time_verified: options
                .time_verified
                .to_rfc3339_opts(SecondsFormat::Secs, true),
            resource_uri: options.resource_uri.as_deref().unwrap_or(&first.name),
            policy: &options.policy,
            input_attestations: entry
                .input_digest
                .iter()
                .map(|digest| Resource::new(entry.source(), digest))
                .collect(),
            verification_result: if passed { "PASSED" } else { "FAILED" },
            verified_levels: if passed {
                options.levels.iter().map(String::as_str).collect()
            } else {
                vec!["FAILED"]
            },
        },
    };
    serde_json::to_vec(&statement).ok()
}

/// A private key that signs VSAs as DSSE envelopes: ECDSA P-256 (SHA-256),
/// ECDSA P-384 (SHA-384) or Ed25519, from a PKCS#8 PEM.
pub struct VsaSigner(Key);

enum Key {
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl std::fmt::Debug for VsaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VsaSigner")
    }
}

impl VsaSigner {
    /// Read a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    ///
    /// # Errors
    ///
    /// What is wrong with the text or the key, in one line.
    pub fn from_pem(text: &[u8]) -> Result<Self, String> {
        let pem = pem::parse(text).map_err(|e| format!("not a PEM file: {e}"))?;
        if pem.tag() != "PRIVATE KEY" {
            return Err(format!(
                "a {:?} PEM block; expected an unencrypted PKCS#8 \"PRIVATE KEY\" (convert with `openssl pkcs8 -topk8 -nocrypt`)",
                pem.tag()
            ));
        }
        let der = pem.contents();
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, der)
            .or_else(|_| EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, der))
            .map(Key::Ecdsa)
            // OpenSSL writes Ed25519 keys as PKCS#8 v1, without the public key.
            .or_else(|_| Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map(Key::Ed25519))
            .map(Self)
            .map_err(|_| "not an ECDSA P-256, ECDSA P-384 or Ed25519 PKCS#8 private key".to_owned())
    }

    /// The public key, as raw bytes (an uncompressed point for ECDSA).
    pub fn public_key(&self) -> &[u8] {
        match &self.0 {
            Key::Ecdsa(k) => k.public_key().as_ref(),
            Key::Ed25519(k) => k.public_key().as_ref(),
        }
    }

    /// A DSSE envelope over `payload` (compact JSON).
    ///
    /// # Errors
    ///
    /// When the signing itself fails.
    pub fn envelope(&self, payload: &[u8]) -> Result<Vec<u8>, String> {
        let pae = sigstore_types::pae(PAYLOAD_TYPE, payload);
        let sig = match &self.0 {
            Key::Ecdsa(k) => k
                .sign(&SystemRandom::new(), &pae)
                .map_err(|_| "ECDSA signing failed".to_owned())?
                .as_ref()
                .to_vec(),
            Key::Ed25519(k) => k.sign(&pae).as_ref().to_vec(),
        };
        let b64 = base64::engine::general_purpose::STANDARD;
        serde_json::to_vec(&serde_json::json!({
            "payloadType": PAYLOAD_TYPE,
            "payload": b64.encode(payload),
            "signatures": [{"sig": b64.encode(sig)}],
        }))
        .map_err(|e| e.to_string())
    }
}

/// Write a VSA per judged entry that names subjects, one JSON line each (a
/// DSSE envelope with `signer`); the others get none.
///
/// # Errors
///
/// Any I/O error from `out`, or a signing failure.
pub fn write_vsa(
    out: &mut impl io::Write,
    entries: &[Entry],
    options: &VsaOptions,
    signer: Option<&VsaSigner>,
) -> io::Result<()> {
    for entry in entries {
        let Some(statement) = statement(entry, options) else {
            continue;
        };
        let line = match signer {
            Some(signer) => signer.envelope(&statement).map_err(io::Error::other)?,
            None => statement,
        };
        out.write_all(&line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
