//! Tekton Chains' conventions: steps from `buildConfig` (SLSA v0.2) or
//! from the `runSpec` embedded in `externalParameters` (SLSA v1.0).

#[allow(clippy::wildcard_imports)]
use super::*;

/// Chains SLSA v0.2: the runtime ImageIDs of `buildConfig` steps; declared
/// images only where `buildConfig.taskSpec` embeds them (v2alpha1).
pub(super) fn chains_v02_steps(
    doc: &Document,
    config: &Value,
    ptr: &JsonPointer,
    ev: &mut Evidence,
    max_steps: usize,
) -> Result<(), NormalizeError> {
    let config = object(doc, config, ptr)?;
    let c: ChainsBuildConfig = typed_at(doc, config, ptr)?;
    if let Some(spec) = member(config, "taskSpec") {
        let spec_ptr = ptr.key("taskSpec");
        let extracted = tekton::declared_task_spec(&doc.name, spec, &spec_ptr, None, max_steps)
            .map_err(|e| relocate(doc, &spec_ptr, e))?;
        push_extracted(ev, extracted)?;
        ev.notes.push(Note::new(
            NoteCode::RuntimeImagesNotJoined,
            "this provenance declares the task's steps (buildConfig.taskSpec) but \
                      records runtime images only as materials, which name no step: runtime \
                      ImageIDs are listed under materials, not joined to steps"
                .to_owned(),
            ptr.clone(),
        ));
    }
    let total = ev.steps.len()
        + c.steps.as_ref().map_or(0, Vec::len)
        + c.tasks
            .iter()
            .flatten()
            .map(|t| t.steps.as_ref().map_or(0, Vec::len))
            .fold(0usize, usize::saturating_add);
    if total > max_steps {
        return Err(NormalizeError::TooManySteps {
            file: doc.name.clone(),
            limit: max_steps,
        });
    }
    let mut runtime_steps = 0;
    if let Some(steps) = &c.steps {
        runtime_steps += steps.len();
        runtime_only_steps(ev, steps, &ptr.key("steps"), None);
    }
    for (i, task) in c.tasks.iter().flatten().enumerate() {
        let steps = task.steps.as_deref().unwrap_or_default();
        runtime_steps += steps.len();
        let steps_ptr = ptr.key("tasks").index(i).key("steps");
        runtime_only_steps(ev, steps, &steps_ptr, task.name.clone());
    }
    if runtime_steps > 0 {
        ev.notes.push(Note::new(
            NoteCode::RuntimeImageIdsOnly,
            "Tekton Chains SLSA v0.2 provenance copies each step's runtime ImageID \
                      (environment.image) and does not record the declared image: no step can \
                      have a trusted reference (pass the TaskRun or PipelineRun to recover \
                      declared images)"
                .to_owned(),
            ptr.clone(),
        ));
    }
    Ok(())
}

pub(super) fn runtime_only_steps(
    ev: &mut Evidence,
    steps: &[ChainsStep],
    ptr: &JsonPointer,
    task: Option<String>,
) {
    for (i, step) in steps.iter().enumerate() {
        let env = step.environment.as_ref();
        let name = env
            .and_then(|e| e.container.as_deref())
            .filter(|c| !c.is_empty())
            .map_or_else(
                || format!("unnamed-{i}"),
                |c| c.strip_prefix("step-").unwrap_or(c).to_owned(),
            );
        let runtime = env
            .and_then(|e| e.image.clone())
            .map(|image| (image, ptr.index(i).key("environment").key("image")));
        ev.steps.push(step_evidence(
            StepIdentity {
                name,
                kind: StepKind::Step,
                task: task.clone(),
                taskrun: None,
            },
            None,
            runtime,
        ));
    }
}

/// Chains SLSA v1.0: declared steps from `externalParameters.runSpec`.
pub(super) fn chains_v1_steps(
    doc: &Document,
    external: &Value,
    ptr: &JsonPointer,
    ev: &mut Evidence,
    max_steps: usize,
) -> Result<(), NormalizeError> {
    let external = object(doc, external, ptr)?;
    let run_ptr = ptr.key("runSpec");
    let Some(run_spec) = member(external, "runSpec") else {
        return Ok(());
    };
    let run_spec = object(doc, run_spec, &run_ptr)?;
    if let Some(spec) = member(run_spec, "taskSpec") {
        let spec_ptr = run_ptr.key("taskSpec");
        let extracted = tekton::declared_task_spec(&doc.name, spec, &spec_ptr, None, max_steps)
            .map_err(|e| relocate(doc, &spec_ptr, e))?;
        push_extracted(ev, extracted)?;
    } else if let Some(spec) = member(run_spec, "pipelineSpec") {
        let spec_ptr = run_ptr.key("pipelineSpec");
        let extracted = tekton::declared_pipeline_spec(&doc.name, spec, &spec_ptr, max_steps)
            .map_err(|e| relocate(doc, &spec_ptr, e))?;
        push_extracted(ev, extracted)?;
    } else if let Some(key) = ["taskRef", "pipelineRef"]
        .into_iter()
        .find(|key| member(run_spec, key).is_some())
    {
        ev.notes.push(Note::new(
            NoteCode::DeclaredByReference,
            format!(
                "runSpec.{key} references the definition instead of embedding it: declared \
                 images are unknown"
            ),
            run_ptr.key(key),
        ));
    }
    Ok(())
}

pub(super) fn push_extracted(
    ev: &mut Evidence,
    extracted: Extracted,
) -> Result<(), NormalizeError> {
    let (steps, notes) = extracted.build()?;
    ev.steps.extend(steps);
    ev.notes.extend(notes);
    Ok(())
}
