//! Rego on regorus: the starter pack's tests, the test runner, native/Rego
//! parity on the allowed-registries table (docs/src/concepts.md), and BuildKit source policies.

use serde_json::json;

use provcheck::{PolicyBuilder, Status};

use crate::util::{provcheck, root, Scratch};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

#[test]
fn the_starter_pack_tests_pass() {
    let out = provcheck(&["policy", "test", "policies/"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 20, "{stdout}");
}

#[test]
fn a_broken_test_fails_with_file_and_line() {
    let out = provcheck(&["policy", "test", "tests/fixtures/rego-broken", "--verbose"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("PASS  tests/fixtures/rego-broken/broken_test.rego:6  data.provcheck.broken_test.test_passes"), "{stdout}");
    assert!(
        stdout.contains("FAIL  tests/fixtures/rego-broken/broken_test.rego:10  data.provcheck.broken_test.test_fails_on_purpose: undefined"),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn a_syntax_error_names_file_and_line_and_exits_2() {
    let dir = Scratch::new("rego-syntax");
    let file = dir.file(
        "bad.rego",
        b"package provcheck.bad\nimport rego.v1\ndeny contains x if {\n",
    );
    let doc = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&["verify", doc.to_str().unwrap(), "--policy", &file]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.rego:"), "{stderr}");
}

#[test]
fn a_runtime_error_is_a_usage_error_not_a_pass() {
    let dir = Scratch::new("rego-runtime");
    let file = dir.file(
        "div.rego",
        b"package provcheck.div\nimport rego.v1\ndeny contains {\"msg\": \"m\"} if { x := 1 / count(input.notes); x > 0 }\n",
    );
    let doc = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&["verify", doc.to_str().unwrap(), "--policy", &file]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("div.rego:3"));
}

/// `policy test` runs each definition of a test as a test of its own (a
/// false one fails the run), finds indented tests, runs each chained body
/// alone, and never takes `test_` in a comment or a string for a test.
#[test]
fn policy_test_runs_every_body_and_indented_tests() {
    let out = provcheck(&["policy", "test", "tests/fixtures/rego-bodies", "-v"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let file = "tests/fixtures/rego-bodies/bodies_test.rego";
    let package = "data.provcheck.bodies_test";
    let undefined = ": undefined (a condition in the body is false)";
    let want = [
        format!("FAIL  {file}:8  {package}.test_twice{undefined}"),
        format!("PASS  {file}:12  {package}.test_twice#01"),
        format!("FAIL  {file}:17  {package}.test_indented_spaces{undefined}"),
        format!("PASS  {file}:19  {package}.test_indented_tab"),
        format!("FAIL  {file}:27  {package}.test_chained{undefined}"),
        format!("PASS  {file}:27  {package}.test_chained#01"),
        "3 passed, 3 failed".to_owned(),
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), want, "{stdout}");
}

/// A test file that does not parse: exit 2, naming the file and the line.
#[test]
fn policy_test_of_a_file_that_does_not_parse_exits_2() {
    let dir = Scratch::new("rego-test-syntax");
    dir.file(
        "ok_test.rego",
        b"package t\nimport rego.v1\ntest_ok if true\n",
    );
    let file = dir.file(
        "bad_test.rego",
        b"package t\nimport rego.v1\ntest_bad if {\n\t1 +\n}\n",
    );
    let out = provcheck(&["policy", "test", dir.0.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("--> {file}:5:")), "{stderr}");
}

/// A package outside `provcheck.` that defines `deny` would be ignored: it
/// is refused when the policy is loaded (exit 2), naming file, line and
/// package; so is a `deny` that is a function. The starter pack and its
/// helper package `provcheck_lib` still load.
#[test]
fn sets_provcheck_would_not_read_are_refused_at_load() {
    let dir = Scratch::new("rego-helper-sets");
    let valid = dir.file(
        "valid.rego",
        b"package provcheck.x\nimport rego.v1\ndeny contains \"x\" if input.nothing\n",
    );
    let doc = root().join("examples/taskrun-build.yaml");
    let doc = doc.to_str().unwrap();
    let out = provcheck(&["verify", doc, "--policy", &valid]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, text, want) in [
        (
            "gate.rego",
            "package acme.gate\nimport rego.v1\n\ndeny contains \"x\" if true\n",
            "gate.rego:4:1: package acme.gate defines `deny`, which provcheck would ignore: it \
             evaluates only the deny, unknown and warn sets of the packages under `provcheck.`",
        ),
        (
            "gate_fn.rego",
            "package acme.gate\nimport rego.v1\n\ndeny(x) := x\n",
            "gate_fn.rego:4:1: package acme.gate defines `deny`, which provcheck would ignore",
        ),
        (
            "acme.rego",
            "package acme\nimport rego.v1\n\ngate.warn contains \"x\" if true\n",
            "acme.rego:4:1: package acme defines `gate.warn`, which provcheck would ignore",
        ),
        (
            "fn.rego",
            "package provcheck.y\nimport rego.v1\nwarn contains 1 if false\ndeny(x) := x\n",
            "fn.rego:4:1: package provcheck.y defines `deny` as a function, which is no set \
             of results",
        ),
    ] {
        let file = dir.file(name, text.as_bytes());
        let out = provcheck(&["verify", doc, "--policy", &file, "--policy", &valid]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
    let pack = root().join("policies/provcheck");
    let out = provcheck(&["verify", doc, "--policy", pack.to_str().unwrap()]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One step with `declared`/`runtime`, normalized by the library.
fn evidence(declared: Option<&str>, runtime: Option<&str>) -> provcheck::Evidence {
    let mut spec = json!({"name": "s"});
    if let Some(d) = declared {
        spec["image"] = json!(d);
    }
    let mut status = json!({"name": "s"});
    if let Some(r) = runtime {
        status["imageID"] = json!(r);
    }
    let doc =
        json!({"kind": "TaskRun", "status": {"taskSpec": {"steps": [spec]}, "steps": [status]}});
    let bytes = serde_json::to_vec(&doc).unwrap();
    provcheck::normalize_bytes("t.json", &bytes)
        .remove(0)
        .unwrap()
}

/// The status of the step `s` for `rule` (no result for the step: pass).
fn step_status(results: &[provcheck::RuleResult], rule: &str) -> Status {
    results
        .iter()
        .filter(|r| r.rule == rule && r.step.as_deref() == Some("s"))
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Pass)
}

/// Native `registry.allowed` and the pack's Rego give the same status on
/// every row of the tri-state table and every boundary case.
#[test]
fn native_and_rego_registry_results_agree() {
    let configs = [
        json!({"allow": ["quay.io/acme"], "deny": ["quay.io/acme/legacy"]}),
        json!({"allow": ["quay.io/acme"], "accept_tags": true}),
        json!({"deny": ["docker.io"]}),
        json!({"allow": ["alpine", "docker.io/library", "localhost:5000", "Quay.io/acme/", "acme/"]}),
        json!({"allow": ["docker.io/alpine", "index.docker.io/busybox", "gcr.io"]}),
    ];
    let runtime = format!("docker-pullable://quay.io/acme/tool@sha256:{A}");
    let declared: Vec<Option<String>> = vec![
        Some(format!("quay.io/acme/tool@sha256:{A}")),
        Some(format!("quay.io/acme/tool:v1@sha256:{A}")),
        Some(format!("docker.io/acme/tool@sha256:{A}")),
        Some(format!("quay.io/acme/legacy/x@sha256:{A}")),
        Some(format!("quay.io/acme-evil/tool@sha256:{A}")),
        Some(format!("QUAY.IO/acme/tool@sha256:{A}")),
        Some(format!("quay.io:443/acme/tool@sha256:{A}")),
        Some(format!("localhost:5000/x@sha256:{A}")),
        Some(format!("localhost:5001/x@sha256:{A}")),
        Some(format!("alpine@sha256:{A}")),
        Some(format!("alpine-evil@sha256:{A}")),
        Some(format!("busybox@sha256:{A}")),
        Some(format!("acme/tool@sha256:{A}")),
        Some(format!("acmecorp/tool@sha256:{A}")),
        Some(format!("gcr.io/p/i@sha512:{}", "c".repeat(128))),
        Some("quay.io/acme/tool:v1".into()),
        Some("quay.io/other/tool:v1".into()),
        Some("quay.io/acme/legacy:v1".into()),
        Some("alpine".into()),
        Some("ubuntu:22.04".into()),
        Some("$(params.image)".into()),
        Some("quay.io/Acme/tool".into()),
        None,
    ];
    let mut rows = 0;
    let mut seen = std::collections::BTreeSet::new();
    for config in &configs {
        let mut native = PolicyBuilder::new();
        native
            .add_value("native", &json!({"registry": config}))
            .unwrap();
        let native = native.build().unwrap();
        let mut rego = PolicyBuilder::new();
        rego.add_path(&root().join("policies/provcheck")).unwrap();
        rego.add_data_value("data", json!({"registry": config}))
            .unwrap();
        let rego = rego.build().unwrap();
        for d in &declared {
            let ev = evidence(d.as_deref(), Some(&runtime));
            let now = chrono::Utc::now();
            let n = provcheck::evaluate::evaluate(&native, &ev, now).unwrap();
            let r = provcheck::evaluate::evaluate(&rego, &ev, now).unwrap();
            let native_status = step_status(&n, "registry.allowed");
            assert_eq!(
                native_status,
                step_status(&r, "registry.allowed"),
                "{d:?} with {config}: native {n:?} rego {r:?}"
            );
            // The native rule reports every step: it is not vacuous.
            assert!(n
                .iter()
                .any(|x| x.rule == "registry.allowed" && x.step.as_deref() == Some("s")));
            seen.insert(native_status);
            rows += 1;
        }
    }
    assert_eq!(rows, configs.len() * declared.len());
    assert_eq!(seen.len(), 3, "every tri-state outcome occurs: {seen:?}");
}

/// Build info with one image source `reference` resolved to digest `A`,
/// normalized by the library.
fn requested(reference: &str) -> provcheck::Evidence {
    let doc = json!({"containerimage.buildinfo": {"sources": [
        {"type": "docker-image", "ref": reference, "pin": format!("sha256:{A}")},
        {"type": "git", "ref": "https://github.com/acme/app.git", "pin": "259a5aa5aa5bb3562d12cc631fe399f4788642c1"},
    ]}});
    let bytes = serde_json::to_vec(&doc).unwrap();
    provcheck::normalize_bytes("md.json", &bytes)
        .remove(0)
        .unwrap()
}

/// The `registry.allowed` results as (status, evidence pointers), sorted.
fn registry_results(results: &[provcheck::RuleResult]) -> Vec<(Status, Vec<String>)> {
    let mut out: Vec<(Status, Vec<String>)> = results
        .iter()
        .filter(|r| r.rule == "registry.allowed")
        .map(|r| {
            let evidence = r.evidence.iter().map(|p| p.as_str().to_owned()).collect();
            (r.status, evidence)
        })
        .collect();
    out.sort();
    out
}

/// Images a builder resolved (BuildKit) are judged natively and by the pack
/// alike, by the reference the build requested (the resolved digest never
/// stands in for a pin); a document with no step and no such image is
/// `unknown` for both, never a pass.
#[test]
fn native_and_rego_agree_on_builder_resolved_images_and_on_nothing_to_judge() {
    let configs = [
        json!({"allow": ["quay.io/acme"], "deny": ["quay.io/acme/legacy"]}),
        json!({"allow": ["quay.io/acme"], "accept_tags": true}),
        json!({"deny": ["docker.io"]}),
        json!({"allow": ["alpine", "acme/"]}),
    ];
    let mut documents: Vec<(String, provcheck::Evidence)> = [
        format!("quay.io/acme/tool:v1@sha256:{A}"),
        format!("quay.io/acme/tool@sha256:{B}"),
        format!("quay.io/acme/legacy/x@sha256:{A}"),
        format!("quay.io/acme-evil/tool@sha256:{A}"),
        "quay.io/acme/tool:v1".to_owned(),
        "quay.io/other/tool:v1".to_owned(),
        "docker.io/library/alpine:3.20".to_owned(),
        "docker.io/acme/tool:latest".to_owned(),
        "docker.io/Library/alpine:3.20".to_owned(),
    ]
    .into_iter()
    .map(|r| (r.clone(), requested(&r)))
    .collect();
    for file in [
        "buildkit/docs-v1-mode-max.json",
        "buildkit/docs-v0.2-mode-min.json",
        "github/slsa-verifier-bcr/MODULE.bazel.intoto.jsonl",
        // A task or child run named but not defined: not judged, unknown.
        "chains/docs/predicate-slsa-v2.example1.json",
        "tekton/chains-testdata/pipeline-v1/pipelinerun-childrefs.json",
    ] {
        let path = crate::util::corpus().join(file);
        let bytes = std::fs::read(&path).unwrap();
        let ev = provcheck::normalize_bytes(file, &bytes).remove(0).unwrap();
        documents.push((file.to_owned(), ev));
    }
    let mut unjudged_seen = 0;
    let mut seen = std::collections::BTreeSet::new();
    for config in &configs {
        let mut native = PolicyBuilder::new();
        native
            .add_value("native", &json!({"registry": config}))
            .unwrap();
        let native = native.build().unwrap();
        let mut rego = PolicyBuilder::new();
        rego.add_path(&root().join("policies/provcheck")).unwrap();
        rego.add_data_value("data", json!({"registry": config}))
            .unwrap();
        let rego = rego.build().unwrap();
        for (what, ev) in &documents {
            let now = chrono::Utc::now();
            let n = registry_results(&provcheck::evaluate::evaluate(&native, ev, now).unwrap());
            let r = registry_results(&provcheck::evaluate::evaluate(&rego, ev, now).unwrap());
            // The pack reports only what is not a pass.
            let not_pass: Vec<_> = n
                .iter()
                .filter(|(s, _)| *s != Status::Pass)
                .cloned()
                .collect();
            assert_eq!(not_pass, r, "{what} with {config}");
            assert!(
                !n.is_empty(),
                "{what} with {config}: the native rule judged nothing"
            );
            let unjudged = ev.notes.iter().filter(|x| x.not_judged);
            for note in unjudged {
                unjudged_seen += 1;
                let want = (Status::Unknown, vec![note.pointer.as_str().to_owned()]);
                assert!(
                    n.contains(&want),
                    "{what}: {note:?} not judged unknown: {n:?}"
                );
            }
            seen.extend(n.iter().map(|(s, _)| *s));
        }
    }
    assert_eq!(seen.len(), 3, "every tri-state outcome occurs: {seen:?}");
    assert!(unjudged_seen >= 2 * configs.len(), "{unjudged_seen}");
}

/// A registry list that is not a collection is an evaluation error, never
/// an empty list that turns the rule off (a pass); entries are checked
/// whatever the document holds.
#[test]
fn a_malformed_registry_list_is_an_error_not_a_pass() {
    let configs = [
        json!({"allow": ""}),
        json!({"deny": "", "allow": []}),
        json!({"allow": ["Bad Entry"]}),
    ];
    // Policy data is checked as a native policy file is, before any
    // evaluation: a malformed section is refused, naming its pointer.
    for config in configs {
        let mut rego = PolicyBuilder::new();
        rego.add_path(&root().join("policies/provcheck")).unwrap();
        let err = rego
            .add_data_value("data", json!({"registry": config}))
            .err()
            .unwrap_or_else(|| panic!("{config}: accepted"));
        assert!(err.to_string().starts_with("data: at /registry"), "{err}");
    }
    // Data that reaches the pack unchecked (a Rego test's `with`) is still
    // an evaluation error, never an empty list that passes.
    let mut rego = PolicyBuilder::new();
    rego.add_path(&root().join("policies/provcheck")).unwrap();
    rego.add_rego_source(
        "override.rego",
        "package provcheck.override\nimport rego.v1\nwarn contains {\"msg\": m} if { some m in data.provcheck.registry.deny with data.registry as {\"allow\": \"\"} }\n",
    );
    let rego = rego.build().unwrap();
    let ev = evidence(Some(&format!("quay.io/acme/tool@sha256:{A}")), None);
    assert!(provcheck::evaluate::evaluate(&rego, &ev, chrono::Utc::now()).is_err());
}

/// The pack's own configuration keys are checked against the native policy
/// schema before evaluation: `accept_tags: "false"` (a string) is refused,
/// never read as true; other keys are free.
#[test]
fn policy_data_is_checked_as_a_policy_file() {
    let dir = Scratch::new("rego-data-checked");
    let data = dir.file(
        "data.yaml",
        b"registry:\n  allow: [quay.io/acme]\n  accept_tags: \"false\"\n",
    );
    let doc = dir.file(
        "tr.json",
        br#"{"kind": "TaskRun", "status": {"taskSpec": {"steps": [{"name": "s", "image": "quay.io/acme/t:v1"}]}}}"#,
    );
    let pack = root().join("policies/provcheck");
    let out = provcheck(&[
        "verify",
        &doc,
        "--policy",
        pack.to_str().unwrap(),
        "--policy-data",
        &data,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("at /registry/accept_tags"), "{stderr}");
    let free = dir.file(
        "free.yaml",
        b"acme: {anything: [1, 2]}\nregistry: {allow: [quay.io/acme]}\n",
    );
    let out = provcheck(&[
        "verify",
        &doc,
        "--policy",
        pack.to_str().unwrap(),
        "--policy-data",
        &free,
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn source_policy_status(dir: &Scratch, policy: serde_json::Value, declared: &str) -> (String, i32) {
    let policy = dir.file("sp.json", policy.to_string().as_bytes());
    let doc = json!({"kind": "TaskRun", "status": {"taskSpec": {"steps": [{"name": "s", "image": declared}]}}});
    let doc = dir.file("tr.json", doc.to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &doc,
        "--source-policy",
        &policy,
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "source.policy")
        .unwrap();
    (
        result["status"].as_str().unwrap().to_owned(),
        out.status.code().unwrap(),
    )
}

/// BuildKit-format source policies through the CLI.
#[test]
fn source_policy_through_the_cli() {
    let dir = Scratch::new("source-policy");
    let rule = |action: &str, id: &str, match_type: &str| json!({"action": action, "selector": {"identifier": id, "matchType": match_type}});
    let rows = [
        // ALLOW and DENY, last match wins.
        (
            json!({"rules": [rule("DENY", "docker-image://docker.io/library/*", "WILDCARD"), rule("ALLOW", "docker-image://docker.io/library/alpine:*", "WILDCARD")]}),
            "alpine:3.18",
            "pass",
            0,
        ),
        (
            json!({"rules": [rule("DENY", "docker-image://docker.io/library/*", "WILDCARD"), rule("ALLOW", "docker-image://docker.io/library/alpine:*", "WILDCARD")]}),
            "ubuntu:22.04",
            "fail",
            1,
        ),
        // EXACT does not glob; REGEX is unanchored.
        (
            json!({"rules": [rule("DENY", "docker-image://docker.io/library/alpine:*", "EXACT")]}),
            "alpine:3.18",
            "pass",
            0,
        ),
        (
            json!({"rules": [rule("DENY", "docker-image://docker.io/library/alpine:3.18", "EXACT")]}),
            "alpine:3.18",
            "fail",
            1,
        ),
        (
            json!({"rules": [rule("DENY", "quay\\.io/evil/", "REGEX")]}),
            "quay.io/evil/x:1",
            "fail",
            1,
        ),
        (
            json!({"rules": [rule("DENY", "quay\\.io/evil/", "REGEX")]}),
            "quay.io/evil-not/x:1",
            "pass",
            0,
        ),
    ];
    for (policy, declared, want, code) in rows {
        assert_eq!(
            source_policy_status(&dir, policy.clone(), declared),
            (want.to_owned(), code),
            "{declared} with {policy}"
        );
    }
}

/// CONVERT to a pinned digest: pass when the trusted reference equals the
/// pin, fail when it differs, unknown when there is no trusted reference.
#[test]
fn source_policy_convert_to_a_pin() {
    let dir = Scratch::new("source-policy-convert");
    let policy = json!({"rules": [{
        "action": "CONVERT",
        "selector": {"identifier": "docker-image://docker.io/library/alpine:3.18"},
        "updates": {"identifier": format!("docker-image://docker.io/library/alpine:3.18@sha256:{A}")}}]});
    // Declared with tag and digest: the selector (the tag form) does not
    // match that identifier, so BuildKit would not convert it: pass.
    let (status, _) =
        source_policy_status(&dir, policy.clone(), &format!("alpine:3.18@sha256:{A}"));
    assert_eq!(status, "pass");
    // A Chains-style TaskRun declared alpine:3.18 by tag: no trusted reference.
    assert_eq!(
        source_policy_status(&dir, policy.clone(), "alpine:3.18"),
        ("unknown".to_owned(), 3)
    );

    // Pinned-equal and pinned-different, judged on a step whose declared tag
    // the policy converts and whose trusted reference is known: a selector
    // that matches the tag+digest form.
    let wildcard = json!({"rules": [{
        "action": "CONVERT",
        "selector": {"identifier": "docker-image://docker.io/library/alpine:3.18@*"},
        "updates": {"identifier": format!("docker-image://docker.io/library/alpine:3.18@sha256:{A}")}}]});
    assert_eq!(
        source_policy_status(&dir, wildcard.clone(), &format!("alpine:3.18@sha256:{A}")),
        ("pass".to_owned(), 0)
    );
    assert_eq!(
        source_policy_status(&dir, wildcard, &format!("alpine:3.18@sha256:{B}")),
        ("fail".to_owned(), 1)
    );
}

#[test]
fn source_policy_errors_point_at_the_rule() {
    let dir = Scratch::new("source-policy-bad");
    let policy = dir.file(
        "sp.json",
        br#"{"rules": [{"action": "CONVERT", "selector": {"identifier": "x"}}]}"#,
    );
    let doc = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&["verify", doc.to_str().unwrap(), "--source-policy", &policy]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("sp.json: at /rules/0: a CONVERT rule needs `updates`"));
}

/// `steps.pinned` judges the images a builder resolved by the reference the
/// build requested, natively and in the pack alike, and a document with no
/// step and no such image is `unknown` for both, never a silent pass.
#[test]
fn native_and_rego_agree_on_pinning_of_builder_resolved_images() {
    let mut documents: Vec<(String, provcheck::Evidence)> = [
        format!("quay.io/acme/tool:v1@sha256:{A}"),
        "quay.io/acme/tool:v1".to_owned(),
        "alpine".to_owned(),
    ]
    .into_iter()
    .map(|r| (r.clone(), requested(&r)))
    .collect();
    for file in [
        "buildkit/docs-v1-mode-max.json",
        "github/slsa-verifier-bcr/MODULE.bazel.intoto.jsonl",
        // A task or child run named but not defined: not judged, unknown.
        "chains/docs/predicate-slsa-v2.example1.json",
        "tekton/chains-testdata/pipeline-v1/pipelinerun-childrefs.json",
    ] {
        let bytes = std::fs::read(crate::util::corpus().join(file)).unwrap();
        let ev = provcheck::normalize_bytes(file, &bytes).remove(0).unwrap();
        documents.push((file.to_owned(), ev));
    }
    let config = json!({"pinned": {}});
    let mut native = PolicyBuilder::new();
    native.add_value("native", &config).unwrap();
    let native = native.build().unwrap();
    let mut rego = PolicyBuilder::new();
    rego.add_path(&root().join("policies/provcheck")).unwrap();
    rego.add_data_value("data", config.clone()).unwrap();
    let rego = rego.build().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (what, ev) in &documents {
        let now = chrono::Utc::now();
        let pick = |results: Vec<provcheck::RuleResult>| -> Vec<(Status, Vec<String>)> {
            let mut out: Vec<_> = results
                .iter()
                .filter(|r| r.rule == "steps.pinned")
                .map(|r| {
                    (
                        r.status,
                        r.evidence.iter().map(|p| p.as_str().to_owned()).collect(),
                    )
                })
                .collect();
            out.sort();
            out
        };
        let n = pick(provcheck::evaluate::evaluate(&native, ev, now).unwrap());
        let r = pick(provcheck::evaluate::evaluate(&rego, ev, now).unwrap());
        let not_pass: Vec<_> = n
            .iter()
            .filter(|(s, _)| *s != Status::Pass)
            .cloned()
            .collect();
        assert_eq!(not_pass, r, "{what}");
        assert!(!n.is_empty(), "{what}: the native rule judged nothing");
        for note in ev.notes.iter().filter(|x| x.not_judged) {
            let want = (Status::Unknown, vec![note.pointer.as_str().to_owned()]);
            assert!(
                n.contains(&want),
                "{what}: {note:?} not judged unknown: {n:?}"
            );
        }
        seen.extend(n.iter().map(|(s, _)| *s));
    }
    assert_eq!(seen.len(), 3, "every outcome occurs: {seen:?}");
}

/// A policy's own rule ids (any text: `Acme-Rule/1`, a package name with
/// digits) are reported as written; an empty code or message gets the
/// default instead; the report stays valid against its schema.
#[test]
fn policy_codes_and_messages_are_kept_or_defaulted() {
    let dir = Scratch::new("rego-codes");
    let file = dir.file(
        "slsa3.rego",
        b"package provcheck.slsa3\nimport rego.v1\n\
          deny contains {\"code\": \"Acme-Rule/1\", \"msg\": \"custom\"} if true\n\
          deny contains {\"code\": \"\", \"msg\": \"\"} if true\n\
          warn contains {\"msg\": \"no code\"} if true\n",
    );
    let doc = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&[
        "verify",
        doc.to_str().unwrap(),
        "--policy",
        &file,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::util::assert_valid("report.schema.json", &report);
    let mut got: Vec<(String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_owned(),
                r["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Acme-Rule/1".to_owned(), "custom".to_owned()),
            (
                "provcheck.slsa3.deny".to_owned(),
                r#"{"code":"","msg":""}"#.to_owned()
            ),
            ("provcheck.slsa3.warn".to_owned(), "no code".to_owned()),
        ]
    );
}

/// `policy test` as `opa test` runs it: failures only unless `--verbose`,
/// `--run REGEX` selects tests by full name, and JSON and JUnit outputs.
#[test]
fn policy_test_selects_and_writes_formats() {
    let broken = "tests/fixtures/rego-broken";
    let out = provcheck(&["policy", "test", broken]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout.contains("PASS  "), "{stdout}");
    assert!(stdout.contains("FAIL  "), "{stdout}");
    // Only the passing test: exit 0.
    let out = provcheck(&["policy", "test", broken, "--run", "test_passes$"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("1 passed, 0 failed\n"));
    // Nothing selected: no test ran, which is no pass.
    let out = provcheck(&["policy", "test", broken, "--run", "^nothing$"]);
    assert_eq!(out.status.code(), Some(2));
    // JSON: an object per test.
    let out = provcheck(&["policy", "test", broken, "--format", "json"]);
    let tests: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tests = tests.as_array().unwrap();
    assert_eq!(tests.len(), 2);
    assert_eq!(tests.iter().filter(|t| t["passed"] == false).count(), 1);
    assert!(tests
        .iter()
        .all(|t| t["line"].as_u64().is_some() && t["file"].is_string()));
    // JUnit: a case per test, one failure.
    let out = provcheck(&["policy", "test", broken, "--format", "junit"]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains(r#"tests="2" failures="1""#), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert_eq!(xml.matches("<failure ").count(), 1);
}
