//! Shared helpers: paths, running the binary, schema validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/corpus`, the real documents other projects wrote (byte for byte;
/// `tests/corpus/SOURCES.md` names where each came from).
pub(crate) fn corpus() -> PathBuf {
    root().join("tests").join("corpus")
}

/// Every file below `dir` with one of `extensions`, sorted.
pub(crate) fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Run `provcheck` with `args`.
pub(crate) fn provcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(args)
        .output()
        .expect("run provcheck")
}

/// Run `provcheck` with `args`, feeding `stdin`.
pub(crate) fn provcheck_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_provcheck"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn provcheck");
    // A run refused before it reads (a usage error) closes its end: what
    // it did not read is not the test's concern.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().expect("wait for provcheck")
}

/// Assert that `instance` validates against `schemas/evidence.schema.json`.
pub(crate) fn assert_valid_evidence(instance: &serde_json::Value) {
    assert_valid("evidence.schema.json", instance);
}

/// A scratch directory removed on drop.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("provcheck-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(crate) fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// The path of `name` in the directory, not created.
    pub(crate) fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Assert that `instance` validates against the JSON schema `schemas/NAME`
/// (each schema compiled once per test process).
pub(crate) fn assert_valid(schema_name: &str, instance: &serde_json::Value) {
    static VALIDATORS: Mutex<BTreeMap<String, Arc<jsonschema::Validator>>> =
        Mutex::new(BTreeMap::new());
    let validator = {
        let mut cache = VALIDATORS.lock().unwrap();
        let entry = cache.entry(schema_name.to_owned()).or_insert_with(|| {
            let text = std::fs::read_to_string(root().join("schemas").join(schema_name)).unwrap();
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            Arc::new(
                jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&schema)
                    .expect("schema compiles"),
            )
        });
        Arc::clone(entry)
    };
    assert_no_violations(&validator, instance, schema_name);
}

/// Assert that `validator` finds nothing wrong with `instance`, listing
/// every violation of `schema_name` when it does.
fn assert_no_violations(
    validator: &jsonschema::Validator,
    instance: &serde_json::Value,
    schema_name: &str,
) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{schema_name} violations:\n{}",
        errors.join("\n")
    );
}

/// Assert that `instance` validates against the official SARIF 2.1.0 JSON
/// Schema (`tests/schemas/sarif/`, draft-04).
pub(crate) fn assert_valid_sarif(instance: &serde_json::Value) {
    let path = root().join("tests/schemas/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    assert_no_violations(&validator, instance, "SARIF 2.1.0");
}

/// DSSE's pre-authentication encoding: the bytes a signature covers.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A PEM public key from its `SubjectPublicKeyInfo` DER.
pub(crate) fn pem(spki: &[u8]) -> String {
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, spki);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

/// An audit summary (`--summary-json`), checked against its schema and its
/// identity: `inputs = pass + fail + unknown + error + skipped`, and every
/// skipped document has its reason.
pub(crate) fn audit_summary(path: &Path) -> serde_json::Value {
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_valid("audit-summary.schema.json", &s);
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let v = &s["verdicts"];
    let judged = n(&v["pass"]) + n(&v["fail"]) + n(&v["unknown"]) + n(&v["error"]);
    assert_eq!(n(&s["inputs"]), judged + n(&s["skipped"]), "{s:#}");
    let w = &s["window"];
    assert_eq!(
        n(&s["skipped"]),
        n(&w["before_since"]) + n(&w["after_until"]) + n(&s["not_selected"]),
        "{s:#}"
    );
    s
}
