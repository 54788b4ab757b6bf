//! YAML (`kubectl get -o yaml` output) through serde-saphyr: a pure-Rust
//! parser that rejects duplicate keys with their line and column, resolves
//! merge keys, and bounds depth, node count and alias expansion
//! (`../shared/crates.md` compares it with `serde_yaml_ng` and `serde_norway`,
//! which keep the last duplicate silently).

use serde_json::Value;

use crate::error::{IngestError, JsonPointer, Location};

/// Parse `text` as one YAML document into a JSON value.
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, IngestError> {
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let message = e.to_string();
        IngestError::Yaml {
            at: Location {
                file: file.to_owned(),
                pointer: JsonPointer::root(),
                line_col: e
                    .location()
                    .map(|l| (l.line() as usize, l.column() as usize)),
                within: None,
            },
            message: first_line(&message),
        }
    })
}

/// serde-saphyr renders `error: line L column C: MESSAGE` and a source
/// snippet; the location is already in [`Location`], so keep the message
/// (without the hint addressed to serde-saphyr's own users).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, rest)) if position.contains(" column ") => rest,
        _ => line,
    };
    line.trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_kubectl_style_object() {
        let v = parse(
            "t.yaml",
            "kind: TaskRun\nstatus:\n  steps:\n  - name: a\n    imageID: sha256:abc\n",
        )
        .unwrap();
        assert_eq!(v["status"]["steps"][0]["imageID"], "sha256:abc");
    }

    #[test]
    fn rejects_duplicate_keys_with_line() {
        let err = parse("t.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("duplicate"), "{text}");
        assert!(text.starts_with("t.yaml:3:"), "{text}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse("deep.yaml", &text).is_err());
        let block: String = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(parse("deep.yaml", &block).is_err());
    }
}
