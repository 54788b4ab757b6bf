//! Allowed registries: reference prefixes matched on path-component
//! boundaries after normalization, and the `registry.allowed` rule
//! (`docs/src/concepts.md`, "Allowed registries").
//!
//! | prefix entry | means |
//! |---|---|
//! | `quay.io` | every repository on quay.io (port 443 written out is another registry) |
//! | `quay.io/acme` | `quay.io/acme` and `quay.io/acme/…`, never `quay.io/acme-evil` |
//! | `alpine`, `docker.io/alpine` | `docker.io/library/alpine` (Docker Hub's familiar names) |
//! | `docker.io/library`, `acme/` , `docker.io/acme/` | a Docker Hub namespace; a trailing `/` says "namespace" |
//!
//! An entry without `/` is a registry when it holds `.` or `:` or is `localhost`
//! (so `localhost:5000` is a registry, not the image `localhost` tagged `5000`).
//! Hosts compare case-insensitively; ports count.

use std::fmt;
use std::str::FromStr;

use crate::evidence::{DeclaredImage, ImageOrigin, Material, StepEvidence};
use crate::oci::image_ref::{
    canonical_domain, is_domain_like, validate_domain, validate_path, ImageRef, DEFAULT_DOMAIN,
    OFFICIAL_REPO_PREFIX,
};
use crate::text::quoted;

use crate::results::{RuleResult, Status};

/// The rule id.
pub const RULE: &str = crate::results::RuleId::RegistryAllowed.as_str();

/// A normalized reference prefix from an allow or deny list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPrefix {
    raw: String,
    /// Lowercased host\[:port\].
    domain: String,
    /// Path prefix; empty for a whole registry.
    path: String,
}

/// Why a prefix entry is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid registry prefix {input:?}: {reason}")]
pub struct PrefixError {
    /// The entry as written.
    pub input: String,
    /// Why.
    pub reason: String,
}

impl FromStr for RegistryPrefix {
    type Err = PrefixError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| PrefixError {
            input: input.to_owned(),
            reason,
        };
        if input.contains('@') {
            return Err(fail("a prefix takes no digest".into()));
        }
        let namespace = input.ends_with('/');
        let text = input.trim_end_matches('/');
        if text.is_empty() {
            return Err(fail("empty".into()));
        }
        let (domain, path) = match text.split_once('/') {
            None if is_domain_like(text) => (text, String::new()),
            None if namespace => (DEFAULT_DOMAIN, text.to_owned()),
            None => (DEFAULT_DOMAIN, format!("{OFFICIAL_REPO_PREFIX}{text}")),
            Some((first, rest)) if is_domain_like(first) => (first, rest.to_owned()),
            Some(_) => (DEFAULT_DOMAIN, text.to_owned()),
        };
        let domain = canonical_domain(domain);
        // `docker.io/alpine` is the official image; `docker.io/library` and
        // `docker.io/acme/` are namespaces.
        let path = if domain == DEFAULT_DOMAIN
            && !path.is_empty()
            && !path.contains('/')
            && !namespace
            && path != "library"
        {
            format!("{OFFICIAL_REPO_PREFIX}{path}")
        } else {
            path
        };
        validate_domain(domain).map_err(fail)?;
        if path.contains(':') {
            return Err(fail("a prefix takes no tag".into()));
        }
        if !path.is_empty() {
            validate_path(&path).map_err(fail)?;
        }
        Ok(Self {
            raw: input.to_owned(),
            domain: domain.to_ascii_lowercase(),
            path,
        })
    }
}

impl RegistryPrefix {
    /// Whether `reference` lies under this prefix, on a path-component
    /// boundary: the host compared without case (Docker Hub's hosts are
    /// one), the port as written (an allow entry for `quay.io` does not
    /// allow `quay.io:443`).
    pub fn matches(&self, reference: &ImageRef) -> bool {
        self.covers(reference.domain(), reference.path(), Ports::Exact)
    }

    /// [`matches`](Self::matches) for a repository as the Evidence writes
    /// it (`declared.repository`: `domain/path`, the domain explicit).
    pub fn matches_repository(&self, repository: &str) -> bool {
        repository
            .split_once('/')
            .is_some_and(|(domain, path)| self.covers(domain, path, Ports::Exact))
    }

    /// Whether a deny entry covers `reference`: as [`matches`](Self::matches),
    /// except that an entry naming no port covers its host on every port
    /// (`docker.io` denies `docker.io:443/…`), and `:443`, the HTTPS port,
    /// is the host written without one. A deny list errs on the side of
    /// denying.
    pub fn denies(&self, reference: &ImageRef) -> bool {
        self.covers(reference.domain(), reference.path(), Ports::AnyUnlessNamed)
    }

    /// [`denies`](Self::denies) for a repository as the Evidence writes it.
    pub fn denies_repository(&self, repository: &str) -> bool {
        repository
            .split_once('/')
            .is_some_and(|(domain, path)| self.covers(domain, path, Ports::AnyUnlessNamed))
    }

    fn covers(&self, domain: &str, path: &str, ports: Ports) -> bool {
        let (host, port) = split_port(domain);
        let (own_host, own_port) = split_port(&self.domain);
        let host_matches = canonical_domain(host).eq_ignore_ascii_case(own_host)
            && match ports {
                Ports::Exact => port == own_port,
                Ports::AnyUnlessNamed => {
                    own_port.is_none() || own_port.unwrap_or("443") == port.unwrap_or("443")
                }
            };
        host_matches
            && (self.path.is_empty()
                || path
                    .strip_prefix(self.path.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
    }

    /// The entry as written.
    pub fn as_written(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for RegistryPrefix {
    /// The normalized form, e.g. `docker.io/library/alpine`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.domain)
        } else {
            write!(f, "{}/{}", self.domain, self.path)
        }
    }
}

/// How ports compare when a prefix is matched.
#[derive(Clone, Copy)]
enum Ports {
    /// `host:port` as written (allow entries).
    Exact,
    /// An entry without a port covers every port of its host (deny entries).
    AnyUnlessNamed,
}

/// `host[:port]` → (host, port); an IPv6 host keeps its brackets.
fn split_port(domain: &str) -> (&str, Option<&str>) {
    match domain.rsplit_once(':') {
        Some((host, port))
            if !port.contains(']') && (!host.starts_with('[') || host.ends_with(']')) =>
        {
            (host, Some(port))
        }
        _ => (domain, None),
    }
}

/// The configured allow and deny lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryRule {
    /// Allowed prefixes; when empty, everything not denied is allowed.
    pub allow: Vec<RegistryPrefix>,
    /// Denied prefixes; a deny always wins.
    pub deny: Vec<RegistryPrefix>,
    /// Whether a step declared by tag from an allowed place passes (otherwise `unknown`).
    pub accept_tags: bool,
}

/// Where a reference stands with the lists.
enum Placement<'a> {
    Denied(&'a RegistryPrefix),
    Allowed(Option<&'a RegistryPrefix>),
    NotAllowed,
}

impl RegistryRule {
    /// Whether the rule has anything to check.
    pub fn is_configured(&self) -> bool {
        !self.allow.is_empty() || !self.deny.is_empty()
    }

    fn place(&self, reference: &ImageRef) -> Placement<'_> {
        if let Some(d) = self.deny.iter().find(|p| p.denies(reference)) {
            return Placement::Denied(d);
        }
        if self.allow.is_empty() {
            return Placement::Allowed(None);
        }
        match self.allow.iter().find(|p| p.matches(reference)) {
            Some(a) => Placement::Allowed(Some(a)),
            None => Placement::NotAllowed,
        }
    }

    /// One result per step and sidecar, by the allowed-registries table (docs/src/concepts.md).
    pub fn evaluate_step(&self, step: &StepEvidence) -> RuleResult {
        let (status, message) = self.judge(step);
        RuleResult::for_step(RULE, step, status, message)
    }

    fn judge(&self, step: &StepEvidence) -> (Status, String) {
        let reference = match &step.declared {
            Some(DeclaredImage::Parsed { reference, .. }) => reference,
            Some(DeclaredImage::Invalid { error }) => {
                return (
                    Status::Unknown,
                    format!("declared image is not usable: {error}"),
                );
            }
            None => {
                let runtime = step.runtime_image_id.as_deref().unwrap_or("nothing");
                return (
                    Status::Unknown,
                    format!(
                        "no declared image; the runtime reported {runtime}, which is never trusted"
                    ),
                );
            }
        };
        self.judge_reference(reference, step.trusted_reference.as_deref(), "declared")
    }

    /// One result for an image the builder resolved (a BuildKit material:
    /// `origin: resolved`), judged by the table as a step is, by the
    /// reference the build **requested**; the digest the builder resolved
    /// it to never stands in for a pin. An image provcheck cannot judge (a
    /// local OCI layout, an unknown producer's convention) is `unknown`.
    /// `None` for a copied runtime ImageID (its step judges it; one no step
    /// accounts for has a note of its own) and a material without an image.
    pub fn evaluate_material(&self, material: &Material) -> Option<RuleResult> {
        let image = material.image.as_ref()?;
        if let Some(why) = material.not_judged() {
            return Some(
                RuleResult::document(RULE, Status::Unknown, why)
                    .with_evidence([material.pointer.clone()]),
            );
        }
        if image.origin != ImageOrigin::Resolved {
            return None;
        }
        let parsed = image
            .reference
            .as_deref()
            .map(str::parse::<ImageRef>)
            .transpose();
        let (status, message) = match parsed {
            Ok(Some(reference)) => {
                let pinned = reference.pinned();
                self.judge_reference(&reference, pinned.as_deref(), "requested")
            }
            Ok(None) | Err(_) => (
                Status::Unknown,
                format!(
                    "the requested image is not usable: {}",
                    image.problem.as_deref().unwrap_or("no reference recorded")
                ),
            ),
        };
        Some(RuleResult::document(RULE, status, message).with_evidence([material.pointer.clone()]))
    }

    /// The table for a usable reference (`how` it was asked for: declared
    /// by a step, requested from a builder) and its trusted reference.
    fn judge_reference(
        &self,
        reference: &ImageRef,
        pinned: Option<&str>,
        how: &str,
    ) -> (Status, String) {
        match (self.place(reference), pinned) {
            (Placement::Denied(d), Some(t)) => (
                Status::Fail,
                [t, " is denied by ", &quoted(d.as_written())].concat(),
            ),
            (Placement::Denied(d), None) => (
                Status::Fail,
                [
                    how,
                    " ",
                    reference.as_str(),
                    " is denied by ",
                    &quoted(d.as_written()),
                ]
                .concat(),
            ),
            (Placement::NotAllowed, Some(t)) => {
                (Status::Fail, [t, " is not in an allowed registry"].concat())
            }
            (Placement::NotAllowed, None) => (
                Status::Fail,
                [
                    how,
                    " ",
                    reference.as_str(),
                    " (unpinned) is not in an allowed registry",
                ]
                .concat(),
            ),
            (Placement::Allowed(by), Some(t)) => (Status::Pass, allowed_message(t, by)),
            (Placement::Allowed(by), None) if self.accept_tags => (
                Status::Pass,
                [
                    &allowed_message(reference.as_str(), by),
                    " (",
                    how,
                    " by tag; the policy accepts tags)",
                ]
                .concat(),
            ),
            (Placement::Allowed(_), None) => (
                Status::Unknown,
                [
                    how,
                    " ",
                    reference.as_str(),
                    " is in an allowed place but not pinned by digest",
                ]
                .concat(),
            ),
        }
    }
}

fn allowed_message(what: &str, by: Option<&RegistryPrefix>) -> String {
    match by {
        Some(p) => [what, " is allowed by ", &quoted(p.as_written())].concat(),
        None => [what, " is not denied"].concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Pointers, StepKind};
    use crate::normalize::trust::{decide, Declared};
    use crate::oci::image_id::ImageId;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn prefix(s: &str) -> RegistryPrefix {
        s.parse().unwrap()
    }

    fn reference(s: &str) -> ImageRef {
        s.parse().unwrap()
    }

    #[test]
    fn prefix_normalization() {
        let rows = [
            ("quay.io", "quay.io"),
            ("Quay.IO/acme", "quay.io/acme"),
            ("quay.io/acme/", "quay.io/acme"),
            ("alpine", "docker.io/library/alpine"),
            ("docker.io/alpine", "docker.io/library/alpine"),
            ("index.docker.io/alpine", "docker.io/library/alpine"),
            ("docker.io/library", "docker.io/library"),
            ("docker.io/acme/", "docker.io/acme"),
            ("acme/", "docker.io/acme"),
            ("acme/tools", "docker.io/acme/tools"),
            ("docker.io", "docker.io"),
            ("localhost:5000", "localhost:5000"),
            ("[::1]:5000/x", "[::1]:5000/x"),
        ];
        for (input, want) in rows {
            assert_eq!(prefix(input).to_string(), want, "{input}");
        }
        for bad in [
            "",
            "/",
            "quay.io/Acme",
            "acme/alpine:3",
            "quay.io/a@sha256:x",
            "quay.io/a..b",
            "ex_ample.com/x",
        ] {
            assert!(bad.parse::<RegistryPrefix>().is_err(), "{bad}");
        }
    }

    /// Path-component boundaries, familiar names, hosts, ports.
    #[test]
    fn prefix_matching_boundaries() {
        let rows = [
            ("quay.io/acme", "quay.io/acme/tool:1", true),
            ("quay.io/acme", "quay.io/acme:1", true),
            ("quay.io/acme", "quay.io/acme-evil/tool", false),
            ("quay.io/acme", "quay.io/acmex", false),
            ("quay.io/acme/tool", "quay.io/acme/tool/sub", true),
            ("quay.io", "quay.io/anything/at/all", true),
            ("quay.io", "quay.io.evil.com/x", false),
            ("quay.io", "QUAY.IO/acme/tool", true),
            ("QUAY.io/acme", "quay.io/acme/tool", true),
            ("quay.io", "quay.io:443/acme", false),
            ("localhost:5000", "localhost:5000/x", true),
            ("localhost:5000", "localhost:5001/x", false),
            ("localhost", "localhost:5000/x", false),
            ("alpine", "alpine:3.18", true),
            ("alpine", "docker.io/library/alpine", true),
            ("alpine", "alpine-evil", false),
            ("docker.io/library", "ubuntu", true),
            ("docker.io/library", "acme/ubuntu", false),
            ("docker.io", "ubuntu", true),
            ("index.docker.io", "ubuntu", true),
            ("gcr.io", "docker.io/gcr.io/x", false),
            ("acme/", "acme/tool", true),
            ("acme/", "acmecorp/tool", false),
        ];
        for (p, r, want) in rows {
            assert_eq!(prefix(p).matches(&reference(r)), want, "{p} vs {r}");
            // A deny entry covers at least what it would allow.
            if want {
                assert!(prefix(p).denies(&reference(r)), "deny {p} vs {r}");
            }
            // The Evidence's repository text matches as the reference does.
            let repository = reference(r).repository();
            assert_eq!(
                prefix(p).matches_repository(&repository),
                want,
                "{p} vs {repository}"
            );
        }
    }

    /// Docker Hub's hosts in any letter case are Docker Hub, and a deny
    /// entry without a port covers its host on every port: a deny list
    /// cannot be escaped by spelling the host otherwise.
    #[test]
    fn deny_entries_cover_every_spelling_of_their_host() {
        let a = "a".repeat(64);
        let rows = [
            (
                "docker.io",
                format!("INDEX.DOCKER.IO/library/alpine@sha256:{a}"),
                true,
            ),
            (
                "docker.io",
                format!("registry-1.docker.io/library/alpine@sha256:{a}"),
                true,
            ),
            (
                "docker.io",
                format!("Registry.Hub.Docker.Com/acme/x@sha256:{a}"),
                true,
            ),
            (
                "docker.io",
                format!("docker.io:443/library/alpine@sha256:{a}"),
                true,
            ),
            (
                "docker.io",
                format!("INDEX.DOCKER.IO:443/library/alpine@sha256:{a}"),
                true,
            ),
            (
                "alpine",
                format!("REGISTRY-1.DOCKER.IO/alpine@sha256:{a}"),
                true,
            ),
            (
                "quay.io/evil",
                format!("QUAY.IO:443/evil/x@sha256:{a}"),
                true,
            ),
            (
                "quay.io/evil",
                format!("quay.io:8443/evil/x@sha256:{a}"),
                true,
            ),
            (
                "quay.io:443/evil",
                format!("quay.io/evil/x@sha256:{a}"),
                true,
            ),
            (
                "quay.io:8443/evil",
                format!("quay.io/evil/x@sha256:{a}"),
                false,
            ),
            ("quay.io/evil", format!("quay.io/good/x@sha256:{a}"), false),
        ];
        for (entry, r, want) in rows {
            assert_eq!(
                prefix(entry).denies(&reference(&r)),
                want,
                "deny {entry} vs {r}"
            );
            let repository = reference(&r).repository();
            assert_eq!(
                prefix(entry).denies_repository(&repository),
                want,
                "deny {entry} vs {repository}"
            );
            let rule = RegistryRule {
                allow: vec![],
                deny: vec![prefix(entry)],
                accept_tags: false,
            };
            let status = rule.evaluate_step(&step(Some(&r), None)).status;
            assert_eq!(
                status == Status::Fail,
                want,
                "deny {entry} vs {r}: {status}"
            );
        }
    }

    fn step(declared: Option<&str>, runtime: Option<&str>) -> StepEvidence {
        let d = declared.map(Declared::parse);
        let r = runtime.map(ImageId::parse);
        let decision = decide(d.as_ref(), r.as_ref());
        StepEvidence {
            name: "s".into(),
            kind: StepKind::Step,
            task: None,
            taskrun: None,
            declared_image: declared.map(str::to_owned),
            runtime_image_id: runtime.map(str::to_owned),
            declared: d.as_ref().map(DeclaredImage::from),
            runtime: r,
            trusted_reference: decision.trusted_reference,
            trust: decision.trust,
            corroboration: decision.corroboration,
            pointers: Pointers::default(),
            joined: None,
            via_index: None,
            notes: Vec::new(),
        }
    }

    /// the allowed-registries table (docs/src/concepts.md), row by row.
    #[test]
    fn tri_state_table() {
        let rule = RegistryRule {
            allow: vec![prefix("quay.io/acme")],
            deny: vec![prefix("quay.io/acme/legacy")],
            accept_tags: false,
        };
        let rt = format!("docker-pullable://quay.io/acme/tool@sha256:{A}");
        let rows: Vec<(Option<String>, Status)> = vec![
            // trusted reference allowed (and not denied) → pass
            (Some(format!("quay.io/acme/tool@sha256:{A}")), Status::Pass),
            // trusted reference not allowed → fail
            (
                Some(format!("docker.io/acme/tool@sha256:{A}")),
                Status::Fail,
            ),
            // trusted reference denied → fail
            (
                Some(format!("quay.io/acme/legacy/x@sha256:{A}")),
                Status::Fail,
            ),
            // declared by tag, repository not allowed → fail
            (Some("quay.io/acme-evil/tool:v1".into()), Status::Fail),
            // declared by tag, repository denied → fail
            (Some("quay.io/acme/legacy:v1".into()), Status::Fail),
            // declared by tag, repository allowed → unknown (unpinned)
            (Some("quay.io/acme/tool:v1".into()), Status::Unknown),
            // no declared reference (runtime only) → unknown, whatever the ImageID says
            (None, Status::Unknown),
            // declared but unusable → unknown
            (Some("$(params.image)".into()), Status::Unknown),
        ];
        for (declared, want) in rows {
            let result = rule.evaluate_step(&step(declared.as_deref(), Some(&rt)));
            assert_eq!(result.status, want, "{declared:?}: {}", result.message);
            assert_eq!(result.rule, RULE);
        }
    }

    fn material(origin: ImageOrigin, reference: Option<&str>) -> Material {
        Material {
            uri: reference.map(str::to_owned),
            digest: std::collections::BTreeMap::from([("sha256".to_owned(), A.to_owned())]),
            image: Some(crate::evidence::MaterialImage {
                origin,
                reference: reference.map(str::to_owned),
                repository: None,
                tag: None,
                digest: Some(format!("sha256:{A}")),
                platform: None,
                problem: reference.is_none().then(|| "unparseable".to_owned()),
                trusted_reference: reference
                    .and_then(|r| r.parse::<ImageRef>().ok())
                    .and_then(|r| r.pinned()),
            }),
            pointer: crate::error::JsonPointer::root().key("materials").index(0),
        }
    }

    /// An image the builder resolved: the table applied to the reference
    /// the build requested, whatever digest the builder resolved.
    #[test]
    fn builder_resolved_images_are_judged_by_their_request() {
        let rule = RegistryRule {
            allow: vec![prefix("quay.io/acme")],
            deny: vec![prefix("quay.io/acme/legacy")],
            accept_tags: false,
        };
        let rows: Vec<(Option<String>, Status, &str)> = vec![
            (
                Some(format!("quay.io/acme/tool:v1@sha256:{A}")),
                Status::Pass,
                "quay.io/acme/tool@sha256:aaaa",
            ),
            (
                Some(format!("docker.io/acme/tool@sha256:{A}")),
                Status::Fail,
                "is not in an allowed registry",
            ),
            (
                Some(format!("quay.io/acme/legacy/x@sha256:{A}")),
                Status::Fail,
                "is denied by",
            ),
            (
                Some("quay.io/acme-evil/tool:v1".into()),
                Status::Fail,
                "requested quay.io/acme-evil/tool:v1 (unpinned)",
            ),
            (
                Some("quay.io/acme/tool:v1".into()),
                Status::Unknown,
                "requested quay.io/acme/tool:v1 is in an allowed place but not pinned",
            ),
            (None, Status::Unknown, "not usable: unparseable"),
        ];
        for (reference, want, says) in rows {
            let m = material(ImageOrigin::Resolved, reference.as_deref());
            let result = rule.evaluate_material(&m).unwrap();
            assert_eq!(result.status, want, "{reference:?}: {}", result.message);
            assert!(
                result.message.contains(says),
                "{reference:?}: {}",
                result.message
            );
            assert_eq!(result.step, None);
            assert_eq!(result.evidence, std::slice::from_ref(&m.pointer));
        }
        // A copied runtime ImageID is never judged as a request.
        let runtime = material(ImageOrigin::RuntimeImageId, Some("quay.io/acme-evil/x:v1"));
        assert_eq!(rule.evaluate_material(&runtime), None);
    }

    #[test]
    fn accept_tags_turns_unpinned_allowed_into_pass_only() {
        let rule = RegistryRule {
            allow: vec![prefix("quay.io/acme")],
            deny: vec![],
            accept_tags: true,
        };
        assert_eq!(
            rule.evaluate_step(&step(Some("quay.io/acme/tool:v1"), None))
                .status,
            Status::Pass
        );
        assert_eq!(
            rule.evaluate_step(&step(Some("quay.io/other/tool:v1"), None))
                .status,
            Status::Fail
        );
        assert_eq!(
            rule.evaluate_step(&step(None, Some("quay.io/acme/tool@sha256:aa")))
                .status,
            Status::Unknown
        );
    }

    #[test]
    fn deny_only_allows_the_rest() {
        let rule = RegistryRule {
            allow: vec![],
            deny: vec![prefix("docker.io")],
            accept_tags: false,
        };
        assert_eq!(
            rule.evaluate_step(&step(Some(&format!("quay.io/x@sha256:{A}")), None))
                .status,
            Status::Pass
        );
        assert_eq!(
            rule.evaluate_step(&step(Some(&format!("alpine@sha256:{A}")), None))
                .status,
            Status::Fail
        );
    }
}
