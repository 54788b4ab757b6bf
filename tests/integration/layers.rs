//! The house has floors: a module imports only from its own floor or below
//! (`cargo test layers` is the check). One pipeline, one direction: ingest →
//! normalize → verify and evaluate (peers) → report; the facade, the audit
//! and the binary above them. Test code (`#[cfg(test)] mod tests`) may
//! reach anywhere.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::root;

/// Every top-level module of the library, by floor.
const FLOORS: &[(&str, u8)] = &[
    ("error", 1),
    ("oci", 1),
    ("text", 1),
    ("time", 1),
    ("schemas", 1),
    ("evidence", 2),
    ("results", 2),
    ("ingest", 3),
    ("normalize", 4),
    ("verify", 5),
    ("evaluate", 5),
    ("report", 6),
    ("verifier", 7),
    ("audit", 8),
];

/// The top-level modules `text` names as `crate::NAME` (in a path, a use
/// list or a doc link), test code aside.
fn references(text: &str) -> Vec<String> {
    let code = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end]);
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // `crate::{a::X, b}`: each path's first segment.
            let list = &list[..list.find('}').unwrap_or(list.len())];
            for item in list.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_a_floor_above_it() {
    let floors: BTreeMap<&str, u8> = FLOORS.iter().copied().collect();
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs");
        // The crate root re-exports, and the binary uses the library.
        if top == "lib" || top == "bin" {
            continue;
        }
        let Some(&mine) = floors.get(top) else {
            wrong.push(format!("{}: module {top} has no floor", rel.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for name in references(&text) {
            match floors.get(name.as_str()) {
                Some(&theirs) if theirs > mine => wrong.push(format!(
                    "{}: {top} (floor {mine}) uses crate::{name} (floor {theirs})",
                    rel.display()
                )),
                Some(_) => {}
                None => wrong.push(format!(
                    "{}: crate::{name} is not a module with a floor",
                    rel.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The check sees what it must: an import from above is caught.
#[test]
fn the_floor_check_catches_an_import_from_above() {
    let text = "use crate::error::X;\nuse crate::{evidence::Y, verifier};\n/// [`a`](crate::audit::A)\n#[cfg(test)]\nmod tests {\n use crate::bin;\n}\n";
    assert_eq!(references(text), ["error", "evidence", "verifier", "audit"]);
}
