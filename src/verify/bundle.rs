//! Sigstore bundles (v0.1–v0.3), verified offline with `sigstore-verify`:
//! the Fulcio certificate chain to the trusted root at signing time, the
//! SCT, the Rekor entry (inclusion proof and/or SET, integrated time inside
//! the certificate's validity), RFC 3161 timestamps, and the signature over
//! the DSSE PAE or the artifact digest. Managed-key bundles are verified
//! with the `--key` keys.
//!
//! The signer identity is judged here, from the verified certificate: SAN
//! (exact or regular expression), OIDC issuer and the GitHub workflow
//! extensions.

use sigstore_types::bundle::VerificationMaterialContent;
use sigstore_types::{Artifact, ArtifactDigest, Bundle, HashAlgorithm, SignatureContent};
use sigstore_verify::crypto::{CertificateInfo, SubjectAltName};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy};

use serde::Deserialize as _;

use super::subject::{self, Expected, Statement};
use super::{Outcome, TrustMaterial};
use crate::evaluate::Status;
use crate::ingest::Document;

/// What the certificate must say (`--certificate-*` flags).
#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityPolicy {
    pub(crate) identity: Option<String>,
    pub(crate) identity_regexp: Option<regex::Regex>,
    pub(crate) issuer: Option<String>,
    pub(crate) github_workflow_repository: Option<String>,
    pub(crate) github_workflow_ref: Option<String>,
    pub(crate) github_workflow_trigger: Option<String>,
    pub(crate) github_workflow_name: Option<String>,
    pub(crate) github_workflow_sha: Option<String>,
    /// `--certificate-oidc-issuer-regexp`.
    pub(crate) issuer_regexp: Option<regex::Regex>,
    /// gh's flags, read from the Fulcio extensions.
    pub(crate) gh: GhPolicy,
}

/// `gh attestation verify`'s flags, as the certificate's Fulcio
/// extensions answer them.
#[derive(Debug, Clone, Default)]
pub(crate) struct GhPolicy {
    /// `--owner`: the source repository's owner.
    pub(crate) owner: Option<String>,
    /// `--repo OWNER/REPO`: the source repository.
    pub(crate) repo: Option<String>,
    /// `--signer-workflow [HOST/]OWNER/REPO/PATH[@REF]`: the build signer.
    pub(crate) signer_workflow: Option<String>,
    /// `--signer-repo OWNER/REPO`: the build signer's repository.
    pub(crate) signer_repo: Option<String>,
    /// `--signer-digest SHA`: the build signer's commit.
    pub(crate) signer_digest: Option<String>,
    /// `--source-ref REF`: the source repository's ref.
    pub(crate) source_ref: Option<String>,
    /// `--source-digest SHA`: the source repository's commit.
    pub(crate) source_digest: Option<String>,
    /// `--deny-self-hosted-runners`.
    pub(crate) deny_self_hosted_runners: bool,
}

impl GhPolicy {
    /// Whether any gh flag was given.
    pub(crate) fn is_set(&self) -> bool {
        self.owner.is_some()
            || self.repo.is_some()
            || self.signer_workflow.is_some()
            || self.signer_repo.is_some()
            || self.signer_digest.is_some()
            || self.source_ref.is_some()
            || self.source_digest.is_some()
            || self.deny_self_hosted_runners
    }

    /// Whether the flags name the signer: an owner, a repository or a
    /// signer workflow (as gh requires one of them).
    fn names_signer(&self) -> bool {
        self.owner.is_some()
            || self.repo.is_some()
            || self.signer_workflow.is_some()
            || self.signer_repo.is_some()
    }

    /// What the certificate says against each flag given. `signer_pinned`:
    /// an identity option names the signer already; otherwise `--owner` and
    /// `--repo` also require a signer under that owner or repository, as
    /// gh does (a reusable workflow of anyone else is not the owner's).
    fn mismatches(
        &self,
        claims: &sigstore_verify::crypto::FulcioCiClaims,
        san: Option<&str>,
        signer_pinned: bool,
        out: &mut Vec<String>,
    ) {
        let said =
            |v: Option<&String>| v.map_or_else(|| "nothing".to_owned(), |v| format!("{v:?}"));
        let github = |path: &str| format!("https://github.com/{}", path.trim_matches('/'));
        if let Some(owner) = &self.owner {
            let want = github(owner);
            if !claims
                .source_repository_owner_uri
                .as_deref()
                .is_some_and(|got| got.eq_ignore_ascii_case(&want))
            {
                out.push(format!(
                    "--owner wants the repository owner {want}, the certificate says {}",
                    said(claims.source_repository_owner_uri.as_ref())
                ));
            }
        }
        if let Some(repo) = &self.repo {
            let want = github(repo);
            if !claims
                .source_repository_uri
                .as_deref()
                .is_some_and(|got| got.eq_ignore_ascii_case(&want))
            {
                out.push(format!(
                    "--repo wants the source repository {want}, the certificate says {}",
                    said(claims.source_repository_uri.as_ref())
                ));
            }
        }
        let named = signer_pinned || self.signer_workflow.is_some() || self.signer_repo.is_some();
        if !named {
            if let Some(scope) = self.repo.as_ref().or(self.owner.as_ref()) {
                let want = format!("{}/", github(scope));
                let ok = san.is_some_and(|got| {
                    got.len() > want.len()
                        && got
                            .get(..want.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(&want))
                });
                if !ok {
                    out.push(format!(
                        "the signer must be a workflow under {want} (as gh requires without --signer-workflow or --signer-repo), the certificate's is {}",
                        san.map_or_else(|| "nothing".to_owned(), |s| format!("{s:?}"))
                    ));
                }
            }
        }
        let signer = claims.build_signer_uri.as_deref();
        if let Some(workflow) = &self.signer_workflow {
            let want = if workflow.starts_with("https://") {
                workflow.clone()
            } else if workflow.starts_with("github.com/") {
                format!("https://{workflow}")
            } else {
                github(workflow)
            };
            // Without `@REF`, any ref of that workflow.
            let ok = signer.is_some_and(|got| {
                if want.contains('@') {
                    got == want
                } else {
                    got.split('@').next() == Some(want.as_str())
                }
            });
            if !ok {
                out.push(format!(
                    "--signer-workflow wants {want}, the certificate's build signer is {}",
                    said(claims.build_signer_uri.as_ref())
                ));
            }
        }
        if let Some(repo) = &self.signer_repo {
            let want = format!("{}/", github(repo));
            if !signer.is_some_and(|got| {
                got.len() > want.len()
                    && got
                        .get(..want.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(&want))
            }) {
                out.push(format!(
                    "--signer-repo wants a build signer in {}, the certificate's is {}",
                    github(repo),
                    said(claims.build_signer_uri.as_ref())
                ));
            }
        }
        let mut exact = |flag: &str, want: Option<&String>, got: Option<&String>| {
            if let Some(want) = want {
                if got != Some(want) {
                    out.push(format!(
                        "{flag} wants {want:?}, the certificate says {}",
                        said(got)
                    ));
                }
            }
        };
        exact(
            "--signer-digest",
            self.signer_digest.as_ref(),
            claims.build_signer_digest.as_ref(),
        );
        exact(
            "--source-ref",
            self.source_ref.as_ref(),
            claims.source_repository_ref.as_ref(),
        );
        exact(
            "--source-digest",
            self.source_digest.as_ref(),
            claims.source_repository_digest.as_ref(),
        );
        if self.deny_self_hosted_runners
            && claims.runner_environment.as_deref() != Some("github-hosted")
        {
            out.push(format!(
                "--deny-self-hosted-runners wants a github-hosted runner, the certificate says {}",
                said(claims.runner_environment.as_ref())
            ));
        }
    }
}

impl IdentityPolicy {
    /// Whether any identity constraint was given.
    pub(crate) fn is_set(&self) -> bool {
        self.identity.is_some()
            || self.identity_regexp.is_some()
            || self.issuer.is_some()
            || self.github_workflow_repository.is_some()
            || self.github_workflow_ref.is_some()
            || self.github_workflow_trigger.is_some()
            || self.github_workflow_name.is_some()
            || self.github_workflow_sha.is_some()
            || self.issuer_regexp.is_some()
            || self.gh.is_set()
    }

    /// Judge a verified certificate.
    pub(crate) fn judge(&self, cert: &CertificateInfo) -> (Status, String) {
        let san = cert.identity.as_ref().map(SubjectAltName::as_str);
        let issuer = cert.issuer.as_deref();
        let claims = &cert.ci_claims;
        let gh = &claims.deprecated_github;
        let mut mismatches = Vec::new();
        let mut check = |flag: &str, want: Option<&String>, got: Option<&str>| {
            if let Some(want) = want {
                if got != Some(want.as_str()) {
                    mismatches.push(format!(
                        "{flag} wants {want:?}, the certificate says {}",
                        got.map_or_else(|| "nothing".to_owned(), |g| format!("{g:?}"))
                    ));
                }
            }
        };
        check("--certificate-identity", self.identity.as_ref(), san);
        check("--certificate-oidc-issuer", self.issuer.as_ref(), issuer);
        let repository = gh.workflow_repository.as_deref().or_else(|| {
            claims
                .source_repository_uri
                .as_deref()
                .and_then(|u| u.strip_prefix("https://github.com/"))
        });
        check(
            "--certificate-github-workflow-repository",
            self.github_workflow_repository.as_ref(),
            repository,
        );
        check(
            "--certificate-github-workflow-ref",
            self.github_workflow_ref.as_ref(),
            gh.workflow_ref
                .as_deref()
                .or(claims.source_repository_ref.as_deref()),
        );
        check(
            "--certificate-github-workflow-trigger",
            self.github_workflow_trigger.as_ref(),
            gh.workflow_trigger
                .as_deref()
                .or(claims.build_trigger.as_deref()),
        );
        check(
            "--certificate-github-workflow-name",
            self.github_workflow_name.as_ref(),
            gh.workflow_name.as_deref(),
        );
        check(
            "--certificate-github-workflow-sha",
            self.github_workflow_sha.as_ref(),
            gh.workflow_sha
                .as_deref()
                .or(claims.source_repository_digest.as_deref()),
        );
        if let Some(re) = &self.identity_regexp {
            if !san.is_some_and(|s| re.is_match(s)) {
                mismatches.push(format!(
                    "--certificate-identity-regexp {:?} does not match {}",
                    re.as_str(),
                    san.map_or_else(
                        || "a certificate without SAN".to_owned(),
                        |s| format!("{s:?}")
                    )
                ));
            }
        }
        if let Some(re) = &self.issuer_regexp {
            if !issuer.is_some_and(|i| re.is_match(i)) {
                mismatches.push(format!(
                    "--certificate-oidc-issuer-regexp {:?} does not match {}",
                    re.as_str(),
                    issuer.map_or_else(
                        || "a certificate without issuer".to_owned(),
                        |i| format!("{i:?}")
                    )
                ));
            }
        }
        self.gh.mismatches(
            claims,
            san,
            self.identity.is_some() || self.identity_regexp.is_some(),
            &mut mismatches,
        );
        let who = format!(
            "signer {} (issuer {})",
            san.unwrap_or("(no SAN)"),
            issuer.unwrap_or("(none)")
        );
        if !mismatches.is_empty() {
            return (Status::Fail, format!("{who}: {}", mismatches.join("; ")));
        }
        let pinned =
            (self.identity.is_some() || self.identity_regexp.is_some() || self.gh.names_signer())
                && (self.issuer.is_some() || self.issuer_regexp.is_some());
        if pinned {
            (Status::Pass, format!("{who} matches the required identity"))
        } else {
            (
                Status::Unknown,
                format!(
                    "{who}: the signer is not pinned: give --certificate-identity (or -regexp, or --owner, --repo, --signer-workflow, --signer-repo) and --certificate-oidc-issuer (or -regexp)"
                ),
            )
        }
    }
}

/// Verify one bundle the ingest stage read and judge its identity and
/// subjects. The statement judged is the document's, read from the payload
/// bytes the ingest stage decoded; the bundle's own reading of that payload
/// must be the very same bytes.
pub(crate) fn verify(
    trust: &TrustMaterial,
    doc: &Document,
    found: &crate::ingest::Bundle,
) -> Outcome {
    let mut out = Outcome::default();
    let bundle = match Bundle::deserialize(&found.json) {
        Ok(b) => b,
        Err(e) => {
            // The parser's message can quote the whole bundle.
            let e = e.to_string();
            out.signature(
                Status::Fail,
                format!(
                    "not a valid Sigstore bundle, nothing verified: {}",
                    crate::text::clipped(&e, 300)
                ),
            );
            out.subjects_undecided(trust, "the bundle is invalid");
            return out;
        }
    };
    let keyed = matches!(
        bundle.verification_material.content,
        VerificationMaterialContent::PublicKey(_)
    );

    // What the signature binds: the statement (DSSE) or the artifact digest.
    let statement = match (&bundle.content, &doc.envelope) {
        (SignatureContent::DsseEnvelope(env), Some(read))
            if env.payload_type == read.payload_type
                && env.payload.as_bytes() == read.payload.as_slice() =>
        {
            match super::signed_statement(doc) {
                Ok(st) => Some(st),
                Err(e) => {
                    out.signature(Status::Fail, format!("the signed payload is rejected: {e}"));
                    out.subjects_undecided(trust, "no readable statement");
                    return out;
                }
            }
        }
        (SignatureContent::MessageSignature(_), None) => None,
        _ => {
            out.signature(
                Status::Fail,
                "not a valid Sigstore bundle, nothing verified: the bundle's signed content is \
                 not the content read from it"
                    .into(),
            );
            out.subjects_undecided(trust, "the bundle is invalid");
            return out;
        }
    };

    if trust.insecure_skip_signature {
        out.signature_skipped();
        match &statement {
            Some(st) => out.subjects_from(trust, st),
            None => out.subjects_message_signature(trust, None),
        }
        return out;
    }

    let artifact = match &statement {
        Some(st) => match st.bindable_digest().and_then(|(alg, hex)| digest(alg, hex)) {
            Some(d) => d,
            None => {
                out.signature(
                    trust.unverified(),
                    "not verified: the statement names no SHA-256 or SHA-512 subject digest, the only ones sigstore-verify binds a DSSE bundle to".into(),
                );
                out.subjects_undecided(trust, "the signature was not verified");
                return out;
            }
        },
        None => match trust.subjects.iter().find_map(Expected::sha256) {
            Some(hex) => match digest(HashAlgorithm::Sha2256, hex) {
                Some(d) => d,
                None => {
                    out.signature(Status::Fail, format!("bad sha256 digest {hex}"));
                    return out;
                }
            },
            None => {
                if keyed
                    && trust.keys.is_empty()
                    && !trust.identity.is_set()
                    && !trust.explicit_root
                {
                    out.signature(Status::Unknown, super::NO_TRUST_MATERIAL.into());
                } else {
                    out.signature(
                        trust.unverified(),
                        "not verified: a message-signature bundle signs the artifact itself: give --artifact FILE or --digest sha256:HEX".into(),
                    );
                }
                return out;
            }
        },
    };
    let artifact = Artifact::from_digest(artifact);

    let (verifier, tlogs) = match trust.sigstore() {
        Ok(s) => (s.verifier.as_ref(), s.tlogs.as_slice()),
        Err(e) => {
            out.signature(
                trust.unverified(),
                format!("not verified: trusted root unusable: {e}"),
            );
            return out;
        }
    };
    // What sigstore-verify does not check of the log entries.
    if trust.has_tlogs {
        if let Err(why) = log_entries(&bundle, tlogs) {
            out.signature(
                Status::Fail,
                format!("Sigstore verification failed: transparency log entry refused: {why}"),
            );
            out.subjects_undecided(trust, "the signature did not verify");
            return out;
        }
    }

    if keyed {
        if trust.keys.is_empty() {
            if trust.identity.is_set() || trust.explicit_root {
                out.signature(
                    Status::Fail,
                    "the bundle is signed with a key, but no --key was given (its key hint is not trusted)".into(),
                );
            } else {
                out.signature(Status::Unknown, super::NO_TRUST_MATERIAL.into());
            }
            out.subjects_undecided(trust, "the signature was not verified");
            return out;
        }
        // Authorized by --key.
        let mut errors = Vec::new();
        let mut verified = Vec::new();
        for key in &trust.keys {
            let policy = PublicKeyVerificationPolicy::new(key.der.clone());
            match verifier.verify(artifact.clone(), &bundle, &policy) {
                Ok(_) => verified.push(key.describe()),
                Err(e) => errors.push(format!("{}: {e}", key.describe())),
            }
        }
        let threshold = trust.threshold.max(1);
        if verified.len() >= threshold {
            out.signature(
                Status::Pass,
                format!(
                    "bundle signature and transparency log entry verified with {}",
                    verified.join(", ")
                ),
            );
        } else if verified.is_empty() {
            out.signature(
                Status::Fail,
                format!("no given key verifies the bundle: {}", errors.join("; ")),
            );
        } else {
            out.signature(
                Status::Fail,
                format!(
                    "key threshold not met: a Sigstore bundle carries one signature, {threshold} distinct keys required"
                ),
            );
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
    } else {
        // Keys demanded: a certificate signature is not one of them, and
        // the threshold counts keys.
        if !trust.keys.is_empty() {
            out.signature(
                Status::Fail,
                format!(
                    "--key demanded ({} key(s), threshold {}), but the bundle is signed with a \
                     Fulcio certificate: no given key signed it",
                    trust.keys.len(),
                    trust.threshold.max(1)
                ),
            );
            out.subjects_undecided(trust, "the signature was not verified");
            return out;
        }
        if !trust.identity.is_set() && !trust.explicit_root {
            out.signature(Status::Unknown, super::NO_TRUST_MATERIAL.into());
            out.subjects_undecided(trust, "the signature was not verified");
            return out;
        }
        let mut policy = VerificationPolicy::any_identity();
        if !trust.has_tlogs {
            policy = policy.skip_tlog_unsafe();
        }
        if !trust.has_ctlogs {
            policy = policy.skip_sct();
        }
        match verifier.verify(artifact, &bundle, &policy) {
            Ok(result) => {
                let unlogged = if trust.has_tlogs {
                    ""
                } else {
                    " (the trusted root names no transparency log: none checked)"
                };
                out.signature(
                    Status::Pass,
                    format!(
                        "Sigstore bundle verified offline: certificate chain to the trusted root{}{}{}, signature over {}",
                        if result.sct_verified() { ", SCT" } else { "" },
                        if result.tlog_verified() { ", transparency log entry" } else { "" },
                        if result.verified_timestamps().is_empty() { "" } else { ", timestamps" },
                        if statement.is_some() { "the DSSE PAE of the exact payload" } else { "the artifact digest" }
                    ) + unlogged,
                );
                match result.certificate() {
                    Some(cert) => {
                        let (status, message) = trust.identity.judge(cert);
                        out.identity(status, message);
                        let claims = &cert.ci_claims;
                        out.certified = Some(crate::evidence::Certified {
                            repository: claims.source_repository_uri.clone(),
                            git_ref: claims.source_repository_ref.clone(),
                            build_signer: claims.build_signer_uri.clone(),
                        });
                    }
                    None => out.identity(
                        trust.identity_unmatched(),
                        "the verifier returned no certificate to judge".into(),
                    ),
                }
            }
            Err(e) => {
                out.signature(Status::Fail, format!("Sigstore verification failed: {e}"));
                if trust.identity.is_set() {
                    out.identity(
                        Status::Unknown,
                        "not checked: the certificate did not verify".into(),
                    );
                }
                out.subjects_undecided(trust, "the signature did not verify");
                return out;
            }
        }
    }
    if out.signature_status() == Some(Status::Pass) {
        match &statement {
            Some(st) => out.subjects_from(trust, st),
            None => out.subjects_message_signature(
                trust,
                trust.subjects.iter().find_map(Expected::sha256),
            ),
        }
    } else {
        out.subjects_undecided(trust, "the signature did not verify");
    }
    out
}

/// The log-entry checks sigstore-verify 0.15 leaves out, and sigstore-go
/// or sigstore-python make (`docs/dependencies.md` lists each):
///
/// - the entry's log (`logId`) is a transparency log of the trusted root;
/// - the inclusion proof's `rootHash` and `treeSize` are the signed
///   checkpoint's (Rekor v2 ignores its copies; v1 checks the root only);
/// - Rekor v2: the proof's `logIndex` is the entry's, and the checkpoint's
///   origin is the host of the log's `baseUrl`;
/// - the inclusion proof holds over its own index and size (RFC 6962);
/// - a Rekor v2 entry carries no `integratedTime` (v2 writes none; the
///   verifier ignores it, sigstore-go judges it against the certificate);
/// - the checkpoint is signed by the log `logId` names, not by any log of
///   the root.
fn log_entries(
    bundle: &Bundle,
    tlogs: &[sigstore_trust_root::TransparencyLog],
) -> Result<(), String> {
    use sigstore_types::KindVersion;
    use sigstore_verify::crypto::VerificationKey;
    for (i, entry) in bundle.verification_material.tlog_entries.iter().enumerate() {
        let v2 = entry.kind_version == KindVersion::HashedRekordV002;
        let Some(log) = tlogs
            .iter()
            .find(|t| t.log_id.key_id == entry.log_id.key_id)
        else {
            return Err(format!(
                "entry {i}: its log {} is not a transparency log of the trusted root",
                entry.log_id.key_id
            ));
        };
        // Rekor v2 records no integrated time (RFC 3161 timestamps stand in):
        // sigstore-verify ignores one there, which nothing signs.
        if v2 && entry.integrated_time.is_some() {
            return Err(format!(
                "entry {i}: a Rekor v2 entry carries an integratedTime, which Rekor v2 never \
                 writes and nothing signs"
            ));
        }
        let Some(proof) = &entry.inclusion_proof else {
            // An inclusion promise (SET) alone signs the entry's log id and
            // index; sigstore-verify checks it with that log's key.
            continue;
        };
        let Some(checkpoint) = proof.checkpoint.checkpoint() else {
            continue;
        };
        if proof.root_hash.as_bytes() != checkpoint.root_hash().as_bytes() {
            return Err(format!(
                "entry {i}: inclusionProof.rootHash is not the signed checkpoint's root"
            ));
        }
        if proof.tree_size != checkpoint.tree_size() {
            return Err(format!(
                "entry {i}: inclusionProof.treeSize {} is not the signed checkpoint's size {}",
                proof.tree_size,
                checkpoint.tree_size()
            ));
        }
        if v2 && proof.log_index != entry.log_index {
            return Err(format!(
                "entry {i}: inclusionProof.logIndex is not the entry's logIndex"
            ));
        }
        // The proof itself, over its own index and size: the leaf is in the
        // tree the checkpoint signs.
        let leaf = sigstore_merkle::hash_leaf(entry.canonicalized_body.as_bytes());
        sigstore_merkle::verify_inclusion_proof(
            &leaf,
            proof.log_index.get(),
            proof.tree_size,
            &proof.hashes,
            &proof.root_hash,
        )
        .map_err(|e| format!("entry {i}: the inclusion proof does not hold: {e}"))?;
        if v2 && Some(checkpoint.origin()) != host(&log.base_url) {
            return Err(format!(
                "entry {i}: the checkpoint's origin {:?} is not the log's host ({})",
                checkpoint.origin(),
                log.base_url
            ));
        }
        let key = VerificationKey::from_spki(&log.public_key.raw_bytes)
            .map_err(|e| format!("entry {i}: the log's key is not usable: {e}"))?;
        let hint = entry.log_id.key_id.as_bytes().get(..4);
        let signed = checkpoint.signatures().iter().any(|s| {
            Some(&s.key_id.as_bytes()[..]) == hint
                && (!v2 || s.name == checkpoint.origin())
                && key.verify(checkpoint.signed_data(), &s.signature).is_ok()
        });
        if !signed {
            return Err(format!(
                "entry {i}: the checkpoint is not signed by the log its logId names"
            ));
        }
    }
    Ok(())
}

/// The host of a URL: `https://log.example/x` → `log.example`.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host)).filter(|h| !h.is_empty())
}

fn digest(alg: HashAlgorithm, hex: &str) -> Option<ArtifactDigest> {
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    ArtifactDigest::new(alg, bytes).ok()
}

impl Outcome {
    /// Subject results for a message-signature bundle: it signs one artifact,
    /// whose SHA-256 is `signed` when the signature verified.
    fn subjects_message_signature(&mut self, trust: &TrustMaterial, signed: Option<&str>) {
        for expected in &trust.subjects {
            let result = match (signed, expected.sha256()) {
                (None, _) => {
                    subject::undecided(expected, "the bundle's signature was not verified")
                }
                // The bundle signs a digest and names nothing: an image is a
                // repository and a digest, and the repository is not said.
                (Some(s), Some(mine))
                    if s == mine && matches!(expected, Expected::Image { .. }) =>
                {
                    subject::undecided(
                        expected,
                        "the bundle names no repository: a message signature covers only the \
                         digest, so the image cannot be told from another repository's",
                    )
                }
                (Some(s), Some(mine)) if s == mine => crate::evaluate::RuleResult::document(
                    subject::RULE,
                    Status::Pass,
                    format!("the bundle's message signature covers sha256:{s}"),
                ),
                (Some(s), _) => subject::failed(
                    expected,
                    &format!("a message-signature bundle covers one artifact, sha256:{s}"),
                ),
            };
            self.results.push(result);
        }
    }

    fn subjects_from(&mut self, trust: &TrustMaterial, statement: &Statement) {
        for expected in &trust.subjects {
            self.results.push(subject::check(expected, statement));
        }
    }
}
