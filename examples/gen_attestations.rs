//! Generate N realistic signed attestations for benchmarks and demos.
//!
//! ```sh
//! cargo run --release --example gen_attestations -- 100000 /tmp/atts
//! provcheck audit /tmp/atts/attestations --key /tmp/atts/key.pub \
//!     --policy policies/release-gate.yaml --output /tmp/records.jsonl
//! ```
//!
//! Each attestation is what Tekton Chains (`slsa/v2alpha3`) writes for a
//! TaskRun: an in-toto Statement v1 with SLSA provenance v1.0 whose
//! `externalParameters.runSpec` embeds a `taskSpec` of 20 steps — pinned
//! (`repo:tag@sha256:…`), tag-only and runtime-only (no `image`: the step
//! inherits nothing, only the runtime knows) — and whose
//! `resolvedDependencies` list the runtime images, wrapped in a DSSE
//! envelope signed with ECDSA P-256 over the PAE. The public key is written
//! to `OUTDIR/key.pub`, the attestations to `OUTDIR/attestations/NNN/`
//! (1 000 per directory). Content is reproducible from `--seed`; the
//! signatures (ECDSA) and the key are fresh each run.
//!
//! Arguments: `N OUTDIR [--seed S]`.

#![allow(clippy::print_stdout)] // an example's output is for its user

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A small deterministic generator (xorshift64*): reproducible content
/// without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn hex(&mut self) -> String {
        (0..4).map(|_| format!("{:016x}", self.next())).collect()
    }
}

/// Repositories steps are pinned to: the first five are allowed by
/// `policies/release-gate.yaml`, the last three are not.
const PINNED: &[&str] = &[
    "gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init",
    "quay.io/buildah/stable",
    "quay.io/acme/builder",
    "quay.io/acme/pusher",
    "quay.io/acme/scanner",
    // Outside the allow-list, then denied.
    "registry.redhat.io/ubi9/ubi-minimal",
    "gcr.io/distroless/static",
    "quay.io/acme/legacy/signer",
];

/// Images steps ask for by tag only.
const TAGGED: &[&str] = &[
    "golang:1.23",
    "docker.io/library/alpine:3.20",
    "quay.io/buildah/stable:v1.37",
    "quay.io/acme/test-runner:latest",
    "ghcr.io/acme/linter:v2",
];

/// Step names, in order.
const STEPS: &[&str] = &[
    "clone",
    "prepare",
    "restore-cache",
    "fetch-deps",
    "generate",
    "lint",
    "vet",
    "unit-test",
    "build",
    "integration-test",
    "sbom",
    "scan",
    "license-check",
    "package",
    "sign-binaries",
    "build-image",
    "push",
    "save-cache",
    "report",
    "cleanup",
];

fn nth(list: &[&'static str], i: u64) -> &'static str {
    usize::try_from(i)
        .ok()
        .and_then(|i| list.get(i))
        .copied()
        .unwrap_or_default()
}

fn pem(spki: &[u8]) -> String {
    let b64 = STANDARD.encode(spki);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

/// One Chains-like SLSA v1.0 statement.
fn statement(rng: &mut Rng, i: u64) -> Value {
    // Builds spread over 2026, a few minutes each.
    let start = 1_767_225_600 + rng.below(365 * 86_400);
    let time = |t: u64| {
        chrono::DateTime::from_timestamp(i64::try_from(t).unwrap_or(0), 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default()
    };
    let mut steps = Vec::new();
    let mut deps = Vec::new();
    // A build's profile: a third clean (every step pinned to an allowed
    // repository), the rest with tag-only and runtime-only steps, a few
    // pinned outside the allow-list (or to the denied quay.io/acme/legacy).
    let profile = rng.below(100);
    for (n, name) in STEPS.iter().enumerate() {
        let runtime_digest = rng.hex();
        let roll = if profile < 33 { 0 } else { rng.below(100) };
        let (step, runtime_repo) = if roll < 60 {
            let allowed = PINNED.len() as u64 - 3;
            let pick = if profile >= 90 && rng.below(10) == 0 {
                allowed + rng.below(3) // outside the allow-list, or denied
            } else {
                rng.below(allowed)
            };
            let repo = nth(PINNED, pick);
            let digest = if profile >= 33 && rng.below(50) == 0 {
                rng.hex() // the runtime ran another manifest: a mismatch
            } else {
                runtime_digest.clone()
            };
            (
                json!({"name": name, "image": format!("{repo}:v{}@sha256:{digest}", n % 4 + 1),
                       "script": format!("#!/bin/sh\nset -e\necho {name}\n")}),
                repo.to_owned(),
            )
        } else if roll < 85 {
            let image = nth(TAGGED, rng.below(TAGGED.len() as u64));
            let repo = image.rsplit_once(':').map_or(image, |(r, _)| r);
            (
                json!({"name": name, "image": image, "args": ["--step", name]}),
                repo.to_owned(),
            )
        } else {
            // Runtime-only: the task spec names no image for this step.
            (
                json!({"name": name, "command": ["/bin/true"]}),
                format!("quay.io/acme/runtime-{n}"),
            )
        };
        steps.push(step);
        deps.push(
            json!({"uri": format!("oci://{runtime_repo}"), "digest": {"sha256": runtime_digest}}),
        );
    }
    deps.push(json!({"uri": "git+https://github.com/acme/app.git",
                     "digest": {"sha1": format!("{:016x}{:016x}{:08x}", rng.next(), rng.next(), rng.below(1 << 32))},
                     "name": "inputs/result"}));
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "quay.io/acme/app", "digest": {"sha256": rng.hex()}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://tekton.dev/chains/v2/slsa-tekton",
                "externalParameters": {
                    "runSpec": {
                        "serviceAccountName": "default",
                        "params": [{"name": "revision", "value": "main"}],
                        "taskSpec": {
                            "params": [{"name": "revision", "type": "string"}],
                            "steps": steps,
                        },
                        "timeout": "1h0m0s",
                    }
                },
                "internalParameters": {"tekton-pipelines-feature-flags": {"EnableAPIFields": "beta"}},
                "resolvedDependencies": deps,
            },
            "runDetails": {
                "builder": {"id": if i.is_multiple_of(10) { "https://tekton.dev/chains/v2/staging" } else { "https://tekton.dev/chains/v2" }},
                "metadata": {
                    "invocationID": format!("https://tekton.acme.example/taskruns/build-{i:06}"),
                    "startedOn": time(start),
                    "finishedOn": time(start + 60 + rng.below(600)),
                },
                "byproducts": [],
            },
        },
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: gen_attestations N OUTDIR [--seed S]";
    let n: u64 = args.next().ok_or(usage)?.parse()?;
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let mut seed = 0x5eed_u64;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().ok_or(usage)?.parse()?,
            _ => return Err(usage.into()),
        }
    }
    let rng_sys = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng_sys)
        .map_err(|e| format!("key: {e}"))?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref())
        .map_err(|e| format!("key: {e}"))?;
    let spki = key.public_key().as_der().map_err(|e| format!("key: {e}"))?;
    fs::create_dir_all(dir.join("attestations"))?;
    fs::write(dir.join("key.pub"), pem(spki.as_ref()))?;
    let mut rng = Rng(seed.max(1));
    for i in 0..n {
        let payload = serde_json::to_vec(&statement(&mut rng, i))?;
        let sig = key
            .sign(&rng_sys, &sigstore_types::pae(PAYLOAD_TYPE, &payload))
            .map_err(|e| format!("sign: {e}"))?;
        let envelope = json!({
            "payloadType": PAYLOAD_TYPE,
            "payload": STANDARD.encode(&payload),
            "signatures": [{"keyid": "", "sig": STANDARD.encode(sig.as_ref())}],
        });
        let sub = dir.join("attestations").join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&sub)?;
        }
        let mut f = fs::File::create(sub.join(format!("{i:06}.intoto.json")))?;
        serde_json::to_writer(&mut f, &envelope)?;
        f.write_all(b"\n")?;
    }
    println!(
        "wrote {n} attestations under {} and the public key {}",
        dir.join("attestations").display(),
        dir.join("key.pub").display()
    );
    Ok(())
}
