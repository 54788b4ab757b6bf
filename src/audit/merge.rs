//! `audit merge`: the shards of one run, put back together in the order of
//! the unsharded run, or refused.

use std::collections::BTreeSet;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use super::record::Tally;
use super::shard::Shard;
use super::summary::Partial;
use super::{AuditError, Summary};

/// Merge the shards of one audit: their summaries (`--summary-json` of
/// each), and their record files when given, written to `out` in the order
/// one unsharded run writes them (by `unit`). Returns the summary of the
/// whole: with the records, their fold in that order, exactly the
/// unsharded run's summary.
///
/// Refused: summaries or records of different runs (fingerprints), of
/// different shard counts, the same shard twice, a record in two shards,
/// records that disagree with the summaries — and a missing shard, unless
/// `allow_partial`, when the summary names the shards missing
/// ([`Summary::partial`]). Nothing is written to `out` unless the merge is
/// accepted. Streams: one line per record file in memory.
///
/// # Errors
///
/// [`AuditError::MergeRefused`] as above, [`AuditError::Io`] when a file
/// cannot be read or `out` written, [`AuditError::Record`] when a line is
/// not a record or a summary.
pub fn merge(
    summaries: &[PathBuf],
    records: &[PathBuf],
    out: &mut dyn Write,
    allow_partial: bool,
) -> Result<Summary, AuditError> {
    let refused = |why: String| AuditError::MergeRefused { why };
    let Some(first_name) = summaries.first() else {
        return Err(refused("no summary given".to_owned()));
    };
    let mut parts = Vec::with_capacity(summaries.len());
    for path in summaries {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|cause| AuditError::Io {
            file: name.clone(),
            cause,
        })?;
        let part: Summary = serde_json::from_slice(&text).map_err(|cause| AuditError::Record {
            file: name.clone(),
            line: cause.line(),
            cause,
        })?;
        if part.fingerprint.is_empty() {
            return Err(refused(format!(
                "{name} has no fingerprint: it was written by an older provcheck"
            )));
        }
        let Some(shard) = part.shard.filter(|_| part.partial.is_none()) else {
            return Err(refused(format!(
                "{name} is a partial merge: merge the shards' own summaries"
            )));
        };
        parts.push((name, shard, part));
    }
    let (first_name, first_shard, first) = parts
        .first()
        .ok_or_else(|| refused(format!("{} gave no summary", first_name.display())))?;
    let (fingerprint, count) = (first.fingerprint.clone(), first_shard.count());
    let (first_name, first_shard) = (first_name.clone(), *first_shard);
    let mut shards: Vec<(u64, &str)> = Vec::new();
    for (name, shard, part) in &parts {
        if part.fingerprint != fingerprint {
            return Err(refused(format!(
                "{name} is of run {}, {} of run {fingerprint}: shards of different runs \
                 (other options, inputs or provcheck version)",
                part.fingerprint, first_name
            )));
        }
        if shard.count() != count {
            return Err(refused(format!(
                "{name} is shard {shard}, {} is shard {first_shard}: the run was split \
                 {} ways and {count} ways",
                first_name,
                shard.count()
            )));
        }
        // Shards of one run walk the same tree, each judging its part.
        match (&part.walk, &first.walk) {
            (Some(mine), Some(theirs)) if mine == theirs => {}
            (None, _) | (_, None) => {
                return Err(refused(format!(
                    "{} has no walk: it was written by an older provcheck",
                    if part.walk.is_none() {
                        name
                    } else {
                        &first_name
                    }
                )))
            }
            (Some(mine), Some(theirs)) => {
                return Err(refused(format!(
                    "{name} walked {} units ({}), {first_name} {} units ({}): the shards walked \
                     different trees (files added or removed between them, or inputs written \
                     alike from different directories)",
                    mine.units, mine.digest, theirs.units, theirs.digest
                )))
            }
        }
        if let Some((_, other)) = shards.iter().find(|(i, _)| *i == shard.index()) {
            return Err(refused(format!(
                "shard {shard} is given twice: {other} and {name}"
            )));
        }
        shards.push((shard.index(), name));
    }
    let given: BTreeSet<u64> = shards.iter().map(|(i, _)| *i).collect();
    let missing: Vec<u64> = (1..=count).filter(|i| !given.contains(i)).collect();
    if !missing.is_empty() && !allow_partial {
        let list: Vec<String> = missing.iter().map(|i| format!("{i}/{count}")).collect();
        return Err(refused(format!(
            "shard {} of run {fingerprint} is missing (merge it too, or pass --allow-partial \
             to merge what is there)",
            list.join(", ")
        )));
    }
    let mut merged = Summary::default();
    for (_, _, part) in &parts {
        merged.merge(part);
    }
    if !records.is_empty() {
        // First check everything, then write: a refused merge writes nothing.
        let stamp = (fingerprint.as_str(), count, &given);
        let mut from_records = header_of(&merged);
        merge_records(records, stamp, None, &mut from_records)?;
        let counted = |s: &Summary| (s.inputs, s.skipped, s.verdicts);
        if counted(&from_records) != counted(&merged) {
            return Err(refused(format!(
                "the summaries count {} inputs ({} skipped), the records {} ({} skipped): a \
                 shard's records or summary is missing, or they are of different runs",
                merged.inputs, merged.skipped, from_records.inputs, from_records.skipped
            )));
        }
        let mut written = header_of(&merged);
        merge_records(records, stamp, Some(out), &mut written)?;
        written.duplicates = merged.duplicates;
        merged = written;
    }
    merged.fingerprint = fingerprint;
    merged.walk.clone_from(&first.walk);
    if missing.is_empty() {
        merged.shard = Some(Shard::WHOLE);
        merged.partial = None;
    } else {
        merged.shard = None;
        merged.partial = Some(Partial { count, missing });
    }
    Ok(merged)
}

/// A summary with `s`'s window bounds and nothing counted.
fn header_of(s: &Summary) -> Summary {
    Summary {
        window: s
            .window
            .as_ref()
            .map(|w| super::WindowSummary::new(w.since.clone(), w.until.clone(), w.build_times)),
        ..Summary::default()
    }
}

/// One record file being merged: its next line and that line's unit.
struct Source {
    name: String,
    reader: io::BufReader<std::fs::File>,
    line: Vec<u8>,
    /// The record on `line`, as the summary reads it (`None`: the end).
    tally: Option<Tally>,
    line_no: usize,
    /// The shard its records are of.
    shard: Option<Shard>,
}

impl Source {
    fn advance(&mut self, fingerprint: &str) -> Result<(), AuditError> {
        self.line.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|cause| AuditError::Io {
                file: self.name.clone(),
                cause,
            })?;
        if n == 0 {
            self.tally = None;
            return Ok(());
        }
        self.line_no += 1;
        if self.line.last() != Some(&b'\n') {
            self.line.push(b'\n');
        }
        let tally: Tally =
            serde_json::from_slice(&self.line).map_err(|cause| AuditError::Record {
                file: self.name.clone(),
                line: self.line_no,
                cause,
            })?;
        let at = format!("{}:{}", self.name, self.line_no);
        let refused = |why: String| AuditError::MergeRefused { why };
        let (Some(unit), Some(f), Some(shard)) = (tally.unit, &tally.fingerprint, tally.shard)
        else {
            return Err(refused(format!(
                "{at} has no unit, fingerprint or shard: it was written by an older provcheck"
            )));
        };
        if f != fingerprint {
            return Err(refused(format!(
                "{at} is a record of run {f}, the summaries are of run {fingerprint}"
            )));
        }
        match self.shard {
            None => self.shard = Some(shard),
            Some(s) if s == shard => {}
            Some(s) => {
                return Err(refused(format!(
                    "{at} is a record of shard {shard}, the file's first of shard {s}"
                )))
            }
        }
        if let Some(before) = self.tally.as_ref().and_then(|t| t.unit) {
            if unit < before {
                return Err(refused(format!(
                    "{at} records unit {unit} after unit {before}: not in the run's order"
                )));
            }
        }
        self.tally = Some(tally);
        Ok(())
    }

    fn unit(&self) -> Option<u64> {
        self.tally.as_ref().and_then(|t| t.unit)
    }
}

/// Fold the records of `files` into `summary` in unit order, writing them to
/// `out` when given, checking that they are of run `fingerprint`, of the
/// given shards of `count`, each shard in one file and each unit in one
/// shard.
fn merge_records(
    files: &[PathBuf],
    (fingerprint, count, given): (&str, u64, &BTreeSet<u64>),
    mut out: Option<&mut dyn Write>,
    summary: &mut Summary,
) -> Result<(), AuditError> {
    let refused = |why: String| AuditError::MergeRefused { why };
    let mut sources = Vec::with_capacity(files.len());
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
            tally: None,
            line_no: 0,
            shard: None,
        };
        s.advance(fingerprint)?;
        if let Some(shard) = s.shard {
            if shard.count() != count || !given.contains(&shard.index()) {
                return Err(refused(format!(
                    "{} holds records of shard {shard}, which no summary given is",
                    s.name
                )));
            }
        }
        sources.push(s);
    }
    for (i, a) in sources.iter().enumerate() {
        for b in sources.iter().skip(i + 1) {
            if a.shard.is_some() && a.shard == b.shard {
                return Err(refused(format!(
                    "{} and {} both hold records of shard {}",
                    a.name,
                    b.name,
                    a.shard.map(|s| s.to_string()).unwrap_or_default()
                )));
            }
        }
    }
    let out_err = |cause| AuditError::Io {
        file: "merged records".to_owned(),
        cause,
    };
    loop {
        // The source whose next unit comes first; a unit in two is refused.
        let mut best: Option<(usize, u64)> = None;
        for (i, s) in sources.iter().enumerate() {
            let Some(unit) = s.unit() else { continue };
            match best {
                Some((j, b)) if b == unit => {
                    let other = sources.get(j).map_or("", |o| o.name.as_str());
                    return Err(refused(format!(
                        "unit {unit} is recorded in both {other} and {}: the shards overlap",
                        s.name
                    )));
                }
                Some((_, b)) if b < unit => {}
                _ => best = Some((i, unit)),
            }
        }
        let Some((i, unit)) = best else { break };
        let Some(source) = sources.get_mut(i) else {
            break;
        };
        while source.unit() == Some(unit) {
            if let Some(out) = out.as_mut() {
                out.write_all(&source.line).map_err(out_err)?;
            }
            if let Some(t) = &source.tally {
                summary.add(t);
            }
            source.advance(fingerprint)?;
        }
    }
    if let Some(out) = out {
        out.flush().map_err(out_err)?;
    }
    Ok(())
}
