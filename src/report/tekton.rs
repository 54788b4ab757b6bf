//! Tekton's `TEST_OUTPUT`: the one-line JSON result that Konflux and other
//! Tekton pipelines read from a task result
//! (`schemas/tekton-test-output.schema.json`).
//!
//! The run's `result`: `ERROR` when an input could not be judged,
//! `FAILURE` when every document was skipped for its predicate type
//! (nothing judged never passes), else
//! `FAILURE` for a fail, `WARNING` for an unknown (`FAILURE` when unknown
//! gates the release), `SUCCESS` for a pass. The counts are of results:
//! `successes` the plain passes, `failures` the fails (and unknowns when
//! they gate), `warnings` the unknowns that do not gate and the passes that
//! warn.

use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::entry::Entry;
use crate::results::Status;

/// How the `TEST_OUTPUT` is made.
#[derive(Debug, Clone, Copy)]
pub struct TektonOptions {
    /// An `unknown` is a failure (`--unknown fail`, or no `--unknown`).
    pub unknown_fails: bool,
    /// The `timestamp`.
    pub now: DateTime<Utc>,
}

#[derive(Serialize)]
struct TestOutput {
    result: &'static str,
    timestamp: String,
    namespace: &'static str,
    successes: usize,
    failures: usize,
    warnings: usize,
    note: String,
}

/// Write a run's entries as one `TEST_OUTPUT` JSON line.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_tekton(
    out: &mut impl io::Write,
    entries: &[Entry],
    options: TektonOptions,
) -> io::Result<()> {
    let reports = || entries.iter().filter_map(Entry::judged);
    let results = || reports().flat_map(|r| &r.results);
    let skipped = entries.iter().filter(|e| e.is_skipped()).count();
    let errors = entries.len() - reports().count() - skipped;
    let passes = results()
        .filter(|r| r.status == Status::Pass && r.warning.is_none())
        .count();
    let fails = results().filter(|r| r.status == Status::Fail).count();
    let unknowns = results().filter(|r| r.status == Status::Unknown).count();
    let warned = results()
        .filter(|r| r.status == Status::Pass && r.warning.is_some())
        .count();
    let verdict = reports().map(|r| r.verdict).max();
    let result = match (errors, verdict) {
        // Every document skipped for its predicate type: nothing judged,
        // which never passes (the run exits 3).
        (0, None) if skipped > 0 => "FAILURE",
        (1.., _) | (0, None) => "ERROR",
        (0, Some(Status::Fail)) => "FAILURE",
        (0, Some(Status::Unknown)) if options.unknown_fails => "FAILURE",
        (0, Some(Status::Unknown)) => "WARNING",
        (0, Some(Status::Pass)) => "SUCCESS",
    };
    let (failures, warnings) = if options.unknown_fails {
        (fails + unknowns, warned)
    } else {
        (fails, unknowns + warned)
    };
    let documents = entries.len();
    let note = format!(
        "provcheck verify: {documents} document{}, {} not judged, {skipped} skipped; {fails} fail, {unknowns} unknown, {passes} pass. For details, see the task log.",
        if documents == 1 { "" } else { "s" },
        errors
    );
    let output = TestOutput {
        result,
        timestamp: options.now.to_rfc3339_opts(SecondsFormat::Secs, true),
        namespace: "default",
        successes: passes,
        failures: failures + errors,
        warnings,
        note,
    };
    serde_json::to_writer(&mut *out, &output)?;
    writeln!(out)
}
