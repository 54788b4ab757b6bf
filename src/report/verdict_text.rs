//! Reports for people: one verdict line, then what did not pass.

use std::io;

use super::printable;
use crate::evaluate::{RuleResult, Status};
use crate::results::Report;

/// How the text report is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours (only when writing to a terminal).
    pub color: bool,
    /// Show every result, passes included, with the evidence pointers that decided it.
    pub explain: bool,
}

/// Write one report:
///
/// ```text
/// FAIL  att.json  (1 fail, 1 unknown, 3 pass)
///   fail     registry.allowed  build/push: quay.io/evil/x@sha256:… is not in an allowed registry
///   unknown  registry.allowed  build/test: declared docker.io/library/golang:1.23 is in an allowed place but not pinned by digest
/// ```
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_report_text(
    out: &mut impl io::Write,
    report: &Report,
    opts: TextOptions,
) -> io::Result<()> {
    let s = &report.summary;
    let mut counts = vec![];
    for (n, what) in [
        (s.fail, "fail"),
        (s.unknown, "unknown"),
        (s.pass, "pass"),
        (s.warnings, "warning"),
    ] {
        if n > 0 {
            counts.push(format!(
                "{n} {what}{}",
                if what == "warning" && n > 1 { "s" } else { "" }
            ));
        }
    }
    let verdict = report.verdict.as_str().to_uppercase();
    let source = match report.line {
        Some(line) => format!("{}:{line}", report.source),
        None => report.source.clone(),
    };
    writeln!(
        out,
        "{}  {}  ({})",
        paint(opts.color, report.verdict, &verdict),
        printable(&source),
        counts.join(", ")
    )?;
    for skipped in &report.insecure {
        writeln!(out, "  insecure: {}", printable(skipped))?;
    }
    for r in &report.results {
        let shown = opts.explain || r.status != Status::Pass || r.warning.is_some();
        if !shown {
            continue;
        }
        let label = match &r.warning {
            Some(_) => paint_warning(opts.color),
            None => paint(opts.color, r.status, &format!("{:<7}", r.status.as_str())),
        };
        // Rule ids, step names and messages may carry document text.
        writeln!(
            out,
            "  {label}  {}  {}{}",
            printable(&r.rule),
            printable(&subject(r)),
            printable(&r.message)
        )?;
        if let Some(w) = &r.warning {
            writeln!(out, "           {}", printable(w))?;
        }
        if opts.explain && !r.evidence.is_empty() {
            let pointers: Vec<&str> = r.evidence.iter().map(|p| p.as_str()).collect();
            writeln!(
                out,
                "           evidence: {}",
                printable(&pointers.join(", "))
            )?;
        }
    }
    Ok(())
}

fn subject(r: &RuleResult) -> String {
    match (&r.task, &r.step) {
        (Some(task), Some(step)) => format!("{task}/{step}: "),
        (None, Some(step)) => format!("{step}: "),
        _ => String::new(),
    }
}

fn paint(color: bool, status: Status, text: &str) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Unknown => "33",
        Status::Fail => "31;1",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn paint_warning(color: bool) -> String {
    if color {
        "\x1b[35mwarning\x1b[0m".to_owned()
    } else {
        "warning".to_owned()
    }
}
