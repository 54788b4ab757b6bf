//! Merging the record files of shards into the order of one run.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use super::{AuditError, Summary, Tally};

/// One record file being merged: its next line and that line's path.
struct Source {
    name: String,
    reader: io::BufReader<std::fs::File>,
    line: Vec<u8>,
    path: Option<PathBuf>,
    /// The record on `line`, as the summary reads it.
    tally: Tally,
    line_no: usize,
}

impl Source {
    fn advance(&mut self) -> Result<(), AuditError> {
        self.line.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|cause| AuditError::Io {
                file: self.name.clone(),
                cause,
            })?;
        if n == 0 {
            self.path = None;
            return Ok(());
        }
        self.line_no += 1;
        if self.line.last() != Some(&b'\n') {
            self.line.push(b'\n');
        }
        self.tally = serde_json::from_slice(&self.line).map_err(|cause| AuditError::Record {
            file: self.name.clone(),
            line: self.line_no,
            cause,
        })?;
        self.path = Some(PathBuf::from(&self.tally.path));
        Ok(())
    }
}

/// Merge the record files of the shards of one audit into `out`, in the
/// order one unsharded run writes them (by path, component by component;
/// the records of one path stay together, in their order). Streams: one line
/// per file in memory.
///
/// Returns the summary of the merged records, built as the unsharded run
/// builds it (record by record, in its order): the same summary, even past
/// the 10 000 keys a table keeps, where merging the shards' summaries can
/// only approximate.
///
/// # Errors
///
/// [`AuditError::Io`] when a file cannot be read or `out` written,
/// [`AuditError::Record`] when a line is not a record.
pub fn merge_records(files: &[PathBuf], out: &mut dyn Write) -> Result<Summary, AuditError> {
    let mut sources = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let file = std::fs::File::open(f).map_err(|cause| AuditError::Io {
            file: name.clone(),
            cause,
        })?;
        let mut s = Source {
            name,
            reader: io::BufReader::new(file),
            line: Vec::new(),
            path: None,
            tally: Tally::default(),
            line_no: 0,
        };
        s.advance()?;
        sources.push(s);
    }
    let out_err = |cause| AuditError::Io {
        file: "merged records".to_owned(),
        cause,
    };
    let mut summary = Summary::default();
    loop {
        // The source whose next path comes first (the first such file on a tie).
        let mut best: Option<(usize, &Path)> = None;
        for (i, s) in sources.iter().enumerate() {
            if let Some(p) = &s.path {
                if best.is_none_or(|(_, b)| p.as_path() < b) {
                    best = Some((i, p.as_path()));
                }
            }
        }
        let Some((i, _)) = best else { break };
        let Some(source) = sources.get_mut(i) else {
            break;
        };
        let current = source.path.clone();
        while source.path.is_some() && source.path == current {
            out.write_all(&source.line).map_err(out_err)?;
            summary.add(&source.tally);
            source.advance()?;
        }
    }
    out.flush().map_err(out_err)?;
    Ok(summary)
}
