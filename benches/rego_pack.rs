//! Evaluations per second of the shipped Rego pack (`policies/provcheck`)
//! against a 20-step Evidence, after compilation: one thread, and two
//! threads sharing one compiled policy.
//!
//! `cargo bench --bench rego_pack` (a plain timing loop, no harness).
//! `REGO_PACK_DIR=DIR` times another policy directory instead (to see what
//! one package, or one construct, costs). `REGO_PACK_EVALS=N` runs exactly N
//! evaluations untimed, for an instruction count under callgrind;
//! `REGO_PACK_INPUT=FILE` judges that document's Evidence instead.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use provcheck::PolicyBuilder;

#[path = "support/taskrun.rs"]
mod support;
use support::taskrun;

// The binary's allocator, so the figures are what `provcheck` costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = PolicyBuilder::new();
    builder.add_path(
        &std::env::var("REGO_PACK_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/provcheck")),
    )?;
    builder.add_data_value(
        "bench-data",
        serde_json::json!({
            "registry": {"allow": ["quay.io/acme", "gcr.io/tekton-releases"], "deny": ["quay.io/acme/legacy"]},
            "pinned": {},
            "builders": {"allow": ["https://tekton.dev/chains/v2"]},
        }),
    )?;
    let policy = builder.build()?;
    // REGO_PACK_INPUT=FILE judges that document's Evidence instead (e.g. one
    // of `gen_attestations`' attestations, as the audit benchmark sees them).
    let document = match std::env::var("REGO_PACK_INPUT") {
        Ok(path) => std::fs::read(path)?,
        Err(_) => taskrun(),
    };
    let evidence = provcheck::normalize_bytes("bench.json", &document).remove(0)?;
    let now = chrono::Utc::now();
    let eval = || provcheck::evaluate::evaluate(&policy, &evidence, now).map(|r| r.len());
    let results = eval()?;
    eprintln!("Rego pack (policies/provcheck), 20-step Evidence, {results} results per evaluation");

    // REGO_PACK_EVALS=N: exactly N evaluations on one thread and no timing,
    // for an instruction count (`valgrind --tool=callgrind`) that does not
    // depend on how busy the machine is.
    if let Some(n) = std::env::var("REGO_PACK_EVALS")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    {
        for _ in 0..n {
            black_box(eval().ok());
        }
        eprintln!("{n} evaluations");
        return Ok(());
    }

    for threads in [1usize, 2] {
        // REGO_PACK_MS shortens the runs (e.g. under callgrind).
        let deadline = Duration::from_millis(
            std::env::var("REGO_PACK_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(3000),
        );
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
