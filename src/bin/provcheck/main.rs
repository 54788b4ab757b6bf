//! The `provcheck` command: a thin layer over the library.

#![forbid(unsafe_code)]

mod args;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, Format, NormalizeArgs};
use provcheck::ingest::Limits;

/// provcheck's exit codes (DESIGN.md): stable, scripts rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// Everything passed (or, for `normalize`, every input was read).
    Pass = 0,
    /// Usage error, or an input that cannot be read or is invalid.
    Invalid = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Normalize(args) => normalize(&args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("provcheck: {e:#}");
            Exit::Invalid.into()
        }
    }
}

/// Normalize every input; report each bad one on stderr and go on.
fn normalize(args: &NormalizeArgs) -> anyhow::Result<Exit> {
    let limits = Limits {
        max_bytes: args.max_bytes,
    };
    let mut evidence = Vec::new();
    let mut exit = Exit::Pass;
    for path in &args.files {
        for result in provcheck::normalize_path(path, &limits) {
            match result {
                Ok(ev) => evidence.push(ev),
                Err(e) => {
                    eprintln!("error: {e}");
                    exit = Exit::Invalid;
                }
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json if !evidence.is_empty() => {
            provcheck::report::write_evidence_json(&mut out, &evidence)?;
        }
        Format::Json => {}
        Format::Text => {
            for (i, ev) in evidence.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                provcheck::report::write_evidence_text(&mut out, ev)?;
            }
        }
    }
    out.flush()?;
    Ok(exit)
}
