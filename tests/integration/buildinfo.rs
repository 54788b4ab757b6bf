//! BuildKit build info (`containerimage.buildinfo`), in the three places
//! BuildKit writes it: a `--metadata-file` (decoded), an exporter response
//! (base64, one per platform) and an image config (base64).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::util::{assert_valid_evidence, provcheck, root, Scratch};

fn fixture() -> String {
    root()
        .join("tests/fixtures/buildkit-metadata.json")
        .display()
        .to_string()
}

fn build_info() -> Value {
    let text = std::fs::read_to_string(fixture()).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["containerimage.buildinfo"].clone()
}

/// `normalize --format json`: the exit code and every Evidence printed
/// (each checked against the schema).
fn normalize(file: &str) -> (i32, Vec<Value>, String) {
    let out = provcheck(&["normalize", "--format", "json", file]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let evidence = match serde_json::from_slice::<Value>(&out.stdout) {
        Ok(Value::Array(all)) => all,
        Ok(one) => vec![one],
        Err(_) => Vec::new(),
    };
    for ev in &evidence {
        assert_valid_evidence(ev);
    }
    (out.status.code().unwrap(), evidence, stderr)
}

/// (uri, digest set, image reference, image digest, pointer) per material.
fn materials(ev: &Value) -> Vec<(String, Value, Value, Value, String)> {
    ev["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["uri"].as_str().unwrap().to_owned(),
                m["digest"].clone(),
                m["image"]["reference"].clone(),
                m["image"]["digest"].clone(),
                m["pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const BUILDX: &str = "a652ced4a4141977c7daaed0a074dcd9844a78d7d2615465b12f433ae6dd29f0";
const ALPINE: &str = "1d30d1ba3cb90962067e9b29491fbd56997979d54376f23f01448b5c5cd8b462";
const COMMIT: &str = "259a5aa5aa5bb3562d12cc631fe399f4788642c1";
const README: &str = "419455202b0ef97e480d7f8199b26a721a417818bc0e2d106975f74323f25e6c";
const BASE: &str = "026f721af4cf2843e07bba648e158fb35ecc876d822130633cc49f707f0fc88c";

/// The fixture's sources as materials, pointers under `prefix`.
fn expected(prefix: &str) -> Vec<(String, Value, Value, Value, String)> {
    let image = |r: String, d: &str| (json!(r), json!(format!("sha256:{d}")));
    let buildx = format!("docker.io/docker/buildx-bin:0.6.1@sha256:{BUILDX}");
    let rows = [
        (
            buildx.clone(),
            json!({"sha256": BUILDX}),
            image(buildx, BUILDX),
            "sources/0",
        ),
        (
            "docker.io/library/alpine:3.13".to_owned(),
            json!({"sha256": ALPINE}),
            image("docker.io/library/alpine:3.13".to_owned(), ALPINE),
            "sources/1",
        ),
        (
            "https://github.com/crazy-max/buildkit-buildsources-test.git#master".to_owned(),
            json!({"sha1": COMMIT}),
            (Value::Null, Value::Null),
            "sources/2",
        ),
        (
            "https://raw.githubusercontent.com/moby/moby/v20.10.21/README.md".to_owned(),
            json!({"sha256": README}),
            (Value::Null, Value::Null),
            "sources/3",
        ),
        (
            "quay.io/acme/base:v2".to_owned(),
            json!({"sha256": BASE}),
            image("quay.io/acme/base:v2".to_owned(), BASE),
            "deps/base/sources/0",
        ),
    ];
    rows.into_iter()
        .map(|(uri, digest, (reference, image_digest), at)| {
            (
                uri,
                digest,
                reference,
                image_digest,
                format!("{prefix}/{at}"),
            )
        })
        .collect()
}

#[test]
fn a_metadata_file_yields_its_sources_as_resolved_materials() {
    let (code, evidence, stderr) = normalize(&fixture());
    assert_eq!(code, 0, "{stderr}");
    let [ev] = evidence.as_slice() else {
        panic!("{evidence:?}")
    };
    assert_eq!(ev["document"]["kind"], "buildkit-build-info");
    assert_eq!(ev["document"]["payload_pointer"], Value::Null);
    assert_eq!(ev["layers"], json!(["buildkit-buildinfo"]));
    assert_eq!(ev["signatures"], Value::Null);
    assert_eq!(ev["steps"], json!([]));
    assert_eq!(materials(ev), expected("/containerimage.buildinfo"));
    for m in ev["materials"].as_array().unwrap() {
        if !m["image"].is_null() {
            assert_eq!(m["image"]["origin"], "resolved");
        }
    }
}

#[test]
fn an_exporter_response_yields_one_document_per_platform_and_a_bad_one_hides_none() {
    let dir = Scratch::new("buildinfo-multi");
    let encoded = STANDARD.encode(build_info().to_string());
    let file = dir.file(
        "response.json",
        json!({"ExporterResponse": {
            "containerimage.buildinfo/linux/amd64": encoded,
            "containerimage.buildinfo/linux/arm64": encoded,
            "containerimage.buildinfo/linux/s390x": "!!not base64",
            "containerimage.digest": format!("sha256:{BASE}"),
        }})
        .to_string()
        .as_bytes(),
    );
    let (code, evidence, stderr) = normalize(&file);
    assert_eq!(code, 2, "the bad platform is invalid input");
    assert!(
        stderr.contains(&format!(
            "{file}: at /ExporterResponse/containerimage.buildinfo~1linux~1s390x: invalid base64"
        )),
        "{stderr}"
    );
    let platforms: Vec<(&Value, &Value)> = evidence
        .iter()
        .map(|ev| (&ev["layers"], &ev["document"]["payload_pointer"]))
        .collect();
    assert_eq!(
        platforms,
        [
            (
                &json!(["buildkit-buildinfo linux/amd64"]),
                &json!("/ExporterResponse/containerimage.buildinfo~1linux~1amd64")
            ),
            (
                &json!(["buildkit-buildinfo linux/arm64"]),
                &json!("/ExporterResponse/containerimage.buildinfo~1linux~1arm64")
            ),
        ]
    );
    // Pointers are inside the decoded base64, as for a DSSE payload.
    for ev in &evidence {
        assert_eq!(materials(ev), expected(""));
    }
    let text = provcheck(&["normalize", "--format", "text", &file]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("(BuildKit build info for linux/arm64)"),
        "{text}"
    );
}

#[test]
fn an_image_config_yields_its_build_info() {
    let dir = Scratch::new("buildinfo-config");
    let file = dir.file(
        "config.json",
        json!({"architecture": "amd64", "os": "linux",
               "moby.buildkit.buildinfo.v1": STANDARD.encode(build_info().to_string())})
        .to_string()
        .as_bytes(),
    );
    let (code, evidence, stderr) = normalize(&file);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(evidence.len(), 1);
    assert_eq!(
        evidence[0]["document"]["payload_pointer"],
        "/moby.buildkit.buildinfo.v1"
    );
    assert_eq!(materials(&evidence[0]), expected(""));
}

#[test]
fn build_info_is_judged_like_buildkit_provenance() {
    let dir = Scratch::new("buildinfo-verify");
    let deny_alpine = dir.file(
        "deny.json",
        br#"{"rules": [{"action": "DENY", "selector": {"identifier": "docker-image://docker.io/library/alpine:*"}}]}"#,
    );
    let out = provcheck(&["verify", &fixture(), "--source-policy", &deny_alpine]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("docker-image://docker.io/library/alpine:3.13 is denied"),
        "{text}"
    );

    // Never signed: a key demanded a signature, and there is none (fail).
    let key = crate::util::corpus()
        .join("npm/sigstore-go/publish_key.pub")
        .display()
        .to_string();
    let out = provcheck(&["verify", &fixture(), "--key", &key, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"][0]["rule"], "signature");
    assert_eq!(report["results"][0]["status"], "fail");
}

#[test]
fn bad_build_info_is_invalid_input_naming_the_place() {
    let dir = Scratch::new("buildinfo-bad");
    let rows = [
        (
            json!({"containerimage.buildinfo": {"sources": {"type": "git"}}}),
            "at /containerimage.buildinfo/sources",
        ),
        (
            json!({"containerimage.buildinfo": {"sources": [{"type": "docker-image", "ref": 7}]}}),
            "at /containerimage.buildinfo/sources/0/ref",
        ),
        (
            json!({"moby.buildkit.buildinfo.v1": STANDARD.encode("[]")}),
            "in the payload decoded from /moby.buildkit.buildinfo.v1: not a valid BuildKit build info: \
             expected an object, found an array",
        ),
    ];
    for (i, (value, want)) in rows.into_iter().enumerate() {
        let file = dir.file(&format!("bad{i}.json"), value.to_string().as_bytes());
        let (code, evidence, stderr) = normalize(&file);
        assert_eq!((code, evidence.len()), (2, 0), "{value}: {stderr}");
        assert!(
            stderr.contains(&file) && stderr.contains(want),
            "{value}: {stderr}"
        );
    }
}

/// Inside a file that holds several objects (a Kubernetes `List`), build
/// info pointers and errors name places in the file.
#[test]
fn pointers_name_places_in_the_file() {
    let dir = Scratch::new("buildinfo-list");
    let file = dir.file(
        "list.json",
        json!({"apiVersion": "v1", "kind": "List", "items": [
            {"containerimage.buildinfo": build_info()},
            {"containerimage.buildinfo": "!!"},
        ]})
        .to_string()
        .as_bytes(),
    );
    let (code, evidence, stderr) = normalize(&file);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("at /items/1/containerimage.buildinfo: invalid base64"),
        "{stderr}"
    );
    assert_eq!(
        materials(&evidence[0]),
        expected("/items/0/containerimage.buildinfo")
    );
}
