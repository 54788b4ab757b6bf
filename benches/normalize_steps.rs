//! A TaskRun with 100 000 steps (declared in the spec, reported in the
//! status, in the reverse order) read and normalized as `provcheck
//! normalize` does: the time, and the peak memory against the input's size.
//! The step join is a hash join: linear in the number of steps.
//!
//! ```sh
//! cargo bench --bench normalize_steps            # 100 000 steps
//! STEPS=50000 cargo bench --bench normalize_steps
//! ```
//!
//! Peak memory is the process's high-water mark (`VmHWM` in
//! `/proc/self/status`, Linux), measured after one run in a fresh process,
//! with the system allocator (the library's default; the binary's
//! mimalloc is measured whole-process in `benches/README.md`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::time::Instant;

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn main() {
    let steps: usize = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let hex = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
    let mut text = String::with_capacity(steps * 320);
    text.push_str(r#"{"kind":"TaskRun","metadata":{"name":"big"},"status":{"taskSpec":{"steps":["#);
    for i in 0..steps {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"name":"s{i}","image":"quay.io/acme/tool-{}@sha256:{hex}"}}"#,
            i % 97
        ));
    }
    text.push_str(r#"]},"steps":["#);
    for i in (0..steps).rev() {
        if i != steps - 1 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"name":"s{i}","container":"step-s{i}","imageID":"docker-pullable://quay.io/acme/tool-{}@sha256:{hex}"}}"#,
            i % 97
        ));
    }
    text.push_str("]}}");
    let input = text.len();
    let before = peak_rss_bytes().unwrap_or(0);
    let limits = provcheck::ingest::Limits {
        max_steps: steps.max(provcheck::ingest::MAX_STEPS),
        ..provcheck::ingest::Limits::default()
    };
    let start = Instant::now();
    let evidence = provcheck::normalize_bytes_with("big.json", text.as_bytes(), &limits)
        .remove(0)
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(evidence.steps.len(), steps);
    assert!(evidence.steps.iter().all(|s| s.runtime_image_id.is_some()));
    let peak = peak_rss_bytes().unwrap_or(0);
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "{steps} steps: input {:.1} MiB, normalized in {:.3} s; peak RSS {:.1} MiB ({:.1}× the input; {:.1} MiB before reading)",
        mib(input as u64),
        elapsed.as_secs_f64(),
        mib(peak),
        peak as f64 / input as f64,
        mib(before),
    );
    drop(evidence);
}
