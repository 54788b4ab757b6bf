//! `--resume`: go on from an interrupted run, by the walk's own order.
//!
//! A run's records carry the index of their unit in the walk (`unit`), the
//! run's fingerprint and its shard. To resume, the records are read back
//! (the summary is their fold), a half-written last line is cut, and the
//! walk starts again from the beginning: every unit before the last
//! recorded one must be the one the records name (else the inputs changed,
//! and the resume is refused), and is not judged again; of the last one,
//! the records already written are not written again. Paths are never
//! compared by their order, only by identity, unit by unit, so memory stays
//! flat however many units were recorded.

use std::io::{self, BufRead, Read, Seek};
use std::path::{Path, PathBuf};

use super::record::Tally;
use super::shard::Shard;
use super::{AuditError, Summary};

/// How every record line starts (its first member is the unit).
const RECORD_START: &[u8] = b"{\"unit\":";

/// Where an interrupted run stopped, read back from its record file.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    file: PathBuf,
    /// The bytes of the complete records.
    len: u64,
    records: u64,
    summary: Summary,
    /// The last recorded unit, and how many records it has.
    last: Option<(u64, u64)>,
    /// The run's fingerprint and shard, as its records say.
    stamp: Option<(String, Shard)>,
}

impl Resume {
    /// Read the records an interrupted run wrote to `file` (a file that does
    /// not exist is a run that wrote nothing). Nothing is changed yet: the
    /// half-written last line, if any, is cut when the run goes on.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when the file cannot be read,
    /// [`AuditError::Record`] when a complete line is not a record,
    /// [`AuditError::ResumeRefused`] when the records are not of one run, in
    /// its order (written by an older provcheck, two runs in one file, or
    /// edited).
    pub fn from_file(file: &Path) -> Result<Self, AuditError> {
        let name = file.display().to_string();
        let io_err = |cause| AuditError::Io {
            file: name.clone(),
            cause,
        };
        let mut resume = Self {
            file: file.to_path_buf(),
            ..Self::default()
        };
        let handle = match std::fs::File::open(file) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(resume),
            Err(e) => return Err(io_err(e)),
        };
        let refused = |why: String| AuditError::ResumeRefused {
            file: name.clone(),
            why,
        };
        let mut reader = io::BufReader::new(handle);
        let mut buf = Vec::new();
        let mut line_no = 0;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
            if n == 0 {
                break;
            }
            if buf.last() != Some(&b'\n') {
                // A line cut by the interruption: the start of a record,
                // or the file is not a run's records (an input, say) and
                // cutting it would destroy it.
                let n = buf.len().min(RECORD_START.len());
                if buf.get(..n) != RECORD_START.get(..n) {
                    return Err(refused(format!(
                        "line {} is not a record: this is not the records file of a run",
                        line_no + 1
                    )));
                }
                break;
            }
            line_no += 1;
            let record: Tally =
                serde_json::from_slice(&buf).map_err(|cause| AuditError::Record {
                    file: name.clone(),
                    line: line_no,
                    cause,
                })?;
            let (Some(unit), Some(fingerprint), Some(shard)) =
                (record.unit, &record.fingerprint, record.shard)
            else {
                return Err(refused(format!(
                    "line {line_no} has no unit, fingerprint or shard: it was written by an \
                     older provcheck, so where to go on is not known"
                )));
            };
            match &resume.stamp {
                None => resume.stamp = Some((fingerprint.clone(), shard)),
                Some((f, s)) if f == fingerprint && *s == shard => {}
                Some(_) => {
                    return Err(refused(format!(
                        "line {line_no} is a record of another run (fingerprint or shard \
                         differs from line 1)"
                    )))
                }
            }
            resume.last = match resume.last {
                Some((last, count)) if last == unit => Some((last, count + 1)),
                Some((last, _)) if last > unit => {
                    return Err(refused(format!(
                        "line {line_no} records unit {unit} after unit {last}: the records \
                         are not in the run's order"
                    )))
                }
                _ => Some((unit, 1)),
            };
            resume.len += n as u64;
            resume.records += 1;
            resume.summary.add(&record);
        }
        Ok(resume)
    }

    /// How many complete records the file held.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The fold of the records read.
    pub(super) fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The last recorded unit, and how many records it has.
    pub(super) fn last(&self) -> Option<(u64, u64)> {
        self.last
    }

    /// Refuse to resume a run of other options, inputs or shard.
    pub(super) fn check(&self, fingerprint: &str, shard: Shard) -> Result<(), AuditError> {
        let Some((recorded, recorded_shard)) = &self.stamp else {
            return Ok(());
        };
        let why = if recorded != fingerprint {
            format!(
                "its records are of run {recorded}, this is run {fingerprint}: the options, \
                 the inputs or the provcheck version differ"
            )
        } else if *recorded_shard != shard {
            format!("its records are of shard {recorded_shard}, this is shard {shard}")
        } else {
            return Ok(());
        };
        Err(AuditError::ResumeRefused {
            file: self.file.display().to_string(),
            why,
        })
    }

    /// Cut what follows the complete records (a line the interruption cut).
    pub(super) fn cut(&self) -> Result<(), AuditError> {
        let io_err = |cause| AuditError::Io {
            file: self.file.display().to_string(),
            cause,
        };
        match std::fs::OpenOptions::new().write(true).open(&self.file) {
            Ok(f) => f.set_len(self.len).map_err(io_err),
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.len == 0 => Ok(()),
            Err(e) => Err(io_err(e)),
        }
    }

    /// A reader of the records, to check the walk against them.
    pub(super) fn replay(&self) -> Result<Replay, AuditError> {
        let io_err = |cause| AuditError::Io {
            file: self.file.display().to_string(),
            cause,
        };
        let reader = if self.len == 0 {
            None
        } else {
            let mut f = std::fs::File::open(&self.file).map_err(io_err)?;
            f.rewind().map_err(io_err)?;
            Some(io::BufReader::new(f.take(self.len)))
        };
        Ok(Replay {
            file: self.file.display().to_string(),
            reader,
            next: None,
            buf: Vec::new(),
        })
    }
}

/// The unit a record names, read back.
#[derive(serde::Deserialize)]
struct Recorded {
    unit: u64,
    path: String,
    #[serde(default)]
    line: Option<usize>,
}

/// The records of an interrupted run, read again one at a time while the
/// walk goes through the same units.
pub(super) struct Replay {
    file: String,
    reader: Option<io::BufReader<io::Take<std::fs::File>>>,
    next: Option<Recorded>,
    buf: Vec<u8>,
}

impl Replay {
    fn refused(&self, why: String) -> AuditError {
        AuditError::ResumeRefused {
            file: self.file.clone(),
            why: format!("{why}: the inputs changed since the interrupted run"),
        }
    }

    fn peek(&mut self) -> Result<Option<&Recorded>, AuditError> {
        if self.next.is_none() {
            if let Some(reader) = &mut self.reader {
                self.buf.clear();
                let n =
                    reader
                        .read_until(b'\n', &mut self.buf)
                        .map_err(|cause| AuditError::Io {
                            file: self.file.clone(),
                            cause,
                        })?;
                if n > 0 {
                    // Read once already: a line that fails now was changed
                    // under the run.
                    let r: Recorded = serde_json::from_slice(&self.buf).map_err(|e| {
                        self.refused(format!("a record can no longer be read ({e})"))
                    })?;
                    self.next = Some(r);
                }
            }
        }
        Ok(self.next.as_ref())
    }

    /// The walk reached unit `unit` of this shard, named `path` (and, on
    /// standard input, `line`): the records must hold it, under that name,
    /// and nothing before it that the walk did not reach.
    pub(super) fn walked(
        &mut self,
        unit: u64,
        path: &str,
        line: Option<usize>,
    ) -> Result<(), AuditError> {
        let mut any = false;
        while let Some(r) = self.peek()? {
            if r.unit > unit {
                break;
            }
            if r.unit < unit {
                let why = format!(
                    "unit {} ({}) is recorded, but the walk no longer reaches it",
                    r.unit, r.path
                );
                return Err(self.refused(why));
            }
            if r.path != path || (line.is_some() && r.line != line) {
                let why = format!(
                    "unit {unit} is recorded as {}, but the walk now reaches {path} there",
                    r.path
                );
                return Err(self.refused(why));
            }
            any = true;
            self.next = None;
        }
        if !any {
            return Err(self.refused(format!(
                "the walk now reaches {path} as unit {unit}, which the records do not hold"
            )));
        }
        Ok(())
    }

    /// The walk ended: no record may be left.
    pub(super) fn ended(&mut self, units: u64) -> Result<(), AuditError> {
        match self.peek()? {
            None => Ok(()),
            Some(r) => {
                let why = format!(
                    "unit {} ({}) is recorded, but the walk now ends after {units} units",
                    r.unit, r.path
                );
                Err(self.refused(why))
            }
        }
    }
}
