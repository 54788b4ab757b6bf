//! The floor under `provcheck audit`: what reading the generated
//! attestations, parsing the envelope and the statement JSON and verifying
//! the ECDSA P-256 signature over the PAE cost alone, with no Evidence, no
//! rules and no records. `benches/audit.sh` prints it beside the audit's own
//! rate.
//!
//! ```sh
//! cargo run --release --example gen_attestations -- 100000 /tmp/provcheck-bench
//! PROVCHECK_BENCH_DIR=/tmp/provcheck-bench cargo bench --bench audit_raw
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rayon::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<Sig>,
}

#[derive(Deserialize)]
struct Sig {
    sig: String,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn one(key: &UnparsedPublicKey<Vec<u8>>, path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    let env: Envelope = serde_json::from_slice(&bytes).unwrap();
    let payload = STANDARD.decode(&env.payload).unwrap();
    let sig = STANDARD.decode(&env.signatures[0].sig).unwrap();
    let mut pae = format!(
        "DSSEv1 {} {} {} ",
        env.payload_type.len(),
        env.payload_type,
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(&payload);
    let ok = key.verify(&pae, &sig).is_ok();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    ok && statement.is_object()
}

fn main() {
    let dir = PathBuf::from(
        std::env::var("PROVCHECK_BENCH_DIR").unwrap_or_else(|_| "/tmp/provcheck-bench".into()),
    );
    let pem = std::fs::read_to_string(dir.join("key.pub"))
        .expect("generate first: cargo run --release --example gen_attestations -- N DIR");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let spki = STANDARD.decode(b64).unwrap();
    // A P-256 SubjectPublicKeyInfo ends with the 65-byte uncompressed point.
    let key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, spki[spki.len() - 65..].to_vec());
    let mut all = Vec::new();
    files(&dir.join("attestations"), &mut all);
    let start = Instant::now();
    let ok = all.par_iter().filter(|p| one(&key, p)).count();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(ok, all.len(), "every generated attestation verifies");
    println!(
        "raw: read + envelope JSON + base64 + PAE + ECDSA P-256 verify + statement JSON: {} attestations in {secs:.2} s = {:.0}/s on {} threads",
        all.len(),
        all.len() as f64 / secs,
        rayon::current_num_threads()
    );
}
