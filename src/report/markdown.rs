//! A Markdown summary, for `$GITHUB_STEP_SUMMARY` or a merge-request
//! comment: the verdict, the counts, and a table of the results that did not
//! pass (failures first), with the inputs that could not be judged.
//!
//! Document text is escaped (every ASCII punctuation character
//! backslash-escaped, line breaks and control characters replaced), so a
//! step name cannot add a link, an image, HTML or a table row.

use std::io;

use super::entry::Entry;
use crate::results::{RuleResult, Status};

/// Rows shown at most; the rest are counted in a last line.
const MAX_ROWS: usize = 200;

/// Write a run's entries as a Markdown summary.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_markdown(out: &mut impl io::Write, entries: &[Entry]) -> io::Result<()> {
    let reports = || entries.iter().filter_map(Entry::judged);
    let errors = entries.iter().filter(|e| e.report().is_none()).count();
    let skipped = entries.iter().filter(|e| e.is_skipped()).count();
    let documents = |s: Status| reports().filter(|r| r.verdict == s).count();
    let results = |s: Status| {
        reports()
            .map(|r| r.results.iter().filter(|x| x.status == s).count())
            .sum::<usize>()
    };
    let warnings: usize = reports().map(|r| r.summary.warnings).sum();
    let verdict = if errors > 0 {
        "ERROR"
    } else {
        match reports().map(|r| r.verdict).max() {
            Some(Status::Pass) => "PASS",
            Some(Status::Fail) => "FAIL",
            Some(Status::Unknown) | None => "UNKNOWN",
        }
    };
    writeln!(out, "## provcheck verify: {verdict}\n")?;
    writeln!(
        out,
        "{} document{}: {} pass, {} fail, {} unknown, {} not judged (error), {} skipped (predicate type not selected).\n",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        documents(Status::Pass),
        documents(Status::Fail),
        documents(Status::Unknown),
        errors,
        skipped
    )?;
    writeln!(
        out,
        "Results: {} pass, {} fail, {} unknown, {} warning{}.\n",
        results(Status::Pass),
        results(Status::Fail),
        results(Status::Unknown),
        warnings,
        if warnings == 1 { "" } else { "s" }
    )?;
    let mut rows: Vec<[String; 5]> = Vec::new();
    for entry in entries {
        let document = match entry.line() {
            Some(line) => format!("{} (line {line})", entry.source()),
            None => entry.source().to_owned(),
        };
        match &entry.outcome {
            Err(unjudged) => rows.push([
                "error".into(),
                escape(&document),
                String::new(),
                String::new(),
                escape(&unjudged.error),
            ]),
            Ok(report) if report.skipped.is_some() => {}
            Ok(report) => rows.extend(
                report
                    .results
                    .iter()
                    .filter(|r| r.status != Status::Pass || r.warning.is_some())
                    .map(|r| row(&document, r)),
            ),
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    // Errors and failures first, then unknowns, then warnings; stable.
    let rank = |status: &str| match status {
        "error" => 0,
        "fail" => 1,
        "unknown" => 2,
        _ => 3,
    };
    rows.sort_by_key(|row| rank(&row[0]));
    writeln!(out, "| status | document | rule | step | message |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for row in rows.iter().take(MAX_ROWS) {
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    if rows.len() > MAX_ROWS {
        writeln!(
            out,
            "\n… and {} more: see the full report.",
            rows.len() - MAX_ROWS
        )?;
    }
    Ok(())
}

fn row(document: &str, r: &RuleResult) -> [String; 5] {
    let step = match (&r.task, &r.step) {
        (Some(t), Some(s)) => format!("{t}/{s}"),
        (None, Some(s)) => s.clone(),
        _ => String::new(),
    };
    let status = if r.status == Status::Pass {
        "warning".to_owned()
    } else {
        r.status.to_string()
    };
    [
        status,
        escape(document),
        escape(&r.rule),
        escape(&step),
        escape(&r.message),
    ]
}

/// Text made inert in a Markdown table cell: ASCII punctuation
/// backslash-escaped, line breaks and other control characters as spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || super::is_terminal_control(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_cannot_add_markup() {
        assert_eq!(
            escape("x | [a](http://e) <b>\n| row |"),
            "x \\| \\[a\\]\\(http\\:\\/\\/e\\) \\<b\\> \\| row \\|"
        );
    }
}
