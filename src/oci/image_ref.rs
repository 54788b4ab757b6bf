//! OCI image references (`[domain/]path[:tag][@digest]`), parsed and
//! normalized exactly as `github.com/distribution/reference`'s
//! `ParseNormalizedNamed` does.
//!
//! Why not `oci_spec::distribution::Reference`: measured against 49
//! distribution/reference vectors it diverges on 8 (`docs/dependencies.md`):
//! it rejects bracketed IPv6 hosts, takes an upper-case first component as a
//! path instead of a domain, accepts non-ASCII tags, upper-case digest hex
//! and bare 64-hex names, and inserts an implicit `:latest` so a tag-less
//! reference cannot be told from `:latest`. A trust decision turns on each of
//! those, so the grammar lives here; digests still parse through oci-spec
//! (see [`Digest`]).
//!
//! The grammar (distribution/reference `reference.go`):
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain '/'] remote-name
//! domain           := host [':' port-number]
//! host             := domain-name | '[' IPv6address ']'
//! domain-name      := domain-component ['.' domain-component]*
//! domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! port-number      := /[0-9]+/
//! remote-name      := path-component ['/' path-component]*
//! path-component   := alpha-numeric [separator alpha-numeric]*
//! alpha-numeric    := /[a-z0-9]+/
//! separator        := /[_.]|__|[-]+/
//! tag              := /[\w][\w.-]{0,127}/          (ASCII \w)
//! digest           := algorithm ":" hex            (hex: 32 or more)
//! ```
//!
//! One deliberate difference: upstream's regular expression lets a first
//! component that looks like a host but is not a valid one (`a.b_c-d/e`) fall
//! back to a domain-less path. Such a reference names no registry, so no
//! allow-list could judge it; provcheck rejects it and says why.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::digest::Digest;

/// The registry Docker Hub's familiar names resolve to.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The legacy Docker Hub host, canonicalized to [`DEFAULT_DOMAIN`].
pub const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Every host that names Docker Hub: its familiar domain, the legacy index
/// host, the registry API host and the old hub host. Each, in any letter
/// case, is canonicalized to [`DEFAULT_DOMAIN`], so that an allow or deny
/// list written for `docker.io` covers them all.
pub const DOCKER_HUB_HOSTS: [&str; 4] = [
    DEFAULT_DOMAIN,
    LEGACY_DEFAULT_DOMAIN,
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

/// `domain` with Docker Hub's hosts (in any letter case) canonicalized to
/// [`DEFAULT_DOMAIN`]; any other host as written.
pub fn canonical_domain(domain: &str) -> &str {
    if DOCKER_HUB_HOSTS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(domain))
    {
        DEFAULT_DOMAIN
    } else {
        domain
    }
}
/// The namespace of Docker Hub's official images (`ubuntu` → `library/ubuntu`).
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// Longest path (remote name, without the domain) distribution accepts.
pub const NAME_MAX_LEN: usize = 255;
/// Longest tag distribution accepts.
pub const TAG_MAX_LEN: usize = 128;

/// A parsed, normalized image reference.
///
/// The domain is always explicit (`ubuntu` becomes `docker.io/library/ubuntu`)
/// and the tag is absent unless one was written: no implicit `latest`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The normalized form, `domain/path[:tag][@digest]`: the parts are
    /// slices of it, so a reference is one allocation (and the digest's).
    text: String,
    /// Where the domain ends (the `/` after it).
    domain_end: usize,
    /// Where the path ends.
    path_end: usize,
    /// Where the tag ends (`path_end` when there is none).
    tag_end: usize,
    digest: Option<Digest>,
}

/// The part of a reference that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefPart {
    /// The reference as a whole (empty, a bare image ID, …).
    Whole,
    /// The registry host and port.
    Domain,
    /// The repository path.
    Path,
    /// The tag.
    Tag,
    /// The digest.
    Digest,
}

impl fmt::Display for RefPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Whole => "reference",
            Self::Domain => "registry host",
            Self::Path => "repository path",
            Self::Tag => "tag",
            Self::Digest => "digest",
        })
    }
}

/// Why a string is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid image reference {input:?}: {part}: {reason}")]
pub struct RefError {
    /// The rejected text.
    pub input: String,
    /// Which part is wrong.
    pub part: RefPart,
    /// Why.
    pub reason: String,
}

impl ImageRef {
    /// The registry: host (bracketed when IPv6) and optional port, as written
    /// (except Docker Hub's hosts in any letter case, [`DOCKER_HUB_HOSTS`],
    /// which become `docker.io`).
    pub fn domain(&self) -> &str {
        self.text.get(..self.domain_end).unwrap_or_default()
    }

    /// The repository path without the domain, e.g. `library/ubuntu`.
    pub fn path(&self) -> &str {
        self.text
            .get(self.domain_end + 1..self.path_end)
            .unwrap_or_default()
    }

    /// The repository name with its domain, e.g. `docker.io/library/ubuntu`.
    pub fn repository(&self) -> String {
        self.repository_str().to_owned()
    }

    /// `domain/path`, borrowed.
    pub fn repository_str(&self) -> &str {
        self.text.get(..self.path_end).unwrap_or_default()
    }

    /// The tag, if one was written.
    pub fn tag(&self) -> Option<&str> {
        (self.tag_end > self.path_end)
            .then(|| self.text.get(self.path_end + 1..self.tag_end))
            .flatten()
    }

    /// The digest, if one was written.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// `domain/path@digest` with the tag dropped, when a digest of a
    /// registered algorithm was given: the content this reference pins. The
    /// tag is unverifiable metadata; a digest of an algorithm the OCI image
    /// spec does not register (`md5:…`) pins nothing a registry verifies.
    pub fn pinned(&self) -> Option<String> {
        self.digest
            .as_ref()
            .filter(|d| d.is_registered())
            .map(|d| [self.repository_str(), "@", d.as_str()].concat())
    }

    /// The full normalized form, as [`Display`](fmt::Display) writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ImageRef {
    /// The full normalized form: `domain/path[:tag][@digest]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for ImageRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl FromStr for ImageRef {
    type Err = RefError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        parse_normalized(input)
    }
}

fn parse_normalized(input: &str) -> Result<ImageRef, RefError> {
    let fail = |part: RefPart, reason: String| RefError {
        input: input.to_owned(),
        part,
        reason,
    };
    if input.is_empty() {
        return Err(fail(RefPart::Whole, "empty".into()));
    }
    if is_hex64(input) {
        return Err(fail(
            RefPart::Whole,
            "a bare 64-character hex string is an image ID, not a repository name".into(),
        ));
    }

    let (name_and_tag, digest) = match input.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (input, None),
    };
    // A tag is introduced by the last ':' after the last '/' (a ':' before it
    // belongs to a port).
    let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag
        .get(last_slash..)
        .and_then(|tail| tail.rfind(':'))
    {
        Some(i) => {
            let colon = last_slash + i;
            (
                name_and_tag.get(..colon).unwrap_or_default(),
                name_and_tag.get(colon + 1..),
            )
        }
        None => (name_and_tag, None),
    };

    let (domain, official, remote) = split_docker_domain(name);
    validate_domain(domain).map_err(|reason| fail(RefPart::Domain, reason))?;
    // The normalized text is built as it is checked: the path is checked
    // where it lies in it.
    let mut text = String::with_capacity(input.len() + official.len() + DEFAULT_DOMAIN.len() + 1);
    text.push_str(domain);
    let domain_end = text.len();
    text.push('/');
    text.push_str(official);
    text.push_str(remote);
    let path_end = text.len();
    validate_path(text.get(domain_end + 1..).unwrap_or_default())
        .map_err(|reason| fail(RefPart::Path, reason))?;
    if let Some(tag) = tag {
        validate_tag(tag).map_err(|reason| fail(RefPart::Tag, reason))?;
        text.push(':');
        text.push_str(tag);
    }
    let tag_end = text.len();
    let digest = digest
        .map(parse_reference_digest)
        .transpose()
        .map_err(|reason| fail(RefPart::Digest, reason))?;
    if let Some(digest) = &digest {
        text.push('@');
        text.push_str(digest.as_str());
    }
    Ok(ImageRef {
        text,
        domain_end,
        path_end,
        tag_end,
        digest,
    })
}

/// distribution/reference `splitDockerDomain`: decide whether the first
/// component is a registry, and apply Docker Hub's familiar-name rules.
/// The path is `official` (`library/` for an official image, else empty)
/// followed by `remote`.
fn split_docker_domain(name: &str) -> (&str, &'static str, &str) {
    let (domain, remote) = match name.split_once('/') {
        Some((first, rest)) if is_domain_like(first) => (canonical_domain(first), rest),
        // No '/', or a Docker Hub namespace.
        _ => (DEFAULT_DOMAIN, name),
    };
    let official = if domain == DEFAULT_DOMAIN && !remote.contains('/') {
        OFFICIAL_REPO_PREFIX
    } else {
        ""
    };
    (domain, official, remote)
}

/// Whether a first component names a registry rather than a Docker Hub
/// namespace: `localhost`, or it holds `.` or `:`, or upper case.
pub(crate) fn is_domain_like(first: &str) -> bool {
    first == "localhost" || first.bytes().any(|b| b == b'.' || b == b':') || has_uppercase(first)
}

/// `s.to_lowercase() != s`, without the copy when `s` is ASCII.
fn has_uppercase(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.to_lowercase() != s
    }
}

/// Check a registry host\[:port\] against the grammar.
pub(crate) fn validate_domain(domain: &str) -> Result<(), String> {
    if is_plain_domain(domain) {
        Ok(())
    } else {
        explain_domain(domain)
    }
}

/// The full domain check, which says what is wrong.
fn explain_domain(domain: &str) -> Result<(), String> {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(format!(
                "{domain:?}: IPv6 address is missing its closing ']'"
            ));
        };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(format!(
                "{domain:?}: a bracketed IPv6 address may hold only hex digits and ':'"
            ));
        }
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(format!("{domain:?}: unexpected text after ']'")),
            },
        };
        (None, port)
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), None),
        }
    };
    if let Some(host) = host {
        if host.is_empty() {
            return Err(format!("{domain:?}: empty host"));
        }
        for component in host.split('.') {
            let bytes = component.as_bytes();
            let edges_ok = matches!(
                (bytes.first(), bytes.last()),
                (Some(a), Some(z)) if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric()
            );
            if !edges_ok
                || !bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            {
                return Err(format!(
                    "{domain:?}: host component {component:?} must be letters, digits and inner '-' \
                     (a first component with '.' or ':' is taken as a registry host)"
                ));
            }
        }
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{domain:?}: port {port:?} must be digits"));
        }
    }
    Ok(())
}

/// Whether `domain` is a valid `domain-name[:port-number]` (not bracketed
/// IPv6), in one pass over its bytes: the common case, checked without the
/// splitting [`validate_domain`] does to say what is wrong.
fn is_plain_domain(domain: &str) -> bool {
    let (host, port) = match domain.as_bytes().iter().position(|&b| b == b':') {
        Some(i) => (
            domain.as_bytes().get(..i).unwrap_or_default(),
            domain.as_bytes().get(i + 1..),
        ),
        None => (domain.as_bytes(), None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    // Each component: alphanumerics with inner '-'.
    let mut prev = b'.';
    for &b in host {
        let ok = match b {
            b'.' => prev.is_ascii_alphanumeric(),
            b'-' => prev != b'.',
            _ => b.is_ascii_alphanumeric(),
        };
        if !ok {
            return false;
        }
        prev = b;
    }
    port_ok && prev.is_ascii_alphanumeric()
}

/// Whether `path` is a valid remote name, in one pass over its bytes: the
/// common case, checked without the splitting [`validate_path`] does to say
/// what is wrong.
fn is_plain_path(path: &str) -> bool {
    if path.len() > NAME_MAX_LEN {
        return false;
    }
    // `prev` and `prev2` are the two bytes before; '/' stands for "a
    // component starts here".
    let (mut prev, mut prev2) = (b'/', b'/');
    for &b in path.as_bytes() {
        let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        let ok = match b {
            b'/' | b'.' => alnum(prev),
            // '-' runs; '_' alone or doubled.
            b'-' => alnum(prev) || prev == b'-',
            b'_' => alnum(prev) || (prev == b'_' && alnum(prev2)),
            _ => alnum(b),
        };
        if !ok {
            return false;
        }
        (prev2, prev) = (prev, b);
    }
    prev.is_ascii_lowercase() || prev.is_ascii_digit()
}

/// Check a repository path against the grammar.
pub(crate) fn validate_path(path: &str) -> Result<(), String> {
    if is_plain_path(path) {
        Ok(())
    } else {
        explain_path(path)
    }
}

/// The full path check, which says what is wrong.
fn explain_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty".into());
    }
    // `path.to_lowercase() != path`, without the copy for ASCII paths.
    let uppercase = if path.is_ascii() {
        path.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        path.to_lowercase() != path
    };
    if uppercase {
        return Err(format!("{path:?} must be lowercase"));
    }
    if path.len() > NAME_MAX_LEN {
        return Err(format!(
            "{} characters, more than the limit of {NAME_MAX_LEN}",
            path.len()
        ));
    }
    for component in path.split('/') {
        validate_path_component(component)
            .map_err(|why| format!("component {component:?} {why}"))?;
    }
    Ok(())
}

/// `alpha-numeric [separator alpha-numeric]*` with `separator := [_.]|__|[-]+`.
fn validate_path_component(component: &str) -> Result<(), &'static str> {
    let bytes = component.as_bytes();
    if bytes.is_empty() {
        return Err("is empty (a leading, trailing or doubled '/')");
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    let mut expect_alnum = true;
    while let Some(&b) = bytes.get(i) {
        if alnum(b) {
            i += 1;
            expect_alnum = false;
            continue;
        }
        if expect_alnum {
            return Err("must start with, and separators must be followed by, [a-z0-9]");
        }
        let run = bytes.get(i..).unwrap_or_default();
        let sep_len = match b {
            b'_' if run.get(1) == Some(&b'_') => 2,
            b'.' | b'_' => 1,
            b'-' => run.iter().take_while(|&&c| c == b'-').count(),
            _ => return Err("may hold only [a-z0-9] and the separators '.', '_', '__', '-'"),
        };
        i += sep_len;
        expect_alnum = true;
    }
    if expect_alnum {
        return Err("must end with [a-z0-9]");
    }
    Ok(())
}

fn validate_tag(tag: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    match bytes.first() {
        None => return Err("empty".into()),
        Some(&b) if !word(b) => {
            return Err(format!("{tag:?} must start with [A-Za-z0-9_]"));
        }
        Some(_) => {}
    }
    if !bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-') {
        return Err(format!("{tag:?} may hold only ASCII [A-Za-z0-9_.-]"));
    }
    if bytes.len() > TAG_MAX_LEN {
        return Err(format!(
            "{} characters, more than the limit of {TAG_MAX_LEN}",
            bytes.len()
        ));
    }
    Ok(())
}

/// A digest inside a reference must satisfy both the OCI digest grammar
/// (checked by [`Digest`]) and the reference grammar's
/// `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`.
fn parse_reference_digest(text: &str) -> Result<Digest, String> {
    let digest: Digest = text
        .parse()
        .map_err(|e: super::digest::DigestError| e.reason)?;
    let algorithm_ok = digest
        .algorithm()
        .split(['+', '.', '_', '-'])
        .all(|c| c.as_bytes().first().is_some_and(u8::is_ascii_alphabetic));
    if !algorithm_ok {
        return Err(format!(
            "algorithm {:?}: each component must start with a letter",
            digest.algorithm()
        ));
    }
    let encoded = digest.encoded();
    if encoded.len() < 32 || !encoded.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "{text:?}: a reference digest needs at least 32 hex characters"
        ));
    }
    Ok(digest)
}

/// Whether two normalized repositories (`domain/path`, as
/// [`ImageRef::repository`] gives) are the same: hosts compare without case,
/// paths exactly.
pub fn same_repository(a: &str, b: &str) -> bool {
    match (a.split_once('/'), b.split_once('/')) {
        (Some((host_a, path_a)), Some((host_b, path_b))) => {
            host_a.eq_ignore_ascii_case(host_b) && path_a == path_b
        }
        _ => a == b,
    }
}

pub(crate) fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    /// `(input, Ok(full normalized form) | Err(part))`. The valid and invalid
    /// cases published with distribution/reference (`reference_test.go`,
    /// `normalize_test.go`), restated as facts; expected outputs follow
    /// `ParseNormalizedNamed` and are checked here row by row.
    fn cases() -> Vec<(String, Result<String, RefPart>)> {
        let ok = |s: &str| Ok::<String, RefPart>(s.to_owned());
        let d = format!("sha256:{H}");
        vec![
            // Familiar names and Docker Hub normalization.
            ("ubuntu".into(), ok("docker.io/library/ubuntu")),
            ("library/ubuntu".into(), ok("docker.io/library/ubuntu")),
            ("docker.io/ubuntu".into(), ok("docker.io/library/ubuntu")),
            (
                "index.docker.io/ubuntu".into(),
                ok("docker.io/library/ubuntu"),
            ),
            ("index.docker.io/foo/bar".into(), ok("docker.io/foo/bar")),
            // Every Docker Hub host, in any letter case, is Docker Hub (a
            // deny list for docker.io must cover them all).
            (
                format!("INDEX.DOCKER.IO/library/alpine@{d}"),
                ok(&format!("docker.io/library/alpine@{d}")),
            ),
            ("Docker.IO/alpine".into(), ok("docker.io/library/alpine")),
            (
                "registry-1.docker.io/library/alpine:3".into(),
                ok("docker.io/library/alpine:3"),
            ),
            (
                "REGISTRY-1.DOCKER.IO/alpine".into(),
                ok("docker.io/library/alpine"),
            ),
            (
                "registry.hub.docker.com/acme/tool".into(),
                ok("docker.io/acme/tool"),
            ),
            ("docker.io:443/alpine".into(), ok("docker.io:443/alpine")),
            ("ubuntu:22.04".into(), ok("docker.io/library/ubuntu:22.04")),
            ("foo/bar".into(), ok("docker.io/foo/bar")),
            (
                "docker.io/library/ubuntu:latest".into(),
                ok("docker.io/library/ubuntu:latest"),
            ),
            // Domains: dots, ports, localhost, IPv4, IPv6, upper case.
            ("test.com/repo:tag".into(), ok("test.com/repo:tag")),
            ("test:5000/repo".into(), ok("test:5000/repo")),
            (
                "test.com:5000/repo:tag".into(),
                ok("test.com:5000/repo:tag"),
            ),
            ("localhost/foo".into(), ok("localhost/foo")),
            (
                "localhost:5000/foo/bar:t".into(),
                ok("localhost:5000/foo/bar:t"),
            ),
            ("localhost".into(), ok("docker.io/library/localhost")),
            (
                "localhost:5000".into(),
                ok("docker.io/library/localhost:5000"),
            ),
            ("127.0.0.1:5000/foo".into(), ok("127.0.0.1:5000/foo")),
            ("[::1]:5000/foo".into(), ok("[::1]:5000/foo")),
            ("[2001:db8::1]/foo".into(), ok("[2001:db8::1]/foo")),
            (
                "[2001:db8::1]:5000/foo:t".into(),
                ok("[2001:db8::1]:5000/foo:t"),
            ),
            ("Uppercase/repo".into(), ok("Uppercase/repo")),
            ("GCR.IO/proj/img".into(), ok("GCR.IO/proj/img")),
            ("xn--n3h.com/myimage".into(), ok("xn--n3h.com/myimage")),
            (
                "sub-dom1.foo.com/bar/baz/quux".into(),
                ok("sub-dom1.foo.com/bar/baz/quux"),
            ),
            // Path separators.
            ("a/a__b".into(), ok("docker.io/a/a__b")),
            ("a/a---b".into(), ok("docker.io/a/a---b")),
            ("a/a.b_c-d".into(), ok("docker.io/a/a.b_c-d")),
            ("a/a___b".into(), Err(RefPart::Path)),
            ("a/a..b".into(), Err(RefPart::Path)),
            ("a/a._b".into(), Err(RefPart::Path)),
            ("foo-/bar".into(), Err(RefPart::Path)),
            ("-foo/bar".into(), Err(RefPart::Path)),
            ("foo//bar".into(), Err(RefPart::Path)),
            ("foo/".into(), Err(RefPart::Path)),
            ("Foo".into(), Err(RefPart::Path)),
            ("docker.io/Foo/bar".into(), Err(RefPart::Path)),
            ("test.com/Repo".into(), Err(RefPart::Path)),
            ("aa/asdf$$^/aa".into(), Err(RefPart::Path)),
            ("a.b_c-d/e".into(), Err(RefPart::Domain)),
            ("-host.com/foo".into(), Err(RefPart::Domain)),
            ("host-.com/foo".into(), Err(RefPart::Domain)),
            ("host.com:port/foo".into(), Err(RefPart::Domain)),
            ("host.com:/foo".into(), Err(RefPart::Domain)),
            ("[::1/foo".into(), Err(RefPart::Domain)),
            ("[zz::1]/foo".into(), Err(RefPart::Domain)),
            // Tags.
            (
                format!("foo:{}", "a".repeat(128)),
                ok(&format!("docker.io/library/foo:{}", "a".repeat(128))),
            ),
            (format!("foo:{}", "a".repeat(129)), Err(RefPart::Tag)),
            ("foo:tæg".into(), Err(RefPart::Tag)),
            ("foo:.tag".into(), Err(RefPart::Tag)),
            ("foo:-tag".into(), Err(RefPart::Tag)),
            ("foo:_tag".into(), ok("docker.io/library/foo:_tag")),
            ("foo:".into(), Err(RefPart::Tag)),
            ("foo:a:b".into(), Err(RefPart::Path)),
            // Digests.
            (
                format!("foo@{d}"),
                ok(&format!("docker.io/library/foo@{d}")),
            ),
            (
                format!("foo:tag@{d}"),
                ok(&format!("docker.io/library/foo:tag@{d}")),
            ),
            (
                format!("test:5000/repo@{d}"),
                ok(&format!("test:5000/repo@{d}")),
            ),
            (
                format!("foo@sha256:{}", H.to_uppercase()),
                Err(RefPart::Digest),
            ),
            (format!("foo@sha256:{}", &H[..63]), Err(RefPart::Digest)),
            ("foo@sha256:abc".into(), Err(RefPart::Digest)),
            (
                format!("foo@sha512:{}", "f".repeat(128)),
                ok(&format!("docker.io/library/foo@sha512:{}", "f".repeat(128))),
            ),
            (format!("foo@sha512:{H}"), Err(RefPart::Digest)),
            ("foo@".into(), Err(RefPart::Digest)),
            (format!("foo@{d}@{d}"), Err(RefPart::Digest)),
            // Whole-reference errors.
            ("".into(), Err(RefPart::Whole)),
            (H.into(), Err(RefPart::Whole)),
            (format!("{}/x", "a".repeat(256)), Err(RefPart::Path)),
            (format!("docker.io/{}", "a".repeat(248)), Err(RefPart::Path)),
            (
                format!("docker.io/{}", "a".repeat(247)),
                ok(&format!("docker.io/library/{}", "a".repeat(247))),
            ),
            (
                format!("example.com/{}", "a".repeat(255)),
                ok(&format!("example.com/{}", "a".repeat(255))),
            ),
            ("sha256:abc".into(), ok("docker.io/library/sha256:abc")),
        ]
    }

    #[test]
    fn distribution_reference_vectors() {
        for (input, expected) in cases() {
            let got = input.parse::<ImageRef>();
            match (&got, &expected) {
                (Ok(r), Ok(want)) => assert_eq!(&r.to_string(), want, "input {input:?}"),
                (Err(e), Err(part)) => assert_eq!(e.part, *part, "input {input:?}: {e}"),
                _ => panic!("input {input:?}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn repositories_compare_hosts_without_case() {
        assert!(same_repository("GCR.IO/proj/img", "gcr.io/proj/img"));
        assert!(!same_repository("gcr.io/Proj/img", "gcr.io/proj/img"));
        assert!(!same_repository("gcr.io/proj/img", "gcr.io/proj/img2"));
    }

    #[test]
    fn tag_is_never_implicit() {
        let r: ImageRef = "ubuntu".parse().unwrap();
        assert_eq!(r.tag(), None);
        let r: ImageRef = "ubuntu:latest".parse().unwrap();
        assert_eq!(r.tag(), Some("latest"));
    }

    #[test]
    fn pinned_drops_the_tag() {
        let r: ImageRef = format!("quay.io/acme/tool:v1@sha256:{H}").parse().unwrap();
        assert_eq!(r.pinned().unwrap(), format!("quay.io/acme/tool@sha256:{H}"));
        assert_eq!(r.repository(), "quay.io/acme/tool");
        let r: ImageRef = "quay.io/acme/tool:v1".parse().unwrap();
        assert_eq!(r.pinned(), None);
    }

    #[test]
    fn errors_say_which_part_and_why() {
        let e = "quay.io/Acme/tool".parse::<ImageRef>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid image reference \"quay.io/Acme/tool\": repository path: \"Acme/tool\" must be lowercase"
        );
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    fn path_component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,4}((\\.|_|__|-{1,3})[a-z0-9]{1,4}){0,2}"
    }

    fn domain() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9]{0,5}(\\.[a-z0-9]{1,5}){1,2}",
            "[a-z][a-z0-9-]{0,5}[a-z0-9]\\.io(:[0-9]{1,5})?",
            Just("localhost".to_owned()),
            "localhost:[0-9]{1,5}",
            "\\[[0-9a-f]{1,4}(:[0-9a-f]{0,4}){1,5}\\](:[0-9]{1,5})?",
            "[A-Z][A-Za-z0-9]{0,5}",
        ]
    }

    fn reference() -> impl Strategy<Value = String> {
        (
            proptest::option::of(domain()),
            proptest::collection::vec(path_component(), 1..4),
            proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
            proptest::option::of("[a-f0-9]{64}"),
        )
            .prop_map(|(domain, path, tag, hex)| {
                // Without a domain, a first component holding '.' would be
                // read as a registry host: keep such inputs for the domain case.
                let path = path.join("/");
                let mut s = match domain {
                    Some(d) => format!("{d}/{path}"),
                    None => match path.split_once('/') {
                        Some((first, rest)) => format!("{}/{rest}", first.replace('.', "-")),
                        None => path,
                    },
                };
                if let Some(t) = tag {
                    s.push(':');
                    s.push_str(&t);
                }
                if let Some(h) = hex {
                    s.push_str("@sha256:");
                    s.push_str(&h);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn grammar_generated_references_parse_and_round_trip(s in reference()) {
            let parsed: ImageRef = s.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let again: ImageRef = parsed.to_string().parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert_eq!(&again, &parsed);
            prop_assert_eq!(again.to_string(), parsed.to_string());
        }

        #[test]
        fn arbitrary_input_never_panics_and_valid_output_round_trips(s in "\\PC{0,80}") {
            if let Ok(parsed) = s.parse::<ImageRef>() {
                let again: ImageRef = parsed.to_string().parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
                prop_assert_eq!(again, parsed);
            }
        }

        /// The one-pass checks accept exactly what the explaining checks
        /// accept.
        #[test]
        fn fast_checks_agree_with_the_grammar(s in prop_oneof![
            "[a-zA-Z0-9._/:\\-]{0,12}",
            "[a-z0-9._/-]{0,12}",
            "[a-z0-9._/-]{0,300}",
            "[a-zA-Z0-9.-]{0,10}(:[0-9]{0,3})?",
            "\\PC{0,8}",
            proptest::collection::vec(path_component(), 1..4).prop_map(|v| v.join("/")),
            domain(),
        ]) {
            prop_assert_eq!(is_plain_path(&s), explain_path(&s).is_ok(), "path {:?}", s);
            if !s.starts_with('[') {
                prop_assert_eq!(is_plain_domain(&s), explain_domain(&s).is_ok(), "domain {:?}", s);
            }
        }

        #[test]
        fn reference_like_noise_never_panics(s in "[a-zA-Z0-9.:/@_\\-\\[\\]]{0,60}") {
            let _ = s.parse::<ImageRef>();
        }
    }
}
