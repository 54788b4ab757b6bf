//! Native policy files (YAML or JSON, `schemas/policy.schema.json`) and
//! their equivalent flags, merged and compiled once into a [`Policy`].
//!
//! ```yaml
//! registry:
//!   allow: [quay.io/acme, gcr.io/tekton-releases]
//!   deny: [quay.io/acme/legacy]
//!   accept_tags: false            # tag-only steps from allowed places: unknown (default) or pass
//! pinned: {}                      # every step pinned by digest (steps.pinned)
//! runtime_digest:
//!   on_mismatch: fail             # fail | unknown | warn (steps.runtime_digest)
//! builders:
//!   allow: [https://tekton.dev/chains/v2]
//! source:
//!   repository: https://github.com/acme/app
//!   ref: refs/heads/main          # or `tag: v1.2.3` (refs/tags/v1.2.3)
//! predicate_types:
//!   allow: [https://slsa.dev/provenance/v1]
//! build_time:
//!   not_before: 2026-01-01T00:00:00Z
//!   effective_on: 2026-12-01      # before this date the section only warns
//! ```
//!
//! Every section may carry `effective_on` (a date or RFC 3339 time): a build
//! that started before it is judged by the rules then in force, so the
//! section's failures and unknowns become warnings. Only a build time that
//! a verified signature covers stands in for "now" (see [`super::evaluate`]).
//!
//! **Several policies are several requirements.** Each policy file, and the
//! `--allow-registry`/`--deny-registry` flags together, is a [`NativePolicy`]
//! of its own, evaluated on its own: every one must hold, and none widens,
//! relaxes or dates another (one file's `effective_on` or `accept_tags`
//! never reaches another's rules). Adding a policy can only add results.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::{JsonPointer, Location};
use crate::ingest;

use super::registry::{RegistryPrefix, RegistryRule};
use super::rego::{RegoPolicy, RegoSources};
use super::source_policy::SourcePolicy;
pub use crate::error::PolicyError;

/// How a runtime digest mismatch counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MismatchSeverity {
    /// A warning that never fails the verdict.
    Warn,
    /// `unknown`: a release gate usually blocks on it.
    Unknown,
    /// `fail`.
    #[default]
    Fail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    version: Option<u32>,
    registry: Option<RegistrySection>,
    pinned: Option<EmptySection>,
    runtime_digest: Option<RuntimeDigestSection>,
    builders: Option<ListSection>,
    source: Option<SourceSection>,
    predicate_types: Option<ListSection>,
    build_time: Option<TimeSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistrySection {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    accept_tags: bool,
    effective_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmptySection {
    effective_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeDigestSection {
    #[serde(default)]
    on_mismatch: MismatchSeverity,
    effective_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListSection {
    allow: Vec<String>,
    effective_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSection {
    repository: Option<String>,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    tag: Option<String>,
    effective_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeSection {
    not_before: Option<String>,
    not_after: Option<String>,
    effective_on: Option<String>,
}

/// The keys of policy data the starter pack reads as its configuration:
/// the native policy file's sections, checked as such.
const PACK_SETTINGS: [&str; 7] = [
    "registry",
    "pinned",
    "runtime_digest",
    "builders",
    "source",
    "predicate_types",
    "build_time",
];

/// A configured rule with the date it takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<T> {
    /// The rule's settings.
    pub rule: T,
    /// Builds before this time only get warnings from the rule.
    pub effective_on: Option<DateTime<Utc>>,
}

/// What the source must be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceExpectation {
    /// Expected repository URI (compared without a `git+` prefix or `.git`
    /// suffix; without a scheme, `https://` is meant: `github.com/o/r`).
    pub repository: Option<String>,
    /// Expected git ref, e.g. `refs/heads/main` or `refs/tags/v1.2.3`.
    pub git_ref: Option<String>,
    /// A tag of a compatible version (`--source-versioned-tag`).
    pub versioned_tag: Option<VersionedTag>,
}

/// `--source-versioned-tag vX[.Y[.Z]]`, as slsa-verifier defines it: the
/// build's ref is a tag `vMAJOR[.MINOR[.PATCH]]` whose every given part
/// equals this one's (a part the tag leaves out is 0): `v13.0` accepts
/// `v13.0.30` and refuses `v13.1.0` and `v12.9.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedTag {
    /// As given, e.g. `v13.0`.
    pub text: String,
    /// Its parts, one to three.
    pub parts: Vec<u64>,
}

impl VersionedTag {
    /// Parse `vX[.Y[.Z]]` (the `v` is required, as in a tag).
    pub fn parse(text: &str) -> Option<Self> {
        let parts = Self::numbers(text)?;
        Some(Self {
            text: text.to_owned(),
            parts,
        })
    }

    /// The numeric parts of `vX[.Y[.Z]]`; `None` for anything else (a
    /// pre-release or build suffix included).
    fn numbers(text: &str) -> Option<Vec<u64>> {
        let rest = text.strip_prefix('v')?;
        // Semantic-version numbers: digits, no leading zero (`v014` is not `v14`).
        let parts: Vec<u64> = rest
            .split('.')
            .map(|p| {
                let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
                let leading_zero = p.len() > 1 && p.starts_with('0');
                (digits && !leading_zero).then(|| p.parse().ok()).flatten()
            })
            .collect::<Option<_>>()?;
        (1..=3).contains(&parts.len()).then_some(parts)
    }

    /// Whether the tag `tag` (without `refs/tags/`) is a compatible version.
    pub fn accepts(&self, tag: &str) -> bool {
        let Some(got) = Self::numbers(tag) else {
            return false;
        };
        self.parts
            .iter()
            .enumerate()
            .all(|(i, want)| got.get(i).copied().unwrap_or(0) == *want)
    }
}

/// The allowed build time window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    /// Earliest allowed build start.
    pub not_before: Option<DateTime<Utc>>,
    /// Latest allowed build finish.
    pub not_after: Option<DateTime<Utc>>,
}

/// One native policy: a policy file, or the registry flags. Its rules are
/// judged together, with its own `effective_on` dates and `accept_tags`.
#[derive(Debug, Clone, Default)]
pub struct NativePolicy {
    /// Where it came from: the file, or `flags`.
    pub origin: String,
    /// `registry.allowed`.
    pub registry: Option<Section<RegistryRule>>,
    /// `steps.pinned`.
    pub pinned: Option<Section<()>>,
    /// `steps.runtime_digest`.
    pub runtime_digest: Option<Section<MismatchSeverity>>,
    /// `builder.allowed`.
    pub builders: Option<Section<BTreeSet<String>>>,
    /// `source.matches`.
    pub source: Option<Section<SourceExpectation>>,
    /// `predicate_type.allowed`.
    pub predicate_types: Option<Section<BTreeSet<String>>>,
    /// `build_time.window`.
    pub build_time: Option<Section<TimeWindow>>,
}

impl NativePolicy {
    /// Whether it configures no rule.
    pub fn is_empty(&self) -> bool {
        self.registry.is_none()
            && self.pinned.is_none()
            && self.runtime_digest.is_none()
            && self.builders.is_none()
            && self.source.is_none()
            && self.predicate_types.is_none()
            && self.build_time.is_none()
    }
}

/// A compiled policy — native policies, Rego and BuildKit source policies:
/// load once, evaluate many (it is `Send + Sync`). Every part is a
/// requirement of its own: the verdict is the worst of all their results.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Each native policy file, and the registry flags, in the order given.
    pub natives: Vec<NativePolicy>,
    /// Rego packages under `provcheck.`.
    pub rego: Option<RegoPolicy>,
    /// `source.policy`: BuildKit source policies, each checked on its own.
    pub source_policies: Vec<SourcePolicy>,
}

impl Policy {
    /// What the policies say about their rules (Rego `# METADATA`
    /// annotations), by rule id; empty without Rego.
    pub fn rule_descriptions(
        &self,
    ) -> std::collections::BTreeMap<String, crate::results::RuleDescription> {
        self.rego
            .as_ref()
            .map(|rego| rego.rule_descriptions().clone())
            .unwrap_or_default()
    }

    /// Whether any rule is configured.
    pub fn is_empty(&self) -> bool {
        self.natives.iter().all(NativePolicy::is_empty)
            && self.rego.is_none()
            && self.source_policies.is_empty()
    }
}

/// Collects policy files, values and flags, then [`build`](Self::build)s one [`Policy`].
#[derive(Default)]
pub struct PolicyBuilder {
    policy: Policy,
    rego: RegoSources,
    /// The registry flags, one native policy together.
    flags: NativePolicy,
}

impl PolicyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a policy file (YAML or JSON).
    ///
    /// # Errors
    ///
    /// [`PolicyError`] when the file cannot be read, is not a valid policy
    /// (the error points at the bad key), or conflicts with what was added before.
    pub fn add_file(&mut self, path: &Path) -> Result<&mut Self, PolicyError> {
        let bytes = ingest::read_input(path, &ingest::Limits::default())?;
        let name = path.display().to_string();
        let value = ingest::decode_text(&name, &bytes)?;
        self.add_value(&name, &value)
    }

    /// Add a policy given as a decoded value, named `name` in messages.
    ///
    /// # Errors
    ///
    /// As [`add_file`](Self::add_file), except for reading.
    pub fn add_value(
        &mut self,
        name: &str,
        value: &serde_json::Value,
    ) -> Result<&mut Self, PolicyError> {
        // serde reads an array as the struct's fields in order; say what a
        // policy file is instead.
        if !value.is_object() {
            return Err(PolicyError::Invalid {
                at: Location::new(name, JsonPointer::root()),
                message: "a policy file is a mapping (`version: 1`, `registry:`, `pinned:`, …), \
                          not a list or a scalar"
                    .to_owned(),
            });
        }
        let file: PolicyFile = serde_path_to_error::deserialize(value).map_err(|e| {
            let pointer = JsonPointer::from_serde_path(e.path());
            PolicyError::Invalid {
                at: Location::new(name, pointer),
                message: e.into_inner().to_string(),
            }
        })?;
        self.merge(name, file)?;
        Ok(self)
    }

    /// Add a policy by path, by kind: a directory of Rego files (tests,
    /// `*_test.rego`, skipped), a `.rego` file, or a native policy file.
    ///
    /// # Errors
    ///
    /// As [`add_file`](Self::add_file) and [`add_rego_file`](Self::add_rego_file).
    pub fn add_path(&mut self, path: &Path) -> Result<&mut Self, PolicyError> {
        if path.is_dir() {
            let mut files = Vec::new();
            rego_files(path, &mut files)?;
            files.sort();
            for file in files {
                self.add_rego_file(&file)?;
            }
            Ok(self)
        } else if path.extension().is_some_and(|e| e == "rego") {
            self.add_rego_file(path)
        } else {
            self.add_file(path)
        }
    }

    /// Add a Rego policy file (Rego v1; packages under `provcheck.`).
    ///
    /// # Errors
    ///
    /// [`PolicyError::Read`] when the file cannot be read; syntax errors are
    /// reported by [`build`](Self::build).
    pub fn add_rego_file(&mut self, path: &Path) -> Result<&mut Self, PolicyError> {
        self.rego.add_file(path)?;
        Ok(self)
    }

    /// Add Rego source text, named `name` in messages.
    pub fn add_rego_source(&mut self, name: &str, text: &str) -> &mut Self {
        self.rego.add_source(name, text);
        self
    }

    /// Add a policy data file (YAML or JSON), merged into Rego's `data`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Read`] when the file cannot be read or decoded.
    pub fn add_data_file(&mut self, path: &Path) -> Result<&mut Self, PolicyError> {
        let bytes = ingest::read_input(path, &ingest::Limits::default())?;
        let name = path.display().to_string();
        let value = ingest::decode_text(&name, &bytes)?;
        self.add_data_value(&name, value)
    }

    /// Add policy data given as a value, named `name` in messages.
    ///
    /// The keys the starter pack reads as its configuration (`registry`,
    /// `pinned`, `runtime_digest`, `builders`, `source`, `predicate_types`,
    /// `build_time`) are checked as a native policy file's are, before any
    /// evaluation: `accept_tags: "false"` (a string) is refused here, not
    /// read as true by Rego. Other keys are the policy author's, and free.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when a configuration key is not what the
    /// native policy schema says (the error points at it).
    pub fn add_data_value(
        &mut self,
        name: &str,
        value: serde_json::Value,
    ) -> Result<&mut Self, PolicyError> {
        if let Some(object) = value.as_object() {
            let settings: serde_json::Map<String, serde_json::Value> = PACK_SETTINGS
                .iter()
                .filter_map(|k| object.get(*k).map(|v| ((*k).to_owned(), v.clone())))
                .filter(|(_, v)| !v.is_null())
                .collect();
            if !settings.is_empty() {
                let settings = serde_json::Value::Object(settings);
                let file: PolicyFile =
                    serde_path_to_error::deserialize(&settings).map_err(|e| {
                        let pointer = JsonPointer::from_serde_path(e.path());
                        PolicyError::Invalid {
                            at: Location::new(name, pointer),
                            message: e.into_inner().to_string(),
                        }
                    })?;
                native_policy(name, file)?;
            }
        }
        self.rego.add_data(name, value);
        Ok(self)
    }

    /// Add a BuildKit source policy file (`--source-policy`).
    ///
    /// # Errors
    ///
    /// [`PolicyError`] when the file cannot be read or is not a valid source
    /// policy (the error points at the bad rule).
    pub fn add_source_policy_file(&mut self, path: &Path) -> Result<&mut Self, PolicyError> {
        let bytes = ingest::read_input(path, &ingest::Limits::default())?;
        let name = path.display().to_string();
        let value = ingest::decode_text(&name, &bytes)?;
        let parsed = SourcePolicy::from_value(&name, &value)?;
        self.policy.source_policies.push(parsed);
        Ok(self)
    }

    /// `--allow-registry PREFIX`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when the prefix is not a valid reference prefix.
    pub fn allow_registry(&mut self, prefix: &str) -> Result<&mut Self, PolicyError> {
        let p = flag_prefix("--allow-registry", prefix)?;
        registry_section(&mut self.flags).rule.allow.push(p);
        Ok(self)
    }

    /// `--builder-id ID`: the builder must be `ID` (`builder.allowed`). Without
    /// `@REF` any ref of that builder matches; with one, the ref must be it
    /// (`@v2.1.0` is `@refs/tags/v2.1.0`). Each flag is its own requirement.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] for an empty id.
    pub fn require_builder(&mut self, id: &str) -> Result<&mut Self, PolicyError> {
        if id.trim().is_empty() {
            return Err(flag_error("--builder-id", "an empty builder id"));
        }
        self.policy.natives.push(NativePolicy {
            origin: "--builder-id".to_owned(),
            builders: Some(Section {
                rule: [id.to_owned()].into(),
                effective_on: None,
            }),
            ..NativePolicy::default()
        });
        Ok(self)
    }

    /// `--source-uri`, `--source-tag`, `--source-branch` and
    /// `--source-versioned-tag` (`source.matches`): `flag` names the
    /// requirement in results; each is its own.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] for an empty value or a versioned tag that
    /// is not `vX[.Y[.Z]]`.
    pub fn require_source(&mut self, flag: &str, value: &str) -> Result<&mut Self, PolicyError> {
        if value.trim().is_empty() {
            return Err(flag_error(flag, "an empty value"));
        }
        let mut want = SourceExpectation::default();
        match flag {
            "--source-uri" => want.repository = Some(value.to_owned()),
            "--source-tag" => want.git_ref = Some(format!("refs/tags/{value}")),
            "--source-branch" => want.git_ref = Some(format!("refs/heads/{value}")),
            "--source-versioned-tag" => {
                want.versioned_tag = Some(VersionedTag::parse(value).ok_or_else(|| {
                    flag_error(flag, &format!("{value:?} is not vX, vX.Y or vX.Y.Z"))
                })?);
            }
            _ => return Err(flag_error(flag, "not a source flag")),
        }
        self.policy.natives.push(NativePolicy {
            origin: flag.to_owned(),
            source: Some(Section {
                rule: want,
                effective_on: None,
            }),
            ..NativePolicy::default()
        });
        Ok(self)
    }

    /// `--deny-registry PREFIX`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when the prefix is not a valid reference prefix.
    pub fn deny_registry(&mut self, prefix: &str) -> Result<&mut Self, PolicyError> {
        let p = flag_prefix("--deny-registry", prefix)?;
        registry_section(&mut self.flags).rule.deny.push(p);
        Ok(self)
    }

    /// Compile everything added into one [`Policy`].
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when a Rego file does not parse or compile
    /// (the message names the file and line).
    pub fn build(mut self) -> Result<Policy, PolicyError> {
        if !self.rego.is_empty() {
            self.policy.rego = Some(self.rego.compile()?);
        }
        if !self.flags.is_empty() {
            self.flags.origin = "flags".to_owned();
            self.policy.natives.push(self.flags);
        }
        Ok(self.policy)
    }

    fn merge(&mut self, name: &str, file: PolicyFile) -> Result<(), PolicyError> {
        let native = native_policy(name, file)?;
        self.policy.natives.push(native);
        Ok(())
    }
}

/// A usage error of a policy flag.
fn flag_error(flag: &str, why: &str) -> PolicyError {
    PolicyError::invalid(flag, JsonPointer::root(), why.to_owned())
}

fn registry_section(native: &mut NativePolicy) -> &mut Section<RegistryRule> {
    native.registry.get_or_insert_with(|| Section {
        rule: RegistryRule::default(),
        effective_on: None,
    })
}

/// One policy file, checked, as a native policy of its own.
fn native_policy(name: &str, file: PolicyFile) -> Result<NativePolicy, PolicyError> {
    let root = JsonPointer::root();
    let mut native = NativePolicy {
        origin: name.to_owned(),
        ..NativePolicy::default()
    };
    if let Some(v) = file.version {
        if v != 1 {
            return Err(invalid(
                name,
                root.key("version"),
                format!("unsupported version {v}, expected 1"),
            ));
        }
    }
    let effective_on = |ptr: &JsonPointer, text: Option<String>| {
        text.map(|t| parse_time(name, ptr.key("effective_on"), &t))
            .transpose()
    };
    if let Some(r) = file.registry {
        let ptr = root.key("registry");
        if r.allow.is_empty() && r.deny.is_empty() {
            // `allow: []` reads as "allow nothing" to some and "no
            // rule" to others: neither guess is made.
            return Err(invalid(
                name,
                ptr,
                "neither `allow` nor `deny` lists a registry, so the section would check \
                 nothing: list the allowed (or denied) registries, or leave the section out"
                    .to_owned(),
            ));
        }
        let parse = |list: &[String], key: &str| -> Result<Vec<RegistryPrefix>, PolicyError> {
            list.iter()
                .enumerate()
                .map(|(i, a)| {
                    a.parse::<RegistryPrefix>()
                        .map_err(|e| invalid(name, ptr.key(key).index(i), e.to_string()))
                })
                .collect()
        };
        native.registry = Some(Section {
            rule: RegistryRule {
                allow: parse(&r.allow, "allow")?,
                deny: parse(&r.deny, "deny")?,
                accept_tags: r.accept_tags,
            },
            effective_on: effective_on(&ptr, r.effective_on)?,
        });
    }
    if let Some(p) = file.pinned {
        native.pinned = Some(Section {
            rule: (),
            effective_on: effective_on(&root.key("pinned"), p.effective_on)?,
        });
    }
    if let Some(d) = file.runtime_digest {
        native.runtime_digest = Some(Section {
            rule: d.on_mismatch,
            effective_on: effective_on(&root.key("runtime_digest"), d.effective_on)?,
        });
    }
    if let Some(b) = file.builders {
        native.builders = Some(Section {
            rule: b.allow.into_iter().collect(),
            effective_on: effective_on(&root.key("builders"), b.effective_on)?,
        });
    }
    if let Some(t) = file.predicate_types {
        native.predicate_types = Some(Section {
            rule: t.allow.into_iter().collect(),
            effective_on: effective_on(&root.key("predicate_types"), t.effective_on)?,
        });
    }
    if let Some(s) = file.source {
        let ptr = root.key("source");
        let git_ref = match (s.git_ref, s.tag) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    name,
                    ptr.key("tag"),
                    "give `ref` or `tag`, not both".into(),
                ));
            }
            (Some(r), None) => Some(r),
            (None, Some(t)) => Some(format!("refs/tags/{t}")),
            (None, None) => None,
        };
        native.source = Some(Section {
            rule: SourceExpectation {
                repository: s.repository,
                git_ref,
                versioned_tag: None,
            },
            effective_on: effective_on(&ptr, s.effective_on)?,
        });
    }
    if let Some(t) = file.build_time {
        let ptr = root.key("build_time");
        let time = |key: &str, v: Option<String>| {
            v.map(|v| parse_time(name, ptr.key(key), &v)).transpose()
        };
        native.build_time = Some(Section {
            rule: TimeWindow {
                not_before: time("not_before", t.not_before)?,
                not_after: time("not_after", t.not_after)?,
            },
            effective_on: effective_on(&ptr, t.effective_on)?,
        });
    }
    Ok(native)
}

/// The `.rego` files below `dir`, tests (`*_test.rego`) left out.
fn rego_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), PolicyError> {
    let read_err = |cause| {
        PolicyError::Read(crate::error::IngestError::Read {
            file: dir.display().to_string(),
            cause,
        })
    };
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            rego_files(&path, out)?;
        } else if name.ends_with(".rego") && !name.ends_with("_test.rego") {
            out.push(path);
        }
    }
    Ok(())
}

fn flag_prefix(flag: &str, prefix: &str) -> Result<RegistryPrefix, PolicyError> {
    prefix
        .parse()
        .map_err(|e: super::registry::PrefixError| PolicyError::Invalid {
            at: Location::new(flag, JsonPointer::root()),
            message: e.to_string(),
        })
}

fn invalid(name: &str, pointer: JsonPointer, message: String) -> PolicyError {
    PolicyError::invalid(name, pointer, message)
}

/// A date (`2026-12-01`, midnight UTC) or an RFC 3339 time.
fn parse_time(name: &str, pointer: JsonPointer, text: &str) -> Result<DateTime<Utc>, PolicyError> {
    crate::time::parse_instant(text).ok_or_else(|| {
        invalid(
            name,
            pointer,
            format!("invalid time {text:?}: expected {}", crate::time::EXPECTED),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn build(values: &[serde_json::Value]) -> Result<Policy, PolicyError> {
        let mut b = PolicyBuilder::new();
        for (i, v) in values.iter().enumerate() {
            b.add_value(&format!("p{i}.yaml"), v)?;
        }
        b.build()
    }

    #[test]
    fn unknown_keys_are_pointed_at() {
        let err = build(&[json!({"registry": {"allow": ["quay.io"], "alow": []}})]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("p0.yaml: at /registry/alow: unknown field `alow`"),
            "{text}"
        );
    }

    #[test]
    fn bad_values_are_pointed_at() {
        let rows = [
            (
                json!({"registry": {"allow": ["quay.io", "Bad/Prefix"]}}),
                "p0.yaml: at /registry/allow/1: invalid registry prefix",
            ),
            (
                json!({"registry": {"allow": [], "accept_tags": true}}),
                "p0.yaml: at /registry: neither `allow` nor `deny` lists a registry",
            ),
            (
                json!({"registry": {"allow": "quay.io"}}),
                "p0.yaml: at /registry/allow: invalid type: string",
            ),
            (
                json!({"pinned": {"effective_on": "next week"}}),
                "p0.yaml: at /pinned/effective_on: invalid time \"next week\"",
            ),
            (
                json!({"runtime_digest": {"on_mismatch": "explode"}}),
                "p0.yaml: at /runtime_digest/on_mismatch: unknown variant `explode`",
            ),
            (
                json!({"version": 2}),
                "p0.yaml: at /version: unsupported version 2",
            ),
            (
                json!({"source": {"ref": "refs/heads/main", "tag": "v1"}}),
                "p0.yaml: at /source/tag: give `ref` or `tag`",
            ),
        ];
        for (value, want) in rows {
            let text = build(&[value]).unwrap_err().to_string();
            assert!(text.starts_with(want), "{want:?} vs {text}");
        }
    }

    #[test]
    fn each_file_is_a_policy_of_its_own() {
        let p = build(&[
            json!({"registry": {"allow": ["quay.io/a"]}, "builders": {"allow": ["b1"]}, "runtime_digest": {"on_mismatch": "warn"}}),
            json!({"registry": {"allow": ["gcr.io"], "deny": ["gcr.io/x"], "accept_tags": true, "effective_on": "2099-01-01"}, "builders": {"allow": ["b2"]}, "runtime_digest": {"on_mismatch": "fail"}}),
        ])
        .unwrap();
        assert_eq!(p.natives.len(), 2);
        let [a, b] = [&p.natives[0], &p.natives[1]];
        assert_eq!(
            (a.origin.as_str(), b.origin.as_str()),
            ("p0.yaml", "p1.yaml")
        );
        let (ra, rb) = (&a.registry.as_ref().unwrap(), &b.registry.as_ref().unwrap());
        // Nothing of one file reaches the other: lists, accept_tags, dates.
        assert_eq!((ra.rule.allow.len(), ra.rule.deny.len()), (1, 0));
        assert_eq!((rb.rule.allow.len(), rb.rule.deny.len()), (1, 1));
        assert!(!ra.rule.accept_tags && rb.rule.accept_tags);
        assert!(ra.effective_on.is_none() && rb.effective_on.is_some());
        assert_eq!(
            a.runtime_digest.as_ref().unwrap().rule,
            MismatchSeverity::Warn
        );
        assert_eq!(
            b.runtime_digest.as_ref().unwrap().rule,
            MismatchSeverity::Fail
        );

        // Two files that expect different sources are two requirements,
        // not a conflict: a document meets both or fails one.
        let p = build(&[
            json!({"source": {"repository": "a"}}),
            json!({"source": {"repository": "b"}}),
        ])
        .unwrap();
        assert_eq!(p.natives.len(), 2);
    }

    #[test]
    fn tags_become_refs_and_dates_midnight_utc() {
        let p = build(&[
            json!({"source": {"tag": "v1.2.3"}, "pinned": {"effective_on": "2026-12-01"}}),
        ])
        .unwrap();
        let native = &p.natives[0];
        assert_eq!(
            native.source.as_ref().unwrap().rule.git_ref.as_deref(),
            Some("refs/tags/v1.2.3")
        );
        assert_eq!(
            native
                .pinned
                .as_ref()
                .unwrap()
                .effective_on
                .unwrap()
                .to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
    }

    #[test]
    fn flags_add_registry_prefixes() {
        let mut b = PolicyBuilder::new();
        b.allow_registry("quay.io/acme")
            .unwrap()
            .deny_registry("quay.io/acme/old")
            .unwrap();
        assert!(b.allow_registry("Bad/Name").is_err());
        let p = b.build().unwrap();
        assert!(!p.is_empty());
        assert!(PolicyBuilder::new().build().unwrap().is_empty());
    }

    #[test]
    fn policy_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Policy>();
    }

    #[test]
    fn versioned_tags_compare_the_parts_given() {
        let v = |t: &str| VersionedTag::parse(t).unwrap();
        for (want, tag, ok) in [
            ("v13.0", "v13.0.30", true),
            ("v13.0", "v13.1.0", false),
            ("v13.0", "v12.9.0", false),
            ("v13", "v13.4", true),
            ("v14.2", "v14.2", true),
            ("v14.2.1", "v14.2", false),
            ("v1.5.0", "v1.5", true),
            ("v1", "v1.2.3-rc1", false),
            ("v1", "1.2.3", false),
        ] {
            assert_eq!(v(want).accepts(tag), ok, "{want} {tag}");
        }
        assert!(!v("v14.0").accepts("v014"));
        assert!(!v("v14.0").accepts("v14.00.0000"));
        for bad in ["13", "v", "v1.2.3.4", "v1.x", "v1..2", "v-1", "v01"] {
            assert!(VersionedTag::parse(bad).is_none(), "{bad}");
        }
    }
}
