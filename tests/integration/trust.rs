//! Trust through the CLI (issue 7): the sigstore-conformance bundle-verify
//! suite, the signed real provenance of `tests/corpus/`, and keyed DSSE
//! round trips for every key type.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::util::{assert_valid, corpus, pae, pem, Scratch};

const GH: &str = "https://token.actions.githubusercontent.com";

/// The report as a user's script reads it.
#[derive(Debug, Deserialize)]
struct Report {
    source: String,
    verdict: String,
    results: Vec<Finding>,
    #[serde(default)]
    insecure: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Finding {
    rule: String,
    status: String,
    message: String,
    evidence: Vec<String>,
    warning: Option<String>,
}

impl Report {
    fn rule(&self, rule: &str) -> &Finding {
        self.results
            .iter()
            .find(|r| r.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} result in {self:#?}"))
    }
}

/// The predicate types these tests sign and read: a test predicate, SLSA
/// provenance and npm's publish attestation. A verified attestation of a
/// type a run does not select is skipped (the default selection is SLSA
/// provenance); the selection itself is tested in `familiar.rs`.
const SELECTED: [&str; 5] = [
    "https://provcheck.dev/test-predicate/v1",
    "https://slsa.dev/provenance/v0.1",
    "https://slsa.dev/provenance/v0.2",
    "https://slsa.dev/provenance/v1",
    "https://github.com/npm/attestation/tree/main/specs/publish/v0.1",
];

/// `provcheck ARGS`, with [`SELECTED`] selected for `verify` and `audit`.
fn provcheck(args: &[&str]) -> std::process::Output {
    let mut all: Vec<&str> = args.to_vec();
    if matches!(args.first(), Some(&"verify" | &"audit")) && !args.contains(&"merge") {
        for t in SELECTED {
            all.extend(["--predicate-type", t]);
        }
    }
    crate::util::provcheck(&all)
}

/// Run `provcheck verify --format json ARGS`: the reports (an array always)
/// and the exit code. Every report is checked against the schema.
fn verify(args: &[&str]) -> (Vec<Report>, i32) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let out = provcheck(&all);
    let code = out.status.code().unwrap();
    if out.stdout.is_empty() {
        return (Vec::new(), code);
    }
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_valid("report.schema.json", &value);
    // Entries that could not be judged (exit 2) are counted by the exit
    // code; the reports are the rest.
    let entries = match value {
        serde_json::Value::Array(all) => all,
        one => vec![one],
    };
    let reports: Vec<serde_json::Value> = entries
        .into_iter()
        .filter(|e| e["verdict"] != "error")
        .collect();
    (serde_json::from_value(json!(reports)).unwrap(), code)
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

// ---------------------------------------------------------------------------
// sigstore-conformance bundle-verify

const CONFORMANCE_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";

/// Cases that do not exit 1 / 0 as their name says, and why. All three are
/// inputs that cannot be parsed at all — provcheck could not do its job,
/// which exit code 2 means; none of them is ever a pass.
const CONFORMANCE_EXCEPTIONS: &[(&str, i32, &str)] = &[
    (
        "bundle-malformed-json_fail",
        2,
        "the bundle is truncated JSON: unreadable input",
    ),
    (
        "managed-key-wrong-key_fail",
        2,
        "key.pub is not a public key (its base64 ends in `wrongkey==`): unusable --key",
    ),
    (
        "trust-root-tlog-missing-validity-start_fail",
        2,
        "trusted_root.json lacks a required field (validFor.start): unusable --trusted-root",
    ),
];

/// Every case directory of the suite, through the CLI, with the identity,
/// issuer, artifact, key and trusted root its files (or the suite's README
/// defaults) give. Public-good cases get no --trusted-root: the embedded
/// root serves.
#[test]
fn issue_7_sigstore_conformance_bundle_verify() {
    let suite = corpus().join("sigstore/conformance/bundle-verify");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&suite)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let read = |dir: &Path, name: &str, default: &str| {
        std::fs::read_to_string(dir.join(name))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| default.to_owned())
    };
    let mut wrong = Vec::new();
    let mut excepted = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let bundle = path(&dir.join("bundle.sigstore.json"));
        let artifact = if dir.join("artifact").exists() {
            dir.join("artifact")
        } else {
            suite.join("a.txt")
        };
        let artifact = path(&artifact);
        let identity = read(dir, "identity", CONFORMANCE_IDENTITY);
        let issuer = read(dir, "issuer", GH);
        let key = path(&dir.join("key.pub"));
        let root = path(&dir.join("trusted_root.json"));
        let mut args = vec![bundle.as_str(), "--artifact", &artifact];
        if dir.join("key.pub").exists() {
            args.extend(["--key", &key]);
        } else {
            args.extend([
                "--certificate-identity",
                &identity,
                "--certificate-oidc-issuer",
                &issuer,
            ]);
        }
        if dir.join("trusted_root.json").exists() {
            args.extend(["--trusted-root", &root]);
        }
        let (reports, code) = verify(&args);
        let exception = CONFORMANCE_EXCEPTIONS.iter().find(|(n, _, _)| *n == name);
        let want = match exception {
            Some((_, code, _)) => *code,
            None if name.ends_with("_fail") => 1,
            None => 0,
        };
        if code != want {
            wrong.push(format!("{name}: exit {code}, want {want}: {reports:?}"));
            continue;
        }
        if exception.is_some() {
            excepted.push(name.clone());
            assert!(reports.is_empty(), "{name}: an error prints no report");
            continue;
        }
        let [report] = reports.as_slice() else {
            panic!("{name}: one report expected: {reports:?}")
        };
        let want_verdict = if want == 0 { "pass" } else { "fail" };
        assert_eq!(report.verdict, want_verdict, "{name}: {report:?}");
        let signature = report.rule("signature");
        if want == 0 {
            assert_eq!(signature.status, "pass", "{name}: {report:?}");
            assert!(report.results.iter().all(|r| r.status == "pass"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let listed: Vec<&str> = CONFORMANCE_EXCEPTIONS.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(excepted, listed, "the exception list must be exact");
}

// ---------------------------------------------------------------------------
// Signed real provenance

struct Row {
    what: &'static str,
    file: &'static str,
    args: Vec<String>,
    /// One verdict per report, in order.
    verdicts: &'static [&'static str],
    code: i32,
    /// (rule, status, text the message contains)
    expect: Vec<(&'static str, &'static str, &'static str)>,
}

fn c(p: &str) -> String {
    path(&corpus().join(p))
}

fn ids(identity: &str) -> Vec<String> {
    vec![
        "--certificate-identity".into(),
        identity.into(),
        "--certificate-oidc-issuer".into(),
        GH.into(),
    ]
}

fn id_re(re: &str) -> Vec<String> {
    vec![
        "--certificate-identity-regexp".into(),
        re.into(),
        "--certificate-oidc-issuer".into(),
        GH.into(),
    ]
}

fn plus(mut a: Vec<String>, more: &[&str]) -> Vec<String> {
    a.extend(more.iter().map(|s| (*s).to_owned()));
    a
}

const GENERIC_V210: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
const SIGSTORE_JS: &str =
    "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main";
const NPM_SHA512: &str = "sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751";

#[allow(clippy::too_many_lines)]
fn real_rows() -> Vec<Row> {
    let sjs_tgz = c("npm/gh-cli/sigstore-js-2.1.0.tgz");
    let envelope_only = "verification material is not in the file";
    vec![
        Row {
            what: "slsa-github-generator v2.1.0 bundle, true identity and artifact digest",
            file: "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: plus(ids(GENERIC_V210), &["--digest", "sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa",
                "--certificate-github-workflow-repository", "slsa-framework/example-package",
                "--certificate-github-workflow-ref", "refs/heads/main",
                "--certificate-github-workflow-trigger", "workflow_dispatch"]),
            verdicts: &["pass"], code: 0,
            expect: vec![("signature", "pass", "DSSE PAE"), ("identity", "pass", "generator_generic_slsa3.yml"), ("subject", "pass", "376e7e01")],
        },
        Row {
            what: "same bundle, wrong identity (another generator tag)",
            file: "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: ids("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "pass", ""), ("identity", "fail", "--certificate-identity wants")],
        },
        Row {
            what: "same bundle, wrong branch in the GitHub extensions",
            file: "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: plus(ids(GENERIC_V210), &["--certificate-github-workflow-ref", "refs/heads/master"]),
            verdicts: &["fail"], code: 1,
            expect: vec![("identity", "fail", "refs/heads/master")],
        },
        Row {
            what: "same bundle, wrong issuer",
            file: "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: vec!["--certificate-identity".into(), GENERIC_V210.into(), "--certificate-oidc-issuer".into(), "https://accounts.google.com".into()],
            verdicts: &["fail"], code: 1,
            expect: vec![("identity", "fail", "--certificate-oidc-issuer")],
        },
        Row {
            what: "same bundle, an artifact it does not name",
            file: "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: plus(ids(GENERIC_V210), &["--artifact", &c("sigstore/conformance/bundle-verify/a.txt")]),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "pass", ""), ("subject", "fail", "not among the statement's subjects")],
        },
        Row {
            what: "BYOB delegator v2.1.0 (bundle v0.2, SLSA v1) with its artifact",
            file: "slsa-verifier/gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
            args: plus(ids("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml@refs/tags/v2.1.0"),
                &["--artifact", &c("slsa-verifier/gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch")]),
            verdicts: &["pass"], code: 0,
            expect: vec![("subject", "pass", "is subject")],
        },
        Row {
            what: "Go builder v2.1.0 bundle, regexp identity, artifact digest",
            file: "slsa-verifier/gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl",
            args: plus(id_re("^https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v"),
                &["--digest", "sha256:f6ab7ad0c7549b5a4942c3b0690519d791c28c4c0f8b286208cb40da3322a066"]),
            verdicts: &["pass"], code: 0,
            expect: vec![("identity", "pass", "builder_go_slsa3.yml")],
        },
        Row {
            what: "npm provenance bundle v0.3 (sha512 subject) with the tarball",
            file: "npm/gh-cli/sigstore-js-2.1.0-bundle.json",
            args: plus(id_re("^https://github.com/sigstore/"), &["--artifact", &sjs_tgz, "--certificate-github-workflow-repository", "sigstore/sigstore-js"]),
            verdicts: &["pass"], code: 0,
            expect: vec![("subject", "pass", "pkg:npm/sigstore@2.1.0")],
        },
        Row {
            what: "npm provenance bundle, fake repository",
            file: "npm/gh-cli/sigstore-js-2.1.0-bundle.json",
            args: plus(id_re("^https://github.com/sigstore/"), &["--artifact", &sjs_tgz, "--certificate-github-workflow-repository", "sigstore/fakerepo"]),
            verdicts: &["fail"], code: 1,
            expect: vec![("identity", "fail", "sigstore/fakerepo")],
        },
        Row {
            what: "npm provenance bundle, identity regexp of another owner",
            file: "npm/gh-cli/sigstore-js-2.1.0-bundle.json",
            args: plus(id_re("^https://github.com/fakeowner/"), &["--artifact", &sjs_tgz]),
            verdicts: &["fail"], code: 1,
            expect: vec![("identity", "fail", "does not match")],
        },
        Row {
            what: "the same attestation as a v0.1 bundle",
            file: "npm/gh-cli/sigstore-js-2.1.0-bundle-v0.1.json",
            args: plus(ids(SIGSTORE_JS), &["--artifact", &sjs_tgz]),
            verdicts: &["pass"], code: 0,
            expect: vec![("signature", "pass", "")],
        },
        Row {
            what: "JSON lines with two bundles: one report each",
            file: "npm/gh-cli/sigstore-js-2.1.0_with_2_bundles.jsonl",
            args: plus(ids(SIGSTORE_JS), &["--artifact", &sjs_tgz]),
            verdicts: &["pass", "pass"], code: 0,
            expect: vec![],
        },
        Row {
            what: "npm provenance (SLSA v0.2, Statement v0.1), sha512 digest",
            file: "npm/sigstore-go/bundle-provenance.json",
            args: plus(ids(SIGSTORE_JS), &["--digest", NPM_SHA512]),
            verdicts: &["pass"], code: 0,
            expect: vec![],
        },
        Row {
            what: "npm publish attestation signed with npm's key",
            file: "npm/sigstore-go/bundle-publish.json",
            args: vec!["--key".into(), c("npm/sigstore-go/publish_key.pub"), "--digest".into(), NPM_SHA512.into()],
            verdicts: &["pass"], code: 0,
            expect: vec![("signature", "pass", "publish_key.pub")],
        },
        Row {
            what: "npm publish attestation, no key: the key hint is not trusted",
            file: "npm/sigstore-go/bundle-publish.json",
            args: ids(SIGSTORE_JS),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "no --key was given")],
        },
        // Every requirement given must be met by each document itself: a
        // registry key and a GitHub identity together are met by neither
        // the key-signed publish attestation nor the keyless provenance.
        Row {
            what: "npm registry attestations document: publish (key) + provenance (certificate), key and identity demanded",
            file: "slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json",
            args: plus(id_re("^https://github.com/ramonpetgrave64/gundam-visor/"),
                &["--key", &c("npm/sigstore-go/publish_key.pub"), "--artifact", &c("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz")]),
            verdicts: &["fail", "fail"], code: 1,
            expect: vec![
                ("identity", "fail", "identity demanded, but the document is key-signed"),
                ("signature", "fail", "--key demanded"),
            ],
        },
        Row {
            what: "npm registry attestations document, the GitHub identity demanded",
            file: "slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json",
            args: plus(id_re("^https://github.com/ramonpetgrave64/gundam-visor/"),
                &["--artifact", &c("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz")]),
            verdicts: &["fail", "pass"], code: 1,
            expect: vec![("signature", "fail", "no --key was given")],
        },
        Row {
            what: "npm registry attestations document, the registry key demanded",
            file: "slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json",
            args: vec!["--key".into(), c("npm/sigstore-go/publish_key.pub"), "--artifact".into(), c("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz")],
            verdicts: &["pass", "fail"], code: 1,
            expect: vec![("signature", "fail", "--key demanded")],
        },
        Row {
            what: "npm attestations document with a corrupted provenance signature",
            file: "slsa-verifier/npm/gha/supreme-googles-cli-v02-tag-invalidsigprov.tgz.json",
            args: plus(id_re("^https://github.com/trishankatdatadog/supreme-goggles/"),
                &["--artifact", &c("slsa-verifier/npm/gha/supreme-googles-cli-v02-tag-invalidsigprov.tgz")]),
            verdicts: &["fail", "fail"], code: 1,
            expect: vec![("signature", "fail", "signature invalid")],
        },
        Row {
            what: "GitHub attestation made by a reusable workflow",
            file: "github/gh-cli/reusable-workflow-attestation.sigstore.json",
            args: plus(id_re("^https://github.com/github/artifact-attestations-workflows/"), &["--artifact", &c("github/gh-cli/reusable-workflow-artifact")]),
            verdicts: &["pass"], code: 0,
            expect: vec![],
        },
        Row {
            what: "BCR MODULE.bazel attestation (bundle v0.3 in .intoto.jsonl)",
            file: "github/slsa-verifier-bcr/MODULE.bazel.intoto.jsonl",
            args: plus(ids("https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1"), &["--artifact", &c("github/slsa-verifier-bcr/MODULE.bazel")]),
            verdicts: &["pass"], code: 0,
            expect: vec![],
        },
        Row {
            what: "BCR rules_lint attestation by digest (archive not stored)",
            file: "github/slsa-verifier-bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl",
            args: plus(id_re("^https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@"), &["--digest", "sha256:1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982"]),
            verdicts: &["pass"], code: 0,
            expect: vec![],
        },
        Row {
            what: "GitHub's own Sigstore instance is not trusted by the default root",
            file: "github/gh-cli/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl",
            args: ids("https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "Sigstore verification failed")],
        },
        Row {
            what: "gh CLI bundle with a broken signature",
            file: "github/gh-cli/sigstoreBundle-invalid-signature.json",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "")],
        },
        Row {
            what: "bundle with the certificate removed",
            file: "github/gh-cli/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "not a valid Sigstore bundle")],
        },
        Row {
            what: "bundle without verification material",
            file: "github/gh-cli/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "verificationMaterial")],
        },
        Row {
            what: "DSSE with two signatures (sigstore-go: invalid signature count)",
            file: "sigstore/sigstore-go/dsse-2sigs.sigstore.json",
            args: plus(id_re("."), &["--trusted-root", &c("sigstore/trusted_root/public-good.sigstore-go-testdata.json")]),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "exactly one signature")],
        },
        Row {
            what: "sigstore-python staging bundle, staging root, identity from the certificate",
            file: "sigstore/sigstore-python/bundle.txt.sigstore",
            args: vec!["--trusted-root".into(), c("sigstore/trusted_root/staging.sigstore-python.json"), "--certificate-identity".into(), "a@tny.town".into(),
                "--certificate-oidc-issuer".into(), "https://github.com/login/oauth".into(), "--artifact".into(), c("sigstore/sigstore-python/bundle.txt")],
            verdicts: &["pass"], code: 0,
            expect: vec![("subject", "pass", "message signature covers")],
        },
        Row {
            what: "sigstore-python staging bundle, staging root, no identity: any signer would do",
            file: "sigstore/sigstore-python/bundle.txt.sigstore",
            args: vec!["--trusted-root".into(), c("sigstore/trusted_root/staging.sigstore-python.json"), "--artifact".into(), c("sigstore/sigstore-python/bundle.txt")],
            verdicts: &["unknown"], code: 3,
            expect: vec![("signature", "pass", ""), ("identity", "unknown", "not pinned")],
        },
        Row {
            what: "sigstore-python staging bundle against the production root",
            file: "sigstore/sigstore-python/bundle.txt.sigstore",
            args: plus(ids("a@tny.town"), &["--artifact", &c("sigstore/sigstore-python/bundle.txt")]),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "")],
        },
        Row {
            what: "sigstore-python bundle with an invalid media type",
            file: "sigstore/sigstore-python/bundle_invalid_version.txt.sigstore",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "media type")],
        },
        Row {
            what: "sigstore-python bundle without its log entry",
            file: "sigstore/sigstore-python/bundle_no_log_entry.txt.sigstore",
            args: plus(id_re("."), &["--artifact", &c("sigstore/sigstore-python/bundle_no_log_entry.txt")]),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", "")],
        },
        Row {
            what: "older slsa-verifier envelope (no certificate in the file)",
            file: "slsa-verifier/gha_generic/v1.2.2/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
            args: ids("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.2"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only)],
        },
        Row {
            what: "multi-subject envelope (no certificate in the file)",
            file: "slsa-verifier/binary-linux-amd64-multi-subject-first.intoto.jsonl",
            args: plus(id_re("^https://github.com/slsa-framework/"), &["--artifact", &c("slsa-verifier/binary-linux-amd64-multi-subject-first")]),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only), ("subject", "unknown", "not checked")],
        },
        Row {
            what: "annotated-tag envelope (no certificate in the file)",
            file: "slsa-verifier/annotated-tag.intoto.jsonl",
            args: id_re("^https://github.com/"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only)],
        },
        Row {
            what: "workflow-inputs envelope (no certificate in the file)",
            file: "slsa-verifier/workflow-inputs.intoto.jsonl",
            args: id_re("^https://github.com/"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only)],
        },
        Row {
            what: "untrusted-builder envelope (no certificate in the file)",
            file: "slsa-verifier/binary-linux-amd64-untrusted-builder.intoto.jsonl",
            args: id_re("^https://github.com/"),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only)],
        },
        Row {
            what: "ec-cli DSSE layer (no certificate in the file)",
            file: "chains/ec-cli/testimage-attestation.dsse.json",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![("signature", "fail", envelope_only)],
        },
        Row {
            what: "a bundle with subject flags only: nobody to trust",
            file: "npm/gh-cli/sigstore-js-2.1.0-bundle.json",
            args: vec!["--artifact".into(), sjs_tgz.clone()],
            verdicts: &["unknown"], code: 3,
            expect: vec![("signature", "unknown", "not verified: no key or identity given")],
        },
        Row {
            what: "a Tekton TaskRun has no signature material, and an identity demanded one",
            file: "tekton/chains-testdata/pipeline-v1/taskrun1.json",
            args: id_re("."),
            verdicts: &["fail"], code: 1,
            expect: vec![
                ("signature", "fail", "no signature material"),
                ("identity", "fail", "holds no certificate"),
            ],
        },
        Row {
            what: "a Tekton TaskRun has no signature material, and nothing demanded one",
            file: "tekton/chains-testdata/pipeline-v1/taskrun1.json",
            args: vec!["--digest".into(), format!("sha256:{SUBJECT_HEX}")],
            verdicts: &["unknown"], code: 3,
            expect: vec![("signature", "unknown", "no signature material")],
        },
    ]
}

#[test]
fn issue_7_signed_real_provenance() {
    let mut wrong = Vec::new();
    for row in real_rows() {
        let file = c(row.file);
        let mut args = vec![file.as_str()];
        args.extend(row.args.iter().map(String::as_str));
        let (reports, code) = verify(&args);
        let verdicts: Vec<&str> = reports.iter().map(|r| r.verdict.as_str()).collect();
        if code != row.code || verdicts != row.verdicts {
            wrong.push(format!(
                "{}: exit {code} {verdicts:?}, want {} {:?}\n  {reports:#?}",
                row.what, row.code, row.verdicts
            ));
            continue;
        }
        for (rule, status, text) in &row.expect {
            let hit = reports
                .iter()
                .flat_map(|r| &r.results)
                .any(|r| r.rule == *rule && r.status == *status && r.message.contains(text));
            if !hit {
                wrong.push(format!(
                    "{}: no {rule} {status} containing {text:?}:\n  {reports:#?}",
                    row.what
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Base64 fields of a bundle, by JSON pointer.
fn flip(bundle: &serde_json::Value, pointer: &str, at: usize) -> serde_json::Value {
    let mut out = bundle.clone();
    let field = out.pointer_mut(pointer).unwrap();
    let mut bytes = STANDARD.decode(field.as_str().unwrap()).unwrap();
    let i = at.min(bytes.len() - 1);
    bytes[i] ^= 0x01;
    *field = json!(STANDARD.encode(bytes));
    out
}

/// Flipping one byte of the payload, the signature or the certificate of a
/// verifying bundle makes it fail (beginning, middle and end of each).
#[test]
fn issue_7_one_flipped_byte_fails() {
    let dir = Scratch::new("trust-flip");
    let file = corpus().join("npm/gh-cli/sigstore-js-2.1.0-bundle.json");
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let tgz = c("npm/gh-cli/sigstore-js-2.1.0.tgz");
    let args = plus(ids(SIGSTORE_JS), &["--artifact", &tgz]);
    let run = |name: &str, doc: &serde_json::Value| {
        let f = dir.file(name, doc.to_string().as_bytes());
        let mut a = vec![f.as_str()];
        a.extend(args.iter().map(String::as_str));
        verify(&a)
    };
    let (reports, code) = run("original.json", &bundle);
    assert_eq!((code, reports[0].verdict.as_str()), (0, "pass"));
    assert_eq!(
        reports[0].rule("signature").evidence,
        [
            "/dsseEnvelope/signatures",
            "/verificationMaterial/tlogEntries",
            "/verificationMaterial/certificate"
        ]
    );
    assert_eq!(
        reports[0].rule("identity").evidence,
        ["/verificationMaterial/certificate"]
    );
    for pointer in [
        "/dsseEnvelope/payload",
        "/dsseEnvelope/signatures/0/sig",
        "/verificationMaterial/certificate/rawBytes",
    ] {
        for at in [0, 200, usize::MAX] {
            let name = format!("flip-{}-{at}.json", pointer.replace('/', "_"));
            let (reports, code) = run(&name, &flip(&bundle, pointer, at));
            assert_eq!(code, 1, "{pointer} byte {at}: {reports:?}");
            assert_eq!(
                reports[0].rule("signature").status,
                "fail",
                "{pointer} {at}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Keyed DSSE

/// The DSSE PAE, written here independently of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alg {
    P256,
    P384,
    Ed25519,
    RsaPkcs1,
    RsaPss,
    /// PKCS#1 v1.5 with a second RSA key.
    RsaOther,
}

type SignFn = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// A test signer: its public key PEM and a signing function.
struct Signer {
    pem: String,
    sign: SignFn,
}

/// Two RSA keys, generated once (PKCS#1 and PSS use the same ones).
fn rsa_pkcs8(which: usize) -> &'static [u8] {
    static KEYS: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];
    KEYS[which].get_or_init(|| {
        let kp = signature::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&kp)
            .unwrap()
            .as_ref()
            .to_vec()
    })
}

fn signer(alg: Alg) -> Signer {
    let rng = SystemRandom::new();
    match alg {
        Alg::P256 | Alg::P384 => {
            let a = if alg == Alg::P256 {
                &signature::ECDSA_P256_SHA256_ASN1_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING
            };
            let kp = signature::EcdsaKeyPair::generate(a).unwrap();
            let pem = pem(kp.public_key().as_der().unwrap().as_ref());
            Signer {
                pem,
                sign: Box::new(move |m| kp.sign(&rng, m).unwrap().as_ref().to_vec()),
            }
        }
        Alg::Ed25519 => {
            let kp = signature::Ed25519KeyPair::generate().unwrap();
            let pem = pem(kp.public_key().as_der().unwrap().as_ref());
            Signer {
                pem,
                sign: Box::new(move |m| kp.sign(m).as_ref().to_vec()),
            }
        }
        Alg::RsaPkcs1 | Alg::RsaPss | Alg::RsaOther => {
            let which = usize::from(alg == Alg::RsaOther);
            let kp = signature::RsaKeyPair::from_pkcs8(rsa_pkcs8(which)).unwrap();
            let pem = pem(kp.public_key().as_der().unwrap().as_ref());
            let padding: &'static dyn signature::RsaEncoding = if alg == Alg::RsaPss {
                &signature::RSA_PSS_SHA256
            } else {
                &signature::RSA_PKCS1_SHA256
            };
            Signer {
                pem,
                sign: Box::new(move |m| {
                    let mut sig = vec![0; kp.public_modulus_len()];
                    kp.sign(padding, &rng, m, &mut sig).unwrap();
                    sig
                }),
            }
        }
    }
}

const SUBJECT_HEX: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
const IN_TOTO: &str = "application/vnd.in-toto+json";

/// An in-toto statement, as a signer would write it (odd spacing kept:
/// the signature covers these exact bytes).
fn statement() -> Vec<u8> {
    format!(
        "{{\"_type\":\"https://in-toto.io/Statement/v1\",  \"subject\":[{{\"name\":\"quay.io/acme/app\",\"digest\":{{\"sha256\":\"{SUBJECT_HEX}\"}}}}],\n\"predicateType\":\"https://provcheck.dev/test-predicate/v1\",\"predicate\":{{}}}}"
    )
    .into_bytes()
}

fn envelope(payload_type: &str, payload: &[u8], sigs: &[(&str, Vec<u8>)]) -> Vec<u8> {
    json!({
        "payloadType": payload_type,
        "payload": STANDARD.encode(payload),
        "signatures": sigs.iter().map(|(keyid, sig)| json!({"keyid": keyid, "sig": STANDARD.encode(sig)})).collect::<Vec<_>>(),
    })
    .to_string()
    .into_bytes()
}

fn signed_by(signers: &[&Signer], payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let message = pae(payload_type, payload);
    let sigs: Vec<(&str, Vec<u8>)> = signers.iter().map(|s| ("", (s.sign)(&message))).collect();
    envelope(payload_type, payload, &sigs)
}

fn one_report(args: &[&str]) -> (Report, i32) {
    let (mut reports, code) = verify(args);
    assert_eq!(reports.len(), 1, "{reports:?}");
    (reports.remove(0), code)
}

#[test]
fn issue_7_keyed_dsse_round_trip_for_every_key_type() {
    let dir = Scratch::new("trust-keys");
    let digest = format!("sha256:{SUBJECT_HEX}");
    let image = format!("quay.io/acme/app@sha256:{SUBJECT_HEX}");
    for alg in [
        Alg::P256,
        Alg::P384,
        Alg::Ed25519,
        Alg::RsaPkcs1,
        Alg::RsaPss,
    ] {
        let s = signer(alg);
        let key = dir.file(&format!("{alg:?}.pub"), s.pem.as_bytes());
        let env = dir.file(
            &format!("{alg:?}.json"),
            &signed_by(&[&s], IN_TOTO, &statement()),
        );
        let (report, code) =
            one_report(&[&env, "--key", &key, "--digest", &digest, "--image", &image]);
        assert_eq!(
            (report.verdict.as_str(), code),
            ("pass", 0),
            "{alg:?}: {report:#?}"
        );
        assert!(report.rule("signature").message.contains("exact payload"));
        assert_eq!(report.results.len(), 3, "{report:#?}");
        assert_eq!(report.rule("signature").evidence, ["/signatures"]);
        assert_eq!(report.rule("subject").evidence, ["/payload"]);

        // The same envelope judged with another key of the same type.
        let other = signer(match alg {
            Alg::RsaPkcs1 | Alg::RsaPss => Alg::RsaOther,
            same => same,
        });
        let wrong = dir.file(&format!("{alg:?}-other.pub"), other.pem.as_bytes());
        let (report, code) = one_report(&[&env, "--key", &wrong]);
        assert_eq!((report.verdict.as_str(), code), ("fail", 1), "{alg:?}");
        assert!(
            report
                .rule("signature")
                .message
                .contains("none of the 1 signature(s) verifies"),
            "{report:#?}"
        );
    }
}

#[test]
fn issue_7_keyed_dsse_failures_have_clear_reasons() {
    let dir = Scratch::new("trust-keyfail");
    let a = signer(Alg::P256);
    let b = signer(Alg::Ed25519);
    let c = signer(Alg::P256);
    let ka = dir.file("a.pub", a.pem.as_bytes());
    let kb = dir.file("b.pub", b.pem.as_bytes());
    let kc = dir.file("c.pub", c.pem.as_bytes());
    let payload = statement();

    // Wrong payloadType: signed as one type, presented as another.
    let message = pae("application/json", &payload);
    let retyped = dir.file(
        "retyped.json",
        &envelope(IN_TOTO, &payload, &[("", (a.sign)(&message))]),
    );
    let (r, code) = one_report(&[&retyped, "--key", &ka]);
    assert_eq!(code, 1);
    assert!(
        r.rule("signature")
            .message
            .contains("payloadType \"application/vnd.in-toto+json\""),
        "{r:#?}"
    );

    // Correctly signed, but not an in-toto statement: the signed payload is
    // one provcheck does not read, so the signature result fails saying so,
    // and the subject cannot be read.
    let other_type = dir.file(
        "other-type.json",
        &signed_by(&[&a], "application/json", &payload),
    );
    let (r, code) = one_report(&[
        &other_type,
        "--key",
        &ka,
        "--digest",
        &format!("sha256:{SUBJECT_HEX}"),
    ]);
    assert_eq!((r.rule("signature").status.as_str(), code), ("fail", 1));
    let message = &r.rule("signature").message;
    assert!(
        message.contains("the signature verifies, but the signed payload is rejected")
            && message.contains("unsupported DSSE payloadType \"application/json\""),
        "{r:#?}"
    );
    assert_eq!(r.rule("subject").status.as_str(), "unknown", "{r:#?}");

    // Zero signatures.
    let none = dir.file("none.json", &envelope(IN_TOTO, &payload, &[]));
    let (r, code) = one_report(&[&none, "--key", &ka]);
    assert_eq!(code, 1);
    assert!(
        r.rule("signature").message.contains("no signatures"),
        "{r:#?}"
    );

    // Threshold: two of three keys signed.
    let two = dir.file("two.json", &signed_by(&[&a, &b], IN_TOTO, &payload));
    let (r, code) = one_report(&[
        &two,
        "--key",
        &ka,
        "--key",
        &kb,
        "--key",
        &kc,
        "--key-threshold",
        "2",
    ]);
    assert_eq!((r.verdict.as_str(), code), ("pass", 0), "{r:#?}");
    let (r, code) = one_report(&[
        &two,
        "--key",
        &ka,
        "--key",
        &kb,
        "--key",
        &kc,
        "--key-threshold",
        "3",
    ]);
    assert_eq!(code, 1);
    assert!(
        r.rule("signature")
            .message
            .contains("key threshold not met: 2 of 3"),
        "{r:#?}"
    );
    // The same signer twice does not count twice.
    let twice = dir.file("twice.json", &signed_by(&[&a, &a], IN_TOTO, &payload));
    let (r, code) = one_report(&[&twice, "--key", &ka, "--key", &kb, "--key-threshold", "2"]);
    assert_eq!(code, 1, "{r:#?}");
    // More keys required than given is a usage error.
    let out = provcheck(&[
        "verify",
        &two,
        "--key",
        &ka,
        "--key",
        &ka,
        "--key-threshold",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 distinct key(s) given"));

    // Key ids are hints: a lying keyid changes nothing.
    let message = pae(IN_TOTO, &payload);
    let lying = dir.file(
        "lying.json",
        &envelope(
            IN_TOTO,
            &payload,
            &[("SHA256:someone-else", (a.sign)(&message))],
        ),
    );
    let (r, code) = one_report(&[&lying, "--key", &ka]);
    assert_eq!((r.verdict.as_str(), code), ("pass", 0), "{r:#?}");

    // A subject the statement does not name.
    let one = dir.file("one.json", &signed_by(&[&a], IN_TOTO, &payload));
    let (r, code) = one_report(&[
        &one,
        "--key",
        &ka,
        "--digest",
        &format!("sha256:{}", "0".repeat(64)),
        "--image",
        &format!("quay.io/evil/app@sha256:{SUBJECT_HEX}"),
    ]);
    assert_eq!(code, 1);
    let subjects: Vec<&str> = r
        .results
        .iter()
        .filter(|x| x.rule == "subject")
        .map(|x| x.status.as_str())
        .collect();
    assert_eq!(subjects, ["fail", "fail"], "{r:#?}");

    // Signed JSON with a duplicate key is rejected, even though it verifies.
    let dup = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"subject":[{"name":"x","digest":{"sha256":"00"}}]}"#;
    let dupf = dir.file("dup.json", &signed_by(&[&a], IN_TOTO, dup));
    let (r, code) = one_report(&[&dupf, "--key", &ka]);
    assert_eq!(code, 1);
    assert!(
        r.rule("signature").message.contains("duplicate key"),
        "{r:#?}"
    );

    // Without a key or identity: unknown, never a pass.
    let (r, code) = one_report(&[&one, "--digest", &format!("sha256:{SUBJECT_HEX}")]);
    assert_eq!((r.rule("signature").status.as_str(), code), ("unknown", 3));
    assert_eq!(
        r.rule("signature").message,
        "not verified: no key or identity given"
    );

    // Flip one payload byte after signing.
    let mut flipped = payload.clone();
    flipped[10] ^= 0x01;
    let sig = (a.sign)(&pae(IN_TOTO, &payload));
    let f = dir.file("flipped.json", &envelope(IN_TOTO, &flipped, &[("", sig)]));
    let (r, code) = one_report(&[&f, "--key", &ka]);
    assert_eq!((r.verdict.as_str(), code), ("fail", 1));
}

#[test]
fn issue_7_insecure_skip_signature_is_in_every_report() {
    let dir = Scratch::new("trust-insecure");
    let a = signer(Alg::P256);
    let env = dir.file("env.json", &signed_by(&[&a], IN_TOTO, &statement()));
    let (r, code) = one_report(&[
        &env,
        "--insecure-skip-signature",
        "--digest",
        &format!("sha256:{SUBJECT_HEX}"),
    ]);
    assert_eq!(code, 0, "{r:#?}");
    assert_eq!(
        r.insecure,
        [
            "signature verification skipped",
            "build times taken as recorded, not verified"
        ]
    );
    let sig = r.rule("signature");
    assert_eq!(sig.status, "pass");
    assert!(sig.warning.is_some(), "{r:#?}");
    assert_eq!(r.rule("subject").status, "pass");
    // A Tekton object, unsigned history.
    let tekton = c("tekton/chains-testdata/pipeline-v1/taskrun1.json");
    let (r, _) = one_report(&[
        &tekton,
        "--insecure-skip-signature",
        "--allow-registry",
        "gcr.io",
    ]);
    assert_eq!(
        r.insecure,
        [
            "signature verification skipped",
            "build times taken as recorded, not verified"
        ]
    );
    assert!(r.results.iter().any(|x| x.rule == "registry.allowed"));
    // The text report says it too.
    let out = provcheck(&["verify", &env, "--insecure-skip-signature"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("insecure: signature verification skipped")
    );
    assert_eq!(r.source, tekton);
    let out = provcheck(&[
        "verify",
        &env,
        "--insecure-skip-signature",
        "--format",
        "junit",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains(r#"<property name="insecure" value="signature verification skipped"/>"#));
}

#[test]
fn issue_7_bad_trust_material_is_a_usage_error() {
    let dir = Scratch::new("trust-bad");
    let env = dir.file("e.json", b"{}");
    let junk = dir.file("junk.pub", b"junk");
    for (args, want) in [
        (vec!["--key", junk.as_str()], "not a usable public key"),
        (vec!["--key", "/nonexistent.pub"], "cannot read key"),
        (
            vec!["--trusted-root", junk.as_str()],
            "not a usable Sigstore trusted root",
        ),
        (
            vec!["--certificate-identity-regexp", "("],
            "--certificate-identity-regexp",
        ),
        (vec!["--digest", "sha256:abc"], "takes 64 hex digits"),
        (vec!["--artifact", "/nonexistent"], "cannot read artifact"),
        (
            vec!["--image", "quay.io/acme/app:v1"],
            "expected REF@DIGEST",
        ),
    ] {
        let mut a = vec!["verify", env.as_str()];
        a.extend(args);
        let out = provcheck(&a);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{want:?} not in {err}");
    }
}

/// A file that is no provenance document at all (a trusted root given in the
/// wrong place, a status fragment) is invalid input with trust options too:
/// exit 2 naming the file, as without them, never an `unknown` report.
#[test]
fn unrecognized_input_is_invalid_with_trust_options_too() {
    let key = c("npm/sigstore-go/publish_key.pub");
    for file in [
        "sigstore/trusted_root/public-good.sigstore-python.json",
        "tekton/pipeline-docs/taskrun-status-step-artifacts.fragment.json",
    ] {
        let file = c(file);
        for trust in [
            &[][..],
            &["--key", key.as_str()][..],
            &id_re(".").iter().map(String::as_str).collect::<Vec<_>>()[..],
        ] {
            let mut args = vec!["verify", file.as_str()];
            args.extend_from_slice(trust);
            let out = provcheck(&args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}\n{err}");
            // No verdict: the text report says the input was not judged.
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.starts_with("ERROR  ") && !stdout.contains("PASS"),
                "{args:?}: {stdout}"
            );
            assert!(
                err.contains(&file) && err.contains("unrecognized document"),
                "{args:?}: {err}"
            );
        }
    }
}

/// GitHub's own Sigstore instance (private-repository attestations) has no
/// transparency log: with its trusted root (here the copy sigstore-trust-root
/// embeds), the bundle verifies without one, and says so.
#[test]
fn issue_7_github_instance_with_its_trusted_root() {
    let dir = Scratch::new("trust-github");
    let root = dir.file(
        "github_root.json",
        sigstore_trust_root::SIGSTORE_GITHUB_TRUSTED_ROOT.as_bytes(),
    );
    let bundle = c("github/gh-cli/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl");
    let whl = c("github/gh-cli/github_provenance_demo-0.0.12-py3-none-any.whl");
    let good =
        "https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main";
    let (r, code) = one_report(&[
        &bundle,
        "--trusted-root",
        &root,
        "--artifact",
        &whl,
        "--certificate-identity",
        good,
        "--certificate-oidc-issuer",
        GH,
    ]);
    assert_eq!((r.verdict.as_str(), code), ("pass", 0), "{r:#?}");
    assert!(
        r.rule("signature")
            .message
            .contains("names no transparency log"),
        "{r:#?}"
    );
    let (r, code) = one_report(&[
        &bundle,
        "--trusted-root",
        &root,
        "--artifact",
        &whl,
        "--certificate-identity-regexp",
        "^https://github.com/evil/",
        "--certificate-oidc-issuer",
        GH,
    ]);
    assert_eq!((r.rule("identity").status.as_str(), code), ("fail", 1));
    let other = c("sigstore/conformance/bundle-verify/a.txt");
    let (r, code) = one_report(&[
        &bundle,
        "--trusted-root",
        &root,
        "--artifact",
        &other,
        "--certificate-identity",
        good,
        "--certificate-oidc-issuer",
        GH,
    ]);
    assert_eq!((r.rule("subject").status.as_str(), code), ("fail", 1));
}

/// A bare envelope is judged once, from the ingest stage's decoding: the
/// signature table over every trust configuration and good, tampered,
/// wrongly keyed and unreadable signatures.
#[test]
fn an_envelope_is_judged_from_its_one_decoding() {
    use provcheck::verify::{check, TrustBuilder};

    let (right, wrong) = (signer(Alg::P256), signer(Alg::Ed25519));
    let good = signed_by(&[&right], IN_TOTO, &statement());
    let mut tampered: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let payload = String::from_utf8(statement())
        .unwrap()
        .replace("acme/app", "acme/apq");
    tampered["payload"] = json!(STANDARD.encode(payload));
    let mut not_base64: serde_json::Value = serde_json::from_slice(&good).unwrap();
    not_base64["signatures"][0]["sig"] = json!("!!!");
    let unpadded = String::from_utf8(good.clone()).unwrap().replace('=', "");
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("good", good.clone()),
        ("wrong key", signed_by(&[&wrong], IN_TOTO, &statement())),
        (
            "two signers",
            signed_by(&[&wrong, &right], IN_TOTO, &statement()),
        ),
        ("tampered", tampered.to_string().into_bytes()),
        ("sig not base64", not_base64.to_string().into_bytes()),
        ("unpadded base64", unpadded.into_bytes()),
        ("no signatures", envelope(IN_TOTO, &statement(), &[])),
    ];
    let digest = format!("sha256:{SUBJECT_HEX}");
    let other = format!("sha256:{}", "0".repeat(64));
    let trusts: Vec<(&str, provcheck::TrustMaterial)> = vec![
        ("no trust material", TrustBuilder::new().build().unwrap()),
        ("key", {
            let mut b = TrustBuilder::new();
            b.add_key_pem("k", right.pem.as_bytes()).unwrap();
            b.build().unwrap()
        }),
        ("key and subjects", {
            let mut b = TrustBuilder::new();
            b.add_key_pem("k", right.pem.as_bytes()).unwrap();
            b.digest(&digest).unwrap();
            b.digest(&other).unwrap();
            b.build().unwrap()
        }),
        ("two keys, threshold 2", {
            let mut b = TrustBuilder::new();
            b.add_key_pem("k", right.pem.as_bytes()).unwrap();
            b.add_key_pem("w", wrong.pem.as_bytes()).unwrap();
            b.key_threshold(2);
            b.build().unwrap()
        }),
        ("insecure", {
            let mut b = TrustBuilder::new();
            b.insecure_skip_signature().digest(&digest).unwrap();
            b.build().unwrap()
        }),
    ];
    // Signature status per input, for each trust configuration above in
    // order: none, key, key and subjects, threshold 2, insecure (a pass
    // with a warning: the check was skipped).
    let table: [(&str, [&str; 5]); 7] = [
        ("good", ["unknown", "pass", "pass", "fail", "pass"]),
        ("wrong key", ["unknown", "fail", "fail", "fail", "pass"]),
        ("two signers", ["unknown", "pass", "pass", "pass", "pass"]),
        ("tampered", ["unknown", "fail", "fail", "fail", "pass"]),
        ("sig not base64", ["fail", "fail", "fail", "fail", "fail"]),
        (
            "unpadded base64",
            ["unknown", "pass", "pass", "fail", "pass"],
        ),
        ("no signatures", ["unknown", "fail", "fail", "fail", "pass"]),
    ];
    assert_eq!(table.len(), inputs.len());
    for ((what, bytes), (row, want)) in inputs.iter().zip(table) {
        assert_eq!(*what, row);
        let docs = provcheck::ingest::ingest_all("att.json", bytes);
        let [Ok(doc)] = docs.as_slice() else {
            panic!("{what}: {docs:?}");
        };
        for ((how, trust), want) in trusts.iter().zip(want) {
            let results = check(trust, doc);
            let signature = results.iter().find(|r| r.rule == "signature").unwrap();
            assert_eq!(
                signature.status.as_str(),
                want,
                "{what}, {how}: {}",
                signature.message
            );
            assert_eq!(
                signature.warning.is_some(),
                *how == "insecure" && want == "pass"
            );
            let subjects: Vec<&str> = results
                .iter()
                .filter(|r| r.rule == "subject")
                .map(|r| r.status.as_str())
                .collect();
            let want_subjects: &[&str] = match (*how, want) {
                ("key and subjects", "pass") => &["pass", "fail"],
                ("key and subjects", _) => &["unknown", "unknown"],
                ("insecure", "fail") => &["unknown"],
                ("insecure", _) => &["pass"],
                _ => &[],
            };
            assert_eq!(subjects, want_subjects, "{what}, {how}");
        }
    }
}

/// Found in review of the shared decoding: documents where the ingest stage
/// and the trust stage could read different things must not verify, and no
/// signed document or list item may vanish or pass unverified.
#[test]
fn ambiguous_wrapped_and_listed_signed_documents() {
    let dir = Scratch::new("trust-ambiguous");
    let right = signer(Alg::P256);
    let key = dir.file("k.pub", right.pem.as_bytes());
    let good: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&right], IN_TOTO, &statement())).unwrap();
    let signature = |r: &Report| {
        let s = r.results.iter().find(|f| f.rule == "signature").unwrap();
        (s.status.clone(), s.message.clone())
    };

    // A document claiming to be a bundle (media type, or shape) is read as
    // one, and fails as one, whatever envelope members it also carries.
    let mut by_media_type = good.clone();
    by_media_type["mediaType"] = json!("application/vnd.dev.sigstore.bundle.v0.3+json");
    let mut by_shape = good.clone();
    by_shape["verificationMaterial"] = json!({});
    by_shape["dsseEnvelope"] = json!({});
    for (name, doc) in [("mt.json", by_media_type), ("shape.json", by_shape)] {
        let file = dir.file(name, doc.to_string().as_bytes());
        let (report, code) = one_report(&["--key", &key, &file]);
        let (status, message) = signature(&report);
        assert_eq!((code, status.as_str()), (1, "fail"), "{name}: {message}");
        assert!(message.contains("Sigstore bundle"), "{name}: {message}");
    }

    // Base64 is padded exactly or not at all: a partly padded signature is
    // not base64 (one text, one reading).
    let mut payload = statement();
    payload.push(b'\n'); // 247 bytes: base64 ends with "=="
    let padded: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&right], IN_TOTO, &payload)).unwrap();
    let text = padded["payload"].as_str().unwrap();
    assert!(text.ends_with("=="), "{text}");
    let bare = text.trim_end_matches('=');
    for (name, encoded, want) in [
        ("padded.json", text.to_owned(), (0, "pass")),
        ("unpadded.json", bare.to_owned(), (0, "pass")),
        ("partly.json", format!("{bare}="), (1, "fail")),
    ] {
        let mut doc = padded.clone();
        doc["payload"] = json!(encoded);
        let file = dir.file(name, doc.to_string().as_bytes());
        let (report, code) = one_report(&["--key", &key, &file]);
        let (status, message) = signature(&report);
        assert_eq!((code, status.as_str()), want, "{name}: {message}");
    }

    // An envelope inside YAML or a Kubernetes List is read once, by the
    // ingest stage, and verified as any other: with the key it passes,
    // without one it is unknown; a forged item beside it fails on its own.
    let yaml = format!(
        "payloadType: {}\npayload: {}\nsignatures:\n  - sig: {}\n",
        good["payloadType"], good["payload"], good["signatures"][0]["sig"]
    );
    let yaml = dir.file("env.yaml", yaml.as_bytes());
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [good.clone()]});
    let list = dir.file("env-list.json", list.to_string().as_bytes());
    for file in [&yaml, &list] {
        for args in [
            vec!["--key", key.as_str()],
            vec!["--allow-registry", "quay.io"],
        ] {
            let mut all = args.clone();
            all.push(file);
            let (report, code) = one_report(&all);
            let (status, message) = signature(&report);
            let want = if args[0] == "--key" {
                (0, "pass")
            } else {
                (3, "unknown")
            };
            assert_eq!((code, status.as_str()), want, "{args:?}: {message}");
        }
    }
    let mut forged = good.clone();
    let evil = String::from_utf8(statement())
        .unwrap()
        .replace("acme/app", "evil/app");
    forged["payload"] = json!(STANDARD.encode(evil));
    // The List's items are judged each by its own signature: a forged one
    // fails beside a good one.
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [good.clone(), forged]});
    let list = dir.file("forged-list.json", list.to_string().as_bytes());
    let (reports, code) = verify(&["--key", &key, &list]);
    let got: Vec<(String, String)> = reports
        .iter()
        .map(|r| (r.source.clone(), signature(r).0.as_str().to_owned()))
        .collect();
    let want = [(0, "pass"), (1, "fail")]
        .map(|(i, status)| (format!("{list}#/items/{i}"), status.to_owned()));
    assert_eq!((code, got), (1, want.to_vec()));

    // A Kubernetes List of two TaskRuns: two reports with trust options too.
    let run = |name: &str| {
        json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": name},
               "status": {"taskSpec": {"steps": [{"name": "s", "image": "quay.io/acme/x:1"}]}}})
    };
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [run("a"), run("b")]});
    let file = dir.file("list.json", list.to_string().as_bytes());
    let (reports, _) = verify(&["--key", &key, &file]);
    assert_eq!(reports.len(), 2, "{reports:?}");

    // A pretty-printed envelope in a JSON-lines file is not JSON lines: its
    // lines are errors, never a pass.
    let pretty = serde_json::to_string_pretty(&good).unwrap();
    let file = dir.file("pretty.jsonl", pretty.as_bytes());
    let out = provcheck(&[
        "verify",
        "--key",
        &key,
        "--allow-registry",
        "evil.io",
        &file,
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// In a JSON-lines file every line is verified on its own: a malformed line
/// is an input error for that line only, and neither hides a forged line's
/// failure nor turns the good lines `unknown`.
#[test]
fn a_bad_json_line_hides_no_forged_signature() {
    let dir = Scratch::new("trust-jsonl");
    let s = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let good = String::from_utf8(signed_by(&[&s], IN_TOTO, &statement())).unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mut payload = statement();
    payload.extend_from_slice(b"  ");
    forged["payload"] = json!(STANDARD.encode(&payload));
    // A payload that is no statement, signed by another key: its failed
    // signature stands in for the payload's error, on its own line.
    let other = signer(Alg::P256);
    let garbage = String::from_utf8(signed_by(&[&other], IN_TOTO, b"not a statement")).unwrap();
    let text = format!("{good}\n{{\"oops\":\n{forged}\n{garbage}\n");
    let file = dir.file("mixed.intoto.jsonl", text.as_bytes());
    let out = provcheck(&["verify", "--format", "json", "--key", &key, &file]);
    assert_eq!(out.status.code(), Some(2), "a malformed line is bad input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{file}:2:")), "{stderr}");
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(u64, &str, &str)> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let sig = signature_of(r);
            (
                r["line"].as_u64().unwrap(),
                r["verdict"].as_str().unwrap(),
                sig["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "pass", "pass"),
            (2, "error", "error"),
            (3, "fail", "fail"),
            (4, "fail", "fail")
        ]
    );
    // Every report names the file, its line apart.
    for r in reports.as_array().unwrap() {
        assert_eq!(r["source"], file.as_str(), "{r}");
    }
}

/// A payload whose signature fails is not trusted: no policy rule is judged
/// on it (a `pass` read from forged content would mislead), so the report
/// holds the trust results alone.
#[test]
fn no_rule_is_judged_on_a_payload_whose_signature_failed() {
    let dir = Scratch::new("trust-forged");
    let s = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let payload = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"quay.io/acme/app","digest":{{"sha256":"{SUBJECT_HEX}"}}}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"buildDefinition":{{"buildType":"https://tekton.dev/chains/v2/slsa-tekton","externalParameters":{{"runSpec":{{"taskSpec":{{"steps":[{{"name":"build","image":"quay.io/acme/builder@sha256:{SUBJECT_HEX}"}}]}}}}}}}},"runDetails":{{"builder":{{"id":"https://tekton.dev/chains/v2"}}}}}}}}"#
    );
    let good = signed_by(&[&s], IN_TOTO, payload.as_bytes());
    let mut forged: serde_json::Value = serde_json::from_slice(&good).unwrap();
    forged["payload"] = json!(STANDARD.encode(payload.replace("builder@", "evil@")));
    let good = dir.file("good.json", &good);
    let forged = dir.file("forged.json", forged.to_string().as_bytes());
    let rules = |r: &Report| -> Vec<(String, String)> {
        r.results
            .iter()
            .map(|f| (f.rule.clone(), f.status.clone()))
            .collect()
    };
    let (report, code) = one_report(&["--key", &key, "--allow-registry", "quay.io", &good]);
    assert_eq!(code, 0, "{report:#?}");
    assert!(rules(&report).contains(&("registry.allowed".into(), "pass".into())));
    let (report, code) = one_report(&["--key", &key, "--allow-registry", "quay.io", &forged]);
    assert_eq!(code, 1, "{report:#?}");
    assert_eq!(
        rules(&report),
        [("signature".to_owned(), "fail".to_owned())]
    );
}

/// Skipping signatures while asking for a verification is a contradiction:
/// a usage error, not a silent choice of one.
#[test]
fn skipping_signatures_beside_a_key_or_identity_is_a_usage_error() {
    let dir = Scratch::new("trust-skip");
    let s = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let env = dir.file("e.json", &signed_by(&[&s], IN_TOTO, &statement()));
    for extra in [
        vec!["--key", key.as_str()],
        vec![
            "--certificate-identity",
            "a@b.c",
            "--certificate-oidc-issuer",
            "https://x",
        ],
        vec!["--certificate-github-workflow-repository", "acme/app"],
        vec!["--key-threshold", "2"],
    ] {
        let mut args = vec!["verify", "--insecure-skip-signature", env.as_str()];
        args.extend(extra.iter().copied());
        let out = provcheck(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    }
}

/// Trust results are joined to documents by place, never by position: an
/// npm list on a JSON line (several signed documents to the trust stage,
/// one unreadable one to the ingest stage) and a malformed line before it
/// must not hand one line's signature to another.
#[test]
fn signatures_are_joined_by_place_not_position() {
    let dir = Scratch::new("trust-place");
    let s = signer(Alg::P256);
    let other = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let good = String::from_utf8(signed_by(&[&s], IN_TOTO, &statement())).unwrap();
    let forged = String::from_utf8(signed_by(&[&other], IN_TOTO, &statement())).unwrap();
    let npm: serde_json::Value = serde_json::from_slice(
        &std::fs::read(corpus().join("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json"))
            .unwrap(),
    )
    .unwrap();
    let text = format!("{{\"a\": 1, \"a\": 2}}\n{good}\n{forged}\n{npm}\n");
    let file = dir.file("mixed.intoto.jsonl", text.as_bytes());
    let out = provcheck(&[
        "verify",
        "--format",
        "json",
        "--key",
        &key,
        "--allow-registry",
        "quay.io",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(2), "line 1 is bad input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":1:"), "{stderr}");
    // An npm list on a JSON line is not a document provcheck reads there
    // (it reads one document per line): bad input, its bundles lent nothing.
    assert!(stderr.contains(&format!("{file}:4:")), "{stderr}");
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid("report.schema.json", &reports);
    let got: Vec<(String, String, String)> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let place = match r["line"].as_u64() {
                Some(line) => format!(":{line}"),
                None => r["source"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(file.as_str())
                    .to_owned(),
            };
            let sig = signature_of(r);
            (
                place,
                r["verdict"].as_str().unwrap().to_owned(),
                sig["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |p: &str, v: &str, s: &str| (p.to_owned(), v.to_owned(), s.to_owned());
    assert_eq!(
        got,
        [
            row(":1", "error", "error"),
            row(":2", "unknown", "pass"),
            row(":3", "fail", "fail"),
            row(":4", "error", "error")
        ]
    );
}

/// A value read as a Kubernetes `List` lends no signature to its items,
/// even when it also carries a validly signed envelope's members: the
/// signature covers the envelope's payload, never the items.
#[test]
fn a_list_that_looks_like_an_envelope_lends_no_signature() {
    let dir = Scratch::new("trust-list-env");
    let s = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let mut doc: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&s], IN_TOTO, &statement())).unwrap();
    doc["apiVersion"] = json!("v1");
    doc["kind"] = json!("List");
    doc["items"] = json!([{
        "apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": "forged"},
        "spec": {"taskSpec": {"steps": [{"name": "s", "image": format!("evil.io/x@sha256:{SUBJECT_HEX}")}]}}
    }]);
    let file = dir.file("list.json", doc.to_string().as_bytes());
    // Whichever a reader takes, the items or the envelope, the other one's
    // content would go unjudged: the document is refused.
    for args in [
        vec!["--key", key.as_str(), "--allow-registry", "evil.io"],
        vec!["--allow-registry", "evil.io"],
    ] {
        let mut all = vec!["verify"];
        all.extend(&args);
        all.push(&file);
        let out = provcheck(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("ambiguous document: it is a Kubernetes List and also carries the members of a DSSE envelope (payloadType, payload, signatures)"),
            "{stderr}"
        );
    }
    // An envelope that also carries a statement's members: another reader
    // could take the unsigned statement beside the signed one.
    let mut doc: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&s], IN_TOTO, &statement())).unwrap();
    doc["_type"] = json!("https://in-toto.io/Statement/v1");
    doc["predicate"] = json!({"builder": {"id": "evil"}});
    let file = dir.file("env-stmt.json", doc.to_string().as_bytes());
    let (reports, code) = verify(&["--key", &key, "--allow-registry", "quay.io", &file]);
    assert_eq!(code, 1, "{reports:?}");
    let message = &reports[0].rule("signature").message;
    assert!(
        message.contains("not a valid DSSE envelope, nothing verified")
            && message
                .contains("also carries the members of an in-toto statement (_type, predicate)"),
        "{message}"
    );
}

/// The `signature` result of a report as `verify --format json` prints it;
/// for an entry that could not be judged, `{"status": "error"}`.
fn signature_of(report: &serde_json::Value) -> &serde_json::Value {
    static ERROR: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(|| json!({"status": "error"}));
    if report["verdict"] == "error" {
        return &ERROR;
    }
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "signature")
        .unwrap()
}

/// DER length octets for `len`.
fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![u8::try_from(len).unwrap()],
        0x80..=0xff => vec![0x81, u8::try_from(len).unwrap()],
        _ => vec![
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xff).unwrap(),
        ],
    }
}

/// A `SubjectPublicKeyInfo` from an `AlgorithmIdentifier`'s DER and the key bits.
fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = vec![0x03];
    bits.extend(der_len(key.len() + 1));
    bits.push(0);
    bits.extend_from_slice(key);
    let mut body = algorithm.to_vec();
    body.extend(bits);
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

/// One key is one signer, however its PEM encodes it: the RSA algorithm
/// with or without its NULL parameter, or an EC point compressed or not.
/// `--key-threshold 2` over two encodings of one key cannot be met.
#[test]
fn one_key_in_two_encodings_is_one_signer() {
    let dir = Scratch::new("trust-key-encodings");
    let rsa = signature::RsaKeyPair::from_pkcs8(rsa_pkcs8(0)).unwrap();
    let rsa_der = rsa.public_key().as_der().unwrap().as_ref().to_vec();
    // rsaEncryption's AlgorithmIdentifier, with and without NULL.
    let oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    let with_null: Vec<u8> = [&[0x30, 0x0d][..], &oid, &[0x05, 0x00]].concat();
    let without_null: Vec<u8> = [&[0x30, 0x0b][..], &oid].concat();
    let at = rsa_der
        .windows(with_null.len())
        .position(|w| w == with_null.as_slice())
        .unwrap();
    // The BIT STRING after the AlgorithmIdentifier: its tag, length, unused-bits octet.
    let bits = &rsa_der[at + with_null.len()..];
    let key = &bits[1 + der_len(bits.len() - 1 - 4).len() + 1..];
    assert_eq!(
        spki(&with_null, key),
        rsa_der,
        "the test rebuilds the key as written"
    );
    let a = dir.file("rsa-null.pem", pem(&spki(&with_null, key)).as_bytes());
    let b = dir.file("rsa-bare.pem", pem(&spki(&without_null, key)).as_bytes());

    let ec = signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let ec_der = ec.public_key().as_der().unwrap().as_ref().to_vec();
    let point = &ec_der[ec_der.len() - 65..];
    assert_eq!(point[0], 4);
    let ec_algorithm = &ec_der[2..ec_der.len() - 65 - 3];
    let mut compressed = vec![2 | (point[64] & 1)];
    compressed.extend_from_slice(&point[1..33]);
    assert_eq!(spki(ec_algorithm, point), ec_der);
    let c = dir.file("ec-full.pem", pem(&ec_der).as_bytes());
    let d = dir.file(
        "ec-compressed.pem",
        pem(&spki(ec_algorithm, &compressed)).as_bytes(),
    );

    let doc = dir.file("doc.json", b"{}");
    for (one, other) in [(&a, &b), (&c, &d)] {
        let out = provcheck(&[
            "verify",
            &doc,
            "--key",
            one,
            "--key",
            other,
            "--key-threshold",
            "2",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{one} {other}: {stderr}");
        assert!(
            stderr.contains("--key-threshold 2 cannot be met: 1 distinct key(s) given"),
            "{one} {other}: {stderr}"
        );
    }
}

/// One decoder: each document is read once and judged on what was read.
/// An error inside a list stays that item's (no other item absorbs it); a
/// signed payload that is no statement fails its signature result, saying
/// whether the signature itself verified, and no rule is judged on it.
#[test]
fn every_document_is_read_once_and_keeps_its_verdict() {
    let dir = Scratch::new("trust-one-decoder");
    let right = signer(Alg::P256);
    let wrong = signer(Alg::Ed25519);
    let key = dir.file("k.pub", right.pem.as_bytes());
    let good: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&right], IN_TOTO, &statement())).unwrap();
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [good, {"kind": "Pod"}]});
    let file = dir.file("list.json", list.to_string().as_bytes());
    let out = provcheck(&["verify", "--format", "json", "--key", &key, &file]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{file}: at /items/1: unrecognized document")),
        "{stderr}"
    );
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &entries[0];
    assert_eq!(report["source"], format!("{file}#/items/0"));
    assert_eq!(signature_of(report)["status"], "pass");
    // The item that could not be read is listed too.
    assert_eq!(entries[1]["verdict"], "error");
    assert!(entries[1]["error"]
        .as_str()
        .unwrap()
        .contains("at /items/1: unrecognized document"));
    assert_eq!(entries.as_array().unwrap().len(), 2);

    for (name, by, want) in [
        (
            "mine.json",
            &right,
            "the signature verifies, but the signed payload is rejected",
        ),
        ("forged.json", &wrong, "none of the 1 signature(s) verifies"),
    ] {
        let doc = signed_by(&[by], IN_TOTO, b"{\"not\": \"a statement\"}");
        let file = dir.file(name, &doc);
        let out = provcheck(&[
            "verify",
            "--format",
            "json",
            "--key",
            &key,
            "--allow-registry",
            "quay.io",
            &file,
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let signature = signature_of(&report);
        assert_eq!(signature["status"], "fail", "{report}");
        assert!(
            signature["message"].as_str().unwrap().contains(want),
            "{report}"
        );
        // The trust result, and an `unknown` saying no rule was judged.
        let rules: Vec<&str> = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["signature", "policy.configured"], "{report}");
    }
}

/// Members whose names differ only in letter case, or a signed document
/// that also names a Tekton kind: a reader that matches members without
/// case (Go's `encoding/json`) or by `kind` would take other content than
/// provcheck judged. Refused, never a pass.
#[test]
fn a_signed_document_has_one_reading() {
    let dir = Scratch::new("trust-one-reading");
    let s = signer(Alg::P256);
    let key = dir.file("k.pub", s.pem.as_bytes());
    let good: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&s], IN_TOTO, &statement())).unwrap();
    let evil = String::from_utf8(statement())
        .unwrap()
        .replace("acme/app", "evil/app");
    let other: serde_json::Value =
        serde_json::from_slice(&signed_by(&[&s], IN_TOTO, evil.as_bytes())).unwrap();
    let mut twins = good.clone();
    twins["Payload"] = other["payload"].clone();
    twins["Signatures"] = other["signatures"].clone();
    let mut tekton = good.clone();
    tekton["kind"] = json!("TaskRun");
    tekton["status"] = json!({"steps": []});
    let payload_twins = signed_by(
        &[&s],
        IN_TOTO,
        String::from_utf8(statement())
            .unwrap()
            .replacen("\"subject\"", "\"Subject\":[],\"subject\"", 1)
            .as_bytes(),
    );
    // Go folds Unicode letters too: `ſubject` is `subject` to it.
    let folded_twins = signed_by(
        &[&s],
        IN_TOTO,
        String::from_utf8(statement())
            .unwrap()
            .replacen("\"subject\"", "\"\u{17f}ubject\":[],\"subject\"", 1)
            .as_bytes(),
    );
    for (name, bytes, want) in [
        (
            "twins.json",
            twins.to_string().into_bytes(),
            "differ only in letter case",
        ),
        (
            "folded-twins.json",
            folded_twins,
            "differ only in letter case",
        ),
        (
            "tekton.json",
            tekton.to_string().into_bytes(),
            "also carries the members of a Tekton run",
        ),
        (
            "payload-twins.json",
            payload_twins,
            "differ only in letter case",
        ),
    ] {
        let file = dir.file(name, &bytes);
        let (report, code) = one_report(&["--key", &key, &file]);
        let signature = report.rule("signature");
        assert_eq!(
            (code, signature.status.as_str()),
            (1, "fail"),
            "{name}: {}",
            signature.message
        );
        assert!(
            signature.message.contains(want),
            "{name}: {}",
            signature.message
        );
    }
}
