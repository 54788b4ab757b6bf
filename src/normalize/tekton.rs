//! Tekton TaskRun and PipelineRun objects (`tekton.dev/v1` and `v1beta1`).
//!
//! Declared steps and sidecars come from the task spec (`status.taskSpec`,
//! else `spec.taskSpec`, else a pipeline task's embedded `taskSpec`); runtime
//! ImageIDs from `status.steps[]` / `status.sidecars[]`. The two are joined
//! **by name**, never by index: status entries carry the step name (or a
//! container name with a `step-` / `sidecar-` prefix), and an unnamed step `i`
//! is `unnamed-i`, as Tekton names its container. Entries found on one side
//! only are kept, with the other side absent.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::error::{JsonPointer, Location, NormalizeError};
use crate::evidence::{DeclaredImage, Note, Pointers, StepEvidence, StepKind};
use crate::normalize::image_id::ImageId;
use crate::normalize::trust::{decide, Declared};

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

/// A string borrowed from the document when the deserializer lends it
/// (serde_json's `&Value` deserializer does), copied otherwise. Shape errors
/// read as for a `String` ("expected a string").
struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lend;
        impl<'de> serde::de::Visitor<'de> for Lend {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        deserializer.deserialize_str(Lend).map(Text)
    }
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
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PipelineRunStatus<'a> {
    #[serde(default, deserialize_with = "nullable", borrow)]
    task_runs: BTreeMap<String, ChildTaskRun<'a>>,
    #[serde(default, deserialize_with = "nullable")]
    child_references: Vec<ChildReference>,
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
struct ChildReference {
    kind: Option<String>,
    name: Option<String>,
    pipeline_task_name: Option<String>,
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
}

/// Kubernetes objects often carry `null` where a list or object is absent.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Deserialize `value` into `T`, reporting a shape error at its JSON pointer.
pub(crate) fn typed<'a, T: Deserialize<'a>>(
    file: &str,
    value: &'a serde_json::Value,
) -> Result<T, NormalizeError> {
    // Fast path: tracking the path costs as much as deserializing (measured
    // with callgrind in the audit benchmark, issue 8); it is only needed to
    // say where a document went wrong, so the failing case runs again with it.
    if let Ok(t) = T::deserialize(value) {
        return Ok(t);
    }
    serde_path_to_error::deserialize(value).map_err(|e| NormalizeError::Shape {
        at: Location::new(file, JsonPointer::from_serde_path(e.path())),
        message: e.into_inner().to_string(),
    })
}

/// What a TaskRun (alone or inside a PipelineRun) contributes.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub(crate) steps: Vec<StepEvidence>,
    pub(crate) notes: Vec<Note>,
}

/// Steps of a standalone TaskRun.
/// Steps of a standalone TaskRun whose object sits at `root` in the file.
pub(crate) fn task_run(
    file: &str,
    value: &serde_json::Value,
    root: &JsonPointer,
) -> Result<Extracted, NormalizeError> {
    let tr: TaskRun = typed(file, value)?;
    let root = root.clone();
    let task = tr
        .metadata
        .labels
        .get(PIPELINE_TASK_LABEL)
        .cloned()
        .or_else(|| tr.spec.task_ref.as_ref().and_then(|r| r.name.clone()));
    let spec = match (&tr.status.task_spec, &tr.spec.task_spec) {
        (Some(spec), _) => Some((spec, root.key("status").key("taskSpec"))),
        (None, Some(spec)) => Some((spec, root.key("spec").key("taskSpec"))),
        (None, None) => None,
    };
    let mut out = Extracted::default();
    let run = RunContext {
        task,
        taskrun: tr.metadata.name.clone(),
    };
    run.join(&mut out, spec, Some((&tr.status, root.key("status"))));
    Ok(out)
}

/// Steps of every child TaskRun a PipelineRun embeds (or declares inline).
pub(crate) fn pipeline_run(
    file: &str,
    value: &serde_json::Value,
    root: &JsonPointer,
) -> Result<Extracted, NormalizeError> {
    let pr: PipelineRun = typed(file, value)?;
    let status_ptr = root.key("status");
    let (pipeline_spec, spec_ptr) = match (&pr.status.pipeline_spec, &pr.spec.pipeline_spec) {
        (Some(s), _) => (Some(s), status_ptr.key("pipelineSpec")),
        (None, Some(s)) => (Some(s), root.key("spec").key("pipelineSpec")),
        (None, None) => (None, root.clone()),
    };
    // Embedded task specs by pipeline task name, with their pointers.
    let mut inline_specs: BTreeMap<&str, (&TaskSpec, JsonPointer)> = BTreeMap::new();
    if let Some(ps) = pipeline_spec {
        for (section, tasks) in [("tasks", &ps.tasks), ("finally", &ps.finally)] {
            for (i, t) in tasks.iter().enumerate() {
                if let (Some(name), Some(spec)) = (&t.name, &t.task_spec) {
                    let ptr = spec_ptr.key(section).index(i).key("taskSpec");
                    inline_specs.insert(name.as_str(), (spec, ptr));
                }
            }
        }
    }

    let mut out = Extracted::default();
    let mut seen_tasks: Vec<&str> = Vec::new();
    let runs_ptr = status_ptr.key("taskRuns");
    for (name, child) in &pr.status.task_runs {
        let child_ptr = runs_ptr.key(name);
        let pipeline_task = child.pipeline_task_name.as_deref();
        seen_tasks.extend(pipeline_task);
        let spec = match (
            &child.status.task_spec,
            pipeline_task.and_then(|t| inline_specs.get(t)),
        ) {
            (Some(spec), _) => Some((spec, child_ptr.key("status").key("taskSpec"))),
            (None, Some((spec, ptr))) => Some((*spec, ptr.clone())),
            (None, None) => None,
        };
        let run = RunContext {
            task: child.pipeline_task_name.clone(),
            taskrun: Some(name.clone()),
        };
        run.join(
            &mut out,
            spec,
            Some((&child.status, child_ptr.key("status"))),
        );
    }

    let refs_ptr = status_ptr.key("childReferences");
    for (i, child) in pr.status.child_references.iter().enumerate() {
        let embedded = child
            .name
            .as_ref()
            .is_some_and(|n| pr.status.task_runs.contains_key(n));
        if embedded {
            continue;
        }
        let kind = child.kind.as_deref().unwrap_or("TaskRun");
        let name = child.name.as_deref().unwrap_or("(unnamed)");
        let pipeline_task = child.pipeline_task_name.as_deref();
        seen_tasks.extend(pipeline_task);
        // A custom task's spec (a CustomRun) declares no steps to judge.
        let inline = pipeline_task
            .and_then(|t| inline_specs.get(t))
            .filter(|_| kind == "TaskRun");
        // With the task's spec inline, only the runtime images are missing;
        // without it, the declared ones are too (nothing judges its steps).
        out.notes.push(Note {
            code: if inline.is_some() {
                "child-runtime-not-embedded"
            } else {
                "child-not-embedded"
            },
            message: format!(
                "child {kind} {name:?} (pipeline task {:?}) is referenced, not embedded: {}",
                pipeline_task.unwrap_or("?"),
                if inline.is_some() {
                    "its declared images come from the pipeline spec; pass its object as \
                     another input to see its runtime images"
                } else {
                    "its declared and runtime images are unknown; pass its object as another \
                     input"
                }
            ),
            pointer: refs_ptr.index(i),
        });
        if let Some((spec, ptr)) = inline {
            let run = RunContext {
                task: child.pipeline_task_name.clone(),
                taskrun: child.name.clone(),
            };
            run.join(&mut out, Some((spec, ptr.clone())), None);
        }
    }

    // A PipelineRun whose status names no child run at all is the object as
    // written (or not yet started): its declared steps are still known, and
    // are what `--with` joins an attestation with. In a run that did start,
    // a task without a TaskRun was skipped: its steps ran nowhere.
    let never_ran = pr.status.task_runs.is_empty() && pr.status.child_references.is_empty();
    for (task, (spec, ptr)) in &inline_specs {
        if !seen_tasks.contains(task) {
            out.notes.push(Note {
                code: "task-not-run",
                message: format!(
                    "pipeline task {task:?} declares steps but the status has no TaskRun for it \
                     (skipped, not started, or not embedded)"
                ),
                pointer: ptr.clone(),
            });
            if never_ran {
                let run = RunContext {
                    task: Some((*task).to_owned()),
                    taskrun: None,
                };
                run.join(&mut out, Some((spec, ptr.clone())), None);
            }
        }
    }
    Ok(out)
}

/// A declared or runtime container, flattened for joining.
struct Side<'a> {
    name: String,
    image: Option<&'a str>,
    pointer: JsonPointer,
    /// Why the image is not declared here, when the document says.
    note: Option<Note>,
}

struct RunContext {
    task: Option<String>,
    taskrun: Option<String>,
}

impl RunContext {
    /// Join the spec's steps and sidecars with the status's, by name.
    fn join(
        &self,
        out: &mut Extracted,
        spec: Option<(&TaskSpec, JsonPointer)>,
        status: Option<(&TaskRunStatus, JsonPointer)>,
    ) {
        if spec.is_none() {
            if let Some((_, ptr)) = &status {
                out.notes.push(Note {
                    code: "no-task-spec",
                    message: format!(
                        "no task spec is embedded for {}: declared images are unknown",
                        self.describe()
                    ),
                    pointer: ptr.clone(),
                });
            }
        }
        for kind in [StepKind::Step, StepKind::Sidecar] {
            let declared = spec
                .as_ref()
                .map(|(s, ptr)| declared_side(s, ptr, kind))
                .unwrap_or_default();
            let runtime = status
                .as_ref()
                .map(|(s, ptr)| runtime_side(s, ptr, kind))
                .unwrap_or_default();
            let (pairs, duplicates) = join_by_name(declared, runtime);
            for (d, r) in pairs {
                out.steps.push(self.step(kind, d, r));
            }
            let at = spec
                .as_ref()
                .map(|(_, p)| p)
                .or(status.as_ref().map(|(_, p)| p));
            for name in duplicates {
                out.notes.push(Note {
                    code: "duplicate-step-name",
                    message: format!(
                        "more than one {} of {} is named {name:?}: they are not joined with \
                         the runtime's, so no runtime ImageID corroborates them",
                        match kind {
                            StepKind::Step => "step",
                            StepKind::Sidecar => "sidecar",
                        },
                        self.describe()
                    ),
                    pointer: at.cloned().unwrap_or_else(JsonPointer::root),
                });
            }
        }
    }

    fn describe(&self) -> String {
        match (&self.taskrun, &self.task) {
            (Some(run), _) => format!("TaskRun {run:?}"),
            (None, Some(task)) => format!("task {task:?}"),
            (None, None) => "this TaskRun".to_owned(),
        }
    }

    fn step(&self, kind: StepKind, mut d: Option<Side<'_>>, r: Option<Side<'_>>) -> StepEvidence {
        let name = d
            .as_ref()
            .or(r.as_ref())
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let note = d.as_mut().and_then(|s| s.note.take());
        let declared = d.and_then(|s| s.image.map(|image| (image, s.pointer)));
        let runtime = r.and_then(|s| s.image.map(|image| (image, s.pointer)));
        let mut step = step_evidence(
            StepIdentity {
                name,
                kind,
                task: self.task.clone(),
                taskrun: self.taskrun.clone(),
            },
            declared,
            runtime,
        );
        step.notes.extend(note);
        step
    }
}

/// Who a step is.
pub(crate) struct StepIdentity {
    pub(crate) name: String,
    pub(crate) kind: StepKind,
    pub(crate) task: Option<String>,
    pub(crate) taskrun: Option<String>,
}

/// A step from its declared image and runtime ImageID (raw text and
/// pointer, either may be absent), with the decision table applied.
pub(crate) fn step_evidence(
    who: StepIdentity,
    declared: Option<(&str, JsonPointer)>,
    runtime: Option<(&str, JsonPointer)>,
) -> StepEvidence {
    let declared_image = declared.as_ref().map(|(image, _)| *image);
    let runtime_image_id = runtime.as_ref().map(|(image, _)| *image);
    let parsed_declared = declared_image.map(Declared::parse);
    let parsed_runtime = runtime_image_id.map(ImageId::parse);
    let decision = decide(parsed_declared.as_ref(), parsed_runtime.as_ref());
    StepEvidence {
        name: who.name,
        kind: who.kind,
        task: who.task,
        taskrun: who.taskrun,
        declared_image: declared_image.map(str::to_owned),
        runtime_image_id: runtime_image_id.map(str::to_owned),
        declared: parsed_declared.map(DeclaredImage::from),
        runtime: parsed_runtime,
        trusted_reference: decision.trusted_reference,
        trust: decision.trust,
        corroboration: decision.corroboration,
        pointers: Pointers {
            declared_image: declared.map(|(_, p)| p),
            runtime_image_id: runtime.map(|(_, p)| p),
        },
        joined: None,
        via_index: None,
        notes: Vec::new(),
    }
}

/// The declared steps and sidecars of a task spec embedded in provenance
/// (Tekton Chains SLSA v1.0 `runSpec.taskSpec`), found at `ptr`. There is
/// no runtime side. Shape errors point inside `value`.
pub(crate) fn declared_task_spec(
    file: &str,
    value: &serde_json::Value,
    ptr: &JsonPointer,
    task: Option<String>,
) -> Result<Extracted, NormalizeError> {
    let spec: TaskSpec = typed(file, value)?;
    let mut out = Extracted::default();
    let run = RunContext {
        task,
        taskrun: None,
    };
    run.join(&mut out, Some((&spec, ptr.clone())), None);
    Ok(out)
}

/// The declared steps of every task a pipeline spec embeds (`taskSpec`),
/// found at `ptr`; tasks that only reference their definition get a note.
/// Shape errors point inside `value`.
pub(crate) fn declared_pipeline_spec(
    file: &str,
    value: &serde_json::Value,
    ptr: &JsonPointer,
) -> Result<Extracted, NormalizeError> {
    let spec: PipelineSpec = typed(file, value)?;
    let mut out = Extracted::default();
    for (section, tasks) in [("tasks", &spec.tasks), ("finally", &spec.finally)] {
        for (i, t) in tasks.iter().enumerate() {
            let task_ptr = ptr.key(section).index(i);
            match &t.task_spec {
                Some(task_spec) => {
                    let run = RunContext {
                        task: t.name.clone(),
                        taskrun: None,
                    };
                    run.join(&mut out, Some((task_spec, task_ptr.key("taskSpec"))), None);
                }
                None => out.notes.push(Note {
                    code: "task-by-reference",
                    message: format!(
                        "pipeline task {:?} references its task instead of embedding it: \
                         its declared images are unknown",
                        t.name.as_deref().unwrap_or("?")
                    ),
                    pointer: task_ptr,
                }),
            }
        }
    }
    Ok(out)
}

fn declared_side<'a>(spec: &'a TaskSpec, ptr: &JsonPointer, kind: StepKind) -> Vec<Side<'a>> {
    let (list, key, unnamed) = match kind {
        StepKind::Step => (&spec.steps, "steps", "unnamed"),
        StepKind::Sidecar => (&spec.sidecars, "sidecars", "unnamed-sidecar"),
    };
    // A step without an image inherits the step template's (steps only).
    let template = match kind {
        StepKind::Step => spec
            .step_template
            .as_ref()
            .and_then(|t| t.image.as_ref())
            .map(|image| (image.as_str(), ptr.key("stepTemplate").key("image"))),
        StepKind::Sidecar => None,
    };
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let name = non_empty(c.name.as_ref().map(Text::as_str))
                .map_or_else(|| format!("{unnamed}-{i}"), str::to_owned);
            if c.step_action.is_some() {
                // Neither an `image` beside the `ref` (Tekton refuses one)
                // nor the step template's applies: the image is the
                // StepAction's, which this document does not hold.
                let pointer = ptr.key(key).index(i).key("ref");
                return Side {
                    note: Some(Note {
                        code: "step-action",
                        message: format!(
                            "step {name:?} runs a StepAction (`ref`): its image is defined \
                             there, not in this document, so it is not declared here"
                        ),
                        pointer: pointer.clone(),
                    }),
                    name,
                    image: None,
                    pointer,
                };
            }
            let own = c
                .image
                .as_ref()
                .map(|image| (image.as_str(), ptr.key(key).index(i).key("image")));
            let (image, pointer) = match own.or_else(|| template.clone()) {
                Some((image, pointer)) => (Some(image), pointer),
                None => (None, ptr.key(key).index(i)),
            };
            Side {
                name,
                image,
                pointer,
                note: None,
            }
        })
        .collect()
}

fn runtime_side<'a>(status: &'a TaskRunStatus, ptr: &JsonPointer, kind: StepKind) -> Vec<Side<'a>> {
    let (list, key, prefix) = match kind {
        StepKind::Step => (&status.steps, "steps", "step-"),
        StepKind::Sidecar => (&status.sidecars, "sidecars", "sidecar-"),
    };
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            let name = non_empty(s.name.as_ref().map(Text::as_str))
                .map(str::to_owned)
                .or_else(|| {
                    non_empty(s.container.as_ref().map(Text::as_str))
                        .map(|c| c.strip_prefix(prefix).unwrap_or(c).to_owned())
                })
                .unwrap_or_else(|| format!("status-{i}"));
            let entry = ptr.key(key).index(i);
            Side {
                name,
                image: s.image_id.as_ref().map(Text::as_str),
                pointer: if s.image_id.is_some() {
                    entry.key("imageID")
                } else {
                    entry
                },
                note: None,
            }
        })
        .collect()
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// A declared side and a runtime side joined (either may be missing).
type Pair<'a> = (Option<Side<'a>>, Option<Side<'a>>);

/// Pair entries with equal names; declared order first, then the runtime
/// entries nobody declared. A name given to more than one entry on either
/// side is ambiguous (Tekton refuses such a task): its entries stay
/// unpaired, never matched by position, and the name is returned.
fn join_by_name<'a>(
    declared: Vec<Side<'a>>,
    runtime: Vec<Side<'a>>,
) -> (Vec<Pair<'a>>, Vec<String>) {
    let mut duplicates: Vec<String> = Vec::new();
    // Nothing is joined when a side is empty (provenance that embeds the
    // task spec alone).
    let both = !declared.is_empty() && !runtime.is_empty();
    for side in [&declared, &runtime].into_iter().filter(|_| both) {
        for (i, s) in side.iter().enumerate() {
            let repeated = side.iter().skip(i + 1).any(|t| t.name == s.name);
            if repeated && !duplicates.contains(&s.name) {
                duplicates.push(s.name.clone());
            }
        }
    }
    let mut runtime: Vec<Option<Side<'a>>> = runtime.into_iter().map(Some).collect();
    let mut pairs = Vec::with_capacity(declared.len() + runtime.len());
    for d in declared {
        let matched = if duplicates.contains(&d.name) {
            None
        } else {
            runtime
                .iter_mut()
                .find(|r| r.as_ref().is_some_and(|r| r.name == d.name))
                .and_then(Option::take)
        };
        pairs.push((Some(d), matched));
    }
    pairs.extend(runtime.into_iter().flatten().map(|r| (None, Some(r))));
    (pairs, duplicates)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::trust::TrustStatus;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn steps(value: serde_json::Value) -> Vec<StepEvidence> {
        task_run("t.json", &value, &JsonPointer::root())
            .unwrap()
            .steps
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
                    s.notes.iter().map(|n| n.code).collect::<Vec<_>>(),
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
        let out = task_run(
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
        )
        .unwrap();
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
            .map(|n| (n.code, n.pointer.as_str()))
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
        let out = task_run(
            "t.json",
            &json!({"status": {"steps": [{"name": "a", "imageID": "x"}]}}),
            &JsonPointer::root(),
        )
        .unwrap();
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
        let out = pipeline_run(
            "p.json",
            &json!({"status": {
            "pipelineSpec": {"tasks": [
                {"name": "build", "taskSpec": {"steps": [{"name": "s", "image": "b:1"}]}},
                {"name": "skipped", "taskSpec": {"steps": [{"name": "s", "image": "c:1"}]}},
                {"name": "test", "taskRef": {"name": "t"}}]},
            "childReferences": [
                {"kind": "TaskRun", "name": "pr-build", "pipelineTaskName": "build"},
                {"kind": "TaskRun", "name": "pr-test", "pipelineTaskName": "test"}]}}),
            &JsonPointer::root(),
        )
        .unwrap();
        assert_eq!(summary(&out.steps), vec![("s".into(), s("b:1"), None)]);
        assert_eq!(out.steps[0].taskrun.as_deref(), Some("pr-build"));
        // The build's declared images are known (its spec is inline); the
        // test's are not.
        let codes: Vec<_> = out.notes.iter().map(|n| n.code).collect();
        assert_eq!(
            codes,
            vec![
                "child-runtime-not-embedded",
                "child-not-embedded",
                "task-not-run"
            ]
        );
    }

    /// A custom task's inline spec declares no steps: its run is not judged.
    #[test]
    fn a_custom_run_is_never_judged_from_its_spec() {
        let out = pipeline_run(
            "p.json",
            &json!({"status": {
                "pipelineSpec": {"tasks": [{"name": "wait", "taskSpec": {
                    "apiVersion": "example.dev/v1", "kind": "Wait", "spec": {"duration": "1s"}}}]},
                "childReferences": [{"kind": "CustomRun", "name": "pr-wait", "pipelineTaskName": "wait"}]}}),
            &JsonPointer::root(),
        )
        .unwrap();
        assert!(out.steps.is_empty());
        let codes: Vec<_> = out.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, vec!["child-not-embedded"]);
    }
}
