//! The kinds of document provcheck reads (detected by the ingest stage).

use serde::Serialize;

/// The kinds of document provcheck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// A Tekton `TaskRun` (`tekton.dev/v1` or `v1beta1`).
    TektonTaskRun,
    /// A Tekton `PipelineRun` (`tekton.dev/v1` or `v1beta1`).
    TektonPipelineRun,
    /// An in-toto statement, not enveloped (unsigned).
    InTotoStatement,
    /// A DSSE envelope (its payload an in-toto statement).
    DsseEnvelope,
    /// A Sigstore bundle (v0.1–v0.3), holding a DSSE envelope or a message signature.
    SigstoreBundle,
    /// BuildKit build info (`containerimage.buildinfo`, unsigned): a
    /// `--metadata-file`, an exporter response or an image config.
    BuildkitBuildInfo,
}

impl DocumentKind {
    /// Whether documents of this kind carry signature material: a DSSE
    /// envelope or a Sigstore bundle.
    pub fn is_signed(self) -> bool {
        matches!(self, Self::DsseEnvelope | Self::SigstoreBundle)
    }

    /// The short name with its article, for sentences ("a DSSE envelope").
    pub fn label_with_article(self) -> &'static str {
        match self {
            Self::TektonTaskRun => "a Tekton TaskRun",
            Self::TektonPipelineRun => "a Tekton PipelineRun",
            Self::InTotoStatement => "an in-toto statement",
            Self::DsseEnvelope => "a DSSE envelope",
            Self::SigstoreBundle => "a Sigstore bundle",
            Self::BuildkitBuildInfo => "BuildKit build info",
        }
    }

    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::TektonTaskRun => "Tekton TaskRun",
            Self::TektonPipelineRun => "Tekton PipelineRun",
            Self::InTotoStatement => "in-toto statement",
            Self::DsseEnvelope => "DSSE envelope",
            Self::SigstoreBundle => "Sigstore bundle",
            Self::BuildkitBuildInfo => "BuildKit build info",
        }
    }
}
