//! The repository stands alone and its documentation holds together: every
//! relative link resolves, every page is in the book, every Rust example is
//! compiled by `cargo test`, the help names only files that exist, and the
//! manual page renders.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{provcheck, root};

/// Every file of the repository below `dir` (build output and VCS data left out).
fn tree(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let generated = ["target", ".git", "artifacts", "coverage", "corpus"]
                .contains(&name.as_str())
                && path.parent() == Some(&root().join("fuzz"))
                || [".git", "target", "target-helper"].contains(&name.as_str())
                    && path.parent() == Some(&root());
            if !generated {
                tree(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// README.md and every Markdown page under docs/.
fn markdown_pages() -> Vec<PathBuf> {
    let mut pages = vec![
        root().join("README.md"),
        root().join("CHANGELOG.md"),
        root().join("CONTRIBUTING.md"),
        root().join("benches/README.md"),
    ];
    let mut docs = Vec::new();
    tree(&root().join("docs"), &mut docs);
    pages.extend(
        docs.into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    pages
}

/// The fenced code blocks of a Markdown text: (info string, first line number).
fn fences(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut open: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open {
            None => {
                for fence in ["```", "~~~"] {
                    if let Some(info) = trimmed.strip_prefix(fence) {
                        out.push((info.trim().to_owned(), i + 1));
                        open = Some(fence);
                        break;
                    }
                }
            }
            Some(fence) if trimmed.starts_with(fence) => open = None,
            Some(_) => {}
        }
    }
    out
}

/// The Markdown text outside fenced code blocks and inline code spans.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            // Drop inline code: a link written inside backticks is text.
            for part in line.split('`').step_by(2) {
                out.push_str(part);
            }
            out.push('\n');
        }
    }
    out
}

/// The targets of inline links `[text](target)` and reference definitions
/// `[label]: target` in a Markdown text.
fn links(text: &str) -> Vec<String> {
    let text = prose(text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        out.push(
            rest[..end]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned(),
        );
    }
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(after) = line.strip_prefix('[') {
            if let Some((_, target)) = after.split_once("]: ") {
                out.push(target.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    }
    out
}

#[test]
fn every_relative_link_resolves_to_a_file_of_the_repository() {
    let mut broken = Vec::new();
    let pages = markdown_pages();
    assert!(pages.len() > 10, "the book is missing: {pages:?}");
    for page in pages {
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        for target in links(&text) {
            let external = target.contains("://") || target.starts_with("mailto:");
            let file = target.split('#').next().unwrap_or("");
            if external || file.is_empty() {
                continue;
            }
            let resolved = page.parent().unwrap().join(file);
            let inside = resolved
                .canonicalize()
                .is_ok_and(|p| p.starts_with(root().canonicalize().unwrap()));
            if !inside {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_book_page_is_in_the_summary_and_every_summary_entry_exists() {
    let src = root().join("docs/src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let listed: Vec<String> = links(&summary);
    for entry in &listed {
        assert!(
            src.join(entry).is_file(),
            "SUMMARY.md lists {entry}, which is missing"
        );
    }
    let mut pages = Vec::new();
    tree(&src, &mut pages);
    for page in pages {
        let relative = page.strip_prefix(&src).unwrap().display().to_string();
        if relative == "SUMMARY.md" || !relative.ends_with(".md") {
            continue;
        }
        assert!(
            listed.contains(&relative),
            "docs/src/{relative} is not in SUMMARY.md"
        );
    }
    assert!(root().join("docs/book.toml").is_file());
}

/// rustdoc compiles an untagged fence as Rust: every block says what it is,
/// and every page with Rust examples is compiled by `cargo test`.
#[test]
fn every_code_block_is_tagged_and_rust_examples_are_doctested() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let mut untagged = Vec::new();
    for page in markdown_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let blocks = fences(&text);
        for (info, line) in &blocks {
            if info.is_empty() {
                untagged.push(format!("{}:{line}", page.display()));
            }
        }
        let has_rust = blocks
            .iter()
            .any(|(info, _)| info.split(',').any(|w| w == "rust"));
        if has_rust {
            let relative = page.strip_prefix(root()).unwrap().display().to_string();
            let included = format!("include_str!(\"../{relative}\")");
            assert!(
                lib.contains(&included),
                "{relative} has Rust examples but src/lib.rs does not doctest it ({included})"
            );
        }
    }
    assert!(
        untagged.is_empty(),
        "untagged code blocks:\n{}",
        untagged.join("\n")
    );
}

#[test]
fn the_readme_is_short_and_keeps_its_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines (250 at most)");
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    for command in [
        "cargo run --release -- normalize --format text examples/taskrun-build.yaml",
        "cargo test",
    ] {
        assert!(readme.contains(command), "README.md lost {command:?}");
    }
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run does not run the README's test command"
    );
}

/// Nothing the repository tracks reaches outside it; `.ci/run` alone may
/// call an optional contract check that lives beside the repository.
#[test]
fn no_file_depends_on_anything_beside_the_repository() {
    let mut files = Vec::new();
    tree(&root(), &mut files);
    let mut outside = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root()).unwrap().display().to_string();
        if relative == ".ci/run" || relative == "tests/integration/docs.rs" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for needle in ["../shared", "DESIGN.md", "STYLE.md", "crates.md"] {
            if text.contains(needle) {
                outside.push(format!("{relative}: {needle}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "files that name what is not in the repository:\n{}",
        outside.join("\n")
    );
}

/// The help of every command, and the files it names exist.
#[test]
fn help_names_only_files_that_exist() {
    let commands: &[&[&str]] = &[
        &[],
        &["normalize"],
        &["verify"],
        &["audit"],
        &["audit", "merge"],
        &["policy", "test"],
        &["schema"],
        &["man"],
    ];
    for command in commands {
        let mut args: Vec<&str> = command.to_vec();
        args.push("--help");
        let out = provcheck(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for word in text.split(|c: char| c.is_whitespace() || "()`'\",;".contains(c)) {
            let repository_path = ["policies/", "examples/", "docs/", "schemas/", "tests/"]
                .iter()
                .any(|p| word.starts_with(p))
                || word.ends_with(".md");
            if repository_path {
                assert!(
                    root().join(word).exists(),
                    "`provcheck {}` help names {word}, which is not in the repository",
                    command.join(" ")
                );
            }
        }
    }
}

/// `verify --help` groups its options under headings that fit them.
#[test]
fn verify_help_puts_each_option_under_its_heading() {
    let out = provcheck(&["verify", "--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut heading = "";
    let mut found = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            heading = line.trim_end_matches(':');
        } else if let Some(flag) = line.split_whitespace().find(|w| w.starts_with("--")) {
            found.push((flag.trim_end_matches(',').to_owned(), heading.to_owned()));
        }
    }
    let heading_of = |flag: &str| {
        found
            .iter()
            .find(|(f, _)| f == flag)
            .map(|(_, h)| h.as_str())
            .unwrap_or_else(|| panic!("{flag} not in verify --help:\n{text}"))
    };
    for (flag, want) in [
        ("--policy", "Policy"),
        ("--allow-registry", "Policy"),
        ("--max-bytes", "Input"),
        ("--with", "Evidence to combine"),
        ("--key", "Trust"),
        ("--certificate-identity", "Trust"),
        ("--format", "Output"),
        ("--unknown", "Output"),
        ("--explain", "Output"),
        ("--color", "Output"),
    ] {
        assert_eq!(heading_of(flag), want, "{flag}");
    }
}

/// `provcheck man` prints roff for the whole command and each subcommand;
/// `man -l` renders it where man is installed.
#[test]
fn the_manual_page_renders() {
    for command in [&[][..], &["verify"][..], &["audit", "merge"][..]] {
        let mut args = vec!["man"];
        args.extend(command);
        let out = provcheck(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let page = String::from_utf8(out.stdout).unwrap();
        let title = ["provcheck"]
            .iter()
            .chain(command)
            .copied()
            .collect::<Vec<_>>()
            .join("-");
        assert!(page.starts_with(".ie"), "{page}");
        assert!(page.contains(&format!(".TH {title} 1")), "{title}: {page}");
        let Ok(mut man) = Command::new("man")
            .args(["-l", "-"])
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        else {
            eprintln!("man is not installed: the page is checked as roff only");
            continue;
        };
        use std::io::Write;
        man.stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let rendered = man.wait_with_output().unwrap();
        assert!(
            rendered.status.success(),
            "{}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
    }
    let out = provcheck(&["man", "no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}
