//! `provcheck audit` (issue 8): one record per input, nothing lost,
//! deterministic order, resume, shards, the HTML summary.

use std::path::Path;

use serde::Deserialize;

use crate::util::{assert_valid, corpus, provcheck, provcheck_stdin, root, Scratch};

/// A record, parsed independently of the library's types.
#[derive(Debug, Deserialize)]
struct Record {
    path: String,
    line: Option<usize>,
    verdict: String,
    error: Option<String>,
    #[serde(default)]
    results: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Verdicts {
    pass: u64,
    fail: u64,
    unknown: u64,
    #[serde(default)]
    error: u64,
}

#[derive(Debug, Deserialize)]
struct Summary {
    inputs: u64,
    verdicts: Verdicts,
    skipped: u64,
}

/// The records of a file, each checked against its schema.
fn records(path: &Path) -> Vec<Record> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let value: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            assert_valid("audit-record.schema.json", &value);
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{l}: {e}"))
        })
        .collect()
}

/// A summary, checked against its schema.
fn summary(path: &Path) -> Summary {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_valid("audit-summary.schema.json", &value);
    serde_json::from_value(value).unwrap()
}

/// The summary's identity: every input is judged, an error or skipped.
fn adds_up(s: &Summary) -> bool {
    s.inputs
        == s.verdicts.pass + s.verdicts.fail + s.verdicts.unknown + s.verdicts.error + s.skipped
}

/// Records, each without its `shard` member: shards merged record what the
/// unsharded run records, each saying which shard judged it.
fn without_shard(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("shard").unwrap();
            v
        })
        .collect()
}

/// The same judgement options for every run here: a fixed clock.
const CHECK: &[&str] = &[
    "--policy",
    "policies/release-gate.yaml",
    "--at",
    "2026-06-01T00:00:00Z",
];

/// Run `provcheck audit ARGS… CHECK…` from the repository root.
fn audit(args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(root())
        .arg("audit")
        .args(args)
        .args(CHECK)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An input directory `in/` (with `in/sub/`) inside `dir`, and the example
/// TaskRun's bytes to fill it with.
fn input_dir(dir: &Scratch) -> (std::path::PathBuf, Vec<u8>) {
    let d = dir.0.join("in");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    let good = std::fs::read(root().join("examples/taskrun-build.yaml")).unwrap();
    (d, good)
}

#[test]
fn issue_8_every_input_is_one_record_and_the_summary_adds_up() {
    let dir = Scratch::new("audit-inputs");
    let (d, good) = input_dir(&dir);
    std::fs::write(d.join("a-good.yaml"), &good).unwrap();
    let bad = String::from_utf8(good.clone())
        .unwrap()
        .replace("quay.io/buildah/stable", "quay.io/evil/stable");
    std::fs::write(d.join("sub/b-bad.yaml"), bad).unwrap();
    std::fs::write(d.join("c-malformed.json"), b"{\"kind\": \"TaskRun\", ").unwrap();
    std::os::unix::fs::symlink(d.join("does-not-exist"), d.join("d-unreadable.json")).unwrap();
    std::fs::write(d.join(".hidden"), b"not an input").unwrap();
    let out = dir.0.join("records.jsonl");
    let sum = dir.0.join("summary.json");
    let run = audit(&[s(&d), "-o", s(&out), "--summary-json", s(&sum)]);
    assert_eq!(run.status.code(), Some(2), "an error record exits 2");
    let recs = records(&out);
    let names: Vec<(&str, &str)> = recs
        .iter()
        .map(|r| {
            (
                Path::new(&r.path).file_name().unwrap().to_str().unwrap(),
                r.verdict.as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("a-good.yaml", "fail"), // release-gate: golang:1.23 is not allowed
            ("c-malformed.json", "error"),
            ("d-unreadable.json", "error"),
            ("b-bad.yaml", "fail"),
        ]
    );
    assert!(recs[1]
        .error
        .as_deref()
        .unwrap()
        .contains("c-malformed.json"));
    assert!(recs[2]
        .error
        .as_deref()
        .unwrap()
        .contains("d-unreadable.json"));
    assert!(recs[3].results.iter().any(|r| r["message"]
        .as_str()
        .unwrap()
        .contains("quay.io/evil/stable")));
    let sm = summary(&sum);
    assert_eq!(sm.inputs, 4);
    assert_eq!((sm.verdicts.fail, sm.verdicts.error), (2, 2));
    assert!(adds_up(&sm));
    let text = String::from_utf8_lossy(&run.stderr);
    assert!(
        text.contains("inputs 4 = pass 0 + fail 2 + unknown 0 + error 2"),
        "{text}"
    );
}

#[test]
fn issue_8_json_lines_on_stdin_and_the_build_time_window() {
    let good = std::fs::read_to_string(root().join("examples/taskrun-build.yaml")).unwrap();
    let value = yaml_to_json(&good);
    let line = serde_json::to_string(&value).unwrap();
    let input = format!("{line}\n\n{{\"broken\": \n{line}\n");
    let out = provcheck_stdin(
        &[
            "audit",
            "-",
            "--policy",
            &root()
                .join("policies/release-gate.yaml")
                .display()
                .to_string(),
            "--since",
            "2026-10-01",
            "--until",
            "2026-10-03",
        ],
        input.as_bytes(),
    );
    let recs: Vec<Record> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(Option<usize>, &str)> =
        recs.iter().map(|r| (r.line, r.verdict.as_str())).collect();
    assert_eq!(
        got,
        [(Some(1), "fail"), (Some(3), "error"), (Some(4), "fail")]
    );
    assert!(recs.iter().all(|r| r.path == "-"));

    // Built 2026-10-02: outside a window that ends before it.
    let out = provcheck_stdin(
        &[
            "audit",
            "-",
            "--allow-registry",
            "quay.io",
            "--until",
            "2026-10-01",
        ],
        format!("{line}\n").as_bytes(),
    );
    // No trust options: the window goes by the time as recorded, and says so.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"verdict\":\"skipped\""), "{text}");
    assert!(text.contains("\"window\":\"after_until\""), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("inputs 1 = pass 0 + fail 0 + unknown 0 + error 0 + skipped 1"),
        "{stderr}"
    );
    assert!(stderr.contains("build times taken as recorded"), "{stderr}");
}

/// The example TaskRun as JSON.
fn yaml_to_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap()
}

#[test]
fn issue_8_one_and_two_threads_write_identical_records() {
    let dir = Scratch::new("audit-threads");
    let input = corpus();
    let (one, two) = (dir.0.join("one.jsonl"), dir.0.join("two.jsonl"));
    let (s1, s2) = (dir.0.join("one.json"), dir.0.join("two.json"));
    audit(&[
        s(&input),
        "-j",
        "1",
        "-o",
        s(&one),
        "--summary-json",
        s(&s1),
    ]);
    audit(&[
        s(&input),
        "-j",
        "2",
        "-o",
        s(&two),
        "--summary-json",
        s(&s2),
    ]);
    let a = std::fs::read(&one).unwrap();
    assert!(a.len() > 10_000);
    assert_eq!(a, std::fs::read(&two).unwrap());
    assert_eq!(std::fs::read(&s1).unwrap(), std::fs::read(&s2).unwrap());
    let sm = summary(&s1);
    assert!(adds_up(&sm) && sm.skipped == 0);
    assert_eq!(sm.inputs, records(&one).len() as u64);
}

/// By default a record lists what is not a plain pass and counts the passes
/// by rule; `--all-results` lists every result. Both account for the same
/// results and give the same summary.
#[test]
fn records_count_plain_passes_and_all_results_lists_them() {
    let dir = Scratch::new("audit-passed");
    let (corpus, example) = (corpus(), root().join("examples/taskrun-build.yaml"));
    let input = [s(&corpus), s(&example)];
    let (compact, all) = (dir.0.join("compact.jsonl"), dir.0.join("all.jsonl"));
    let (s1, s2) = (dir.0.join("compact.json"), dir.0.join("all.json"));
    audit(&[
        input[0],
        input[1],
        "-o",
        s(&compact),
        "--summary-json",
        s(&s1),
    ]);
    audit(&[
        input[0],
        input[1],
        "--all-results",
        "-o",
        s(&all),
        "--summary-json",
        s(&s2),
    ]);
    let lines = |p: &Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (compact, all) = (lines(&compact), lines(&all));
    assert_eq!(compact.len(), all.len());
    let mut passes_counted = 0;
    for (c, a) in compact.iter().zip(&all) {
        assert_eq!(c["path"], a["path"]);
        assert!(a.get("passed").is_none(), "{a}");
        let none = Vec::new();
        let results = |r: &serde_json::Value| r["results"].as_array().unwrap_or(&none).clone();
        let plain_pass =
            |r: &serde_json::Value| r["status"] == "pass" && r.get("warning").is_none();
        // The compact record keeps every result that is not a plain pass, in order…
        let kept: Vec<_> = results(a).into_iter().filter(|r| !plain_pass(r)).collect();
        assert_eq!(results(c), kept, "{}", c["path"]);
        // …and counts the plain passes by rule.
        let mut counted = std::collections::BTreeMap::<String, u64>::new();
        for r in results(a).iter().filter(|r| plain_pass(r)) {
            *counted
                .entry(r["rule"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        let passed: std::collections::BTreeMap<String, u64> = c
            .get("passed")
            .map(|p| serde_json::from_value(p.clone()).unwrap())
            .unwrap_or_default();
        assert_eq!(passed, counted, "{}", c["path"]);
        passes_counted += counted.values().sum::<u64>();
    }
    assert!(passes_counted >= 10, "passing results were counted");
    // The same counts; two runs (--all-results is part of the fingerprint).
    let counts = |p: &Path| {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        let fingerprint = v.as_object_mut().unwrap().remove("fingerprint").unwrap();
        (v, fingerprint)
    };
    let ((c1, f1), (c2, f2)) = (counts(&s1), counts(&s2));
    assert_eq!(c1, c2);
    assert_ne!(f1, f2);
}

#[test]
fn issue_8_a_killed_run_resumes_without_losing_or_duplicating() {
    let dir = Scratch::new("audit-resume");
    let input = corpus().join("chains");
    let full = dir.0.join("full.jsonl");
    let full_sum = dir.0.join("full.json");
    audit(&[s(&input), "-o", s(&full), "--summary-json", s(&full_sum)]);
    let bytes = std::fs::read(&full).unwrap();
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    assert!(newlines.len() > 10);
    // Cut mid-line, exactly after a line, after the first byte, at zero.
    let cuts = [
        bytes.len() / 2,
        newlines[newlines.len() / 3] + 1,
        newlines[2] + 5,
        1,
        0,
    ];
    for cut in cuts {
        let part = dir.0.join(format!("part-{cut}.jsonl"));
        let part_sum = dir.0.join(format!("part-{cut}.json"));
        std::fs::write(&part, &bytes[..cut]).unwrap();
        audit(&[
            s(&input),
            "-o",
            s(&part),
            "--resume",
            "--summary-json",
            s(&part_sum),
        ]);
        assert!(
            std::fs::read(&part).unwrap() == bytes,
            "resumed after a cut at byte {cut} differs"
        );
        assert_eq!(
            std::fs::read(&part_sum).unwrap(),
            std::fs::read(&full_sum).unwrap()
        );
    }
}

#[test]
fn issue_8_shards_merged_equal_the_unsharded_run() {
    let dir = Scratch::new("audit-shards");
    let input = corpus();
    let all = dir.0.join("all.jsonl");
    let all_sum = dir.0.join("all.json");
    audit(&[s(&input), "-o", s(&all), "--summary-json", s(&all_sum)]);
    let mut sums = Vec::new();
    let mut recs = Vec::new();
    let mut counts = Vec::new();
    for i in 1..=3 {
        let r = dir.0.join(format!("shard-{i}.jsonl"));
        let sm = dir.0.join(format!("shard-{i}.json"));
        let shard = format!("{i}/3");
        audit(&[
            s(&input),
            "--shard",
            &shard,
            "-o",
            s(&r),
            "--summary-json",
            s(&sm),
        ]);
        counts.push(records(&r).len());
        sums.push(sm);
        recs.push(r);
    }
    assert!(counts.iter().all(|n| *n > 0), "{counts:?}");
    let merged = dir.0.join("merged.jsonl");
    let merged_sum = dir.0.join("merged.json");
    let mut args = vec!["audit", "merge"];
    args.extend(sums.iter().map(|p| s(p)));
    args.push("--records");
    args.extend(recs.iter().map(|p| s(p)));
    args.extend(["-o", s(&merged), "--summary-json", s(&merged_sum)]);
    let out = provcheck(&args);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(without_shard(&merged) == without_shard(&all));
    assert_eq!(
        std::fs::read_to_string(&merged_sum).unwrap(),
        std::fs::read_to_string(&all_sum).unwrap()
    );

    // A shard given twice, or an output that is a part, is refused.
    let twice = provcheck(&["audit", "merge", s(&sums[0]), s(&sums[0]), s(&sums[1])]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));
    let part = std::fs::read(&recs[0]).unwrap();
    let clobber = provcheck(&[
        "audit",
        "merge",
        s(&sums[0]),
        "--records",
        s(&recs[0]),
        "-o",
        s(&recs[0]),
    ]);
    assert_eq!(clobber.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clobber.stderr).contains("it is the input"));
    assert_eq!(std::fs::read(&recs[0]).unwrap(), part);

    // The shard index from a Kubernetes Indexed Job (0-based) is shard 1.
    let from_env = dir.0.join("env.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(root())
        .env("JOB_COMPLETION_INDEX", "0")
        .args(["audit", s(&input), "--shard", "job/3", "-o", s(&from_env)])
        .args(CHECK)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 2)));
    assert!(std::fs::read(&from_env).unwrap() == std::fs::read(&recs[0]).unwrap());
    let out = provcheck(&["audit", s(&input), "--shard", "0/3"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The HTML summary renders, with its plots, in a real headless browser,
/// offline. Skipped (with the reason printed) where Debian's `chromium` is
/// not installed; the README gives the same command for a manual check.
#[test]
fn issue_8_html_summary_renders_in_headless_chromium() {
    let dir = Scratch::new("audit-html");
    let html = dir.0.join("summary.html");
    audit(&[
        s(&corpus().join("chains")),
        s(&root().join("examples")),
        "-o",
        s(&dir.0.join("r.jsonl")),
        "--summary-html",
        s(&html),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(page.matches("<svg").count(), 4, "four plots");
    for forbidden in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(forbidden), "{forbidden} in the page");
    }
    let Ok(chromium) = which("chromium") else {
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let png = dir.0.join("shot.png");
    let profile = dir.0.join("profile");
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,1600",
            &format!("file://{}", html.display()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shot = std::fs::read(&png).unwrap();
    assert!(shot.starts_with(b"\x89PNG"));
    assert!(
        shot.len() > 20_000,
        "a blank page is a few KB: {}",
        shot.len()
    );
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}

/// The `provcheck audit` commands of `examples/kubernetes/`, with the
/// volume paths and the shard index filled in.
fn manifest_commands(file: &str, subs: &[(&str, &str)]) -> Vec<Vec<String>> {
    std::fs::read_to_string(root().join(file))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("provcheck audit"))
        .map(|l| {
            let l = subs
                .iter()
                .fold(l.to_owned(), |l, (from, to)| l.replace(from, to));
            l.split_whitespace().skip(1).map(str::to_owned).collect()
        })
        .collect()
}

#[test]
fn issue_8_the_kubernetes_indexed_job_and_merge_step_work_as_shipped() {
    let dir = Scratch::new("audit-k8s");
    let data = dir.0.join("data");
    std::fs::create_dir_all(data.join("out")).unwrap();
    let key = corpus().join("sigstore/conformance/bundle-verify/managed-key-happy-path/key.pub");
    let input = corpus().join("chains");
    let subs = [
        ("/data/attestations", s(&input)),
        ("/data", s(&data)),
        ("/policy/key.pub", s(&key)),
        ("/policy/", "policies/"),
    ];
    let shard = manifest_commands("examples/kubernetes/audit-indexed-job.yaml", &subs);
    assert_eq!(shard.len(), 1);
    for index in 0..4 {
        let out = format!("{}/out/shard-{index}", data.display());
        let args: Vec<String> = shard[0].iter().map(|w| w.replace("$out", &out)).collect();
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
            .current_dir(root())
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .args(&args)
            .output()
            .unwrap();
        assert!(
            matches!(run.status.code(), Some(0 | 2)),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let merge = manifest_commands("examples/kubernetes/audit-merge-job.yaml", &subs);
    assert_eq!(merge.len(), 1);
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(data.join("out"))
        .args(&merge[0])
        .output()
        .unwrap();
    assert!(
        matches!(run.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The same audit in one run.
    let all = dir.0.join("all.jsonl");
    let all_sum = dir.0.join("all.json");
    let one = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(root())
        .args(["audit", s(&input), "--key", s(&key), "--policy"])
        .args([
            "policies/release-gate.yaml",
            "-o",
            s(&all),
            "--summary-json",
            s(&all_sum),
        ])
        .output()
        .unwrap();
    assert!(matches!(one.status.code(), Some(0 | 2)));
    assert!(without_shard(&data.join("out/records.jsonl")) == without_shard(&all));
    assert_eq!(
        std::fs::read_to_string(data.join("out/summary.json")).unwrap(),
        std::fs::read_to_string(&all_sum).unwrap()
    );
    assert!(data.join("out/summary.html").is_file());
}

#[test]
fn issue_8_a_window_never_hides_a_failed_signature() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let statement = br#"{"_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {"buildType": "t", "externalParameters": {}},
                      "runDetails": {"builder": {"id": "b"}, "metadata": {"startedOn": "2020-01-01T00:00:00Z"}}}}"#;
    let envelope = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": b64.encode(statement),
        "signatures": [{"keyid": "", "sig": b64.encode([7u8; 70])}],
    });
    let key = corpus().join("sigstore/conformance/bundle-verify/managed-key-happy-path/key.pub");
    let out = provcheck_stdin(
        &["audit", "-", "--key", s(&key), "--since", "2026-01-01"],
        format!("{envelope}\n").as_bytes(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rec: Record = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(rec.verdict, "fail", "{text}");
    assert_eq!(rec.results[0]["rule"], "signature");
}

/// Inputs that overlap are walked once; a FIFO or socket found in a
/// directory is an error record, never a hang; the run's own outputs are
/// not read as inputs, and one that would overwrite an input is refused.
#[test]
fn overlapping_inputs_special_files_and_outputs() {
    let dir = Scratch::new("audit-overlap");
    let (d, good) = input_dir(&dir);
    std::fs::write(d.join("a.yaml"), &good).unwrap();
    std::fs::write(d.join("sub/b.yaml"), &good).unwrap();
    let fifo = d.join("sub/fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let _socket = std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap();

    let out = dir.0.join("records.jsonl");
    let sub = d.join("sub");
    let b = sub.join("b.yaml");
    let again = d.join("sub/../sub");
    audit(&[s(&d), s(&sub), s(&b), s(&again), "-o", s(&out), "-j", "2"]);
    let got: Vec<(String, String)> = records(&out)
        .into_iter()
        .map(|r| (r.path, r.verdict))
        .collect();
    let p = |rel: &str| d.join(rel).display().to_string();
    assert_eq!(
        got,
        [
            (p("a.yaml"), "fail".to_owned()),
            (p("sock"), "error".to_owned()),
            (p("sub/b.yaml"), "fail".to_owned()),
            (p("sub/fifo"), "error".to_owned()),
        ]
    );

    // Records written inside the audited directory are not audited.
    let inside = d.join("records.jsonl");
    audit(&[s(&d), "-o", s(&inside)]);
    assert_eq!(records(&inside).len(), 4);
    // A second run would overwrite a file inside its input: refused.
    let out = audit(&[s(&d), "-o", s(&inside)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lies in the input directory"));
    // So is an output that is an input; the input is left as it was.
    let target = d.join("a.yaml");
    let out = audit(&[s(&target), "--summary-json", s(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is the input"));
    assert_eq!(std::fs::read(&target).unwrap(), good);
    // So is one that is an input under another name (a hard link).
    let link = dir.0.join("link.jsonl");
    std::fs::hard_link(&target, &link).unwrap();
    let out = audit(&[s(&d), "-o", s(&link)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("other hard links"));
    assert_eq!(std::fs::read(&target).unwrap(), good);
}

/// The bundles of an npm attestations list are told apart by their place
/// in the file (`source`), whatever their verdicts.
#[test]
fn each_bundle_of_an_npm_list_is_named_by_its_place() {
    let dir = Scratch::new("audit-npm");
    let out = dir.0.join("r.jsonl");
    let file = corpus().join("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(["audit", s(&file), "-o", s(&out)])
        .args(["--certificate-identity-regexp", "."])
        .args([
            "--certificate-oidc-issuer",
            "https://token.actions.githubusercontent.com",
        ])
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let sources: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
        .collect();
    let want: Vec<String> = (0..2)
        .map(|i| format!("\"{}#/attestations/{i}/bundle\"", file.display()))
        .collect();
    assert_eq!(sources, want);
}

/// Past the 10 000 keys a summary table keeps, the summary `audit merge`
/// writes is still the unsharded run's: it is rebuilt from the merged
/// records. Summaries that disagree with the records are refused.
#[test]
fn merged_summaries_stay_exact_past_the_key_limit() {
    let dir = Scratch::new("audit-manykeys");
    let d = dir.0.join("in");
    std::fs::create_dir_all(&d).unwrap();
    for doc in 0..110 {
        let steps: Vec<serde_json::Value> = (0..100)
            .map(|i| serde_json::json!({"name": format!("s{i}"), "image": format!("r{doc}x{i}.example/app:1")}))
            .collect();
        let run = serde_json::json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun",
            "metadata": {"name": format!("run-{doc}")}, "spec": {"taskSpec": {"steps": steps}}});
        std::fs::write(d.join(format!("{doc:03}.json")), run.to_string()).unwrap();
    }
    let all = dir.0.join("all.jsonl");
    let all_sum = dir.0.join("all.json");
    audit(&[s(&d), "-o", s(&all), "--summary-json", s(&all_sum)]);
    let (mut sums, mut recs) = (Vec::new(), Vec::new());
    for i in 1..=2 {
        let (r, sm) = (
            dir.0.join(format!("r{i}.jsonl")),
            dir.0.join(format!("s{i}.json")),
        );
        let shard = format!("{i}/2");
        audit(&[
            s(&d),
            "--shard",
            &shard,
            "-o",
            s(&r),
            "--summary-json",
            s(&sm),
        ]);
        recs.push(r);
        sums.push(sm);
    }
    let merged = dir.0.join("m.json");
    let out = provcheck(&[
        "audit",
        "merge",
        s(&sums[0]),
        s(&sums[1]),
        "--records",
        s(&recs[0]),
        s(&recs[1]),
        "-o",
        s(&dir.0.join("m.jsonl")),
        "--summary-json",
        s(&merged),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&merged).unwrap();
    assert!(text.contains("(other)"), "the limit was reached");
    assert_eq!(text, std::fs::read_to_string(&all_sum).unwrap());

    // A shard's records left out: the summaries say more inputs.
    let out = provcheck(&[
        "audit",
        "merge",
        s(&sums[0]),
        s(&sums[1]),
        "--records",
        s(&recs[0]),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("records or summary is missing"));
}

/// Options are checked before the run: a time names its option, an empty
/// window and an out-of-range Job index are refused, and a summary that
/// cannot be written is found before any input is judged.
#[test]
fn audit_options_are_checked_before_the_run() {
    let file = root().join("examples/taskrun-build.yaml");
    /// Arguments, environment, what stderr says.
    type Row<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let rows: [Row<'_>; 5] = [
        (
            &["--since", "2026-5-1"],
            &[],
            "--since: invalid time \"2026-5-1\"",
        ),
        (
            &["--since", "2026-05-01", "--until", "2026-01-01"],
            &[],
            "the window holds no build",
        ),
        (
            &["--shard", "job/3"],
            &[("JOB_COMPLETION_INDEX", "3")],
            "is not below 3",
        ),
        (&["--shard", "job/x"], &[], "expected job/N"),
        (
            &["--summary-json", "/nonexistent/provcheck/s.json"],
            &[],
            "/nonexistent/provcheck/s.json",
        ),
    ];
    for (args, env, want) in rows {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
            .arg("audit")
            .arg(&file)
            .args(args)
            .env_remove("JOB_COMPLETION_INDEX")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: no record before the options are checked"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
}

/// A file name that is not UTF-8 is recorded (with U+FFFD); two such
/// names that read the same are told apart by their units, so a resume
/// after either goes on exactly.
#[test]
fn names_that_are_not_utf8_are_recorded_and_resumed_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Scratch::new("audit-nonutf8");
    let (d, good) = input_dir(&dir);
    for name in [&b"a\x80.yaml"[..], b"a\xc0.yaml", b"z.yaml"] {
        std::fs::write(d.join(std::ffi::OsStr::from_bytes(name)), &good).unwrap();
    }
    let out = dir.0.join("r.jsonl");
    audit(&[s(&d), "-o", s(&out)]);
    let all = records(&out);
    assert_eq!(all.len(), 3);
    assert!(all[0].path.contains('\u{fffd}'), "{:?}", all[0].path);
    assert_eq!(all[0].path, all[1].path);
    let full = std::fs::read_to_string(&out).unwrap();
    for kept in 0..3 {
        let part: String = full.split_inclusive('\n').take(kept).collect();
        std::fs::write(&out, part).unwrap();
        let resumed = audit(&[s(&d), "-o", s(&out), "--resume"]);
        assert_eq!(resumed.status.code(), Some(0));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), full, "{kept} kept");
    }
}

/// Thirty digests of one image are one cause: the summaries group failing
/// results by rule and repository, counting documents and distinct digests,
/// and count pinned steps by repository under each registry.
#[test]
fn failing_reasons_are_grouped_by_cause_not_digest() {
    let dir = Scratch::new("audit-causes");
    let input = dir.0.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for i in 0..30_u32 {
        let image = format!("gcr.io/distroless/static@sha256:{i:064x}");
        let run = serde_json::json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun",
            "metadata": {"name": format!("r{i}")},
            "status": {"taskSpec": {"steps": [{"name": "s", "image": image}]},
                       "steps": [{"name": "s", "container": "step-s", "imageID": image}]}});
        std::fs::write(input.join(format!("{i:02}.json")), run.to_string()).unwrap();
    }
    let (records, json, text) = (
        dir.0.join("r.jsonl"),
        dir.0.join("s.json"),
        dir.0.join("s.txt"),
    );
    audit(&[
        s(&input),
        "--output",
        s(&records),
        "--summary-json",
        s(&json),
        "--summary",
        s(&text),
    ]);
    let summary = crate::util::audit_summary(&json);
    let causes = summary["failing_causes"]["registry.allowed"]
        .as_object()
        .unwrap();
    assert_eq!(causes.len(), 1, "{causes:#?}");
    let (cause, counts) = causes.iter().next().unwrap();
    assert!(cause.starts_with("gcr.io/distroless/static "), "{cause}");
    assert_eq!(counts["documents"], 30);
    assert_eq!(counts["results"], 30);
    assert_eq!(counts["digests"].as_array().unwrap().len(), 30);
    assert_eq!(counts["repository"], "gcr.io/distroless/static");
    assert_eq!(
        summary["repositories"]["gcr.io"]["gcr.io/distroless/static"],
        30
    );
    let text = std::fs::read_to_string(&text).unwrap();
    assert!(
        text.contains(
            "        30        30        30   registry.allowed: gcr.io/distroless/static "
        ),
        "{text}"
    );
    assert!(
        text.contains("        30    gcr.io/distroless/static"),
        "{text}"
    );
}
