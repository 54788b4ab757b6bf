//! `vsa.result`: a SLSA verification summary attestation is judged by what
//! it says, and by who said it about what. Its signature only says who
//! signed it: a signed `FAILED` must not read as a pass, and a `PASSED`
//! passes only from the verifier the gate names (`--verifier-id`), for the
//! levels it requires (`--verified-level`) and, when given, the resource
//! (`--resource-uri`), as slsa-verifier's `verify-vsa`.

use serde_json::Value;

use crate::error::JsonPointer;
use crate::results::{RuleId, RuleResult, Status};

/// The VSA v1 predicate type.
pub const VSA_PREDICATE_TYPE: &str = "https://slsa.dev/verification_summary/v1";

/// What a gate requires of a VSA it is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VsaExpectation {
    /// `predicate.verifier.id` must be this (`--verifier-id`); without it a
    /// `PASSED` is `unknown`: anyone holding the key could have said it.
    pub verifier_id: Option<String>,
    /// Each level must be verified (`--verified-level`): a level of the same
    /// track at least as high (`SLSA_BUILD_LEVEL_3` covers level 2).
    pub levels: Vec<String>,
    /// `predicate.resourceUri` must be this (`--resource-uri`).
    pub resource_uri: Option<String>,
}

/// Whether `got` (a verified level) covers `want`: the same level, or a
/// higher one of the same track (`SLSA_BUILD_LEVEL_3` covers
/// `SLSA_BUILD_LEVEL_2`).
fn covers(got: &str, want: &str) -> bool {
    if got == want {
        return true;
    }
    let split = |level: &str| -> Option<(String, u32)> {
        let (track, n) = level.rsplit_once('_')?;
        Some((track.to_owned(), n.parse().ok()?))
    };
    matches!((split(got), split(want)), (Some((gt, gn)), Some((wt, wn))) if gt == wt && gn >= wn)
}

/// The `vsa.result` of a statement, when it is a VSA (`None` otherwise).
pub fn judge(statement: &Value, expect: &VsaExpectation) -> Option<RuleResult> {
    if statement.get("predicateType").and_then(Value::as_str) != Some(VSA_PREDICATE_TYPE) {
        return None;
    }
    let predicate = JsonPointer::root().key("predicate");
    let at = predicate.key("verificationResult");
    let text = |pointer: &JsonPointer| statement.pointer(pointer.as_str()).and_then(Value::as_str);
    let result = |status, message: String, pointer: &JsonPointer| {
        Some(
            RuleResult::document(RuleId::VsaResult.as_str(), status, message)
                .with_evidence([pointer.clone()]),
        )
    };
    match text(&at) {
        Some("PASSED") => {}
        Some("FAILED") => {
            return result(
                Status::Fail,
                "the verification summary says FAILED".to_owned(),
                &at,
            )
        }
        Some(other) => {
            return result(
                Status::Unknown,
                format!("the verification summary says {other:?}, neither PASSED nor FAILED"),
                &at,
            )
        }
        None => {
            return result(
                Status::Unknown,
                "the verification summary has no verificationResult".to_owned(),
                &at,
            )
        }
    }
    let verifier_at = predicate.key("verifier").key("id");
    let verifier = text(&verifier_at);
    let Some(want) = &expect.verifier_id else {
        return result(
            Status::Unknown,
            format!(
                "the verification summary says PASSED, but its verifier ({}) is not pinned: give --verifier-id",
                verifier.unwrap_or("none named")
            ),
            &verifier_at,
        );
    };
    if verifier != Some(want.as_str()) {
        return result(
            Status::Fail,
            format!(
                "--verifier-id wants {want}, the verification summary's verifier is {}",
                verifier.unwrap_or("not named")
            ),
            &verifier_at,
        );
    }
    if let Some(want) = &expect.resource_uri {
        let uri_at = predicate.key("resourceUri");
        let got = text(&uri_at);
        if got != Some(want.as_str()) {
            return result(
                Status::Fail,
                format!(
                    "--resource-uri wants {want}, the verification summary is about {}",
                    got.unwrap_or("nothing named")
                ),
                &uri_at,
            );
        }
    }
    let levels_at = predicate.key("verifiedLevels");
    let levels: Vec<&str> = statement
        .pointer(levels_at.as_str())
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(missing) = expect
        .levels
        .iter()
        .find(|want| !levels.iter().any(|got| covers(got, want)))
    {
        return result(
            Status::Fail,
            format!(
                "--verified-level wants {missing}, the verification summary verified {}",
                if levels.is_empty() {
                    "none".to_owned()
                } else {
                    levels.join(", ")
                }
            ),
            &levels_at,
        );
    }
    result(
        Status::Pass,
        format!("the verification summary of {want} says PASSED"),
        &at,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_vsa_is_judged_by_its_result_verifier_levels_and_resource() {
        let vsa = |result: Value| {
            json!({"predicateType": VSA_PREDICATE_TYPE, "predicate": {"verificationResult": result,
                "verifier": {"id": "https://v.example"}, "resourceUri": "pkg:x",
                "verifiedLevels": ["SLSA_BUILD_LEVEL_3"]}})
        };
        let pinned = VsaExpectation {
            verifier_id: Some("https://v.example".into()),
            ..VsaExpectation::default()
        };
        let with = |f: &dyn Fn(&mut VsaExpectation)| {
            let mut e = pinned.clone();
            f(&mut e);
            e
        };
        let rows = [
            (vsa(json!("PASSED")), pinned.clone(), Some(Status::Pass)),
            (
                vsa(json!("PASSED")),
                VsaExpectation::default(),
                Some(Status::Unknown),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.verifier_id = Some("https://other".into())),
                Some(Status::Fail),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.levels = vec!["SLSA_BUILD_LEVEL_2".into()]),
                Some(Status::Pass),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.levels = vec!["SLSA_BUILD_LEVEL_4".into()]),
                Some(Status::Fail),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.levels = vec!["SLSA_SOURCE_LEVEL_1".into()]),
                Some(Status::Fail),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.resource_uri = Some("pkg:y".into())),
                Some(Status::Fail),
            ),
            (
                vsa(json!("PASSED")),
                with(&|e| e.resource_uri = Some("pkg:x".into())),
                Some(Status::Pass),
            ),
            (vsa(json!("FAILED")), pinned.clone(), Some(Status::Fail)),
            (vsa(json!("passed")), pinned.clone(), Some(Status::Unknown)),
            (vsa(json!(null)), pinned.clone(), Some(Status::Unknown)),
            (
                json!({"predicateType": "https://slsa.dev/provenance/v1"}),
                pinned.clone(),
                None,
            ),
        ];
        for (statement, expect, want) in rows {
            assert_eq!(
                judge(&statement, &expect).map(|r| r.status),
                want,
                "{statement} {expect:?}"
            );
        }
    }
}
