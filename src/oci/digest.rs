//! Content digests (`algorithm:encoded`), per the OCI image-spec digest grammar.
//!
//! Parsing is oci-spec's [`oci_spec::image::Digest`], which implements the
//! grammar exactly (`algorithm-component ::= [a-z0-9]+`, separators `+._-`,
//! `encoded ::= [a-zA-Z0-9=_-]+`) and checks the registered SHA-2 algorithms
//! for length and lowercase hex. We add the one registered algorithm it does
//! not know (`blake3`, 64 lowercase hex) and say which part is wrong.

use std::fmt;
use std::str::FromStr;

use oci_spec::image::DigestAlgorithm;
use serde::Serialize;

/// A validated content digest such as `sha256:6c3c…9b3b`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest(oci_spec::image::Digest);

/// Why a string is not a digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid digest {input:?}: {reason}")]
pub struct DigestError {
    /// The rejected text.
    pub input: String,
    /// Which part is wrong and why.
    pub reason: String,
}

impl Digest {
    /// The algorithm, e.g. `sha256`.
    pub fn algorithm(&self) -> &str {
        self.0.algorithm().as_ref()
    }

    /// The encoded part (lowercase hex for the registered algorithms).
    pub fn encoded(&self) -> &str {
        self.0.digest()
    }

    /// Whether the algorithm is one the OCI image spec registers
    /// (sha256, sha384, sha512, blake3), so that its length and alphabet
    /// were checked.
    pub fn is_registered(&self) -> bool {
        !matches!(self.0.algorithm(), DigestAlgorithm::Other(other) if &**other != "blake3")
    }

    /// The digest's text, `algorithm:encoded`.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The oci-spec value, for use with oci-spec's image types.
    pub fn as_oci(&self) -> &oci_spec::image::Digest {
        &self.0
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| DigestError {
            input: s.to_owned(),
            reason,
        };
        let parsed = oci_spec::image::Digest::from_str(s).map_err(|e| fail(oci_reason(&e)))?;
        if parsed.algorithm().as_ref() == "blake3" {
            let encoded = parsed.digest();
            if encoded.len() != 64
                || !encoded
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            {
                return Err(fail(format!(
                    "blake3 needs 64 lowercase hex characters, found {encoded:?}"
                )));
            }
        }
        Ok(Self(parsed))
    }
}

/// `algorithm:hex` when it is a valid digest of a registered SHA-2
/// algorithm (`sha256`, `sha384`, `sha512`, the names a digest set uses),
/// else `None`. The check is the one oci-spec's parser makes for these
/// algorithms — the length it gives (`digest_hexlen`) and lowercase hex —
/// without building a [`Digest`]: a provenance document holds a digest set
/// per material, and parsing each one cost 2% of the instructions of judging
/// a signed 20-step TaskRun.
pub(crate) fn sha2_text(algorithm: &str, hex: &str) -> Option<String> {
    let expected = match algorithm {
        "sha256" => DigestAlgorithm::Sha256,
        "sha384" => DigestAlgorithm::Sha384,
        "sha512" => DigestAlgorithm::Sha512,
        _ => return None,
    }
    .digest_hexlen()?;
    let valid = hex.len() == usize::try_from(expected).ok()?
        && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    valid.then(|| [algorithm, ":", hex].concat())
}

/// oci-spec reports these problems as `Other(String)`; keep its text.
fn oci_reason(e: &oci_spec::OciSpecError) -> String {
    match e {
        oci_spec::OciSpecError::Other(text) => text.clone(),
        other => other.to_string(),
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX64: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    #[test]
    fn digest_table() {
        let sha512 = format!("sha512:{}", "a".repeat(128));
        let sha384 = format!("sha384:{}", "b".repeat(96));
        let blake3 = format!("blake3:{HEX64}");
        let cases: &[(String, bool)] = &[
            (format!("sha256:{HEX64}"), true),
            (sha512, true),
            (sha384, true),
            (blake3, true),
            (
                "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8".into(),
                true,
            ),
            (format!("sha256:{}", HEX64.to_uppercase()), false),
            (format!("sha256:{}", &HEX64[1..]), false),
            (format!("sha512:{HEX64}"), false),
            ("blake3:abc".into(), false),
            ("sha256:".into(), false),
            (HEX64.into(), false),
            (format!("SHA256:{HEX64}"), false),
            (format!("sha256+:{HEX64}"), false),
            ("sha256:abc!".into(), false),
        ];
        for (input, ok) in cases {
            assert_eq!(input.parse::<Digest>().is_ok(), *ok, "{input}");
        }
    }

    #[test]
    fn registered_algorithms_are_known() {
        let d: Digest = format!("sha256:{HEX64}").parse().unwrap();
        assert!(d.is_registered());
        assert_eq!(d.algorithm(), "sha256");
        assert_eq!(d.encoded(), HEX64);
        let other: Digest = "foo:bar".parse().unwrap();
        assert!(!other.is_registered());
    }

    proptest::proptest! {
        /// `sha2_text` accepts exactly what the parser accepts.
        #[test]
        fn sha2_text_agrees_with_the_parser(
            algorithm in "sha256|sha384|sha512|sha1|SHA256|md5|blake3",
            hex in "[0-9a-fA-F]{0,130}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128}|[0-9a-z=_-]{64}|.{0,70}",
        ) {
            let text = format!("{algorithm}:{hex}");
            let parsed = text.parse::<Digest>().is_ok() && algorithm.starts_with("sha") && algorithm != "sha1";
            proptest::prop_assert_eq!(sha2_text(&algorithm, &hex), parsed.then_some(text));
        }
    }

    #[test]
    fn error_says_why() {
        let err = "sha256:abc".parse::<Digest>().unwrap_err();
        assert!(err.to_string().contains("length"), "{err}");
    }
}
