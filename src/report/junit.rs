//! JUnit XML, for CI systems that show test reports: a test suite per
//! input, a test case per result. `fail` is a `<failure>`; `unknown` is a
//! `<failure type="unknown">` when unknown gates the release, else `<skipped>`.

use std::io;

use crate::evaluate::Status;

use super::escape_markup as xml;
use crate::results::Report;

/// Write reports (and inputs that could not be read, as `<error>` cases) as JUnit XML.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_junit(
    out: &mut impl io::Write,
    reports: &[Report],
    errors: &[(String, String)],
    unknown_fails: bool,
) -> io::Result<()> {
    let count = |status: Status| -> usize {
        reports
            .iter()
            .flat_map(|r| &r.results)
            .filter(|x| x.status == status)
            .count()
    };
    let tests: usize = reports.iter().map(|r| r.results.len()).sum::<usize>() + errors.len();
    let (failures, skipped) = if unknown_fails {
        (count(Status::Fail) + count(Status::Unknown), 0)
    } else {
        (count(Status::Fail), count(Status::Unknown))
    };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="provcheck" tests="{tests}" failures="{failures}" errors="{}" skipped="{skipped}">"#,
        errors.len()
    )?;
    for report in reports {
        let fails = report.summary.fail
            + if unknown_fails {
                report.summary.unknown
            } else {
                0
            };
        let skips = if unknown_fails {
            0
        } else {
            report.summary.unknown
        };
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{fails}" errors="0" skipped="{skips}">"#,
            xml(&report.source),
            report.results.len()
        )?;
        let insecure: String = report
            .insecure
            .iter()
            .map(|i| format!(r#"<property name="insecure" value="{}"/>"#, xml(i)))
            .collect();
        writeln!(
            out,
            r#"    <properties><property name="verdict" value="{}"/>{insecure}</properties>"#,
            report.verdict
        )?;
        for r in &report.results {
            let name = match (&r.task, &r.step) {
                (Some(t), Some(s)) => format!("{t}/{s}"),
                (None, Some(s)) => s.clone(),
                _ => "document".to_owned(),
            };
            write!(
                out,
                r#"    <testcase classname="{}" name="{}""#,
                xml(&r.rule),
                xml(&name)
            )?;
            let message = xml(&r.message);
            match (r.status, unknown_fails) {
                (Status::Pass, _) => match &r.warning {
                    Some(w) => writeln!(out, ">\n      <system-out>warning ({}): {message}</system-out>\n    </testcase>", xml(w))?,
                    None => writeln!(out, "/>")?,
                },
                (Status::Fail, _) => writeln!(out, ">\n      <failure type=\"fail\" message=\"{message}\">{message}</failure>\n    </testcase>")?,
                (Status::Unknown, true) => writeln!(out, ">\n      <failure type=\"unknown\" message=\"{message}\">{message}</failure>\n    </testcase>")?,
                (Status::Unknown, false) => writeln!(out, ">\n      <skipped message=\"unknown: {message}\"/>\n    </testcase>")?,
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    for (source, message) in errors {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="1" failures="0" errors="1" skipped="0">"#,
            xml(source)
        )?;
        writeln!(
            out,
            "    <testcase classname=\"input\" name=\"read\">\n      <error type=\"invalid-input\" message=\"{m}\">{m}</error>\n    </testcase>",
            m = xml(message)
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}"
        );
    }
}
