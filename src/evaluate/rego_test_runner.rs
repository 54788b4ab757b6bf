//! `provcheck policy test`: the `test_` rules of Rego files, run like
//! `opa test` (regorus has no test runner).
//!
//! Tests are found in the parsed modules, not in the text: a rule whose
//! head path names a `test_…` component (`test_x`, `x.test_y`,
//! `test_x[name]`) wherever it is indented, and never a `test_` inside a
//! comment or a string. Functions (`test_helper(x) := …`) are not tests.
//!
//! As in `opa test`, every definition of a test is a test of its own: two
//! rules `test_x` are `test_x` and `test_x#01` (the numbering OPA's runner
//! gives a duplicate test name), and a false one fails the run even when
//! the other is true. To evaluate each alone, later definitions are renamed
//! in a copy of the source, to names as long (lines and columns stay as
//! written, and messages quote the source as written); a rule with
//! chained bodies (`test_x if { … } { … }`) is evaluated once per body, on
//! a copy with its other bodies blanked out. Every other rule stays as
//! written, so the tests see the whole package.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use regorus::unstable::{Module, Ref, Rule, Span};
use regorus::{Engine, Value};

use super::rego::{check_set_rules, engine_with, head_of, path_components};
use crate::error::PolicyError;

/// One test's outcome: one definition (body) of a `test_` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The file that defines the test.
    pub file: PathBuf,
    /// The 1-based line of the test's rule (of its body, for a body chained
    /// after another: `test_x if { … } { … }`).
    pub line: usize,
    /// `data.<package>.<rule>`; a later definition of the same test has the
    /// suffix `#01`, `#02`, … as in `opa test`.
    pub name: String,
    /// `None` when it passed; otherwise why not.
    pub failure: Option<String>,
}

/// Run every `test_` rule in the `.rego` files under `dirs`, like `opa test`.
/// A test passes when its rule evaluates to `true` (a test with a key,
/// `test_x[name] := true`, when every value it holds is `true`); undefined,
/// `false`, any other value or an error fail it. A `data.json` or
/// `data.yaml` beside the policies is loaded as data.
///
/// # Errors
///
/// [`PolicyError`] when a file cannot be read, a policy does not parse
/// (naming the file and line), or a policy defines a `deny`, `unknown` or
/// `warn` provcheck would refuse to load.
pub fn run_tests(dirs: &[PathBuf]) -> Result<Vec<TestOutcome>, PolicyError> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_rego(dir, &mut files)?;
    }
    files.sort();
    let mut sources = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|cause| {
            PolicyError::Read(crate::error::IngestError::Read {
                file: path.display().to_string(),
                cause,
            })
        })?;
        sources.push((path.display().to_string(), text));
    }
    // A `data.json`/`data.yaml` beside the policies is loaded too, like `opa test DIR`.
    let mut data = Vec::new();
    for dir in dirs {
        for name in ["data.json", "data.yaml"] {
            let path = dir.join(name);
            if path.is_file() {
                let bytes = crate::ingest::read_input(&path, &crate::ingest::Limits::default())?;
                data.push((
                    path.display().to_string(),
                    crate::ingest::decode_text(&path.display().to_string(), &bytes)?,
                ));
            }
        }
    }
    run_test_sources(&sources, &data)
}

/// [`run_tests`] on sources already read, `(name, text)` in order, and data.
pub(super) fn run_test_sources(
    sources: &[(String, String)],
    data: &[(String, serde_json::Value)],
) -> Result<Vec<TestOutcome>, PolicyError> {
    let (mut engine, packages_of) = engine_with(sources, data)?;
    check_set_rules(&mut engine, sources, &packages_of)?;
    let modules = engine.get_modules().clone();
    let plan = plan(&modules, &packages_of, sources);
    // The copy the tests run on: later definitions renamed, chained bodies
    // blanked.
    let copy = |variant: Option<(usize, &Variant)>| -> Vec<(String, String)> {
        sources
            .iter()
            .zip(&plan.edits)
            .enumerate()
            .map(|(i, ((name, text), edits))| {
                let text = match variant {
                    // This body alone: the rule's first body blanked instead.
                    Some((file, variant)) if file == i => {
                        let mut edits: Vec<Edit> = edits
                            .iter()
                            .filter(|e| e.range != variant.restore)
                            .cloned()
                            .collect();
                        edits.push(Edit {
                            range: variant.blank.clone(),
                            rename: None,
                        });
                        apply(text, &edits)
                    }
                    _ => apply(text, edits),
                };
                (name.clone(), text)
            })
            .collect()
    };
    if plan.edits.iter().any(|e| !e.is_empty()) {
        engine = engine_with(&copy(None), data)?.0;
    }
    let mut outcomes = Vec::with_capacity(plan.tests.len());
    for test in &plan.tests {
        let value = match &test.variant {
            None => evaluate(&mut engine, &test.query),
            Some(variant) => match engine_with(&copy(Some((test.file, variant))), data) {
                Ok((mut engine, _)) => evaluate(&mut engine, &test.query),
                Err(e) => Err(anyhow::anyhow!("{e}")),
            },
        };
        let mut failure = judge(value, test.keyed);
        if let (Some(failure), Some((internal, name))) = (&mut failure, &test.renamed) {
            // The source line a message quotes as written.
            *failure = failure.replace(internal, name);
        }
        outcomes.push(TestOutcome {
            file: PathBuf::from(&test.file_name),
            line: test.line,
            name: test.name.clone(),
            failure,
        });
    }
    Ok(outcomes)
}

/// One change to a copy of a source: a name for a rule's test component,
/// or (`rename: None`) a body blanked out, its line breaks kept.
#[derive(Clone)]
struct Edit {
    range: Range<usize>,
    rename: Option<String>,
}

/// A chained body's copy: `restore` (the body, blanked in the main copy)
/// kept, `blank` (the rule's first body) blanked.
struct Variant {
    restore: Range<usize>,
    blank: Range<usize>,
}

/// One test to run.
struct Test {
    /// Its file's index and name.
    file: usize,
    file_name: String,
    line: usize,
    name: String,
    /// The path that evaluates it (`data["p"]["test_x"]`).
    query: String,
    /// Whether the rule has a key (`test_x[name]`, `test_x.y`): it passes
    /// when every value it holds is true.
    keyed: bool,
    /// Evaluated on a copy of its own (a chained body).
    variant: Option<Variant>,
    /// The name it runs under in the copy, and its name as written.
    renamed: Option<(String, String)>,
}

/// The tests and, per file, the edits of the copy they run on.
struct Plan {
    tests: Vec<Test>,
    edits: Vec<Vec<Edit>>,
}

/// Find the tests in `modules` (one a file of `sources`, each in its
/// package of `packages_of`); later definitions of a test get names no
/// source holds.
fn plan(modules: &[Ref<Module>], packages_of: &[String], sources: &[(String, String)]) -> Plan {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    let mut renamed = 0;
    let mut plan = Plan {
        tests: Vec::new(),
        edits: Vec::with_capacity(modules.len()),
    };
    for (file, (module, package)) in modules.iter().zip(packages_of).enumerate() {
        let mut edits = Vec::new();
        let file_name = module.package.span.source.get_path().clone();
        let (package_path, _) = path_components(&module.package.refr);
        for rule in &module.policy {
            // `default test_x := …` gives a test's value, it is none itself.
            let Rule::Spec { span, bodies, .. } = rule.as_ref() else {
                continue;
            };
            let (refr, function) = head_of(rule);
            if function {
                continue;
            }
            let (components, whole) = path_components(refr);
            let Some((at, test)) = components
                .iter()
                .enumerate()
                .find(|(_, c)| c.name.starts_with("test_"))
            else {
                continue;
            };
            let keyed = !whole || components.len() > at + 1;
            let mut key = package.clone();
            let mut query = String::from("data");
            for c in &package_path {
                push_component(&mut query, &c.name);
            }
            for c in components.iter().take(at) {
                key.push('.');
                key.push_str(&c.name);
                push_component(&mut query, &c.name);
            }
            key.push('.');
            key.push_str(&test.name);
            let mut next_name = || {
                let occurrence = count.entry(key.clone()).or_default();
                let n = *occurrence;
                *occurrence += 1;
                let name = if n == 0 {
                    key.clone()
                } else {
                    format!("{key}#{n:02}")
                };
                (n, name)
            };
            // The rule: renamed when a definition came before.
            let (n, name) = next_name();
            let range = range_of(&test.span);
            let renamed = (n > 0).then(|| {
                let internal = internal_name(range.len(), &mut renamed, sources);
                edits.push(Edit {
                    range,
                    rename: Some(internal.clone()),
                });
                (internal, test.name.clone())
            });
            push_component(
                &mut query,
                renamed
                    .as_ref()
                    .map_or(&test.name, |(internal, _)| internal),
            );
            let mut tests = vec![Test {
                file,
                file_name: file_name.clone(),
                line: span.line as usize,
                name,
                query: query.clone(),
                keyed,
                variant: None,
                renamed: renamed.clone(),
            }];
            // Chained bodies (`test_x if { … } { … }`) are a test each, run
            // alone; `else` bodies belong to the body before them.
            let mut rest = bodies.iter();
            let first = rest.next();
            if let (Some(first), true) = (first, bodies.get(1).is_some_and(|b| !b.is_else)) {
                for body in rest {
                    let range = range_of(&body.span);
                    edits.push(Edit {
                        range: range.clone(),
                        rename: None,
                    });
                    let (_, name) = next_name();
                    tests.push(Test {
                        file,
                        file_name: file_name.clone(),
                        line: body.span.line as usize,
                        name,
                        query: query.clone(),
                        keyed,
                        variant: Some(Variant {
                            restore: range,
                            blank: range_of(&first.query.span),
                        }),
                        renamed: renamed.clone(),
                    });
                }
            }
            plan.tests.append(&mut tests);
        }
        plan.edits.push(edits);
    }
    plan
}

fn range_of(span: &Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

/// `["name"]` appended to a path: valid whatever the name.
fn push_component(path: &mut String, name: &str) {
    path.push('[');
    path.push_str(&serde_json::Value::from(name).to_string());
    path.push(']');
}

/// A new name for a rule no source contains, `len` bytes long when it can
/// be (`p00001` for `test_a`), so that the columns a message gives stay
/// those of the source as written.
fn internal_name(len: usize, counter: &mut usize, sources: &[(String, String)]) -> String {
    loop {
        *counter += 1;
        let digits = counter.to_string();
        let name = if digits.len() < len {
            format!("p{digits:0>width$}", width = len - 1)
        } else {
            format!("provcheck_test_{digits}")
        };
        if !sources.iter().any(|(_, text)| text.contains(&name)) {
            return name;
        }
    }
}

/// `text` with `edits` made (they do not overlap).
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    for edit in edits {
        let Some(old) = text.get(edit.range.clone()) else {
            continue;
        };
        let new = edit.rename.clone().unwrap_or_else(|| {
            old.chars()
                .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
                .collect()
        });
        out.replace_range(edit.range.clone(), &new);
    }
    out
}

/// The value of the document at `path` (undefined when it has none).
fn evaluate(engine: &mut Engine, path: &str) -> anyhow::Result<Value> {
    const VAR: &str = "provcheck_test_value";
    let results = engine.eval_query(format!("{VAR} := {path}"), false)?;
    Ok(results
        .result
        .first()
        .map_or(Value::Undefined, |r| r.bindings[VAR].clone()))
}

/// Why a test with `value` failed (`None`: it passed).
fn judge(value: anyhow::Result<Value>, keyed: bool) -> Option<String> {
    match value {
        Ok(Value::Bool(true)) => None,
        Ok(Value::Undefined) => Some("undefined (a condition in the body is false)".to_owned()),
        Ok(value @ Value::Object(_)) if keyed => (!all_true(&value))
            .then(|| format!("evaluated to {value}: every test case must be true")),
        Ok(other) => Some(format!("evaluated to {other}, expected true")),
        Err(e) => Some(format!("error: {e}")),
    }
}

/// Whether `value` is a non-empty object whose values are all `true` (or
/// such objects).
fn all_true(value: &Value) -> bool {
    let Value::Object(fields) = value else {
        return false;
    };
    !fields.is_empty()
        && fields
            .values()
            .all(|v| matches!(v, Value::Bool(true)) || all_true(v))
}

fn collect_rego(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), PolicyError> {
    let read_err = |cause| {
        PolicyError::Read(crate::error::IngestError::Read {
            file: path.display().to_string(),
            cause,
        })
    };
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(read_err)? {
        let entry = entry.map_err(read_err)?.path();
        if entry.is_dir() {
            collect_rego(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "rego") {
            out.push(entry);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outcomes of `sources` as `(file, line, name, passed)`.
    fn run(sources: &[(&str, &str)]) -> Vec<(String, usize, String, bool)> {
        let sources: Vec<(String, String)> = sources
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        run_test_sources(&sources, &[])
            .unwrap()
            .into_iter()
            .map(|o| {
                (
                    o.file.display().to_string(),
                    o.line,
                    o.name,
                    o.failure.is_none(),
                )
            })
            .collect()
    }

    fn row(file: &str, line: usize, name: &str, passed: bool) -> (String, usize, String, bool) {
        (file.to_owned(), line, name.to_owned(), passed)
    }

    /// Each definition of a test is a test of its own, named as `opa test`
    /// names it, on its own line; across files of one package too.
    #[test]
    fn each_definition_of_a_test_is_a_test() {
        let got = run(&[
            (
                "a.rego",
                "package t\nimport rego.v1\ntest_x if { false }\n\ntest_x if { true }\ntest_x if { 1 == 1 }\n",
            ),
            ("b.rego", "package t\nimport rego.v1\n\ntest_x if false\n"),
        ]);
        assert_eq!(
            got,
            [
                row("a.rego", 3, "data.t.test_x", false),
                row("a.rego", 5, "data.t.test_x#01", true),
                row("a.rego", 6, "data.t.test_x#02", true),
                row("b.rego", 4, "data.t.test_x#03", false),
            ]
        );
        // The true one alone passes; the order does not matter.
        let got = run(&[(
            "a.rego",
            "package t\nimport rego.v1\ntest_x if { true }\ntest_x := false\n",
        )]);
        assert_eq!(
            got,
            [
                row("a.rego", 3, "data.t.test_x", true),
                row("a.rego", 4, "data.t.test_x#01", false),
            ]
        );
    }

    /// Tests are found by parsing: indented ones count; one in a comment or
    /// a string does not; functions and default values are no tests.
    #[test]
    fn tests_are_found_by_parsing_not_by_column() {
        let got = run(&[(
            "a.rego",
            "package t\nimport rego.v1\n# test_comment if { false }\n  test_spaces if { false }\n\ttest_tab if { true }\n\
             s := \"test_string if { false }\"\nr := `\ntest_raw if { false }\n`\n\
             test_f(x) := x\ndefault test_d := false\ntest_d if { true }\n",
        )]);
        assert_eq!(
            got,
            [
                row("a.rego", 4, "data.t.test_spaces", false),
                row("a.rego", 5, "data.t.test_tab", true),
                row("a.rego", 12, "data.t.test_d", true),
            ]
        );
    }

    /// A chained body is a test of its own, on its own line, with the rest
    /// of the package (other tests renamed or not) in reach; `else` bodies
    /// belong to their rule.
    #[test]
    fn chained_bodies_are_a_test_each_and_else_is_not() {
        let got = run(&[(
            "a.rego",
            "package t\nimport rego.v1\nh := 2\n\
             test_c if { h == 2 } {\n  h == 3\n} { h == 2 }\n\
             test_c if { h == 3 } { h == 2 }\n\
             test_e := false if { h == 3 } else := true\n",
        )]);
        assert_eq!(
            got,
            [
                row("a.rego", 4, "data.t.test_c", true),
                row("a.rego", 4, "data.t.test_c#01", false),
                row("a.rego", 6, "data.t.test_c#02", true),
                row("a.rego", 7, "data.t.test_c#03", false),
                row("a.rego", 7, "data.t.test_c#04", true),
                row("a.rego", 8, "data.t.test_e", true),
            ]
        );
    }

    /// Test names deeper in a head (`x.test_y`, `x["test_z"]`) and keyed
    /// tests (`test_k[name] := true`, passing when every case is true).
    #[test]
    fn tests_with_paths_and_keys() {
        let got = run(&[(
            "a.rego",
            "package t\nimport rego.v1\n\
             x.test_y if true\nx[\"test_z\"] if false\nx[\"test_z\"] if true\n\
             test_k[n] := true if { some n in [\"a\", \"b\"] }\n\
             test_k[n] := (n == \"a\") if { some n in [\"a\", \"b\"] }\n\
             test_none[n] := true if { some n in [] }\n",
        )]);
        assert_eq!(
            got,
            [
                row("a.rego", 3, "data.t.x.test_y", true),
                row("a.rego", 4, "data.t.x.test_z", false),
                row("a.rego", 5, "data.t.x.test_z#01", true),
                row("a.rego", 6, "data.t.test_k", true),
                row("a.rego", 7, "data.t.test_k#01", false),
                row("a.rego", 8, "data.t.test_none", false),
            ]
        );
    }

    /// What a failure says; an error in one body fails that test only.
    #[test]
    fn failures_say_why() {
        let sources = [(
            "a.rego".to_owned(),
            "package t\nimport rego.v1\ntest_a if { false }\ntest_a := 3\n\
             test_a if { 1 / 0 == 1 }\ntest_a if { true }\n"
                .to_owned(),
        )];
        let got: Vec<Option<String>> = run_test_sources(&sources, &[])
            .unwrap()
            .into_iter()
            .map(|o| o.failure)
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(
            got[0].as_deref(),
            Some("undefined (a condition in the body is false)")
        );
        assert_eq!(got[1].as_deref(), Some("evaluated to 3, expected true"));
        // The error quotes the line as written, at its column.
        assert!(
            got[2].as_deref().is_some_and(|f| f.starts_with("error: ")
                && f.contains("--> a.rego:5:15\n")
                && f.contains("| test_a if { 1 / 0 == 1 }\n")),
            "{got:?}"
        );
        assert_eq!(got[3], None);
    }

    /// A file that does not parse is an error naming the file and line;
    /// so is a `deny` provcheck would refuse to load.
    #[test]
    fn unparsable_and_refused_files_are_errors() {
        let sources = [(
            "bad_test.rego".to_owned(),
            "package t\nimport rego.v1\n\ntest_a if {\n".to_owned(),
        )];
        let text = run_test_sources(&sources, &[]).unwrap_err().to_string();
        assert!(text.contains("bad_test.rego:"), "{text}");
        let sources = [(
            "gate.rego".to_owned(),
            "package acme.gate\nimport rego.v1\ndeny contains 1 if true\ntest_a if true\n"
                .to_owned(),
        )];
        let text = run_test_sources(&sources, &[]).unwrap_err().to_string();
        assert!(
            text.starts_with("gate.rego:3:1: package acme.gate defines `deny`"),
            "{text}"
        );
    }
}
