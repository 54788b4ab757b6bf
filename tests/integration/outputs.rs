//! `verify`'s outputs as CI systems read them: several formats in one run,
//! SARIF against the official schema, JUnit names GitLab keeps apart, JSON
//! that lists every input, GitHub workflow commands, Markdown, and Tekton's
//! `TEST_OUTPUT`.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::util::{assert_valid, assert_valid_sarif, provcheck, provcheck_stdin, Scratch};

const H: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

/// The predicate type of the statements these tests sign.
const TEST_PREDICATE: &str = "https://provcheck.dev/test-predicate/v1";

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
        b"package provcheck.extra\nimport rego.v1\n\n# METADATA\n# title: Always denied\n# description: A rule that denies every document.\ndeny contains \"always\" if true\n",
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
    // A Rego rule is described by its `# METADATA` annotation.
    assert_eq!(rules[0]["shortDescription"]["text"], "Always denied");
    assert_eq!(
        rules[0]["fullDescription"]["text"],
        "A rule that denies every document."
    );
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
    // A JSON-lines input is an array even when it holds one line.
    let one = dir.file("one.jsonl", format!("{}\n", taskrun("ok", 2, 0)).as_bytes());
    let out = provcheck(&[
        "verify",
        &one,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
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

/// A PKCS#8 PEM private key and its public key PEM, for `alg`.
fn vsa_keys(alg: &str) -> (String, String) {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::signature::{self, KeyPair as _};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let (pkcs8, spki) = match alg {
        "p256" | "p384" => {
            let a = if alg == "p256" {
                &signature::ECDSA_P256_SHA256_ASN1_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING
            };
            let doc = signature::EcdsaKeyPair::generate_pkcs8(a, &rng).unwrap();
            let kp = signature::EcdsaKeyPair::from_pkcs8(a, doc.as_ref()).unwrap();
            (
                doc.as_ref().to_vec(),
                kp.public_key().as_der().unwrap().as_ref().to_vec(),
            )
        }
        _ => {
            let doc = signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
            let kp = signature::Ed25519KeyPair::from_pkcs8(doc.as_ref()).unwrap();
            (
                doc.as_ref().to_vec(),
                kp.public_key().as_der().unwrap().as_ref().to_vec(),
            )
        }
    };
    let private = crate::util::pem(&pkcs8).replace("PUBLIC KEY", "PRIVATE KEY");
    (private, crate::util::pem(&spki))
}

/// An attestation signed with a P-256 key: its file and public key.
fn signed_statement(dir: &Scratch) -> (String, String) {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::signature::{self, KeyPair as _};
    use base64::Engine as _;
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let kp = signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"quay.io/acme/app","digest":{{"sha256":"{H}"}}}}],"predicateType":"{TEST_PREDICATE}","predicate":{{}}}}"#
    );
    let payload_type = "application/vnd.in-toto+json";
    let sig = kp
        .sign(&rng, &crate::util::pae(payload_type, statement.as_bytes()))
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let envelope = json!({"payloadType": payload_type, "payload": b64.encode(&statement),
        "signatures": [{"sig": b64.encode(sig.as_ref())}]});
    let key = dir.file(
        "in.pub",
        crate::util::pem(kp.public_key().as_der().unwrap().as_ref()).as_bytes(),
    );
    (dir.file("att.json", envelope.to_string().as_bytes()), key)
}

/// A signed VSA, for P-256, P-384 and Ed25519 keys: it validates against
/// the schema, says what was verified, verifies with `provcheck verify
/// --key`, and fails after any one-byte change.
#[test]
fn a_signed_vsa_verifies_and_any_one_byte_change_fails() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let dir = Scratch::new("out-vsa");
    let (att, in_key) = signed_statement(&dir);
    let policy = dir.file(
        "policy.yaml",
        b"predicate_types:\n  allow: [https://provcheck.dev/test-predicate/v1]\n",
    );
    for alg in ["p256", "p384", "ed25519"] {
        let (private, public) = vsa_keys(alg);
        let private = dir.file(&format!("{alg}.pem"), private.as_bytes());
        let public = dir.file(&format!("{alg}.pub"), public.as_bytes());
        let vsa = dir.path(&format!("{alg}.vsa.jsonl"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
            .args([
                "verify",
                &att,
                "--key",
                &in_key,
                "--policy",
                &policy,
                "--output",
                &format!("vsa={vsa}"),
                "--vsa-key",
                &private,
                "--vsa-level",
                "SLSA_BUILD_LEVEL_2",
            ])
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&vsa).unwrap();
        assert_eq!(
            bytes.iter().filter(|&&b| b == b'\n').count(),
            1,
            "one VSA line"
        );
        let envelope: Value = serde_json::from_slice(&bytes).unwrap();
        let payload = base64::engine::general_purpose::STANDARD
            .decode(envelope["payload"].as_str().unwrap())
            .unwrap();
        let statement: Value = serde_json::from_slice(&payload).unwrap();
        assert_valid("vsa.schema.json", &statement);
        let predicate = &statement["predicate"];
        assert_eq!(statement["subject"][0]["digest"]["sha256"], H);
        assert_eq!(predicate["verificationResult"], "PASSED");
        assert_eq!(predicate["verifiedLevels"], json!(["SLSA_BUILD_LEVEL_2"]));
        assert_eq!(predicate["timeVerified"], "2026-01-01T00:00:00Z");
        let input_digest = format!("{:x}", sha2::Sha256::digest(std::fs::read(&att).unwrap()));
        assert_eq!(
            predicate["inputAttestations"][0]["digest"]["sha256"],
            input_digest.as_str()
        );

        // provcheck verifies its own VSA.
        let vsa_gate = |more: &[&str]| {
            let mut args = vec![
                "verify",
                vsa.as_str(),
                "--key",
                public.as_str(),
                "--predicate-type",
                "vsa",
            ];
            args.extend_from_slice(more);
            provcheck(&args).status.code()
        };
        let ours = "https://github.com/provcheck/provcheck";
        // Without the verifier pinned, a PASSED VSA is unknown.
        assert_eq!(vsa_gate(&[]), Some(3));
        assert_eq!(
            vsa_gate(&["--verifier-id", "https://other.example"]),
            Some(1)
        );
        assert_eq!(
            vsa_gate(&[
                "--verifier-id",
                ours,
                "--verified-level",
                "SLSA_BUILD_LEVEL_3"
            ]),
            Some(1)
        );
        assert_eq!(
            vsa_gate(&["--verifier-id", ours, "--resource-uri", "pkg:other"]),
            Some(1)
        );
        let out = provcheck(&[
            "verify",
            &vsa,
            "--key",
            &public,
            "--predicate-type",
            "vsa",
            "--verifier-id",
            ours,
            "--verified-level",
            "SLSA_BUILD_LEVEL_1",
            "--resource-uri",
            "quay.io/acme/app",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );

        // Any one-byte change fails or is refused: never a pass.
        let mut trust = provcheck::verify::TrustBuilder::new();
        trust.add_key_file(std::path::Path::new(&public)).unwrap();
        let verifier = provcheck::Verifier::new(provcheck::PolicyBuilder::new().build().unwrap())
            .with_trust(trust.build().unwrap())
            .select_predicate_types([provcheck::report::VSA_PREDICATE_TYPE.to_owned()])
            .expect_vsa(provcheck::evaluate::vsa::VsaExpectation {
                verifier_id: Some("https://github.com/provcheck/provcheck".to_owned()),
                ..Default::default()
            });
        let passes = |bytes: &[u8]| {
            let reports = verifier.verify_bytes("vsa.jsonl", bytes);
            !reports.is_empty()
                && reports.iter().all(|r| {
                    r.as_ref()
                        .is_ok_and(|r| r.verdict == provcheck::Status::Pass)
                })
        };
        assert!(passes(&bytes));
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            assert!(!passes(&changed), "{alg}: byte {i} changed still passes");
        }
    }
}

#[test]
fn a_vsa_is_failed_for_a_failing_or_unverified_document_and_absent_without_subjects() {
    let dir = Scratch::new("out-vsa-failed");
    let (att, in_key) = signed_statement(&dir);
    let (_, other_key) = vsa_keys("p256");
    let other_key = dir.file("other.pub", other_key.as_bytes());
    // A skipped signature: the verdict may pass, the VSA says FAILED.
    let out = provcheck(&[
        "verify",
        att.as_str(),
        "--output",
        "vsa",
        "--insecure-skip-signature",
        "--predicate-type",
        TEST_PREDICATE,
    ]);
    let statement: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid("vsa.schema.json", &statement);
    assert_eq!(statement["predicate"]["verificationResult"], "FAILED");
    assert_eq!(statement["predicate"]["verifiedLevels"], json!(["FAILED"]));
    // A signature that does not verify: nothing is read from the payload,
    // its subjects included, so there is no VSA, and a note says so.
    let out = provcheck(&[
        "verify",
        att.as_str(),
        "--output",
        "vsa",
        "--key",
        other_key.as_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("no VSA for {att}")));
    // A Tekton object names no subjects: no VSA, and a note says so.
    let out = provcheck(&[
        "verify",
        "examples/taskrun-build.yaml",
        "--allow-registry",
        "quay.io/acme",
        "--output",
        "vsa",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no VSA for examples/taskrun-build.yaml"));
    // The VSA flags without a VSA output are a usage error.
    let out = provcheck(&[
        "verify",
        &att,
        "--key",
        &in_key,
        "--vsa-level",
        "SLSA_BUILD_LEVEL_1",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// What a VSA says is judged: a signed FAILED is a fail, a VSA is never
/// summarized again, and a signature alone is no PASSED.
#[test]
fn a_vsa_is_judged_by_what_it_says_and_never_laundered() {
    let dir = Scratch::new("out-vsa-launder");
    let (att, in_key) = signed_statement(&dir);
    let (private, public) = vsa_keys("ed25519");
    let private = dir.file("k.pem", private.as_bytes());
    let public = dir.file("k.pub", public.as_bytes());
    // The signature verifies, but no policy rule judged: FAILED.
    let failed = dir.path("failed.vsa");
    let out = provcheck(&[
        "verify",
        &att,
        "--key",
        &in_key,
        "--predicate-type",
        TEST_PREDICATE,
        "--output",
        &format!("vsa={failed}"),
        "--vsa-key",
        &private,
        "--vsa-level",
        "SLSA_BUILD_LEVEL_3",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let envelope: Value = serde_json::from_slice(&std::fs::read(&failed).unwrap()).unwrap();
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(statement["predicate"]["verificationResult"], "FAILED");
    assert_eq!(statement["predicate"]["verifiedLevels"], json!(["FAILED"]));
    // Verifying that signed FAILED VSA fails on what it says.
    let out = provcheck(&[
        "verify",
        &failed,
        "--key",
        &public,
        "--predicate-type",
        "vsa",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "vsa.result")
        .unwrap();
    assert_eq!(rule["status"], "fail");
    // A VSA given as input gets no VSA of its own.
    let out = provcheck(&[
        "verify",
        &failed,
        "--key",
        &public,
        "--predicate-type",
        "vsa",
        "--output",
        "vsa",
        "--vsa-level",
        "SLSA_BUILD_LEVEL_3",
    ]);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no VSA for"));
    // A VSA is issued only as of each build: a moved effective time could
    // have made failures warnings.
    let out = provcheck(&[
        "verify",
        &att,
        "--key",
        &in_key,
        "--output",
        "vsa",
        "--effective-time",
        "now",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // A policy read from a stream cannot be named by digest.
    let out = provcheck_stdin(
        &[
            "verify", &att, "--key", &in_key, "--policy", "-", "--output", "vsa",
        ],
        b"predicate_types:\n  allow: [x]\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a stream"));
}

/// No output overwrites a file the run reads, however it is named; an
/// output that is standard input, or standard output twice, is refused;
/// and nothing is created when the run is refused.
#[test]
fn outputs_never_clobber_what_the_run_reads() {
    let dir = Scratch::new("out-clobber");
    let input = dir.file(
        "in.yaml",
        &std::fs::read("examples/taskrun-build.yaml").unwrap(),
    );
    let policy = dir.file("policy.yaml", b"registry:\n  allow: [quay.io/acme]\n");
    let (private, public) = vsa_keys("p256");
    let private = dir.file("k.pem", private.as_bytes());
    let public = dir.file("k.pub", public.as_bytes());
    let link = dir.path("link.json");
    std::fs::hard_link(&input, &link).unwrap();
    for (extra, target) in [
        (vec!["--policy", policy.as_str()], policy.as_str()),
        (vec!["--key", public.as_str()], public.as_str()),
        (
            vec!["--output", "vsa", "--vsa-key", private.as_str()],
            private.as_str(),
        ),
        (vec![], link.as_str()),
    ] {
        let before = std::fs::read(target).unwrap();
        let mut args = vec!["verify", input.as_str(), "--output"];
        let output = format!("json={target}");
        args.push(&output);
        args.extend(extra.iter().copied());
        let out = provcheck(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("which the run reads"),
            "{args:?}"
        );
        assert_eq!(
            std::fs::read(target).unwrap(),
            before,
            "{target} was changed"
        );
    }
    // Standard input as an output, when `-` is read: refused, not a hang.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(["verify", "-", "--output", "json=/dev/stdin"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&input).unwrap(),
        std::fs::read("examples/taskrun-build.yaml").unwrap()
    );
    // `FORMAT=-` is standard output: with another, two there.
    let out = provcheck(&["verify", &input, "--output", "json=-", "--output", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let out = provcheck(&["verify", &input, "--output", "json=-"]);
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_ok());
    assert!(!std::path::Path::new("-").exists());
    // A refused run creates no output file.
    let never = dir.path("never.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(["verify", &input, "--output", &format!("json={never}")])
        .env("SOURCE_DATE_EPOCH", "253402300800")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!std::path::Path::new(&never).exists());
}

/// JUnit case names are unique as written: control characters and
/// whitespace that an XML reader would fold do not merge two cases.
#[test]
fn junit_names_stay_unique_after_escaping() {
    let dir = Scratch::new("out-junit-escape");
    let mut doc = taskrun("esc", 4, 4);
    for (i, name) in ["a\u{1}b", "a\u{2}b", "a b", "a\tb"]
        .into_iter()
        .enumerate()
    {
        doc["status"]["taskSpec"]["steps"][i]["name"] = json!(name);
        doc["status"]["steps"][i]["name"] = json!(name);
    }
    let file = dir.file("esc.json", doc.to_string().as_bytes());
    let out = provcheck(&[
        "verify",
        &file,
        "--allow-registry",
        "quay.io/acme",
        "--format",
        "junit",
    ]);
    let xml = String::from_utf8(out.stdout).unwrap();
    let re = regex::Regex::new(r#"<testcase classname="[^"]*" name="([^"]*)""#).unwrap();
    let names: Vec<&str> = re
        .captures_iter(&xml)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(names.len(), 4, "{xml}");
    let unique: HashSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), 4, "{xml}");
    assert!(xml.contains("a&#9;b"), "{xml}");
}

/// An input that cannot be read is a SARIF alert, not only a notification.
#[test]
fn sarif_alerts_on_an_input_that_cannot_be_judged() {
    let dir = Scratch::new("out-sarif-error");
    let cut = dir.file("cut.json", b"{\"cut");
    let out = provcheck(&["verify", &cut, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "input.not_judged");
    assert_eq!(results[0]["level"], "error");
}

/// The issue's one-liner: JSON, JUnit, SARIF and a VSA from one run of a
/// signed attestation, the exit code the verdict's.
#[test]
fn one_run_writes_json_junit_sarif_and_a_vsa() {
    let dir = Scratch::new("out-four");
    let (att, in_key) = signed_statement(&dir);
    let policy = dir.file(
        "policy.yaml",
        format!("predicate_types:\n  allow: [{TEST_PREDICATE}]\n").as_bytes(),
    );
    let (a, b, c, d) = (
        dir.path("a.json"),
        dir.path("b.xml"),
        dir.path("c.sarif"),
        dir.path("d.json"),
    );
    let out = provcheck(&[
        "verify",
        &att,
        "--key",
        &in_key,
        "--policy",
        &policy,
        "--output",
        &format!("json={a}"),
        "--output",
        &format!("junit={b}"),
        "--output",
        &format!("sarif={c}"),
        "--output",
        &format!("vsa={d}"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read_json(&a)["verdict"], "pass");
    assert!(std::fs::read_to_string(&b)
        .unwrap()
        .contains(r#"failures="0""#));
    assert_valid_sarif(&read_json(&c));
    let vsa = read_json(&d);
    assert_valid("vsa.schema.json", &vsa);
    assert_eq!(vsa["predicate"]["verificationResult"], "PASSED");
}
