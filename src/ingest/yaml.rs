//! YAML (`kubectl get -o yaml` output) through serde-saphyr: a pure-Rust
//! parser that rejects duplicate keys with their line and column, resolves
//! merge keys, and bounds depth, node count and alias expansion
//! (`docs/dependencies.md` compares it with `serde_yaml_ng` and `serde_norway`,
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

/// One document of a YAML stream: its text and the 1-based line it starts
/// on in the file.
pub(crate) struct Part<'a> {
    pub(crate) line: usize,
    text: std::borrow::Cow<'a, str>,
}

/// Split a YAML stream into its documents, as YAML itself does: a `---` or
/// `...` marker at the start of a line (alone, or followed by a space) ends
/// a document wherever it appears, even in a scalar. Parts that hold only
/// comments, directives or white space are left out. Content on a `---`
/// line (`--- {a: 1}`) stays, in its column.
pub(crate) fn split_documents(text: &str) -> Vec<Part<'_>> {
    fn is_marker(line: &str, marker: &str) -> bool {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
    }
    fn has_content(text: &str) -> bool {
        text.lines().any(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#') && !l.starts_with('%')
        })
    }
    let mut parts = Vec::new();
    let mut start = 0; // byte offset of the current part
    let mut start_line = 1;
    let mut first_line_blanked = false;
    let mut offset = 0;
    fn push<'a>(
        parts: &mut Vec<Part<'a>>,
        text: &'a str,
        from: usize,
        to: usize,
        line: usize,
        blank: bool,
    ) {
        let Some(chunk) = text.get(from..to) else {
            return;
        };
        if !has_content(chunk.get(if blank { 3 } else { 0 }..).unwrap_or_default()) {
            return;
        }
        let text = if blank {
            std::borrow::Cow::Owned(format!("   {}", chunk.get(3..).unwrap_or_default()))
        } else {
            std::borrow::Cow::Borrowed(chunk)
        };
        parts.push(Part { line, text });
    }
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        let bare = line.trim_end_matches(['\n', '\r']);
        if is_marker(bare, "---") || is_marker(bare, "...") {
            push(
                &mut parts,
                text,
                start,
                offset,
                start_line,
                first_line_blanked,
            );
            // A `---` line may carry the document's first content.
            let starts_here =
                is_marker(bare, "---") && has_content(bare.get(3..).unwrap_or_default());
            if starts_here {
                start = offset;
                start_line = number;
                first_line_blanked = true;
            } else {
                start = offset + line.len();
                start_line = number + 1;
                first_line_blanked = false;
            }
        }
        offset += line.len();
    }
    push(
        &mut parts,
        text,
        start,
        text.len(),
        start_line,
        first_line_blanked,
    );
    parts
}

/// Parse one part of a stream; positions in errors are the file's.
pub(crate) fn parse_part(file: &str, part: &Part<'_>) -> Result<Value, IngestError> {
    parse(file, &part.text).map_err(|mut e| {
        if let IngestError::Yaml { at, .. } = &mut e {
            if let Some((line, col)) = at.line_col {
                at.line_col = Some((line + part.line - 1, col));
            }
        }
        e
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
    let line = line.trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable");
    // The parser's safety budget, in its own terms: say it in ours.
    match line.strip_prefix("budget breached: ") {
        Some(what) => match what
            .strip_prefix("Depth { depth: ")
            .and_then(|d| d.strip_suffix(" }"))
            .and_then(|d| d.parse::<usize>().ok())
        {
            Some(depth) => format!(
                "nested deeper than the limit of {} levels",
                depth.saturating_sub(1)
            ),
            None => format!("exceeds a safety limit of the YAML reader ({what})"),
        },
        None if line.starts_with("multiple YAML documents detected") => {
            "several YAML documents (`---`) where one is expected".to_owned()
        }
        None => line.to_owned(),
    }
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
    fn a_stream_splits_into_its_documents() {
        let text =
            "%YAML 1.2\n---\na: 1\n---\n# only a comment\n---\nb: |\n  x\n...\n--- {c: 3}\n---\n";
        let parts = split_documents(text);
        let got: Vec<(usize, Value)> = parts
            .iter()
            .map(|p| (p.line, parse_part("s.yaml", p).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                (3, serde_json::json!({"a": 1})),
                (7, serde_json::json!({"b": "x\n"})),
                (10, serde_json::json!({"c": 3})),
            ]
        );
        // One document, with or without markers (empty parts beside it), is
        // one part.
        for text in [
            "---\nkind: TaskRun\n",
            "kind: TaskRun\n",
            "kind: TaskRun\n---\n",
            "---\n---\nkind: TaskRun\r\n---\r\n# c\n...\n",
        ] {
            let parts = split_documents(text);
            assert_eq!(parts.len(), 1, "{text:?}");
            assert_eq!(parse_part("s.yaml", &parts[0]).unwrap()["kind"], "TaskRun");
        }
        // Errors name the file's line.
        let parts = split_documents("a: 1\n---\nb: [\n");
        let err = parse_part("s.yaml", &parts[1]).unwrap_err().to_string();
        assert!(
            err.starts_with("s.yaml:3:") || err.starts_with("s.yaml:4:"),
            "{err}"
        );
    }

    proptest::proptest! {
        /// Any text splits without a panic into parts that start on
        /// increasing lines of the file, each of which parses or fails cleanly.
        #[test]
        fn any_stream_splits_in_order(text in "((---|\\.\\.\\.|a: [0-9]|- x|# c|  y: |%YAML 1.2| )[ \n]{0,2}){0,12}") {
            let parts = split_documents(&text);
            let lines = text.lines().count().max(1);
            let mut last = 0;
            for part in &parts {
                proptest::prop_assert!(part.line > last && part.line <= lines, "{} after {last} of {lines}", part.line);
                last = part.line;
                let _ = parse_part("p.yaml", part);
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse("deep.yaml", &text).is_err());
        let block: String = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(parse("deep.yaml", &block).is_err());
        let nested: String = (0..70).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
        let err = parse("deep.yaml", &format!("a:\n{nested}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("nested deeper than the limit of 64 levels"),
            "{err}"
        );
    }
}
