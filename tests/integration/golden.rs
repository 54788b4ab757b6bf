//! Golden Evidence for every document in `tests/corpus/`.
//!
//! Each file's result is compared with `tests/golden/<corpus path>.evidence.json`:
//! the Evidence when the file holds one document that normalizes, else an
//! array with one entry per document (JSON lines, npm attestation lists),
//! each an Evidence or `{"error": "<message>"}` — so files that are invalid
//! on purpose (a conformance `_fail` case that does not load, a doc example
//! with a trailing comma) record the exact error they must keep giving.
//! After a deliberate change, regenerate with `PROVCHECK_BLESS=1 cargo test`
//! and review the diff: a golden file is a claim about the input.

use std::path::Path;

use crate::util::{assert_valid_evidence, corpus, files, root};

/// Files under the corpus that are not documents provcheck reads, and why.
fn is_document(relative: &Path) -> bool {
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let text = relative.to_str().unwrap_or_default();
    // Sigstore trust material (trusted_root.json), read by verification, not normalize.
    let trust_root = name == "trusted_root.json"
        || name.ends_with(".trusted_root.json")
        || text.starts_with("sigstore/trusted_root/");
    // Chains e2e expectations are Go text/template files (`{{range …}}`),
    // not JSON until a test run fills them in (corpus README).
    let template = name.ends_with(".tmpl.json");
    // Artifacts (.whl, .tgz, .txt, bare binaries), keys (.pub, .pem) and
    // READMEs are not documents: only these extensions are.
    let document_extension = ["json", "jsonl", "yaml", "sigstore", "slsa"]
        .iter()
        .any(|ext| name.ends_with(&format!(".{ext}")));
    document_extension && !trust_root && !template
}

/// One document's outcome, serialized in the library's field order.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Outcome {
    Evidence(Box<provcheck::Evidence>),
    Error { error: String },
}

/// The golden text of a corpus file: the Evidence of a lone good document,
/// else the array of outcomes.
fn result_text(relative: &Path) -> String {
    let path = corpus().join(relative);
    let name = relative.display().to_string();
    let bytes = std::fs::read(&path).unwrap();
    let outcomes: Vec<Outcome> = provcheck::normalize_bytes(&name, &bytes)
        .into_iter()
        .map(|r| match r {
            Ok(evidence) => {
                assert_valid_evidence(&serde_json::to_value(&evidence).unwrap());
                Outcome::Evidence(Box::new(evidence))
            }
            Err(e) => {
                let message = e.to_string();
                assert!(message.starts_with(&name), "{message}");
                Outcome::Error { error: message }
            }
        })
        .collect();
    let text = match outcomes.as_slice() {
        [one @ Outcome::Evidence(_)] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(many),
    };
    text.unwrap() + "\n"
}

fn result_json(relative: &Path) -> serde_json::Value {
    serde_json::from_str(&result_text(relative)).unwrap()
}

fn check_golden(relative: &Path) {
    let actual = result_text(relative);
    let golden = root()
        .join("tests/golden")
        .join(format!("{}.evidence.json", relative.display()));
    if std::env::var_os("PROVCHECK_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with PROVCHECK_BLESS=1 to create it)",
            golden.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "Evidence of {} differs from {}",
        relative.display(),
        golden.display()
    );
}

#[test]
fn whole_corpus_matches_golden_evidence() {
    let all: Vec<_> = files(&corpus(), &["json", "jsonl", "yaml", "sigstore", "slsa"])
        .into_iter()
        .map(|p| p.strip_prefix(corpus()).unwrap().to_path_buf())
        .filter(|p| is_document(p))
        .collect();
    assert!(
        all.len() >= 100,
        "expected the whole corpus, found {} documents",
        all.len()
    );
    for relative in all {
        check_golden(&relative);
    }
}

#[test]
fn skipped_corpus_files_are_the_non_documents() {
    let skipped: Vec<String> = files(&corpus(), &["json"])
        .into_iter()
        .map(|p| p.strip_prefix(corpus()).unwrap().display().to_string())
        .filter(|p| !is_document(Path::new(p)))
        .collect();
    assert!(skipped.iter().all(|p| p.ends_with("trusted_root.json")
        || p.ends_with(".tmpl.json")
        || p.starts_with("sigstore/trusted_root/")));
}

/// Tekton Chains `slsa/v1` (SLSA v0.2) copies runtime ImageIDs: they must
/// land in `runtime_image_id`, never in `declared_image`.
#[test]
fn chains_slsa_v1_steps_are_runtime_only() {
    for relative in [
        "chains/ec-cli/hacbs1_invalid.json",
        "chains/ec-cli/hacbs2_valid.json",
        "chains/ec-cli/testimage-attestation.dsse.json",
    ] {
        let ev = result_json(Path::new(relative));
        let steps = ev["steps"].as_array().unwrap();
        if relative.ends_with(".dsse.json") {
            // Its buildConfig records no steps: nothing is invented.
            assert!(steps.is_empty(), "{relative}");
            continue;
        }
        assert!(!steps.is_empty(), "{relative}");
        for step in steps {
            assert!(step["declared_image"].is_null(), "{relative}: {step}");
            assert!(step["runtime_image_id"].is_string(), "{relative}: {step}");
            assert!(step["trusted_reference"].is_null(), "{relative}: {step}");
            assert_eq!(step["trust"]["status"], "undeclared", "{relative}");
        }
    }
}

/// Chains SLSA v1.0 with an embedded taskSpec: declared images are read.
#[test]
fn chains_slsa_v1_0_declares_embedded_steps() {
    let ev = result_json(Path::new("chains/docs/predicate-slsa-v2.example3.json"));
    let step = &ev["steps"][0];
    assert_eq!(step["name"], "create-dockerfile");
    assert_eq!(
        step["trusted_reference"],
        "distroless.dev/busybox@sha256:186312fcf3f381b5fc1dd80b1afc0d316f3ed39fb4add8ff900d1f0c7c49a92c"
    );
    assert_eq!(
        step["pointers"]["declared_image"],
        "/predicate/buildDefinition/externalParameters/runSpec/pipelineSpec/tasks/0/taskSpec/steps/0/image"
    );
    let codes: Vec<&str> = ev["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"runtime-images-not-joined"), "{codes:?}");
}

/// JSON lines: one Evidence per line, each with its line number.
#[test]
fn json_lines_report_each_line() {
    let ev = result_json(Path::new(
        "npm/gh-cli/sigstore-js-2.1.0_with_2_bundles.jsonl",
    ));
    let lines: Vec<u64> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 2]);
}

/// GitHub artifact attestations: builder, source repository, ref, commit, workflow.
#[test]
fn github_attestation_source() {
    let ev = result_json(Path::new(
        "github/slsa-verifier-bcr/MODULE.bazel.intoto.jsonl",
    ));
    assert_eq!(
        ev["layers"],
        serde_json::json!([
            "sigstore-bundle v0.3",
            "dsse",
            "in-toto-statement v1",
            "slsa-provenance v1"
        ])
    );
    assert_eq!(
        ev["build_source"],
        serde_json::json!({
            "repository": "https://github.com/aspect-build/rules_lint",
            "ref": "refs/heads/publish-to-bcr",
            "commit": "8f70009fde0c94ade6ce2a054b94718c819126ec",
            "workflow": ".github/workflows/release.yml"
        })
    );
    assert_eq!(
        ev["builder_id"],
        "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1"
    );
    assert_eq!(ev["document"]["payload_pointer"], "/dsseEnvelope/payload");
}

/// BuildKit: each docker-image material with its reference and pinned digest.
#[test]
fn buildkit_materials_are_images() {
    for relative in [
        "buildkit/docs-v0.2-mode-min.json",
        "buildkit/docs-v1-mode-min.json",
    ] {
        let ev = result_json(Path::new(relative));
        let image = &ev["materials"][0]["image"];
        assert_eq!(image["origin"], "resolved", "{relative}");
        assert_eq!(
            image["reference"], "docker.io/library/alpine:latest",
            "{relative}"
        );
        assert_eq!(
            image["digest"],
            "sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4",
            "{relative}"
        );
        assert_eq!(image["platform"], "linux/amd64", "{relative}");
    }
}
