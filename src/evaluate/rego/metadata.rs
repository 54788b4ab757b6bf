//! What a Rego policy says about its rules in `# METADATA` annotations
//! (OPA's format: a comment block of YAML), for outputs that describe
//! rules, such as SARIF's rule descriptors.
//!
//! A block above a `deny`, `unknown` or `warn` rule describes the rule id
//! that rule's results get without a `code` (`PACKAGE.SET`), and every id
//! listed under `custom.code` (a string or a list). A block above the
//! `package` line describes the package's three `PACKAGE.SET` ids, unless a
//! rule's own block does. `title` is the short description, `description`
//! the full one. Only the text is read: an annotation never changes a
//! result.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::results::RuleDescription;

/// At most this many comment lines are read as one block.
const MAX_BLOCK_LINES: usize = 200;

/// The descriptions every `# METADATA` block of `files` gives, by rule id.
pub(crate) fn descriptions(files: &[(String, String)]) -> BTreeMap<String, RuleDescription> {
    let mut by_rule: BTreeMap<String, RuleDescription> = BTreeMap::new();
    let mut by_package: Vec<(String, RuleDescription)> = Vec::new();
    for (_, text) in files {
        let mut package: Option<String> = None;
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if let Some(name) = trimmed.strip_prefix("package ") {
                package = Some(name.trim().to_owned());
                continue;
            }
            if trimmed != "# METADATA" {
                continue;
            }
            let mut yaml = String::new();
            let mut taken = 0;
            while let Some(next) = lines.peek() {
                let Some(comment) = next.trim_start().strip_prefix('#') else {
                    break;
                };
                taken += 1;
                if taken <= MAX_BLOCK_LINES {
                    yaml.push_str(comment.strip_prefix(' ').unwrap_or(comment));
                    yaml.push('\n');
                }
                lines.next();
            }
            // The annotated line: the next one that is not blank.
            let Some(target) = lines.by_ref().map(str::trim).find(|l| !l.is_empty()) else {
                continue;
            };
            let Ok(block) = serde_saphyr::from_str::<Json>(&yaml) else {
                continue;
            };
            let Some(description) = describe(&block) else {
                continue;
            };
            if let Some(name) = target.strip_prefix("package ") {
                let name = name.trim().to_owned();
                package = Some(name.clone());
                by_package.push((name, description));
                continue;
            }
            let Some(package) = &package else { continue };
            let head: String = target
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let mut ids = Vec::new();
            if matches!(head.as_str(), "deny" | "unknown" | "warn") {
                ids.push(format!("{package}.{head}"));
            }
            match block.pointer("/custom/code") {
                Some(Json::String(code)) => ids.push(code.clone()),
                Some(Json::Array(codes)) => {
                    ids.extend(codes.iter().filter_map(Json::as_str).map(str::to_owned));
                }
                _ => {}
            }
            for id in ids {
                by_rule.entry(id).or_insert_with(|| description.clone());
            }
        }
    }
    for (package, description) in by_package {
        for set in ["deny", "unknown", "warn"] {
            by_rule
                .entry(format!("{package}.{set}"))
                .or_insert_with(|| description.clone());
        }
    }
    by_rule
}

/// A block's title and description; `None` without a title.
fn describe(block: &Json) -> Option<RuleDescription> {
    let text = |key: &str| {
        block
            .get(key)
            .and_then(Json::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    Some(RuleDescription {
        title: text("title")?,
        description: text("description"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_describe_rules_and_packages() {
        let text = "# METADATA\n# title: Registries\n# description: Images come from our registries.\npackage provcheck.reg\nimport rego.v1\n\n\
            # METADATA\n# title: Pinned\n# custom:\n#   code: [acme.pinned, acme.pinned2]\n\ndeny contains r if { r := 1 }\n\
            # METADATA\n# description: no title, so nothing\nwarn contains 1 if true\n";
        let got = descriptions(&[("p.rego".to_owned(), text.to_owned())]);
        let title = |id: &str| got.get(id).map(|d| d.title.as_str());
        assert_eq!(title("provcheck.reg.deny"), Some("Pinned"));
        assert_eq!(title("acme.pinned"), Some("Pinned"));
        assert_eq!(title("acme.pinned2"), Some("Pinned"));
        assert_eq!(title("provcheck.reg.unknown"), Some("Registries"));
        assert_eq!(title("provcheck.reg.warn"), Some("Registries"));
        assert_eq!(
            got.get("provcheck.reg.unknown")
                .and_then(|d| d.description.as_deref()),
            Some("Images come from our registries.")
        );
        assert_eq!(got.len(), 5);
    }
}
