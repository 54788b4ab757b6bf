//! Inputs an outside review passed through `verify` with exit 0 without
//! judging them, each rebuilt from its description, through the CLI. None
//! may pass now. (Defects with tests of their own elsewhere say where.)

use serde_json::{json, Value};

use crate::util::{corpus, provcheck, root, Scratch};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn pinned(repo: &str) -> String {
    format!("{repo}@sha256:{A}")
}

fn task(image: &str) -> Value {
    json!({"steps": [{"name": "s", "image": image}]})
}

/// Exit code and JSON reports of `verify --format json ARGS`.
fn verify(args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let out = provcheck(&all);
    let code = out.status.code().unwrap();
    let reports = match serde_json::from_slice::<Value>(&out.stdout) {
        Ok(Value::Array(reports)) => reports,
        Ok(one) => vec![one],
        Err(_) => Vec::new(),
    };
    (code, reports)
}

/// The exit code of `verify` of `doc` (written to a scratch file) with `args`.
fn code_of(dir: &Scratch, doc: &Value, args: &[&str]) -> i32 {
    let file = dir.file("doc.json", doc.to_string().as_bytes());
    let mut all = vec![file.as_str()];
    all.extend_from_slice(args);
    verify(&all).0
}

/// 1. A pipeline task the pipeline names but does not define, by
///    `taskRef` in `tasks` or `finally`, inside a nested pipeline, or listed
///    by `status.pipelineSpec` and never run: `unknown`, never a pass.
#[test]
fn d01_undefined_pipeline_tasks_are_not_judged() {
    let dir = Scratch::new("d01");
    let ok = json!({"name": "a", "taskSpec": task(&pinned("quay.io/acme/a"))});
    let docs = [
        json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [ok, {"name": "b", "taskRef": {"name": "t"}}]}}}),
        json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [ok], "finally": [{"name": "f", "taskRef": {"name": "t"}}]}}}),
        json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [ok, {"name": "n", "pipelineSpec": {"tasks": [{"name": "x", "taskRef": {"name": "t"}}]}}]}}}),
        json!({"kind": "PipelineRun", "status": {
            "pipelineSpec": {"tasks": [ok, {"name": "ghost", "taskRef": {"name": "t"}}]},
            "childReferences": [{"kind": "TaskRun", "name": "pr-a", "pipelineTaskName": "a"}]}}),
    ];
    for doc in docs {
        assert_eq!(
            code_of(&dir, &doc, &["--allow-registry", "quay.io/acme"]),
            3,
            "{doc}"
        );
    }
}

/// 2. Two pipeline tasks of one name (across `tasks` and `finally` too):
///    neither is dropped, the one running `evil.io/x:latest` is judged.
#[test]
fn d02_duplicate_task_names_drop_no_task() {
    let dir = Scratch::new("d02");
    let doc = json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {
        "tasks": [{"name": "a", "taskSpec": task(&pinned("quay.io/acme/a"))}],
        "finally": [{"name": "a", "taskSpec": task("evil.io/x:latest")}]}}});
    assert_eq!(
        code_of(&dir, &doc, &["--allow-registry", "quay.io/acme"]),
        1
    );
    let doc = json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [
        {"name": "a", "taskSpec": task(&pinned("quay.io/acme/a"))},
        {"name": "a", "taskSpec": task(&pinned("quay.io/acme/b"))}]}}});
    assert_eq!(
        code_of(&dir, &doc, &["--allow-registry", "quay.io/acme"]),
        3
    );
}

/// 3. Docker Hub's host in another letter case, or its registry API host,
///    escapes no deny list, natively or in the Rego pack.
#[test]
fn d03_docker_hub_in_any_spelling_is_denied() {
    let dir = Scratch::new("d03");
    let pack = root().join("policies/provcheck");
    let data = dir.file("data.yaml", b"registry: {deny: [docker.io]}\n");
    for host in [
        "INDEX.DOCKER.IO",
        "registry-1.docker.io",
        "Docker.Io",
        "docker.io:443",
    ] {
        let doc = json!({"kind": "TaskRun", "spec": {"taskSpec": task(&pinned(&format!("{host}/library/alpine")))}});
        assert_eq!(
            code_of(&dir, &doc, &["--deny-registry", "docker.io"]),
            1,
            "{host}"
        );
        let code = code_of(
            &dir,
            &doc,
            &["--policy", pack.to_str().unwrap(), "--policy-data", &data],
        );
        assert_eq!(code, 1, "{host} (Rego pack)");
    }
}

/// 4. `effective_on` in one policy file never softens another's failures
///    (or the flags'); `accept_tags` in one never passes another's tag.
#[test]
fn d04_policy_files_do_not_leak_into_each_other() {
    let dir = Scratch::new("d04");
    let a = dir.file("a.yaml", b"registry: {allow: [quay.io/acme]}\n");
    let b = dir.file(
        "b.yaml",
        b"registry: {allow: [gcr.io], effective_on: 2099-01-01}\n",
    );
    let evil = json!({"kind": "TaskRun", "spec": {"taskSpec": task(&pinned("evil.io/x"))}});
    assert_eq!(code_of(&dir, &evil, &["--policy", &a, "--policy", &b]), 1);
    assert_eq!(
        code_of(
            &dir,
            &evil,
            &["--allow-registry", "quay.io", "--policy", &b]
        ),
        1
    );
    let tags = dir.file(
        "tags.yaml",
        b"registry: {allow: [gcr.io], accept_tags: true}\n",
    );
    let tagged = json!({"kind": "TaskRun", "spec": {"taskSpec": task("quay.io/acme/x:v1")}});
    assert_eq!(
        code_of(&dir, &tagged, &["--policy", &a, "--policy", &tags]),
        1
    );
    assert_eq!(code_of(&dir, &tagged, &["--policy", &a]), 3);
}

/// A Chains SLSA v0.2 attestation of a TaskRun `uid`, its one step `build`
/// ran `runtime`.
fn chains_attestation(invocation: &str, runtime: &str) -> Value {
    json!({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "quay.io/acme/app", "digest": {"sha256": A}}],
        "predicate": {"builder": {"id": "https://tekton.dev/chains/v2"}, "buildType": "tekton.dev/v1/TaskRun",
            "metadata": {"buildInvocationId": invocation},
            "buildConfig": {"steps": [{"environment": {"container": "step-build", "image": runtime}}]}}})
}

/// A TaskRun `uid` whose one step, `build` (as the attestation's container
/// names it), declares `quay.io/acme/b` pinned and ran `image_id`: written
/// to `dir`, its path returned.
fn tekton_run(dir: &Scratch, uid: &str, image_id: &str) -> String {
    let run = json!({"kind": "TaskRun", "metadata": {"name": "tr", "uid": uid},
        "status": {"taskSpec": task(&pinned("quay.io/acme/b")),
            "steps": [{"name": "s", "container": "step-build", "imageID": image_id}]}});
    let run = run
        .to_string()
        .replace("\"name\":\"s\"", "\"name\":\"build\"");
    dir.file(&format!("run-{uid}.json"), run.as_bytes())
}

/// 5. `--with` joins only the run the attestation records, and a joined
///    step whose runtime ImageIDs disagree never passes.
#[test]
fn d05_with_joins_only_the_attested_run() {
    let dir = Scratch::new("d05");
    let runtime = format!("oci://{}", pinned("quay.io/acme/b"));
    let run = |uid: &str, image_id: &str| tekton_run(&dir, uid, image_id);
    let att = dir.file(
        "att.json",
        chains_attestation("uid-1", &runtime).to_string().as_bytes(),
    );
    let same = run("uid-1", &pinned("docker-pullable://quay.io/acme/b"));
    let (code, _) = verify(&[
        &att,
        "--with",
        &same,
        "--allow-registry",
        "quay.io/acme",
        "--insecure-skip-signature",
    ]);
    assert_eq!(code, 0, "the attested run joins and passes");
    let other = run("uid-2", &pinned("docker-pullable://quay.io/acme/b"));
    let (code, reports) = verify(&[
        &att,
        "--with",
        &other,
        "--allow-registry",
        "quay.io/acme",
        "--insecure-skip-signature",
    ]);
    assert_eq!(code, 3, "{reports:?}");
    let disagreeing = run(
        "uid-1",
        &pinned("docker-pullable://evil.io/b").replace(A, &"b".repeat(64)),
    );
    let (code, reports) = verify(&[
        &att,
        "--with",
        &disagreeing,
        "--allow-registry",
        "quay.io/acme",
    ]);
    assert_eq!(code, 3, "{reports:?}");
}

/// 6. One RSA key in two DER encodings is one signer:
///    `trust::one_key_in_two_encodings_is_one_signer`.
///
/// 7. The step join is linear, and a document is refused past the step
///    cap before its steps are built (exit 2, naming the cap); the flag
///    raises the cap. (The join's speed: `benches/normalize_steps.rs`.)
#[test]
fn d07_steps_are_bounded() {
    let dir = Scratch::new("d07");
    let steps: Vec<Value> = (0..100_001)
        .map(|i| json!({"name": format!("s{i}"), "image": "x:1"}))
        .collect();
    let doc = json!({"kind": "TaskRun", "spec": {"taskSpec": {"steps": steps}}});
    let file = dir.file("big.json", doc.to_string().as_bytes());
    let out = provcheck(&["verify", &file, "--allow-registry", "quay.io"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more than 100000 steps"), "{stderr}");
    let out = provcheck(&[
        "normalize",
        &file,
        "--max-steps",
        "200000",
        "--format",
        "text",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 8. An envelope with 20 000 wrong signatures costs no key a check: refused
///    (exit 2, naming the cap) in every stage.
#[test]
fn d08_signatures_are_capped_in_every_stage() {
    let dir = Scratch::new("d08");
    let signatures: Vec<Value> = (0..20_000).map(|_| json!({"sig": "AAAA"})).collect();
    let statement = json!({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicateType": "https://example.com/p", "predicate": {}});
    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        statement.to_string(),
    );
    let env = json!({"payloadType": "application/vnd.in-toto+json", "payload": payload, "signatures": signatures});
    let file = dir.file("env.json", env.to_string().as_bytes());
    let key = corpus().join("npm/sigstore-go/publish_key.pub");
    let out = provcheck(&["verify", &file, "--key", key.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more than 64 signatures"), "{stderr}");

    // A bundle's log entries and timestamps likewise, with trust options
    // or without: refused (exit 2), never handed to a verifier one by one.
    let case = corpus().join("sigstore/conformance/bundle-verify/happy-path-v0.3");
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    let entry = bundle["verificationMaterial"]["tlogEntries"][0].clone();
    let mut entries = bundle.clone();
    entries["verificationMaterial"]["tlogEntries"] = json!(vec![entry; 65]);
    let mut stamps = bundle;
    stamps["verificationMaterial"]["timestampVerificationData"] =
        json!({"rfc3161Timestamps": vec![json!({"signedTimestamp": "AAAA"}); 65]});
    let artifact = corpus().join("sigstore/conformance/bundle-verify/a.txt");
    for (name, doc, what) in [
        ("entries.json", entries, "more than 64 tlog entries"),
        ("stamps.json", stamps, "more than 64 RFC 3161 timestamps"),
    ] {
        let file = dir.file(name, doc.to_string().as_bytes());
        for trust in [
            &[
                "--artifact",
                artifact.to_str().unwrap(),
                "--certificate-identity-regexp",
                ".",
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
            ][..],
            &[][..],
        ] {
            let mut args = vec!["verify", file.as_str()];
            args.extend(trust);
            let out = provcheck(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name} {trust:?}: {stderr}");
            assert!(stderr.contains(what), "{name} {trust:?}: {stderr}");
        }
    }
}

/// 9. A Rego `deny` outside `provcheck.` is refused at load:
///    `rego::sets_provcheck_would_not_read_are_refused_at_load`.
///
/// 10. Changed transparency-log fields are refused, with the conformance
///     suite's own bundles as the base (each passes unchanged).
#[test]
fn d10_changed_log_fields_are_refused() {
    let dir = Scratch::new("d10");
    let case = corpus().join("sigstore/conformance/bundle-verify/rekor2-happy-path");
    let artifact = corpus().join("sigstore/conformance/bundle-verify/a.txt");
    let root_file = case.join("trusted_root.json");
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    let run = |b: &Value| {
        let file = dir.file("b.json", b.to_string().as_bytes());
        verify(&[
            &file,
            "--artifact",
            artifact.to_str().unwrap(),
            "--trusted-root",
            root_file.to_str().unwrap(),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            "https://token.actions.githubusercontent.com",
        ])
        .0
    };
    assert_eq!(run(&bundle), 0);
    let flip = |text: &str| {
        use base64::Engine as _;
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap();
        bytes[0] ^= 1;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let entry = "/verificationMaterial/tlogEntries/0";
    type Mutation = Box<dyn Fn(&mut Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "logId.keyId",
            Box::new(move |b: &mut Value| {
                let p = b.pointer_mut(&format!("{entry}/logId/keyId")).unwrap();
                *p = json!(flip(p.as_str().unwrap()));
            }),
        ),
        (
            "inclusionProof.rootHash",
            Box::new(move |b: &mut Value| {
                let p = b
                    .pointer_mut(&format!("{entry}/inclusionProof/rootHash"))
                    .unwrap();
                *p = json!(flip(p.as_str().unwrap()));
            }),
        ),
        (
            "inclusionProof.logIndex + 1",
            Box::new(move |b: &mut Value| {
                let p = b
                    .pointer_mut(&format!("{entry}/inclusionProof/logIndex"))
                    .unwrap();
                *p = json!((p.as_str().unwrap().parse::<u64>().unwrap() + 1).to_string());
            }),
        ),
        (
            "inclusionProof.treeSize + 1",
            Box::new(move |b: &mut Value| {
                let p = b
                    .pointer_mut(&format!("{entry}/inclusionProof/treeSize"))
                    .unwrap();
                *p = json!((p.as_str().unwrap().parse::<u64>().unwrap() + 1).to_string());
            }),
        ),
        (
            "an integratedTime on a Rekor v2 entry",
            Box::new(move |b: &mut Value| {
                b.pointer_mut(entry).unwrap()["integratedTime"] = json!("1700000000");
            }),
        ),
    ];
    for (what, mutate) in mutations {
        let mut b = bundle.clone();
        mutate(&mut b);
        assert_eq!(run(&b), 1, "{what}");
    }
}

/// 11. `source.policy` reads what was not judged (a task by reference is
///     `unknown` even under `DENY *`… and never a pass), and several source
///     policies are each a requirement: a DENY in any denies, in any order.
#[test]
fn d11_source_policies_judge_what_they_cannot_see_as_unknown() {
    let dir = Scratch::new("d11");
    let allow = dir.file(
        "allow.json",
        br#"{"rules": [{"action": "ALLOW", "selector": {"identifier": "docker-image://*"}}]}"#,
    );
    let deny = dir.file(
        "deny.json",
        br#"{"rules": [{"action": "DENY", "selector": {"identifier": "docker-image://*"}}]}"#,
    );
    let by_ref = json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [{"name": "t", "taskRef": {"name": "t"}}]}}});
    assert_eq!(code_of(&dir, &by_ref, &["--source-policy", &allow]), 3);
    let doc = json!({"kind": "TaskRun", "spec": {"taskSpec": task(&pinned("quay.io/acme/a"))}});
    assert_eq!(
        code_of(
            &dir,
            &doc,
            &["--source-policy", &allow, "--source-policy", &deny]
        ),
        1
    );
    assert_eq!(
        code_of(
            &dir,
            &doc,
            &["--source-policy", &deny, "--source-policy", &allow]
        ),
        1
    );
}

/// BuildKit SLSA v0.2 provenance with these materials.
fn buildkit(materials: Value) -> Value {
    json!({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicate": {"builder": {"id": "b"}, "buildType": "https://mobyproject.org/buildkit@v1", "materials": materials}})
}

/// 12. A `pkg:oci/…` material (an image from a local OCI layout) is not
///     judged: `unknown` for the registry rule, pinning and source policies.
#[test]
fn d12_oci_layout_materials_are_not_judged() {
    let dir = Scratch::new("d12");
    let allow = dir.file(
        "allow.json",
        br#"{"rules": [{"action": "ALLOW", "selector": {"identifier": "docker-image://*"}}]}"#,
    );
    let pinned_policy = dir.file("p.yaml", b"pinned: {}\n");
    let doc = buildkit(json!([
        {"uri": format!("pkg:docker/alpine@3.20?digest=sha256%3A{A}"), "digest": {"sha256": A}},
        {"uri": "pkg:oci/local@sha256%3A1234", "digest": {"sha256": A}}]));
    assert_eq!(code_of(&dir, &doc, &["--allow-registry", "docker.io"]), 3);
    assert_eq!(code_of(&dir, &doc, &["--policy", &pinned_policy]), 3);
    assert_eq!(code_of(&dir, &doc, &["--source-policy", &allow]), 3);
}

/// 13. Custom tasks: an embedded custom spec in Chains SLSA v1.0's pipeline
///     spec, and a v1beta1 PipelineRun's custom runs.
#[test]
fn d13_custom_tasks_are_not_judged() {
    let dir = Scratch::new("d13");
    let chains = json!({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
        "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicate": {"buildDefinition": {"buildType": "https://tekton.dev/chains/v2/slsa",
            "externalParameters": {"runSpec": {"pipelineSpec": {"tasks": [
                {"name": "a", "taskSpec": task(&pinned("quay.io/acme/a"))},
                {"name": "wait", "taskSpec": {"apiVersion": "example.dev/v1", "kind": "Wait", "spec": {"duration": "1s"}}}]}}}},
            "runDetails": {"builder": {"id": "https://tekton.dev/chains/v2"}}}});
    assert_eq!(
        code_of(&dir, &chains, &["--allow-registry", "quay.io/acme"]),
        3
    );
    let v1beta1 = json!({"apiVersion": "tekton.dev/v1beta1", "kind": "PipelineRun", "status": {
        "pipelineSpec": {"tasks": [{"name": "a", "taskSpec": task(&pinned("quay.io/acme/a"))}]},
        "runs": {"pr-wait": {"pipelineTaskName": "wait", "status": {}}}}});
    assert_eq!(
        code_of(&dir, &v1beta1, &["--allow-registry", "quay.io/acme"]),
        3
    );
}

/// 14. The Rego pack refuses what the native rules refuse: a required ref
///     the document does not record is `unknown`, and `accept_tags: "false"`
///     (a string) is refused before any evaluation (exit 2).
#[test]
fn d14_the_pack_passes_nothing_native_refuses() {
    let dir = Scratch::new("d14");
    let pack = root().join("policies/provcheck");
    let data = dir.file(
        "data.yaml",
        b"source: {repository: https://github.com/acme/app, ref: refs/heads/main}\n",
    );
    let statement = json!({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
        "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicate": {"buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {"workflow": {"repository": "https://github.com/acme/app", "path": ".github/workflows/r.yml"}}},
            "runDetails": {"builder": {"id": "b"}}}});
    let code = code_of(
        &dir,
        &statement,
        &["--policy", pack.to_str().unwrap(), "--policy-data", &data],
    );
    assert_eq!(code, 3);
    let strings = dir.file(
        "strings.yaml",
        b"registry: {allow: [quay.io], accept_tags: \"false\"}\n",
    );
    let doc = json!({"kind": "TaskRun", "spec": {"taskSpec": task("quay.io/x:v1")}});
    assert_eq!(
        code_of(
            &dir,
            &doc,
            &[
                "--policy",
                pack.to_str().unwrap(),
                "--policy-data",
                &strings
            ]
        ),
        2
    );
}

/// 15. A BuildKit material requested by a digest of an unregistered
///     algorithm is not pinned, as the same image declared by a step is not.
#[test]
fn d15_an_unregistered_digest_pins_nothing() {
    let dir = Scratch::new("d15");
    let policy = dir.file("p.yaml", b"pinned: {}\n");
    let md5 = "0123456789abcdef0123456789abcdef";
    let doc =
        buildkit(json!([{"uri": format!("pkg:docker/alpine@md5:{md5}"), "digest": {"sha256": A}}]));
    assert_eq!(code_of(&dir, &doc, &["--policy", &policy]), 1);
    let step = json!({"kind": "TaskRun", "spec": {"taskSpec": task(&format!("alpine@md5:{md5}"))}});
    assert_eq!(code_of(&dir, &step, &["--policy", &policy]), 1);
}

/// 16. `policy test` runs every definition and every body of a test:
///     `rego::policy_test_runs_every_body_and_indented_tests`.
///
/// 17. A forged `startTime` before a rule's `effective_on` does not turn its
///     failures into warnings: `verify::effective_on_uses_only_a_verified_build_time`.
///
/// 18. `--key` beside an identity: a key-signed document fails the identity
///     the gate asked for, and keys demanded are not met by a keyless
///     bundle (`trust::issue_7_signed_real_provenance`, npm rows); here,
///     `--key-threshold` counts for a keyless bundle.
#[test]
fn d18_every_requirement_given_must_be_met() {
    let case = corpus().join("sigstore/conformance/bundle-verify/happy-path-v0.3");
    let artifact = corpus().join("sigstore/conformance/bundle-verify/a.txt");
    let key = corpus().join("npm/sigstore-go/publish_key.pub");
    let bundle = case.join("bundle.sigstore.json");
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let base = [
        bundle.to_str().unwrap(),
        "--artifact",
        artifact.to_str().unwrap(),
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        "https://token.actions.githubusercontent.com",
    ];
    assert_eq!(verify(&base).0, 0);
    let mut with_key = base.to_vec();
    with_key.extend(["--key", key.to_str().unwrap()]);
    assert_eq!(verify(&with_key).0, 1);
}

/// 19. A demanded signature that is missing or unverifiable fails, so
///     `--unknown warn` cannot wave a forged, unsigned envelope through; an
///     envelope cut out of a signer's bundle fails as the bundle would.
#[test]
fn d19_a_demanded_signature_that_is_absent_fails() {
    let dir = Scratch::new("d19");
    let statement = json!({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}});
    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        statement.to_string(),
    );
    let forged = json!({"payloadType": "application/vnd.in-toto+json", "payload": payload, "signatures": [{"sig": "AAAA"}]});
    let file = dir.file("forged.json", forged.to_string().as_bytes());
    let (code, _) = verify(&[
        &file,
        "--certificate-identity",
        "x",
        "--certificate-oidc-issuer",
        "y",
        "--unknown",
        "warn",
    ]);
    assert_eq!(code, 1);
    let bundle: Value = serde_json::from_slice(
        &std::fs::read(corpus().join(
            "sigstore/conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let cut = dir.file("cut.json", bundle["dsseEnvelope"].to_string().as_bytes());
    let (code, _) = verify(&[
        &cut,
        "--certificate-identity-regexp",
        ".",
        "--certificate-oidc-issuer",
        "https://token.actions.githubusercontent.com",
        "--unknown",
        "warn",
    ]);
    assert_eq!(code, 1);
}

/// 20. `--image REF@DIGEST` over a message-signature bundle, which names no
///     repository: `unknown` at best, never a pass on the digest alone.
#[test]
fn d20_an_image_needs_its_repository() {
    let case = corpus().join("sigstore/conformance/bundle-verify/happy-path-v0.3");
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let (code, reports) = verify(&[
        case.join("bundle.sigstore.json").to_str().unwrap(),
        "--image",
        "quay.io/acme/app@sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        "https://token.actions.githubusercontent.com",
    ]);
    assert_eq!(code, 3, "{reports:?}");
}

/// 21. A bundle that carries both `x509CertificateChain` and `certificate`
///     (a protobuf oneof) is refused as invalid.
#[test]
fn d21_a_bundle_names_one_signer() {
    let dir = Scratch::new("d21");
    let case = corpus().join("sigstore/conformance/bundle-verify/happy-path-v0.3");
    let artifact = corpus().join("sigstore/conformance/bundle-verify/a.txt");
    let mut bundle: Value =
        serde_json::from_slice(&std::fs::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    let certificate = bundle["verificationMaterial"]["certificate"].clone();
    assert!(certificate.is_object());
    bundle["verificationMaterial"]["x509CertificateChain"] =
        json!({"certificates": [{"rawBytes": "Z2FyYmFnZQ=="}]});
    let file = dir.file("two.json", bundle.to_string().as_bytes());
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    // Verified: the signature fails, the bundle is not valid.
    let (code, reports) = verify(&[
        &file,
        "--artifact",
        artifact.to_str().unwrap(),
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        "https://token.actions.githubusercontent.com",
    ]);
    assert_eq!(code, 1, "{reports:?}");
    let message = reports[0]["results"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("not a valid Sigstore bundle, nothing verified")
            && message.contains("a bundle names one signer"),
        "{message}"
    );
    // Read without trust options: invalid input.
    let out = provcheck(&["normalize", &file]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a bundle names one signer"), "{stderr}");
}

/// A bare in-toto statement (no envelope, no bundle) never passes without a
/// verified signature: nothing vouches for it. Judged as stated only under
/// `--insecure-skip-signature`; a Tekton object is judged on its content.
#[test]
fn an_unsigned_statement_never_passes() {
    let dir = Scratch::new("unsigned-statement");
    let runtime = format!("oci://{}", pinned("quay.io/acme/b"));
    let att = dir.file(
        "att.json",
        chains_attestation("uid-1", &runtime).to_string().as_bytes(),
    );
    // The attested run, which declares the step's pinned image.
    let run = tekton_run(&dir, "uid-1", &pinned("docker-pullable://quay.io/acme/b"));
    let args = [
        att.as_str(),
        "--with",
        &run,
        "--allow-registry",
        "quay.io/acme",
    ];
    let (code, reports) = verify(&args);
    assert_eq!(code, 3, "{reports:?}");
    let signature = &reports[0]["results"][0];
    assert_eq!(signature["rule"], "signature");
    assert_eq!(signature["status"], "unknown");
    assert!(
        signature["message"]
            .as_str()
            .unwrap()
            .contains("an in-toto statement without a signature"),
        "{signature}"
    );
    let mut insecure = args.to_vec();
    insecure.push("--insecure-skip-signature");
    let (code, reports) = verify(&insecure);
    assert_eq!(code, 0, "judged as stated: {reports:?}");
    // A Tekton object is never signed: judged on its content.
    let (code, reports) = verify(&[&run, "--allow-registry", "quay.io/acme"]);
    assert_eq!(code, 0, "{reports:?}");
}
