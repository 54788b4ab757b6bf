//! The shared step kernel: declared and runtime entries joined by name
//! (never by index) and built into [`StepEvidence`] with the
//! trusted-reference decision table.

use super::run::Unjoined;
#[allow(clippy::wildcard_imports)]
use super::*;

/// A declared or runtime container, flattened for joining (its text
/// copied out of the document once).
#[derive(Debug)]
pub(super) struct Side {
    pub(super) name: String,
    pub(super) image: Option<String>,
    /// Its index in its list (`steps`, `sidecars`).
    pub(super) index: usize,
    /// What of the entry names its image; the pointer is made when the
    /// step is built (a large task holds many entries).
    pub(super) member: Member,
}

/// The member of an entry that names its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Member {
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
pub(super) struct Bases {
    pub(super) declared: JsonPointer,
    pub(super) runtime: JsonPointer,
    pub(super) template: JsonPointer,
}

impl Side {
    /// The pointer of what names the image (the entry, when nothing does)
    /// and, for an image inherited from the template, the entry itself.
    pub(super) fn pointers(
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
pub(super) struct RunContext {
    pub(super) task: Option<String>,
    pub(super) taskrun: Option<String>,
    /// The pipeline task that defines the run, when it is one.
    pub(super) task_pointer: Option<JsonPointer>,
    /// The child run reference, when the run is referenced, not embedded.
    pub(super) run_pointer: Option<JsonPointer>,
}

impl RunContext {
    /// Read the spec's steps and sidecars and the status's, to be joined
    /// by name once the document is released ([`Extracted::build`]).
    pub(super) fn join(
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

    pub(super) fn describe(&self) -> String {
        match (&self.taskrun, &self.task) {
            (Some(run), _) => format!("TaskRun {run:?}"),
            (None, Some(task)) => format!("task {task:?}"),
            (None, None) => "this TaskRun".to_owned(),
        }
    }

    pub(super) fn step(
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

pub(super) fn declared_side(spec: &TaskSpec, kind: StepKind) -> Vec<Side> {
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

pub(super) fn runtime_side(status: &TaskRunStatus, kind: StepKind) -> Vec<Side> {
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

pub(super) fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// Match entries with equal names: for each declared entry, the index of
/// its runtime entry; and the names given to more than one entry on either
/// side. Such a name is ambiguous (Tekton refuses such a task): its entries
/// stay unmatched, never matched by position. A hash join: linear in the
/// number of entries. Nothing is matched when a side is empty (provenance
/// that embeds the task spec alone).
pub(super) fn match_by_name(
    declared: &[Side],
    runtime: &[Side],
) -> (Vec<Option<usize>>, Vec<String>) {
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
pub(super) fn pair_by_name(
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
