//! provcheck's own Rego builtins: registry prefixes and the steps they
//! allow or deny, with the native rules' semantics.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The builtins provcheck adds to Rego, both the native `registry.allowed`
/// rule's own code, so the two engines agree on prefixes by construction:
///
/// - `provcheck_normalize_prefix(entry)`: an allow/deny entry normalized
///   (`alpine` → `docker.io/library/alpine`, lowercased host, …);
/// - `provcheck_steps_under(steps, entries)`: the indexes of the steps whose
///   `declared.repository` lies under one of `entries` (normalized as
///   above), on a path-component boundary, hosts compared case-insensitively.
///   One call judges every step: matched in Rego, the same work cost a
///   builtin call or two per step and entry list (a third of the pack's
///   evaluation, callgrind).
///
/// What a match means (deny wins, the tri-state) stays in the policy. An
/// invalid entry is an evaluation error, as it is a policy error natively.
pub const NORMALIZE_PREFIX_BUILTIN: &str = "provcheck_normalize_prefix";

/// See [`NORMALIZE_PREFIX_BUILTIN`].
pub const STEPS_UNDER_BUILTIN: &str = "provcheck_steps_under";

pub(super) fn prefix_of(
    entry: &Value,
    builtin: &str,
) -> anyhow::Result<crate::evaluate::registry::RegistryPrefix> {
    let Value::String(entry) = entry else {
        anyhow::bail!("{builtin}: an entry must be a string, got {entry}");
    };
    Ok(entry.parse()?)
}

/// See [`NORMALIZE_PREFIX_BUILTIN`]: the indexes of the steps a deny list
/// covers, matched as the native rule's deny entries match (an entry
/// without a port covers its host on every port).
pub const STEPS_DENIED_BUILTIN: &str = "provcheck_steps_denied";

/// `provcheck_steps_under(steps, entries)`.
pub(super) fn steps_under(args: Vec<Value>) -> anyhow::Result<Value> {
    steps_matching(
        args,
        STEPS_UNDER_BUILTIN,
        crate::evaluate::registry::RegistryPrefix::matches_repository,
    )
}

/// `provcheck_steps_denied(steps, entries)`.
pub(super) fn steps_denied(args: Vec<Value>) -> anyhow::Result<Value> {
    steps_matching(
        args,
        STEPS_DENIED_BUILTIN,
        crate::evaluate::registry::RegistryPrefix::denies_repository,
    )
}

/// The indexes of the `steps` (objects with `declared.repository`) that
/// one of `entries` covers, by `covers`.
pub(super) fn steps_matching(
    args: Vec<Value>,
    builtin: &str,
    covers: fn(&crate::evaluate::registry::RegistryPrefix, &str) -> bool,
) -> anyhow::Result<Value> {
    let (Some(steps), Some(entries)) = (args.first(), args.get(1)) else {
        anyhow::bail!("{builtin} takes two arguments");
    };
    let entries: Box<dyn Iterator<Item = &Value>> = match entries {
        Value::Array(items) => Box::new(items.iter()),
        Value::Set(items) => Box::new(items.iter()),
        other => anyhow::bail!("{builtin}: entries must be an array or a set, got {other}"),
    };
    let entries = entries
        .map(|e| prefix_of(e, builtin))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let Value::Array(steps) = steps else {
        anyhow::bail!("{builtin}: steps must be an array");
    };
    let repository = Value::from("repository");
    let declared = Value::from("declared");
    let mut under = std::collections::BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        if let Value::String(repo) = &step[&declared][&repository] {
            if entries.iter().any(|p| covers(p, repo)) {
                under.insert(Value::from(i as u64));
            }
        }
    }
    Ok(Value::from(under))
}

pub(super) fn add_builtins(engine: &mut Engine) -> Result<(), PolicyError> {
    engine
        .add_extension(
            NORMALIZE_PREFIX_BUILTIN.to_owned(),
            1,
            Box::new(|args: Vec<Value>| {
                let entry = args.first().unwrap_or(&Value::Undefined);
                Ok(Value::from(
                    prefix_of(entry, NORMALIZE_PREFIX_BUILTIN)?.to_string(),
                ))
            }),
        )
        .map_err(|e| rego_error("(builtins)", &e))?;
    engine
        .add_extension(STEPS_UNDER_BUILTIN.to_owned(), 2, Box::new(steps_under))
        .map_err(|e| rego_error("(builtins)", &e))?;
    engine
        .add_extension(STEPS_DENIED_BUILTIN.to_owned(), 2, Box::new(steps_denied))
        .map_err(|e| rego_error("(builtins)", &e))
}
