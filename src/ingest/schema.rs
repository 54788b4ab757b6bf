//! Structural validation of the attestation layers against the JSON Schemas
//! in `schemas/` (draft 2020-12), embedded by [`crate::schemas`] and each
//! compiled once per process.
//!
//! The schemas check what provcheck reads (required members, their types);
//! they allow unknown members, as the in-toto and SLSA specs ask consumers
//! to ignore them. Signatures, certificates and log entries are checked by
//! verification, not here.

use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{IngestError, JsonPointer, Location};

/// A bundled input schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schema {
    /// `schemas/sigstore-bundle.schema.json`.
    SigstoreBundle,
    /// `schemas/dsse-envelope.schema.json`.
    DsseEnvelope,
    /// `schemas/in-toto-statement-v0.1.schema.json`.
    StatementV01,
    /// `schemas/in-toto-statement-v1.schema.json`.
    StatementV1,
    /// `schemas/slsa-provenance-v0.2.schema.json`.
    SlsaV02,
    /// `schemas/slsa-provenance-v1.schema.json`.
    SlsaV1,
}

impl Schema {
    /// Every input schema, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [Schema; 6] = [
        Schema::SigstoreBundle,
        Schema::DsseEnvelope,
        Schema::StatementV01,
        Schema::StatementV1,
        Schema::SlsaV02,
        Schema::SlsaV1,
    ];

    /// The layer's name in messages.
    pub(crate) fn layer(self) -> &'static str {
        match self {
            Self::SigstoreBundle => "Sigstore bundle",
            Self::DsseEnvelope => "DSSE envelope",
            Self::StatementV01 => "in-toto statement v0.1",
            Self::StatementV1 => "in-toto statement v1",
            Self::SlsaV02 => "SLSA provenance v0.2 predicate",
            Self::SlsaV1 => "SLSA provenance v1 predicate",
        }
    }

    fn text(self) -> &'static str {
        use crate::schemas;
        match self {
            Self::SigstoreBundle => schemas::SIGSTORE_BUNDLE.text,
            Self::DsseEnvelope => schemas::DSSE_ENVELOPE.text,
            Self::StatementV01 => schemas::IN_TOTO_STATEMENT_V01.text,
            Self::StatementV1 => schemas::IN_TOTO_STATEMENT_V1.text,
            Self::SlsaV02 => schemas::SLSA_PROVENANCE_V02.text,
            Self::SlsaV1 => schemas::SLSA_PROVENANCE_V1.text,
        }
    }

    fn cell(self) -> &'static OnceLock<Result<jsonschema::Validator, String>> {
        static BUNDLE: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        static DSSE: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        static STATEMENT_V01: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        static STATEMENT_V1: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        static SLSA_V02: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        static SLSA_V1: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
        match self {
            Self::SigstoreBundle => &BUNDLE,
            Self::DsseEnvelope => &DSSE,
            Self::StatementV01 => &STATEMENT_V01,
            Self::StatementV1 => &STATEMENT_V1,
            Self::SlsaV02 => &SLSA_V02,
            Self::SlsaV1 => &SLSA_V1,
        }
    }

    /// The compiled validator (compiled on first use), or why it does not compile.
    pub(crate) fn validator(self) -> Result<&'static jsonschema::Validator, &'static str> {
        self.cell()
            .get_or_init(|| {
                let schema: Value = serde_json::from_str(self.text()).map_err(|e| e.to_string())?;
                jsonschema::draft202012::options()
                    .build(&schema)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Check `value` against `schema`; the first violation becomes an error at
/// `at(pointer)`, `pointer` being the violation's place inside `value`.
pub(crate) fn check(
    schema: Schema,
    value: &Value,
    at: impl Fn(JsonPointer) -> Location,
) -> Result<(), IngestError> {
    let validator = match schema.validator() {
        Ok(v) => v,
        Err(message) => {
            // Only reachable if a bundled schema is broken; a unit test compiles each.
            return Err(IngestError::Schema {
                at: at(JsonPointer::root()),
                layer: schema.layer(),
                message: format!("internal: the bundled schema does not compile: {message}"),
            });
        }
    };
    // The fast check first: collecting errors costs even when there are none.
    if validator.is_valid(value) {
        return Ok(());
    }
    match validator.iter_errors(value).next() {
        None => Ok(()),
        Some(e) => Err(IngestError::Schema {
            at: at(JsonPointer::from_rfc6901(e.instance_path().as_str())),
            layer: schema.layer(),
            message: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_bundled_schema_compiles_and_has_an_id() {
        for schema in Schema::ALL {
            assert!(schema.validator().is_ok(), "{schema:?}");
            let text: Value = serde_json::from_str(schema.text()).unwrap();
            assert!(text["$id"].as_str().unwrap().starts_with("https://"));
            assert_eq!(
                text["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
        }
    }

    #[test]
    fn a_violation_names_the_pointer_and_the_expectation() {
        let envelope = json!({"payload": "e30=", "payloadType": "x", "signatures": [{"sig": 7}]});
        let err = check(Schema::DsseEnvelope, &envelope, |p| {
            Location::new("e.json", JsonPointer::root().key("dsseEnvelope").join(&p))
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "e.json: at /dsseEnvelope/signatures/0/sig: not a valid DSSE envelope: 7 is not of type \"string\""
        );
    }
}
