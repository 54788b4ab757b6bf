//! `provcheck verify` through the CLI: both decision tables (docs/src/concepts.md) row by
//! row, boundary cases, exit codes and every output format.

use serde::Deserialize;
use serde_json::json;

use crate::util::{assert_valid, provcheck, root, Scratch};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// The report as a user's script reads it (not the library's types).
#[derive(Debug, Deserialize)]
struct Report {
    verdict: String,
    results: Vec<Result>,
}

#[derive(Debug, Deserialize)]
struct Result {
    rule: String,
    status: String,
    step: Option<String>,
    message: String,
}

/// A one-step TaskRun with the given declared image and runtime ImageID.
fn taskrun(dir: &Scratch, declared: Option<&str>, runtime: Option<&str>) -> String {
    let mut spec_step = json!({"name": "s"});
    if let Some(d) = declared {
        spec_step["image"] = json!(d);
    }
    let mut status_step = json!({"name": "s", "container": "step-s"});
    if let Some(r) = runtime {
        status_step["imageID"] = json!(r);
    }
    let doc = json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": "tr"},
        "status": {"taskSpec": {"steps": [spec_step]}, "steps": [status_step]}});
    let name = format!("tr-{:x}.json", fxhash(&doc.to_string()));
    dir.file(&name, doc.to_string().as_bytes())
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn verify_json(args: &[&str]) -> (Report, i32) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let out = provcheck(&all);
    let code = out.status.code().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_valid("report.schema.json", &json);
    // A JSON-lines input gives an array, here of one document.
    let json = match json {
        serde_json::Value::Array(mut one) if one.len() == 1 => one.remove(0),
        other => other,
    };
    (serde_json::from_value(json).unwrap(), code)
}

fn registry_status(
    dir: &Scratch,
    declared: Option<&str>,
    runtime: Option<&str>,
    flags: &[&str],
) -> (String, i32) {
    let file = taskrun(dir, declared, runtime);
    let mut args = vec![file.as_str()];
    args.extend_from_slice(flags);
    let (report, code) = verify_json(&args);
    let r = report
        .results
        .iter()
        .find(|r| r.rule == "registry.allowed")
        .unwrap();
    assert_eq!(r.step.as_deref(), Some("s"));
    assert!(!r.message.is_empty());
    assert_eq!(report.verdict, r.status);
    (r.status.clone(), code)
}

/// The allowed-registries table (`docs/src/concepts.md`), every row, through the CLI.
#[test]
fn registry_tri_state_table_through_the_cli() {
    let dir = Scratch::new("verify-table");
    let rt = format!("docker-pullable://quay.io/acme/tool@sha256:{A}");
    let allow = [
        "--allow-registry",
        "quay.io/acme",
        "--deny-registry",
        "quay.io/acme/legacy",
    ];
    type Row<'a> = (&'a str, Option<String>, &'a [&'a str], &'a str, i32);
    let rows: Vec<Row> = vec![
        (
            "trusted reference allowed",
            Some(format!("quay.io/acme/tool@sha256:{A}")),
            &allow,
            "pass",
            0,
        ),
        (
            "trusted reference not allowed",
            Some(format!("docker.io/acme/tool@sha256:{A}")),
            &allow,
            "fail",
            1,
        ),
        (
            "trusted reference denied",
            Some(format!("quay.io/acme/legacy/x@sha256:{A}")),
            &allow,
            "fail",
            1,
        ),
        (
            "tag, repository not allowed",
            Some("quay.io/other/tool:v1".into()),
            &allow,
            "fail",
            1,
        ),
        (
            "tag, repository allowed",
            Some("quay.io/acme/tool:v1".into()),
            &allow,
            "unknown",
            3,
        ),
        ("runtime ImageID only", None, &allow, "unknown", 3),
    ];
    for (row, declared, flags, want, code) in rows {
        let got = registry_status(&dir, declared.as_deref(), Some(&rt), flags);
        assert_eq!(got, (want.to_owned(), code), "{row}");
    }
}

#[test]
fn accept_tags_from_a_policy_file() {
    let dir = Scratch::new("verify-tags");
    let policy = dir.file(
        "p.yaml",
        b"registry:\n  allow: [quay.io/acme]\n  accept_tags: true\n",
    );
    let got = registry_status(
        &dir,
        Some("quay.io/acme/tool:v1"),
        None,
        &["--policy", &policy],
    );
    assert_eq!(got, ("pass".to_owned(), 0));
    let got = registry_status(
        &dir,
        Some("quay.io/evil/tool:v1"),
        None,
        &["--policy", &policy],
    );
    assert_eq!(got, ("fail".to_owned(), 1));
}

/// Boundary cases of prefix matching and reference normalization.
#[test]
fn registry_boundaries_through_the_cli() {
    let dir = Scratch::new("verify-bounds");
    let rows: Vec<(String, &str, &str)> = vec![
        (
            format!("quay.io/acme-evil/tool@sha256:{A}"),
            "quay.io/acme",
            "fail",
        ),
        (
            format!("quay.io/acme/tool@sha256:{A}"),
            "quay.io/acme",
            "pass",
        ),
        (
            format!("QUAY.IO/acme/tool@sha256:{A}"),
            "quay.io/acme",
            "pass",
        ),
        (
            format!("quay.io/acme/tool@sha256:{A}"),
            "Quay.io/acme",
            "pass",
        ),
        (
            format!("quay.io:443/acme/tool@sha256:{A}"),
            "quay.io",
            "fail",
        ),
        (
            format!("localhost:5000/tool@sha256:{A}"),
            "localhost:5000",
            "pass",
        ),
        (
            format!("localhost:5001/tool@sha256:{A}"),
            "localhost:5000",
            "fail",
        ),
        (format!("alpine@sha256:{A}"), "alpine", "pass"),
        (format!("alpine@sha256:{A}"), "docker.io/library", "pass"),
        (
            format!("docker.io/library/alpine@sha256:{A}"),
            "alpine",
            "pass",
        ),
        (format!("alpine-evil@sha256:{A}"), "alpine", "fail"),
        (
            format!("acme/alpine@sha256:{A}"),
            "docker.io/library",
            "fail",
        ),
        (
            format!("quay.io/acme/tool:v1@sha256:{A}"),
            "quay.io/acme",
            "pass",
        ),
        (
            format!("quay.io/acme/tool@sha512:{}", "c".repeat(128)),
            "quay.io/acme",
            "pass",
        ),
        // Invalid declared references: nothing to judge, so unknown (never pass).
        (
            format!("quay.io/Acme/tool@sha256:{A}"),
            "quay.io",
            "unknown",
        ),
        ("quay.io/acme/tool@sha256:abc".into(), "quay.io", "unknown"),
        ("$(params.builderImage)".into(), "quay.io", "unknown"),
    ];
    for (declared, allow, want) in rows {
        let (got, _) = registry_status(&dir, Some(&declared), None, &["--allow-registry", allow]);
        assert_eq!(got, want, "{declared} against {allow}");
    }
}

/// the concepts page's trusted-reference and corroboration tables, row by row, as
/// `normalize` prints them and `verify`'s rules judge them.
#[test]
fn trusted_reference_and_corroboration_tables_through_the_cli() {
    let dir = Scratch::new("verify-trust");
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        &'static str,
        Option<&'static str>,
    );
    let rows: Vec<Row> = vec![
        // has a digest → registry/repository@digest, tag dropped
        (
            Some(format!("quay.io/a/t:v1@sha256:{A}")),
            Some(format!("docker-pullable://quay.io/a/t@sha256:{A}")),
            Some(format!("quay.io/a/t@sha256:{A}")),
            "pinned",
            Some("match"),
        ),
        (
            Some(format!("alpine@sha256:{A}")),
            Some(format!("docker-pullable://mirror.io/x/alpine@sha256:{B}")),
            Some(format!("docker.io/library/alpine@sha256:{A}")),
            "pinned",
            Some("mismatch"),
        ),
        (
            Some(format!("quay.io/a/t@sha256:{A}")),
            Some(format!("docker://sha256:{A}")),
            Some(format!("quay.io/a/t@sha256:{A}")),
            "pinned",
            Some("incomparable"),
        ),
        (
            Some(format!("quay.io/a/t@sha256:{A}")),
            Some(A.to_owned()),
            Some(format!("quay.io/a/t@sha256:{A}")),
            "pinned",
            Some("incomparable"),
        ),
        (
            Some(format!("quay.io/a/t@sha256:{A}")),
            None,
            Some(format!("quay.io/a/t@sha256:{A}")),
            "pinned",
            Some("absent"),
        ),
        // tag only, bare name → none
        (
            Some("quay.io/a/t:v1".into()),
            Some(format!("quay.io/a/t@sha256:{A}")),
            None,
            "unpinned",
            None,
        ),
        (Some("alpine".into()), None, None, "unpinned", None),
        // absent → none, whatever the runtime says
        (
            None,
            Some(format!("docker-pullable://quay.io/a/t@sha256:{A}")),
            None,
            "undeclared",
            None,
        ),
    ];
    for (declared, runtime, trusted, trust, corroboration) in rows {
        let file = taskrun(&dir, declared.as_deref(), runtime.as_deref());
        let out = provcheck(&["normalize", &file]);
        assert_eq!(out.status.code(), Some(0));
        let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let step = &ev["steps"][0];
        assert_eq!(
            step["trusted_reference"].as_str(),
            trusted.as_deref(),
            "{declared:?}"
        );
        assert_eq!(step["trust"]["status"], trust, "{declared:?}");
        assert_eq!(
            step["corroboration"].as_str(),
            corroboration,
            "{declared:?} / {runtime:?}"
        );

        // The same rows through verify's runtime-digest rule.
        let policy = dir.file(
            "rd.yaml",
            b"runtime_digest: {on_mismatch: fail}\npinned: {}\n",
        );
        let (report, _) = verify_json(&[&file, "--policy", &policy]);
        let rd = report
            .results
            .iter()
            .find(|r| r.rule == "steps.runtime_digest")
            .map(|r| r.status.as_str());
        let want = match corroboration {
            Some("match") => Some("pass"),
            Some("mismatch") => Some("fail"),
            Some(_) => Some("unknown"),
            None => None,
        };
        assert_eq!(rd, want, "{declared:?} / {runtime:?}");
        let pinned = report
            .results
            .iter()
            .find(|r| r.rule == "steps.pinned")
            .unwrap();
        let want = match trust {
            "pinned" => "pass",
            "unpinned" => "fail",
            _ => "unknown",
        };
        assert_eq!(pinned.status, want, "{declared:?}");
    }
}

#[test]
fn nothing_configured_is_unknown_not_pass() {
    let dir = Scratch::new("verify-empty");
    let file = taskrun(&dir, Some(&format!("quay.io/a/t@sha256:{A}")), None);
    let (report, code) = verify_json(&[&file]);
    assert_eq!((report.verdict.as_str(), code), ("unknown", 3));
    assert_eq!(report.results[0].rule, "policy.configured");
}

#[test]
fn unknown_mapping_and_invalid_input_exit_codes() {
    let dir = Scratch::new("verify-exit");
    let unknown = taskrun(&dir, Some("quay.io/acme/t:v1"), None);
    let pass = taskrun(&dir, Some(&format!("quay.io/acme/t@sha256:{A}")), None);
    let fail = taskrun(&dir, Some(&format!("quay.io/evil/t@sha256:{A}")), None);
    let bad = dir.file(
        "bad.json",
        b"{\"kind\": \"TaskRun\", \"status\": {\"steps\": 7}}",
    );
    let code = |args: &[&str]| {
        let mut all = vec!["verify", "--allow-registry", "quay.io/acme"];
        all.extend_from_slice(args);
        provcheck(&all).status.code().unwrap()
    };
    assert_eq!(code(&[&unknown]), 3);
    assert_eq!(code(&[&unknown, "--unknown", "fail"]), 1);
    assert_eq!(code(&[&unknown, "--unknown", "warn"]), 0);
    assert_eq!(code(&[&unknown, "--unknown", "pass"]), 0);
    assert_eq!(code(&[&pass]), 0);
    assert_eq!(code(&[&pass, &unknown]), 3);
    assert_eq!(code(&[&pass, &fail, &unknown]), 1);
    assert_eq!(code(&[&pass, &bad]), 2);
    assert_eq!(code(&["--allow-registry", "Not/Valid", &pass]), 2);
    assert_eq!(code(&["--policy", &bad, &pass]), 2);
    let out = provcheck(&["verify", &bad]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.json: at /status/steps: invalid type: integer `7`"),
        "{stderr}"
    );
}

#[test]
fn policy_errors_point_at_the_key() {
    let dir = Scratch::new("verify-policy");
    let policy = dir.file(
        "p.yaml",
        b"registry:\n  allow: [quay.io]\n  alow: [gcr.io]\n",
    );
    let file = taskrun(&dir, Some("quay.io/a:1"), None);
    let out = provcheck(&["verify", &file, "--policy", &policy]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("p.yaml: at /registry/alow: unknown field `alow`"),
        "{stderr}"
    );
}

#[test]
fn shipped_policy_validates_and_runs() {
    let text = std::fs::read(root().join("policies/release-gate.yaml")).unwrap();
    let value = provcheck::ingest::decode_text("release-gate.yaml", &text).unwrap();
    assert_valid("policy.schema.json", &value);
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--policy",
        "policies/release-gate.yaml",
        "--format",
        "json",
    ]);
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    // push's runtime digest differs from its pin: fail, exit 1.
    assert_eq!(
        (report.verdict.as_str(), out.status.code()),
        ("fail", Some(1))
    );
}

#[test]
fn text_report_shows_verdict_and_non_passing_results() {
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io",
        "--allow-registry",
        "gcr.io/tekton-releases",
        "--allow-registry",
        "docker.io/library",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "UNKNOWN  examples/taskrun-build.yaml  (2 unknown, 3 pass)"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with(
            "  unknown  registry.allowed  build/test: declared docker.io/library/golang:1.23"
        ),
        "{text}"
    );
    assert!(!text.contains("\u{1b}["), "no colour when piped");
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io",
        "--explain",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  pass     registry.allowed  build/build:"),
        "{text}"
    );
    assert!(
        text.contains("evidence: /status/taskSpec/steps/1/image"),
        "{text}"
    );
}

/// JUnit XML, read back with a standard XML parser (Python's `ElementTree` when
/// present; otherwise a structural check).
#[test]
fn junit_is_well_formed_and_counts_add_up() {
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "junit",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"provcheck\" tests=\"5\" failures=\"4\""), "{xml}");
    let script = "import sys, xml.etree.ElementTree as ET\n\
        r = ET.fromstring(sys.stdin.read())\n\
        cases = r.findall('./testsuite/testcase')\n\
        f = sum(1 for c in cases if c.find('failure') is not None)\n\
        assert r.tag == 'testsuites' and len(cases) == int(r.get('tests')) and f == int(r.get('failures')), (len(cases), f)\n\
        print(len(cases), f)\n";
    match std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(xml.as_bytes())
                .unwrap();
            let done = child.wait_with_output().unwrap();
            assert!(
                done.status.success(),
                "{}",
                String::from_utf8_lossy(&done.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&done.stdout).trim(), "5 4");
        }
        Err(_) => assert_eq!(xml.matches("<testcase ").count(), 5),
    }
}

/// SARIF: the required structure of the 2.1.0 schema, checked field by field.
#[test]
fn sarif_has_the_required_structure() {
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "provcheck");
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    crate::util::assert_valid_sarif(&log);
    let results = run["results"].as_array().unwrap();
    // The four failures; the pass is left out (`--sarif-passes` adds it).
    assert_eq!(results.len(), 4);
    for r in results {
        assert!(rule_ids.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
        assert!([
            "pass",
            "fail",
            "review",
            "open",
            "informational",
            "notApplicable"
        ]
        .contains(&r["kind"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "examples/taskrun-build.yaml"
        );
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    // An input that cannot be judged is an error notification, never left out.
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "does-not-exist.json",
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "does-not-exist.json"
    );
}

#[test]
fn several_inputs_give_an_array_of_reports() {
    let dir = Scratch::new("verify-many");
    let a = taskrun(&dir, Some(&format!("quay.io/acme/t@sha256:{A}")), None);
    let b = taskrun(&dir, Some("quay.io/acme/t:1"), None);
    let out = provcheck(&[
        "verify",
        "--format",
        "json",
        "--allow-registry",
        "quay.io/acme",
        &a,
        &b,
    ]);
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid("report.schema.json", &json);
    let verdicts: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["pass", "unknown"]);
}

#[test]
fn completions_are_generated() {
    let out = provcheck(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("provcheck"));
}

/// Document-level rules on a real GitHub attestation (slsa-verifier's BCR
/// test data): its true builder, source and predicate type pass; others fail.
#[test]
fn document_rules_on_a_real_github_attestation() {
    let dir = Scratch::new("verify-doc");
    let file = crate::util::corpus().join("github/slsa-verifier-bcr/MODULE.bazel.intoto.jsonl");
    let file = file.to_str().unwrap();
    let good = dir.file(
        "good.yaml",
        b"builders: {allow: ['https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1']}\n\
          source: {repository: 'git+https://github.com/aspect-build/rules_lint.git', ref: refs/heads/publish-to-bcr}\n\
          predicate_types: {allow: ['https://slsa.dev/provenance/v1']}\n",
    );
    let (report, code) = verify_json(&[file, "--policy", &good]);
    let got: Vec<(&str, &str)> = report
        .results
        .iter()
        .map(|r| (r.rule.as_str(), r.status.as_str()))
        .collect();
    // No key or identity given: the signature is unknown, never a silent pass.
    assert_eq!(
        got,
        [
            ("signature", "unknown"),
            ("builder.allowed", "pass"),
            ("predicate_type.allowed", "pass"),
            ("source.matches", "pass")
        ]
    );
    assert_eq!(code, 3);

    let bad = dir.file(
        "bad.yaml",
        b"builders: {allow: ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v2.0.0']}\n\
          source: {repository: 'https://github.com/aspect-build/rules_lint', tag: v1.3.1}\n\
          predicate_types: {allow: ['https://slsa.dev/provenance/v0.2']}\n",
    );
    let (report, code) = verify_json(&[file, "--policy", &bad]);
    assert!(
        report
            .results
            .iter()
            .filter(|r| r.rule != "signature")
            .all(|r| r.status == "fail"),
        "{report:?}"
    );
    assert_eq!(code, 1);
    let source = report
        .results
        .iter()
        .find(|r| r.rule == "source.matches")
        .unwrap();
    assert_eq!(
        source.message,
        "ref refs/heads/publish-to-bcr is not refs/tags/v1.3.1"
    );
}

/// A Tekton run's recorded start is not covered by a signature: it never
/// moves `effective_on` (a forged early `startTime` would turn failures into
/// warnings). Unsigned history judged as stated, under
/// `--insecure-skip-signature`, is the exception, and the report says so.
#[test]
fn effective_on_uses_only_a_verified_build_time() {
    let dir = Scratch::new("verify-effective");
    let run = |start: &str| {
        let doc = json!({"kind": "TaskRun", "status": {"startTime": start,
            "taskSpec": {"steps": [{"name": "s", "image": "quay.io/a/t:v1"}]}}});
        dir.file(
            &format!("tr-{}.json", &start[..4]),
            doc.to_string().as_bytes(),
        )
    };
    let policy = dir.file("p.yaml", b"pinned: {effective_on: 2025-01-01}\n");
    let (old, code) = verify_json(&[&run("2024-06-01T00:00:00Z"), "--policy", &policy]);
    assert_eq!((old.verdict.as_str(), code), ("fail", 1), "{old:?}");
    let (new, code) = verify_json(&[&run("2025-06-01T00:00:00Z"), "--policy", &policy]);
    assert_eq!((new.verdict.as_str(), code), ("fail", 1));
    let old = run("2024-06-01T00:00:00Z");
    let out = provcheck(&[
        "verify",
        &old,
        "--policy",
        &policy,
        "--insecure-skip-signature",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report["insecure"].as_array().unwrap().iter().any(|i| i
            .as_str()
            .unwrap()
            .contains("build times taken as recorded")),
        "{report}"
    );
}
