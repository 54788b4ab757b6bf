//! `provcheck normalize` as users run it: exit codes, stdout, stderr.

use serde::Deserialize;

use crate::util::{
    assert_valid_evidence, corpus, files, provcheck, provcheck_stdin, root, Scratch,
};

/// The step fields the Evidence contract promises, parsed independently of the library's types.
#[derive(Debug, Deserialize)]
struct Step {
    name: String,
    declared_image: Option<String>,
    runtime_image_id: Option<String>,
    trusted_reference: Option<String>,
    corroboration: Option<String>,
    trust: Trust,
}

#[derive(Debug, Deserialize)]
struct Trust {
    status: String,
}

#[derive(Debug, Deserialize)]
struct Evidence {
    steps: Vec<Step>,
}

#[test]
fn normalize_succeeds_on_every_chains_testdata_object() {
    for path in files(&corpus().join("tekton/chains-testdata"), &["json"]) {
        let out = provcheck(&["normalize", path.to_str().unwrap(), "--format", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{}: {stderr}", path.display());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid_evidence(&json);
        let ev: Evidence = serde_json::from_value(json).unwrap();
        for step in &ev.steps {
            if step.declared_image.is_none() {
                assert_eq!(
                    step.trusted_reference,
                    None,
                    "{}: {}",
                    path.display(),
                    step.name
                );
            }
        }
    }
}

#[test]
fn normalize_text_shows_each_step_and_its_trust() {
    let out = provcheck(&[
        "normalize",
        "--format",
        "text",
        "examples/taskrun-build.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("examples/taskrun-build.yaml (Tekton TaskRun \"build-app-x7k2p\")\n"),
        "{text}"
    );
    assert!(
        text.contains("  build/push: pinned, runtime mismatch\n"),
        "{text}"
    );
    assert!(
        text.contains("  build/test: unpinned (declared by tag \"1.23\" only"),
        "{text}"
    );
}

/// The shipped example exercises every row of the trusted-reference table.
#[test]
fn example_taskrun_rows() {
    let out = provcheck(&[
        "normalize",
        root().join("examples/taskrun-build.yaml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let ev: Evidence = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = ev
        .steps
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.trust.status.as_str(),
                s.corroboration.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("clone", "pinned", Some("match")),
            ("build", "pinned", Some("match")),
            ("test", "unpinned", None),
            ("push", "pinned", Some("mismatch")),
            ("registry", "unpinned", None),
        ]
    );
    // The runtime ImageID names a mirror; the trusted reference stays the declared repository.
    let build = &ev.steps[1];
    assert!(build
        .runtime_image_id
        .as_deref()
        .unwrap()
        .starts_with("mirror.internal:5000/"));
    assert!(build
        .trusted_reference
        .as_deref()
        .unwrap()
        .starts_with("quay.io/buildah/stable@sha256:"));
}

#[test]
fn several_inputs_give_an_array_in_input_order() {
    let a = corpus().join("tekton/chains-testdata/pipeline-v1/taskrun1.json");
    let b = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&["normalize", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_evidence(&json);
    let sources: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, vec![a.to_str().unwrap(), b.to_str().unwrap()]);
}

#[test]
fn standard_input_is_dash() {
    let yaml = std::fs::read(root().join("examples/taskrun-build.yaml")).unwrap();
    let out = provcheck_stdin(&["normalize", "-"], &yaml);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["source"], "-");
    assert_eq!(json["steps"].as_array().unwrap().len(), 5);
}

/// Issue 3: bad input exits 2 with the file and the location named, never a panic.
#[test]
fn bad_inputs_exit_2_naming_file_and_location() {
    let dir = Scratch::new("bad");
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let deep_object = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    let cases: Vec<(String, &str)> = vec![
        (dir.file("truncated.json", br#"{"status": {"steps": ["#), "truncated.json:1:22: at /status/steps/0: invalid JSON: EOF while parsing"),
        (
            dir.file("wrong-type.yaml", b"kind: TaskRun\nstatus:\n  steps: oops\n"),
            "wrong-type.yaml: at /status/steps: invalid type: string \"oops\", expected a sequence",
        ),
        (
            dir.file("wrong-type-deep.yaml", b"kind: TaskRun\nstatus:\n  steps:\n  - name: a\n    imageID: [1]\n"),
            "wrong-type-deep.yaml: at /status/steps/0/imageID: invalid type: sequence, expected a string",
        ),
        (dir.file("dup.yaml", b"kind: TaskRun\nstatus: {}\nkind: PipelineRun\n"), "dup.yaml:3:1: invalid YAML: duplicate mapping key: kind\n"),
        (dir.file("dup.json", br#"{"kind":"TaskRun","status":{"steps":[],"steps":[]}}"#), "dup.json:1:46: at /status: duplicate key \"steps\""),
        (dir.file("empty.json", b""), "empty.json: empty input"),
        (dir.file("deep.json", deep.as_bytes()), "deep.json:1:128: invalid JSON: nested deeper than the limit of 128 levels"),
        (dir.file("deep-object.json", deep_object.as_bytes()), "deep-object.json:1:"),
        (dir.file("deep.yaml", format!("a: {deep}").as_bytes()), "deep.yaml:"),
        (dir.file("binary.bin", &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe]), "binary.bin: not a text document: byte 10 is not valid UTF-8"),
        (dir.file("nul.json", b"{\"kind\":\0}"), "nul.json: not a text document"),
        (dir.file("other.json", br#"{"apiVersion":"v1","kind":"Pod"}"#), "other.json: unrecognized document: expected a Sigstore bundle"),
        (dir.file("scalar.yaml", b"just a string\n"), "scalar.yaml: unrecognized document"),
        (dir.0.join("missing.json").display().to_string(), "missing.json: cannot read"),
    ];
    for (path, want) in cases {
        let out = provcheck(&["normalize", &path]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(
            stderr.contains(want),
            "{path}: expected {want:?} in {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            out.stdout.is_empty(),
            "{path}: nothing on stdout for a failed lone input"
        );
    }
}

#[test]
fn a_bad_input_does_not_hide_the_good_ones() {
    let dir = Scratch::new("mixed");
    let bad = dir.file("bad.json", b"{");
    let good = root().join("examples/taskrun-build.yaml");
    let out = provcheck(&["normalize", &bad, good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["source"], good.to_str().unwrap());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}

#[test]
fn oversized_input_is_refused() {
    let dir = Scratch::new("big");
    let big = dir.file("big.json", &vec![b' '; 4096]);
    let out = provcheck(&["normalize", "--max-bytes", "1024", &big]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("big.json: input is larger than the limit of 1024 bytes"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(provcheck(&["normalize"]).status.code(), Some(2));
    assert_eq!(provcheck(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        provcheck(&["normalize", "--format", "xml", "x"])
            .status
            .code(),
        Some(2)
    );
    // Standard input can be read once.
    for args in [
        ["normalize", "-", "-"],
        ["verify", "-", "-"],
        ["normalize", "-", "--with=-"],
    ] {
        let out = provcheck_stdin(&args, b"{}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("more than once"));
    }
}

/// Issue 4: `provcheck schema NAME` prints the bundled schema byte for byte.
#[test]
fn schema_prints_every_bundled_schema() {
    let out = provcheck(&["schema", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let files = crate::util::files(&root().join("schemas"), &["json"]);
    assert_eq!(names.len(), files.len(), "{list}");
    for name in names {
        let out = provcheck(&["schema", name]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let file = root().join("schemas").join(format!("{name}.schema.json"));
        assert_eq!(out.stdout, std::fs::read(&file).unwrap(), "{name}");
    }
    let out = provcheck(&["schema", "evidnce"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown schema \"evidnce\" (known: evidence, report, audit-record, audit-summary, tekton-test-output, vsa, policy,"),
        "{stderr}"
    );
    assert_eq!(provcheck(&["schema"]).status.code(), Some(2));
}

/// `kubectl get taskruns -o yaml` prints a `List`: each item is a document,
/// its pointers name places in the file, and a bad item hides nothing.
#[test]
fn a_kubectl_list_yields_one_evidence_per_item() {
    let dir = Scratch::new("list");
    let list = dir.file(
        "taskruns.yaml",
        b"apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n\
          - apiVersion: tekton.dev/v1\n  kind: TaskRun\n  metadata:\n    name: first\n  status:\n    taskSpec:\n      steps:\n      - name: a\n        image: alpine:3\n    steps:\n    - name: a\n      imageID: docker-pullable://alpine@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b\n\
          - apiVersion: v1\n  kind: Pod\n  metadata:\n    name: not-a-run\n\
          - apiVersion: tekton.dev/v1\n  kind: TaskRun\n  metadata:\n    name: third\n  status:\n    steps: oops\n\
          - apiVersion: tekton.dev/v1beta1\n  kind: TaskRun\n  metadata:\n    name: fourth\n  status:\n    steps:\n    - name: b\n      imageID: sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b\n",
    );
    let out = provcheck(&["normalize", &list]);
    assert_eq!(out.status.code(), Some(2), "two items are bad");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("taskruns.yaml: at /items/1: unrecognized document"),
        "{stderr}"
    );
    assert!(
        stderr.contains("taskruns.yaml: at /items/2/status/steps: invalid type"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_evidence(&json);
    let docs = json.as_array().unwrap();
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["document"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first", "fourth"]);
    assert_eq!(
        docs[0]["steps"][0]["pointers"]["declared_image"],
        "/items/0/status/taskSpec/steps/0/image"
    );
    assert_eq!(
        docs[0]["steps"][0]["pointers"]["runtime_image_id"],
        "/items/0/status/steps/0/imageID"
    );
    assert_eq!(
        docs[1]["steps"][0]["pointers"]["runtime_image_id"],
        "/items/3/status/steps/0/imageID"
    );
    // Each item is named by its place in the file.
    let sources: Vec<&str> = docs.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [format!("{list}#/items/0"), format!("{list}#/items/3")]
    );
}

/// Document text reaches a terminal with its control characters escaped: a
/// step name or builder id cannot move the cursor, erase a line or start a
/// fake one in a report, the Evidence text or an audit summary.
#[test]
fn document_text_cannot_forge_report_lines() {
    let dir = Scratch::new("cli-escapes");
    let run = serde_json::json!({
        "apiVersion": "tekton.dev/v1", "kind": "TaskRun", "metadata": {"name": "x"},
        "spec": {"taskSpec": {"steps": [
            {"name": "a\u{1b}[2K\rPASS  forged\nPASS  more\u{202e}", "image": "quay.io/acme/x:1"}
        ]}},
        "status": {"steps": []}
    });
    let file = dir.file("esc.json", run.to_string().as_bytes());
    for args in [
        vec![
            "verify",
            "--color",
            "never",
            "--allow-registry",
            "quay.io",
            file.as_str(),
        ],
        vec!["normalize", "--format", "text", file.as_str()],
    ] {
        let out = provcheck(&args);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains(['\u{1b}', '\r', '\u{202e}']),
            "{args:?}: {text:?}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("PASS")),
            "{args:?}: {text}"
        );
        assert!(
            text.contains(r"a\u{1b}[2K\u{d}PASS  forged\u{a}PASS"),
            "{args:?}: {text}"
        );
    }

    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "quay.io/acme/app", "digest": {"sha256": "ab"}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {"buildType": "https://tekton.dev/chains/v2/slsa-tekton",
                "externalParameters": {"runSpec": {"taskSpec": {"steps": [{"name": "b", "image": "quay.io/acme/b:1"}]}}}},
            "runDetails": {"builder": {"id": "evil\ninputs 999 = pass 999"}}}
    });
    let file = dir.file("builder.json", statement.to_string().as_bytes());
    let out = provcheck(&[
        "audit",
        &file,
        "--allow-registry",
        "quay.io",
        "-o",
        "/dev/null",
    ]);
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(summary.contains(r"evil\u{a}inputs 999"), "{summary}");
    assert!(
        !summary.lines().any(|l| l.starts_with("inputs 999")),
        "{summary}"
    );
}

/// A closed stderr (a reader that went away) is no reason to panic: the
/// exit code still tells what happened.
#[test]
fn a_closed_stderr_does_not_panic() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(["verify", "/nonexistent/provcheck-test.json"])
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

/// A YAML stream (`---`-separated, as `kubectl get -o yaml` of several
/// objects is often saved) is one document per part, each named by its
/// first line; a bad part is an error of its own and hides no other.
#[test]
fn a_yaml_stream_is_one_document_per_part() {
    let dir = Scratch::new("cli-yaml-stream");
    let run = std::fs::read_to_string(root().join("examples/taskrun-build.yaml")).unwrap();
    let lines = run.lines().count();
    let text = format!("{run}---\nkind: [\n---\n{run}");
    let file = dir.file("runs.yaml", text.as_bytes());
    let out = provcheck(&["normalize", &file]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{file}:{}:", lines + 2)),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(got, [1, lines as u64 + 4]);
    assert_valid_evidence(&json);
}
