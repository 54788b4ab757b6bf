//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins).
//!
//! A test suite per document, named by its input and place. A test case per
//! result: `classname` is the input file, and `name` the rule and what it
//! judged (the step, the evidence it cites, or the document), with the
//! document's line or place when the input holds several. GitLab keeps one
//! case per (`classname`, `name`), so a name that would repeat within an
//! input is numbered (`#2`, `#3`): every result is kept.
//!
//! `fail` is a `<failure>`; `unknown` is a `<failure type="unknown">` when
//! unknown gates the release, else `<skipped>`. An input or document that
//! could not be judged is a case with an `<error>`.

use std::collections::{HashMap, HashSet};
use std::io;

use super::entry::Entry;
use super::escape_markup as xml;
use crate::results::{RuleResult, Status};

/// Write a run's entries as JUnit XML.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_junit(
    out: &mut impl io::Write,
    entries: &[Entry],
    unknown_fails: bool,
) -> io::Result<()> {
    let mut names = Names::default();
    let mut suites: Vec<Suite> = entries
        .iter()
        .map(|entry| Suite::of(entry, unknown_fails, &mut names))
        .collect();
    // Every document skipped for its predicate type: nothing was judged,
    // which never passes; a failing case says so.
    if !entries.is_empty() && entries.iter().all(Entry::is_skipped) {
        suites.push(Suite {
            name: "provcheck".to_owned(),
            properties: vec![("verdict", "unknown".to_owned())],
            cases: vec![Case {
                classname: "provcheck".to_owned(),
                name: "a document was judged".to_owned(),
                outcome: Outcome::Fail(
                    "unknown",
                    "no document was selected: every attestation's predicate type was skipped (see --predicate-type)".to_owned(),
                ),
            }],
        });
    }
    let total = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="provcheck" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        total(|s| s.cases.len()),
        total(|s| s.count(Outcome::is_failure)),
        total(|s| s.count(Outcome::is_error)),
        total(|s| s.count(Outcome::is_skipped)),
    )?;
    for suite in &suites {
        suite.write(out)?;
    }
    writeln!(out, "</testsuites>")
}

/// One test suite: a document, or an input that could not be judged.
struct Suite {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

/// One test case; its class name and name escaped for XML (unique as
/// written, not only before escaping).
struct Case {
    classname: String,
    name: String,
    outcome: Outcome,
}

/// How a case ended, with its message.
enum Outcome {
    Pass,
    Warn(String, String),
    Fail(&'static str, String),
    Skipped(String),
    Error(String),
}

impl Outcome {
    fn is_failure(&self) -> bool {
        matches!(self, Self::Fail(..))
    }

    fn is_error(&self) -> bool {
        matches!(self, Self::Error(_))
    }

    fn is_skipped(&self) -> bool {
        matches!(self, Self::Skipped(_))
    }
}

/// Case names used so far, per input: a repeat is numbered, and a number
/// is never one a name already has.
#[derive(Default)]
struct Names {
    used: HashSet<(String, String)>,
    next: HashMap<(String, String), usize>,
}

impl Names {
    fn unique(&mut self, classname: &str, name: String) -> String {
        let key = (classname.to_owned(), name);
        let n = self.next.entry(key.clone()).or_insert(1);
        let mut candidate = key.1.clone();
        while !self.used.insert((key.0.clone(), candidate.clone())) {
            *n += 1;
            candidate = format!("{} #{n}", key.1);
        }
        candidate
    }
}

impl Suite {
    fn of(entry: &Entry, unknown_fails: bool, names: &mut Names) -> Self {
        // The document's place in its input, when the input holds several.
        let place = match (entry.line(), entry.part()) {
            (Some(line), "") => format!(" [line {line}]"),
            (Some(line), part) => format!(" [line {line} {part}]"),
            (None, "") => String::new(),
            (None, part) => format!(" [{part}]"),
        };
        let name = format!("{}{}", entry.input, place);
        let classname = xml(&entry.input);
        match &entry.outcome {
            Err(unjudged) => Self {
                name,
                properties: vec![("verdict", "error".to_owned())],
                cases: vec![Case {
                    name: names.unique(&classname, xml(&format!("read{place}"))),
                    classname,
                    outcome: Outcome::Error(unjudged.error.clone()),
                }],
            },
            Ok(report) if report.skipped.is_some() => Self {
                name,
                properties: vec![("verdict", "skipped".to_owned())],
                cases: vec![Case {
                    name: names.unique(&classname, xml(&format!("predicate type{place}"))),
                    classname,
                    outcome: Outcome::Skipped(report.skipped.clone().unwrap_or_default()),
                }],
            },
            Ok(report) => {
                let mut properties = vec![("verdict", report.verdict.to_string())];
                properties.extend(report.insecure.iter().map(|i| ("insecure", i.clone())));
                let cases = report
                    .results
                    .iter()
                    .map(|r| Case {
                        name: names
                            .unique(&classname, xml(&format!("{} {}{place}", r.rule, judged(r)))),
                        classname: classname.clone(),
                        outcome: outcome(r, unknown_fails),
                    })
                    .collect();
                Self {
                    name,
                    properties,
                    cases,
                }
            }
        }
    }

    fn count(&self, which: fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| which(&c.outcome)).count()
    }

    fn write(&self, out: &mut impl io::Write) -> io::Result<()> {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            xml(&self.name),
            self.cases.len(),
            self.count(Outcome::is_failure),
            self.count(Outcome::is_error),
            self.count(Outcome::is_skipped),
        )?;
        let properties: String = self
            .properties
            .iter()
            .map(|(k, v)| format!(r#"<property name="{k}" value="{}"/>"#, xml(v)))
            .collect();
        writeln!(out, "    <properties>{properties}</properties>")?;
        for case in &self.cases {
            write!(
                out,
                r#"    <testcase classname="{}" name="{}""#,
                case.classname, case.name
            )?;
            match &case.outcome {
                Outcome::Pass => writeln!(out, "/>")?,
                Outcome::Warn(w, m) => writeln!(
                    out,
                    ">\n      <system-out>warning ({}): {}</system-out>\n    </testcase>",
                    xml(w),
                    xml(m)
                )?,
                Outcome::Fail(kind, m) => writeln!(
                    out,
                    ">\n      <failure type=\"{kind}\" message=\"{m}\">{m}</failure>\n    </testcase>",
                    m = xml(m)
                )?,
                Outcome::Skipped(m) => writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    xml(m)
                )?,
                Outcome::Error(m) => writeln!(
                    out,
                    ">\n      <error type=\"invalid-input\" message=\"{m}\">{m}</error>\n    </testcase>",
                    m = xml(m)
                )?,
            }
        }
        writeln!(out, "  </testsuite>")
    }
}

/// What a result judged, for its case name: the step (`task/step`), else
/// the first piece of evidence it cites (an image's, a subject's or a
/// material's place), else the document.
fn judged(r: &RuleResult) -> String {
    match (&r.task, &r.step, r.evidence.first()) {
        (Some(t), Some(s), _) => format!("{t}/{s}"),
        (None, Some(s), _) => s.clone(),
        (_, None, Some(pointer)) => pointer.as_str().to_owned(),
        (_, None, None) => "document".to_owned(),
    }
}

fn outcome(r: &RuleResult, unknown_fails: bool) -> Outcome {
    match (r.status, unknown_fails) {
        (Status::Pass, _) => match &r.warning {
            Some(w) => Outcome::Warn(w.clone(), r.message.clone()),
            None => Outcome::Pass,
        },
        (Status::Fail, _) => Outcome::Fail("fail", r.message.clone()),
        (Status::Unknown, true) => Outcome::Fail("unknown", r.message.clone()),
        (Status::Unknown, false) => Outcome::Skipped(format!("unknown: {}", r.message)),
    }
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

    #[test]
    fn repeated_names_within_an_input_are_numbered() {
        let mut names = Names::default();
        assert_eq!(
            names.unique("a.json", "signature document".into()),
            "signature document"
        );
        assert_eq!(
            names.unique("a.json", "signature document".into()),
            "signature document #2"
        );
        assert_eq!(
            names.unique("b.json", "signature document".into()),
            "signature document"
        );
        // A name that already ends in a number is not taken again.
        assert_eq!(
            names.unique("a.json", "signature document #3".into()),
            "signature document #3"
        );
        assert_eq!(
            names.unique("a.json", "signature document".into()),
            "signature document #4"
        );
    }
}
