//! The one-liners users bring from slsa-verifier: `--source-uri`,
//! `--source-tag`, `--source-branch`, `--source-versioned-tag` and
//! `--builder-id`, over slsa-verifier's own signed test data, with the
//! verdicts its regression test (`main_regression_test.go`) expects.

use crate::util::{corpus, provcheck};

const GH: &str = "https://token.actions.githubusercontent.com";
const SOURCE: &str = "github.com/slsa-framework/example-package";
const GENERIC: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
const GO: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml";

/// `provcheck verify FILE` with the signer pinned to slsa-framework's
/// workflows (keyless bundles, verified offline) and `flags`: the exit code.
fn verify(file: &str, flags: &[&str]) -> i32 {
    let file = corpus().join(file);
    let mut args = vec![
        "verify",
        file.to_str().unwrap(),
        "--certificate-identity-regexp",
        "^https://github.com/slsa-framework/",
        "--certificate-oidc-issuer",
        GH,
    ];
    args.extend_from_slice(flags);
    let out = provcheck(&args);
    out.status.code().unwrap()
}

/// As [`verify`], for envelope-only provenance whose certificate
/// slsa-verifier finds online: the predicate is judged as stated.
fn verify_unsigned(file: &str, flags: &[&str]) -> i32 {
    let file = corpus().join(file);
    let mut args = vec![
        "verify",
        file.to_str().unwrap(),
        "--insecure-skip-signature",
    ];
    args.extend_from_slice(flags);
    provcheck(&args).status.code().unwrap()
}

#[test]
fn source_and_builder_flags_as_slsa_verifier_judges_them() {
    let dispatch =
        "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl";
    let at_v210 = format!("{GENERIC}@v2.1.0");
    let at_ref = format!("{GENERIC}@refs/tags/v2.1.0");
    let at_other = format!("{GENERIC}@refs/tags/v2.0.0");
    let rows: Vec<(Vec<&str>, i32)> = vec![
        (vec!["--source-uri", SOURCE], 0),
        (
            vec![
                "--source-uri",
                "https://github.com/slsa-framework/example-package",
            ],
            0,
        ),
        (
            vec![
                "--source-uri",
                "git+https://github.com/slsa-framework/example-package",
            ],
            0,
        ),
        (
            vec![
                "--source-uri",
                SOURCE,
                "--builder-id",
                GENERIC,
                "--source-branch",
                "main",
            ],
            0,
        ),
        (vec!["--source-uri", SOURCE, "--builder-id", &at_v210], 0),
        (vec!["--source-uri", SOURCE, "--builder-id", &at_ref], 0),
        // ErrorMismatchBuilderID, ErrorMismatchBranch, ErrorInvalidRef,
        // ErrorMismatchSource.
        (vec!["--source-uri", SOURCE, "--builder-id", &at_other], 1),
        (vec!["--source-uri", SOURCE, "--builder-id", GO], 1),
        (vec!["--source-uri", SOURCE, "--source-branch", "master"], 1),
        (vec!["--source-uri", SOURCE, "--source-tag", "v1.2.3"], 1),
        (
            vec!["--source-uri", SOURCE, "--source-versioned-tag", "v1"],
            1,
        ),
        (
            vec![
                "--source-uri",
                "github.com/laurentsimon/slsa-verifier-test-genA",
            ],
            1,
        ),
        (
            vec![
                "--source-uri",
                "http://github.com/slsa-framework/example-package",
            ],
            1,
        ),
    ];
    for (flags, want) in rows {
        assert_eq!(verify(dispatch, &flags), want, "{flags:?}");
    }
}

#[test]
fn versioned_tags_follow_slsa_verifiers_table() {
    let generic = "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-push-v14.2.intoto.jsonl";
    for (tag, want) in [
        ("v14.2", 0),
        ("v14", 0),
        ("v14.2.1", 1),
        ("v14.2.3", 1),
        ("v14.1", 1),
        ("v14.1.1", 1),
        ("v14.3.1", 1),
        ("v13", 1),
        ("v15", 1),
        ("v15.1", 1),
    ] {
        let flags = [
            "--source-uri",
            SOURCE,
            "--builder-id",
            GENERIC,
            "--source-versioned-tag",
            tag,
        ];
        assert_eq!(verify(generic, &flags), want, "generic {tag}");
    }
    let go = "slsa-verifier/gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl";
    for (tag, want) in [
        ("v14", 0),
        ("v14.0", 0),
        ("v14.1", 1),
        ("v13", 1),
        ("v13.2", 1),
        ("v15", 1),
        ("v0", 1),
    ] {
        let flags = [
            "--source-uri",
            SOURCE,
            "--builder-id",
            GO,
            "--source-versioned-tag",
            tag,
        ];
        assert_eq!(verify(go, &flags), want, "go {tag}");
    }
    // A tag that is not vX[.Y[.Z]] is a usage error.
    assert_eq!(verify(go, &["--source-versioned-tag", "14"]), 2);
    // The annotated tag: a version, not a branch.
    let annotated = "slsa-verifier/annotated-tag.intoto.jsonl";
    let src = ["--source-uri", "github.com/asraa/slsa-on-github-test"];
    assert_eq!(
        verify_unsigned(
            annotated,
            &[&src[..], &["--source-versioned-tag", "v1.5.0"]].concat()
        ),
        0
    );
    assert_eq!(
        verify_unsigned(
            annotated,
            &[&src[..], &["--source-branch", "main"]].concat()
        ),
        1
    );
}

#[test]
fn the_delegators_builder_and_an_untrusted_builder() {
    // BYOB: the builder is the TRW the delegator ran.
    let delegator =
        "slsa-verifier/gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa";
    let trw = "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml";
    assert_eq!(
        verify(
            delegator,
            &[
                "--source-uri",
                SOURCE,
                "--builder-id",
                trw,
                "--source-branch",
                "main"
            ]
        ),
        0
    );
    assert_eq!(
        verify(
            delegator,
            &["--source-uri", SOURCE, "--builder-id", GENERIC]
        ),
        1
    );
    // A fork of the Go builder is not the Go builder.
    let fork = "slsa-verifier/binary-linux-amd64-untrusted-builder.intoto.jsonl";
    assert_eq!(
        verify_unsigned(fork, &["--source-uri", SOURCE, "--builder-id", GO]),
        1
    );
    // Each flag is its own requirement: two builders cannot both hold.
    let dispatch =
        "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl";
    let out = provcheck(&[
        "verify",
        corpus().join(dispatch).to_str().unwrap(),
        "--insecure-skip-signature",
        "--builder-id",
        GENERIC,
        "--source-uri",
        "github.com/someone/else",
        "--format",
        "json",
    ]);
    // A JSON-lines input: an array, of one document here.
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &entries[0];
    let mut policies: Vec<(&str, &str)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| Some((r["policy"].as_str()?, r["status"].as_str()?)))
        .collect();
    policies.sort_unstable();
    assert_eq!(
        policies,
        [("--builder-id", "pass"), ("--source-uri", "fail")]
    );
}

/// `provcheck verify` of gh's reusable-workflow attestation (public-good
/// Sigstore) with its artifact and `flags`: the exit code and the
/// `identity` result's message.
fn gh(flags: &[&str]) -> (i32, String) {
    let bundle = corpus().join("github/gh-cli/reusable-workflow-attestation.sigstore.json");
    let artifact = corpus().join("github/gh-cli/reusable-workflow-artifact");
    let mut args = vec![
        "verify",
        bundle.to_str().unwrap(),
        "--artifact",
        artifact.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(flags);
    let out = provcheck(&args);
    let code = out.status.code().unwrap();
    let identity = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        .and_then(|r| {
            r["results"]
                .as_array()?
                .iter()
                .find(|x| x["rule"] == "identity")
                .map(|x| format!("{} {}", x["status"], x["message"]))
        })
        .unwrap_or_default();
    (code, identity)
}

/// gh's own integration cases (`TestVerifyIntegrationReusableWorkflow`):
/// the owner, repository and signer read from the certificate's Fulcio
/// extensions, GitHub's issuer meant unless one is given.
#[test]
fn gh_flags_as_gh_attestation_verify_judges_them() {
    let trusted_root = corpus().join("github/gh-cli/trusted_root.json");
    let signer = ["--signer-repo", "github/artifact-attestations-workflows"];
    fn with<'a>(more: &[&'a str], signer: [&'a str; 2]) -> Vec<&'a str> {
        let mut v = more.to_vec();
        v.extend(signer);
        v
    }
    let with_signer = |more: &[&'static str]| with(more, signer);
    let rows: Vec<(Vec<&str>, i32)> = vec![
        // gh: an owner or repository alone also requires a signer under it;
        // this attestation was signed by a reusable workflow of another owner.
        (vec!["--owner", "malancas"], 1),
        (vec!["--repo", "malancas/attest-demo"], 1),
        (with_signer(&["--owner", "malancas"]), 0),
        (with_signer(&["--owner", "Malancas"]), 0),
        (with_signer(&["--repo", "malancas/attest-demo"]), 0),
        (vec!["--owner", "malancas", "--certificate-identity-regexp", "^https://github.com/github/artifact-attestations-workflows/"], 0),
        (vec!["--signer-repo", "github/artifact-attestations-workflows"], 0),
        (vec!["--signer-workflow", "github/artifact-attestations-workflows/.github/workflows/attest.yml"], 0),
        (vec!["--signer-workflow", "github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d"], 0),
        (vec!["--signer-workflow", "github/artifact-attestations-workflows/.github/workflows/attest.yml@refs/heads/main"], 1),
        (with(&["--owner", "malancas", "--trusted-root", trusted_root.to_str().unwrap()], signer), 0),
        (with_signer(&["--owner", "malancas", "--certificate-oidc-issuer-regexp", r"^https://token\.actions\.githubusercontent\.com$"]), 0),
        (with_signer(&["--owner", "malancas", "--certificate-oidc-issuer-regexp", "accounts.google"]), 1),
        (with_signer(&["--owner", "malancas", "--certificate-oidc-issuer", "https://accounts.google.com"]), 1),
        (with_signer(&["--owner", "malancas", "--source-digest", "0000000000000000000000000000000000000000"]), 1),
        (with_signer(&["--owner", "other"]), 1),
        (vec!["--signer-repo", "malancas/attest-demo"], 1),
        // Names of the wrong form are usage errors.
        (vec!["--signer-repo", "github"], 2),
        (vec!["--owner", ""], 2),
        (vec!["--owner", "malancas/attest-demo"], 2),
        (vec!["--repo", "malancas"], 2),
        (vec!["--signer-workflow", "github/artifact-attestations-workflows"], 2),
    ];
    for (flags, want) in rows {
        let (code, identity) = gh(&flags);
        assert_eq!(code, want, "{flags:?}: {identity}");
    }
    // A fake repository fails, naming both repositories.
    let (code, identity) = gh(&with_signer(&["--repo", "malancas/fake"]));
    assert_eq!(code, 1);
    assert!(
        identity.contains("https://github.com/malancas/fake")
            && identity.contains("https://github.com/malancas/attest-demo"),
        "{identity}"
    );
    // A flag that names no signer leaves the signer unpinned: unknown.
    let (code, identity) = gh(&["--deny-self-hosted-runners"]);
    assert_eq!(code, 3, "{identity}");
    assert!(identity.starts_with("\"unknown\""), "{identity}");
    // gh's flags ask for a verification: refused beside skipping it.
    let (code, _) = gh(&with_signer(&[
        "--owner",
        "malancas",
        "--insecure-skip-signature",
    ]));
    assert_eq!(code, 2);
}

/// `--effective-time` (Conforma's flag; `--at` is an alias): the instant a
/// policy's `effective_on` dates are judged at. The release gate's
/// `pinned` section is in force from 2027-01-01.
#[test]
fn effective_time_moves_the_instant_rules_are_judged_at() {
    let run = |time: &str| {
        let out = provcheck(&[
            "verify",
            "examples/taskrun-build.yaml",
            "--policy",
            "policies/release-gate.yaml",
            "--effective-time",
            time,
            "--format",
            "json",
        ]);
        let code = out.status.code().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let pinned: Vec<String> = report["results"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .filter(|r| r["rule"] == "steps.pinned" && r["warning"].is_string())
                    .map(|r| r["step"].to_string())
                    .collect()
            })
            .unwrap_or_default();
        let pinned_fails = report["results"].as_array().map_or(0, |rs| {
            rs.iter()
                .filter(|r| r["rule"] == "steps.pinned" && r["status"] == "fail")
                .count()
        });
        (code, pinned.len(), pinned_fails)
    };
    // Before the date: the unpinned steps only warn.
    assert_eq!(run("2026-06-01"), (1, 2, 0));
    // After it: they fail.
    assert_eq!(run("2027-06-01T00:00:00Z"), (1, 0, 2));
    // `--at` is the same flag.
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--policy",
        "policies/release-gate.yaml",
        "--at",
        "2027-06-01",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("fail     steps.pinned"));
    // Anything else is a usage error.
    assert_eq!(run("tomorrow").0, 2);
    assert_eq!(run("2027-6-1").0, 2);
}

/// `--print-provenance`: the statements whose signature, signer and
/// subjects verified, a JSON line each on standard output; the report on
/// standard error.
#[test]
fn print_provenance_writes_only_verified_statements() {
    let file = corpus()
        .join("slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl");
    let file = file.to_str().unwrap();
    let run = |identity: &str, more: &[&str]| {
        let mut args = vec![
            "verify",
            file,
            "--certificate-identity-regexp",
            identity,
            "--certificate-oidc-issuer",
            GH,
            "--print-provenance",
        ];
        args.extend_from_slice(more);
        provcheck(&args)
    };
    let out = run("^https://github.com/slsa-framework/", &[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let statement: serde_json::Value = serde_json::from_str(stdout.trim_end()).unwrap();
    assert_eq!(
        statement["predicateType"],
        "https://slsa.dev/provenance/v0.2"
    );
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"
    );
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("PASS  "));
    // A signer that is not the one required: nothing printed.
    let out = run("^https://github.com/someone-else/", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // A subject that is not the one required: nothing printed.
    let out = run(
        "^https://github.com/slsa-framework/",
        &["--digest", &format!("sha256:{}", "0".repeat(64))],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // A policy that fails keeps the statement off standard output.
    let out = run(
        "^https://github.com/slsa-framework/",
        &["--source-branch", "master"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // Another output on standard output is refused.
    let out = run("^https://github.com/slsa-framework/", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A builder id without `@REF` admits release tags only: a branch or a bare
/// commit, which a fork could name, is not the builder. An entry with its
/// ref admits exactly that ref.
#[test]
fn a_builder_is_matched_at_a_release_tag_or_its_exact_ref() {
    let dir = crate::util::Scratch::new("familiar-builder");
    let statement = |id: &str| {
        serde_json::json!({"_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [{"name": "x", "digest": {"sha256": "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],
            "predicate": {"builder": {"id": id}, "buildType": "https://example.com/t"}})
        .to_string()
    };
    let check = |id: &str, flags: &[&str]| {
        let file = dir.file("s.json", statement(id).as_bytes());
        let mut args = vec!["verify", file.as_str(), "--insecure-skip-signature"];
        args.extend_from_slice(flags);
        provcheck(&args).status.code().unwrap()
    };
    let tag = format!("{GENERIC}@refs/tags/v2.1.0");
    let branch = format!("{GENERIC}@refs/heads/attacker");
    let commit = format!("{GENERIC}@0123456789abcdef0123456789abcdef01234567");
    assert_eq!(check(&tag, &["--builder-id", GENERIC]), 0);
    assert_eq!(check(&branch, &["--builder-id", GENERIC]), 1);
    assert_eq!(check(&commit, &["--builder-id", GENERIC]), 1);
    assert_eq!(
        check(
            &format!("{GENERIC}.evil@refs/tags/v2.1.0"),
            &["--builder-id", GENERIC]
        ),
        1
    );
    assert_eq!(check(&commit, &["--builder-id", &commit]), 0);
    // A policy entry with a ref that is no git ref matches that very id.
    let worker = "https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3";
    let policy = dir.file(
        "p.yaml",
        format!("builders:\n  allow: [\"{worker}\"]\n").as_bytes(),
    );
    assert_eq!(check(worker, &["--policy", &policy]), 0);
}

/// For a keyless bundle the builder is also the workflow that signed: a
/// predicate that names an allowed builder does not make its signer one.
#[test]
fn the_workflow_that_signed_is_the_builder_too() {
    let bundle = corpus().join("github/gh-cli/reusable-workflow-attestation.sigstore.json");
    let artifact = corpus().join("github/gh-cli/reusable-workflow-artifact");
    let out = provcheck(&[
        "verify",
        bundle.to_str().unwrap(),
        "--artifact",
        artifact.to_str().unwrap(),
        "--signer-repo",
        "github/artifact-attestations-workflows",
        "--builder-id",
        "https://github.com/actions/runner/github-hosted",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the workflow that signed"), "{text}");
}

/// A DSSE envelope over a statement of `predicate_type`, signed by `key`
/// (or by another key when `forged`), as one JSON line.
fn signed_line(
    key: &aws_lc_rs::signature::EcdsaKeyPair,
    predicate_type: &str,
    predicate: &serde_json::Value,
    forged: bool,
) -> String {
    use aws_lc_rs::signature::{self, EcdsaKeyPair};
    use base64::Engine as _;
    let statement = serde_json::json!({"_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],
        "predicateType": predicate_type, "predicate": predicate})
    .to_string();
    let payload_type = "application/vnd.in-toto+json";
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let other = EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let signer = if forged { &other } else { key };
    let sig = signer
        .sign(&rng, &crate::util::pae(payload_type, statement.as_bytes()))
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    serde_json::json!({"payloadType": payload_type, "payload": b64.encode(&statement),
        "signatures": [{"sig": b64.encode(sig.as_ref())}]})
    .to_string()
}

/// cosign's `--type`: verified attestations of another predicate type are
/// skipped (no effect on the verdict); with none given, SLSA provenance is
/// selected; nothing selected is `unknown`; a forged one is never skipped.
#[test]
fn predicate_types_select_what_is_judged() {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::signature::{self, KeyPair as _};
    let dir = crate::util::Scratch::new("familiar-select");
    let key =
        signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let public = dir.file(
        "k.pub",
        crate::util::pem(key.public_key().as_der().unwrap().as_ref()).as_bytes(),
    );
    let provenance = serde_json::json!({"buildDefinition": {"buildType": "https://example.com/b",
        "externalParameters": {}}, "runDetails": {"builder": {"id": "https://example.com/builder"}}});
    let slsa = signed_line(&key, "https://slsa.dev/provenance/v1", &provenance, false);
    let sbom = signed_line(
        &key,
        "https://spdx.dev/Document",
        &serde_json::json!({}),
        false,
    );
    let forged = signed_line(
        &key,
        "https://spdx.dev/Document",
        &serde_json::json!({}),
        true,
    );
    let run = |lines: &[&str], flags: &[&str]| {
        let file = dir.file("a.jsonl", format!("{}\n", lines.join("\n")).as_bytes());
        let mut args = vec![
            "verify",
            file.as_str(),
            "--key",
            public.as_str(),
            "--builder-id",
            "https://example.com/builder",
        ];
        args.extend_from_slice(flags);
        let out = provcheck(&args);
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // By default SLSA provenance is judged and the SBOM skipped.
    let (code, text, _) = run(&[&slsa, &sbom], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("PASS  ") && text.contains("SKIPPED  "),
        "{text}"
    );
    assert!(
        text.contains("--predicate-type https://spdx.dev/Document"),
        "{text}"
    );
    // Nothing selected: unknown, never a pass.
    let (code, _, err) = run(&[&sbom], &[]);
    assert_eq!(code, 3);
    assert!(err.contains("no document was selected"), "{err}");
    // Selected by URI or by cosign's short name (`--type`): judged (its
    // builder id is not recorded: builder.allowed is unknown).
    let (code, text, _) = run(&[&sbom], &["--predicate-type", "https://spdx.dev/Document"]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.starts_with("UNKNOWN  ") && text.contains("builder.allowed"),
        "{text}"
    );
    let (code, text, _) = run(&[&slsa, &sbom], &["--type", "spdxjson"]);
    assert!(
        text.contains("SKIPPED  ") && text.contains("UNKNOWN  ") && code == 3,
        "{text}"
    );
    assert_eq!(run(&[&sbom], &["--type", "sbomjson"]).0, 2);
    // A forged attestation of an unselected type is not skipped: it fails.
    let (code, text, _) = run(&[&slsa, &forged], &[]);
    assert_eq!(code, 1, "{text}");
    // A policy's predicate_types select too.
    let policy = dir.file(
        "p.yaml",
        b"predicate_types:\n  allow: [https://spdx.dev/Document]\n",
    );
    let (_, text, _) = run(&[&slsa], &["--policy", &policy]);
    assert!(text.starts_with("SKIPPED  "), "{text}");
    // JSON says why, and JUnit marks it skipped.
    let file = dir.file("b.jsonl", format!("{slsa}\n{sbom}\n").as_bytes());
    let out = provcheck(&[
        "verify",
        &file,
        "--key",
        &public,
        "--builder-id",
        "https://example.com/builder",
        "--format",
        "json",
    ]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::util::assert_valid("report.schema.json", &entries);
    assert!(
        entries[1]["skipped"]
            .as_str()
            .unwrap()
            .contains("not selected"),
        "{entries}"
    );
    let out = provcheck(&[
        "verify",
        &file,
        "--key",
        &public,
        "--builder-id",
        "https://example.com/builder",
        "--format",
        "junit",
    ]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.contains(r#"<property name="verdict" value="skipped"/>"#),
        "{xml}"
    );
    assert!(xml.contains("<skipped message=\"not selected"), "{xml}");
}

/// Only an in-toto statement is selected or skipped: a Tekton object (or a
/// message-signature bundle) that carries a `predicateType` member is judged
/// as always. Nothing selected never passes, whatever `--unknown` says, and
/// CI outputs say it failed. A policy's `predicate_types` not yet in force
/// skips nothing.
#[test]
fn selection_skips_only_verified_statements_and_nothing_selected_never_passes() {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::signature::{self, KeyPair as _};
    let dir = crate::util::Scratch::new("familiar-select-2");
    let mut evil = serde_json::json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": "r"},
        "status": {"taskSpec": {"steps": [{"name": "s", "image": "quay.io/acme-evil/builder:v1"}]},
                   "steps": [{"name": "s", "container": "step-s"}]}});
    evil["predicateType"] = serde_json::json!("https://spdx.dev/Document");
    let tekton = dir.file("tr.jsonl", format!("{evil}\n").as_bytes());
    let out = provcheck(&[
        "verify",
        &tekton,
        "--allow-registry",
        "quay.io/acme/",
        "--insecure-skip-signature",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A message-signature bundle's unsigned top level names no predicate type.
    let conformance = corpus().join("sigstore/conformance/bundle-verify/managed-key-happy-path");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(conformance.join("bundle.sigstore.json")).unwrap())
            .unwrap();
    bundle["predicateType"] = serde_json::json!("https://spdx.dev/Document");
    let bundle_file = dir.file("b.json", bundle.to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &bundle_file,
        "--key",
        conformance.join("key.pub").to_str().unwrap(),
    ]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("SKIPPED"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let key =
        signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let public = dir.file(
        "k.pub",
        crate::util::pem(key.public_key().as_der().unwrap().as_ref()).as_bytes(),
    );
    let sbom = signed_line(
        &key,
        "https://spdx.dev/Document",
        &serde_json::json!({}),
        false,
    );
    let file = dir.file("s.jsonl", format!("{sbom}\n").as_bytes());
    for unknown in ["pass", "warn"] {
        let out = provcheck(&["verify", &file, "--key", &public, "--unknown", unknown]);
        assert_eq!(out.status.code(), Some(3), "--unknown {unknown}");
    }
    let out = provcheck(&["verify", &file, "--key", &public, "--format", "tekton"]);
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["result"], "FAILURE");
    let out = provcheck(&["verify", &file, "--key", &public, "--format", "junit"]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains(r#"failures="1""#), "{xml}");
    // A policy's predicate_types in force from a later date selects nothing yet.
    let later = dir.file(
        "later.yaml",
        b"predicate_types:\n  allow: [https://spdx.dev/Document]\n  effective_on: 2999-01-01\n",
    );
    let provenance = serde_json::json!({"buildDefinition": {"buildType": "https://example.com/b",
        "externalParameters": {}}, "runDetails": {"builder": {"id": "https://example.com/builder"}}});
    let slsa = signed_line(&key, "https://slsa.dev/provenance/v1", &provenance, false);
    let file = dir.file("p.jsonl", format!("{slsa}\n").as_bytes());
    let out = provcheck(&["verify", &file, "--key", &public, "--policy", &later]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("SKIPPED"), "{text}");
}
