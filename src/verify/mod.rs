//! Verify: signed documents + trust material → `signature`, `identity` and
//! `subject` results.
//!
//! [`TrustBuilder`] collects the trust material once (keys, trusted root,
//! identity constraints, expected subjects) into a [`Trust`]; [`check`] judges
//! the raw bytes of one input with it:
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
//! Documents are recognized here from the raw bytes, in one small function
//! (`documents`): a Sigstore bundle (`mediaType`
//! `application/vnd.dev.sigstore.bundle…`), a bare DSSE envelope
//! (`payloadType`, `payload`, `signatures`), one per line in `.intoto.jsonl`
//! files, each bundle of an npm registry attestations document; anything
//! else has no signature material.

mod bundle;
mod dsse;
mod keys;
mod subject;

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use sigstore_trust_root::{SigstoreInstance, TrustedRoot};

use crate::error::JsonPointer;
use crate::evaluate::{RuleResult, Status};

use bundle::IdentityPolicy;
use keys::PublicKey;
use subject::Expected;

/// The rule id of signature results.
pub const SIGNATURE: &str = "signature";
/// The rule id of signer identity results.
pub const IDENTITY: &str = "identity";
/// The rule id of subject results.
pub const SUBJECT: &str = subject::RULE;

/// The message of a signature nobody was asked to check.
pub const NO_TRUST_MATERIAL: &str = "not verified: no key or identity given";

/// What `--insecure-skip-signature` adds to every report it was used in.
pub const INSECURE_SKIP_SIGNATURE: &str = "signature verification skipped";

/// What `--insecure-skip-signature` adds beside it: recorded build times
/// (for `effective_on` and build-time windows) are taken as stated.
pub const INSECURE_BUILD_TIME: &str = "build times taken as recorded, not verified";

/// Trust material that cannot be used: provcheck cannot do its job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// A key file cannot be read.
    #[error("{file}: cannot read key: {cause}")]
    KeyRead {
        /// The key file.
        file: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// A key file is not a supported PEM public key.
    #[error("{file}: not a usable public key: {reason} (expected a PEM SubjectPublicKeyInfo: ECDSA P-256/P-384, Ed25519 or RSA)")]
    Key {
        /// The key file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// More keys are required than were given.
    #[error("--key-threshold {threshold} cannot be met: {keys} distinct key(s) given")]
    Threshold {
        /// The threshold.
        threshold: usize,
        /// Distinct keys given.
        keys: usize,
    },
    /// The trusted root cannot be read or is invalid.
    #[error("{file}: not a usable Sigstore trusted root: {reason}")]
    TrustedRoot {
        /// The `trusted_root.json` file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// `--certificate-identity-regexp` does not compile.
    #[error("--certificate-identity-regexp {pattern:?}: {reason}")]
    Regexp {
        /// The pattern.
        pattern: String,
        /// The compiler's message.
        reason: String,
    },
    /// `--digest` is not `ALG:HEX`.
    #[error("--digest {value:?}: {reason}")]
    Digest {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// `--artifact` cannot be read.
    #[error("{file}: cannot read artifact: {cause}")]
    Artifact {
        /// The artifact file.
        file: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// `--image` is not `REF@DIGEST`.
    #[error("--image {value:?}: {reason}")]
    Image {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

/// Collects trust material; [`build`](Self::build) checks it once.
///
/// ```
/// use provcheck::verify::TrustBuilder;
///
/// let mut trust = TrustBuilder::new();
/// trust
///     .certificate_identity("https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main")
///     .certificate_oidc_issuer("https://token.actions.githubusercontent.com")
///     .digest("sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b")?;
/// let trust = trust.build()?; // the embedded public-good Sigstore root
/// # Ok::<(), provcheck::verify::TrustError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TrustBuilder {
    keys: Vec<PublicKey>,
    threshold: Option<usize>,
    root: Option<(String, TrustedRoot)>,
    identity: IdentityPolicy,
    subjects: Vec<Expected>,
    insecure_skip_signature: bool,
}

impl TrustBuilder {
    /// No trust material yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a PEM public key read from `path` (`--key`).
    ///
    /// # Errors
    ///
    /// [`TrustError::KeyRead`] or [`TrustError::Key`].
    pub fn add_key_file(&mut self, path: &Path) -> Result<&mut Self, TrustError> {
        let name = path.display().to_string();
        let pem = std::fs::read(path).map_err(|cause| TrustError::KeyRead {
            file: name.clone(),
            cause,
        })?;
        self.add_key_pem(&name, &pem)
    }

    /// Add a PEM public key named `name` in messages.
    ///
    /// # Errors
    ///
    /// [`TrustError::Key`] when it is not a supported public key.
    pub fn add_key_pem(&mut self, name: &str, pem: &[u8]) -> Result<&mut Self, TrustError> {
        let key = PublicKey::from_pem(name, pem)?;
        // One key however its file encodes it: the threshold counts signers.
        if !self.keys.iter().any(|k| k.identity == key.identity) {
            self.keys.push(key);
        }
        Ok(self)
    }

    /// How many distinct keys must each have signed (`--key-threshold`, default 1).
    pub fn key_threshold(&mut self, threshold: usize) -> &mut Self {
        self.threshold = Some(threshold);
        self
    }

    /// Use this Sigstore `trusted_root.json` instead of the embedded
    /// public-good root (`--trusted-root`).
    ///
    /// # Errors
    ///
    /// [`TrustError::TrustedRoot`] when it cannot be read or is invalid.
    pub fn trusted_root_file(&mut self, path: &Path) -> Result<&mut Self, TrustError> {
        let file = path.display().to_string();
        let bad = |reason: String| TrustError::TrustedRoot {
            file: file.clone(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let root = TrustedRoot::from_json(&text).map_err(|e| bad(e.to_string()))?;
        self.root = Some((file, root));
        Ok(self)
    }

    /// Require this exact certificate SAN (`--certificate-identity`).
    pub fn certificate_identity(&mut self, identity: &str) -> &mut Self {
        self.identity.identity = Some(identity.to_owned());
        self
    }

    /// Require a SAN matching this regular expression
    /// (`--certificate-identity-regexp`; unanchored, as cosign's: write `^…$`).
    ///
    /// # Errors
    ///
    /// [`TrustError::Regexp`] when it does not compile.
    pub fn certificate_identity_regexp(&mut self, pattern: &str) -> Result<&mut Self, TrustError> {
        let re = regex::Regex::new(pattern).map_err(|e| TrustError::Regexp {
            pattern: pattern.to_owned(),
            reason: e.to_string(),
        })?;
        self.identity.identity_regexp = Some(re);
        Ok(self)
    }

    /// Require this OIDC issuer (`--certificate-oidc-issuer`).
    pub fn certificate_oidc_issuer(&mut self, issuer: &str) -> &mut Self {
        self.identity.issuer = Some(issuer.to_owned());
        self
    }

    /// Require this GitHub repository, `owner/name`
    /// (`--certificate-github-workflow-repository`).
    pub fn github_workflow_repository(&mut self, value: &str) -> &mut Self {
        self.identity.github_workflow_repository = Some(value.to_owned());
        self
    }

    /// Require this Git ref, e.g. `refs/heads/main` (`--certificate-github-workflow-ref`).
    pub fn github_workflow_ref(&mut self, value: &str) -> &mut Self {
        self.identity.github_workflow_ref = Some(value.to_owned());
        self
    }

    /// Require this triggering event, e.g. `push` (`--certificate-github-workflow-trigger`).
    pub fn github_workflow_trigger(&mut self, value: &str) -> &mut Self {
        self.identity.github_workflow_trigger = Some(value.to_owned());
        self
    }

    /// Require this workflow name (`--certificate-github-workflow-name`).
    pub fn github_workflow_name(&mut self, value: &str) -> &mut Self {
        self.identity.github_workflow_name = Some(value.to_owned());
        self
    }

    /// Require this commit (`--certificate-github-workflow-sha`).
    pub fn github_workflow_sha(&mut self, value: &str) -> &mut Self {
        self.identity.github_workflow_sha = Some(value.to_owned());
        self
    }

    /// The statement must name this `ALG:HEX` digest (`--digest`).
    ///
    /// # Errors
    ///
    /// [`TrustError::Digest`] when it is not `ALG:HEX`.
    pub fn digest(&mut self, digest: &str) -> Result<&mut Self, TrustError> {
        self.subjects
            .push(Expected::Digest(subject::Digest::parse(digest)?));
        Ok(self)
    }

    /// The statement must name this file, hashed here while streaming
    /// (`--artifact`).
    ///
    /// # Errors
    ///
    /// [`TrustError::Artifact`] when it cannot be read.
    pub fn artifact(&mut self, path: &Path) -> Result<&mut Self, TrustError> {
        self.subjects.push(Expected::artifact(path)?);
        Ok(self)
    }

    /// The statement must name this image, `REF@DIGEST` (`--image`).
    ///
    /// # Errors
    ///
    /// [`TrustError::Image`] when it is not a reference with a digest.
    pub fn image(&mut self, reference: &str) -> Result<&mut Self, TrustError> {
        self.subjects.push(Expected::image(reference)?);
        Ok(self)
    }

    /// Do not verify signatures (`--insecure-skip-signature`), for audits of
    /// unsigned history. Every report says so.
    pub fn insecure_skip_signature(&mut self) -> &mut Self {
        self.insecure_skip_signature = true;
        self
    }

    /// Check the material once.
    ///
    /// # Errors
    ///
    /// [`TrustError::Threshold`] when fewer distinct keys were given than the
    /// threshold; [`TrustError::TrustedRoot`] when a given root holds
    /// unusable keys or certificates.
    pub fn build(self) -> Result<Trust, TrustError> {
        let threshold = self.threshold.unwrap_or(1).max(1);
        if !self.keys.is_empty() && threshold > self.keys.len() {
            return Err(TrustError::Threshold {
                threshold,
                keys: self.keys.len(),
            });
        }
        let sigstore = Arc::new(OnceLock::new());
        let explicit_root = self.root.is_some();
        // A root that names no transparency log (or no CT log) — GitHub's
        // instance for private-repository attestations — cannot vouch for
        // one: those checks are skipped and the signature result says so.
        let (has_tlogs, has_ctlogs) = self.root.as_ref().map_or((true, true), |(_, r)| {
            (!r.tlogs.is_empty(), !r.ctlogs.is_empty())
        });
        let root = match self.root {
            Some((file, root)) => {
                let verifier =
                    sigstore_verify::Verifier::new(&root).map_err(|e| TrustError::TrustedRoot {
                        file,
                        reason: e.to_string(),
                    })?;
                let _ = sigstore.set(Ok(Sigstore {
                    verifier: Arc::new(verifier),
                    tlogs: Arc::new(root.tlogs),
                }));
                None
            }
            None => Some(SigstoreInstance::PublicGood),
        };
        Ok(Trust {
            keys: self.keys,
            threshold,
            identity: self.identity,
            subjects: self.subjects,
            insecure_skip_signature: self.insecure_skip_signature,
            explicit_root,
            has_tlogs,
            has_ctlogs,
            embedded: root,
            sigstore,
        })
    }
}

/// The Sigstore verifier for a trusted root, and the root's transparency
/// logs (the checks sigstore-verify leaves out need them: see
/// [`bundle`]'s log-entry checks).
#[derive(Clone)]
pub(crate) struct Sigstore {
    pub(crate) verifier: Arc<sigstore_verify::Verifier>,
    pub(crate) tlogs: Arc<Vec<sigstore_trust_root::TransparencyLog>>,
}

type SigstoreVerifier = Result<Sigstore, String>;

/// Checked trust material, shared by every input of a run.
#[derive(Clone)]
pub struct Trust {
    pub(crate) keys: Vec<PublicKey>,
    pub(crate) threshold: usize,
    pub(crate) identity: IdentityPolicy,
    pub(crate) subjects: Vec<Expected>,
    pub(crate) insecure_skip_signature: bool,
    pub(crate) explicit_root: bool,
    /// Whether the trusted root names a transparency log.
    pub(crate) has_tlogs: bool,
    /// Whether the trusted root names a certificate transparency log.
    pub(crate) has_ctlogs: bool,
    embedded: Option<SigstoreInstance>,
    /// Built on first use for the embedded root: keyed runs never pay for it.
    sigstore: Arc<OnceLock<SigstoreVerifier>>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust")
            .field("keys", &self.keys.len())
            .field("threshold", &self.threshold)
            .field("identity", &self.identity)
            .field("subjects", &self.subjects)
            .field("insecure_skip_signature", &self.insecure_skip_signature)
            .field("explicit_root", &self.explicit_root)
            .finish_non_exhaustive()
    }
}

impl Trust {
    /// Whether signatures are skipped (`--insecure-skip-signature`).
    pub fn skips_signature(&self) -> bool {
        self.insecure_skip_signature
    }

    /// Whether the trust options demand a signature: a key, a signer
    /// identity or a trusted root was given. A demanded signature that is
    /// missing or cannot be verified is `fail`, never `unknown`: `--unknown
    /// warn` must not admit what a demanded check refused.
    pub fn demands_signature(&self) -> bool {
        !self.insecure_skip_signature
            && (!self.keys.is_empty() || self.identity.is_set() || self.explicit_root)
    }

    /// The status of a signature that was not verified: `fail` when one is
    /// demanded, `unknown` otherwise.
    pub(crate) fn unverified(&self) -> Status {
        if self.demands_signature() {
            Status::Fail
        } else {
            Status::Unknown
        }
    }

    /// The status of an identity that could not be matched: `fail` when one
    /// is demanded, `unknown` otherwise.
    pub(crate) fn identity_unmatched(&self) -> Status {
        if self.identity.is_set() {
            Status::Fail
        } else {
            Status::Unknown
        }
    }

    /// The Sigstore verifier for the trusted root in use, with its logs.
    pub(crate) fn sigstore(&self) -> Result<&Sigstore, String> {
        let built = self.sigstore.get_or_init(|| {
            let instance = self.embedded.unwrap_or(SigstoreInstance::PublicGood);
            let root = TrustedRoot::from_embedded(instance).map_err(|e| e.to_string())?;
            let verifier = sigstore_verify::Verifier::new(&root).map_err(|e| e.to_string())?;
            Ok(Sigstore {
                verifier: Arc::new(verifier),
                tlogs: Arc::new(root.tlogs),
            })
        });
        match built {
            Ok(v) => Ok(v),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The trust results of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustReport {
    /// The input's name; `NAME:LINE` for one line of a JSON-lines file,
    /// `NAME#/attestations/I/bundle` for one bundle of an npm attestations
    /// document.
    pub source: String,
    /// Where the document is in the input.
    pub place: Place,
    /// `signature`, then `identity` (when judged), then one `subject` per
    /// expected subject.
    pub results: Vec<RuleResult>,
    /// Whether the document carried signature material (a bundle or an envelope).
    pub signed: bool,
}

/// Results being gathered for one document.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) results: Vec<RuleResult>,
}

impl Outcome {
    fn signature(&mut self, status: Status, message: String) {
        self.results
            .push(RuleResult::document(SIGNATURE, status, message));
    }

    fn signature_skipped(&mut self) {
        self.results.push(
            RuleResult::document(
                SIGNATURE,
                Status::Unknown,
                "signature verification skipped (--insecure-skip-signature): the payload is not authenticated",
            )
            .demote_to_warning("--insecure-skip-signature"),
        );
    }

    fn identity(&mut self, status: Status, message: String) {
        self.results
            .push(RuleResult::document(IDENTITY, status, message));
    }

    fn signature_status(&self) -> Option<Status> {
        self.results
            .iter()
            .find(|r| r.rule == SIGNATURE)
            .map(|r| r.status)
    }

    fn subjects_undecided(&mut self, trust: &Trust, why: &str) {
        for expected in &trust.subjects {
            self.results.push(subject::undecided(expected, why));
        }
    }
}

/// What one document carries.
#[derive(Debug)]
enum Material<'a> {
    /// A Sigstore bundle: its JSON text.
    Bundle(Cow<'a, str>),
    /// A bare DSSE envelope.
    Envelope(dsse::RawEnvelope),
    /// Shaped like a DSSE envelope, but not one.
    BadEnvelope(String),
    /// No signature material.
    Unsigned,
}

/// One document found in an input: where (a line, a JSON pointer), what it
/// carries, and where the evidence of each rule is.
type Found<'a> = (Place, Material<'a>, Pointers);

/// Where in an input a document is: its line in a JSON-lines file, and its
/// JSON pointer inside that line (or the file), e.g. an npm list's
/// `/attestations/0/bundle`. Trust results are joined to the ingest stage's
/// documents by place, never by position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The 1-based line of a JSON-lines document.
    pub line: Option<usize>,
    /// Where the document is inside its line or file (the root for a whole one).
    pub pointer: JsonPointer,
}

impl Place {
    /// What a source name gets: `:LINE`, then `#POINTER` when not the root.
    pub fn suffix(&self) -> String {
        let mut out = String::new();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        if !self.pointer.is_root() {
            out.push('#');
            out.push_str(self.pointer.as_str());
        }
        out
    }
}

/// Where a document keeps what each rule reads (JSON pointers into the
/// input, or into its line for JSON lines).
#[derive(Debug, Default)]
struct Pointers {
    signature: Vec<JsonPointer>,
    signer: Option<JsonPointer>,
    subject: Option<JsonPointer>,
}

impl Pointers {
    fn bundle(value: &serde_json::Value, base: &JsonPointer) -> Self {
        let material = base.key("verificationMaterial");
        let signer = ["certificate", "x509CertificateChain", "publicKey"]
            .iter()
            .find(|k| {
                value
                    .get("verificationMaterial")
                    .and_then(|m| m.get(**k))
                    .is_some()
            })
            .map(|k| material.key(k));
        let (signature, subject) = if value.get("dsseEnvelope").is_some() {
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

    fn envelope(base: &JsonPointer) -> Self {
        Self {
            signature: vec![base.key("signatures")],
            signer: None,
            subject: Some(base.key("payload")),
        }
    }

    /// Attach the evidence each result used.
    fn attach(self, results: &mut [RuleResult]) {
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

/// Find the documents in `bytes` and what signature material each carries:
/// one JSON value, or JSON lines; a Sigstore bundle, a bare DSSE envelope,
/// or an npm registry attestations document (`{"attestations": [{"bundle":
/// …}]}`, one document per bundle). `None` when the bytes are neither JSON
/// nor JSON lines (the ingest stage reports why). Strict: duplicate keys
/// make it `None` too.
///
/// JSON lines are told apart as the ingest stage tells them (`name`), and
/// every non-blank line has an entry, in order: a line that is not a JSON
/// object carries no signature material here (the ingest stage reports
/// what is wrong with it), and never stops the other lines being verified.
///
/// This is the one place that recognizes signed documents; it can switch to
/// the ingest stage's layer decoding once that reads them.
fn documents<'a>(name: &str, bytes: &'a [u8]) -> Option<Vec<Found<'a>>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !crate::ingest::is_json_lines(name, text) {
        if !text.trim_start().starts_with('{') {
            return None;
        }
        let value = crate::ingest::decode_text("-", text.as_bytes()).ok()?;
        return Some(classify(value, text, None, true));
    }
    let mut found = Vec::new();
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    for (count, (i, line)) in lines.enumerate() {
        let at = Place {
            line: Some(i + 1),
            pointer: JsonPointer::root(),
        };
        if count == crate::ingest::MAX_DOCUMENTS {
            // Where the ingest stage refuses the rest.
            found.push((at, Material::Unsigned, Pointers::default()));
            break;
        }
        match crate::ingest::decode_text("-", line.as_bytes()) {
            Ok(value) => found.extend(classify(value, line, at.line, false)),
            Err(_) => found.push((at, Material::Unsigned, Pointers::default())),
        }
    }
    Some(found)
}

/// The documents of one JSON value and what signature material each
/// carries, read as the ingest stage reads the value, so that both stages
/// see the same documents at the same places: a whole file's npm
/// attestations list is one document per bundle (up to the ingest stage's
/// limit), a Kubernetes `List` or BuildKit build info holds no signature
/// material of its own (its items are documents inside a list), and
/// anything else is one document — a bundle, an envelope, or unsigned.
/// A JSON line is never split (`whole` is false): the ingest stage reads
/// each line as one document.
fn classify(
    value: serde_json::Value,
    text: &str,
    line: Option<usize>,
    whole: bool,
) -> Vec<Found<'_>> {
    let root = JsonPointer::root();
    let at = Place {
        line,
        pointer: root.clone(),
    };
    if whole {
        if let Some(list) = crate::ingest::npm_attestations(&value) {
            return list
                .iter()
                .take(crate::ingest::MAX_DOCUMENTS)
                .enumerate()
                .map(|(i, entry)| {
                    let base = root.key("attestations").index(i).key("bundle");
                    let place = Place {
                        line,
                        pointer: base.clone(),
                    };
                    // Re-serialized: a bundle's signed content (payload,
                    // signatures, certificates, log entry bodies) is base64
                    // text inside it, carried over byte for byte.
                    match entry.get("bundle").filter(|b| is_bundle(b)) {
                        Some(bundle) => match serde_json::to_string(bundle) {
                            Ok(json) => (
                                place,
                                Material::Bundle(Cow::Owned(json)),
                                Pointers::bundle(bundle, &base),
                            ),
                            Err(_) => (place, Material::Unsigned, Pointers::default()),
                        },
                        None => (place, Material::Unsigned, Pointers::default()),
                    }
                })
                .collect();
        }
        let holder = crate::ingest::kubernetes_list(&value).is_some()
            || crate::ingest::detect::detect(&value)
                == Some(crate::ingest::DocumentKind::BuildkitBuildInfo);
        if holder {
            return vec![(at, Material::Unsigned, Pointers::default())];
        }
    }
    let Some(object) = value.as_object() else {
        return vec![(at, Material::Unsigned, Pointers::default())];
    };
    if is_bundle(&value) {
        let pointers = Pointers::bundle(&value, &root);
        return vec![(at, Material::Bundle(Cow::Borrowed(text)), pointers)];
    }
    if ["payloadType", "payload", "signatures"]
        .iter()
        .all(|k| object.contains_key(*k))
    {
        // More signatures than any stage accepts: not verified here (each
        // would cost every key a check); the ingest stage's error stands.
        let too_many = object
            .get("signatures")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|s| s.len() > crate::ingest::layers::MAX_SIGNATURES);
        if too_many {
            return vec![(at, Material::Unsigned, Pointers::default())];
        }
        return vec![(
            at,
            match serde_json::from_value(value) {
                Ok(env) => Material::Envelope(env),
                Err(e) => Material::BadEnvelope(e.to_string()),
            },
            Pointers::envelope(&root),
        )];
    }
    vec![(at, Material::Unsigned, Pointers::default())]
}

/// A Sigstore bundle by its media type, or by its shape (verification
/// material and a signature) when the media type is wrong: such a document
/// is a bundle that must fail, not an unsigned document. The ingest stage
/// reads the same documents as bundles.
fn is_bundle(value: &serde_json::Value) -> bool {
    crate::ingest::detect::claims_bundle(value)
}

/// The results for a document without signature material (a Tekton object,
/// an unsigned statement).
pub fn unsigned(trust: &Trust) -> Vec<RuleResult> {
    not_verified(trust, "not verified: no signature material in the document")
}

/// The results for a signed document found inside YAML or inside a list of
/// documents (a Kubernetes `List`, several envelopes in one npm list):
/// provcheck verifies a bundle or an envelope given as a JSON document of
/// its own, so this one stays unverified — `unknown`, never a pass.
pub fn unverifiable(trust: &Trust) -> Vec<RuleResult> {
    not_verified(
        trust,
        "not verified: the signature material is inside YAML or a list of documents; \
         provcheck verifies a Sigstore bundle or DSSE envelope given as a JSON document of its own",
    )
}

fn not_verified(trust: &Trust, why: &str) -> Vec<RuleResult> {
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

/// Judge the raw bytes of one input (named `name`): one [`TrustReport`] per
/// document, or `None` when the bytes are not JSON (nor JSON lines) — the
/// ingest stage then says what is wrong with them.
pub fn check(trust: &Trust, name: &str, bytes: &[u8]) -> Option<Vec<TrustReport>> {
    let docs = documents(name, bytes)?;
    Some(
        docs.into_iter()
            .map(|(place, material, pointers)| {
                let source = format!("{name}{}", place.suffix());
                let signed = !matches!(material, Material::Unsigned);
                let mut results = match material {
                    Material::Bundle(text) => bundle::verify(trust, &text).results,
                    Material::Envelope(env) => envelope(trust, &env).results,
                    Material::BadEnvelope(e) => {
                        let mut out = Outcome::default();
                        out.signature(Status::Fail, format!("not a valid DSSE envelope: {e}"));
                        out.subjects_undecided(trust, "the envelope is invalid");
                        out.results
                    }
                    Material::Unsigned => unsigned(trust),
                };
                pointers.attach(&mut results);
                TrustReport {
                    source,
                    place,
                    results,
                    signed,
                }
            })
            .collect(),
    )
}

/// Judge one document the ingest stage decoded, when it is a bare DSSE
/// envelope that is the whole JSON input: its exact payload bytes and its
/// statement are taken from the decoding, so the file is not decoded twice.
/// `None` for anything else (a bundle, an unsigned document, an envelope
/// inside YAML or inside a list, a signature that is not base64): then
/// [`check`] judges the raw bytes.
///
/// The judgement is [`check`]'s, over the same exact bytes; only where they
/// come from differs.
pub fn check_document(trust: &Trust, doc: &crate::ingest::Document) -> Option<TrustReport> {
    let whole_json_input = doc.syntax == crate::ingest::Syntax::Json && doc.base.is_root();
    let ingested = doc
        .envelope
        .as_ref()
        .filter(|e| whole_json_input && doc.bundle.is_none() && e.pointer.is_root())?;
    let signatures = ingested
        .signatures
        .iter()
        .map(|s| dsse::decode_base64(&s.sig))
        .collect::<Option<Vec<_>>>()?;
    let env = dsse::Envelope {
        payload_type: Cow::Borrowed(&ingested.payload_type),
        payload: Cow::Borrowed(&ingested.payload),
        signatures,
    };
    // With an envelope, the document's value is its decoded payload.
    let mut results = judge_envelope(trust, &env, || subject::statement_of(&doc.value)).results;
    Pointers::envelope(&ingested.pointer).attach(&mut results);
    Some(TrustReport {
        source: doc.name.clone(),
        place: Place {
            line: doc.line,
            pointer: JsonPointer::root(),
        },
        results,
        signed: true,
    })
}

/// A bare DSSE envelope.
fn envelope(trust: &Trust, raw: &dsse::RawEnvelope) -> Outcome {
    match raw.decode() {
        Ok(env) => judge_envelope(trust, &env, || subject::parse_statement(&env.payload)),
        Err(e) => {
            let mut out = Outcome::default();
            out.signature(Status::Fail, format!("invalid DSSE envelope: {e}"));
            out.subjects_undecided(trust, "the envelope is invalid");
            out
        }
    }
}

/// Judge a decoded DSSE envelope; `statement` reads its payload as an
/// in-toto statement, asked only once the signature is judged.
fn judge_envelope(
    trust: &Trust,
    env: &dsse::Envelope<'_>,
    statement: impl FnOnce() -> Result<subject::Statement, String>,
) -> Outcome {
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
        let (status, message) = dsse::verify_with_keys(env, &trust.keys, trust.threshold);
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
    if trust.subjects.is_empty() && env.payload_type != dsse::IN_TOTO {
        return out;
    }
    if env.payload_type != dsse::IN_TOTO {
        for expected in &trust.subjects {
            out.results.push(subject::failed(
                expected,
                &format!(
                    "payloadType {:?} is not an in-toto statement ({})",
                    env.payload_type,
                    dsse::IN_TOTO
                ),
            ));
        }
        return out;
    }
    match statement() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(bytes: &[u8]) -> Option<Vec<(String, &'static str)>> {
        kinds_in("t.json", bytes)
    }

    fn kinds_in(name: &str, bytes: &[u8]) -> Option<Vec<(String, &'static str)>> {
        documents(name, bytes).map(|docs| {
            docs.into_iter()
                .map(|(place, m, _)| {
                    let kind = match m {
                        Material::Bundle(_) => "bundle",
                        Material::Envelope(_) => "envelope",
                        Material::BadEnvelope(_) => "bad-envelope",
                        Material::Unsigned => "unsigned",
                    };
                    (place.suffix(), kind)
                })
                .collect()
        })
    }

    #[test]
    fn detection_table() {
        let bundle = r#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
        let env = r#"{"payloadType": "t", "payload": "", "signatures": []}"#;
        type Row = (String, Option<Vec<(&'static str, &'static str)>>);
        let rows: Vec<Row> = vec![
            (bundle.into(), Some(vec![("", "bundle")])),
            (
                r#"{"mediaType": "wrong", "verificationMaterial": {}, "dsseEnvelope": {}}"#.into(),
                Some(vec![("", "bundle")]),
            ),
            (env.into(), Some(vec![("", "envelope")])),
            (
                r#"{"payloadType": 1, "payload": "", "signatures": []}"#.into(),
                Some(vec![("", "bad-envelope")]),
            ),
            (
                format!("{env}\n\n{bundle}\n"),
                Some(vec![(":1", "envelope"), (":3", "bundle")]),
            ),
            (
                format!(r#"{{"attestations": [{{"bundle": {bundle}}}, {{"bundle": {bundle}}}]}}"#),
                Some(vec![
                    ("#/attestations/0/bundle", "bundle"),
                    ("#/attestations/1/bundle", "bundle"),
                ]),
            ),
            (
                r#"{"kind": "TaskRun"}"#.into(),
                Some(vec![("", "unsigned")]),
            ),
            ("kind: TaskRun\n".into(), None),
            (r#"{"payloadType": "a", "payloadType": "b"}"#.into(), None),
            (format!("{env}\nnot json\n"), None),
        ];
        for (input, want) in rows {
            let want = want.map(|v| {
                v.into_iter()
                    .map(|(a, k)| (a.to_owned(), k))
                    .collect::<Vec<_>>()
            });
            assert_eq!(kinds(input.as_bytes()), want, "{input}");
        }
    }

    /// In a JSON-lines file a bad line keeps its place and hides no other
    /// line's signature material.
    #[test]
    fn a_bad_json_line_hides_no_other() {
        let bundle = r#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
        let env = r#"{"payloadType": "t", "payload": "", "signatures": []}"#;
        let got = |text: String| kinds_in("t.intoto.jsonl", text.as_bytes());
        let want = |rows: &[(&str, &'static str)]| {
            Some(
                rows.iter()
                    .map(|(a, k)| ((*a).to_owned(), *k))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            got(format!("{env}\n{{\"oops\":\n\n{bundle}\n")),
            want(&[(":1", "envelope"), (":2", "unsigned"), (":4", "bundle")])
        );
        assert_eq!(
            got(format!("{{\"a\": 1, \"a\": 2}}\n{env}\n")),
            want(&[(":1", "unsigned"), (":2", "envelope")])
        );
        // One line of a `.jsonl` file is a JSON line too.
        assert_eq!(got(env.to_owned()), want(&[(":1", "envelope")]));
    }

    #[test]
    fn threshold_above_the_keys_is_an_error() {
        let mut b = TrustBuilder::new();
        b.key_threshold(2);
        assert!(b.clone().build().is_ok(), "no keys: nothing to count");
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExRRST79+PsrRBnGAI4cMu6Omz2Jh\nfwlMW+gIutNKVRaMyS4rQKvgngc5p8UbLj55pVHhIoAxi/SRgURZI0J3Xw==\n-----END PUBLIC KEY-----\n";
        b.add_key_pem("a.pub", pem.as_bytes()).unwrap();
        b.add_key_pem("same.pub", pem.as_bytes()).unwrap();
        let err = b.build().unwrap_err().to_string();
        assert!(err.contains("1 distinct key(s)"), "{err}");
    }
}
