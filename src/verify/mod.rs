//! Verify: signed documents + trust material → `signature`, `identity` and
//! `subject` results.
//!
//! [`TrustBuilder`] collects the trust material once (keys, trusted root,
//! identity constraints, expected subjects) into a [`TrustMaterial`];
//! [`check`] judges one [`Document`] the ingest stage read with it, over the
//! signature material and exact signed bytes the document carries:
//!
//! | rule id | pass | fail | unknown |
//! |---|---|---|---|
//! | `signature` | a DSSE signature over the PAE of the exact payload verifies with `--key` (threshold met), or a Sigstore bundle verifies offline against the trusted root | no signature verifies, the bundle or envelope is invalid, threshold not met, a key-signed bundle and no `--key` | no key or identity given; the verification material is not in the file; no signature material at all |
//! | `identity` (certificate-signed documents) | the verified certificate's SAN, issuer and GitHub extensions match | any constraint differs | the signer is not pinned (no SAN or no issuer given); the certificate did not verify; no certificate in the document |
//! | `subject` | the verified statement names the digest/artifact/image | it does not | the signature did not verify |
//!
//! A payload is never read before its signature verifies (except under
//! `--insecure-skip-signature`, which every report then states).
//!
//! Nothing here reads bytes of its own: the ingest stage decoded each
//! document once (its layers, the exact DSSE payload, the bundle), and the
//! statement judged is the one read from the very bytes the signature
//! covers.

mod bundle;
mod dsse;
mod keys;
mod material;
mod outcome;
mod subject;

use std::borrow::Cow;

pub use crate::error::TrustError;
use crate::ingest::{Document, Envelope};
use crate::results::{RuleId, RuleResult, Status};
pub use material::{TrustBuilder, TrustMaterial, GITHUB_ACTIONS_ISSUER};

use outcome::{Outcome, Pointers};

/// The rule id of signature results.
pub const SIGNATURE: &str = RuleId::Signature.as_str();
/// The rule id of signer identity results.
pub const IDENTITY: &str = RuleId::Identity.as_str();
/// The rule id of subject results.
pub const SUBJECT: &str = subject::RULE;

/// The message of a signature nobody was asked to check.
pub const NO_TRUST_MATERIAL: &str = "not verified: no key or identity given";

/// The message of an in-toto statement given without an envelope or
/// bundle: nothing vouches for it.
pub const UNSIGNED_STATEMENT: &str = "not verified: an in-toto statement without a signature; \
     nothing vouches for it: give its DSSE envelope or Sigstore bundle with --key or an \
     identity, or --insecure-skip-signature to judge it as stated";

/// What `--insecure-skip-signature` adds to every report it was used in.
pub const INSECURE_SKIP_SIGNATURE: &str = "signature verification skipped";

/// What `--insecure-skip-signature` adds beside it: recorded build times
/// (for `effective_on` and build-time windows) are taken as stated.
pub const INSECURE_BUILD_TIME: &str = "build times taken as recorded, not verified";

/// Judge one document with `trust`: `signature`, then `identity` (when
/// judged), then one `subject` per expected subject, each citing where in
/// the input its evidence is. A document without signature material (a
/// Tekton object, an unsigned statement) is judged as such: `unknown`, or
/// `fail` when the trust options demand a signature.
pub fn check(trust: &TrustMaterial, doc: &Document) -> Vec<RuleResult> {
    check_certified(trust, doc).0
}

/// As [`check`], with what the verified signing certificate says of the
/// build (a keyless bundle whose signature verified), for the rules to
/// check the predicate against.
pub fn check_certified(
    trust: &TrustMaterial,
    doc: &Document,
) -> (Vec<RuleResult>, Option<crate::evidence::Certified>) {
    let (out, pointers) = match (&doc.bundle, &doc.envelope) {
        (Some(bundle), _) => (bundle::verify(trust, doc, bundle), Pointers::bundle(bundle)),
        (None, Some(envelope)) => (
            judge_envelope(trust, doc, envelope),
            Pointers::envelope(envelope),
        ),
        (None, None) => match &doc.unread {
            Some(e) if doc.is_signed() => {
                let mut out = Outcome::default();
                out.signature(
                    Status::Fail,
                    format!("not a valid {}, nothing verified: {e}", doc.kind.label()),
                );
                out.subjects_undecided(trust, "the signature material is invalid");
                return (out.results, None);
            }
            _ => {
                return (
                    not_verified(trust, "not verified: no signature material in the document"),
                    None,
                )
            }
        },
    };
    let mut results = out.results;
    pointers.attach(&mut results);
    (results, out.certified)
}

/// The results for a document without signature material.
fn not_verified(trust: &TrustMaterial, why: &str) -> Vec<RuleResult> {
    let mut out = Outcome::default();
    if trust.insecure_skip_signature {
        out.signature_skipped();
    } else if trust.demands_signature() {
        // "not verified: why" reads "a signature is demanded, and none is
        // verified: why".
        let why = why.strip_prefix("not verified: ").unwrap_or(why);
        out.signature(
            Status::Fail,
            format!("a signature is demanded, and none is verified: {why}"),
        );
    } else {
        out.signature(Status::Unknown, why.into());
    }
    if trust.identity.is_set() {
        out.identity(
            trust.identity_unmatched(),
            "identity demanded, but the document holds no certificate: no signer identity to match"
                .into(),
        );
    }
    out.subjects_undecided(trust, "the document holds no signed statement");
    out.results
}

/// The statement a document's signed payload holds, as the ingest stage
/// read it from the exact signed bytes; why not, when it could not.
fn signed_statement(doc: &Document) -> Result<subject::Statement, String> {
    match &doc.unread {
        Some(e) => Err(e.to_string()),
        None => subject::statement_of(&doc.value),
    }
}

/// A bare DSSE envelope: its signatures over the PAE of the exact payload
/// bytes; the statement is read only once the signature is judged.
fn judge_envelope(trust: &TrustMaterial, doc: &Document, envelope: &Envelope) -> Outcome {
    let signatures = envelope
        .signatures
        .iter()
        .enumerate()
        .map(|(i, s)| {
            dsse::decode_base64(&s.sig)
                .ok_or_else(|| format!("`signatures[{i}].sig` is not base64"))
        })
        .collect::<Result<Vec<_>, _>>();
    let signatures = match signatures {
        Ok(signatures) => signatures,
        Err(e) => {
            let mut out = Outcome::default();
            out.signature(Status::Fail, format!("invalid DSSE envelope: {e}"));
            out.subjects_undecided(trust, "the envelope is invalid");
            return out;
        }
    };
    let env = dsse::Envelope {
        payload_type: Cow::Borrowed(&envelope.payload_type),
        payload: Cow::Borrowed(&envelope.payload),
        signatures,
    };
    let mut out = Outcome::default();
    if trust.insecure_skip_signature {
        out.signature_skipped();
    } else if trust.keys.is_empty() {
        let message = if trust.demands_signature() {
            "a signature is demanded, and none is verified: the verification material is not in the file: a bare DSSE envelope carries no certificate or log entry (slsa-verifier looks them up in Rekor online; provcheck verifies offline): give the Sigstore bundle, or --key"
        } else {
            NO_TRUST_MATERIAL
        };
        out.signature(trust.unverified(), message.into());
        if trust.identity.is_set() {
            out.identity(
                trust.identity_unmatched(),
                "identity demanded, but the document holds no certificate: no signer identity to match"
                    .into(),
            );
        }
        out.subjects_undecided(trust, "the signature was not verified");
        return out;
    } else {
        // Key-signed: the --key keys authorize it.
        let (status, message) = dsse::verify_with_keys(&env, &trust.keys, trust.threshold);
        out.signature(status, message);
        if status != Status::Pass {
            out.subjects_undecided(trust, "the signature did not verify");
            return out;
        }
        // Every requirement given must be met by the document itself: a
        // key signature is not the signer identity the gate also asked for.
        if trust.identity.is_set() {
            out.identity(
                Status::Fail,
                "identity demanded, but the document is key-signed: it names no certificate \
                 identity to match"
                    .into(),
            );
        }
    }
    match signed_statement(doc) {
        Ok(statement) => {
            for expected in &trust.subjects {
                out.results.push(subject::check(expected, &statement));
            }
        }
        Err(e) => {
            if let Some(sig) = out.results.iter_mut().find(|r| r.rule == SIGNATURE) {
                if sig.status == Status::Pass && sig.warning.is_none() {
                    sig.status = Status::Fail;
                    sig.message =
                        format!("the signature verifies, but the signed payload is rejected: {e}");
                }
            }
            out.subjects_undecided(trust, "no readable statement");
        }
    }
    out
}
