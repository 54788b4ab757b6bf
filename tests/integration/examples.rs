//! The CI examples under `examples/` use only flags that exist: every
//! `provcheck …` command in them is run with its variables filled in, and
//! must not be a usage error (exit 2 with clap's message).

use crate::util::{assert_valid, provcheck, root, Scratch};

/// Every `provcheck …` command line in `text`, split into words.
fn commands(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter_map(|line| {
            let command = line.trim().trim_start_matches("run:").trim();
            if !command.starts_with("provcheck ") {
                return None;
            }
            // Ignore a redirection and anything after it.
            let command = command.split(" > ").next()?;
            Some(shell_words(command))
        })
        .filter(|words| words.first().is_some_and(|w| w == "provcheck"))
        .collect()
}

/// Split on spaces, honouring double quotes (enough for these examples).
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn check(file: &str, substitutions: &[(&str, &str)]) -> usize {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let found = commands(&text);
    assert!(!found.is_empty(), "{file}: no provcheck command found");
    for words in &found {
        let args: Vec<String> = words
            .iter()
            .skip(1)
            .map(|w| {
                substitutions
                    .iter()
                    .fold(w.clone(), |w, (from, to)| w.replace(from, to))
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = provcheck(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{file}: `provcheck {}` is a usage or input error: {stderr}",
            args.join(" ")
        );
    }
    found.len()
}

/// The Tekton Task's one run writes `TEST_OUTPUT`, JUnit and the JSON report
/// (into a scratch directory here).
#[test]
fn tekton_task_commands_parse_and_run() {
    let dir = Scratch::new("example-tekton");
    let (test_output, junit, json) = (
        dir.path("TEST_OUTPUT"),
        dir.path("junit.xml"),
        dir.path("report.json"),
    );
    let n = check(
        "examples/tekton/provcheck-gate-task.yaml",
        &[
            ("$(params.attestation)", "examples/taskrun-build.yaml"),
            ("$(params.policy)", "policies/release-gate.yaml"),
            ("$(params.unknown)", "fail"),
            ("$(results.TEST_OUTPUT.path)", &test_output),
            ("provcheck-junit.xml", &junit),
            ("provcheck-report.json", &json),
        ],
    );
    assert_eq!(n, 1);
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&test_output).unwrap()).unwrap();
    assert_valid("tekton-test-output.schema.json", &value);
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .starts_with("<?xml"));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_valid("report.schema.json", &report);
}

/// The GitHub job's one run writes annotations, the step summary and SARIF.
#[test]
fn github_actions_commands_parse_and_run() {
    let dir = Scratch::new("example-github");
    let (summary, sarif) = (dir.path("summary.md"), dir.path("provcheck.sarif"));
    let n = check(
        "examples/github/provcheck-gate.yml",
        &[
            ("$GITHUB_STEP_SUMMARY", &summary),
            ("provcheck.sarif", &sarif),
        ],
    );
    assert_eq!(n, 1);
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .starts_with("## provcheck verify: "));
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    crate::util::assert_valid_sarif(&log);
}

#[test]
fn the_tekton_task_is_a_tekton_object() {
    let text = std::fs::read(root().join("examples/tekton/provcheck-gate-task.yaml")).unwrap();
    let value = provcheck::ingest::decode_text("task.yaml", &text).unwrap();
    assert_eq!(value["kind"], "Task");
    assert_eq!(value["spec"]["steps"][0]["name"], "verify");
}
