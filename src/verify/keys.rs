//! Public keys given with `--key`: PEM `SubjectPublicKeyInfo` (what
//! `cosign generate-key-pair` and `openssl pkey -pubout` write) for ECDSA
//! P-256/P-384, Ed25519 and RSA (PKCS#1 v1.5 and PSS).
//!
//! Parsing and signature checks are sigstore-crypto's
//! ([`VerificationKey`]), backed by aws-lc-rs; this module only picks the
//! signing schemes a key may have been used with.

use sigstore_types::{DerPublicKey, SignatureBytes};
use sigstore_verify::crypto::{KeyAlgorithm, SigningScheme, VerificationKey};

use super::TrustError;

/// A public key a signature may be checked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// Where it came from (a file name), for messages.
    pub(crate) name: String,
    /// The DER `SubjectPublicKeyInfo`.
    pub(crate) der: DerPublicKey,
    /// What kind of key it is.
    pub(crate) algorithm: KeyAlgorithm,
    /// The key itself, however its PEM encodes it: two files of one key
    /// are one signer (`--key-threshold` counts keys, not files).
    pub(crate) identity: KeyIdentity,
}

/// A public key's identity: its family and its key material in one
/// canonical form. The same key written with or without the RSA
/// algorithm's NULL parameter, under the RSA-PSS algorithm identifier, or
/// as a compressed or uncompressed EC point, is one identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyIdentity {
    family: Vec<u8>,
    material: Vec<u8>,
}

/// rsaEncryption and id-RSASSA-PSS: one RSA key whichever names it.
const RSA_OIDS: [&str; 2] = ["1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"];
/// id-ecPublicKey: the curve is the parameter.
const EC_OID: &str = "1.2.840.10045.2.1";

impl KeyIdentity {
    /// The identity of a DER `SubjectPublicKeyInfo`.
    fn of(der: &[u8]) -> Result<Self, String> {
        use spki::der::Decode as _;
        let info = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| format!("not a SubjectPublicKeyInfo: {e}"))?;
        let oid = info.algorithm.oid.to_string();
        let bits = info.subject_public_key.raw_bytes();
        let (family, material) = if RSA_OIDS.contains(&oid.as_str()) {
            (b"rsa".to_vec(), bits.to_vec())
        } else if oid == EC_OID {
            let curve = info
                .algorithm
                .parameters
                .map(|p| p.value().to_vec())
                .unwrap_or_default();
            (curve, compressed_point(bits))
        } else {
            (oid.into_bytes(), bits.to_vec())
        };
        Ok(Self { family, material })
    }
}

/// An EC point in compressed form (`02|03 || X`): an uncompressed point
/// (`04 || X || Y`) carries the parity of Y in its last byte.
fn compressed_point(point: &[u8]) -> Vec<u8> {
    match point.split_first() {
        Some((&4, xy)) if xy.len() % 2 == 0 && !xy.is_empty() => {
            let (x, y) = xy.split_at(xy.len() / 2);
            let parity = y.last().map_or(0, |b| b & 1);
            let mut out = Vec::with_capacity(1 + x.len());
            out.push(2 | parity);
            out.extend_from_slice(x);
            out
        }
        _ => point.to_vec(),
    }
}

impl PublicKey {
    /// Parse a PEM `PUBLIC KEY` block.
    pub(crate) fn from_pem(name: &str, pem: &[u8]) -> Result<Self, TrustError> {
        let bad = |reason: String| TrustError::Key {
            file: name.to_owned(),
            reason,
        };
        let text = std::str::from_utf8(pem)
            .map_err(|_| bad("not PEM text (expected a PUBLIC KEY block)".into()))?;
        let der = DerPublicKey::from_pem(text).map_err(|e| bad(e.to_string()))?;
        let algorithm = KeyAlgorithm::from_spki(&der).map_err(|e| bad(e.to_string()))?;
        if !matches!(
            algorithm,
            KeyAlgorithm::EcdsaP256
                | KeyAlgorithm::EcdsaP384
                | KeyAlgorithm::Ed25519
                | KeyAlgorithm::Rsa
        ) {
            return Err(bad(format!(
                "unsupported key type {algorithm:?} (expected ECDSA P-256/P-384, Ed25519 or RSA)"
            )));
        }
        let identity = KeyIdentity::of(der.as_bytes()).map_err(bad)?;
        Ok(Self {
            name: name.to_owned(),
            der,
            algorithm,
            identity,
        })
    }

    /// The schemes a signature by this key may use, most common first.
    fn schemes(&self) -> &'static [SigningScheme] {
        match self.algorithm {
            KeyAlgorithm::EcdsaP256 => &[SigningScheme::EcdsaP256Sha256],
            KeyAlgorithm::EcdsaP384 => &[
                SigningScheme::EcdsaP384Sha384,
                SigningScheme::EcdsaP384Sha256,
            ],
            KeyAlgorithm::Ed25519 => &[SigningScheme::Ed25519],
            KeyAlgorithm::Rsa => &[
                SigningScheme::RsaPkcs1Sha256,
                SigningScheme::RsaPssSha256,
                SigningScheme::RsaPkcs1Sha384,
                SigningScheme::RsaPssSha384,
                SigningScheme::RsaPkcs1Sha512,
                SigningScheme::RsaPssSha512,
            ],
            _ => &[],
        }
    }

    /// Whether `signature` is this key's signature over `message`.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let signature = SignatureBytes::from_bytes(signature);
        self.schemes().iter().any(|&scheme| {
            VerificationKey::from_spki_with_scheme(&self.der, scheme)
                .is_ok_and(|key| key.verify(message, &signature).is_ok())
        })
    }

    /// A short description: `ECDSA P-256 key cosign.pub`.
    pub(crate) fn describe(&self) -> String {
        let kind = match self.algorithm {
            KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
            KeyAlgorithm::EcdsaP384 => "ECDSA P-384",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Rsa => "RSA",
            _ => "other",
        };
        format!("{kind} key {}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_key_error_naming_the_file() {
        for (bytes, want) in [
            (&b"not a key"[..], "k.pub"),
            (
                b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                "k.pub",
            ),
            (b"\xff\xfe", "not PEM text"),
        ] {
            let err = PublicKey::from_pem("k.pub", bytes).unwrap_err().to_string();
            assert!(err.contains(want), "{want:?} not in {err}");
        }
    }
}
