//! Tekton TaskRun and PipelineRun objects (`tekton.dev/v1` and `v1beta1`).
//!
//! Declared steps and sidecars come from the task spec (`status.taskSpec`,
//! else `spec.taskSpec`, else a pipeline task's embedded `taskSpec`); runtime
//! ImageIDs from `status.steps[]` / `status.sidecars[]`. The two are joined
//! **by name**, never by index: status entries carry the step name (or a
//! container name with a `step-` / `sidecar-` prefix), and an unnamed step `i`
//! is `unnamed-i`, as Tekton names its container. Entries found on one side
//! only are kept, with the other side absent.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::error::{JsonPointer, NormalizeError};
use crate::evidence::{DeclaredImage, Note, NoteCode, Pointers, StepEvidence, StepKind};
use crate::normalize::trust::{decide, Declared};
use crate::oci::image_id::ImageId;

mod de;
mod run;
mod steps;

use de::Text;
pub(crate) use de::{nullable, typed};
pub(crate) use run::{
    declared_pipeline_spec, declared_task_spec, pipeline_run, task_run, Extracted,
};
pub(crate) use steps::{step_evidence, StepIdentity};

/// Tekton's label naming the pipeline task a TaskRun ran for.
const PIPELINE_TASK_LABEL: &str = "tekton.dev/pipelineTask";

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Header {
    pub(crate) api_version: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) metadata: Metadata,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) status: RunTimes,
}

/// When a TaskRun or PipelineRun ran (`status.startTime`, `status.completionTime`).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunTimes {
    pub(crate) start_time: Option<String>,
    pub(crate) completion_time: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Metadata {
    pub(crate) name: Option<String>,
    pub(crate) uid: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    labels: BTreeMap<String, String>,
}

// The structs below borrow their strings from the document (serde_json's
// `&Value` deserializer lends them): images and names are copied once, into
// the Evidence.

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TaskRun<'a> {
    #[serde(default, deserialize_with = "nullable")]
    metadata: Metadata,
    #[serde(default, deserialize_with = "nullable", borrow)]
    spec: TaskRunSpec<'a>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    status: TaskRunStatus<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TaskRunSpec<'a> {
    #[serde(borrow)]
    task_spec: Option<TaskSpec<'a>>,
    task_ref: Option<NamedRef>,
}

#[derive(Deserialize, Default)]
struct NamedRef {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TaskRunStatus<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    steps: Vec<ContainerState<'a>>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    sidecars: Vec<ContainerState<'a>>,
    #[serde(borrow)]
    task_spec: Option<TaskSpec<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ContainerState<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    container: Option<Text<'a>>,
    #[serde(rename = "imageID", borrow)]
    image_id: Option<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TaskSpec<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    steps: Vec<Container<'a>>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    sidecars: Vec<Container<'a>>,
    #[serde(borrow)]
    step_template: Option<Container<'a>>,
    /// An embedded custom task (`apiVersion`, `kind`, `spec`) is another
    /// kind of task: no steps to judge.
    #[serde(borrow)]
    api_version: Option<Text<'a>>,
    #[serde(borrow)]
    kind: Option<Text<'a>>,
    spec: Option<serde::de::IgnoredAny>,
}

impl TaskSpec<'_> {
    /// Whether this is an embedded custom task's spec, not a Tekton Task's.
    fn is_custom(&self) -> bool {
        let tekton_api = self
            .api_version
            .as_ref()
            .is_none_or(|v| v.as_str().starts_with("tekton.dev/"));
        let task_kind = self.kind.as_ref().is_none_or(|k| k.as_str() == "Task");
        self.spec.is_some() || !tekton_api || !task_kind
    }
}

#[derive(Deserialize, Default)]
struct Container<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    image: Option<Text<'a>>,
    /// A Tekton step-action reference (`ref`): the step's image is the
    /// step action's, defined elsewhere.
    #[serde(rename = "ref")]
    step_action: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PipelineRun<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    status: PipelineRunStatus<'a>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    spec: PipelineRunSpec<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PipelineRunSpec<'a> {
    #[serde(borrow)]
    pipeline_spec: Option<PipelineSpec<'a>>,
    pipeline_ref: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PipelineRunStatus<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    task_runs: BTreeMap<String, ChildTaskRun<'a>>,
    /// v1beta1: the custom runs (`Run`) a PipelineRun embeds.
    #[serde(default, deserialize_with = "nullable")]
    runs: BTreeMap<String, ChildRun>,
    #[serde(default, deserialize_with = "nullable")]
    child_references: Vec<ChildReference>,
    #[serde(default, deserialize_with = "nullable")]
    skipped_tasks: Vec<SkippedTask>,
    #[serde(borrow)]
    pipeline_spec: Option<PipelineSpec<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ChildTaskRun<'a> {
    pipeline_task_name: Option<String>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    status: TaskRunStatus<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ChildRun {
    pipeline_task_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ChildReference {
    kind: Option<String>,
    name: Option<String>,
    pipeline_task_name: Option<String>,
}

#[derive(Deserialize, Default)]
struct SkippedTask {
    name: Option<String>,
}

#[derive(Deserialize, Default)]
struct PipelineSpec<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    tasks: Vec<PipelineTask<'a>>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    finally: Vec<PipelineTask<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PipelineTask<'a> {
    name: Option<String>,
    #[serde(borrow)]
    task_spec: Option<TaskSpec<'a>>,
    task_ref: Option<serde::de::IgnoredAny>,
    /// A nested pipeline (pipelines in pipelines).
    #[serde(borrow)]
    pipeline_spec: Option<Box<PipelineSpec<'a>>>,
    pipeline_ref: Option<serde::de::IgnoredAny>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::run::MAX_PIPELINE_DEPTH;
    use super::*;
    use crate::normalize::trust::TrustStatus;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const MAX: usize = crate::ingest::MAX_STEPS;

    /// Extracted steps, built, and notes.
    struct Built {
        steps: Vec<StepEvidence>,
        notes: Vec<Note>,
    }

    fn built(x: Extracted) -> Built {
        let (steps, notes) = x.build().unwrap();
        Built { steps, notes }
    }

    fn steps(value: serde_json::Value) -> Vec<StepEvidence> {
        built(task_run("t.json", &value, &JsonPointer::root(), MAX).unwrap()).steps
    }

    fn summary(steps: &[StepEvidence]) -> Vec<(String, Option<String>, Option<String>)> {
        steps
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.declared_image.clone(),
                    s.runtime_image_id.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_owned())
    }

    #[test]
    fn joins_by_name_not_index() {
        let got = steps(json!({"status": {
            "taskSpec": {"steps": [
                {"name": "a", "image": "img-a"},
                {"name": "b", "image": "img-b"},
                {"name": "c", "image": "img-c"}]},
            "steps": [
                {"name": "c", "container": "step-c", "imageID": "rt-c"},
                {"container": "step-a", "imageID": "rt-a"},
                {"name": "extra", "imageID": "rt-x"}]}}));
        assert_eq!(
            summary(&got),
            vec![
                ("a".into(), s("img-a"), s("rt-a")),
                ("b".into(), s("img-b"), None),
                ("c".into(), s("img-c"), s("rt-c")),
                ("extra".into(), None, s("rt-x")),
            ]
        );
        assert_eq!(
            got[0].pointers.declared_image.as_ref().unwrap().as_str(),
            "/status/taskSpec/steps/0/image"
        );
        assert_eq!(
            got[0].pointers.runtime_image_id.as_ref().unwrap().as_str(),
            "/status/steps/1/imageID"
        );
        assert!(got[1].pointers.runtime_image_id.is_none());
    }

    #[test]
    fn sidecars_join_separately_and_strip_their_prefix() {
        let got = steps(json!({"status": {
            "taskSpec": {
                "steps": [{"name": "x", "image": "step-img"}],
                "sidecars": [{"name": "x", "image": "sidecar-img"}]},
            "steps": [{"container": "step-x", "imageID": "rt-step"}],
            "sidecars": [{"container": "sidecar-x", "imageID": "rt-sidecar"}]}}));
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].kind, got[0].runtime_image_id.as_deref()),
            (StepKind::Step, Some("rt-step"))
        );
        assert_eq!(
            (got[1].kind, got[1].runtime_image_id.as_deref()),
            (StepKind::Sidecar, Some("rt-sidecar"))
        );
        assert_eq!(got[1].declared_image.as_deref(), Some("sidecar-img"));
    }

    #[test]
    fn unnamed_steps_are_named_like_their_containers() {
        let got = steps(json!({"status": {
            "taskSpec": {"steps": [{"image": "i0"}, {"image": "i1"}]},
            "steps": [{"container": "step-unnamed-1", "imageID": "r1"}, {"container": "step-unnamed-0", "imageID": "r0"}]}}));
        assert_eq!(
            summary(&got),
            vec![
                ("unnamed-0".into(), s("i0"), s("r0")),
                ("unnamed-1".into(), s("i1"), s("r1"))
            ]
        );
    }

    #[test]
    fn step_template_image_is_inherited() {
        let got = steps(json!({"spec": {"taskSpec": {
            "stepTemplate": {"image": format!("alpine@sha256:{A}")},
            "steps": [{"name": "a"}, {"name": "b", "image": "own:1"}]}}}));
        assert_eq!(got[0].trust.status, TrustStatus::Pinned);
        assert_eq!(
            got[0].pointers.declared_image.as_ref().unwrap().as_str(),
            "/spec/taskSpec/stepTemplate/image"
        );
        assert_eq!(got[1].declared_image.as_deref(), Some("own:1"));
    }

    /// A step-action step's image is the step action's: neither the step
    /// template's nor an `image` written beside the `ref` is declared for it.
    #[test]
    fn a_step_action_step_declares_no_image() {
        let got = steps(json!({"spec": {"taskSpec": {
        "stepTemplate": {"image": format!("quay.io/acme/t@sha256:{A}")},
        "steps": [
            {"name": "a", "ref": {"name": "git-clone"}},
            {"name": "b", "ref": {"name": "x"}, "image": format!("quay.io/acme/b@sha256:{A}")},
            {"name": "c"}
        ]}}}));
        let got: Vec<_> = got
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.trust.status,
                    s.trusted_reference.is_some(),
                    s.notes.iter().map(|n| n.code.as_str()).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", TrustStatus::Undeclared, false, vec!["step-action"]),
                ("b", TrustStatus::Undeclared, false, vec!["step-action"]),
                ("c", TrustStatus::Pinned, true, vec![]),
            ]
        );
    }

    /// Steps that share a name are never joined by position: each keeps
    /// its own side, and a note says why.
    #[test]
    fn duplicate_step_names_are_not_joined() {
        let out = built(
            task_run(
                "t.json",
                &json!({
                "spec": {"taskSpec": {"steps": [
                    {"name": "a", "image": format!("quay.io/acme/x@sha256:{A}")},
                    {"name": "a", "image": "evil.io/y:1"},
                    {"name": "b", "image": "b:1"}]}},
                "status": {"steps": [
                    {"name": "a", "imageID": "evil.io/y@sha256:1"},
                    {"name": "a", "imageID": "quay.io/acme/x@sha256:2"},
                    {"name": "b", "imageID": "rt-b"}]}}),
                &JsonPointer::root(),
                MAX,
            )
            .unwrap(),
        );
        assert_eq!(
            summary(&out.steps),
            vec![
                ("a".into(), Some(format!("quay.io/acme/x@sha256:{A}")), None),
                ("a".into(), s("evil.io/y:1"), None),
                ("b".into(), s("b:1"), s("rt-b")),
                ("a".into(), None, s("evil.io/y@sha256:1")),
                ("a".into(), None, s("quay.io/acme/x@sha256:2")),
            ]
        );
        let notes: Vec<_> = out
            .notes
            .iter()
            .map(|n| (n.code.as_str(), n.pointer.as_str()))
            .collect();
        assert_eq!(notes, [("duplicate-step-name", "/spec/taskSpec")]);
    }

    #[test]
    fn status_task_spec_wins_over_spec_task_spec() {
        let got = steps(json!({
            "spec": {"taskSpec": {"steps": [{"name": "a", "image": "from-spec"}]}},
            "status": {"taskSpec": {"steps": [{"name": "a", "image": "from-status"}]}}}));
        assert_eq!(got[0].declared_image.as_deref(), Some("from-status"));
    }

    #[test]
    fn missing_spec_is_a_note_not_an_error() {
        let out = built(
            task_run(
                "t.json",
                &json!({"status": {"steps": [{"name": "a", "imageID": "x"}]}}),
                &JsonPointer::root(),
                MAX,
            )
            .unwrap(),
        );
        assert_eq!(out.steps.len(), 1);
        assert_eq!(out.steps[0].trust.status, TrustStatus::Undeclared);
        assert_eq!(out.notes[0].code, "no-task-spec");
    }

    #[test]
    fn nulls_are_empty() {
        let got = steps(
            json!({"metadata": null, "status": {"steps": null, "taskSpec": {"steps": null}}}),
        );
        assert!(got.is_empty());
    }

    #[test]
    fn wrong_type_names_the_pointer() {
        let err = task_run(
            "t.yaml",
            &json!({"status": {"steps": [{"name": "a"}, {"imageID": 7}]}}),
            &JsonPointer::root(),
            MAX,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "t.yaml: at /status/steps/1/imageID: invalid type: integer `7`, expected"
            ),
            "{text}"
        );
    }

    #[test]
    fn pipeline_run_child_references_and_inline_specs() {
        let out = built(
            pipeline_run(
                "p.json",
                &json!({"status": {
            "pipelineSpec": {"tasks": [
                {"name": "build", "taskSpec": {"steps": [{"name": "s", "image": "b:1"}]}},
                {"name": "not-run", "taskSpec": {"steps": [{"name": "s", "image": "c:1"}]}},
                {"name": "test", "taskRef": {"name": "t"}}]},
            "childReferences": [
                {"kind": "TaskRun", "name": "pr-build", "pipelineTaskName": "build"},
                {"kind": "TaskRun", "name": "pr-test", "pipelineTaskName": "test"}]}}),
                &JsonPointer::root(),
                MAX,
            )
            .unwrap(),
        );
        // The build's declared images are known (its spec is inline), and so
        // are those of the task that neither ran nor was skipped; the test's
        // are not.
        assert_eq!(
            summary(&out.steps),
            vec![("s".into(), s("b:1"), None), ("s".into(), s("c:1"), None)]
        );
        assert_eq!(out.steps[0].taskrun.as_deref(), Some("pr-build"));
        assert_eq!(
            out.steps[1].pointers.task.as_ref().map(JsonPointer::as_str),
            Some("/status/pipelineSpec/tasks/1")
        );
        assert_eq!(
            notes(&out),
            vec![
                (
                    "child-runtime-not-embedded",
                    "/status/childReferences/0",
                    false
                ),
                ("child-not-embedded", "/status/childReferences/1", true),
                (
                    "task-not-run",
                    "/status/pipelineSpec/tasks/1/taskSpec",
                    false
                ),
                (
                    "task-by-reference",
                    "/status/pipelineSpec/tasks/2/taskRef",
                    true
                ),
            ]
        );
    }

    fn notes(out: &Built) -> Vec<(&'static str, &str, bool)> {
        out.notes
            .iter()
            .map(|n| (n.code.as_str(), n.pointer.as_str(), n.not_judged))
            .collect()
    }

    fn run(value: serde_json::Value) -> Built {
        built(pipeline_run("p.json", &value, &JsonPointer::root(), MAX).unwrap())
    }

    /// A custom task's inline spec declares no steps: neither it nor its run
    /// is judged.
    #[test]
    fn a_custom_run_is_never_judged_from_its_spec() {
        let out = run(json!({"status": {
            "pipelineSpec": {"tasks": [{"name": "wait", "taskSpec": {
                "apiVersion": "example.dev/v1", "kind": "Wait", "spec": {"duration": "1s"}}}]},
            "childReferences": [{"kind": "CustomRun", "name": "pr-wait", "pipelineTaskName": "wait"}]}}));
        assert!(out.steps.is_empty());
        assert_eq!(
            notes(&out),
            vec![
                ("custom-task", "/status/childReferences/0", true),
                ("custom-task", "/status/pipelineSpec/tasks/0/taskSpec", true),
            ]
        );
    }

    /// The pipeline-task table: how each kind of task definition, run or
    /// skip is judged, row by row. Every task whose images are not in the
    /// document leaves a `not judged` note at its place.
    #[test]
    fn pipeline_tasks_row_by_row() {
        let pinned = format!("quay.io/acme/x@sha256:{A}");
        type Row<'a> = (
            &'a str,
            serde_json::Value,
            Vec<&'a str>,
            Vec<(&'a str, &'a str, bool)>,
        );
        let rows: Vec<Row> = vec![
            (
                "a task by reference in finally",
                json!({"spec": {"pipelineSpec": {
                    "tasks": [{"name": "a", "taskSpec": {"steps": [{"name": "s", "image": pinned}]}}],
                    "finally": [{"name": "f", "taskRef": {"name": "cleanup"}}]}}}),
                vec!["a/s"],
                vec![
                    ("task-not-run", "/spec/pipelineSpec/tasks/0/taskSpec", false),
                    (
                        "task-by-reference",
                        "/spec/pipelineSpec/finally/0/taskRef",
                        true,
                    ),
                ],
            ),
            (
                "two tasks of one name: both specs judged, both noted",
                json!({"spec": {"pipelineSpec": {
                    "tasks": [{"name": "a", "taskSpec": {"steps": [{"name": "s", "image": pinned}]}}],
                    "finally": [{"name": "a", "taskSpec": {"steps": [{"name": "s", "image": "evil.io/x:latest"}]}}]}}}),
                vec!["a/s", "a/s"],
                vec![
                    ("duplicate-task-name", "/spec/pipelineSpec/tasks/0", true),
                    ("duplicate-task-name", "/spec/pipelineSpec/finally/0", true),
                    ("task-not-run", "/spec/pipelineSpec/tasks/0/taskSpec", false),
                    (
                        "task-not-run",
                        "/spec/pipelineSpec/finally/0/taskSpec",
                        false,
                    ),
                ],
            ),
            (
                "a nested pipeline: its inline tasks judged, its references not",
                json!({"spec": {"pipelineSpec": {"tasks": [{"name": "outer", "pipelineSpec": {"tasks": [
                    {"name": "in", "taskSpec": {"steps": [{"name": "s", "image": pinned}]}},
                    {"name": "ref", "taskRef": {"name": "r"}},
                    {"name": "pref", "pipelineRef": {"name": "p"}}]}}]}}}),
                vec!["outer/in/s"],
                vec![
                    (
                        "task-by-reference",
                        "/spec/pipelineSpec/tasks/0/pipelineSpec/tasks/1/taskRef",
                        true,
                    ),
                    (
                        "pipeline-by-reference",
                        "/spec/pipelineSpec/tasks/0/pipelineSpec/tasks/2/pipelineRef",
                        true,
                    ),
                ],
            ),
            (
                "a task listed in status.pipelineSpec that status never ran",
                json!({"status": {
                    "pipelineSpec": {"tasks": [
                        {"name": "ran", "taskRef": {"name": "t"}},
                        {"name": "ghost", "taskRef": {"name": "t"}}]},
                    "taskRuns": {"pr-ran": {"pipelineTaskName": "ran", "status": {
                        "taskSpec": {"steps": [{"name": "s", "image": pinned}]},
                        "steps": [{"name": "s", "imageID": format!("quay.io/acme/x@sha256:{A}")}]}}}}}),
                vec!["ran/s"],
                vec![(
                    "task-by-reference",
                    "/status/pipelineSpec/tasks/1/taskRef",
                    true,
                )],
            ),
            (
                "a skipped task ran nothing: judged as skipped, not unknown",
                json!({"status": {
                    "pipelineSpec": {"tasks": [
                        {"name": "ran", "taskSpec": {"steps": [{"name": "s", "image": pinned}]}},
                        {"name": "skip", "taskRef": {"name": "t"}},
                        {"name": "skip2", "taskSpec": {"steps": [{"name": "s", "image": "evil.io/x:1"}]}}]},
                    "skippedTasks": [{"name": "skip", "reason": "When Expressions evaluated to false"}, {"name": "skip2"}],
                    "childReferences": [{"kind": "TaskRun", "name": "pr-ran", "pipelineTaskName": "ran"}]}}),
                vec!["ran/s"],
                vec![
                    (
                        "child-runtime-not-embedded",
                        "/status/childReferences/0",
                        false,
                    ),
                    ("task-skipped", "/status/pipelineSpec/tasks/1", false),
                    ("task-skipped", "/status/pipelineSpec/tasks/2", false),
                ],
            ),
            (
                "v1beta1 custom runs in status.runs",
                json!({"status": {"runs": {"pr-wait": {"pipelineTaskName": "wait", "status": {}}}}}),
                vec![],
                vec![("custom-task", "/status/runs/pr-wait", true)],
            ),
            (
                "a pipeline by reference that records no spec",
                json!({"spec": {"pipelineRef": {"name": "p"}}, "status": {}}),
                vec![],
                vec![("pipeline-by-reference", "/spec/pipelineRef", true)],
            ),
            (
                "a task that defines nothing",
                json!({"spec": {"pipelineSpec": {"tasks": [{"name": "empty"}]}}}),
                vec![],
                vec![("task-by-reference", "/spec/pipelineSpec/tasks/0", true)],
            ),
        ];
        for (what, value, want_steps, want_notes) in rows {
            let out = run(value);
            let got_steps: Vec<String> = out
                .steps
                .iter()
                .map(|s| format!("{}/{}", s.task.as_deref().unwrap_or("-"), s.name))
                .collect();
            assert_eq!(got_steps, want_steps, "{what}");
            assert_eq!(notes(&out), want_notes, "{what}");
        }
    }

    /// Nested pipelines are followed to a bounded depth; deeper ones are
    /// not judged.
    #[test]
    fn nested_pipelines_deeper_than_the_bound_are_not_judged() {
        let mut spec = json!({"tasks": [{"name": "leaf", "taskSpec": {"steps": [{"name": "s", "image": "x:1"}]}}]});
        for depth in 0..MAX_PIPELINE_DEPTH + 2 {
            spec = json!({"tasks": [{"name": format!("p{depth}"), "pipelineSpec": spec}]});
        }
        let out = run(json!({"spec": {"pipelineSpec": spec}}));
        assert!(out.steps.is_empty());
        assert_eq!(
            out.notes
                .iter()
                .map(|n| n.code.as_str())
                .collect::<Vec<_>>(),
            ["pipeline-too-deep"]
        );
    }

    /// A large task joins every step with its runtime state by name,
    /// whatever the order (the join's speed is measured by a benchmark).
    #[test]
    fn a_large_task_joins_every_step_by_name() {
        let n = 20_000;
        let declared: Vec<_> = (0..n)
            .map(|i| json!({"name": format!("s{i}"), "image": "x:1"}))
            .collect();
        let runtime: Vec<_> = (0..n)
            .rev()
            .map(|i| json!({"name": format!("s{i}"), "imageID": format!("rt-{i}")}))
            .collect();
        let got = steps(json!({"status": {"taskSpec": {"steps": declared}, "steps": runtime}}));
        assert_eq!(got.len(), n);
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, s)| s.runtime_image_id.as_deref() == Some(format!("rt-{i}").as_str())));
    }
}
