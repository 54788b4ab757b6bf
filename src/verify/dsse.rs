//! Bare DSSE envelopes (`payloadType`, `payload`, `signatures[]`) verified
//! with `--key`: every signature is checked over the DSSE pre-authentication
//! encoding (PAE) of the **exact** decoded payload bytes.
//!
//! `keyid` fields are hints a signer wrote; they are never trusted and never
//! used to pick a key: each signature is tried with each given key.

use std::borrow::Cow;

use super::keys::PublicKey;
use crate::evaluate::Status;

/// A DSSE envelope with its signatures decoded, its payload type and
/// exact payload bytes borrowed from the ingest stage's decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope<'a> {
    /// `payloadType`, signed as part of the PAE.
    pub(crate) payload_type: Cow<'a, str>,
    /// The exact payload bytes (base64-decoded, never re-serialized).
    pub(crate) payload: Cow<'a, [u8]>,
    /// The raw signatures.
    pub(crate) signatures: Vec<Vec<u8>>,
}

/// Decode standard or URL-safe base64, padded or not (the DSSE spec allows
/// either alphabet): the ingest stage's decoder, so both stages read the
/// same bytes out of the same text.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    crate::ingest::layers::decode_base64(text).ok()
}

/// The DSSE v1 pre-authentication encoding (sigstore-types' implementation).
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    sigstore_types::pae(payload_type, payload)
}

/// Check `envelope` with `keys`: at least `threshold` distinct keys must each
/// have made one of its signatures over the PAE.
pub(crate) fn verify_with_keys(
    envelope: &Envelope<'_>,
    keys: &[PublicKey],
    threshold: usize,
) -> (Status, String) {
    if envelope.signatures.is_empty() {
        return (
            Status::Fail,
            "the DSSE envelope has no signatures: nothing vouches for the payload".into(),
        );
    }
    let message = pae(&envelope.payload_type, &envelope.payload);
    let verified: Vec<&PublicKey> = keys
        .iter()
        .filter(|key| {
            envelope
                .signatures
                .iter()
                .any(|sig| key.verifies(&message, sig))
        })
        .collect();
    let threshold = threshold.max(1);
    let names = |ks: &[&PublicKey]| {
        ks.iter()
            .map(|k| k.describe())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if verified.len() >= threshold {
        (
            Status::Pass,
            format!(
                "DSSE signature over the exact payload (payloadType {:?}) verified by {} of {} key(s), threshold {threshold}: {}",
                envelope.payload_type,
                verified.len(),
                keys.len(),
                names(&verified)
            ),
        )
    } else if verified.is_empty() {
        (
            Status::Fail,
            format!(
                "none of the {} signature(s) verifies with the given key(s) over the DSSE PAE of payloadType {:?} and the exact payload (keyids are hints and are not trusted)",
                envelope.signatures.len(),
                envelope.payload_type
            ),
        )
    } else {
        (
            Status::Fail,
            format!(
                "key threshold not met: {} of {} distinct key(s) verified, {threshold} required ({})",
                verified.len(),
                keys.len(),
                names(&verified)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // DSSE protocol.md: PAE("http://example.com/HelloWorld", "hello world")
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn base64_alphabets() {
        let rows: [(&str, Option<&[u8]>); 9] = [
            ("aGk=", Some(b"hi")),
            ("aGk==", None),
            // Exactly padded or not padded at all, never partly.
            ("aA==", Some(b"h")),
            ("aA", Some(b"h")),
            ("aA=", None),
            ("aGk", Some(b"hi")),
            ("-_8=", Some(&[0xfb, 0xff])),
            ("+/8=", Some(&[0xfb, 0xff])),
            ("!!!", None),
        ];
        for (text, want) in rows {
            assert_eq!(decode_base64(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn zero_signatures_fail() {
        let env = Envelope {
            payload_type: crate::ingest::layers::IN_TOTO_PAYLOAD_TYPE.into(),
            payload: Cow::Borrowed(b"{}"),
            signatures: vec![],
        };
        let (status, msg) = verify_with_keys(&env, &[], 1);
        assert_eq!(status, Status::Fail);
        assert!(msg.contains("no signatures"), "{msg}");
    }
}
