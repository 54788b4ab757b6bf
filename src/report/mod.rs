//! Report: Evidence and results → text, JSON, JUnit XML or SARIF, written to
//! any `impl io::Write`.

mod evidence_text;
mod junit;
mod sarif;
mod verdict_text;

use std::borrow::Cow;
use std::fmt;
use std::io;

pub use evidence_text::write_evidence_text;
pub use junit::write_junit;
pub use sarif::{write_sarif, SARIF_SCHEMA};
pub use verdict_text::{write_report_text, TextOptions};

use crate::evidence::Evidence;
use crate::results::Report;

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

/// `writeln!` for text that carries document text: see [`write_line`].
macro_rules! text_line {
    ($out:expr, $($arg:tt)*) => {
        $crate::report::write_line($out, format_args!($($arg)*))
    };
}
pub(crate) use text_line;

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
