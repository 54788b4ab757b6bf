//! Materials and resolved dependencies: their images, from `oci://`,
//! `pkg:docker` and `pkg:oci` URIs, with the digest they were resolved to.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn materials(
    list: Vec<MaterialIn>,
    ptr: &JsonPointer,
    producer: Producer,
) -> Vec<Material> {
    list.into_iter()
        .enumerate()
        .map(|(i, m)| {
            let digest = m.digest.unwrap_or_default();
            let image = match (&m.name, m.uri.as_deref()) {
                // Named dependencies are Chains' task/pipeline sources and results.
                (None, Some(uri)) => {
                    image_uri(uri, producer).map(|u| material_image(u, &digest, producer))
                }
                _ => None,
            };
            Material {
                uri: m.uri,
                digest,
                image,
                pointer: ptr.index(i),
            }
        })
        .collect()
}

/// The ways a material URI names a container image.
pub(super) enum ImageUri<'a> {
    /// `pkg:docker/NAME@VERSION?QUALIFIERS` (BuildKit).
    Purl(&'a str),
    /// `pkg:oci/NAME@VERSION?QUALIFIERS`: BuildKit's image from a local OCI
    /// layout, which names no registry.
    OciLayout,
    /// `oci://REPO` (Chains), or a bare `REPO` from Chains' SLSA v1.0 docs,
    /// as parsed.
    Repository(Result<ImageRef, RefError>),
}

pub(super) fn image_uri(uri: &str, producer: Producer) -> Option<ImageUri<'_>> {
    if let Some(rest) = uri.strip_prefix("pkg:docker/") {
        return Some(ImageUri::Purl(rest));
    }
    if uri.starts_with("pkg:oci/") {
        return Some(ImageUri::OciLayout);
    }
    if let Some(rest) = uri.strip_prefix("oci://") {
        return Some(ImageUri::Repository(rest.parse()));
    }
    // A scheme-less URI that is a valid reference with a registry or
    // namespace (`docker.io/library/busybox`), as Chains' SLSA v1.0 docs
    // write; from other producers such a URI is not known to be an image.
    let schemeless = producer == Producer::TektonChains
        && !uri.contains("://")
        && !uri.starts_with("git+")
        && !uri.starts_with("pkg:");
    if !(schemeless && uri.contains('/')) {
        return None;
    }
    uri.parse().ok().map(|r| ImageUri::Repository(Ok(r)))
}

/// The digest of a digest set as `algorithm:hex` (sha256 preferred).
pub(super) fn pinned_digest(digest: &BTreeMap<String, String>) -> Option<String> {
    ["sha256", "sha512", "sha384"]
        .iter()
        .find_map(|alg| sha2_text(alg, digest.get(*alg)?))
}

pub(super) fn material_image(
    uri: ImageUri<'_>,
    digest: &BTreeMap<String, String>,
    producer: Producer,
) -> MaterialImage {
    let mut image = MaterialImage {
        origin: producer.image_origin(),
        reference: None,
        repository: None,
        tag: None,
        digest: pinned_digest(digest),
        platform: None,
        problem: None,
        trusted_reference: None,
    };
    match uri {
        ImageUri::OciLayout => image.origin = ImageOrigin::OciLayout,
        ImageUri::Repository(parsed) => match parsed {
            Ok(r) => {
                image.repository = Some(r.repository());
                image.tag = r.tag().map(str::to_owned);
                if r.tag().is_some() || r.digest().is_some() {
                    image.reference = Some(r.as_str().to_owned());
                }
            }
            Err(e) => image.problem = Some(e.to_string()),
        },
        ImageUri::Purl(rest) => {
            let (path, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
            image.platform = qualifiers
                .split('&')
                .find_map(|q| q.strip_prefix("platform="))
                .map(percent_decode);
            // BuildKit writes `FROM alpine@sha256:…` as a `digest`
            // qualifier (`RefToPURL`), and `alpine:3@sha256:…` as version
            // `3` with that qualifier; a digest as the version is read too.
            let qualified_digest = qualifiers
                .split('&')
                .find_map(|q| q.strip_prefix("digest="))
                .map(percent_decode);
            let (name, version) = match path.rsplit_once('@') {
                Some((name, version)) => (percent_decode(name), Some(percent_decode(version))),
                None => (percent_decode(path), None),
            };
            let (tag, version_digest) = match version {
                Some(v) if v.contains(':') => (None, Some(v)),
                other => (other, None),
            };
            if let (Some(a), Some(b)) = (&version_digest, &qualified_digest) {
                if a != b {
                    image.problem = Some(format!(
                        "the purl's version digest {a} and its digest qualifier {b} disagree"
                    ));
                    return image;
                }
            }
            let mut text = name;
            if let Some(tag) = tag {
                text.push(':');
                text.push_str(&tag);
            }
            if let Some(digest) = version_digest.or(qualified_digest) {
                text.push('@');
                text.push_str(&digest);
            }
            match text.parse::<ImageRef>() {
                Ok(r) => {
                    image.repository = Some(r.repository());
                    image.tag = r.tag().map(str::to_owned);
                    image.reference = Some(r.as_str().to_owned());
                    image.trusted_reference = r.pinned();
                }
                Err(e) => image.problem = Some(e.to_string()),
            }
        }
    }
    image
}

/// Decode `%XX` escapes (purl components); invalid escapes stay as written.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
