//! TaskRuns and PipelineRuns read into their runs' declared and runtime
//! entries, task by task: pipeline tasks in `tasks` and `finally`, child
//! runs embedded or referenced, nested pipelines, skipped tasks.

#[allow(clippy::wildcard_imports)]
use super::steps::*;
#[allow(clippy::wildcard_imports)]
use super::*;

/// What a TaskRun (alone or inside a PipelineRun) contributes: its steps
/// joined but not built yet (their text owned, so the document they were
/// read from can be released first: [`Extracted::build`]), its notes, and
/// how many steps it may hold at most.
#[derive(Debug)]
pub(crate) struct Extracted {
    pub(super) unjoined: Vec<Unjoined>,
    /// Entries read so far, declared and runtime.
    pub(super) entries: usize,
    pub(crate) notes: Vec<Note>,
    pub(super) file: String,
    pub(super) max_steps: usize,
}

/// One run's declared and runtime entries, read, to be joined by name.
#[derive(Debug)]
pub(super) struct Unjoined {
    pub(super) run: RunContext,
    pub(super) sides: [(StepKind, Vec<Side>, Vec<Side>, Bases); 2],
    /// Where the run's steps are declared (or reported), for notes.
    pub(super) at: JsonPointer,
}

/// A step joined from its declared and runtime entries, to be built.
#[derive(Debug)]
pub(super) struct Pending {
    /// The run it belongs to (an index into `Extracted::runs`).
    pub(super) run: usize,
    pub(super) kind: StepKind,
    pub(super) declared: Option<Side>,
    pub(super) runtime: Option<Side>,
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

pub(super) fn task_run_from(
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
pub(super) const MAX_PIPELINE_DEPTH: usize = 8;

/// How a pipeline task defines its work.
pub(super) enum TaskDef<'a> {
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
pub(super) struct TaskEntry<'a> {
    /// The task's name; `outer/inner` inside a nested pipeline.
    pub(super) name: String,
    /// The top-level pipeline task it belongs to (its own name at the top):
    /// what runs and skips name.
    pub(super) top: String,
    /// The task entry (`…/tasks/3`).
    pub(super) pointer: JsonPointer,
    pub(super) def: TaskDef<'a>,
}

impl TaskEntry<'_> {
    pub(super) fn is_top(&self) -> bool {
        self.name == self.top
    }
}

/// Every task of `spec` (at `ptr`), `finally` included, nested pipelines'
/// tasks after their own entry, named `outer/inner`.
pub(super) fn pipeline_tasks<'a>(
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
pub(super) fn index_tasks<'e, 'a>(
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
pub(super) struct Runs<'a> {
    /// Tasks with a child run (embedded or referenced).
    pub(super) ran: HashSet<&'a str>,
    /// Tasks whose embedded child run records its own task spec.
    pub(super) resolved: HashSet<&'a str>,
    /// Tasks listed in `status.skippedTasks`.
    pub(super) skipped: HashSet<&'a str>,
}

/// Judge the tasks a pipeline spec names that no child run judged: an
/// inline spec's declared steps; a note for each task whose images are
/// not in the document (by reference, custom, nested too deep), and for
/// each skipped task. `started`: whether the entries come from a run's
/// status (a task without a run then did not run).
pub(super) fn tasks_without_runs(
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
pub(super) fn unique<'e, 'a>(
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

pub(super) fn pipeline_run_from(
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
