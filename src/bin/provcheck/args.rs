//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Normalize and verify SLSA build provenance, offline.
#[derive(Debug, Parser)]
#[command(name = "provcheck", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the Evidence of each input: declared vs runtime images, trusted
    /// references, corroboration.
    #[command(after_help = "Examples:\n  \
        provcheck normalize taskrun.json\n  \
        provcheck normalize --format text pipelinerun.yaml\n  \
        kubectl get taskrun build-abc -o yaml | provcheck normalize -")]
    Normalize(NormalizeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct NormalizeArgs {
    /// Input files (`-` for standard input): Tekton TaskRun/PipelineRun, JSON or YAML.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub(crate) format: Format,
    /// Largest input accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The Evidence as JSON (an array when there are several documents).
    Json,
    /// A table per document.
    Text,
}
