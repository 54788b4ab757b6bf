//! Errors: provcheck could not do its job (unreadable or invalid input).
//!
//! Errors are not findings. A finding (an unpinned step, a digest mismatch) is
//! data in the Evidence; an error means there is no
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
        if key.contains(['~', '/']) {
            for c in key.chars() {
                match c {
                    '~' => out.push_str("~0"),
                    '/' => out.push_str("~1"),
                    c => out.push(c),
                }
            }
        } else {
            out.push_str(key);
        }
        Self(out)
    }

    /// This pointer extended by an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(index);
        let mut out = String::with_capacity(self.0.len() + 1 + digits.len());
        out.push_str(&self.0);
        out.push('/');
        out.push_str(digits);
        Self(out)
    }

    /// This pointer followed by `tail` (a pointer relative to the value this
    /// one designates).
    #[must_use]
    pub fn join(&self, tail: &JsonPointer) -> Self {
        Self(format!("{}{}", self.0, tail.0))
    }

    /// A pointer from its RFC 6901 text, as another parser reported it
    /// (`""` or text starting with `/`; anything else is taken as one key).
    pub fn from_rfc6901(text: &str) -> Self {
        if text.is_empty() || text.starts_with('/') {
            Self(text.to_owned())
        } else {
            Self::root().key(text)
        }
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the whole-document pointer.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The pointer of the value a `serde_path_to_error` error names.
    pub(crate) fn from_serde_path(path: &serde_path_to_error::Path) -> Self {
        path.iter().fold(Self::root(), |p, segment| match segment {
            serde_path_to_error::Segment::Seq { index } => p.index(*index),
            serde_path_to_error::Segment::Map { key } => p.key(key),
            serde_path_to_error::Segment::Enum { variant } => p.key(variant),
            serde_path_to_error::Segment::Unknown => p,
        })
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a problem is: a file, a JSON pointer inside it and, when the parser
/// knows it, a line and column.
///
/// A DSSE envelope carries its statement base64-encoded: a problem inside
/// the decoded statement has `within` set to the pointer of the encoded
/// payload in the file (`/dsseEnvelope/payload`), and `pointer` is then
/// relative to the decoded JSON (`/predicate/materials/0`). In a JSON-lines
/// file, `line_col` holds the document's line (column 1 when the position
/// inside that line is not known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user gave it (a path, `-` for standard input).
    pub file: String,
    /// The JSON pointer of the offending value; the root when unknown.
    pub pointer: JsonPointer,
    /// 1-based line and column, when the text position is known.
    pub line_col: Option<(usize, usize)>,
    /// The pointer of the base64 payload `pointer` is inside of, once decoded.
    pub within: Option<Box<JsonPointer>>,
}

impl Location {
    /// A location at `pointer` in `file`, without a text position.
    pub fn new(file: impl Into<String>, pointer: JsonPointer) -> Self {
        Self {
            file: file.into(),
            pointer,
            line_col: None,
            within: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(within) = &self.within {
            write!(f, ": in the payload decoded from {within}")?;
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
    /// A list of documents (a Kubernetes `List`, an npm attestations
    /// document) that holds none.
    #[error("{at}: {what} holds no document: nothing to judge")]
    NoDocuments {
        /// Where the list is.
        at: Location,
        /// What kind of list.
        what: &'static str,
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
    /// A document carries the members of two kinds (a Kubernetes `List`
    /// that is also a DSSE envelope, an envelope that is also a statement):
    /// one reader could take one, another the other.
    #[error("{at}: ambiguous document: {what}; expected one kind of document")]
    Ambiguous {
        /// Where.
        at: Location,
        /// What it is read as, and what else it claims to be.
        what: String,
    },
    /// A document does not match the JSON Schema of its layer.
    #[error("{at}: not a valid {layer}: {message}")]
    Schema {
        /// Where (the pointer of the offending value).
        at: Location,
        /// The layer whose schema was violated (`DSSE envelope`, `SLSA provenance v1` …).
        layer: &'static str,
        /// What the schema expected.
        message: String,
    },
    /// A Sigstore bundle's `mediaType` names no bundle version provcheck reads.
    #[error(
        "{at}: unknown Sigstore bundle media type {found:?} (expected \
         application/vnd.dev.sigstore.bundle+json;version=0.1, 0.2 or 0.3, \
         or application/vnd.dev.sigstore.bundle.v0.3+json)"
    )]
    UnknownBundleVersion {
        /// Where (`/mediaType`).
        at: Location,
        /// The media type as written.
        found: String,
    },
    /// A Sigstore bundle holds neither a DSSE envelope nor a message signature.
    #[error("{at}: Sigstore bundle has no content: expected a dsseEnvelope or a messageSignature")]
    BundleWithoutContent {
        /// Where (the bundle).
        at: Location,
    },
    /// A DSSE envelope's `payloadType` is not one provcheck reads.
    #[error(
        "{at}: unsupported DSSE payloadType {found:?} (expected \"application/vnd.in-toto+json\")"
    )]
    UnknownPayloadType {
        /// Where (`…/payloadType`).
        at: Location,
        /// The payload type as written.
        found: String,
    },
    /// A base64 field does not decode.
    #[error("{at}: invalid base64: {message} (expected standard or URL-safe base64)")]
    Base64 {
        /// Where (`…/payload`).
        at: Location,
        /// What the decoder found.
        message: String,
    },
    /// An in-toto statement's `_type` is not a statement version provcheck reads.
    #[error(
        "{at}: unknown in-toto statement type {found:?} (expected \
         https://in-toto.io/Statement/v0.1 or https://in-toto.io/Statement/v1)"
    )]
    UnknownStatementType {
        /// Where (`/_type`).
        at: Location,
        /// The type as written.
        found: String,
    },
    /// An in-toto statement names no subject: it attests to nothing.
    #[error("{at}: statement has no subject (expected at least one {{name, digest}})")]
    NoSubject {
        /// Where (the statement, or its empty `subject`).
        at: Location,
    },
    /// An `--index` file is not an OCI image index or a Docker manifest list.
    #[error(
        "{at}: not an image index: {message} (expected the raw JSON of an OCI image index or \
         a Docker manifest list, as `crane manifest` or `skopeo inspect --raw` prints it)"
    )]
    NotAnIndex {
        /// Where (the offending member).
        at: Location,
        /// What was expected and what was found.
        message: String,
    },
    /// More items than the configured limit (JSON lines, subjects, signatures).
    #[error("{at}: more than {limit} {what}: refusing the rest")]
    TooMany {
        /// Where.
        at: Location,
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

/// The `at` of every [`IngestError`] variant that names a place.
macro_rules! ingest_location {
    ($e:expr) => {
        match $e {
            IngestError::Json { at, .. }
            | IngestError::Yaml { at, .. }
            | IngestError::DuplicateKey { at, .. }
            | IngestError::Unrecognized { at, .. }
            | IngestError::Ambiguous { at, .. }
            | IngestError::Schema { at, .. }
            | IngestError::UnknownBundleVersion { at, .. }
            | IngestError::BundleWithoutContent { at }
            | IngestError::UnknownPayloadType { at, .. }
            | IngestError::Base64 { at, .. }
            | IngestError::UnknownStatementType { at, .. }
            | IngestError::NoSubject { at }
            | IngestError::NotAnIndex { at, .. }
            | IngestError::TooMany { at, .. }
            | IngestError::NoDocuments { at, .. } => Some(at),
            IngestError::Read { .. }
            | IngestError::TooLarge { .. }
            | IngestError::Empty { .. }
            | IngestError::NotText { .. } => None,
        }
    };
}

impl IngestError {
    /// The location this error names, when it names one inside a document.
    pub fn location(&self) -> Option<&Location> {
        ingest_location!(self)
    }

    /// As [`Self::location`], to be filled in.
    pub(crate) fn location_mut(&mut self) -> Option<&mut Location> {
        ingest_location!(self)
    }
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
    /// A document holds more steps than the limit allows.
    #[error("{file}: more than {limit} steps and sidecars in one document (the step limit; raise it with --max-steps)")]
    TooManySteps {
        /// The input's name.
        file: String,
        /// The limit.
        limit: usize,
    },
    /// A signed document whose payload could not be read
    /// (`ingest::Document::unread`): the ingest stage's message.
    #[error("{0}")]
    Unread(String),
    /// A document given to take declared images from (`--with`) is not a Tekton run.
    #[error(
        "{file}: expected a Tekton TaskRun or PipelineRun to take declared images from, found: {found}"
    )]
    NotARun {
        /// The input's name.
        file: String,
        /// What the document is.
        found: &'static str,
    },
}

/// Trust material that cannot be used: provcheck cannot do its job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// A key file cannot be read.
    #[error("{file}: cannot read key: {cause}")]
    KeyRead {
        /// The key file.
        file: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// A key file is not a supported PEM public key.
    #[error("{file}: not a usable public key: {reason} (expected a PEM SubjectPublicKeyInfo: ECDSA P-256/P-384, Ed25519 or RSA)")]
    Key {
        /// The key file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// More keys are required than were given.
    #[error("--key-threshold {threshold} cannot be met: {keys} distinct key(s) given")]
    Threshold {
        /// The threshold.
        threshold: usize,
        /// Distinct keys given.
        keys: usize,
    },
    /// The trusted root cannot be read or is invalid.
    #[error("{file}: not a usable Sigstore trusted root: {reason}")]
    TrustedRoot {
        /// The `trusted_root.json` file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A signer option's value has the wrong form (`--owner`, `--repo`,
    /// `--signer-repo`, `--signer-workflow`).
    #[error("{flag} {value:?}: {reason}")]
    Flag {
        /// The option.
        flag: &'static str,
        /// The value given.
        value: String,
        /// The form expected.
        reason: &'static str,
    },
    /// A regular expression option does not compile.
    #[error("{flag} {pattern:?}: {reason}")]
    Regexp {
        /// The option, e.g. `--certificate-identity-regexp`.
        flag: &'static str,
        /// The pattern.
        pattern: String,
        /// The compiler's message.
        reason: String,
    },
    /// `--digest` is not `ALG:HEX`.
    #[error("--digest {value:?}: {reason}")]
    Digest {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// `--artifact` cannot be read.
    #[error("{file}: cannot read artifact: {cause}")]
    Artifact {
        /// The artifact file.
        file: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// `--image` is not `REF@DIGEST`.
    #[error("--image {value:?}: {reason}")]
    Image {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

/// A policy file or flag could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The policy file could not be read or decoded.
    #[error(transparent)]
    Read(#[from] IngestError),
    /// A key or value is wrong: unknown key, wrong type, bad prefix or date.
    #[error("{at}: {message}")]
    Invalid {
        /// Where (the bad key's pointer).
        at: Location,
        /// What was expected.
        message: String,
    },
    /// A Rego policy failed at run time: a usage error, never a pass.
    #[error("Rego policy ({files}) failed: {message}")]
    Evaluation {
        /// The policy files.
        files: String,
        /// regorus's message.
        message: String,
    },
}

impl PolicyError {
    /// A key or value of `name` at `pointer` is wrong: `message` says what
    /// was expected.
    pub fn invalid(name: &str, pointer: JsonPointer, message: String) -> Self {
        Self::Invalid {
            at: Location::new(name, pointer),
            message,
        }
    }
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
    Policy(#[from] PolicyError),
    /// Trust material (a key, a trusted root, an expected subject) is unusable.
    #[error(transparent)]
    Trust(#[from] TrustError),
}

impl Error {
    /// The 1-based line of the input the error is about, when it is known
    /// (a JSON-lines or YAML-stream document, or a syntax error's line).
    pub fn line(&self) -> Option<usize> {
        let at = match self {
            Self::Ingest(e) | Self::Policy(PolicyError::Read(e)) => e.location(),
            Self::Normalize(NormalizeError::Shape { at, .. })
            | Self::Policy(PolicyError::Invalid { at, .. }) => Some(at),
            _ => None,
        };
        at.and_then(|at| at.line_col).map(|(line, _)| line)
    }
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

    #[test]
    fn location_display_names_the_decoded_payload() {
        let mut at = Location::new("a.json", JsonPointer::root().key("predicate"));
        at.within = Some(Box::new(
            JsonPointer::root().key("dsseEnvelope").key("payload"),
        ));
        assert_eq!(
            at.to_string(),
            "a.json: in the payload decoded from /dsseEnvelope/payload: at /predicate"
        );
    }

    #[test]
    fn pointers_join_and_parse() {
        let a = JsonPointer::root().key("a");
        let b = JsonPointer::from_rfc6901("/b/0");
        assert_eq!(a.join(&b).as_str(), "/a/b/0");
        assert_eq!(JsonPointer::from_rfc6901("").as_str(), "");
        assert_eq!(JsonPointer::from_rfc6901("x/y").as_str(), "/x~1y");
    }
}
