//! Trust material: the keys, trusted root, signer identity and expected
//! subjects a run verifies with, collected by [`TrustBuilder`] and checked
//! once into a [`TrustMaterial`].

use std::path::Path;
use std::sync::{Arc, OnceLock};

use sigstore_trust_root::{SigstoreInstance, TrustedRoot};

use super::bundle::IdentityPolicy;
use super::keys::PublicKey;
use super::subject::{self, Expected};
use crate::error::TrustError;
use crate::evaluate::Status;

/// The OIDC issuer of GitHub Actions' tokens: gh's flags mean it unless an
/// issuer is given.
pub const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

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
            flag: "--certificate-identity-regexp",
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

    /// Require an OIDC issuer matching this regular expression
    /// (`--certificate-oidc-issuer-regexp`; unanchored, as cosign's).
    ///
    /// # Errors
    ///
    /// [`TrustError::Regexp`] when it does not compile.
    pub fn certificate_oidc_issuer_regexp(
        &mut self,
        pattern: &str,
    ) -> Result<&mut Self, TrustError> {
        let re = regex::Regex::new(pattern).map_err(|e| TrustError::Regexp {
            flag: "--certificate-oidc-issuer-regexp",
            pattern: pattern.to_owned(),
            reason: e.to_string(),
        })?;
        self.identity.issuer_regexp = Some(re);
        Ok(self)
    }

    /// Require the source repository's owner (gh's `--owner`): the
    /// certificate's source repository owner URI is `https://github.com/OWNER`.
    pub fn owner(&mut self, owner: &str) -> &mut Self {
        self.identity.gh.owner = Some(owner.to_owned());
        self
    }

    /// Require the source repository (gh's `--repo OWNER/REPO`).
    pub fn repo(&mut self, repo: &str) -> &mut Self {
        self.identity.gh.repo = Some(repo.to_owned());
        self
    }

    /// Require the build signer workflow (gh's `--signer-workflow
    /// [HOST/]OWNER/REPO/PATH[@REF]`; without `@REF`, any ref).
    pub fn signer_workflow(&mut self, workflow: &str) -> &mut Self {
        self.identity.gh.signer_workflow = Some(workflow.to_owned());
        self
    }

    /// Require the build signer's repository (gh's `--signer-repo OWNER/REPO`).
    pub fn signer_repo(&mut self, repo: &str) -> &mut Self {
        self.identity.gh.signer_repo = Some(repo.to_owned());
        self
    }

    /// Require the build signer's commit (gh's `--signer-digest`).
    pub fn signer_digest(&mut self, digest: &str) -> &mut Self {
        self.identity.gh.signer_digest = Some(digest.to_owned());
        self
    }

    /// Require the source repository's ref (gh's `--source-ref`).
    pub fn source_ref(&mut self, git_ref: &str) -> &mut Self {
        self.identity.gh.source_ref = Some(git_ref.to_owned());
        self
    }

    /// Require the source repository's commit (gh's `--source-digest`).
    pub fn source_digest(&mut self, digest: &str) -> &mut Self {
        self.identity.gh.source_digest = Some(digest.to_owned());
        self
    }

    /// Refuse self-hosted runners (gh's `--deny-self-hosted-runners`).
    pub fn deny_self_hosted_runners(&mut self) -> &mut Self {
        self.identity.gh.deny_self_hosted_runners = true;
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
            .push(Expected::Digest(subject::SubjectDigest::parse(digest)?));
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
    /// threshold; [`TrustError::Flag`] for a gh name of the wrong form; [`TrustError::TrustedRoot`] when a given root holds
    /// unusable keys or certificates.
    pub fn build(mut self) -> Result<TrustMaterial, TrustError> {
        // gh's names: an owner is one path component, a repository two.
        let gh = &self.identity.gh;
        let component = |c: &str| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                && c != "."
                && c != ".."
        };
        let checks: [(&'static str, Option<&String>, usize, &'static str); 3] = [
            ("--owner", gh.owner.as_ref(), 1, "expected OWNER"),
            ("--repo", gh.repo.as_ref(), 2, "expected OWNER/REPO"),
            (
                "--signer-repo",
                gh.signer_repo.as_ref(),
                2,
                "expected OWNER/REPO",
            ),
        ];
        for (flag, value, parts, reason) in checks {
            if let Some(value) = value {
                let split: Vec<&str> = value.split('/').collect();
                if split.len() != parts || !split.iter().all(|c| component(c)) {
                    return Err(TrustError::Flag {
                        flag,
                        value: value.clone(),
                        reason,
                    });
                }
            }
        }
        if let Some(workflow) = &gh.signer_workflow {
            let rest = workflow.strip_prefix("https://").unwrap_or(workflow);
            let rest = rest.strip_prefix("github.com/").unwrap_or(rest);
            let path = rest.split('@').next().unwrap_or(rest);
            if path.split('/').filter(|c| !c.is_empty()).count() < 3 {
                return Err(TrustError::Flag {
                    flag: "--signer-workflow",
                    value: workflow.clone(),
                    reason: "expected [HOST/]OWNER/REPO/PATH[@REF]",
                });
            }
        }
        // gh's flags without an issuer mean GitHub Actions' issuer, as gh's.
        if self.identity.gh.is_set()
            && self.identity.issuer.is_none()
            && self.identity.issuer_regexp.is_none()
        {
            self.identity.issuer = Some(GITHUB_ACTIONS_ISSUER.to_owned());
        }
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
        Ok(TrustMaterial {
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
/// [`super::bundle`]'s log-entry checks).
#[derive(Clone)]
pub(crate) struct Sigstore {
    pub(crate) verifier: Arc<sigstore_verify::Verifier>,
    pub(crate) tlogs: Arc<Vec<sigstore_trust_root::TransparencyLog>>,
}

type SigstoreVerifier = Result<Sigstore, String>;

/// Checked trust material (keys, trusted root, identity constraints,
/// expected subjects), shared by every input of a run.
#[derive(Clone)]
pub struct TrustMaterial {
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

impl std::fmt::Debug for TrustMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustMaterial")
            .field("keys", &self.keys.len())
            .field("threshold", &self.threshold)
            .field("identity", &self.identity)
            .field("subjects", &self.subjects)
            .field("insecure_skip_signature", &self.insecure_skip_signature)
            .field("explicit_root", &self.explicit_root)
            .finish_non_exhaustive()
    }
}

impl TrustMaterial {
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

#[cfg(test)]
mod tests {
    use super::*;

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
