//! Evaluations per second of the shipped Rego pack (`policies/provcheck`)
//! against a 20-step Evidence, after compilation: one thread, and two
//! threads sharing one compiled policy.
//!
//! `cargo bench --bench rego_pack` (a plain timing loop, no harness).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use provcheck::PolicyBuilder;

// The binary's allocator, so the figures are what `provcheck` costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The same 20-step TaskRun as the native-rules bench: pinned, tag-only and
/// runtime-only steps.
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
            "{{\"name\": \"s{i}\", \"imageID\": \"docker-pullable://quay.io/acme/step{i}@sha256:{hex}\"}}"
        ));
    }
    format!(
        "{{\"kind\": \"TaskRun\", \"status\": {{\"taskSpec\": {{\"steps\": [{}]}}, \"steps\": [{}]}}}}",
        spec.join(","),
        status.join(",")
    )
    .into_bytes()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = PolicyBuilder::new();
    builder.add_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/provcheck"))?;
    builder.add_data_value(
        "bench-data",
        serde_json::json!({
            "registry": {"allow": ["quay.io/acme", "gcr.io/tekton-releases"], "deny": ["quay.io/acme/legacy"]},
            "pinned": {},
            "builders": {"allow": ["https://tekton.dev/chains/v2"]},
        }),
    );
    let policy = builder.build()?;
    let evidence = provcheck::normalize_bytes("bench.json", &taskrun()).remove(0)?;
    let now = chrono::Utc::now();
    let eval = || provcheck::evaluate::evaluate(&policy, &evidence, now).map(|r| r.len());
    let results = eval()?;
    eprintln!("Rego pack (policies/provcheck), 20-step Evidence, {results} results per evaluation");

    for threads in [1usize, 2] {
        let deadline = Duration::from_secs(3);
        let start = Instant::now();
        let total: u64 = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut n = 0u64;
                        while start.elapsed() < deadline {
                            black_box(eval().ok());
                            n += 1;
                        }
                        n
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
        });
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{threads} thread(s) sharing one compiled policy: {:>8.0} evaluations/s  ({:.3} ms per attestation per thread)",
            total as f64 / secs,
            secs * 1e3 * threads as f64 / total as f64
        );
    }
    Ok(())
}
