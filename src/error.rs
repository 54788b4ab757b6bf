//! Errors: provcheck could not do its job (unreadable or invalid input).
//!
//! Errors are not findings. A finding (an unpinned step, a digest mismatch) is
//! data in the [`Evidence`](crate::Evidence); an error means there is no
//! Evidence to speak of. Every error names the file, the JSON pointer
//! (RFC 6901) of the offending value and what was expected.

use std::fmt;

use serde::Serialize;

/// An RFC 6901 JSON pointer such as `/status/steps/2/imageID`.
///
/// The empty pointer designates the whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The pointer to the whole document (`""`).
    pub fn root() -> Self {
        Self(String::new())
    }

    /// This pointer extended by an object member name (escaped per RFC 6901).
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + key.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for c in key.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
        Self(out)
    }

    /// This pointer extended by an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the whole-document pointer.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a problem is: a file, a JSON pointer inside it and, when the parser
/// knows it, a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user gave it (a path, `-` for standard input).
    pub file: String,
    /// The JSON pointer of the offending value; the root when unknown.
    pub pointer: JsonPointer,
    /// 1-based line and column, when the text position is known.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    /// A location at `pointer` in `file`, without a text position.
    pub fn new(file: impl Into<String>, pointer: JsonPointer) -> Self {
        Self {
            file: file.into(),
            pointer,
            line_col: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_root() {
            write!(f, ": at {}", self.pointer)?;
        }
        Ok(())
    }
}

/// The input could not be read or decoded into a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The file could not be read.
    #[error("{file}: cannot read: {cause}")]
    Read {
        /// The input's name.
        file: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// The input is larger than the configured limit.
    #[error("{file}: input is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The input's name.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The input holds nothing but white space.
    #[error("{file}: empty input: expected a JSON or YAML document")]
    Empty {
        /// The input's name.
        file: String,
    },
    /// The input is not UTF-8 text (a binary file, most likely).
    #[error(
        "{file}: not a text document: byte {offset} is not valid UTF-8 (expected JSON or YAML)"
    )]
    NotText {
        /// The input's name.
        file: String,
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The JSON text is malformed or exceeds the nesting limit.
    #[error("{at}: invalid JSON: {message}")]
    Json {
        /// Where.
        at: Location,
        /// What the parser expected.
        message: String,
    },
    /// The YAML text is malformed, exceeds a limit, or repeats a key.
    #[error("{at}: invalid YAML: {message}")]
    Yaml {
        /// Where.
        at: Location,
        /// What the parser expected.
        message: String,
    },
    /// An object repeats a member name: two parsers could read it differently.
    #[error("{at}: duplicate key {key:?} (expected each key once)")]
    DuplicateKey {
        /// Where (the pointer of the object holding the key).
        at: Location,
        /// The repeated key.
        key: String,
    },
    /// The document is well-formed but not of a kind provcheck reads.
    #[error("{at}: unrecognized document: expected {expected}")]
    Unrecognized {
        /// Where.
        at: Location,
        /// The kinds of document provcheck would have accepted.
        expected: &'static str,
    },
}

/// The document was decoded but does not have the shape its kind requires.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormalizeError {
    /// A value has the wrong type or a required member is missing.
    #[error("{at}: {message}")]
    Shape {
        /// Where.
        at: Location,
        /// What was expected and what was found.
        message: String,
    },
}

/// Any error provcheck's library returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or decoding the input failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The input has the wrong shape for its kind.
    #[error(transparent)]
    Normalize(#[from] NormalizeError),
    /// A policy file or flag is invalid.
    #[error(transparent)]
    Policy(#[from] crate::evaluate::PolicyError),
    /// Trust material (a key, a trusted root, an expected subject) is unusable.
    #[error(transparent)]
    Trust(#[from] crate::verify::TrustError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        let p = JsonPointer::root().key("a/b").key("m~n").index(3);
        assert_eq!(p.as_str(), "/a~1b/m~0n/3");
    }

    #[test]
    fn location_display_names_file_position_and_pointer() {
        let mut at = Location::new("x.json", JsonPointer::root().key("status"));
        assert_eq!(at.to_string(), "x.json: at /status");
        at.line_col = Some((3, 7));
        assert_eq!(at.to_string(), "x.json:3:7: at /status");
        at.pointer = JsonPointer::root();
        assert_eq!(at.to_string(), "x.json:3:7");
    }
}
