//! OCI image indexes and Docker manifest lists (`provcheck … --index FILE`):
//! the raw JSON a registry serves for a multi-platform image, as
//! `crane manifest` or `skopeo inspect --raw` prints it.
//!
//! The index's digest is sha256 over the file's **exact bytes**: a registry
//! addresses an index by the digest of the bytes it serves, so a
//! re-serialized copy (pretty-printed, keys reordered, a newline added by an
//! editor) has another digest and cannot stand for the declared one. The
//! JSON is decoded strictly (duplicate keys rejected) and then read with
//! oci-spec's [`ImageIndex`](oci_spec::image::ImageIndex), which accepts both
//! media types.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::json;
use crate::error::{IngestError, JsonPointer, Location};
use crate::oci::digest::Digest;

/// The OCI image index media type.
pub const OCI_IMAGE_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// The Docker manifest list media type.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// A multi-platform image index read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageIndex {
    /// The file's name, as given.
    pub source: String,
    /// `sha256:` + the hex sha256 of the file's exact bytes.
    pub digest: Digest,
    /// The index's own `mediaType`, when it has one.
    pub media_type: Option<String>,
    /// The manifests it lists, in order.
    pub manifests: Vec<IndexEntry>,
}

/// One manifest an index lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexEntry {
    /// The manifest's digest.
    pub digest: Digest,
    /// The manifest's media type.
    pub media_type: String,
    /// `os/architecture[/variant]`, when the entry names a platform.
    pub platform: Option<String>,
}

impl ImageIndex {
    /// The entry whose digest is `digest`, if the index lists it.
    pub fn entry(&self, digest: &Digest) -> Option<&IndexEntry> {
        self.manifests.iter().find(|e| &e.digest == digest)
    }
}

/// Read an image index from `bytes` (named `name` in messages).
///
/// # Errors
///
/// [`IngestError`] when the bytes are not UTF-8 JSON, repeat a key, or are
/// not an image index: another `mediaType` (a single-platform manifest, most
/// often), or a missing or mistyped `schemaVersion`, `manifests[].digest`,
/// `manifests[].mediaType` or `manifests[].size` — named by JSON pointer.
pub fn ingest_index(name: &str, bytes: &[u8]) -> Result<ImageIndex, IngestError> {
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotText {
        file: name.to_owned(),
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            file: name.to_owned(),
        });
    }
    let value = json::parse(name, text)?;
    let not_index = |pointer: JsonPointer, message: String| IngestError::NotAnIndex {
        at: Location::new(name, pointer),
        message,
    };
    let media_type = match value.get("mediaType") {
        None => None,
        Some(serde_json::Value::String(m)) if m == OCI_IMAGE_INDEX || m == DOCKER_MANIFEST_LIST => {
            Some(m.clone())
        }
        Some(other) => {
            return Err(not_index(
                JsonPointer::root().key("mediaType"),
                format!("mediaType is {other}, not an index (a single-platform manifest?)"),
            ))
        }
    };
    let index: oci_spec::image::ImageIndex =
        serde_path_to_error::deserialize(&value).map_err(|e| {
            not_index(
                JsonPointer::from_serde_path(e.path()),
                e.into_inner().to_string(),
            )
        })?;
    let mut manifests = Vec::with_capacity(index.manifests().len());
    for (i, d) in index.manifests().iter().enumerate() {
        let digest = d.digest().to_string();
        let digest: Digest = digest
            .parse()
            .map_err(|e: crate::oci::digest::DigestError| {
                not_index(
                    JsonPointer::root().key("manifests").index(i).key("digest"),
                    e.to_string(),
                )
            })?;
        let platform = d.platform().as_ref().map(|p| {
            let mut s = format!("{}/{}", p.os(), p.architecture());
            if let Some(variant) = p.variant() {
                s.push('/');
                s.push_str(variant);
            }
            s
        });
        manifests.push(IndexEntry {
            digest,
            media_type: d.media_type().to_string(),
            platform,
        });
    }
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let digest =
        format!("sha256:{hex}")
            .parse()
            .map_err(|e: crate::oci::digest::DigestError| {
                not_index(JsonPointer::root(), e.to_string())
            })?;
    Ok(ImageIndex {
        source: name.to_owned(),
        digest,
        media_type,
        manifests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn index(media_type: &str, entry_type: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"{media_type}","manifests":[{{"mediaType":"{entry_type}","digest":"sha256:{A}","size":528,"platform":{{"architecture":"arm","os":"linux","variant":"v7"}}}}]}}"#
        )
    }

    #[test]
    fn both_media_types_parse_and_the_digest_is_over_the_exact_bytes() {
        for (media_type, entry_type) in [
            (
                OCI_IMAGE_INDEX,
                "application/vnd.oci.image.manifest.v1+json",
            ),
            (
                DOCKER_MANIFEST_LIST,
                "application/vnd.docker.distribution.manifest.v2+json",
            ),
        ] {
            let text = index(media_type, entry_type);
            let idx = ingest_index("i.json", text.as_bytes()).unwrap();
            assert_eq!(idx.media_type.as_deref(), Some(media_type));
            assert_eq!(idx.manifests.len(), 1);
            assert_eq!(idx.manifests[0].platform.as_deref(), Some("linux/arm/v7"));
            assert_eq!(idx.manifests[0].media_type, entry_type);
            // One more byte (a trailing newline) is another index.
            let other = ingest_index("i.json", format!("{text}\n").as_bytes()).unwrap();
            assert_ne!(idx.digest, other.digest);
        }
        // sha256 of the empty OCI index `{"schemaVersion":2,"manifests":[]}`.
        let idx = ingest_index("e.json", br#"{"schemaVersion":2,"manifests":[]}"#).unwrap();
        assert_eq!(idx.media_type, None);
        // Independently computed: printf '%s' '{"schemaVersion":2,"manifests":[]}' | sha256sum
        assert_eq!(
            idx.digest.to_string(),
            "sha256:bc5857ac9458293d5111ab85c952172cd7f56bceb4e3014ddc4cafac8927b313"
        );
    }

    #[test]
    fn what_is_not_an_index_is_refused_with_its_pointer() {
        let rows: [(&[u8], &str); 5] = [
            (
                br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}}"#,
                "i.json: at /mediaType: not an image index: mediaType is \"application/vnd.oci.image.manifest.v1+json\", not an index",
            ),
            (
                br#"{"schemaVersion":2,"manifests":[{"mediaType":"x","size":1}]}"#,
                "i.json: at /manifests/0: not an image index: missing field `digest`",
            ),
            (
                br#"{"schemaVersion":2,"manifests":[{"mediaType":"x","size":1,"digest":"sha256:abc"}]}"#,
                "i.json: at /manifests/0/digest: not an image index:",
            ),
            (br#"{"manifests":[]}"#, "i.json: not an image index: missing field `schemaVersion`"),
            (br#"{"schemaVersion":2,"manifests":[],"manifests":[]}"#, "duplicate key"),
        ];
        for (bytes, want) in rows {
            let err = ingest_index("i.json", bytes).unwrap_err().to_string();
            assert!(err.contains(want), "{want:?} not in {err}");
        }
    }

    proptest::proptest! {
        /// Any bytes, and indexes with arbitrary strings where digests,
        /// media types and platforms go: an error or an index, never a panic.
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = ingest_index("i.json", &bytes);
        }

        #[test]
        fn any_index_strings_never_panic(digest in "\\PC{0,80}", media in "\\PC{0,40}", arch in "\\PC{0,12}") {
            let text = serde_json::json!({"schemaVersion": 2, "mediaType": media, "manifests": [
                {"mediaType": media, "digest": digest, "size": 1, "platform": {"architecture": arch, "os": arch}}]});
            let _ = ingest_index("i.json", text.to_string().as_bytes());
            let text = serde_json::json!({"schemaVersion": 2, "manifests": [
                {"mediaType": media, "digest": format!("sha256:{digest}"), "size": 1, "platform": {"architecture": arch, "os": "linux", "variant": arch}}]});
            if let Ok(idx) = ingest_index("i.json", text.to_string().as_bytes()) {
                proptest::prop_assert!(idx.digest.to_string().starts_with("sha256:"));
            }
        }
    }
}
