//! Issue 4, combining evidence: `--with RUN` recovers the declared images of
//! Tekton Chains SLSA v0.2 provenance from its TaskRun or PipelineRun, and
//! `--index FILE` corroborates a declared index digest with the platform
//! manifest the runtime reported (`match-via-index`).
//!
//! The Chains e2e expected provenance in the corpus are Go templates: they
//! are rendered here with concrete values (the corpus is never edited).

use sha2::{Digest as _, Sha256};

use crate::util::{assert_valid_evidence, corpus, provcheck, root, Scratch};

const E2E: &str = "chains/e2e";

fn sha256_of(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Render a Chains e2e template: `{{range .URIDigest}}…{{end}}` once per
/// `(uri, digest)`, then every other `{{…}}` placeholder from `values`.
fn render(template: &str, values: &[(&str, &str)], uri_digests: &[(&str, &str)]) -> String {
    let start = template.find("{{range .URIDigest}}").unwrap();
    let end = template.find("{{end}}").unwrap();
    let body = &template[start + "{{range .URIDigest}}".len()..end];
    let items: String = uri_digests
        .iter()
        .map(|(uri, digest)| body.replace("{{.URI}}", uri).replace("{{.Digest}}", digest))
        .collect();
    let mut out = format!(
        "{}{items}{}",
        &template[..start],
        &template[end + "{{end}}".len()..]
    );
    for (placeholder, value) in values {
        out = out.replace(&format!("{{{{{placeholder}}}}}"), value);
    }
    assert!(!out.contains("{{"), "unrendered placeholder in\n{out}");
    serde_json::from_str::<serde_json::Value>(&out).expect("rendered template is JSON");
    out
}

fn read_corpus(path: &str) -> String {
    std::fs::read_to_string(corpus().join(path)).unwrap()
}

/// `normalize --format json` of `args`, which must exit 0; the Evidence is
/// checked against the schema.
fn evidence(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["normalize"];
    all.extend_from_slice(args);
    let out = provcheck(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_evidence(&json);
    json
}

fn step<'a>(ev: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    ev["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {ev:#}"))
}

const BUSYBOX_AMD64: &str =
    "sha256:1a41828fc1a347d7061f7089d6f0c94e5a056a3c674714712a1481a4a33eb56f";

/// The task e2e pair's provenance, rendered as Chains renders it for a run
/// whose step ran `image_id`.
fn task_attestation(image_id: &str) -> String {
    render(
        &read_corpus(&format!("{E2E}/task-output-image.provenance.v1.tmpl.json")),
        &[
            ("index .ContainerNames 0", "step-create-image"),
            ("index .StepImages 0", image_id),
            ("index .BuildStartTimes 0", "2026-11-23T10:00:00Z"),
            ("index .BuildFinishedTimes 0", "2026-11-23T10:00:09Z"),
        ],
        &[(
            &format!("oci://{}", image_id.split('@').next().unwrap()),
            image_id.split_once(":").unwrap().1,
        )],
    )
}

#[test]
fn with_recovers_declared_images_for_the_chains_v02_task_e2e_pair() {
    let scratch = Scratch::new("with-task");
    let att = scratch.file(
        "task-output-image.json",
        task_attestation(&format!("docker.io/library/busybox@{BUSYBOX_AMD64}")).as_bytes(),
    );
    // Alone, Chains SLSA v0.2 records only the runtime ImageID.
    let alone = evidence(&[&att]);
    let s = step(&alone, "create-image");
    assert_eq!(s["declared_image"], serde_json::Value::Null);
    assert_eq!(s["trust"]["status"], "undeclared");

    let taskrun = corpus().join(E2E).join("task-output-image.taskrun.yaml");
    let taskrun = taskrun.to_str().unwrap();
    let ev = evidence(&[&att, "--with", taskrun]);
    let s = step(&ev, "create-image");
    assert_eq!(s["declared_image"], "busybox");
    assert_eq!(s["trust"]["status"], "unpinned");
    assert_eq!(
        s["runtime_image_id"],
        format!("oci://docker.io/library/busybox@{BUSYBOX_AMD64}")
    );
    assert_eq!(s["taskrun"], "build-push-run-output-image-test");
    assert_eq!(s["joined"]["source"], taskrun);
    assert_eq!(
        s["joined"]["pointers"]["declared_image"],
        "/spec/taskSpec/steps/0/image"
    );
    // The e2e TaskRun is the spec as written: it has no status to compare.
    assert_eq!(s["joined"]["runtime_agreement"], "attestation-only");
    assert!(ev["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["code"] == "declared-from-run"));
}

#[test]
fn with_joins_a_pipelinerun_by_task_and_step_name() {
    let scratch = Scratch::new("with-pipeline");
    let att = render(
        &read_corpus(&format!(
            "{E2E}/pipeline-output-image.provenance.v1.tmpl.json"
        )),
        &[
            ("index .BuildStartTimes 0", "2026-11-23T10:00:00Z"),
            ("index .BuildFinishedTimes 0", "2026-11-23T10:00:09Z"),
            (".PipelineStartedOn", "2026-11-23T09:59:58Z"),
            (".PipelineFinishedOn", "2026-11-23T10:00:11Z"),
        ],
        &[(
            "oci://distroless.dev/busybox",
            "186312fcf3f381b5fc1dd80b1afc0d316f3ed39fb4add8ff900d1f0c7c49a92c",
        )],
    );
    let att = scratch.file("pipeline-output-image.json", att.as_bytes());
    let run = corpus()
        .join(E2E)
        .join("pipeline-output-image.pipelinerun.yaml");
    let ev = evidence(&[&att, "--with", run.to_str().unwrap()]);
    let s = step(&ev, "create-dockerfile");
    assert_eq!(s["task"], "buildimage");
    assert_eq!(
        s["trusted_reference"],
        "distroless.dev/busybox@sha256:186312fcf3f381b5fc1dd80b1afc0d316f3ed39fb4add8ff900d1f0c7c49a92c"
    );
    assert_eq!(s["corroboration"], "match");
    assert_eq!(
        s["joined"]["pointers"]["declared_image"],
        "/spec/pipelineSpec/tasks/0/taskSpec/steps/0/image"
    );
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn hacbs1() -> String {
    corpus()
        .join("chains/ec-cli/hacbs1_invalid.json")
        .to_str()
        .unwrap()
        .to_owned()
}

const SYFT_AMD64: &str = "sha256:09afc449976230f66848c19bb5ccf344eb0eeb4ed50747e33b53aff49462c319";

#[test]
fn with_and_index_on_a_real_chains_attestation() {
    let (att, taskrun, index) = (
        hacbs1(),
        fixture("hacbs1-taskrun.yaml"),
        fixture("syft-index.oci.json"),
    );
    let index_digest = sha256_of(&std::fs::read(&index).unwrap());

    let ev = evidence(&[&att, "--with", &taskrun]);
    let steps = ev["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 7);
    assert!(steps
        .iter()
        .all(|s| s["joined"]["runtime_agreement"] == "agree" && s["task"] == "build-container"));
    let sbom = step(&ev, "sbom-get");
    assert_eq!(
        sbom["trusted_reference"],
        format!("quay.io/redhat-appstudio/syft@{index_digest}")
    );
    // Declared by the index's digest, ran the amd64 manifest: without the
    // index that is a mismatch.
    assert_eq!(sbom["corroboration"], "mismatch");
    assert_eq!(sbom.get("via_index"), None);

    let ev = evidence(&[&att, "--with", &taskrun, "--index", &index]);
    let sbom = step(&ev, "sbom-get");
    assert_eq!(sbom["corroboration"], "match-via-index");
    assert_eq!(sbom["via_index"]["digest"], index_digest);
    assert_eq!(sbom["via_index"]["manifest"], SYFT_AMD64);
    assert_eq!(sbom["via_index"]["platform"], "linux/amd64");
    assert_eq!(
        sbom["via_index"]["media_type"],
        "application/vnd.oci.image.index.v1+json"
    );
    assert_eq!(sbom["via_index"]["source"], index);
    // The other steps are untouched by the index.
    assert_eq!(step(&ev, "generate")["corroboration"], "match");
    assert_eq!(step(&ev, "generate").get("via_index"), None);
}

#[test]
fn verify_takes_with_and_index_too() {
    let scratch = Scratch::new("with-verify");
    let policy = scratch.file(
        "policy.yaml",
        b"version: 1\nruntime_digest:\n  on_mismatch: fail\n",
    );
    let (att, taskrun, index) = (
        hacbs1(),
        fixture("hacbs1-taskrun.yaml"),
        fixture("syft-index.oci.json"),
    );
    let run = |extra: &[&str]| {
        // The statement is unsigned: judged as stated.
        let mut args = vec![
            "verify",
            &att,
            "--policy",
            &policy,
            "--format",
            "json",
            "--insecure-skip-signature",
        ];
        args.extend_from_slice(extra);
        let out = provcheck(&args);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        crate::util::assert_valid("report.schema.json", &json);
        (out.status.code(), json)
    };
    // Without the run, nothing is declared: runtime_digest has nothing to check.
    let (code, report) = run(&[]);
    assert_eq!((code, &report["verdict"]), (Some(3), &"unknown".into()));
    let (code, report) = run(&["--with", &taskrun]);
    assert_eq!((code, &report["verdict"]), (Some(1), &"fail".into()));
    let failing: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| &r["step"])
        .collect();
    assert_eq!(failing, ["sbom-get"]);
    let (code, report) = run(&["--with", &taskrun, "--index", &index]);
    assert_eq!((code, &report["verdict"]), (Some(0), &"pass".into()));
    let sbom = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["step"] == "sbom-get")
        .unwrap();
    assert_eq!(sbom["status"], "pass");
    assert!(sbom["message"]
        .as_str()
        .unwrap()
        .contains("platform manifest"));
}

#[test]
fn an_index_whose_bytes_differ_is_reported_not_used() {
    let scratch = Scratch::new("index-differs");
    let mut bytes = std::fs::read(fixture("syft-index.oci.json")).unwrap();
    bytes.push(b'\n'); // what an editor or `echo` adds: another digest
    let copy = scratch.file("syft-index-copy.json", &bytes);
    let ev = evidence(&[
        &hacbs1(),
        "--with",
        &fixture("hacbs1-taskrun.yaml"),
        "--index",
        &copy,
    ]);
    let sbom = step(&ev, "sbom-get");
    assert_eq!(sbom["corroboration"], "mismatch");
    assert_eq!(sbom.get("via_index"), None);
    let note = &sbom["notes"][0];
    assert_eq!(note["code"], "index-digest-differs");
    let message = note["message"].as_str().unwrap();
    assert!(message.contains(&copy), "{message}");
    assert!(message.contains(&sha256_of(&bytes)), "{message}");
    assert!(message.contains("not used"), "{message}");
}

#[test]
fn a_run_whose_image_ids_disagree_is_said_and_both_stay_visible() {
    let scratch = Scratch::new("with-disagree");
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
    let text = std::fs::read_to_string(fixture("hacbs1-taskrun.yaml")).unwrap();
    let variant = text.replace(
        &format!("imageID: quay.io/redhat-appstudio/syft@{SYFT_AMD64}"),
        &format!("imageID: quay.io/redhat-appstudio/syft@{other}"),
    );
    assert_ne!(text, variant);
    let taskrun = scratch.file("taskrun.yaml", variant.as_bytes());
    let ev = evidence(&[&hacbs1(), "--with", &taskrun]);
    let sbom = step(&ev, "sbom-get");
    assert_eq!(
        sbom["runtime_image_id"],
        format!("quay.io/redhat-appstudio/syft@{SYFT_AMD64}")
    );
    assert_eq!(
        sbom["joined"]["runtime_image_id"],
        format!("quay.io/redhat-appstudio/syft@{other}")
    );
    assert_eq!(sbom["joined"]["runtime_agreement"], "disagree");
    assert_eq!(sbom["notes"][0]["code"], "run-image-id-disagrees");
    assert_eq!(
        sbom["notes"][0]["pointer"],
        "/predicate/buildConfig/steps/3/environment/image"
    );
    // The text format shows the step's note too.
    let out = provcheck(&[
        "normalize",
        "--format",
        "text",
        &hacbs1(),
        "--with",
        &taskrun,
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[run-image-id-disagrees]"), "{text}");
}

#[test]
fn a_docker_manifest_list_corroborates_too() {
    let scratch = Scratch::new("manifest-list");
    let list = fixture("busybox-manifest-list.docker.json");
    let list_digest = sha256_of(&std::fs::read(&list).unwrap());
    let att = scratch.file(
        "att.json",
        task_attestation(&format!("docker.io/library/busybox@{BUSYBOX_AMD64}")).as_bytes(),
    );
    // The e2e TaskRun, declaring busybox by the manifest list's digest.
    let taskrun = read_corpus(&format!("{E2E}/task-output-image.taskrun.yaml")).replace(
        "image: busybox\n",
        &format!("image: busybox@{list_digest}\n"),
    );
    let taskrun = scratch.file("taskrun.yaml", taskrun.as_bytes());
    let ev = evidence(&[&att, "--with", &taskrun, "--index", &list]);
    let s = step(&ev, "create-image");
    assert_eq!(
        s["trusted_reference"],
        format!("docker.io/library/busybox@{list_digest}")
    );
    assert_eq!(s["corroboration"], "match-via-index");
    assert_eq!(
        s["via_index"]["media_type"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    assert_eq!(s["via_index"]["platform"], "linux/amd64");
}

#[test]
fn bad_with_and_index_files_exit_2_naming_the_file() {
    let scratch = Scratch::new("with-bad");
    let not_index = scratch.file(
        "manifest.json",
        br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}"#,
    );
    let truncated = scratch.file(
        "truncated.json",
        br#"{"schemaVersion":2,"manifests":[{"mediaType":"x","size":1}]}"#,
    );
    let att = hacbs1();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--with", &att],
            format!("{att}: expected a Tekton TaskRun or PipelineRun to take declared images from, found: in-toto statement"),
        ),
        (
            vec!["--index", &not_index],
            format!("{not_index}: at /mediaType: not an image index: mediaType is \"application/vnd.oci.image.manifest.v1+json\""),
        ),
        (
            vec!["--index", &truncated],
            format!("{truncated}: at /manifests/0: not an image index: missing field `digest`"),
        ),
        (vec!["--with", "no-such-file.yaml"], "no-such-file.yaml: cannot read".to_owned()),
    ];
    for (extra, want) in cases {
        for command in ["normalize", "verify"] {
            let mut args = vec![command, att.as_str()];
            args.extend_from_slice(&extra);
            let out = provcheck(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(&want), "{args:?}: {want:?} not in {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}
