//! The trust results of one document as they are gathered, and where in
//! the input each result's evidence is.

use super::{subject, TrustMaterial, IDENTITY, SIGNATURE, SUBJECT};
use crate::error::JsonPointer;
use crate::evaluate::{RuleResult, Status};
use crate::ingest::{Bundle, Envelope};

/// Results being gathered for one document.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) results: Vec<RuleResult>,
    /// What the verified certificate says of the build, when a keyless
    /// signature verified.
    pub(crate) certified: Option<crate::evidence::Certified>,
}

impl Outcome {
    pub(crate) fn signature(&mut self, status: Status, message: String) {
        self.results
            .push(RuleResult::document(SIGNATURE, status, message));
    }

    pub(crate) fn signature_skipped(&mut self) {
        self.results.push(
            RuleResult::document(
                SIGNATURE,
                Status::Unknown,
                "signature verification skipped (--insecure-skip-signature): the payload is not authenticated",
            )
            .skipped("--insecure-skip-signature"),
        );
    }

    pub(crate) fn identity(&mut self, status: Status, message: String) {
        self.results
            .push(RuleResult::document(IDENTITY, status, message));
    }

    pub(crate) fn signature_status(&self) -> Option<Status> {
        self.results
            .iter()
            .find(|r| r.rule == SIGNATURE)
            .map(|r| r.status)
    }

    pub(crate) fn subjects_undecided(&mut self, trust: &TrustMaterial, why: &str) {
        for expected in &trust.subjects {
            self.results.push(subject::undecided(expected, why));
        }
    }
}

/// Where a document keeps what each rule reads (JSON pointers into the
/// input, or into its line for JSON lines).
#[derive(Debug, Default)]
pub(crate) struct Pointers {
    signature: Vec<JsonPointer>,
    signer: Option<JsonPointer>,
    subject: Option<JsonPointer>,
}

impl Pointers {
    pub(crate) fn bundle(bundle: &Bundle) -> Self {
        let base = &bundle.pointer;
        let material = base.key("verificationMaterial");
        let signer = ["certificate", "x509CertificateChain", "publicKey"]
            .iter()
            .find(|k| bundle.verification_material.get(**k).is_some())
            .map(|k| material.key(k));
        let (signature, subject) = if bundle.json.get("dsseEnvelope").is_some() {
            let d = base.key("dsseEnvelope");
            (d.key("signatures"), d.key("payload"))
        } else {
            let m = base.key("messageSignature");
            (m.key("signature"), m.key("messageDigest"))
        };
        Self {
            signature: vec![signature, material.key("tlogEntries")],
            signer,
            subject: Some(subject),
        }
    }

    pub(crate) fn envelope(envelope: &Envelope) -> Self {
        Self {
            signature: vec![envelope.pointer.key("signatures")],
            signer: None,
            subject: Some(envelope.payload_pointer()),
        }
    }

    /// Attach the evidence each result used.
    pub(crate) fn attach(self, results: &mut [RuleResult]) {
        for r in results {
            let pointers: Vec<JsonPointer> = match r.rule.as_str() {
                SIGNATURE => self
                    .signature
                    .iter()
                    .chain(self.signer.iter())
                    .cloned()
                    .collect(),
                IDENTITY => self.signer.iter().cloned().collect(),
                SUBJECT => self.subject.iter().cloned().collect(),
                _ => Vec::new(),
            };
            r.evidence.extend(pointers);
        }
    }
}
