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
//! Nothing is lost, nothing doubled, nothing hidden:
//!
//! - a file that cannot be read, a document that cannot be decoded, a
//!   directory that cannot be listed — each becomes a record with
//!   `"verdict": "error"` and the reason, and the run goes on;
//! - a file reached twice (a symbolic or hard link, overlapping inputs) is
//!   judged once, the other paths listed in the summary (`duplicates`);
//! - a `--since`/`--until` window skips a document only by a build time it
//!   can trust ([`BuildTimes`]); a skipped document still has a record
//!   (`"verdict": "skipped"`) and is counted;
//! - the summary adds up: `inputs = pass + fail + unknown + error + skipped`.
//!
//! Every record carries `unit`, the index of its input in the walk of the
//! whole run, the run's `fingerprint` and its `shard`: [`Resume`] and
//! [`merge()`] order records by unit and refuse records of another run.
//!
//! A record (one line). `results` are the results of the report of
//! `provcheck verify` that are not a plain pass (failures, unknowns,
//! warnings); `passed` counts the plain passes by rule, so every result is
//! accounted for while a record stays small. With
//! [`AuditOptions::all_results`], `results` holds every result and `passed`
//! is left out.
//!
//! ```json
//! {"unit":0,"path":"atts/0001.json","verdict":"fail","build_time":"2026-03-01T10:00:00Z",
//!  "builder_id":"https://tekton.dev/chains/v2","steps":{"pinned":12,"unpinned":5,"undeclared":3,"invalid":0},
//!  "registries":{"quay.io":8,"gcr.io":4},"repositories":{"quay.io/acme/builder":8,"gcr.io/distroless/static":4},
//!  "unpinned_images":["golang:1.23"],
//!  "results":[{"rule":"registry.allowed","status":"fail","step":"lint","message":"…","evidence":["…"]}],
//!  "passed":{"registry.allowed":11,"signature":1,"steps.pinned":20},
//!  "fingerprint":"5d1c0e4f9a7b3c2d8e6f1a0b9c8d7e6f","shard":{"index":1,"count":1}}
//! {"unit":1,"path":"atts/0002.json","verdict":"error","error":"atts/0002.json:1:9: invalid JSON: …",
//!  "fingerprint":"5d1c0e4f9a7b3c2d8e6f1a0b9c8d7e6f","shard":{"index":1,"count":1}}
//! ```
//!
//! The summary is a fold over records (`Summary::add`), so a resumed run
//! ([`Resume`]) and merged shards ([`merge()`]) give the same summary as one
//! uninterrupted run.

mod html;
mod merge;
mod outputs;
mod record;
mod resume;
mod shard;
mod summary;
mod walk;
mod window;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::evaluate::Status;
use crate::ingest;
use crate::verifier::Verifier;
use record::{Done, Recorder, Stamp};
use walk::{Inputs, Unit};

pub use html::write_summary_html;
pub use merge::merge;
pub use outputs::{refuse_overwrite, refuse_same_outputs};
pub use record::Duplicate;
pub use resume::Resume;
pub use shard::{stable_hash, Shard};
pub use summary::{
    write_summary_text, Counts, Duplicates, Partial, StepCounts, Summary, Walk, WindowSummary,
};
pub use window::{parse_time, BuildTimes, Placement};

/// How many inputs are judged together before their records are written.
const CHUNK: usize = 256;

/// How many bytes of standard-input lines one chunk holds at most: with
/// two chunks queued, one judged and one written, memory stays bounded
/// however long the lines are (a line may still be as long as the input
/// limit).
const CHUNK_BYTES: usize = 8 << 20;

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
    /// The records of the run to resume are not of this run, or the walk
    /// no longer reaches the units they record.
    #[error("{file}: cannot resume: {why}; rerun without --resume")]
    ResumeRefused {
        /// The record file.
        file: String,
        /// Why.
        why: String,
    },
    /// Summaries or record files that are not the shards of one run.
    #[error("cannot merge: {why}")]
    MergeRefused {
        /// Why, naming the files.
        why: String,
    },
    /// An output would overwrite an input.
    #[error("{output}: {why}: write it elsewhere (or delete it first)")]
    OutputIsInput {
        /// The output file.
        output: String,
        /// Which input it is, or lies in.
        why: String,
    },
    /// Two outputs are the same file: one would overwrite the other.
    #[error("{first} and {second} are the same file: each output needs its own")]
    SameOutput {
        /// One output, as given.
        first: String,
        /// The other.
        second: String,
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
    /// Outside the `--since`/`--until` window, by a build time the window
    /// trusts.
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
    /// Go on from an interrupted run: `out` appends to the file the
    /// [`Resume`] was read from.
    pub resume: Option<Resume>,
    /// Write every result into the records, plain passes too (by default
    /// they are counted in `passed`).
    pub all_results: bool,
    /// The files this run writes (records, summaries): never read as
    /// inputs, even inside a directory that is walked.
    pub outputs: Vec<PathBuf>,
    /// Everything else that decides the records — the policy and its files'
    /// contents, the trust material, limits, the clock — in any stable
    /// text form: part of the run's fingerprint, so a resume or a merge
    /// with other settings is refused.
    pub settings: String,
}

/// A batch audit: one [`Verifier`] over many inputs.
#[derive(Debug)]
pub struct Audit<'a> {
    verifier: &'a Verifier,
    options: AuditOptions,
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
    /// The walk: paths sorted by
    /// component, directories depth first, hidden entries left out,
    /// symbolic links to files followed (to directories only when named),
    /// each file judged once.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when a record cannot be written (the run stops:
    /// what was written can be resumed), [`AuditError::ResumeRefused`] when
    /// the run to resume is another, [`AuditError::Threads`] when the pool
    /// cannot start. Problems with inputs are records, not errors.
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
        let since = self.options.since.map(|t| t.to_rfc3339());
        let until = self.options.until.map(|t| t.to_rfc3339());
        let fingerprint = shard::RunParts {
            settings: &self.options.settings,
            window: (since.clone(), until.clone()),
            all_results: self.options.all_results,
            paths,
        }
        .fingerprint();
        let shard = self.options.shard.unwrap_or(Shard::WHOLE);
        // Build times are trusted when a verified signature covers them; with
        // no trust material (or signatures skipped) they are taken as stated.
        let times = match self.verifier.trust() {
            Some(t) if !t.skips_signature() => BuildTimes::Signed,
            _ => BuildTimes::AsRecorded,
        };
        let window = window::Window::new(self.options.since, self.options.until, times);
        let recorder = Recorder {
            stamp: Stamp {
                fingerprint: fingerprint.clone(),
                shard,
            },
            window,
            all_results: self.options.all_results,
        };
        let resume = self.options.resume.take();
        let mut summary = Summary::default();
        let mut last = None;
        let mut replay = None;
        if let Some(resume) = &resume {
            resume.check(&fingerprint, shard)?;
            resume.cut()?;
            summary = resume.summary().clone();
            last = resume.last();
            replay = Some(resume.replay()?);
        }
        summary.fingerprint = fingerprint;
        summary.shard = Some(shard);
        summary.window = window.map(|w| {
            let counted = summary.window.take();
            WindowSummary {
                since: since.clone(),
                until: until.clone(),
                build_times: w.times,
                ..counted.unwrap_or_else(|| WindowSummary::new(None, None, w.times))
            }
        });
        let written = resume.as_ref().map_or(0, Resume::records);
        let (last_unit, mut drop_of_last) = match last {
            Some((unit, count)) => (Some(unit), count),
            None => (None, 0),
        };
        let outputs = &self.options.outputs;
        let max_bytes = self.verifier.limits().max_bytes;
        let (tx, rx) = mpsc::sync_channel::<Vec<Done>>(2);

        let walk = std::thread::scope(|scope| {
            let summary = &mut summary;
            let writer = scope.spawn(move || -> Result<(), AuditError> {
                let io_err = |cause| AuditError::Io {
                    file: "records".to_owned(),
                    cause,
                };
                let mut count = written;
                for chunk in rx {
                    for done in chunk {
                        if let Some(d) = done.duplicate {
                            summary.duplicates.add(d);
                        }
                        let mut lines = done.lines.split_inclusive(|b| *b == b'\n');
                        for tally in done.tallies {
                            let line = lines.next().unwrap_or_default();
                            if drop_of_last > 0 && last_unit == Some(done.unit) {
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
            let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<(u64, Unit)>>(2);
            let walker = scope.spawn(move || -> Result<Walk, AuditError> {
                let mut inputs = Inputs::new(paths, outputs, max_bytes);
                let mut next_unit: u64 = 0;
                // Every unit of the whole walk, whichever shard judges it.
                let mut walk = Sha256::new();
                let field = |walk: &mut Sha256, bytes: &[u8]| {
                    walk.update((bytes.len() as u64).to_be_bytes());
                    walk.update(bytes);
                };
                for start in inputs.starts() {
                    field(&mut walk, start.as_bytes());
                }
                field(&mut walk, b"");
                loop {
                    let mut chunk = Vec::with_capacity(CHUNK);
                    let mut held = 0;
                    while chunk.len() < CHUNK && held < CHUNK_BYTES {
                        let Some(item) = inputs.next() else {
                            if let Some(path) = inputs.refused.take() {
                                return Err(AuditError::OutputIsInput {
                                    output: path.display().to_string(),
                                    why: "the walk reaches one of this run's outputs under \
                                          this name: the run would overwrite an input"
                                        .to_owned(),
                                });
                            }
                            // Records past the end of the walk: the inputs changed.
                            if let Some(r) = &mut replay {
                                r.ended(next_unit)?;
                            }
                            break;
                        };
                        let unit = next_unit;
                        next_unit += 1;
                        field(&mut walk, item.path().as_os_str().as_encoded_bytes());
                        walk.update((item.line().unwrap_or(0) as u64).to_be_bytes());
                        if shard.count() > 1 && !shard.contains(&item.path().display().to_string())
                        {
                            continue;
                        }
                        if let (Some(r), Some(last)) = (&mut replay, last_unit) {
                            // Recorded before the interruption: checked, not
                            // judged again (a duplicate only counts).
                            if !matches!(item, Unit::Duplicate { .. }) {
                                r.walked(unit, &item.path().display().to_string(), item.line())?;
                                if unit < last {
                                    continue;
                                }
                                replay = None;
                            }
                        }
                        held += item.held();
                        chunk.push((unit, item));
                    }
                    if chunk.is_empty() || chunk_tx.send(chunk).is_err() {
                        return Ok(Walk {
                            units: next_unit,
                            digest: shard::hex128(&walk.finalize()),
                            hidden: inputs.hidden,
                            hidden_paths: std::mem::take(&mut inputs.hidden_paths),
                        });
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
                        .map(|(unit, item)| self.judge(&recorder, unit, item))
                        .collect()
                });
                if tx.send(done).is_err() {
                    break; // the writer stopped: its error says why
                }
            }
            drop(tx);
            let stopped = || AuditError::Io {
                file: "records".to_owned(),
                cause: io::Error::other("the record writer stopped"),
            };
            let wrote = writer.join().unwrap_or_else(|_| Err(stopped()));
            let walked = walker.join().unwrap_or_else(|_| Err(stopped()));
            wrote.and(walked)
        })?;
        summary.walk = Some(walk);
        Ok(summary)
    }

    /// Judge one input: every document in it, or one error record, or (a
    /// path to a file judged under another name) no record.
    fn judge(&self, recorder: &Recorder, unit: u64, item: Unit) -> Done {
        let mut done = Done::new(unit);
        match item {
            Unit::Failed(path, why) => {
                recorder.error(&mut done, &path.display().to_string(), None, &why);
            }
            Unit::Line(line, bytes) => {
                let judged = self.verifier.judge_bytes("-", &bytes);
                recorder.all(&mut done, "-", Some(line), judged);
            }
            Unit::LongLine(line) => {
                let e = crate::error::IngestError::TooLarge {
                    file: "-".to_owned(),
                    limit: self.verifier.limits().max_bytes,
                };
                recorder.error(&mut done, "-", Some(line), &e.to_string());
            }
            Unit::File(path) => {
                let name = path.display().to_string();
                match ingest::read_input(&path, self.verifier.limits()) {
                    Ok(bytes) => {
                        let judged = self.verifier.judge_bytes(&name, &bytes);
                        recorder.all(&mut done, &name, None, judged);
                    }
                    Err(e) => recorder.error(&mut done, &name, None, &e.to_string()),
                }
            }
            Unit::Duplicate { path, same_as } => {
                done.duplicate = Some(Duplicate {
                    unit,
                    path: path.display().to_string(),
                    same_as: same_as.display().to_string(),
                });
            }
        }
        done
    }
}
