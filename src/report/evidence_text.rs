//! Evidence for people: one block per step, declared and runtime apart.

use std::io;

use crate::evidence::{Evidence, StepKind};

/// Write one document's Evidence as text:
///
/// ```text
/// taskrun.yaml (Tekton TaskRun "build-xyz")
///   build/push: pinned, runtime mismatch
///     declared  quay.io/acme/pusher@sha256:2222…
///     runtime   docker-pullable://quay.io/acme/pusher@sha256:1111…
///     trusted   quay.io/acme/pusher@sha256:2222…
///   build/test: unpinned (declared by tag "1.23" only: a tag can be repointed)
///     declared  golang:1.23
///     runtime   docker-pullable://docker.io/library/golang@sha256:5f2b…
/// ```
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_evidence_text(out: &mut impl io::Write, ev: &Evidence) -> io::Result<()> {
    let name = ev
        .document
        .name
        .as_deref()
        .map(|n| format!(" {n:?}"))
        .unwrap_or_default();
    writeln!(out, "{} ({}{name})", ev.source, ev.document.kind.label())?;
    if ev.steps.is_empty() {
        writeln!(out, "  no steps")?;
    }
    for s in &ev.steps {
        let mut step = match &s.task {
            Some(task) => format!("{task}/{}", s.name),
            None => s.name.clone(),
        };
        if s.kind == StepKind::Sidecar {
            step.push_str(" (sidecar)");
        }
        let status = kebab(&s.trust.status);
        match s.corroboration {
            Some(c) => writeln!(out, "  {step}: {status}, runtime {}", kebab(&c))?,
            None => writeln!(out, "  {step}: {status} ({})", s.trust.reason)?,
        }
        writeln!(out, "    declared  {}", shown(s.declared_image.as_deref()))?;
        writeln!(
            out,
            "    runtime   {}",
            shown(s.runtime_image_id.as_deref())
        )?;
        if let Some(trusted) = &s.trusted_reference {
            writeln!(out, "    trusted   {trusted}")?;
        }
    }
    for note in &ev.notes {
        writeln!(
            out,
            "  note [{}] {} (at {})",
            note.code, note.message, note.pointer
        )?;
    }
    Ok(())
}

/// The kebab-case name serde gives a unit variant.
fn kebab(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

fn shown(s: Option<&str>) -> &str {
    match s {
        Some("") => "(empty)",
        Some(s) => s,
        None => "(none)",
    }
}
