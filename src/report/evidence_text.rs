//! Evidence for people: what the document says about itself (predicate,
//! subjects, builder, source, build times, image materials), then one block
//! per step, declared and runtime apart.

use std::io;

use super::text_line;
use crate::evidence::{Evidence, Material, RuntimeAgreement, StepEvidence, StepKind};

/// At most this many subjects and image materials are listed; the rest are counted.
const MAX_LISTED: usize = 10;

/// Write one document's Evidence as text:
///
/// ```text
/// att.json (in-toto statement)
///   predicate   https://slsa.dev/provenance/v0.2 (in-toto-statement v0.1, slsa-provenance v0.2)
///   subject     quay.io/acme/app sha256:abcb…
///   builder     https://tekton.dev/chains/v2
///   build type  tekton.dev/v1/TaskRun
///   built       2022-09-29T11:48:03Z → 2022-09-29T11:53:34Z
///   image       oci://quay.io/acme/builder@sha256:2222… (runtime ImageID)
///   build/push: pinned, runtime mismatch
///     declared  quay.io/acme/pusher@sha256:2222…
///     runtime   docker-pullable://quay.io/acme/pusher@sha256:1111…
///     trusted   quay.io/acme/pusher@sha256:2222…
///   build/test: unpinned (declared by tag "1.23" only: a tag can be repointed)
///     declared  golang:1.23
///     runtime   docker-pullable://docker.io/library/golang@sha256:5f2b…
/// ```
///
/// A step whose declared image came from a run given with `--with` names
/// that run; a step corroborated through an `--index` names the index and
/// the platform; step notes follow their step.
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
    let line = ev.line.map(|l| format!(", line {l}")).unwrap_or_default();
    // A multi-platform build's build infos are told apart by platform.
    let platform = ev
        .layers
        .first()
        .and_then(|layer| layer.strip_prefix("buildkit-buildinfo "))
        .map(|p| format!(" for {p}"))
        .unwrap_or_default();
    text_line!(
        out,
        "{} ({}{name}{platform}{line})",
        ev.source,
        ev.document.kind.label()
    )?;
    write_facts(out, ev)?;
    if ev.steps.is_empty() {
        text_line!(out, "  no steps")?;
    }
    for s in &ev.steps {
        write_step(out, s)?;
    }
    for note in &ev.notes {
        write_note(out, "  ", note)?;
    }
    Ok(())
}

/// The attestation's own facts, one labelled line each, only those present.
fn write_facts(out: &mut impl io::Write, ev: &Evidence) -> io::Result<()> {
    if let Some(predicate) = &ev.predicate_type {
        // The layers after the envelope are what the predicate was read as.
        if ev.layers.is_empty() {
            text_line!(out, "  predicate   {predicate}")?;
        } else {
            text_line!(out, "  predicate   {predicate} ({})", ev.layers.join(", "))?;
        }
    }
    for s in ev.subjects.iter().take(MAX_LISTED) {
        let digests: Vec<String> = s.digest.iter().map(|(a, d)| format!("{a}:{d}")).collect();
        text_line!(
            out,
            "  subject     {} {}",
            shown(Some(&s.name)),
            digests.join(" ")
        )?;
    }
    more(out, ev.subjects.len(), "subjects")?;
    if let Some(builder) = &ev.builder_id {
        text_line!(out, "  builder     {}", shown(Some(builder)))?;
    }
    if let Some(build_type) = &ev.build_type {
        text_line!(out, "  build type  {build_type}")?;
    }
    if let Some(src) = &ev.build_source {
        let mut parts: Vec<String> = src.repository.iter().cloned().collect();
        parts.extend(src.git_ref.as_ref().map(|r| format!("ref {r}")));
        parts.extend(src.commit.as_ref().map(|c| format!("commit {c}")));
        parts.extend(src.workflow.as_ref().map(|w| format!("workflow {w}")));
        if !parts.is_empty() {
            text_line!(out, "  source      {}", parts.join(", "))?;
        }
    }
    match (&ev.build_started_on, &ev.build_finished_on) {
        (None, None) => {}
        (start, finish) => text_line!(
            out,
            "  built       {} → {}",
            start.as_deref().unwrap_or("?"),
            finish.as_deref().unwrap_or("?")
        )?,
    }
    if let Some(sig) = &ev.signatures {
        let mut parts = Vec::new();
        if let Some(media_type) = &sig.bundle_media_type {
            parts.push(format!("Sigstore bundle {media_type}"));
        }
        if sig.envelope_signatures > 0 {
            parts.push(plural(sig.envelope_signatures, "DSSE signature"));
        }
        if sig.message_signature {
            parts.push("message signature".to_owned());
        }
        if sig.certificate {
            parts.push("certificate".to_owned());
        }
        if sig.public_key {
            parts.push("public key".to_owned());
        }
        if sig.tlog_entries > 0 {
            parts.push(plural(sig.tlog_entries, "tlog entry"));
        }
        if sig.rfc3161_timestamps > 0 {
            parts.push(plural(sig.rfc3161_timestamps, "RFC 3161 timestamp"));
        }
        text_line!(
            out,
            "  signatures  {} (present, not verified)",
            parts.join(", ")
        )?;
    }
    let images: Vec<&Material> = ev.materials.iter().filter(|m| m.image.is_some()).collect();
    for m in images.iter().take(MAX_LISTED) {
        write_material(out, m)?;
    }
    more(out, images.len(), "image materials")
}

fn write_material(out: &mut impl io::Write, m: &Material) -> io::Result<()> {
    let Some(image) = &m.image else {
        return Ok(());
    };
    let what = image
        .reference
        .as_deref()
        .or(m.uri.as_deref())
        .unwrap_or("(no uri)");
    let digest = match &image.digest {
        Some(d) if !what.contains(d.as_str()) => format!(" {d}"),
        _ => String::new(),
    };
    let mut about = vec![match image.origin {
        crate::evidence::ImageOrigin::RuntimeImageId => "runtime ImageID",
        crate::evidence::ImageOrigin::Resolved => "requested, resolved",
        crate::evidence::ImageOrigin::Unspecified => "image",
        crate::evidence::ImageOrigin::OciLayout => "local OCI layout",
    }
    .to_owned()];
    about.extend(image.platform.clone());
    about.extend(image.problem.clone());
    text_line!(out, "  image       {what}{digest} ({})", about.join(", "))
}

fn more(out: &mut impl io::Write, total: usize, what: &str) -> io::Result<()> {
    if total > MAX_LISTED {
        text_line!(out, "  …           and {} more {what}", total - MAX_LISTED)?;
    }
    Ok(())
}

fn plural(n: usize, what: &str) -> String {
    match (n, what.strip_suffix('y')) {
        (1, _) => format!("1 {what}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {what}s"),
    }
}

fn write_step(out: &mut impl io::Write, s: &StepEvidence) -> io::Result<()> {
    let mut step = match &s.task {
        Some(task) => format!("{task}/{}", s.name),
        None => s.name.clone(),
    };
    if s.kind == StepKind::Sidecar {
        step.push_str(" (sidecar)");
    }
    let status = kebab(&s.trust.status);
    match s.corroboration {
        Some(c) => text_line!(out, "  {step}: {status}, runtime {}", kebab(&c))?,
        None => text_line!(out, "  {step}: {status} ({})", s.trust.reason)?,
    }
    let from = s
        .joined
        .as_ref()
        .map(|j| format!("  (from {})", j.source))
        .unwrap_or_default();
    text_line!(
        out,
        "    declared  {}{from}",
        shown(s.declared_image.as_deref())
    )?;
    text_line!(
        out,
        "    runtime   {}",
        shown(s.runtime_image_id.as_deref())
    )?;
    if let Some(j) = &s.joined {
        if matches!(
            j.runtime_agreement,
            RuntimeAgreement::Disagree | RuntimeAgreement::RunOnly
        ) {
            text_line!(
                out,
                "    run's ID  {}  ({})",
                shown(j.runtime_image_id.as_deref()),
                kebab(&j.runtime_agreement)
            )?;
        }
    }
    if let Some(trusted) = &s.trusted_reference {
        text_line!(out, "    trusted   {trusted}")?;
    }
    if let Some(via) = &s.via_index {
        text_line!(
            out,
            "    index     {} lists {} for {}",
            via.source,
            via.manifest,
            via.platform.as_deref().unwrap_or("an unnamed platform")
        )?;
    }
    for note in &s.notes {
        write_note(out, "    ", note)?;
    }
    Ok(())
}

fn write_note(
    out: &mut impl io::Write,
    indent: &str,
    note: &crate::evidence::Note,
) -> io::Result<()> {
    if note.pointer.is_root() {
        text_line!(out, "{indent}note [{}] {}", note.code, note.message)
    } else {
        text_line!(
            out,
            "{indent}note [{}] {} (at {})",
            note.code,
            note.message,
            note.pointer
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, bytes: &[u8]) -> String {
        let ev = crate::normalize::normalize_bytes(name, bytes)
            .remove(0)
            .unwrap();
        let mut out = Vec::new();
        write_evidence_text(&mut out, &ev).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn an_attestation_shows_its_facts_before_its_steps() {
        let statement = br#"{"_type":"https://in-toto.io/Statement/v0.1",
          "predicateType":"https://slsa.dev/provenance/v0.2",
          "subject":[{"name":"quay.io/acme/app","digest":{"sha256":"abcd"}}],
          "predicate":{"builder":{"id":"https://tekton.dev/chains/v2"},"buildType":"tekton.dev/v1/TaskRun",
            "metadata":{"buildStartedOn":"2022-09-29T11:48:03Z","buildFinishedOn":"2022-09-29T11:53:34Z"},
            "buildConfig":{"steps":[{"environment":{"container":"step-build","image":"oci://quay.io/acme/b@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}]},
            "materials":[{"uri":"oci://quay.io/acme/b","digest":{"sha256":"6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}},
                         {"uri":"git+https://github.com/acme/app.git","digest":{"sha1":"abc"}}]}}"#;
        let got = text("att.json", statement);
        let want = "att.json (in-toto statement)
  predicate   https://slsa.dev/provenance/v0.2 (in-toto-statement v0.1, slsa-provenance v0.2)
  subject     quay.io/acme/app sha256:abcd
  builder     https://tekton.dev/chains/v2
  build type  tekton.dev/v1/TaskRun
  built       2022-09-29T11:48:03Z → 2022-09-29T11:53:34Z
  image       oci://quay.io/acme/b sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b (runtime ImageID)
  build: undeclared (no declared image: a runtime ImageID is never trusted as a reference)
";
        assert!(got.starts_with(want), "{got}");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "tlog entry"), "1 tlog entry");
        assert_eq!(plural(2, "tlog entry"), "2 tlog entries");
        assert_eq!(plural(3, "DSSE signature"), "3 DSSE signatures");
    }
}
