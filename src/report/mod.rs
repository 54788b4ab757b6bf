//! Report: Evidence and results → text, JSON, JUnit XML or SARIF, written to
//! any `impl io::Write`.

mod evidence_text;
mod junit;
mod sarif;
mod verdict_text;

use std::io;

pub use evidence_text::write_evidence_text;
pub use junit::write_junit;
pub use sarif::{write_sarif, SARIF_SCHEMA};
pub use verdict_text::{write_report_text, TextOptions};

use crate::evidence::Evidence;
use crate::verifier::Report;

/// Write Evidence as JSON: one object for one document, an array for several.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_evidence_json(out: &mut impl io::Write, evidence: &[Evidence]) -> io::Result<()> {
    write_one_or_many(out, evidence)
}

/// Write reports as JSON: one object for one document, an array for several.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_reports_json(out: &mut impl io::Write, reports: &[Report]) -> io::Result<()> {
    write_one_or_many(out, reports)
}

fn write_one_or_many<T: serde::Serialize>(out: &mut impl io::Write, items: &[T]) -> io::Result<()> {
    match items {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)
}

/// Escape text for XML and HTML attributes and content; characters XML 1.0
/// forbids become U+FFFD. Shared by the JUnit writer and the audit's HTML page.
pub(crate) fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
