//! Batch audits: many inputs → a stream of records + a [`Summary`].
//!
//! [`Audit::run`] walks files and directories (sorted, depth first; `-`
//! reads JSON lines from standard input), judges every document with one
//! shared [`Verifier`] on a pool of threads, and writes one JSON line per
//! document **in input order**, whatever the number of threads: inputs are
//! taken in chunks, a chunk is judged in parallel and its records are written
//! in order while the next chunk is judged. Memory holds a few chunks, never
//! the whole run.
//!
//! Nothing is lost: a file that cannot be read, a document that cannot be
//! decoded, a directory that cannot be listed — each becomes a record with
//! `"verdict": "error"` and the reason, and the run goes on. The summary
//! shows `inputs = pass + fail + unknown + error`; documents outside the
//! `--since`/`--until` window get a `"verdict": "skipped"` record and are
//! counted apart.
//!
//! A record (one line). `results` are the results of the report of
//! `provcheck verify` that are not a plain pass (failures, unknowns,
//! warnings); `passed` counts the plain passes by rule, so every result is
//! accounted for while a record stays small. With
//! [`AuditOptions::all_results`], `results` holds every result and `passed`
//! is left out.
//!
//! ```json
//! {"path":"atts/0001.json","verdict":"fail","build_time":"2026-03-01T10:00:00Z",
//!  "builder_id":"https://tekton.dev/chains/v2","steps":{"pinned":12,"unpinned":5,"undeclared":3,"invalid":0},
//!  "registries":{"quay.io":8,"gcr.io":4},"unpinned_images":["golang:1.23"],
//!  "results":[{"rule":"registry.allowed","status":"fail","step":"lint","message":"…","evidence":["…"]}],
//!  "passed":{"registry.allowed":11,"signature":1,"steps.pinned":20}}
//! {"path":"atts/0002.json","verdict":"error","error":"atts/0002.json:1:9: invalid JSON: …"}
//! ```
//!
//! The summary is a fold over records (`Summary::add`), so a resumed run
//! ([`Resume`]) and merged shards ([`Summary::merge`], [`merge_records`])
//! give the same summary as one uninterrupted run.

mod html;
mod merge;
mod summary;

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc;

use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::evaluate::{RuleResult, Status};
use crate::evidence::Evidence;
use crate::ingest;
use crate::normalize::trust::TrustStatus;
use crate::verifier::{Judged, Verifier};

pub use html::write_summary_html;
pub use merge::merge_records;
pub use summary::{write_summary_text, Counts, StepCounts, Summary};

/// How many inputs are judged together before their records are written.
const CHUNK: usize = 256;

/// Room for one typical record, reserved up front.
const RECORD_BYTES: usize = 8 << 10;

/// An audit failed as a whole (its inputs' problems are records, not this).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Writing the records (or reading them back) failed.
    #[error("{file}: {cause}")]
    Io {
        /// The file (or `-`).
        file: String,
        /// Why.
        #[source]
        cause: io::Error,
    },
    /// A record file or summary holds a line that is not a record.
    #[error("{file}:{line}: not an audit record or summary: {cause}")]
    Record {
        /// The file.
        file: String,
        /// The 1-based line.
        line: usize,
        /// Why.
        #[source]
        cause: serde_json::Error,
    },
    /// `--shard` is not `I/N` with `1 <= I <= N`.
    #[error("invalid shard {given:?}: expected I/N with 1 <= I <= N (shards are numbered from 1; JOB_COMPLETION_INDEX is 0-based: use job/N)")]
    Shard {
        /// What was given.
        given: String,
    },
    /// `--since`/`--until` is not a date or an RFC 3339 time.
    #[error("invalid time {given:?}: expected YYYY-MM-DD or an RFC 3339 time such as 2026-01-31T12:00:00Z")]
    Time {
        /// What was given.
        given: String,
    },
    /// The last record of a run to resume names a file whose name is not
    /// UTF-8 (recorded with U+FFFD), so where to go on is not known exactly.
    #[error(
        "{file}: the last record names {path:?}, a file name that is not UTF-8 (recorded with \
         U+FFFD): where to go on is not known exactly, so nothing is resumed; rerun without \
         --resume (or rename such files)"
    )]
    ResumeAmbiguous {
        /// The record file.
        file: String,
        /// The path as recorded.
        path: String,
    },
    /// An output would overwrite an input.
    #[error("{output}: {why}: write it elsewhere (or delete it first)")]
    OutputIsInput {
        /// The output file.
        output: String,
        /// Which input it is, or lies in.
        why: String,
    },
    /// The thread pool could not be built.
    #[error("cannot start {jobs} worker threads: {cause}")]
    Threads {
        /// The number asked for.
        jobs: usize,
        /// Why.
        #[source]
        cause: rayon::ThreadPoolBuildError,
    },
}

/// A stable 1/N of the inputs: the files whose path (as written, e.g.
/// `atts/2026/0001.json`) hashes to this shard, with FNV-1a 64 — the same
/// answer on every machine and every run, unlike std's randomized hasher.
/// Shards are numbered `1..=N`; standard input (`-`) is one path like any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Shard `index` of `count` (1-based).
    ///
    /// # Errors
    ///
    /// [`AuditError::Shard`] unless `1 <= index <= count`.
    pub fn new(index: u64, count: u64) -> Result<Self, AuditError> {
        if index == 0 || index > count {
            return Err(AuditError::Shard {
                given: format!("{index}/{count}"),
            });
        }
        Ok(Self { index, count })
    }

    /// The 1-based index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of shards.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the input named `path` belongs to this shard.
    pub fn contains(&self, path: &str) -> bool {
        stable_hash(path.as_bytes()) % self.count + 1 == self.index
    }
}

impl FromStr for Shard {
    type Err = AuditError;

    /// `I/N`, e.g. `2/8`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AuditError::Shard {
            given: s.to_owned(),
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Self::new(i, n).map_err(|_| bad())
    }
}

/// FNV-1a, 64 bits: a stable, well-known hash (the shard of a path never
/// changes between runs, machines or provcheck versions).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Parse `--since`/`--until`: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
///
/// # Errors
///
/// [`AuditError::Time`] for anything else.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, AuditError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    // Exactly YYYY-MM-DD (chrono alone would take `2026-1-5`).
    let shaped =
        s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| AuditError::Time {
            given: s.to_owned(),
        })
}

/// A record's verdict: a document's, or `error`/`skipped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every result passes.
    Pass,
    /// A result fails.
    Fail,
    /// No result fails and one cannot be decided.
    Unknown,
    /// The input could not be read or decoded.
    Error,
    /// Outside the `--since`/`--until` window (not counted in `inputs`).
    Skipped,
}

impl From<Status> for Verdict {
    fn from(s: Status) -> Self {
        match s {
            Status::Pass => Self::Pass,
            Status::Fail => Self::Fail,
            Status::Unknown => Self::Unknown,
        }
    }
}

/// Where an interrupted run stopped, read back from its record file.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    summary: Summary,
    last: Option<(PathBuf, usize)>,
    records: u64,
}

impl Resume {
    /// Read the records an interrupted run wrote to `file`, cut a
    /// half-written last line off the file, and remember where to go on:
    /// inputs before the last recorded path are done, and of that path the
    /// records already written are not written again.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when the file cannot be read or cut,
    /// [`AuditError::Record`] when a complete line is not a record.
    pub fn from_file(file: &Path) -> Result<Self, AuditError> {
        let name = file.display().to_string();
        let io_err = |cause| AuditError::Io {
            file: name.clone(),
            cause,
        };
        let handle = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(file)
        {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(io_err(e)),
        };
        let mut reader = io::BufReader::new(&handle);
        let mut resume = Self::default();
        let mut buf = Vec::new();
        let mut complete: u64 = 0;
        let mut line_no = 0;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
            if n == 0 || buf.last() != Some(&b'\n') {
                break; // end, or a line cut by the interruption
            }
            line_no += 1;
            let record: Tally =
                serde_json::from_slice(&buf).map_err(|cause| AuditError::Record {
                    file: name.clone(),
                    line: line_no,
                    cause,
                })?;
            complete += n as u64;
            resume.records += 1;
            let path = PathBuf::from(&record.path);
            resume.last = match resume.last.take() {
                Some((last, count)) if last == path => Some((last, count + 1)),
                _ => Some((path, 1)),
            };
            resume.summary.add(&record);
        }
        // A name that is not UTF-8 is recorded with U+FFFD: the place after
        // it cannot be found exactly, and a guess could skip an input.
        if let Some((last, _)) = &resume.last {
            if last.to_string_lossy().contains('\u{fffd}') {
                return Err(AuditError::ResumeAmbiguous {
                    file: name,
                    path: last.display().to_string(),
                });
            }
        }
        drop(reader);
        handle.set_len(complete).map_err(io_err)?;
        Ok(resume)
    }

    /// How many complete records the file held.
    pub fn records(&self) -> u64 {
        self.records
    }
}

/// Settings of a batch audit.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Worker threads (0: all cores).
    pub jobs: usize,
    /// Only builds that started (else finished) at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only builds that started (else finished) before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only this shard of the inputs.
    pub shard: Option<Shard>,
    /// Go on from an interrupted run.
    pub resume: Option<Resume>,
    /// Write every result into the records, plain passes too (by default
    /// they are counted in `passed`).
    pub all_results: bool,
    /// The files this run writes (records, summaries): never read as
    /// inputs, even inside a directory that is walked.
    pub outputs: Vec<PathBuf>,
}

/// A batch audit: one [`Verifier`] over many inputs.
#[derive(Debug)]
pub struct Audit<'a> {
    verifier: &'a Verifier,
    options: AuditOptions,
}

/// One input to judge.
enum Unit {
    /// A file.
    File(PathBuf),
    /// One line of standard input.
    Line(usize, Vec<u8>),
    /// A line of standard input longer than the input limit (not kept).
    LongLine(usize),
    /// A path that could not be walked.
    Failed(PathBuf, String),
}

impl Unit {
    fn path(&self) -> &Path {
        match self {
            Self::File(p) | Self::Failed(p, _) => p,
            Self::Line(..) | Self::LongLine(_) => Path::new("-"),
        }
    }
}

/// A judged input: its record lines and what the summary needs of them.
struct Done {
    lines: Vec<u8>,
    tallies: Vec<Tally>,
}

/// The part of a record a summary needs (records read back are parsed into
/// this; unknown members are ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Tally {
    pub(crate) path: String,
    pub(crate) verdict: Option<Verdict>,
    #[serde(default)]
    pub(crate) build_time: Option<String>,
    #[serde(default)]
    pub(crate) builder_id: Option<String>,
    #[serde(default)]
    pub(crate) steps: StepCounts,
    #[serde(default)]
    pub(crate) registries: BTreeMap<String, u64>,
    #[serde(default)]
    pub(crate) unpinned_images: Vec<String>,
    #[serde(default)]
    pub(crate) results: Vec<TallyResult>,
    #[serde(default)]
    pub(crate) passed: BTreeMap<String, u64>,
}

/// One result of a record, as the summary reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TallyResult {
    pub(crate) rule: String,
    pub(crate) status: TallyStatus,
    #[serde(default)]
    pub(crate) message: String,
}

/// [`Status`], readable back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TallyStatus {
    Pass,
    Fail,
    Unknown,
}

/// A record as written.
#[derive(Serialize)]
struct RecordOut<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    builder_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<&'a StepCounts>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    registries: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unpinned_images: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    results: &'a [&'a RuleResult],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    passed: &'a BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    insecure: &'a [String],
}

impl<'a> Audit<'a> {
    /// An audit judging every document with `verifier`.
    pub fn new(verifier: &'a Verifier, options: AuditOptions) -> Self {
        Self { verifier, options }
    }

    /// Judge every input below `paths` and write one record line per
    /// document to `out`, in input order; `progress` is told the number of
    /// records written so far after each chunk.
    ///
    /// Paths are taken in sorted order (by path component), directories
    /// depth first with their entries sorted; hidden entries (`.name`) inside
    /// directories are left out, symbolic links to files followed, to
    /// directories not (an error record says so). `-` reads standard input
    /// as JSON lines, one document per non-blank line.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when a record cannot be written (the run stops:
    /// what was written can be resumed), [`AuditError::Threads`] when the
    /// pool cannot start. Problems with inputs are records, not errors.
    pub fn run(
        &mut self,
        paths: &[PathBuf],
        out: &mut (dyn Write + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Summary, AuditError> {
        let jobs = if self.options.jobs == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        } else {
            self.options.jobs
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|cause| AuditError::Threads { jobs, cause })?;
        let resume = self.options.resume.take().unwrap_or_default();
        let mut summary = resume.summary;
        let written = resume.records;
        let (skip_before, mut drop_of_last) = match resume.last {
            Some((path, count)) => (Some(path), count),
            None => (None, 0),
        };
        let last_name = skip_before.as_ref().map(|p| p.display().to_string());
        let shard = self.options.shard;
        let outputs = &self.options.outputs;
        let max_bytes = self.verifier.limits().max_bytes;
        let (tx, rx) = mpsc::sync_channel::<Vec<Done>>(2);

        std::thread::scope(|scope| {
            let summary = &mut summary;
            let writer = scope.spawn(move || -> Result<(), AuditError> {
                let io_err = |cause| AuditError::Io {
                    file: "records".to_owned(),
                    cause,
                };
                let mut count = written;
                for chunk in rx {
                    for done in chunk {
                        let mut lines = done.lines.split_inclusive(|b| *b == b'\n');
                        for tally in done.tallies {
                            let line = lines.next().unwrap_or_default();
                            if drop_of_last > 0 && last_name.as_deref() == Some(&tally.path) {
                                drop_of_last -= 1; // written before the interruption
                                continue;
                            }
                            out.write_all(line).map_err(io_err)?;
                            summary.add(&tally);
                            count += 1;
                        }
                    }
                    out.flush().map_err(io_err)?;
                    progress(count);
                }
                Ok(())
            });
            // The walk runs ahead on its own thread, so listing directories
            // never leaves the workers idle between chunks.
            let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<Unit>>(2);
            scope.spawn(move || {
                let mut inputs = Inputs::new(paths, outputs, max_bytes);
                loop {
                    let mut chunk = Vec::with_capacity(CHUNK);
                    while chunk.len() < CHUNK {
                        let Some(unit) = inputs.next() else { break };
                        if let Some(before) = &skip_before {
                            if unit.path() < before.as_path() {
                                continue; // recorded before the interruption
                            }
                        }
                        if let Some(shard) = &shard {
                            if !shard.contains(&unit.path().display().to_string()) {
                                continue;
                            }
                        }
                        chunk.push(unit);
                    }
                    if chunk.is_empty() || chunk_tx.send(chunk).is_err() {
                        break;
                    }
                }
            });
            for chunk in chunk_rx {
                // One input per rayon job: left to itself rayon hands each
                // thread runs of up to 64 inputs, and at the end of a chunk
                // one thread idled while the other finished its run (two
                // cores were 1.79 busy over 10 000 inputs, 1.87 with this).
                let done: Vec<Done> = pool.install(|| {
                    chunk
                        .into_par_iter()
                        .with_max_len(1)
                        .map(|u| self.judge(u))
                        .collect()
                });
                if tx.send(done).is_err() {
                    break; // the writer stopped: its error says why
                }
            }
            drop(tx);
            writer.join().unwrap_or_else(|_| {
                Err(AuditError::Io {
                    file: "records".to_owned(),
                    cause: io::Error::other("the record writer stopped"),
                })
            })
        })?;
        Ok(summary)
    }

    /// Judge one input: every document in it, or one error record.
    fn judge(&self, unit: Unit) -> Done {
        let mut done = Done {
            lines: Vec::with_capacity(RECORD_BYTES),
            tallies: Vec::new(),
        };
        match unit {
            Unit::Failed(path, why) => {
                done.error(&path.display().to_string(), None, &why);
            }
            Unit::Line(line, bytes) => {
                let judged = self.verifier.judge_bytes("-", &bytes);
                self.record_all(&mut done, "-", Some(line), judged);
            }
            Unit::LongLine(line) => {
                let e = crate::error::IngestError::TooLarge {
                    file: "-".to_owned(),
                    limit: self.verifier.limits().max_bytes,
                };
                done.error("-", Some(line), &e.to_string());
            }
            Unit::File(path) => {
                let name = path.display().to_string();
                match ingest::read_input(&path, self.verifier.limits()) {
                    Ok(bytes) => {
                        let judged = self.verifier.judge_bytes(&name, &bytes);
                        self.record_all(&mut done, &name, None, judged);
                    }
                    Err(e) => done.error(&name, None, &e.to_string()),
                }
            }
        }
        done
    }

    fn record_all(
        &self,
        done: &mut Done,
        path: &str,
        line: Option<usize>,
        judged: Vec<Result<Judged, crate::Error>>,
    ) {
        if judged.is_empty() {
            done.error(path, line, "no document in the input");
        }
        for j in judged {
            match j {
                Ok(j) => self.record(done, path, line, j),
                Err(e) => done.error(path, line, &e.to_string()),
            }
        }
    }

    fn record(&self, done: &mut Done, path: &str, line: Option<usize>, judged: Judged) {
        let report = &judged.report;
        let ev = judged.evidence.as_ref();
        let build_time = ev.and_then(recorded_build_time);
        let mut tally = Tally {
            path: path.to_owned(),
            verdict: Some(report.verdict.into()),
            build_time: build_time.map(|(s, _)| s.to_owned()),
            builder_id: ev.and_then(|e| e.builder_id.clone()),
            ..Tally::default()
        };
        // A document whose signature fails has no trusted build time (a
        // payload is not trusted before its signature verifies): it is kept,
        // never skipped — a window does not hide a failure.
        let signature_failed = report
            .results
            .iter()
            .any(|r| r.rule == crate::verify::SIGNATURE && r.status == Status::Fail);
        let skipped = match ev {
            Some(_) if !signature_failed => self.outside_window(build_time.map(|(_, t)| t)),
            _ => None,
        };
        if let Some(ev) = ev {
            for step in &ev.steps {
                match step.trust.status {
                    TrustStatus::Pinned => {
                        tally.steps.pinned += 1;
                        if let Some(r) = &step.trusted_reference {
                            // Hosts compare without case: one key per registry.
                            let host = r.split('/').next().unwrap_or(r);
                            let lower;
                            let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
                                lower = host.to_ascii_lowercase();
                                lower.as_str()
                            } else {
                                host
                            };
                            match tally.registries.get_mut(host) {
                                Some(n) => *n += 1,
                                None => {
                                    tally.registries.insert(host.to_owned(), 1);
                                }
                            }
                        }
                    }
                    TrustStatus::Unpinned => {
                        tally.steps.unpinned += 1;
                        if let Some(d) = &step.declared_image {
                            if !tally.unpinned_images.contains(d) {
                                tally.unpinned_images.push(d.clone());
                            }
                        }
                    }
                    TrustStatus::Undeclared => tally.steps.undeclared += 1,
                    TrustStatus::Invalid => tally.steps.invalid += 1,
                }
            }
        }
        // Plain passes are counted, the rest written out (see the module docs).
        let listed = |r: &RuleResult| {
            self.options.all_results || r.status != Status::Pass || r.warning.is_some()
        };
        let mut results = Vec::with_capacity(report.results.len());
        for r in &report.results {
            if listed(r) {
                results.push(r);
            } else if let Some(n) = tally.passed.get_mut(&r.rule) {
                *n += 1;
            } else {
                tally.passed.insert(r.rule.clone(), 1);
            }
        }
        let line = line.or(report.line);
        let source = (report.source != path).then_some(report.source.as_str());
        let mut out = RecordOut {
            path,
            line,
            source,
            verdict: report.verdict.into(),
            error: None,
            skipped: None,
            build_time: tally.build_time.as_deref(),
            builder_id: tally.builder_id.as_deref(),
            steps: ev.map(|_| &tally.steps),
            registries: &tally.registries,
            unpinned_images: &tally.unpinned_images,
            results: &results,
            passed: &tally.passed,
            insecure: &report.insecure,
        };
        if let Some(why) = &skipped {
            out.verdict = Verdict::Skipped;
            out.skipped = Some(why);
            out.results = &[];
            out.passed = &EMPTY;
            out.steps = None;
            out.unpinned_images = &[];
            out.registries = &EMPTY;
        }
        done.push_line(&out);
        if skipped.is_some() {
            tally = Tally {
                path: tally.path,
                verdict: Some(Verdict::Skipped),
                build_time: tally.build_time,
                builder_id: tally.builder_id,
                ..Tally::default()
            };
        } else {
            // The record is written: the listed results move into the tally.
            tally.results = judged
                .report
                .results
                .into_iter()
                .filter(listed)
                .map(|r| TallyResult {
                    rule: r.rule,
                    status: match r.status {
                        Status::Pass => TallyStatus::Pass,
                        Status::Fail => TallyStatus::Fail,
                        Status::Unknown => TallyStatus::Unknown,
                    },
                    message: if r.status == Status::Fail {
                        r.message
                    } else {
                        String::new()
                    },
                })
                .collect();
        }
        done.tallies.push(tally);
    }

    /// Why a build is outside `--since`/`--until`, if it is.
    fn outside_window(&self, at: Option<DateTime<Utc>>) -> Option<String> {
        let (since, until) = (self.options.since, self.options.until);
        if since.is_none() && until.is_none() {
            return None;
        }
        let Some(at) = at else {
            return Some("the document records no build time".to_owned());
        };
        if let Some(s) = since.filter(|s| at < *s) {
            return Some(format!(
                "built {} before --since {}",
                at.to_rfc3339(),
                s.to_rfc3339()
            ));
        }
        if let Some(u) = until.filter(|u| at >= *u) {
            return Some(format!(
                "built {} at or after --until {}",
                at.to_rfc3339(),
                u.to_rfc3339()
            ));
        }
        None
    }
}

static EMPTY: BTreeMap<String, u64> = BTreeMap::new();

impl Done {
    fn push_line(&mut self, record: &RecordOut<'_>) {
        // Serializing these types cannot fail (string keys, no floats); an
        // error would still give a line, never a lost record.
        if serde_json::to_writer(&mut self.lines, record).is_err() {
            self.lines.extend_from_slice(b"{}");
        }
        self.lines.push(b'\n');
    }

    fn error(&mut self, path: &str, line: Option<usize>, why: &str) {
        self.push_line(&RecordOut {
            path,
            line,
            source: None,
            verdict: Verdict::Error,
            error: Some(why),
            skipped: None,
            build_time: None,
            builder_id: None,
            steps: None,
            registries: &EMPTY,
            unpinned_images: &[],
            results: &[],
            passed: &EMPTY,
            insecure: &[],
        });
        self.tallies.push(Tally {
            path: path.to_owned(),
            verdict: Some(Verdict::Error),
            ..Tally::default()
        });
    }
}

/// The build time a document records (its start, else its finish), as
/// written and parsed — the same time the evaluator judges `effective_on` at.
fn recorded_build_time(ev: &Evidence) -> Option<(&str, DateTime<Utc>)> {
    [&ev.build_started_on, &ev.build_finished_on]
        .into_iter()
        .flatten()
        .find_map(|s| crate::evaluate::policy::parse_instant(s).map(|t| (s.as_str(), t)))
}

/// Refuse an output file that would overwrite one of `inputs`: the same
/// file, or a file inside an input directory (which the walk would also
/// read). Call it before creating or truncating `output`; a file that does
/// not exist yet overwrites nothing.
///
/// # Errors
///
/// [`AuditError::OutputIsInput`], naming the input.
pub fn refuse_overwrite(inputs: &[PathBuf], output: &Path) -> Result<(), AuditError> {
    let Ok(target) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    // A file with another name elsewhere (a hard link) could be an input
    // under that name: refused rather than truncated.
    if std::fs::metadata(&target).is_ok_and(|m| m.is_file() && file_links(&m) > 1) {
        return Err(AuditError::OutputIsInput {
            output: output.display().to_string(),
            why: "it has other hard links, so it may be an input under another name".to_owned(),
        });
    }
    for input in inputs.iter().filter(|p| p.as_path() != Path::new("-")) {
        let Ok(input_path) = std::fs::canonicalize(input) else {
            continue;
        };
        let why = if target == input_path {
            format!("it is the input {}", input.display())
        } else if target.starts_with(&input_path) {
            format!("it lies in the input directory {}", input.display())
        } else {
            continue;
        };
        return Err(AuditError::OutputIsInput {
            output: output.display().to_string(),
            why,
        });
    }
    Ok(())
}

/// Read one line (through its `\n`) into `buf`, keeping at most `limit`
/// bytes: `Some(true)` when the line was longer (the rest is read and
/// dropped, so memory stays bounded), `None` at the end of the input.
fn read_line_within(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> io::Result<Option<bool>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut any = false;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (chunk.get(..=i).unwrap_or(chunk), true),
            None => (chunk, false),
        };
        let used = part.len();
        if !too_long {
            // The newline is not part of the document.
            if buf.len() + used - usize::from(done) > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(part);
            }
        }
        reader.consume(used);
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// How many names (hard links) a file has.
fn file_links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

/// A file's identity: device and inode, the same under every name.
fn file_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Where `path` is or would be: its parent canonicalized, then its name.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// The inputs of a run, in order, one at a time.
struct Inputs {
    /// Paths still to visit, in reverse order (the next one last).
    stack: Vec<(PathBuf, bool)>,
    stdin: Option<io::StdinLock<'static>>,
    stdin_line: usize,
    /// The run's own output files (name, where), skipped by the walk.
    outputs: Vec<(std::ffi::OsString, PathBuf)>,
    /// The identities of those that exist (under any name).
    output_ids: Vec<(u64, u64)>,
    /// The longest line of standard input kept (the input limit; its
    /// newline aside).
    max_bytes: u64,
}

impl Inputs {
    /// The inputs in path order. One inside another input directory (or the
    /// same one written twice) is walked once, as part of that directory, so
    /// every file has one record and the order stays the sorted one that
    /// `--resume` relies on.
    fn new(paths: &[PathBuf], outputs: &[PathBuf], max_bytes: u64) -> Self {
        let mut sorted = paths.to_vec();
        sorted.sort();
        sorted.dedup();
        let canonical: Vec<Option<PathBuf>> = sorted
            .iter()
            .map(|p| {
                (p.as_path() != Path::new("-"))
                    .then(|| std::fs::canonicalize(p).ok())
                    .flatten()
            })
            .collect();
        let inside_another = |i: usize| {
            let Some(Some(me)) = canonical.get(i) else {
                return false;
            };
            canonical.iter().enumerate().any(|(j, other)| match other {
                Some(other) if j != i && other == me => j < i, // written twice: the first stays
                Some(other) if j != i => other.is_dir() && me.starts_with(other),
                _ => false,
            })
        };
        let kept: Vec<PathBuf> = sorted
            .iter()
            .enumerate()
            .filter(|&(i, _)| !inside_another(i))
            .map(|(_, p)| p.clone())
            .rev()
            .collect();
        Self {
            stack: kept.into_iter().map(|p| (p, true)).collect(),
            stdin: None,
            stdin_line: 0,
            outputs: outputs
                .iter()
                .filter_map(|p| Some((p.file_name()?.to_owned(), resolved(p)?)))
                .collect(),
            output_ids: outputs
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| file_id(&m))
                .collect(),
            max_bytes,
        }
    }

    /// Whether `path` is one of the run's own output files.
    fn is_output(&self, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        // The name first: one comparison per file, a system call only on a match.
        self.outputs
            .iter()
            .any(|(n, at)| n == name && std::fs::canonicalize(path).is_ok_and(|p| &p == at))
    }

    fn next_stdin_line(&mut self) -> Option<Unit> {
        let stdin = self.stdin.as_mut()?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match read_line_within(stdin, &mut buf, self.max_bytes) {
                Ok(None) => {
                    self.stdin = None;
                    return None;
                }
                Ok(Some(too_long)) => {
                    self.stdin_line += 1;
                    if too_long {
                        return Some(Unit::LongLine(self.stdin_line));
                    }
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Unit::Line(self.stdin_line, buf));
                }
                Err(e) => {
                    self.stdin = None;
                    return Some(Unit::Failed(
                        PathBuf::from("-"),
                        format!("-: cannot read standard input: {e}"),
                    ));
                }
            }
        }
    }
}

impl Iterator for Inputs {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        // A loop, not recursion: a long run of (empty) directories must not
        // grow the stack.
        loop {
            if let Some(unit) = self.next_stdin_line() {
                return Some(unit);
            }
            let (path, explicit) = self.stack.pop()?;
            if explicit && path == Path::new("-") {
                self.stdin = Some(io::stdin().lock());
                self.stdin_line = 0;
                continue;
            }
            if self.is_output(&path) {
                continue;
            }
            let name = path.display().to_string();
            let meta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => return Some(Unit::Failed(path, format!("{name}: cannot read: {e}"))),
            };
            let target = if meta.file_type().is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_dir() && !explicit => {
                        return Some(Unit::Failed(
                            path,
                            format!("{name}: a symbolic link to a directory is not followed"),
                        ))
                    }
                    Ok(m) => Some(m),
                    // A dangling link: reading it says why.
                    Err(_) => None,
                }
            } else {
                Some(meta)
            };
            if target
                .as_ref()
                .is_some_and(|m| m.is_file() && self.output_ids.contains(&file_id(m)))
            {
                continue; // one of the run's outputs, under another name
            }
            let is_dir = target.as_ref().is_some_and(std::fs::Metadata::is_dir);
            // A FIFO, socket or device found in a directory could block the
            // run forever; one named on the command line (`<(…)`) is read.
            let special = target.as_ref().is_some_and(|m| !m.is_dir() && !m.is_file());
            if special && !explicit {
                return Some(Unit::Failed(
                    path,
                    format!("{name}: not a regular file (a FIFO, socket or device): not read"),
                ));
            }
            if !is_dir {
                return Some(Unit::File(path));
            }
            let entries = match std::fs::read_dir(&path) {
                Ok(entries) => entries,
                Err(e) => return Some(Unit::Failed(path, format!("{name}: cannot list: {e}"))),
            };
            let mut children = Vec::new();
            let mut failed = None;
            for entry in entries {
                match entry {
                    Ok(entry) => {
                        if !entry.file_name().to_string_lossy().starts_with('.') {
                            children.push(entry.path());
                        }
                    }
                    Err(e) => {
                        failed = Some(format!("{name}: cannot list: {e}"));
                        break;
                    }
                }
            }
            children.sort();
            self.stack
                .extend(children.into_iter().rev().map(|p| (p, false)));
            if let Some(why) = failed {
                // The entries listed before the failure are still audited.
                return Some(Unit::Failed(path, why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_partitions() {
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (1..=3).map(|i| Shard::new(i, 3).unwrap()).collect();
        for i in 0..100 {
            let p = format!("dir/{i}.json");
            assert_eq!(shards.iter().filter(|s| s.contains(&p)).count(), 1);
        }
    }

    /// Lines are read whole up to the limit (the newline aside); a longer
    /// one is dropped and flagged, and the next line is read as usual.
    #[test]
    fn stdin_lines_are_bounded() {
        // A tiny buffer: lines span several reads.
        let input: &[u8] = b"12345\n123456\n\n1234567890123\nend";
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut got = Vec::new();
        let mut buf = Vec::new();
        while let Some(too_long) = read_line_within(&mut reader, &mut buf, 6).unwrap() {
            got.push((String::from_utf8(buf.clone()).unwrap(), too_long));
            buf.clear();
        }
        let want = [
            ("12345\n", false),
            ("123456\n", false),
            ("\n", false),
            ("", true),
            ("end", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(s, b)| ((*s).to_owned(), *b)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn times_parse() {
        assert_eq!(
            parse_time("2026-01-31").unwrap().to_rfc3339(),
            "2026-01-31T00:00:00+00:00"
        );
        assert!(parse_time("2026-01-31T12:00:00+02:00").is_ok());
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-1-5").is_err());
    }
}
