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
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Deserializer};

use crate::error::{JsonPointer, Location, NormalizeError};
use crate::evidence::{DeclaredImage, Note, NoteCode, Pointers, StepEvidence, StepKind};
use crate::normalize::trust::{decide, Declared};
use crate::oci::image_id::ImageId;

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

/// What a TaskRun (alone or inside a PipelineRun) contributes: its steps
/// joined but not built yet (their text owned, so the document they were
/// read from can be released first: [`Extracted::build`]), its notes, and
/// how many steps it may hold at most.
#[derive(Debug)]
pub(crate) struct Extracted {
    unjoined: Vec<Unjoined>,
    /// Entries read so far, declared and runtime.
    entries: usize,
    pub(crate) notes: Vec<Note>,
    file: String,
    max_steps: usize,
}

/// One run's declared and runtime entries, read, to be joined by name.
#[derive(Debug)]
struct Unjoined {
    run: RunContext,
    sides: [(StepKind, Vec<Side>, Vec<Side>, Bases); 2],
    /// Where the run's steps are declared (or reported), for notes.
    at: JsonPointer,
}

/// A step joined from its declared and runtime entries, to be built.
#[derive(Debug)]
struct Pending {
    /// The run it belongs to (an index into `Extracted::runs`).
    run: usize,
    kind: StepKind,
    declared: Option<Side>,
    runtime: Option<Side>,
}

impl Extracted {
    pub(crate) fn new(file: &str, max_steps: usize) -> Self {
        Self {
            unjoined: Vec::new(),
            entries: 0,
            notes: Vec::new(),
            file: file.to_owned(),
            max_steps,
        }
    }

    /// Join each run's entries by name and build its steps (the decision
    /// table applied to each); then the notes. Steps past the limit are
    /// refused before any is built.
    pub(crate) fn build(mut self) -> Result<(Vec<StepEvidence>, Vec<Note>), NormalizeError> {
        let mut pending: Vec<Pending> = Vec::new();
        let mut runs: Vec<(RunContext, [Bases; 2])> = Vec::with_capacity(self.unjoined.len());
        for unjoined in std::mem::take(&mut self.unjoined) {
            let run = runs.len();
            let mut bases: [Bases; 2] = Default::default();
            for ((kind, declared, runtime, base), slot) in
                unjoined.sides.into_iter().zip(&mut bases)
            {
                *slot = base;
                let (matches, duplicates) = match_by_name(&declared, &runtime);
                let joined = matches.iter().flatten().count();
                let count = declared.len() + runtime.len() - joined;
                if pending.len().saturating_add(count) > self.max_steps {
                    return Err(NormalizeError::TooManySteps {
                        file: self.file,
                        limit: self.max_steps,
                    });
                }
                pending.reserve(count);
                pair_by_name(declared, runtime, matches, |declared, runtime| {
                    pending.push(Pending {
                        run,
                        kind,
                        declared,
                        runtime,
                    });
                });
                for name in duplicates {
                    self.notes.push(Note::new(
                        NoteCode::DuplicateStepName,
                        format!(
                            "more than one {} of {} is named {name:?}: they are not joined \
                             with the runtime's, so no runtime ImageID corroborates them",
                            match kind {
                                StepKind::Step => "step",
                                StepKind::Sidecar => "sidecar",
                            },
                            unjoined.run.describe()
                        ),
                        unjoined.at.clone(),
                    ));
                }
            }
            runs.push((unjoined.run, bases));
        }
        let steps = pending
            .into_iter()
            .filter_map(|p| {
                let (run, bases) = runs.get(p.run)?;
                let base = match p.kind {
                    StepKind::Step => &bases[0],
                    StepKind::Sidecar => &bases[1],
                };
                Some(run.step(p.kind, p.declared, p.runtime, base))
            })
            .collect();
        Ok((steps, self.notes))
    }
}

/// Steps of a standalone TaskRun whose object sits at `root` in the file.
pub(crate) fn task_run(
    file: &str,
    value: &serde_json::Value,
    root: &JsonPointer,
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
    let tr: TaskRun = typed(file, value)?;
    task_run_from(file, &tr, root, max_steps)
}

fn task_run_from(
    file: &str,
    tr: &TaskRun<'_>,
    root: &JsonPointer,
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
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
    let mut out = Extracted::new(file, max_steps);
    if spec.is_none() && tr.spec.task_ref.is_some() {
        out.notes.push(Note::new(
            NoteCode::TaskByReference,
            "the TaskRun references its task (`spec.taskRef`) and records no task spec: its \
             declared images are not judged",
            root.key("spec").key("taskRef"),
        ));
    }
    let run = RunContext {
        task,
        taskrun: tr.metadata.name.clone(),
        task_pointer: None,
        run_pointer: None,
    };
    run.join(&mut out, spec, Some((&tr.status, root.key("status"))))?;
    Ok(out)
}

/// Nested pipelines are followed this deep; deeper ones are not judged.
const MAX_PIPELINE_DEPTH: usize = 8;

/// How a pipeline task defines its work.
enum TaskDef<'a> {
    /// An embedded Tekton task spec, at the pointer.
    Inline(&'a TaskSpec<'a>, JsonPointer),
    /// An embedded custom task spec.
    Custom,
    /// `taskRef`, at the pointer.
    ByReference(JsonPointer),
    /// A nested `pipelineSpec`: its tasks follow as entries of their own.
    Pipeline,
    /// `pipelineRef`, at the pointer.
    PipelineByReference(JsonPointer),
    /// A nested pipeline deeper than provcheck follows.
    TooDeep,
    /// Neither a task nor a pipeline.
    Nothing,
}

/// One pipeline task of a pipeline spec, nested pipelines flattened.
struct TaskEntry<'a> {
    /// The task's name; `outer/inner` inside a nested pipeline.
    name: String,
    /// The top-level pipeline task it belongs to (its own name at the top):
    /// what runs and skips name.
    top: String,
    /// The task entry (`…/tasks/3`).
    pointer: JsonPointer,
    def: TaskDef<'a>,
}

impl TaskEntry<'_> {
    fn is_top(&self) -> bool {
        self.name == self.top
    }
}

/// Every task of `spec` (at `ptr`), `finally` included, nested pipelines'
/// tasks after their own entry, named `outer/inner`.
fn pipeline_tasks<'a>(
    spec: &'a PipelineSpec<'a>,
    ptr: &JsonPointer,
    outer: Option<(&str, &str)>,
    depth: usize,
    out: &mut Vec<TaskEntry<'a>>,
) {
    for (section, tasks) in [("tasks", &spec.tasks), ("finally", &spec.finally)] {
        for (i, t) in tasks.iter().enumerate() {
            let pointer = ptr.key(section).index(i);
            let own = t
                .name
                .clone()
                .unwrap_or_else(|| format!("(unnamed {section} {i})"));
            let (name, top) = match outer {
                Some((prefix, top)) => (format!("{prefix}/{own}"), top.to_owned()),
                None => (own.clone(), own),
            };
            let def = if let Some(task_spec) = &t.task_spec {
                if task_spec.is_custom() {
                    TaskDef::Custom
                } else {
                    TaskDef::Inline(task_spec, pointer.key("taskSpec"))
                }
            } else if t.task_ref.is_some() {
                TaskDef::ByReference(pointer.key("taskRef"))
            } else if t.pipeline_spec.is_some() && depth + 1 >= MAX_PIPELINE_DEPTH {
                TaskDef::TooDeep
            } else if t.pipeline_spec.is_some() {
                TaskDef::Pipeline
            } else if t.pipeline_ref.is_some() {
                TaskDef::PipelineByReference(pointer.key("pipelineRef"))
            } else {
                TaskDef::Nothing
            };
            let nested = matches!(def, TaskDef::Pipeline);
            out.push(TaskEntry {
                name: name.clone(),
                top: top.clone(),
                pointer: pointer.clone(),
                def,
            });
            if let (true, Some(inner)) = (nested, &t.pipeline_spec) {
                pipeline_tasks(
                    inner,
                    &pointer.key("pipelineSpec"),
                    Some((&name, &top)),
                    depth + 1,
                    out,
                );
            }
        }
    }
}

/// The tasks of a pipeline spec by name: a name given to several tasks is
/// a finding (Tekton refuses such a pipeline), noted at each of them.
fn index_tasks<'e, 'a>(
    entries: &'e [TaskEntry<'a>],
    out: &mut Extracted,
) -> HashMap<&'e str, Vec<&'e TaskEntry<'a>>> {
    let mut by_name: HashMap<&str, Vec<&TaskEntry<'a>>> = HashMap::new();
    for e in entries {
        by_name.entry(e.name.as_str()).or_default().push(e);
    }
    for e in entries {
        if by_name.get(e.name.as_str()).is_some_and(|v| v.len() > 1) {
            out.notes.push(Note::new(
                NoteCode::DuplicateTaskName,
                format!(
                    "more than one pipeline task is named {:?}: their runs cannot be told apart \
                     (Tekton refuses such a pipeline)",
                    e.name
                ),
                e.pointer.clone(),
            ));
        }
    }
    by_name
}

/// What the status says of the pipeline's tasks, by top-level task name.
#[derive(Default)]
struct Runs<'a> {
    /// Tasks with a child run (embedded or referenced).
    ran: HashSet<&'a str>,
    /// Tasks whose embedded child run records its own task spec.
    resolved: HashSet<&'a str>,
    /// Tasks listed in `status.skippedTasks`.
    skipped: HashSet<&'a str>,
}

/// Judge the tasks a pipeline spec names that no child run judged: an
/// inline spec's declared steps; a note for each task whose images are
/// not in the document (by reference, custom, nested too deep), and for
/// each skipped task. `started`: whether the entries come from a run's
/// status (a task without a run then did not run).
fn tasks_without_runs(
    entries: &[TaskEntry<'_>],
    by_name: &HashMap<&str, Vec<&TaskEntry<'_>>>,
    runs: &Runs<'_>,
    started: bool,
    out: &mut Extracted,
) -> Result<(), NormalizeError> {
    for entry in entries {
        let ran = runs.ran.contains(entry.top.as_str());
        if !ran && runs.skipped.contains(entry.top.as_str()) {
            if entry.is_top() {
                out.notes.push(Note::new(
                    NoteCode::TaskSkipped,
                    format!(
                        "pipeline task {:?} was skipped (status.skippedTasks): it ran nothing",
                        entry.name
                    ),
                    entry.pointer.clone(),
                ));
            }
            continue;
        }
        let duplicated = by_name
            .get(entry.name.as_str())
            .is_some_and(|v| v.len() > 1);
        match &entry.def {
            TaskDef::Inline(spec, ptr) => {
                // A task that ran is judged from its run; a duplicated
                // name's specs are each judged, whatever ran.
                if ran && entry.is_top() && !duplicated {
                    continue;
                }
                if started && !ran && entry.is_top() {
                    out.notes.push(Note::new(
                        NoteCode::TaskNotRun,
                        format!(
                            "pipeline task {:?} declares steps but the status has no run of it and \
                             does not list it as skipped: its declared steps are judged",
                            entry.name
                        ),
                        ptr.clone(),
                    ));
                }
                let run = RunContext {
                    task: Some(entry.name.clone()),
                    taskrun: None,
                    task_pointer: Some(entry.pointer.clone()),
                    run_pointer: None,
                };
                run.join(out, Some((spec, ptr.clone())), None)?;
            }
            TaskDef::Custom => out.notes.push(Note::new(
                NoteCode::CustomTask,
                format!(
                    "pipeline task {:?} embeds a custom task (another kind than a Tekton Task): \
                     it runs no steps provcheck can judge",
                    entry.name
                ),
                entry.pointer.key("taskSpec"),
            )),
            TaskDef::ByReference(ptr) => {
                if !(entry.is_top() && runs.resolved.contains(entry.top.as_str())) {
                    out.notes.push(Note::new(
                        NoteCode::TaskByReference,
                        format!(
                            "pipeline task {:?} references its task instead of embedding it, and \
                             no embedded run records its spec: its declared images are not judged",
                            entry.name
                        ),
                        ptr.clone(),
                    ));
                }
            }
            TaskDef::Pipeline => {}
            TaskDef::PipelineByReference(ptr) => out.notes.push(Note::new(
                NoteCode::PipelineByReference,
                format!(
                    "pipeline task {:?} runs a pipeline by reference (`pipelineRef`): its tasks \
                     are not judged",
                    entry.name
                ),
                ptr.clone(),
            )),
            TaskDef::TooDeep => out.notes.push(Note::new(
                NoteCode::PipelineTooDeep,
                format!(
                    "pipeline task {:?} nests pipelines deeper than {MAX_PIPELINE_DEPTH} levels: \
                     its tasks are not judged",
                    entry.name
                ),
                entry.pointer.key("pipelineSpec"),
            )),
            TaskDef::Nothing => out.notes.push(Note::new(
                NoteCode::TaskByReference,
                format!(
                    "pipeline task {:?} defines neither a task (`taskSpec`, `taskRef`) nor a \
                     pipeline: what it runs is not judged",
                    entry.name
                ),
                entry.pointer.clone(),
            )),
        }
    }
    Ok(())
}

/// The one task of that top-level name, when exactly one has it.
fn unique<'e, 'a>(
    by_name: &HashMap<&str, Vec<&'e TaskEntry<'a>>>,
    name: Option<&str>,
) -> Option<&'e TaskEntry<'a>> {
    match by_name.get(name?).map(Vec::as_slice) {
        Some([one]) if one.is_top() => Some(*one),
        _ => None,
    }
}

/// Steps of every child TaskRun a PipelineRun embeds, and of every task its
/// pipeline spec declares inline; a note for every task, run or child whose
/// images it cannot judge.
pub(crate) fn pipeline_run(
    file: &str,
    value: &serde_json::Value,
    root: &JsonPointer,
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
    let pr: PipelineRun = typed(file, value)?;
    pipeline_run_from(file, &pr, root, max_steps)
}

fn pipeline_run_from(
    file: &str,
    pr: &PipelineRun<'_>,
    root: &JsonPointer,
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
    let status_ptr = root.key("status");
    let mut out = Extracted::new(file, max_steps);
    let mut entries = Vec::new();
    match (&pr.status.pipeline_spec, &pr.spec.pipeline_spec) {
        (Some(s), _) => pipeline_tasks(s, &status_ptr.key("pipelineSpec"), None, 0, &mut entries),
        (None, Some(s)) => pipeline_tasks(
            s,
            &root.key("spec").key("pipelineSpec"),
            None,
            0,
            &mut entries,
        ),
        (None, None) => {
            if pr.spec.pipeline_ref.is_some() {
                out.notes.push(Note::new(
                    NoteCode::PipelineByReference,
                    "the PipelineRun references its pipeline (`spec.pipelineRef`) and records no \
                     pipeline spec: which tasks it runs is not known, so tasks without an \
                     embedded run are not judged",
                    root.key("spec").key("pipelineRef"),
                ));
            }
        }
    }
    let by_name = index_tasks(&entries, &mut out);
    let mut runs = Runs {
        skipped: pr
            .status
            .skipped_tasks
            .iter()
            .filter_map(|t| t.name.as_deref())
            .collect(),
        ..Runs::default()
    };

    let runs_ptr = status_ptr.key("taskRuns");
    for (name, child) in &pr.status.task_runs {
        let child_ptr = runs_ptr.key(name);
        let task = child.pipeline_task_name.as_deref();
        runs.ran.extend(task);
        let entry = unique(&by_name, task);
        let spec = match (&child.status.task_spec, entry.map(|e| &e.def)) {
            (Some(spec), _) => {
                runs.resolved.extend(task);
                Some((spec, child_ptr.key("status").key("taskSpec")))
            }
            (None, Some(TaskDef::Inline(spec, ptr))) => Some((*spec, ptr.clone())),
            (None, _) => None,
        };
        let run = RunContext {
            task: child.pipeline_task_name.clone(),
            taskrun: Some(name.clone()),
            task_pointer: entry.map(|e| e.pointer.clone()),
            run_pointer: None,
        };
        run.join(
            &mut out,
            spec,
            Some((&child.status, child_ptr.key("status"))),
        )?;
    }
    for (name, run) in &pr.status.runs {
        runs.ran.extend(run.pipeline_task_name.as_deref());
        out.notes.push(Note::new(
            NoteCode::CustomTask,
            format!(
                "custom run {name:?} (pipeline task {:?}) runs a custom task: no steps provcheck \
                 can judge",
                run.pipeline_task_name.as_deref().unwrap_or("?")
            ),
            status_ptr.key("runs").key(name),
        ));
    }

    let refs_ptr = status_ptr.key("childReferences");
    for (i, child) in pr.status.child_references.iter().enumerate() {
        let task = child.pipeline_task_name.as_deref();
        runs.ran.extend(task);
        let named = child.name.as_deref();
        let embedded = named
            .is_some_and(|n| pr.status.task_runs.contains_key(n) || pr.status.runs.contains_key(n));
        if embedded {
            continue;
        }
        let kind = child.kind.as_deref().unwrap_or("TaskRun");
        let name = named.unwrap_or("(unnamed)");
        let task_name = task.unwrap_or("?");
        let pointer = refs_ptr.index(i);
        let entry = unique(&by_name, task);
        match (kind, entry.map(|e| &e.def)) {
            ("TaskRun", Some(TaskDef::Inline(spec, ptr))) => {
                out.notes.push(Note::new(
                    NoteCode::ChildRuntimeNotEmbedded,
                    format!(
                        "child TaskRun {name:?} (pipeline task {task_name:?}) is referenced, not \
                         embedded: its declared images come from the pipeline spec; pass its \
                         object as another input to see its runtime images"
                    ),
                    pointer.clone(),
                ));
                let run = RunContext {
                    task: child.pipeline_task_name.clone(),
                    taskrun: child.name.clone(),
                    task_pointer: entry.map(|e| e.pointer.clone()),
                    run_pointer: Some(pointer.clone()),
                };
                run.join(&mut out, Some((spec, ptr.clone())), None)?;
            }
            ("PipelineRun", Some(TaskDef::Pipeline)) => out.notes.push(Note::new(
                NoteCode::ChildRuntimeNotEmbedded,
                format!(
                    "child PipelineRun {name:?} (pipeline task {task_name:?}) is referenced, not \
                     embedded: its tasks' declared images come from the nested pipeline spec"
                ),
                pointer,
            )),
            ("CustomRun" | "Run", _) | (_, Some(TaskDef::Custom)) => out.notes.push(Note::new(
                NoteCode::CustomTask,
                format!(
                    "child {kind} {name:?} (pipeline task {task_name:?}) runs a custom task: no \
                     steps provcheck can judge"
                ),
                pointer,
            )),
            _ => out.notes.push(Note::new(
                NoteCode::ChildNotEmbedded,
                format!(
                    "child {kind} {name:?} (pipeline task {task_name:?}) is referenced, not \
                     embedded, and its task is not defined here: its declared and runtime images \
                     are not judged; pass its object as another input"
                ),
                pointer,
            )),
        }
    }

    tasks_without_runs(&entries, &by_name, &runs, true, &mut out)?;
    Ok(out)
}

/// A declared or runtime container, flattened for joining (its text
/// copied out of the document once).
#[derive(Debug)]
struct Side {
    name: String,
    image: Option<String>,
    /// Its index in its list (`steps`, `sidecars`).
    index: usize,
    /// What of the entry names its image; the pointer is made when the
    /// step is built (a large task holds many entries).
    member: Member,
}

/// The member of an entry that names its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    /// `image` (a declared step or sidecar).
    Image,
    /// `imageID` (a runtime state).
    ImageId,
    /// None: the image is the step template's.
    Template,
    /// None: the step runs a `StepAction` (`ref`).
    StepAction,
    /// None at all: the entry names no image.
    Nothing,
}

/// Where a run's entries of one kind are: the declared list, the runtime
/// list, and the step template's image.
#[derive(Debug, Clone, Default)]
struct Bases {
    declared: JsonPointer,
    runtime: JsonPointer,
    template: JsonPointer,
}

impl Side {
    /// The pointer of what names the image (the entry, when nothing does)
    /// and, for an image inherited from the template, the entry itself.
    fn pointers(
        &self,
        list: &JsonPointer,
        template: &JsonPointer,
    ) -> (JsonPointer, Option<JsonPointer>) {
        let entry = list.index(self.index);
        match self.member {
            Member::Image => (entry.key("image"), None),
            Member::ImageId => (entry.key("imageID"), None),
            Member::StepAction => (entry.key("ref"), None),
            Member::Template => (template.clone(), Some(entry)),
            Member::Nothing => (entry, None),
        }
    }
}

#[derive(Debug)]
struct RunContext {
    task: Option<String>,
    taskrun: Option<String>,
    /// The pipeline task that defines the run, when it is one.
    task_pointer: Option<JsonPointer>,
    /// The child run reference, when the run is referenced, not embedded.
    run_pointer: Option<JsonPointer>,
}

impl RunContext {
    /// Read the spec's steps and sidecars and the status's, to be joined
    /// by name once the document is released ([`Extracted::build`]).
    fn join(
        self,
        out: &mut Extracted,
        spec: Option<(&TaskSpec, JsonPointer)>,
        status: Option<(&TaskRunStatus, JsonPointer)>,
    ) -> Result<(), NormalizeError> {
        // Each step is a declared entry, a runtime entry, or both: more
        // entries than two per step of room cannot fit, and are refused
        // before anything is read from them.
        let declared_count = spec
            .as_ref()
            .map_or(0, |(s, _)| s.steps.len() + s.sidecars.len());
        let runtime_count = status
            .as_ref()
            .map_or(0, |(s, _)| s.steps.len() + s.sidecars.len());
        out.entries = out
            .entries
            .saturating_add(declared_count)
            .saturating_add(runtime_count);
        if out.entries > out.max_steps.saturating_mul(2) {
            return Err(NormalizeError::TooManySteps {
                file: out.file.clone(),
                limit: out.max_steps,
            });
        }
        if spec.is_none() {
            if let Some((_, ptr)) = &status {
                out.notes.push(Note::new(
                    NoteCode::NoTaskSpec,
                    format!(
                        "no task spec is embedded for {}: declared images are unknown",
                        self.describe()
                    ),
                    ptr.clone(),
                ));
            }
        }
        let sides = [StepKind::Step, StepKind::Sidecar].map(|kind| {
            let key = match kind {
                StepKind::Step => "steps",
                StepKind::Sidecar => "sidecars",
            };
            let declared = spec
                .as_ref()
                .map(|(s, _)| declared_side(s, kind))
                .unwrap_or_default();
            let runtime = status
                .as_ref()
                .map(|(s, _)| runtime_side(s, kind))
                .unwrap_or_default();
            let bases = Bases {
                declared: spec.as_ref().map(|(_, p)| p.key(key)).unwrap_or_default(),
                runtime: status.as_ref().map(|(_, p)| p.key(key)).unwrap_or_default(),
                template: spec
                    .as_ref()
                    .map(|(_, p)| p.key("stepTemplate").key("image"))
                    .unwrap_or_default(),
            };
            (kind, declared, runtime, bases)
        });
        let at = spec
            .map(|(_, p)| p)
            .or(status.map(|(_, p)| p))
            .unwrap_or_else(JsonPointer::root);
        out.unjoined.push(Unjoined {
            run: self,
            sides,
            at,
        });
        Ok(())
    }

    fn describe(&self) -> String {
        match (&self.taskrun, &self.task) {
            (Some(run), _) => format!("TaskRun {run:?}"),
            (None, Some(task)) => format!("task {task:?}"),
            (None, None) => "this TaskRun".to_owned(),
        }
    }

    fn step(
        &self,
        kind: StepKind,
        mut d: Option<Side>,
        mut r: Option<Side>,
        bases: &Bases,
    ) -> StepEvidence {
        let name = match (&mut d, &mut r) {
            (Some(s), _) | (None, Some(s)) => std::mem::take(&mut s.name),
            (None, None) => String::new(),
        };
        let d = d.map(|s| {
            let (pointer, entry) = s.pointers(&bases.declared, &bases.template);
            (s, pointer, entry)
        });
        let r = r.map(|s| {
            let (pointer, entry) = s.pointers(&bases.runtime, &bases.template);
            (s, pointer, entry)
        });
        // Neither an `image` beside the `ref` (Tekton refuses one) nor the
        // step template's applies: the image is the StepAction's, which
        // this document does not hold.
        let note = d
            .as_ref()
            .filter(|(s, _, _)| s.member == Member::StepAction)
            .map(|(_, pointer, _)| {
                Note::new(
                    NoteCode::StepAction,
                    format!(
                        "step {name:?} runs a StepAction (`ref`): its image is defined there, \
                         not in this document, so it is not declared here"
                    ),
                    pointer.clone(),
                )
            });
        // An entry without an image still says where the step is.
        let entries: Vec<JsonPointer> = [&d, &r]
            .into_iter()
            .flatten()
            .flat_map(|(s, pointer, entry)| {
                let bare = s.image.is_none().then(|| pointer.clone());
                bare.into_iter().chain(entry.clone())
            })
            .collect();
        let declared = d.and_then(|(s, pointer, _)| s.image.map(|image| (image, pointer)));
        let runtime = r.and_then(|(s, pointer, _)| s.image.map(|image| (image, pointer)));
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
        step.pointers.task.clone_from(&self.task_pointer);
        step.pointers.run.clone_from(&self.run_pointer);
        step.pointers.entries = entries;
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
    declared: Option<(String, JsonPointer)>,
    runtime: Option<(String, JsonPointer)>,
) -> StepEvidence {
    let (declared_image, declared_pointer) = declared.unzip();
    let (runtime_image_id, runtime_pointer) = runtime.unzip();
    let parsed_declared = declared_image.as_deref().map(Declared::parse);
    let parsed_runtime = runtime_image_id.as_deref().map(ImageId::parse);
    let decision = decide(parsed_declared.as_ref(), parsed_runtime.as_ref());
    StepEvidence {
        name: who.name,
        kind: who.kind,
        task: who.task,
        taskrun: who.taskrun,
        declared_image,
        runtime_image_id,
        declared: parsed_declared.map(DeclaredImage::from),
        runtime: parsed_runtime,
        trusted_reference: decision.trusted_reference,
        trust: decision.trust,
        corroboration: decision.corroboration,
        pointers: Pointers {
            declared_image: declared_pointer,
            runtime_image_id: runtime_pointer,
            ..Pointers::default()
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
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
    let spec: TaskSpec = typed(file, value)?;
    let mut out = Extracted::new(file, max_steps);
    let run = RunContext {
        task,
        taskrun: None,
        task_pointer: None,
        run_pointer: None,
    };
    run.join(&mut out, Some((&spec, ptr.clone())), None)?;
    Ok(out)
}

/// The declared steps of every task a pipeline spec embeds (`taskSpec`),
/// found at `ptr`, nested pipelines included; a note for every task whose
/// images it does not hold (by reference, custom, duplicate names).
/// Shape errors point inside `value`.
pub(crate) fn declared_pipeline_spec(
    file: &str,
    value: &serde_json::Value,
    ptr: &JsonPointer,
    max_steps: usize,
) -> Result<Extracted, NormalizeError> {
    let spec: PipelineSpec = typed(file, value)?;
    let mut out = Extracted::new(file, max_steps);
    let mut entries = Vec::new();
    pipeline_tasks(&spec, ptr, None, 0, &mut entries);
    let by_name = index_tasks(&entries, &mut out);
    tasks_without_runs(&entries, &by_name, &Runs::default(), false, &mut out)?;
    Ok(out)
}

fn declared_side(spec: &TaskSpec, kind: StepKind) -> Vec<Side> {
    let (list, unnamed) = match kind {
        StepKind::Step => (&spec.steps, "unnamed"),
        StepKind::Sidecar => (&spec.sidecars, "unnamed-sidecar"),
    };
    // A step without an image inherits the step template's (steps only).
    let template = match kind {
        StepKind::Step => spec
            .step_template
            .as_ref()
            .and_then(|t| t.image.as_ref())
            .map(Text::as_str),
        StepKind::Sidecar => None,
    };
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let name = non_empty(c.name.as_ref().map(Text::as_str))
                .map_or_else(|| format!("{unnamed}-{i}"), str::to_owned);
            let (image, member) = if c.step_action.is_some() {
                // The image is the StepAction's (see `RunContext::step`).
                (None, Member::StepAction)
            } else if let Some(image) = &c.image {
                (Some(image.as_str()), Member::Image)
            } else if let Some(image) = template {
                (Some(image), Member::Template)
            } else {
                (None, Member::Nothing)
            };
            Side {
                name,
                image: image.map(str::to_owned),
                index: i,
                member,
            }
        })
        .collect()
}

fn runtime_side(status: &TaskRunStatus, kind: StepKind) -> Vec<Side> {
    let (list, prefix) = match kind {
        StepKind::Step => (&status.steps, "step-"),
        StepKind::Sidecar => (&status.sidecars, "sidecar-"),
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
            Side {
                name,
                image: s.image_id.as_ref().map(|t| t.as_str().to_owned()),
                index: i,
                member: if s.image_id.is_some() {
                    Member::ImageId
                } else {
                    Member::Nothing
                },
            }
        })
        .collect()
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// Match entries with equal names: for each declared entry, the index of
/// its runtime entry; and the names given to more than one entry on either
/// side. Such a name is ambiguous (Tekton refuses such a task): its entries
/// stay unmatched, never matched by position. A hash join: linear in the
/// number of entries. Nothing is matched when a side is empty (provenance
/// that embeds the task spec alone).
fn match_by_name(declared: &[Side], runtime: &[Side]) -> (Vec<Option<usize>>, Vec<String>) {
    let mut duplicates: Vec<String> = Vec::new();
    if declared.is_empty() || runtime.is_empty() {
        return (vec![None; declared.len()], duplicates);
    }
    let mut runtime_by_name: HashMap<&str, usize> = HashMap::with_capacity(runtime.len());
    let mut repeated: HashSet<&str> = HashSet::new();
    let mut declared_names: HashSet<&str> = HashSet::with_capacity(declared.len());
    for d in declared {
        if !declared_names.insert(d.name.as_str()) && repeated.insert(d.name.as_str()) {
            duplicates.push(d.name.clone());
        }
    }
    for (i, r) in runtime.iter().enumerate() {
        if runtime_by_name.insert(r.name.as_str(), i).is_some() && repeated.insert(r.name.as_str())
        {
            duplicates.push(r.name.clone());
        }
    }
    let matches = declared
        .iter()
        .map(|d| {
            if repeated.contains(d.name.as_str()) {
                None
            } else {
                runtime_by_name.get(d.name.as_str()).copied()
            }
        })
        .collect();
    (matches, duplicates)
}

/// The pairs of [`match_by_name`]'s matches, to `emit`: declared order
/// first, then the runtime entries nobody declared.
fn pair_by_name(
    declared: Vec<Side>,
    runtime: Vec<Side>,
    matches: Vec<Option<usize>>,
    mut emit: impl FnMut(Option<Side>, Option<Side>),
) {
    let mut runtime: Vec<Option<Side>> = runtime.into_iter().map(Some).collect();
    for (d, matched) in declared.into_iter().zip(matches) {
        let r = matched
            .and_then(|i| runtime.get_mut(i))
            .and_then(Option::take);
        emit(Some(d), r);
    }
    for r in runtime.into_iter().flatten() {
        emit(None, Some(r));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
