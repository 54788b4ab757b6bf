//! `vsa.result`: a SLSA verification summary attestation is judged by what
//! it says. Its signature only says who wrote it; a signed `FAILED` must
//! not read as a pass.

use serde_json::Value;

use crate::results::{RuleId, RuleResult, Status};

/// The VSA v1 predicate type.
pub const VSA_PREDICATE_TYPE: &str = "https://slsa.dev/verification_summary/v1";

/// The `vsa.result` of a statement, when it is a VSA (`None` otherwise).
pub fn judge(statement: &Value) -> Option<RuleResult> {
    if statement.get("predicateType").and_then(Value::as_str) != Some(VSA_PREDICATE_TYPE) {
        return None;
    }
    let at = crate::error::JsonPointer::root()
        .key("predicate")
        .key("verificationResult");
    let said = statement.pointer(at.as_str()).and_then(Value::as_str);
    let (status, message) = match said {
        Some("PASSED") => (
            Status::Pass,
            "the verification summary says PASSED".to_owned(),
        ),
        Some("FAILED") => (
            Status::Fail,
            "the verification summary says FAILED".to_owned(),
        ),
        Some(other) => (
            Status::Unknown,
            format!("the verification summary says {other:?}, neither PASSED nor FAILED"),
        ),
        None => (
            Status::Unknown,
            "the verification summary has no verificationResult".to_owned(),
        ),
    };
    Some(RuleResult::document(RuleId::VsaResult.as_str(), status, message).with_evidence([at]))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_vsa_is_judged_by_its_result() {
        let vsa = |result: Value| json!({"predicateType": VSA_PREDICATE_TYPE, "predicate": {"verificationResult": result}});
        let rows = [
            (vsa(json!("PASSED")), Some(Status::Pass)),
            (vsa(json!("FAILED")), Some(Status::Fail)),
            (vsa(json!("passed")), Some(Status::Unknown)),
            (vsa(json!(null)), Some(Status::Unknown)),
            (
                json!({"predicateType": "https://slsa.dev/provenance/v1"}),
                None,
            ),
        ];
        for (statement, want) in rows {
            assert_eq!(judge(&statement).map(|r| r.status), want, "{statement}");
        }
    }
}
