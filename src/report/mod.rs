//! Report: results → text or JSON, written to any `impl io::Write`.

mod evidence_text;

use std::io;

pub use evidence_text::write_evidence_text;

use crate::evidence::Evidence;

/// Write Evidence as JSON: one object for one document, an array for several.
///
/// # Errors
///
/// Any I/O error from `out`.
pub fn write_evidence_json(out: &mut impl io::Write, evidence: &[Evidence]) -> io::Result<()> {
    match evidence {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)
}
