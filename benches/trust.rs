//! Trust throughput: keyed DSSE verifications per second (ECDSA P-256,
//! Ed25519) and Sigstore bundle verifications per second through
//! the ingest stage and `provcheck::verify::check`, next to the raw signature-verify speed of the
//! crypto crate underneath (aws-lc-rs, via sigstore-crypto).
//!
//! `cargo bench --bench trust` (release, one thread, plain `std::time`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair, UnparsedPublicKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use provcheck::verify::{TrustBuilder, TrustMaterial};
use provcheck::{RuleResult, Status};

/// The trust results of the one document in `bytes`: decoded once by the
/// ingest stage, then verified.
fn check(trust: &TrustMaterial, name: &str, bytes: &[u8]) -> Vec<RuleResult> {
    let doc = provcheck::ingest::ingest_all(name, bytes)
        .pop()
        .unwrap()
        .unwrap();
    provcheck::verify::check(trust, &doc)
}

/// Run `f` repeatedly for about `budget`; operations per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..16 {
            f();
        }
        n += 16;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn pem(spki: &[u8]) -> String {
    let b64 = STANDARD.encode(spki);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

const T: &str = "application/vnd.in-toto+json";
const HEX: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

fn envelope(payload: &[u8], sig: &[u8]) -> Vec<u8> {
    serde_json::json!({"payloadType": T, "payload": STANDARD.encode(payload),
        "signatures": [{"keyid": "", "sig": STANDARD.encode(sig)}]})
    .to_string()
    .into_bytes()
}

fn main() {
    let budget = Duration::from_secs(2);
    let rng = SystemRandom::new();
    // A ~2 KB SLSA-like statement.
    let payload = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"quay.io/acme/app","digest":{{"sha256":"{HEX}"}}}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"buildDefinition":{{"buildType":"https://tekton.dev/chains/v2/slsa","externalParameters":{{}},"resolvedDependencies":[{}]}}}}}}"#,
        (0..12)
            .map(|i| format!(
                r#"{{"uri":"oci://quay.io/acme/step-{i}","digest":{{"sha256":"{HEX}"}}}}"#
            ))
            .collect::<Vec<_>>()
            .join(",")
    )
    .into_bytes();
    let message = sigstore_types::pae(T, &payload);
    let digest = format!("sha256:{HEX}");
    println!(
        "payload {} bytes; each figure is operations/s on one thread",
        payload.len()
    );

    // ECDSA P-256.
    let p256 =
        signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let p256_spki = p256.public_key().as_der().unwrap().as_ref().to_vec();
    let p256_sig = p256.sign(&rng, &message).unwrap().as_ref().to_vec();
    let raw_key = UnparsedPublicKey::new(
        &signature::ECDSA_P256_SHA256_ASN1,
        p256.public_key().as_ref().to_vec(),
    );
    let raw = rate(budget, || {
        raw_key
            .verify(black_box(&message), black_box(&p256_sig))
            .unwrap();
    });
    let mut b = TrustBuilder::new();
    b.add_key_pem("p256.pub", pem(&p256_spki).as_bytes())
        .unwrap()
        .digest(&digest)
        .unwrap();
    let trust = b.build().unwrap();
    let env = envelope(&payload, &p256_sig);
    let ours = rate(budget, || {
        let r = check(&trust, "e.json", black_box(&env));
        assert!(r.iter().all(|x| x.status == Status::Pass));
    });
    println!("ECDSA P-256  raw aws-lc-rs verify {raw:>9.0}/s   provcheck keyed DSSE (ingest, PAE, verify, subject) {ours:>9.0}/s");

    // Ed25519.
    let ed = signature::Ed25519KeyPair::generate().unwrap();
    let ed_spki = ed.public_key().as_der().unwrap().as_ref().to_vec();
    let ed_sig = ed.sign(&message).as_ref().to_vec();
    let raw_key = UnparsedPublicKey::new(&signature::ED25519, ed.public_key().as_ref().to_vec());
    let raw = rate(budget, || {
        raw_key
            .verify(black_box(&message), black_box(&ed_sig))
            .unwrap();
    });
    let mut b = TrustBuilder::new();
    b.add_key_pem("ed.pub", pem(&ed_spki).as_bytes())
        .unwrap()
        .digest(&digest)
        .unwrap();
    let trust = b.build().unwrap();
    let env = envelope(&payload, &ed_sig);
    let ours = rate(budget, || {
        let r = check(&trust, "e.json", black_box(&env));
        assert!(r.iter().all(|x| x.status == Status::Pass));
    });
    println!("Ed25519      raw aws-lc-rs verify {raw:>9.0}/s   provcheck keyed DSSE (ingest, PAE, verify, subject) {ours:>9.0}/s");

    // Sigstore bundles, embedded public-good root.
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for (file, identity, digest) in [
        (
            "npm/gh-cli/sigstore-js-2.1.0-bundle.json",
            "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
            "sha512:90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258463b1e55c0f7469f730265008fa6633f",
        ),
        (
            "sigstore/conformance/bundle-verify/happy-path-v0.3/bundle.sigstore.json",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
            "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
        ),
    ] {
        let bytes = std::fs::read(corpus.join(file)).unwrap();
        let mut b = TrustBuilder::new();
        b.certificate_identity(identity)
            .certificate_oidc_issuer("https://token.actions.githubusercontent.com")
            .digest(digest)
            .unwrap();
        let trust = b.build().unwrap();
        let ours = rate(budget, || {
            let r = check(&trust, "b.json", black_box(&bytes));
            assert!(r.iter().all(|x| x.status == Status::Pass), "{r:?}");
        });
        println!("bundle       {file}: provcheck (chain, SCT, tlog, signature, identity, subject) {ours:>7.0}/s");
    }
    let start = Instant::now();
    let mut b = TrustBuilder::new();
    b.certificate_oidc_issuer("https://token.actions.githubusercontent.com");
    let trust = b.build().unwrap();
    let bytes = std::fs::read(corpus.join("npm/gh-cli/sigstore-js-2.1.0-bundle.json")).unwrap();
    let _ = check(&trust, "b.json", &bytes);
    println!(
        "first bundle with fresh trust material (embedded root parsed, verifier built): {:?}",
        start.elapsed()
    );
}
