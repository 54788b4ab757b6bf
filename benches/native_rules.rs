//! CPU time per attestation for the native rules, after the policy is loaded.
//!
//! `cargo bench --bench native_rules` (a plain timing loop: no harness, no
//! extra dependencies). Three figures for a 20-step TaskRun:
//! evaluate only (Evidence already normalized), normalize + evaluate from a
//! decoded document, and the whole `verify_bytes` (parse JSON → report).

use std::hint::black_box;
use std::time::{Duration, Instant};

use provcheck::{PolicyBuilder, Verifier};

#[path = "support/taskrun.rs"]
mod support;
use support::taskrun;

// The binary's allocator, so the figures are what `provcheck` costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
