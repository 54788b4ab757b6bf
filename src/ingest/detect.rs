//! What kind of document a decoded value is: by `kind` when it says, by
//! shape when it does not (the objects Tekton Chains' tests feed its
//! formatters carry no `apiVersion`/`kind`).

use serde::Serialize;
use serde_json::Value;

/// The kinds of document provcheck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// A Tekton `TaskRun` (`tekton.dev/v1` or `v1beta1`).
    TektonTaskRun,
    /// A Tekton `PipelineRun` (`tekton.dev/v1` or `v1beta1`).
    TektonPipelineRun,
}

impl DocumentKind {
    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::TektonTaskRun => "Tekton TaskRun",
            Self::TektonPipelineRun => "Tekton PipelineRun",
        }
    }
}

/// What the detector accepts, for error messages.
pub(crate) const EXPECTED: &str = "a Tekton TaskRun or PipelineRun (by `kind`, or by shape: \
     status.steps, status.taskSpec, spec.taskRef/taskSpec for a TaskRun; status.taskRuns, \
     status.childReferences, status.pipelineSpec, spec.pipelineRef/pipelineSpec for a PipelineRun)";

/// Detect the kind of `value`, or `None` when it is none provcheck reads.
pub(crate) fn detect(value: &Value) -> Option<DocumentKind> {
    let object = value.as_object()?;
    if let Some(kind) = object.get("kind").and_then(Value::as_str) {
        return match kind {
            "TaskRun" => Some(DocumentKind::TektonTaskRun),
            "PipelineRun" => Some(DocumentKind::TektonPipelineRun),
            _ => None,
        };
    }
    let has = |section: &str, keys: &[&str]| {
        object
            .get(section)
            .and_then(Value::as_object)
            .is_some_and(|m| keys.iter().any(|k| m.contains_key(*k)))
    };
    if has(
        "status",
        &[
            "taskRuns",
            "childReferences",
            "pipelineSpec",
            "pipelineResults",
        ],
    ) || has("spec", &["pipelineRef", "pipelineSpec"])
    {
        Some(DocumentKind::TektonPipelineRun)
    } else if has("status", &["steps", "taskSpec", "podName", "sidecars"])
        || has("spec", &["taskRef", "taskSpec"])
    {
        Some(DocumentKind::TektonTaskRun)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn detection_table() {
        let rows = [
            (
                json!({"kind": "TaskRun"}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"kind": "PipelineRun"}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (json!({"kind": "Pod", "status": {"steps": []}}), None),
            (
                json!({"status": {"steps": []}}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"spec": {"taskRef": {"name": "x"}}}),
                Some(DocumentKind::TektonTaskRun),
            ),
            (
                json!({"status": {"taskRuns": {}}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (
                json!({"status": {"childReferences": []}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (
                json!({"spec": {"pipelineRef": {}}}),
                Some(DocumentKind::TektonPipelineRun),
            ),
            (json!({"status": "steps"}), None),
            (json!([1, 2]), None),
            (json!("x"), None),
            (json!({}), None),
        ];
        for (value, want) in rows {
            assert_eq!(detect(&value), want, "{value}");
        }
    }
}
