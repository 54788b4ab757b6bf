//! The outcomes of `provcheck policy test`: text (failures, or every test
//! with `verbose`), JSON or JUnit XML.

use std::io;

use serde::Serialize;

use super::escape_markup as xml;
use crate::evaluate::rego::TestOutcome;

/// How policy test outcomes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestFormat {
    /// A line per failed test (per test with `verbose`), then the counts.
    Text,
    /// A JSON array, an object per test.
    Json,
    /// JUnit XML: a suite, a case per test.
    Junit,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    file: String,
    line: usize,
    name: &'a str,
    passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<&'a str>,
}

/// Write policy test outcomes.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_policy_tests(
    out: &mut impl io::Write,
    outcomes: &[TestOutcome],
    format: TestFormat,
    verbose: bool,
) -> io::Result<()> {
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    match format {
        TestFormat::Text => {
            for o in outcomes {
                match &o.failure {
                    None if verbose => {
                        super::text_line!(
                            out,
                            "PASS  {}:{}  {}",
                            o.file.display(),
                            o.line,
                            o.name
                        )?;
                    }
                    None => {}
                    Some(why) => super::text_line!(
                        out,
                        "FAIL  {}:{}  {}: {why}",
                        o.file.display(),
                        o.line,
                        o.name
                    )?,
                }
            }
            writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)
        }
        TestFormat::Json => {
            let all: Vec<OutcomeJson<'_>> = outcomes
                .iter()
                .map(|o| OutcomeJson {
                    file: o.file.display().to_string(),
                    line: o.line,
                    name: &o.name,
                    passed: o.failure.is_none(),
                    failure: o.failure.as_deref(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
        TestFormat::Junit => {
            writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
            let n = outcomes.len();
            writeln!(
                out,
                r#"<testsuites name="provcheck policy test" tests="{n}" failures="{failed}" errors="0" skipped="0">"#
            )?;
            writeln!(
                out,
                r#"  <testsuite name="provcheck policy test" tests="{n}" failures="{failed}" errors="0" skipped="0">"#
            )?;
            for o in outcomes {
                let (class, name) = (xml(&o.file.display().to_string()), xml(&o.name));
                match &o.failure {
                    None => writeln!(out, r#"    <testcase classname="{class}" name="{name}"/>"#)?,
                    Some(why) => writeln!(
                        out,
                        "    <testcase classname=\"{class}\" name=\"{name}\">\n      <failure type=\"fail\" message=\"{m}\">{}:{} {m}</failure>\n    </testcase>",
                        class,
                        o.line,
                        m = xml(why)
                    )?,
                }
            }
            writeln!(out, "  </testsuite>\n</testsuites>")
        }
    }
}
