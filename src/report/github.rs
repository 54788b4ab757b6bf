//! GitHub Actions workflow commands: an inline annotation per result that
//! needs attention, without code scanning.
//!
//! `fail` → `::error`; `unknown`, and a pass that warns → `::warning`; an
//! input or document that could not be judged → `::error`. Each names the
//! input file (relative to the working directory when under it), the
//! document's line when known, and the rule as its title. Document text is
//! escaped as the Actions runner reads it (`%`, CR and LF in the message;
//! also `:` and `,` in properties), so a step name cannot end a command or
//! start another.

use std::io;
use std::path::Path;

use super::entry::{input_path, Entry};
use crate::results::Status;

/// Write a run's entries as GitHub workflow commands. `base` is the working
/// directory: inputs under it are named relative to it.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_github(
    out: &mut impl io::Write,
    entries: &[Entry],
    base: Option<&Path>,
) -> io::Result<()> {
    for entry in entries {
        let mut properties = format!("file={}", property(&input_path(&entry.input, base)));
        if let Some(line) = entry.line() {
            properties.push_str(&format!(",line={line}"));
        }
        let place = match entry.part() {
            "" => String::new(),
            part => format!("{part}: "),
        };
        let report = match &entry.outcome {
            Ok(report) if report.skipped.is_some() => continue,
            Ok(report) => report,
            Err(unjudged) => {
                writeln!(
                    out,
                    "::error {properties},title={}::{}",
                    property("provcheck: not judged"),
                    data(&format!("{place}{}", unjudged.error))
                )?;
                continue;
            }
        };
        for r in &report.results {
            let command = match (r.status, &r.warning) {
                (Status::Fail, _) => "error",
                (Status::Unknown, _) | (Status::Pass, Some(_)) => "warning",
                (Status::Pass, None) => continue,
            };
            let step = match (&r.task, &r.step) {
                (Some(t), Some(s)) => format!("{t}/{s}: "),
                (None, Some(s)) => format!("{s}: "),
                _ => String::new(),
            };
            let status = match &r.warning {
                Some(w) => format!("warning ({w})"),
                None => r.status.to_string(),
            };
            writeln!(
                out,
                "::{command} {properties},title={}::{}",
                property(&format!("provcheck {} {status}", r.rule)),
                data(&format!("{place}{step}{}", r.message))
            )?;
        }
    }
    Ok(())
}

/// A command's message, escaped as the runner unescapes it.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command property's value, escaped as the runner unescapes it.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_cannot_end_a_command_or_start_another() {
        assert_eq!(data("a%b\r\n::error::forged"), "a%25b%0D%0A::error::forged");
        assert_eq!(property("x,line=1::y"), "x%2Cline=1%3A%3Ay");
    }
}
