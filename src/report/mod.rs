//! Report: Evidence and results → text, JSON, JUnit XML, SARIF, GitHub
//! workflow commands, Markdown or Tekton's `TEST_OUTPUT`, written to any
//! `impl io::Write`.
//!
//! A run's outputs are written from its [`Entry`] list: one entry per judged
//! document, and one per input (or document in it) that could not be
//! judged, so that no output leaves an input out.

mod entry;
mod evidence_text;
mod github;
mod junit;
mod markdown;
mod policy_tests;
mod sarif;
mod tekton;
mod verdict_text;
mod vsa;

use std::borrow::Cow;
use std::fmt;
use std::io;

pub use entry::{input_path, input_uri, Entry, ErrorVerdict, Unjudged};
pub use evidence_text::write_evidence_text;
pub use github::write_github;
pub use junit::write_junit;
pub use markdown::write_markdown;
pub use policy_tests::{write_policy_tests, TestFormat};
pub use sarif::{write_sarif, SarifOptions, SARIF_SCHEMA};
pub use tekton::{write_tekton, TektonOptions};
pub use verdict_text::{write_report_text, TextOptions};
pub use vsa::{
    statement as vsa_statement, write_vsa, Resource, VsaOptions, VsaSigner, VSA_PREDICATE_TYPE,
};

use crate::evidence::Evidence;
use crate::results::Report;

/// `writeln!` for text that carries document text: see [`write_line`].
macro_rules! text_line {
    ($out:expr, $($arg:tt)*) => {
        $crate::report::write_line($out, format_args!($($arg)*))
    };
}
pub(crate) use text_line;

/// An output format of a verify run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A verdict line and the results that did not pass, per document.
    Text,
    /// The JSON report ([`write_entries_json`]).
    Json,
    /// JUnit XML ([`write_junit`]).
    Junit,
    /// SARIF 2.1.0 ([`write_sarif`]).
    Sarif,
    /// GitHub workflow commands ([`write_github`]).
    Github,
    /// A Markdown summary ([`write_markdown`]).
    Markdown,
    /// Tekton's `TEST_OUTPUT` ([`write_tekton`]).
    Tekton,
    /// SLSA verification summary attestations ([`write_vsa`]).
    Vsa,
}

/// What every format needs to know about the run.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    /// Colour and detail of the text report.
    pub text: TextOptions,
    /// An `unknown` gates the release (JUnit failure, Tekton `FAILURE`).
    pub unknown_fails: bool,
    /// SARIF: passing results too.
    pub sarif_passes: bool,
    /// The working directory: inputs under it are named relative to it
    /// (SARIF, GitHub).
    pub base: Option<std::path::PathBuf>,
    /// The time of the run (Tekton's `timestamp`).
    pub now: chrono::DateTime<chrono::Utc>,
    /// What the verification summary attestations say (`Format::Vsa`).
    pub vsa: Option<VsaOptions>,
    /// The key that signs them, when they are signed.
    pub vsa_signer: Option<std::sync::Arc<VsaSigner>>,
    /// What the policies say about rules that are not built in (SARIF's
    /// rule descriptors).
    pub rule_descriptions: std::collections::BTreeMap<String, crate::results::RuleDescription>,
}

/// Write a run's entries in one format.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write(
    out: &mut impl io::Write,
    format: Format,
    entries: &[Entry],
    options: &OutputOptions,
) -> io::Result<()> {
    match format {
        Format::Text => {
            for entry in entries {
                match &entry.outcome {
                    Ok(report) if report.skipped.is_some() => {
                        let source = match report.line {
                            Some(line) => format!("{}:{line}", report.source),
                            None => report.source.clone(),
                        };
                        let why = report.skipped.as_deref().unwrap_or_default();
                        text_line!(out, "SKIPPED  {source}  {why}")?;
                    }
                    Ok(report) => write_report_text(out, report, options.text)?,
                    Err(unjudged) => {
                        let source = match unjudged.line {
                            Some(line) => format!("{}:{line}", unjudged.source),
                            None => unjudged.source.clone(),
                        };
                        text_line!(out, "ERROR  {source}  {}", unjudged.error)?;
                    }
                }
            }
            Ok(())
        }
        Format::Json => write_entries_json(out, entries),
        Format::Junit => write_junit(out, entries, options.unknown_fails),
        Format::Sarif => write_sarif(
            out,
            entries,
            &SarifOptions {
                passes: options.sarif_passes,
                base: options.base.clone(),
                descriptions: options.rule_descriptions.clone(),
            },
        ),
        Format::Github => write_github(out, entries, options.base.as_deref()),
        Format::Markdown => write_markdown(out, entries),
        Format::Vsa => match &options.vsa {
            Some(vsa) => write_vsa(out, entries, vsa, options.vsa_signer.as_deref()),
            None => Err(io::Error::other(
                "the VSA output needs its options (policy, time)",
            )),
        },
        Format::Tekton => write_tekton(
            out,
            entries,
            TektonOptions {
                unknown_fails: options.unknown_fails,
                now: options.now,
            },
        ),
    }
}

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

/// Write a run's entries as JSON: one object when the run judged one input
/// that is one document (a whole file, not a JSON line, a YAML-stream
/// document or an item of a list), else an array with an entry per
/// document, in which an input or document that could not be judged has
/// `"verdict": "error"` and the reason.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_entries_json(out: &mut impl io::Write, entries: &[Entry]) -> io::Result<()> {
    let items: Vec<EntryJson<'_>> = entries
        .iter()
        .map(|e| match &e.outcome {
            Ok(report) => EntryJson::Report(report),
            Err(unjudged) => EntryJson::Unjudged(unjudged),
        })
        .collect();
    match (entries, items.as_slice()) {
        ([entry], [one]) if entry.line().is_none() && entry.part().is_empty() => {
            serde_json::to_writer_pretty(&mut *out, one)?;
            writeln!(out)
        }
        _ => {
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
    }
}

/// An entry as JSON: the report itself, or the unjudged entry.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum EntryJson<'a> {
    Report(&'a Report),
    Unjudged(&'a Unjudged),
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
            // As character references: an XML reader would read them in an
            // attribute as spaces, making two names one.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether printing `c` on a terminal could move the cursor, recolour, hide
/// or reorder text: control characters (a newline, a carriage return, ESC,
/// the C1 set) and the bidirectional-text controls.
fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from a document made safe for a terminal: every control character
/// (a newline, a carriage return, ESC, the C1 set) and bidirectional-text
/// control written as a `\u{…}` escape, so a step name or builder id cannot
/// forge, overwrite or hide report lines.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_terminal_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_terminal_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Write one line of text for people, built from `args` with every
/// [terminal control](is_terminal_control) in it escaped, then a newline.
/// The text renderers write every line that carries document text this
/// way (their own text has no control characters).
pub(crate) fn write_line(
    out: &mut (impl io::Write + ?Sized),
    args: fmt::Arguments<'_>,
) -> io::Result<()> {
    let text = match args.as_str() {
        Some(fixed) => Cow::Borrowed(fixed),
        None => Cow::Owned(args.to_string()),
    };
    out.write_all(printable(&text).as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(printable("quay.io/acme/x"), "quay.io/acme/x");
        assert!(matches!(printable("plain é"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\nPASS\r\u{1b}[2K\u{202e}b\u{9b}"),
            "a\\u{a}PASS\\u{d}\\u{1b}[2K\\u{202e}b\\u{9b}"
        );
        let mut out = Vec::new();
        write_line(&mut out, format_args!("  builder  {}", "x\ninputs 999")).unwrap();
        assert_eq!(out, b"  builder  x\\u{a}inputs 999\n");
    }
}
