//! Loading and compiling Rego policies: sources read, packages and
//! their `deny`/`unknown`/`warn` sets checked, one engine compiled.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Rego sources and data, ready to compile.
#[derive(Default)]
pub(crate) struct RegoSources {
    pub(in crate::evaluate) files: Vec<(String, String)>,
    pub(in crate::evaluate) data: Vec<(String, serde_json::Value)>,
}

impl RegoSources {
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub(crate) fn add_file(&mut self, path: &Path) -> Result<(), PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|cause| {
            PolicyError::Read(crate::error::IngestError::Read {
                file: path.display().to_string(),
                cause,
            })
        })?;
        self.files.push((path.display().to_string(), text));
        Ok(())
    }

    pub(crate) fn add_source(&mut self, name: &str, text: &str) {
        self.files.push((name.to_owned(), text.to_owned()));
    }

    pub(crate) fn add_data(&mut self, name: &str, value: serde_json::Value) {
        self.data.push((name.to_owned(), value));
    }

    /// Parse every file, load the data and compile the entry points that
    /// gather every `provcheck.*` package's `deny`, `unknown` and `warn`.
    pub(crate) fn compile(&self) -> Result<RegoPolicy, PolicyError> {
        let (mut engine, packages_of) = engine_with(&self.files, &self.data)?;
        let mut packages: Vec<&str> = packages_of
            .iter()
            .map(String::as_str)
            .filter(|p| p.starts_with(PACKAGE_PREFIX))
            .collect();
        packages.sort_unstable();
        packages.dedup();
        if packages.is_empty() {
            let names: Vec<&str> = self.files.iter().map(|(n, _)| n.as_str()).collect();
            return Err(PolicyError::Invalid {
                at: Location::new(names.join(", "), JsonPointer::root()),
                message: "no package under `provcheck.`: provcheck reads the deny, unknown \
                          and warn sets of packages named `provcheck.<name>`"
                    .to_owned(),
            });
        }
        check_set_rules(&mut engine, &self.files, &packages_of)?;
        // Which sets may have a value: `set()` stands in only for a set
        // nothing can define.
        let mut definable = Vec::new();
        for package in &packages {
            for (set, _) in SETS {
                definable.push(self.may_define(&engine, &packages_of, &format!("{package}.{set}")));
            }
        }
        // A package that can define none of the sets would check nothing
        // and say "pass": a misspelt `deny` must not pass a release.
        for (package, sets) in packages.iter().zip(definable.chunks(SETS.len())) {
            if !sets.contains(&true) {
                let file = self
                    .files
                    .iter()
                    .zip(&packages_of)
                    .find(|(_, p)| p == package)
                    .map_or("(policy)", |((name, _), _)| name.as_str());
                return Err(PolicyError::Invalid {
                    at: Location::new(file, JsonPointer::root()),
                    message: format!(
                        "package {} defines no deny, unknown or warn rule, so it would check \
                         nothing; helper packages belong outside `provcheck.` (e.g. `provcheck_lib`)",
                        package.trim_start_matches("data.")
                    ),
                });
            }
        }
        let mut definable = definable.into_iter();
        let mut direct = Vec::new();
        let mut fallback = format!("package {FALLBACK_PACKAGE}\nimport rego.v1\n");
        let mut fallback_entries = Vec::new();
        for (i, package) in packages.iter().enumerate() {
            let mut sets = Vec::new();
            for (set, _) in SETS {
                sets.push(if definable.next().unwrap_or(true) {
                    format!("{set:?}: {package}.{set}")
                } else {
                    format!("{set:?}: set()")
                });
                // An undefined set (no rule, or a rule whose bodies all
                // fail) is empty.
                fallback.push_str(&format!(
                    "p{i}_{set} := s if {{ s := {package}.{set} }} else := set()\n"
                ));
            }
            let name = package.trim_start_matches("data.");
            direct.push(format!("{name:?}: {{{}}}", sets.join(", ")));
            fallback_entries.push(format!(
                "{name:?}: {{\"deny\": p{i}_deny, \"unknown\": p{i}_unknown, \"warn\": p{i}_warn}}"
            ));
        }
        let direct = format!(
            "package {GATHER_PACKAGE}\nimport rego.v1\nresults := {{{}}}\n",
            direct.join(", ")
        );
        fallback.push_str(&format!("results := {{{}}}\n", fallback_entries.join(", ")));
        // Each gather on an engine of its own: a compiled policy evaluates
        // with every module its engine holds (measured: 10% slower with the
        // other gather beside it).
        let mut fallback_engine = engine_with(&self.files, &self.data)?.0;
        let entry = |engine: &mut Engine, package: &str, text: String| {
            engine
                .add_policy(format!("{package}.rego"), text)
                .map_err(|e| rego_error("(generated)", &e))?;
            let entry: regorus::Rc<str> = format!("data.{package}.results").into();
            engine
                .compile_with_entrypoint(&entry)
                .map(Arc::new)
                .map_err(|e| rego_error("(compile)", &e))
        };
        let compiled = entry(&mut engine, GATHER_PACKAGE, direct)?;
        let fallback = entry(&mut fallback_engine, FALLBACK_PACKAGE, fallback)?;
        Ok(RegoPolicy {
            compiled,
            fallback,
            files: self.files.iter().map(|(n, _)| n.clone()).collect(),
            descriptions: super::metadata::descriptions(&self.files),
        })
    }

    /// Whether anything could give `target` (`data.provcheck.x.deny`) a
    /// value: a rule in any module (the package's own, a parent's
    /// `x.deny contains …`, a child package), or a data document. Anything
    /// unclear (a head regorus cannot classify, a file name given twice, a
    /// package path that is not plain names) counts as a yes: the set is
    /// then read directly, and an undefined one sends the evaluation to the
    /// per-set gather.
    pub(super) fn may_define(&self, engine: &Engine, packages_of: &[String], target: &str) -> bool {
        let plain = |path: &str| {
            path.split('.').all(|c| {
                !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            })
        };
        if !plain(target) {
            return true;
        }
        for ((file, _), package) in self.files.iter().zip(packages_of) {
            if !plain(package) {
                return true;
            }
            // A child package, or the target's package itself.
            if package.starts_with(&format!("{target}.")) || package == target {
                return true;
            }
            // A module whose package holds the target: a rule there may be it.
            if let Some(root) = target
                .strip_prefix(package.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
            {
                if engine
                    .has_declared_rule_rooted_at(file, root)
                    .unwrap_or(true)
                {
                    return true;
                }
            }
        }
        let pointer: String = target
            .trim_start_matches("data")
            .split('.')
            .skip(1)
            .flat_map(|c| ["/", c])
            .collect();
        self.data
            .iter()
            .any(|(_, value)| value.pointer(&pointer).is_some())
    }
}

/// An engine with the builtins, `files` and `data`; and each file's package
/// (`data.…`).
pub(in crate::evaluate) fn engine_with(
    files: &[(String, String)],
    data: &[(String, serde_json::Value)],
) -> Result<(Engine, Vec<String>), PolicyError> {
    let mut engine = Engine::new();
    engine.set_rego_v0(false);
    add_builtins(&mut engine)?;
    let mut packages = Vec::with_capacity(files.len());
    for (name, text) in files {
        packages.push(
            engine
                .add_policy(name.clone(), text.clone())
                .map_err(|e| rego_error(name, &e))?,
        );
    }
    for (name, value) in data {
        engine
            .add_data(Value::from(value.clone()))
            .map_err(|e| rego_error(name, &e))?;
    }
    Ok((engine, packages))
}

/// One component of the ground prefix of a rule head's path: `a`, `b` and
/// `c` in `a.b["c"][x]`.
pub(in crate::evaluate) struct HeadComponent {
    /// The name (a string component without its quotes).
    pub(in crate::evaluate) name: String,
    /// Where it is written (a string component's span holds no quotes).
    pub(in crate::evaluate) span: Span,
}

/// The ground prefix of the path `refr` (a rule head or a package), and
/// whether that is the whole path (`false` from the first variable or other
/// computed component on).
pub(in crate::evaluate) fn path_components(refr: &Expr) -> (Vec<HeadComponent>, bool) {
    match refr {
        Expr::Var { span, .. } => (
            vec![HeadComponent {
                name: span.text().to_owned(),
                span: span.clone(),
            }],
            true,
        ),
        Expr::RefDot { refr, field, .. } => {
            let (mut components, whole) = path_components(refr);
            if whole {
                components.push(HeadComponent {
                    name: field.0.text().to_owned(),
                    span: field.0.clone(),
                });
            }
            (components, whole)
        }
        Expr::RefBrack { refr, index, .. } => {
            let (mut components, whole) = path_components(refr);
            let name = match index.as_ref() {
                Expr::String { value, span, .. } | Expr::RawString { value, span, .. } => value
                    .as_string()
                    .map(|s| (s.to_string(), span.clone()))
                    .ok(),
                Expr::Number { span, .. } | Expr::Bool { span, .. } | Expr::Null { span, .. } => {
                    Some((span.text().to_owned(), span.clone()))
                }
                _ => None,
            };
            match name {
                Some((name, span)) if whole => {
                    components.push(HeadComponent { name, span });
                    (components, true)
                }
                _ => (components, false),
            }
        }
        _ => (Vec::new(), false),
    }
}

/// A rule's head path, and whether the rule is a function (`f(x) := …`,
/// `default f(_) := …`).
pub(in crate::evaluate) fn head_of(rule: &Rule) -> (&Expr, bool) {
    match rule {
        Rule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => (refr, false),
            RuleHead::Func { refr, .. } => (refr, true),
        },
        Rule::Default { refr, args, .. } => (refr, !args.is_empty()),
    }
}

/// Refuse a rule named `deny`, `unknown` or `warn` that provcheck would not
/// read as a set of results, so that it is never silently ignored:
///
/// - one whose package (with the head's path before the name) is not a
///   package under `provcheck.` that a file declares: `deny contains …` in
///   `package acme.gate` or in a helper package, `x.deny` in
///   `package provcheck` with no `package provcheck.x`;
/// - a function (`deny(x) := …`) in a package provcheck evaluates.
///
/// `engine` holds `files` (and nothing else yet), each with its package
/// in `packages_of`. regorus's `has_declared_rule_rooted_at` answers only
/// for heads that start with the name asked (`deny`, not `x.deny`) and
/// does not tell a function from a set, so the heads are read here.
pub(in crate::evaluate) fn check_set_rules(
    engine: &mut Engine,
    files: &[(String, String)],
    packages_of: &[String],
) -> Result<(), PolicyError> {
    let evaluated: BTreeSet<&str> = packages_of
        .iter()
        .map(String::as_str)
        .filter(|p| p.starts_with(PACKAGE_PREFIX))
        .collect();
    let modules = engine.get_modules();
    for (((file, _), package), module) in files.iter().zip(packages_of).zip(modules.iter()) {
        for rule in &module.policy {
            let (refr, function) = head_of(rule);
            let (components, _) = path_components(refr);
            let Some((at, set)) = components
                .iter()
                .enumerate()
                .find(|(_, c)| SETS.iter().any(|(set, _)| c.name == *set))
            else {
                continue;
            };
            let set = &set.name;
            let mut parent = package.clone();
            let mut written = String::new();
            for c in components.iter().take(at) {
                parent.push('.');
                parent.push_str(&c.name);
                written.push_str(&c.name);
                written.push('.');
            }
            written.push_str(set);
            let name = package.trim_start_matches("data.");
            let span = rule.span();
            let mut location = Location::new(file, JsonPointer::root());
            location.line_col = Some((span.line as usize, span.col as usize));
            if !evaluated.contains(parent.as_str()) {
                return Err(PolicyError::Invalid {
                    at: location,
                    message: format!(
                        "package {name} defines `{written}`, which provcheck would ignore: it \
                         evaluates only the deny, unknown and warn sets of the packages under \
                         `provcheck.` (`package provcheck.<name>`) that the policy declares; \
                         helper packages must not define deny, unknown or warn"
                    ),
                });
            }
            if function {
                return Err(PolicyError::Invalid {
                    at: location,
                    message: format!(
                        "package {name} defines `{written}` as a function, which is no set of \
                         results: write `{set} contains {{\"msg\": …}} if {{ … }}`"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// regorus reports errors as rendered text with `file:line:col` and a caret;
/// keep its text and name the file it came from.
pub(in crate::evaluate) fn rego_error(file: &str, e: &impl fmt::Display) -> PolicyError {
    PolicyError::Invalid {
        at: Location::new(file, JsonPointer::root()),
        message: format!("Rego: {e}"),
    }
}
