//! An audit's count can be trusted: nothing lost on resume, nothing hidden
//! by a window, no shard set merged wrong, no output over another, no
//! document judged twice. One test per way an outside review found to get
//! wrong records or summaries with exit 0, then the resume property.

use std::path::{Path, PathBuf};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::util::{assert_valid, audit_summary, pae, pem, root, Scratch};

/// `provcheck audit ARGS…` from the repository root.
fn audit(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(root())
        .arg("audit")
        .args(args)
        .output()
        .unwrap()
}

/// Run an audit that must finish (exit 0, or 2 for error records).
fn audit_ok(args: &[&str]) -> std::process::Output {
    let out = audit(args);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run one that must be refused: exit 2, saying `why`.
fn refused(args: &[&str], why: &str) {
    let out = audit(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(why), "{args:?}: {stderr}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The records of a file, each checked against its schema.
fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            assert_valid("audit-record.schema.json", &v);
            v
        })
        .collect()
}

/// A fixed policy and clock for every run.
const CHECK: &[&str] = &[
    "--policy",
    "policies/release-gate.yaml",
    "--at",
    "2026-06-01T00:00:00Z",
];

/// `dir/atts` with five TaskRuns, and `dir/outside` with two.
fn two_inputs(dir: &Scratch) -> (PathBuf, PathBuf) {
    let good = std::fs::read(root().join("examples/taskrun-build.yaml")).unwrap();
    let (atts, outside) = (dir.0.join("atts"), dir.0.join("outside"));
    for (d, n) in [(&atts, 5), (&outside, 2)] {
        std::fs::create_dir_all(d).unwrap();
        for i in 0..n {
            std::fs::write(d.join(format!("{i}.yaml")), &good).unwrap();
        }
    }
    (atts, outside)
}

/// Resume after a cut at every record boundary and in the middle of every
/// record gives the uninterrupted run's records and summary, byte for byte.
fn assert_resumes_exactly(dir: &Scratch, inputs: &[&str], full: &Path, full_sum: &Path) {
    let bytes = std::fs::read(full).unwrap();
    let mut cuts = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            let start = *cuts.last().unwrap();
            cuts.push((start + i) / 2); // mid-record
            cuts.push(i + 1);
        }
    }
    for cut in cuts {
        let part = dir.0.join("part.jsonl");
        let part_sum = dir.0.join("part.json");
        std::fs::write(&part, &bytes[..cut]).unwrap();
        let mut args = inputs.to_vec();
        args.extend(["-o", s(&part), "--resume", "--summary-json", s(&part_sum)]);
        args.extend(CHECK);
        audit_ok(&args);
        assert!(
            std::fs::read(&part).unwrap() == bytes,
            "resumed after a cut at byte {cut} of {inputs:?} differs"
        );
        assert_eq!(
            std::fs::read(&part_sum).unwrap(),
            std::fs::read(full_sum).unwrap(),
            "cut at {cut}"
        );
    }
}

/// Resume (1 of 5): An input that sorts under another but lives elsewhere (`atts/..`), or
/// a symbolic link to a directory named on the command line: the walk's
/// order is not the order of path strings, and resume goes by the walk.
#[test]
fn resume_never_skips_an_input_the_path_order_puts_earlier() {
    let dir = Scratch::new("integrity-resume");
    let (atts, outside) = two_inputs(&dir);
    let link = dir.0.join("zz-link");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let dotdot = format!("{}/../outside", atts.display());
    for second in [dotdot.as_str(), s(&link)] {
        let inputs = [s(&atts), second];
        let full = dir.0.join("full.jsonl");
        let full_sum = dir.0.join("full.json");
        let mut args = inputs.to_vec();
        args.extend(["-o", s(&full), "--summary-json", s(&full_sum)]);
        args.extend(CHECK);
        audit_ok(&args);
        let recs = records(&full);
        assert_eq!(recs.len(), 7);
        let units: Vec<u64> = recs.iter().map(|r| r["unit"].as_u64().unwrap()).collect();
        assert_eq!(units, (0..7).collect::<Vec<_>>());
        assert_eq!(audit_summary(&full_sum)["inputs"], 7);
        assert_resumes_exactly(&dir, &inputs, &full, &full_sum);
    }
}

/// A resume whose options or inputs changed is refused, the records left
/// as they were but for a half-written last line.
#[test]
fn resume_of_another_run_is_refused() {
    let dir = Scratch::new("integrity-resume-other");
    let (atts, outside) = two_inputs(&dir);
    let full = dir.0.join("full.jsonl");
    let mut args = vec![s(&atts), s(&outside), "-o", s(&full)];
    args.extend(CHECK);
    audit_ok(&args);
    let first_three: String = std::fs::read_to_string(&full)
        .unwrap()
        .split_inclusive('\n')
        .take(3)
        .collect();
    let part = dir.0.join("part.jsonl");
    let resume = |extra: &[&str], why: &str| {
        std::fs::write(&part, &first_three).unwrap();
        let mut args = vec![s(&atts), s(&outside), "-o", s(&part), "--resume"];
        args.extend(extra);
        refused(&args, why);
        assert_eq!(std::fs::read_to_string(&part).unwrap(), first_three);
    };
    // Another clock, another policy, an input left out, another shard.
    resume(
        &["--policy", "policies/release-gate.yaml"],
        "the options, the inputs or the provcheck version differ",
    );
    let mut other_shard = CHECK.to_vec();
    other_shard.extend(["--shard", "1/2"]);
    resume(&other_shard, "this is shard 1/2");
    // The same options, but a file renamed before the resume point.
    std::fs::rename(atts.join("1.yaml"), atts.join("1b.yaml")).unwrap();
    resume(CHECK, "the inputs changed since the interrupted run");
    std::fs::rename(atts.join("1b.yaml"), atts.join("1.yaml")).unwrap();
    // A file removed before the resume point.
    std::fs::remove_file(atts.join("0.yaml")).unwrap();
    resume(CHECK, "the inputs changed since the interrupted run");
}

/// A P-256 key: its PEM and an envelope signer.
struct Key {
    pem: String,
    pair: EcdsaKeyPair,
}

impl Key {
    fn new() -> Self {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
        let pem = pem(pair.public_key().as_der().unwrap().as_ref());
        Self { pem, pair }
    }

    /// A DSSE envelope of `payload`, signed (or, `None`, not).
    fn envelope(key: Option<&Self>, payload: &[u8]) -> Value {
        let kind = "application/vnd.in-toto+json";
        let sig = key.map_or(vec![7u8; 70], |k| {
            k.pair
                .sign(&SystemRandom::new(), &pae(kind, payload))
                .unwrap()
                .as_ref()
                .to_vec()
        });
        json!({
            "payloadType": kind,
            "payload": STANDARD.encode(payload),
            "signatures": [{"keyid": "", "sig": STANDARD.encode(sig)}],
        })
    }
}

/// A statement that fails `policies/release-gate.yaml` (a step from a
/// registry it does not allow) and claims to be built in 1999.
fn old_failing_statement() -> Vec<u8> {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://tekton.dev/chains/v2/slsa",
                "externalParameters": {"runSpec": {"taskSpec": {"steps": [
                    {"name": "build", "image": "docker.io/evil/builder:1"}
                ]}}},
            },
            "runDetails": {
                "builder": {"id": "https://tekton.dev/chains/v2"},
                "metadata": {"startedOn": "1999-01-01T00:00:00Z"},
            },
        },
    });
    serde_json::to_vec(&statement).unwrap()
}

/// Windows (2 of 5): A window skips only by a build time it trusts: with trust options,
/// one a verified signature covers. An unsigned statement, an envelope
/// whose signature is `unknown`, a Tekton object — judged and counted.
/// Without trust options, times are taken as recorded and the summary says
/// so.
#[test]
fn a_window_never_skips_by_an_unverified_build_time() {
    let dir = Scratch::new("integrity-window");
    let key = Key::new();
    let key_file = dir.file("key.pub", key.pem.as_bytes());
    let statement = old_failing_statement();
    let signed = dir.file(
        "signed.json",
        &serde_json::to_vec(&Key::envelope(Some(&key), &statement)).unwrap(),
    );
    let unsigned = dir.file("unsigned.json", &statement);
    let forged = dir.file(
        "forged.json",
        &serde_json::to_vec(&Key::envelope(None, &statement)).unwrap(),
    );
    let taskrun = root().join("examples/taskrun-build.yaml");
    let taskrun = s(&taskrun);
    let digest = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
    let window = ["--since", "2026-01-01", "--until", "2026-10-01"];
    // (input, trust options, verdict, window placement, build times)
    /// Input, trust options, verdict, window placement, build times.
    type Row<'a> = (&'a str, &'a [&'a str], &'a str, Option<&'a str>, &'a str);
    let rows: &[Row<'_>] = &[
        // A verified signature covers 1999: skipped.
        (
            &signed,
            &["--key", &key_file],
            "skipped",
            Some("before_since"),
            "signed",
        ),
        // Unsigned, a key demanded: judged (and failed), not skipped.
        (
            &unsigned,
            &["--key", &key_file],
            "fail",
            Some("unverified_time"),
            "signed",
        ),
        // A signature that cannot be verified (no key: unknown).
        (
            &forged,
            &["--digest", digest],
            "fail",
            Some("unverified_time"),
            "signed",
        ),
        // A Tekton object is never signed.
        (
            taskrun,
            &["--key", &key_file],
            "fail",
            Some("unverified_time"),
            "signed",
        ),
        // Unsigned history, by the user's choice: as recorded.
        (
            &unsigned,
            &["--insecure-skip-signature"],
            "skipped",
            Some("before_since"),
            "as_recorded",
        ),
        (
            &unsigned,
            &[],
            "skipped",
            Some("before_since"),
            "as_recorded",
        ),
        (taskrun, &[], "skipped", Some("after_until"), "as_recorded"),
    ];
    for (i, (input, trust, verdict, placement, times)) in rows.iter().enumerate() {
        let out = dir.0.join(format!("{i}.jsonl"));
        let sum = dir.0.join(format!("{i}.json"));
        let mut args = vec![*input, "-o", s(&out), "--summary-json", s(&sum)];
        args.extend(*trust);
        args.extend(window);
        args.extend(CHECK);
        let run = audit_ok(&args);
        let recs = records(&out);
        assert_eq!(recs.len(), 1, "row {i}");
        let rec = &recs[0];
        assert_eq!(rec["verdict"], *verdict, "row {i}: {rec:#}");
        assert_eq!(rec["window"].as_str(), *placement, "row {i}: {rec:#}");
        let summary = audit_summary(&sum);
        assert_eq!(summary["inputs"], 1, "row {i}: every document is counted");
        assert_eq!(summary["window"]["build_times"], *times, "row {i}");
        if *times == "as_recorded" {
            let text = String::from_utf8_lossy(&run.stderr);
            assert!(
                text.contains("build times taken as recorded"),
                "row {i}: {text}"
            );
        }
    }
}

/// Write `shard` of `count` of an audit of `inputs` to `dir/NAME-I.json*`.
fn shard(
    dir: &Scratch,
    name: &str,
    inputs: &[&str],
    extra: &[&str],
    index: u64,
    count: u64,
) -> (PathBuf, PathBuf) {
    let records = dir.0.join(format!("{name}-{index}.jsonl"));
    let summary = dir.0.join(format!("{name}-{index}.json"));
    let spec = format!("{index}/{count}");
    let mut args = inputs.to_vec();
    args.extend([
        "--shard",
        &spec,
        "-o",
        s(&records),
        "--summary-json",
        s(&summary),
    ]);
    args.extend(extra);
    args.extend(CHECK);
    audit_ok(&args);
    (summary, records)
}

/// `audit merge SUMMARIES --records RECORDS EXTRA…`.
fn merge(parts: &[&(PathBuf, PathBuf)], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|(sum, _)| s(sum)));
    args.push("--records");
    args.extend(parts.iter().map(|(_, rec)| s(rec)));
    args.extend(extra);
    audit(&args)
}

/// Shards (3 of 5): Shards know which run and which part of it they are: a merge of
/// shards of different splits, of different runs, with a shard twice or
/// missing, is refused; `--allow-partial` says what is missing; a complete
/// merge is the unsharded run.
#[test]
fn a_merge_refuses_shards_that_are_not_one_run() {
    let dir = Scratch::new("integrity-merge");
    let (atts, outside) = two_inputs(&dir);
    let inputs = [s(&atts), s(&outside)];
    let two: Vec<_> = (1..=2)
        .map(|i| shard(&dir, "two", &inputs, &[], i, 2))
        .collect();
    let three: Vec<_> = (1..=3)
        .map(|i| shard(&dir, "three", &inputs, &[], i, 3))
        .collect();
    for (sum, rec) in two.iter().chain(&three) {
        let summary = audit_summary(sum);
        let shard = summary["shard"].clone();
        assert_eq!(
            shard["count"].as_u64().map(|n| n == 2 || n == 3),
            Some(true)
        );
        for r in records(rec) {
            assert_eq!(r["shard"], shard);
            assert_eq!(r["fingerprint"], summary["fingerprint"]);
        }
    }
    let out = dir.0.join("merged.jsonl");
    let o = ["-o", s(&out)];
    // A 2-way and a 3-way split.
    let mixed = merge(&[&two[0], &three[1], &three[2]], &o);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("split 3 ways and 2 ways"));
    assert!(!out.exists(), "a refused merge writes nothing");
    // One shard of two.
    let alone = merge(&[&two[0]], &o);
    assert_eq!(alone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("shard 2/2 of run"));
    // A shard twice.
    let twice = merge(&[&two[0], &two[0]], &o);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));
    // Another run: another policy.
    let other = shard(
        &dir,
        "other",
        &inputs,
        &["--allow-registry", "quay.io"],
        2,
        2,
    );
    let runs = merge(&[&two[0], &other], &o);
    assert_eq!(runs.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&runs.stderr).contains("shards of different runs"));
    // Records of one shard given for another.
    let swapped = (two[1].0.clone(), two[0].1.clone());
    let overlap = merge(&[&two[0], &swapped], &o);
    assert_eq!(overlap.status.code(), Some(2));
    assert!(!out.exists());

    // What is there, and what is missing, when asked.
    let sum = dir.0.join("partial.json");
    let text = dir.0.join("partial.txt");
    let partial = merge(
        &[&three[0], &three[2]],
        &[
            "--allow-partial",
            "-o",
            s(&out),
            "--summary-json",
            s(&sum),
            "--summary",
            s(&text),
        ],
    );
    // Written, and not a clean exit: not every input was judged.
    assert_eq!(
        partial.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&partial.stderr)
    );
    let p = audit_summary(&sum);
    assert_eq!(p["partial"], json!({"count": 3, "missing": [2]}));
    assert!(p.get("shard").is_none());
    assert!(std::fs::read_to_string(&text)
        .unwrap()
        .contains("PARTIAL: shards 2 of 3 missing"));

    // All of them: the unsharded run, in its order.
    let whole = dir.0.join("whole.jsonl");
    let whole_sum = dir.0.join("whole.json");
    let mut args = inputs.to_vec();
    args.extend(["-o", s(&whole), "--summary-json", s(&whole_sum)]);
    args.extend(CHECK);
    audit_ok(&args);
    let merged_sum = dir.0.join("merged.json");
    let all = merge(
        &[&three[2], &three[0], &three[1]],
        &["-o", s(&out), "--summary-json", s(&merged_sum)],
    );
    assert_eq!(
        all.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
    let strip = |recs: Vec<Value>| -> Vec<Value> {
        recs.into_iter()
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("shard");
                r
            })
            .collect()
    };
    assert_eq!(strip(records(&out)), strip(records(&whole)));
    assert_eq!(
        std::fs::read(&merged_sum).unwrap(),
        std::fs::read(&whole_sum).unwrap()
    );
}

/// Outputs (4 of 5): No two outputs are one file, however named: the run is refused
/// before anything is written.
#[test]
fn outputs_that_are_the_same_file_are_refused() {
    let dir = Scratch::new("integrity-outputs");
    let (atts, _) = two_inputs(&dir);
    std::fs::create_dir_all(dir.0.join("sub")).unwrap();
    let out = dir.0.join("out.txt");
    let same_dir = dir.0.join("sub/../out.txt");
    let pairs: [(&str, &Path); 2] = [("--summary-json", &out), ("--summary", &same_dir)];
    for (flag, other) in pairs {
        let mut args = vec![s(&atts), "-o", s(&out), flag, s(other)];
        args.extend(CHECK);
        refused(&args, "are the same file");
        assert!(!out.exists(), "{flag}: nothing written");
    }
    // Existing files: a hard link and a symbolic link to one.
    std::fs::write(&out, b"keep").unwrap();
    let hard = dir.0.join("hard.txt");
    std::fs::hard_link(&out, &hard).unwrap();
    let soft = dir.0.join("soft.html");
    std::os::unix::fs::symlink(&out, &soft).unwrap();
    let mut args = vec![s(&atts), "--summary", s(&out), "--summary-html", s(&soft)];
    args.extend(CHECK);
    refused(&args, "are the same file");
    let mut args = vec![s(&atts), "--summary-json", s(&hard), "--summary", s(&out)];
    args.extend(CHECK);
    refused(&args, "are the same file");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep");
    // The merge's outputs too.
    let (sum, rec) = shard(&dir, "whole", &[s(&atts)], &[], 1, 1);
    let m = dir.0.join("m.out");
    let args = [
        "merge",
        s(&sum),
        "--records",
        s(&rec),
        "-o",
        s(&m),
        "--summary-html",
        s(&m),
    ];
    refused(&args, "are the same file");
}

/// Links (5 of 5): A file reached twice — a symbolic link, a hard link, a link in a
/// subdirectory, an explicit input inside another — is judged once; the
/// other paths are listed in the summary, never a second judgement.
#[test]
fn a_document_reached_twice_has_one_record() {
    let dir = Scratch::new("integrity-links");
    let (atts, outside) = two_inputs(&dir);
    std::fs::create_dir_all(atts.join("sub")).unwrap();
    std::os::unix::fs::symlink("0.yaml", atts.join("0-soft.yaml")).unwrap();
    std::fs::hard_link(atts.join("0.yaml"), atts.join("0-hard.yaml")).unwrap();
    std::os::unix::fs::symlink("../1.yaml", atts.join("sub/1-soft.yaml")).unwrap();
    // Two links to one file outside the inputs: judged once, by the first.
    std::os::unix::fs::symlink(outside.join("0.yaml"), atts.join("x-out.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.join("0.yaml"), atts.join("y-out.yaml")).unwrap();
    let inside = atts.join("2.yaml");
    let out = dir.0.join("r.jsonl");
    let sum = dir.0.join("s.json");
    let mut args = vec![
        s(&atts),
        s(&inside),
        "-o",
        s(&out),
        "--summary-json",
        s(&sum),
    ];
    args.extend(CHECK);
    let run = audit_ok(&args);
    let recs = records(&out);
    let paths: Vec<String> = recs
        .iter()
        .map(|r| {
            let p = r["path"].as_str().unwrap();
            p.strip_prefix(s(&atts)).unwrap_or(p).to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "/0-hard.yaml",
            "/1.yaml",
            "/2.yaml",
            "/3.yaml",
            "/4.yaml",
            "/x-out.yaml"
        ]
    );
    let summary = audit_summary(&sum);
    assert_eq!(summary["inputs"], 6);
    let a = |rel: &str| format!("{}/{rel}", atts.display());
    let dups: Vec<(String, String)> = summary["duplicates"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["same_as"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        dups,
        [
            // Sorted first, the hard link is reached first.
            (a("0-soft.yaml"), a("0-hard.yaml")),
            (a("0.yaml"), a("0-hard.yaml")),
            (a("sub/1-soft.yaml"), a("1.yaml")),
            (a("y-out.yaml"), a("x-out.yaml")),
            (a("2.yaml"), a("2.yaml")),
        ]
    );
    assert_eq!(summary["duplicates"]["count"], 5);
    let text = String::from_utf8_lossy(&run.stderr);
    assert!(
        text.contains("duplicates 5 paths reach a file audited under another name"),
        "{text}"
    );
}

/// A random tree of inputs for the resume property.
#[derive(Debug, Clone)]
struct Tree {
    /// (directory, content) of each file.
    files: Vec<(usize, usize)>,
    /// (kind, file, directory) of each link: a symbolic link to a file, a
    /// hard link, a symbolic link to the file outside every input.
    links: Vec<(usize, usize, usize)>,
    /// Which of the explicit input forms are given (a bit each).
    inputs: u8,
}

const DIRS: [&str; 4] = ["a", "a/sub", "b", "b/deep"];

/// The explicit input forms: directories, `..`, a symbolic link to a
/// directory named explicitly, inputs inside other inputs.
const INPUTS: [&str; 6] = ["a", "a/../b", "link-to-b", "a/sub", "b/deep", "outside"];

fn tree() -> impl proptest::strategy::Strategy<Value = Tree> {
    use proptest::prelude::*;
    (
        proptest::collection::vec((0..DIRS.len(), 0..4usize), 1..6),
        proptest::collection::vec((0..3usize, 0..6usize, 0..DIRS.len()), 0..3),
        1u8..64,
    )
        .prop_map(|(files, links, inputs)| Tree {
            files,
            links,
            inputs,
        })
}

impl Tree {
    /// Write the tree under `root`; the explicit inputs.
    fn write(&self, root: &Path) -> Vec<PathBuf> {
        let taskrun: Value = serde_saphyr::from_str(
            &std::fs::read_to_string(crate::util::root().join("examples/taskrun-build.yaml"))
                .unwrap(),
        )
        .unwrap();
        let good = serde_json::to_string(&taskrun).unwrap();
        let evil = good.replace("quay.io/buildah/stable", "quay.io/evil/stable");
        let contents = [
            good.clone(),
            evil.clone(),
            "{\"kind\": \"TaskRun\", ".to_owned(),
            format!("{good}\n{evil}\n"), // two documents: two records of one unit
        ];
        for d in DIRS.iter().chain(&["outside"]) {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("outside/o.json"), &evil).unwrap();
        std::os::unix::fs::symlink(root.join("b"), root.join("link-to-b")).unwrap();
        let mut written = Vec::new();
        for (i, (d, c)) in self.files.iter().enumerate() {
            let path = root.join(DIRS[*d]).join(format!("f{i}.json"));
            std::fs::write(&path, &contents[*c]).unwrap();
            written.push(path);
        }
        for (i, (kind, file, d)) in self.links.iter().enumerate() {
            let at = root.join(DIRS[*d]).join(format!("l{i}.json"));
            let target = &written[file % written.len()];
            match kind {
                0 => std::os::unix::fs::symlink(target, &at).unwrap(),
                1 => std::fs::hard_link(target, &at).unwrap(),
                _ => std::os::unix::fs::symlink(root.join("outside/o.json"), &at).unwrap(),
            }
        }
        INPUTS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.inputs & (1 << i) != 0)
            .map(|(_, p)| root.join(p))
            .collect()
    }
}

/// Run the library's audit of `inputs` into `records` (appending),
/// resuming from it when `resume`.
fn library_audit(inputs: &[PathBuf], records: &Path, resume: bool) -> Value {
    use provcheck::audit::{Audit, AuditOptions, Resume};
    let mut policy = provcheck::PolicyBuilder::new();
    policy.allow_registry("quay.io/acme").unwrap();
    let verifier = provcheck::Verifier::new(policy.build().unwrap());
    let options = AuditOptions {
        jobs: 2,
        resume: resume.then(|| Resume::from_file(records).unwrap()),
        outputs: vec![records.to_path_buf()],
        settings: "allow quay.io/acme".to_owned(),
        ..AuditOptions::default()
    };
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(records)
        .unwrap();
    let summary = Audit::new(&verifier, options)
        .run(inputs, &mut out, &|_| {})
        .unwrap();
    serde_json::to_value(summary).unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Killed at any record boundary or in the middle of a record, and
    /// resumed, a run writes the uninterrupted run's records byte for
    /// byte, and its summary — for trees with `..` paths, a symbolic link
    /// to a directory named explicitly, inputs inside inputs, and links.
    #[test]
    fn a_resumed_run_equals_the_uninterrupted_one(tree in tree()) {
        let dir = Scratch::new("integrity-resume-prop");
        let inputs = tree.write(&dir.0);
        let full = dir.0.join("full.jsonl");
        let want_summary = library_audit(&inputs, &full, false);
        let want = std::fs::read(&full).unwrap();
        let inputs_counted = want_summary["inputs"].as_u64().unwrap();
        let lines = want.iter().filter(|b| **b == b'\n').count() as u64;
        proptest::prop_assert_eq!(inputs_counted, lines, "one record per document");
        let mut cuts = vec![0];
        for (i, b) in want.iter().enumerate() {
            if *b == b'\n' {
                let start = *cuts.last().unwrap();
                cuts.push((start + i) / 2);
                cuts.push(i + 1);
            }
        }
        let part = dir.0.join("part.jsonl");
        for cut in cuts {
            std::fs::write(&part, &want[..cut]).unwrap();
            let summary = library_audit(&inputs, &part, true);
            proptest::prop_assert!(std::fs::read(&part).unwrap() == want, "cut at {}", cut);
            proptest::prop_assert_eq!(&summary, &want_summary, "cut at {}", cut);
        }
    }
}

/// Found in a second outside review: a tree that changed between shards,
/// an input given as the records of a resumed run, an output reached
/// through a link inside an input directory, standard input redirected from
/// an input, hidden entries, and a skipped signature standing for a check.
#[test]
fn second_review_nothing_lost_doubled_or_hidden() {
    let dir = Scratch::new("audit-second-review");
    let (atts, _) = two_inputs(&dir);
    let atts_s = s(&atts);

    // Shards of a tree that changed between them are not one run.
    let one = shard(&dir, "grow", &[atts_s], &[], 1, 2);
    let good = std::fs::read(root().join("examples/taskrun-build.yaml")).unwrap();
    std::fs::write(atts.join("late.yaml"), &good).unwrap();
    let two = shard(&dir, "grow", &[atts_s], &[], 2, 2);
    let out = merge(&[&one, &two], &["-o", s(&dir.0.join("m.jsonl"))]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("walked different trees"), "{stderr}");
    std::fs::remove_file(atts.join("late.yaml")).unwrap();

    // An input is never taken for the records of a resumed run (nor cut).
    let input = atts.join("0.yaml");
    let mut args = vec![atts_s, "--resume", "-o", s(&input)];
    args.extend(CHECK);
    refused(&args, "it lies in the input directory");
    assert_eq!(std::fs::read(&input).unwrap(), good);
    let elsewhere = dir.0.join("not-records.txt");
    std::fs::write(&elsewhere, b"precious notes without a newline").unwrap();
    let mut args = vec![atts_s, "--resume", "-o", s(&elsewhere)];
    args.extend(CHECK);
    refused(&args, "this is not the records file of a run");
    assert_eq!(
        std::fs::read(&elsewhere).unwrap(),
        b"precious notes without a newline"
    );

    // An output reached through a link inside an input directory is an
    // input: the run is refused and the file is left as it was.
    let store = dir.0.join("store");
    std::fs::create_dir_all(&store).unwrap();
    let kept = store.join("b.yaml");
    std::fs::write(&kept, &good).unwrap();
    std::os::unix::fs::symlink(&kept, atts.join("b.yaml")).unwrap();
    let records = dir.0.join("r.jsonl");
    let mut args = vec![atts_s, "--summary-json", s(&kept), "-o", s(&records)];
    args.extend(CHECK);
    refused(&args, "the run would overwrite an input");
    assert_eq!(std::fs::read(&kept).unwrap(), good);
    std::fs::remove_file(atts.join("b.yaml")).unwrap();

    // Standard input redirected from an input file is that file: once.
    let sum = dir.0.join("stdin.json");
    let stdin_from = |from: &Path| {
        let mut args = vec!["audit", "-", s(from), "-o", "/dev/null", "--summary-json"];
        args.push(s(&sum));
        args.extend(CHECK);
        std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
            .current_dir(root())
            .args(&args)
            .stdin(std::fs::File::open(from).unwrap())
            .output()
            .unwrap()
    };
    let lines = dir.0.join("lines.jsonl");
    let statement = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}],"predicateType":"https://example.com/p","predicate":{}}"#;
    std::fs::write(&lines, format!("{statement}\n{statement}\n")).unwrap();
    stdin_from(&lines);
    let summary = audit_summary(&sum);
    assert_eq!(summary["inputs"], 2, "{summary}");
    assert_eq!(summary["duplicates"]["count"], 1, "{summary}");
    // … and so is a file inside an input directory.
    let in_dir = dir.0.join("lines");
    std::fs::create_dir_all(&in_dir).unwrap();
    let inside = in_dir.join("l.jsonl");
    std::fs::copy(&lines, &inside).unwrap();
    let mut args = vec![
        "audit",
        "-",
        s(&in_dir),
        "-o",
        "/dev/null",
        "--summary-json",
    ];
    args.push(s(&sum));
    args.extend(CHECK);
    std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .current_dir(root())
        .args(&args)
        .stdin(std::fs::File::open(&inside).unwrap())
        .output()
        .unwrap();
    let summary = audit_summary(&sum);
    assert_eq!(summary["inputs"], 2, "{summary}");
    // The absolute input sorts before `-`: the file is judged, stdin is
    // its duplicate.
    let duplicate = &summary["duplicates"]["paths"][0];
    assert_eq!(
        (&duplicate["path"], &duplicate["same_as"]),
        (&json!("-"), &json!(s(&inside))),
        "{summary}"
    );

    // Hidden entries are left out, and the summary says so.
    std::fs::create_dir_all(atts.join(".hdir")).unwrap();
    std::fs::write(atts.join(".hdir/c.yaml"), &good).unwrap();
    std::fs::write(atts.join(".d.yaml"), &good).unwrap();
    let (sum, text) = (dir.0.join("h.json"), dir.0.join("h.txt"));
    let mut args = vec![atts_s, "-o", "/dev/null", "--summary-json", s(&sum)];
    args.extend(["--summary", s(&text)]);
    args.extend(CHECK);
    audit_ok(&args);
    assert_eq!(audit_summary(&sum)["walk"]["hidden"], 2);
    // A hidden file named on the command line is an input, not left out.
    let named = atts.join(".d.yaml");
    let mut args = vec![
        atts_s,
        s(&named),
        "-o",
        "/dev/null",
        "--summary-json",
        s(&sum),
    ];
    args.extend(CHECK);
    audit_ok(&args);
    let summary = audit_summary(&sum);
    assert_eq!(summary["walk"]["hidden"], 1, "{summary}");
    assert_eq!(summary["inputs"], 6, "{summary}");
    let text = std::fs::read_to_string(&text).unwrap();
    assert!(
        text.contains("hidden    2 entries whose names start with '.' were left out"),
        "{text}"
    );

    // A skipped signature checks nothing: with no policy an unsigned
    // statement stays unknown, and the summary says what was skipped.
    let (sum, text) = (dir.0.join("i.json"), dir.0.join("i.txt"));
    let one_line = dir.0.join("one.json");
    std::fs::write(&one_line, statement).unwrap();
    let out = audit(&[
        s(&one_line),
        "--insecure-skip-signature",
        "--predicate-type",
        "https://example.com/p",
        "-o",
        "/dev/null",
        "--summary-json",
        s(&sum),
        "--summary",
        s(&text),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let summary = audit_summary(&sum);
    assert_eq!(summary["verdicts"]["unknown"], 1, "{summary}");
    assert_eq!(summary["unverified"], 1, "{summary}");
    // Without selecting its predicate type, it is skipped, and counted so.
    let out = audit(&[
        s(&one_line),
        "--insecure-skip-signature",
        "-o",
        "/dev/null",
        "--summary-json",
        s(&sum),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let skipped = audit_summary(&sum);
    assert_eq!(
        (
            skipped["skipped"].as_u64(),
            skipped["not_selected"].as_u64()
        ),
        (Some(1), Some(1)),
        "{skipped}"
    );
    let text = std::fs::read_to_string(&text).unwrap();
    assert!(
        text.contains("INSECURE  1 documents judged without verifying"),
        "{text}"
    );
}
