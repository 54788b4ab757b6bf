//! CPU time per attestation for the native rules, after the policy is loaded.
//!
//! `cargo bench --bench native_rules` (a plain timing loop: no harness, no
//! extra dependencies). Three figures for a 20-step TaskRun:
//! evaluate only (Evidence already normalized), normalize + evaluate from a
//! decoded document, and the whole `verify_bytes` (parse JSON → report).

use std::hint::black_box;
use std::time::{Duration, Instant};

use provcheck::{PolicyBuilder, Verifier};

// The binary's allocator, so the figures are what `provcheck` costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A TaskRun with 20 steps: pinned, tag-only and runtime-only, as in real pipelines.
fn taskrun() -> Vec<u8> {
    let mut spec = Vec::new();
    let mut status = Vec::new();
    for i in 0..20 {
        let hex = format!("{i:064x}");
        let image = match i % 3 {
            0 => Some(format!("\"image\": \"quay.io/acme/step{i}@sha256:{hex}\",")),
            1 => Some(format!(
                "\"image\": \"gcr.io/tekton-releases/step{i}:v0.{i}\","
            )),
            _ => None,
        };
        spec.push(format!(
            "{{{} \"name\": \"s{i}\"}}",
            image.unwrap_or_default()
        ));
        status.push(format!(
            "{{\"name\": \"s{i}\", \"container\": \"step-s{i}\", \"imageID\": \"docker-pullable://quay.io/acme/step{i}@sha256:{hex}\"}}"
        ));
    }
    format!(
        "{{\"apiVersion\": \"tekton.dev/v1\", \"kind\": \"TaskRun\", \"metadata\": {{\"name\": \"bench\"}}, \"status\": {{\"taskSpec\": {{\"steps\": [{}]}}, \"steps\": [{}]}}}}",
        spec.join(","),
        status.join(",")
    )
    .into_bytes()
}

fn measure(name: &str, mut f: impl FnMut()) {
    // Warm up, then run for about two seconds.
    for _ in 0..200 {
        f();
    }
    let mut n: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..100 {
            f();
        }
        n += 100;
    }
    let per = start.elapsed() / u32::try_from(n).unwrap_or(u32::MAX);
    eprintln!(
        "{name:<44} {:>9.2} µs/attestation  {:>10.0} /s (1 thread)",
        per.as_secs_f64() * 1e6,
        1.0 / per.as_secs_f64()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut policy = PolicyBuilder::new();
    let value = serde_json::json!({
        "registry": {"allow": ["quay.io/acme", "gcr.io/tekton-releases"], "deny": ["quay.io/acme/legacy"]},
        "pinned": {},
        "runtime_digest": {"on_mismatch": "fail"},
    });
    policy.add_value("bench-policy", &value)?;
    let verifier = Verifier::new(policy.build()?);
    let bytes = taskrun();
    let doc = provcheck::ingest::ingest("bench.json", &bytes)?;
    let evidence = provcheck::normalize::normalize(&doc)?;
    eprintln!(
        "20-step TaskRun, {} bytes; policy: registry + pinned + runtime_digest",
        bytes.len()
    );

    measure("evaluate (native rules only)", || {
        black_box(verifier.verify_evidence(black_box(&evidence)).ok());
    });
    measure("normalize + evaluate", || {
        let ev = provcheck::normalize::normalize(black_box(&doc));
        black_box(ev.ok().and_then(|ev| verifier.verify_evidence(&ev).ok()));
    });
    measure("verify_bytes (parse + normalize + evaluate)", || {
        black_box(verifier.verify_bytes("bench.json", black_box(&bytes)));
    });
    Ok(())
}
