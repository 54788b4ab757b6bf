//! `verify`'s outputs as CI systems read them: several formats in one run,
//! SARIF against the official schema, JUnit names GitLab keeps apart, JSON
//! that lists every input, GitHub workflow commands, Markdown, and Tekton's
//! `TEST_OUTPUT`.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::util::{assert_valid, assert_valid_sarif, provcheck, Scratch};

const H: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

/// A TaskRun of `steps` steps, each declared and run by digest from
/// `quay.io/acme`; the last `unpinned` are declared by tag from docker.io.
fn taskrun(name: &str, steps: usize, unpinned: usize) -> Value {
    let spec: Vec<Value> = (0..steps)
        .map(|i| {
            let image = if i + unpinned >= steps {
                format!("docker.io/library/tool{i}:1")
            } else {
                format!("quay.io/acme/tool{i}@sha256:{H}")
            };
            json!({"name": format!("s{i}"), "image": image})
        })
        .collect();
    let status: Vec<Value> = (0..steps)
        .map(|i| json!({"name": format!("s{i}"), "container": format!("step-s{i}"), "imageID": format!("quay.io/acme/tool{i}@sha256:{H}")}))
        .collect();
    json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": name},
        "status": {"taskSpec": {"steps": spec}, "steps": status}})
}

fn read_json(path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sarif_results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn a_passing_twenty_step_taskrun_yields_zero_sarif_results() {
    let dir = Scratch::new("out-sarif-pass");
    let file = dir.file("pass.json", taskrun("ok", 20, 0).to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &file,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(sarif_results(&log).len(), 0, "{log:#}");
    // --sarif-passes lists them.
    let out = provcheck(&[
        "verify",
        &file,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "sarif",
        "--sarif-passes",
    ]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 20);
    assert!(results
        .iter()
        .all(|r| r["kind"] == "pass" && r["level"] == "none"));
}

#[test]
fn sarif_is_valid_names_lines_and_fingerprints_and_describes_every_rule() {
    let dir = Scratch::new("out-sarif");
    let lines = [
        taskrun("a", 3, 0).to_string(),
        taskrun("b", 3, 2).to_string(),
        taskrun("c", 3, 1).to_string(),
    ];
    let jsonl = dir.file("runs.jsonl", format!("{}\n", lines.join("\n")).as_bytes());
    let rego = dir.file(
        "extra.rego",
        b"package provcheck.extra\nimport rego.v1\ndeny contains \"always\" if true\n",
    );
    let out = provcheck(&[
        "verify",
        &jsonl,
        "--allow-registry",
        "quay.io/acme",
        "--policy",
        &rego,
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "provcheck/verify/");
    let results = sarif_results(&log);
    // 2 + 1 unpinned steps from docker.io, and the Rego deny on each line.
    assert_eq!(results.len(), 6, "{log:#}");
    let mut lines_seen = Vec::new();
    let mut fingerprints = HashSet::new();
    for r in results {
        assert_ne!(r["kind"], "pass");
        let physical = &r["locations"][0]["physicalLocation"];
        // Relative to the working directory when under it; here it is not.
        assert_eq!(
            physical["artifactLocation"]["uri"],
            format!("file://{jsonl}")
        );
        lines_seen.push(physical["region"]["startLine"].as_u64().unwrap());
        let fp = r["partialFingerprints"]["provcheck/v1"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(fingerprints.insert(fp), "fingerprints are unique: {r:#}");
    }
    lines_seen.sort_unstable();
    assert_eq!(lines_seen, [1, 2, 2, 2, 3, 3]);
    // Every rule has descriptions and help; failing rules a severity.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["provcheck.extra.deny", "registry.allowed"]);
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[field]["text"].as_str().unwrap().is_empty(),
                "{rule:#}"
            );
        }
        assert!(
            rule["properties"]["security-severity"].as_str().is_some(),
            "{rule:#}"
        );
    }
    // The same inputs give the same fingerprints on another run.
    let again = provcheck(&[
        "verify",
        &jsonl,
        "--allow-registry",
        "quay.io/acme",
        "--policy",
        &rego,
        "--format",
        "sarif",
    ]);
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    let prints = |log: &Value| -> Vec<String> {
        sarif_results(log)
            .iter()
            .map(|r| r["partialFingerprints"].to_string())
            .collect()
    };
    assert_eq!(prints(&log), prints(&again));
}

#[test]
fn sarif_names_an_input_under_the_working_directory_relatively() {
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    for r in sarif_results(&log) {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "examples/taskrun-build.yaml"
        );
    }
}

/// GitLab keeps one test case per (`classname`, `name`): over a run of
/// several inputs, the same input twice and a JSON-lines input, every pair
/// is unique and the counts add up.
#[test]
fn junit_pairs_are_unique_and_counts_add_up() {
    let dir = Scratch::new("out-junit");
    let lines = [
        taskrun("a", 3, 1).to_string(),
        taskrun("a", 3, 1).to_string(),
    ];
    let jsonl = dir.file(
        "runs.jsonl",
        format!("{}\n{{\"truncated\n", lines.join("\n")).as_bytes(),
    );
    let one = dir.file("one.json", taskrun("one", 4, 2).to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &one,
        &one,
        &jsonl,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "junit",
    ]);
    assert_eq!(out.status.code(), Some(2), "a truncated line is bad input");
    let xml = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> Vec<String> {
        let re = regex::Regex::new(&format!(r#"<{tag} [^>]*?\b{name}="([^"]*)""#)).unwrap();
        re.captures_iter(&xml).map(|c| c[1].to_owned()).collect()
    };
    let classnames = attr("testcase", "classname");
    let names = attr("testcase", "name");
    assert_eq!(classnames.len(), names.len());
    let pairs: HashSet<(&String, &String)> = classnames.iter().zip(&names).collect();
    assert_eq!(
        pairs.len(),
        names.len(),
        "duplicate (classname, name):\n{xml}"
    );
    // A suite per document: one.json twice, two lines and the bad line.
    assert_eq!(attr("testsuite", "name").len(), 5, "{xml}");
    let total = |name: &str| -> usize { attr("testsuites", name)[0].parse().unwrap() };
    let sum = |name: &str| -> usize {
        attr("testsuite", name)
            .iter()
            .map(|n| n.parse::<usize>().unwrap())
            .sum()
    };
    assert_eq!(total("tests"), names.len());
    for count in ["tests", "failures", "errors", "skipped"] {
        assert_eq!(total(count), sum(count), "{count}");
    }
    assert_eq!(total("failures"), 2 + 2 + 1 + 1);
    assert_eq!(total("errors"), 1);
    assert_eq!(xml.matches("<failure ").count(), total("failures"));
    assert!(
        classnames.iter().all(|c| *c == one || *c == jsonl),
        "classname is the input file"
    );
    assert!(names.iter().any(|n| n.contains("[line 2]")), "{xml}");
}

#[test]
fn json_lists_every_input_with_an_error_entry_for_the_unreadable() {
    let dir = Scratch::new("out-json");
    let good = dir.file("good.json", taskrun("ok", 2, 0).to_string().as_bytes());
    let text = taskrun("cut", 2, 0).to_string();
    let truncated = dir.file("cut.json", &text.as_bytes()[..text.len() / 2]);
    let out = provcheck(&[
        "verify",
        &good,
        &truncated,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid("report.schema.json", &json);
    let entries = json.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["verdict"], "pass");
    assert_eq!(entries[1]["verdict"], "error");
    assert_eq!(entries[1]["source"], truncated.as_str());
    assert!(entries[1]["error"]
        .as_str()
        .unwrap()
        .contains("invalid JSON"));
}

/// One run writes four formats; the exit code is the verdict's, and the
/// text report still goes to standard output.
#[test]
fn one_run_writes_several_formats() {
    let dir = Scratch::new("out-many");
    let (a, b, c, d) = (
        dir.path("a.json"),
        dir.path("b.xml"),
        dir.path("c.sarif"),
        dir.path("d.json"),
    );
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--output",
        &format!("json={a}"),
        "--output",
        &format!("junit={b}"),
        "--output",
        &format!("sarif={c}"),
        "--output",
        &format!("tekton={d}"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("FAIL  examples/taskrun-build.yaml"));
    let report = read_json(&a);
    assert_valid("report.schema.json", &report);
    assert_eq!(report["verdict"], "fail");
    assert!(std::fs::read_to_string(&b)
        .unwrap()
        .contains("<testsuites name=\"provcheck\" tests=\"5\" failures=\"4\""));
    assert_valid_sarif(&read_json(&c));
    let tekton = read_json(&d);
    assert_valid("tekton-test-output.schema.json", &tekton);
    assert_eq!(tekton["result"], "FAILURE");
    assert_eq!(
        (tekton["successes"].as_u64(), tekton["failures"].as_u64()),
        (Some(1), Some(4))
    );

    // `--format X` is `--output X`: with another stdout output, a usage error.
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--format",
        "json",
        "--output",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most one may"));
    // An output may not overwrite an input, nor two outputs share a file.
    let input = dir.file(
        "in.yaml",
        &std::fs::read("examples/taskrun-build.yaml").unwrap(),
    );
    let out = provcheck(&["verify", &input, "--output", &format!("json={input}")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&input).unwrap(),
        std::fs::read("examples/taskrun-build.yaml").unwrap()
    );
    let out = provcheck(&[
        "verify",
        &input,
        "--output",
        &format!("json={a}"),
        "--output",
        &format!("sarif={a}"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = provcheck(&["verify", &input, "--output", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tekton_output_maps_verdicts_and_honours_source_date_epoch() {
    let dir = Scratch::new("out-tekton");
    let pass = dir.file("pass.json", taskrun("ok", 2, 0).to_string().as_bytes());
    let unpinned = dir.file("tag.json", taskrun("tag", 2, 1).to_string().as_bytes());
    let tag_in_allowed = dir.file(
        "allowed-tag.json",
        json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": "t"},
            "status": {"taskSpec": {"steps": [{"name": "s", "image": "quay.io/acme/t:1"}]},
                       "steps": [{"name": "s", "container": "step-s"}]}})
        .to_string()
        .as_bytes(),
    );
    let bad = dir.file("bad.json", b"{");
    for (file, unknown, want) in [
        (&pass, None, "SUCCESS"),
        (&unpinned, None, "FAILURE"),
        (&tag_in_allowed, None, "FAILURE"),
        (&tag_in_allowed, Some("warn"), "WARNING"),
        (&bad, None, "ERROR"),
    ] {
        let mut args = vec![
            "verify",
            file.as_str(),
            "--allow-registry",
            "quay.io/acme",
            "--format",
            "tekton",
        ];
        if let Some(mode) = unknown {
            args.extend(["--unknown", mode]);
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
            .args(&args)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        let value: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid("tekton-test-output.schema.json", &value);
        assert_eq!(value["result"], want, "{args:?}");
        assert_eq!(value["timestamp"], "2026-01-01T00:00:00Z");
    }
}

#[test]
fn github_commands_annotate_what_needs_attention_and_escape_document_text() {
    let dir = Scratch::new("out-github");
    let mut doc = taskrun("gh", 2, 1);
    doc["status"]["taskSpec"]["steps"][1]["name"] = json!("s1\n::error::forged");
    doc["status"]["steps"][1]["name"] = json!("s1\n::error::forged");
    let file = dir.file("gh.json", doc.to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &file,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "github",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one failing step, no passes:\n{text}");
    assert!(
        lines[0].starts_with(&format!(
            "::error file={file},title=provcheck registry.allowed fail::"
        )),
        "{text}"
    );
    assert!(lines[0].contains("s1%0A::error::forged"), "{text}");
}

#[test]
fn markdown_summary_has_the_verdict_counts_and_a_table() {
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("## provcheck verify: FAIL\n"), "{text}");
    assert!(
        text.contains("Results: 1 pass, 4 fail, 0 unknown, 0 warnings."),
        "{text}"
    );
    assert_eq!(text.matches("\n| fail | ").count(), 4, "{text}");
}
