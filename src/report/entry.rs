//! What a run hands its outputs: an entry per document judged, or per input
//! (or document in it) that could not be judged.

use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::evidence::Subject;
use crate::results::{Report, Status};

/// One entry of a run: a document's report, or why an input (or one of its
/// documents) could not be judged.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The input as the user gave it (a path, `-` for standard input).
    pub input: String,
    /// The document's report, or why there is none.
    pub outcome: Result<Report, Unjudged>,
    /// The subjects of the document's statement (for a verification
    /// summary attestation), when it was read.
    pub subjects: Vec<Subject>,
    /// `sha256:HEX` of the input's bytes, when known.
    pub input_digest: Option<String>,
}

/// An input, or a document in it, that could not be judged. In the JSON
/// output it is an entry with `"verdict": "error"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unjudged {
    /// The input's name.
    pub source: String,
    /// The 1-based line, when the error names one (a JSON-lines document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Always `error`.
    pub verdict: ErrorVerdict,
    /// Why it could not be judged.
    pub error: String,
}

/// The verdict of an entry that could not be judged: `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorVerdict {
    /// The input, or a document in it, could not be read or judged.
    Error,
}

impl Entry {
    /// The entry of one item `Verifier::verify_path`
    /// returned for `input`.
    pub fn new(input: impl Into<String>, judged: Result<Report, Error>) -> Self {
        let input = input.into();
        let outcome = judged.map_err(|e| Unjudged {
            source: input.clone(),
            line: e.line(),
            verdict: ErrorVerdict::Error,
            error: e.to_string(),
        });
        Self {
            input,
            outcome,
            subjects: Vec::new(),
            input_digest: None,
        }
    }

    /// This entry with the subjects its document's statement names.
    #[must_use]
    pub fn with_subjects(mut self, subjects: Vec<Subject>) -> Self {
        self.subjects = subjects;
        self
    }

    /// This entry with the digest of its input's bytes (`sha256:HEX`).
    #[must_use]
    pub fn with_input_digest(mut self, digest: String) -> Self {
        self.input_digest = Some(digest);
        self
    }

    /// The document's name (`FILE`, or `FILE#POINTER` for one of several).
    pub fn source(&self) -> &str {
        match &self.outcome {
            Ok(report) => &report.source,
            Err(unjudged) => &unjudged.source,
        }
    }

    /// The document's 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        match &self.outcome {
            Ok(report) => report.line,
            Err(unjudged) => unjudged.line,
        }
    }

    /// The report, when the document was judged (or skipped: see
    /// [`Self::judged`]).
    pub fn report(&self) -> Option<&Report> {
        self.outcome.as_ref().ok()
    }

    /// The report of a document that was judged: not one skipped for its
    /// predicate type, nor one that could not be read.
    pub fn judged(&self) -> Option<&Report> {
        self.report().filter(|r| r.skipped.is_none())
    }

    /// Whether the document was skipped for its predicate type.
    pub fn is_skipped(&self) -> bool {
        self.report().is_some_and(|r| r.skipped.is_some())
    }

    /// The part of [`Self::source`] after the input's name: the document's
    /// place (`#/items/3`), or empty.
    pub fn part(&self) -> &str {
        self.source()
            .strip_prefix(self.input.as_str())
            .unwrap_or_default()
    }

    /// The verdict: a report's, or `None` for an entry that could not be judged.
    pub fn verdict(&self) -> Option<Status> {
        self.report().map(|r| r.verdict)
    }
}

/// The input's path for people and CI annotations: relative to `base`
/// (the working directory) when the input lies under it, else as given;
/// standard input is `stdin`.
pub fn input_path(input: &str, base: Option<&Path>) -> String {
    if input == "-" {
        return "stdin".to_owned();
    }
    let path = Path::new(input);
    let relative = base
        .filter(|_| path.is_absolute())
        .and_then(|base| path.strip_prefix(base).ok())
        .and_then(Path::to_str)
        .unwrap_or(input);
    relative.strip_prefix("./").unwrap_or(relative).to_owned()
}

/// The input's name as a URI reference for SARIF: [`input_path`], with the
/// characters URIs reserve percent-encoded (`/` kept), and an absolute path
/// as a `file://` URI.
pub fn input_uri(input: &str, base: Option<&Path>) -> String {
    let relative = input_path(input, base);
    let mut out = String::with_capacity(relative.len());
    if Path::new(&relative).is_absolute() {
        out.push_str("file://");
    }
    for b in relative.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_uris_are_relative_to_the_working_directory_and_encoded() {
        let base = Path::new("/work/repo");
        let rows = [
            ("att.json", "att.json"),
            ("./att.json", "att.json"),
            ("/work/repo/out/att.json", "out/att.json"),
            ("/elsewhere/att.json", "file:///elsewhere/att.json"),
            ("a b#c.json", "a%20b%23c.json"),
            ("-", "stdin"),
        ];
        for (input, want) in rows {
            assert_eq!(input_uri(input, Some(base)), want, "{input}");
        }
    }
}
