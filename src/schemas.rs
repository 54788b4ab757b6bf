//! The JSON Schemas provcheck ships (`schemas/`), embedded in the library:
//! what it prints (the Evidence, the verify report), what it reads as
//! configuration (the policy), and the attestation layers it validates
//! inputs against. `provcheck schema NAME` prints one; `--list` lists them.
//!
//! ```
//! let schema = provcheck::schemas::find("evidence").unwrap();
//! assert_eq!(schema.file, "evidence.schema.json");
//! assert!(schema.text.contains("\"$id\": \"https://provcheck.dev/schemas/evidence.schema.json\""));
//! ```

/// One bundled schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledSchema {
    /// The name `provcheck schema NAME` takes (the file name without `.schema.json`).
    pub name: &'static str,
    /// The file name in `schemas/`.
    pub file: &'static str,
    /// What it describes, in a few words.
    pub describes: &'static str,
    /// The schema text, exactly as in `schemas/`.
    pub text: &'static str,
}

macro_rules! bundled {
    ($name:literal, $describes:literal) => {
        BundledSchema {
            name: $name,
            file: concat!($name, ".schema.json"),
            describes: $describes,
            text: include_str!(concat!("../schemas/", $name, ".schema.json")),
        }
    };
}

/// The Evidence `provcheck normalize --format json` prints.
pub const EVIDENCE: BundledSchema =
    bundled!("evidence", "output: the Evidence that normalize prints");
/// The report `provcheck verify --format json` prints.
pub const REPORT: BundledSchema = bundled!("report", "output: the report of verify --format json");
/// One line of the records `provcheck audit` writes.
pub const AUDIT_RECORD: BundledSchema =
    bundled!("audit-record", "output: one record line of provcheck audit");
/// The summary `provcheck audit --summary-json` writes.
pub const AUDIT_SUMMARY: BundledSchema = bundled!(
    "audit-summary",
    "output: the summary of provcheck audit --summary-json"
);
/// The `TEST_OUTPUT` line `provcheck verify --output tekton` writes.
pub const TEKTON_TEST_OUTPUT: BundledSchema = bundled!(
    "tekton-test-output",
    "output: TEST_OUTPUT of provcheck verify --output tekton"
);
/// The verification summary attestation `provcheck verify --output vsa` writes.
pub const VSA: BundledSchema = bundled!(
    "vsa",
    "output: SLSA verification summary attestation of verify --output vsa"
);
/// Native policy files (`--policy`).
pub const POLICY: BundledSchema = bundled!("policy", "config: native policy files (--policy)");
/// Sigstore bundles v0.1–v0.3 (input, structural).
pub const SIGSTORE_BUNDLE: BundledSchema =
    bundled!("sigstore-bundle", "input: Sigstore bundle v0.1-v0.3");
/// DSSE envelopes (input).
pub const DSSE_ENVELOPE: BundledSchema = bundled!("dsse-envelope", "input: DSSE envelope");
/// in-toto Statement v0.1 (input).
pub const IN_TOTO_STATEMENT_V01: BundledSchema =
    bundled!("in-toto-statement-v0.1", "input: in-toto Statement v0.1");
/// in-toto Statement v1 (input).
pub const IN_TOTO_STATEMENT_V1: BundledSchema =
    bundled!("in-toto-statement-v1", "input: in-toto Statement v1");
/// SLSA provenance v0.2 predicate (input).
pub const SLSA_PROVENANCE_V02: BundledSchema = bundled!(
    "slsa-provenance-v0.2",
    "input: SLSA provenance v0.2 predicate"
);
/// SLSA provenance v1.0 predicate (input).
pub const SLSA_PROVENANCE_V1: BundledSchema = bundled!(
    "slsa-provenance-v1",
    "input: SLSA provenance v1.0 predicate"
);

/// Every bundled schema: outputs, then configuration, then inputs.
pub const ALL: [BundledSchema; 13] = [
    EVIDENCE,
    REPORT,
    AUDIT_RECORD,
    AUDIT_SUMMARY,
    TEKTON_TEST_OUTPUT,
    VSA,
    POLICY,
    SIGSTORE_BUNDLE,
    DSSE_ENVELOPE,
    IN_TOTO_STATEMENT_V01,
    IN_TOTO_STATEMENT_V1,
    SLSA_PROVENANCE_V02,
    SLSA_PROVENANCE_V1,
];

/// The schema called `name` (`evidence`), or whose file is `name`
/// (`evidence.schema.json`).
pub fn find(name: &str) -> Option<BundledSchema> {
    ALL.into_iter().find(|s| s.name == name || s.file == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `schemas/` is bundled, under its own name, with its own `$id`.
    #[test]
    fn every_schema_file_is_bundled_and_compiles() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut bundled: Vec<String> = ALL.iter().map(|s| s.file.to_owned()).collect();
        bundled.sort();
        assert_eq!(files, bundled);
        for s in ALL {
            let value: serde_json::Value = serde_json::from_str(s.text).unwrap();
            assert_eq!(
                value["$id"],
                format!("https://provcheck.dev/schemas/{}", s.file),
                "{}",
                s.name
            );
            assert!(jsonschema::draft202012::new(&value).is_ok(), "{}", s.name);
            assert_eq!(find(s.name), Some(s));
            assert_eq!(find(s.file), Some(s));
        }
        assert_eq!(find("nope"), None);
    }
}
