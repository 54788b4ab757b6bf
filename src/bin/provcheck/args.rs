//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Normalize and verify SLSA build provenance, offline.
#[derive(Debug, Parser)]
#[command(name = "provcheck", version, about, long_about = None, propagate_version = true)]
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
        provcheck normalize chains-att.json --with taskrun.yaml --index busybox-index.json\n  \
        kubectl get taskrun build-abc -o yaml | provcheck normalize -")]
    Normalize(NormalizeArgs),
    /// Judge each input against a policy: exit 0 pass, 1 fail, 2 invalid
    /// input or usage, 3 unknown.
    #[command(after_help = "Examples:\n  \
        provcheck verify att.json --allow-registry quay.io/acme --allow-registry gcr.io/tekton-releases\n  \
        provcheck verify taskrun.yaml --policy policy.yaml --format json\n  \
        provcheck verify att.json --policy policy.yaml --format junit > provcheck.xml\n  \
        provcheck verify att.json --policy policy.yaml --unknown warn --explain\n  \
        provcheck verify att.intoto.jsonl --artifact app.tgz --certificate-identity-regexp '^https://github.com/acme/' --certificate-oidc-issuer https://token.actions.githubusercontent.com\n  \
        provcheck verify envelope.json --key cosign.pub --digest sha256:<hex>\n\n\
        Exit codes: 0 pass, 1 fail, 2 usage or invalid input, 3 unknown (see --unknown).")]
    Verify(Box<VerifyArgs>),
    /// Audit many inputs: one JSON record per document, in input order, and a
    /// summary; in parallel, streaming, resumable, shardable.
    #[command(after_help = "Examples:\n  \
        provcheck audit atts/ --key cosign.pub --policy policies/release-gate.yaml -o records.jsonl --summary-html summary.html\n  \
        provcheck audit atts/ --policy policy.yaml --since 2026-01-01 --until 2026-07-01 -o records.jsonl\n  \
        provcheck audit atts/ --policy policy.yaml -o records.jsonl --resume\n  \
        provcheck audit atts/ --policy policy.yaml --shard job/8 -o records.jsonl --summary-json summary.json\n  \
        provcheck audit merge s1/summary.json s2/summary.json --records s1/records.jsonl s2/records.jsonl -o records.jsonl\n\n\
        Exit codes: 0 every input was judged (whatever the verdicts: see the summary), \
        2 usage error or at least one input could not be read (an `error` record).")]
    Audit(Box<AuditArgs>),
    /// Work with Rego policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print a bundled JSON Schema: the Evidence, the report, the policy,
    /// or an input layer's.
    #[command(after_help = "Examples:\n  \
        provcheck schema --list\n  \
        provcheck schema evidence > evidence.schema.json")]
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of provcheck or of one of its commands.
    #[command(after_help = "Examples:\n  \
        provcheck man | man -l -\n  \
        provcheck man verify > provcheck-verify.1\n  \
        provcheck man audit merge | man -l -")]
    Man {
        /// The command (and subcommand) whose page to print; none: provcheck(1).
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// The schema's name (see --list), e.g. `evidence`.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub(crate) name: Option<String>,
    /// List the bundled schemas: name, file, what each describes.
    #[arg(long)]
    pub(crate) list: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NormalizeArgs {
    /// Input files (`-` for standard input): Tekton TaskRun/PipelineRun, JSON or YAML.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json, help_heading = "Output")]
    pub(crate) format: Format,
    /// Largest input accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, help_heading = "Input")]
    pub(crate) max_bytes: u64,
    /// Most steps and sidecars one document may hold; a document with more
    /// is refused (exit 2) before its steps are built.
    #[arg(long, value_name = "N", default_value_t = provcheck::ingest::MAX_STEPS, help_heading = "Input")]
    pub(crate) max_steps: usize,
    #[command(flatten)]
    pub(crate) combine: CombineArgs,
}

/// Evidence to bring to every input.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Evidence to combine")]
pub(crate) struct CombineArgs {
    /// A Tekton TaskRun or PipelineRun (JSON or YAML; repeatable) whose task
    /// specs supply the declared images an attestation did not record (Tekton
    /// Chains SLSA v0.2); steps join by task and step name.
    #[arg(long = "with", value_name = "FILE")]
    pub(crate) with: Vec<PathBuf>,
    /// An OCI image index or Docker manifest list, the exact bytes a registry
    /// serves (`crane manifest REF > FILE`; repeatable): a step declared by the
    /// index's digest that ran one of its platform manifests is `match-via-index`.
    #[arg(long = "index", value_name = "FILE")]
    pub(crate) index: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Run every `test_` rule in the Rego files under DIR (like `opa test`):
    /// exit 0 when all pass, 1 when one fails, 2 when a policy does not parse.
    #[command(after_help = "Example:\n  provcheck policy test policies/")]
    Test {
        /// Directories or `.rego` files.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Only the tests whose full name (`data.PACKAGE.test_x`) matches
        /// this regular expression, as `opa test --run`.
        #[arg(long, short = 'r', value_name = "REGEX")]
        run: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TestFormatArg::Text)]
        format: TestFormatArg,
        /// List every test, passes too (text).
        #[arg(long, short = 'v')]
        verbose: bool,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// Input files (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) check: CheckArgs,
    /// Output format on standard output: the same as `--output FORMAT`.
    /// Default: text.
    #[arg(long, value_enum, help_heading = "Output")]
    pub(crate) format: Option<ReportFormat>,
    /// Write FORMAT to FILE, or to standard output without `=FILE`.
    /// Repeatable: one run writes several formats, at most one of them to
    /// standard output; when every one names a file, the text report goes
    /// to standard output. FORMAT: text, json, junit, sarif, github,
    /// markdown, tekton, vsa.
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_output, help_heading = "Output")]
    pub(crate) output: Vec<OutputSpec>,
    /// Write the statements whose signature, signer and subjects verified to
    /// standard output, a JSON line each (as slsa-verifier's flag); the
    /// report goes to standard error. No other output may go to standard
    /// output.
    #[arg(long, help_heading = "Output")]
    pub(crate) print_provenance: bool,
    /// SARIF: include passing results too (by default only fail, unknown
    /// and warnings: code scanning raises an alert for every result).
    #[arg(long, help_heading = "Output")]
    pub(crate) sarif_passes: bool,
    /// VSA: sign each as a DSSE envelope with this PKCS#8 PEM private key
    /// (ECDSA P-256, P-384 or Ed25519).
    #[arg(long, value_name = "PEM", help_heading = "Output")]
    pub(crate) vsa_key: Option<PathBuf>,
    /// VSA: a SLSA level the policy verifies, listed in `verifiedLevels`
    /// of a PASSED VSA (repeatable), e.g. `SLSA_BUILD_LEVEL_3`.
    #[arg(long, value_name = "LEVEL", help_heading = "Output")]
    pub(crate) vsa_level: Vec<String>,
    /// VSA: its `resourceUri` (default: the first subject's name).
    #[arg(long, value_name = "URI", help_heading = "Output")]
    pub(crate) vsa_resource_uri: Option<String>,
    /// How an `unknown` verdict maps to the exit code: fail (1), warn (0, with
    /// a note on stderr) or pass (0). Default: exit 3.
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Output")]
    pub(crate) unknown: Option<UnknownMode>,
    /// Show every result with the evidence (JSON pointers) that decided it.
    #[arg(long, help_heading = "Output")]
    pub(crate) explain: bool,
    /// Colour the text report: auto (a terminal, and `NO_COLOR` unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorMode::Auto, help_heading = "Output")]
    pub(crate) color: ColorMode,
}

/// How each document is judged: shared by `verify` and `audit`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Policy")]
pub(crate) struct CheckArgs {
    /// A policy (repeatable; each must pass): a native policy file (YAML or JSON), a
    /// Rego file (`.rego`, packages under `provcheck.`), or a directory of
    /// Rego files (`*_test.rego` skipped).
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) policy: Vec<PathBuf>,
    /// Data for Rego policies (YAML or JSON, repeatable), merged into `data`.
    #[arg(long, visible_alias = "data", value_name = "FILE")]
    pub(crate) policy_data: Vec<PathBuf>,
    /// A BuildKit source policy (JSON) to check the provenance against (rule `source.policy`).
    #[arg(long, value_name = "FILE")]
    pub(crate) source_policy: Vec<PathBuf>,
    /// Allow images under this reference prefix (repeatable), e.g. `quay.io/acme`.
    #[arg(long, value_name = "PREFIX")]
    pub(crate) allow_registry: Vec<String>,
    /// Deny images under this reference prefix (repeatable); a deny always wins.
    #[arg(long, value_name = "PREFIX")]
    pub(crate) deny_registry: Vec<String>,
    /// The build's source repository, as slsa-verifier's `--source-uri`:
    /// `github.com/o/r`, `https://github.com/o/r` and
    /// `git+https://github.com/o/r` are one (rule `source.matches`).
    #[arg(long, value_name = "URI")]
    pub(crate) source_uri: Option<String>,
    /// The build ran on tag TAG (`refs/tags/TAG`; `source.matches`).
    #[arg(long, value_name = "TAG", conflicts_with = "source_versioned_tag")]
    pub(crate) source_tag: Option<String>,
    /// The build ran on a tag of a compatible version: `v13.0` accepts
    /// `v13.0.30`, refuses `v13.1.0` and `v12.9.0` (`source.matches`).
    #[arg(long, value_name = "vX[.Y[.Z]]")]
    pub(crate) source_versioned_tag: Option<String>,
    /// The build ran on branch BRANCH (`refs/heads/BRANCH`; `source.matches`).
    #[arg(long, value_name = "BRANCH", conflicts_with_all = ["source_tag", "source_versioned_tag"])]
    pub(crate) source_branch: Option<String>,
    /// Judge attestations of this predicate type (repeatable), as cosign's
    /// `--type`: a URI, or a short name (`slsaprovenance`, `slsaprovenance02`,
    /// `slsaprovenance1`, `spdx`, `spdxjson`, `cyclonedx`, `link`, `vuln`,
    /// `openvex`, `custom`, `vsa`). A verified statement of another type is
    /// skipped. Default: SLSA provenance (v0.1, v0.2, v1.0).
    #[arg(long, visible_alias = "type", value_name = "TYPE")]
    pub(crate) predicate_type: Vec<String>,
    /// A verification summary attestation given as input passes only from
    /// this verifier (`predicate.verifier.id`), as slsa-verifier's
    /// `verify-vsa --verifier-id`; without it a PASSED VSA is unknown.
    #[arg(long, value_name = "ID")]
    pub(crate) verifier_id: Option<String>,
    /// A VSA given as input must have verified this level, or a higher one
    /// of the same track (repeatable), e.g. `SLSA_BUILD_LEVEL_2`.
    #[arg(long, value_name = "LEVEL")]
    pub(crate) verified_level: Vec<String>,
    /// A VSA given as input must be about this resource (`resourceUri`).
    #[arg(long, value_name = "URI")]
    pub(crate) resource_uri: Option<String>,
    /// When a policy's `effective_on` dates are judged (Conforma's flag):
    /// `attestation` (the default: the build time a verified signature
    /// covers, else now), `now`, or a time (RFC 3339 or YYYY-MM-DD) for
    /// every document (reproducible runs). `--at` is an alias.
    #[arg(long, visible_alias = "at", value_name = "now|attestation|TIME")]
    pub(crate) effective_time: Option<String>,
    /// The builder, as slsa-verifier's `--builder-id`: without `@REF` any
    /// ref of it; with one, that ref (`@v2.1.0` is `@refs/tags/v2.1.0`)
    /// (rule `builder.allowed`).
    #[arg(long, value_name = "ID")]
    pub(crate) builder_id: Option<String>,
    /// Largest input accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, help_heading = "Input")]
    pub(crate) max_bytes: u64,
    /// Most steps and sidecars one document may hold; a document with more
    /// is refused (exit 2) before its steps are built.
    #[arg(long, value_name = "N", default_value_t = provcheck::ingest::MAX_STEPS, help_heading = "Input")]
    pub(crate) max_steps: usize,
    #[command(flatten)]
    pub(crate) combine: CombineArgs,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

/// `provcheck audit`: many inputs, one record each, a summary.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct AuditArgs {
    #[command(subcommand)]
    pub(crate) merge: Option<AuditCommand>,
    /// Files and directories to audit (walked sorted; `-`: JSON lines on
    /// standard input).
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) check: CheckArgs,
    #[command(flatten)]
    pub(crate) run: AuditRunArgs,
    #[command(flatten)]
    pub(crate) out: AuditOutArgs,
}

/// How an audit runs.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Audit")]
pub(crate) struct AuditRunArgs {
    /// Worker threads (default: all cores; at most 256).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::ValueParser::new(clap::builder::RangedU64ValueParser::<usize>::new().range(0..=256)))]
    pub(crate) jobs: usize,
    /// Only builds that started (else finished) at or after this time
    /// (YYYY-MM-DD or RFC 3339); others get a `skipped` record. With trust
    /// options only a build time a verified signature covers can skip a
    /// document; without, times are taken as recorded (the summary says so).
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,
    /// Only builds that started (else finished) before this time.
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<String>,
    /// Take a stable 1/N of the inputs by path hash: I/N with 1 <= I <= N,
    /// or `job/N` to take I from `JOB_COMPLETION_INDEX` (0-based, as a Kubernetes
    /// Indexed Job sets it) plus 1.
    #[arg(long, value_name = "I/N")]
    pub(crate) shard: Option<String>,
    /// Go on from an interrupted run: keep the complete records of --output,
    /// cut a half-written last line, audit the rest. Refused when the
    /// options, the inputs or the shard differ from the interrupted run's.
    #[arg(long, requires = "output")]
    pub(crate) resume: bool,
    /// Write every result into the records, plain passes too (by default a
    /// record lists failures, unknowns and warnings, and counts the passes
    /// by rule in `passed`).
    #[arg(long)]
    pub(crate) all_results: bool,
}

/// Where an audit's records and summaries go.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Audit output")]
pub(crate) struct AuditOutArgs {
    /// Write the records (JSON lines) here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Write the text summary here instead of standard error.
    #[arg(long, value_name = "FILE")]
    pub(crate) summary: Option<PathBuf>,
    /// Write the summary as JSON (mergeable: `provcheck audit merge`).
    #[arg(long, value_name = "FILE")]
    pub(crate) summary_json: Option<PathBuf>,
    /// Write the summary as one self-contained HTML page with plots.
    #[arg(long, value_name = "FILE")]
    pub(crate) summary_html: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Merge the summaries (and record files) of the shards of one audit.
    #[command(after_help = "Example:\n  \
        provcheck audit merge shard-*/summary.json --records shard-*/records.jsonl \\\n    \
        --output records.jsonl --summary-json summary.json --summary-html summary.html")]
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// Summary JSON files (`--summary-json` of each shard).
    #[arg(value_name = "SUMMARY.json", required = true)]
    pub(crate) summaries: Vec<PathBuf>,
    /// Record files of the shards, merged in the order of one unsharded run.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub(crate) records: Vec<PathBuf>,
    /// Merge the shards given even when some are missing; the summary names
    /// the shards missing, and the exit code is 3 (not every input judged).
    #[arg(long)]
    pub(crate) allow_partial: bool,
    #[command(flatten)]
    pub(crate) out: AuditOutArgs,
}

/// Signature, signer identity and subject checks (`signature`, `identity`,
/// `subject` results).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Trust")]
pub(crate) struct TrustArgs {
    /// A PEM public key (ECDSA P-256/P-384, Ed25519, RSA) that may have signed
    /// a DSSE envelope or a managed-key Sigstore bundle (repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Vec<PathBuf>,
    /// How many distinct --key keys must each have signed.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) key_threshold: u64,
    /// A Sigstore trusted root, JSON (default: the embedded public-good root).
    #[arg(long, value_name = "FILE")]
    pub(crate) trusted_root: Option<PathBuf>,
    /// The signing certificate's identity (SAN), exactly.
    #[arg(long, value_name = "ID")]
    pub(crate) certificate_identity: Option<String>,
    /// A regular expression the certificate's SAN must match (unanchored: write ^…$).
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_identity")]
    pub(crate) certificate_identity_regexp: Option<String>,
    /// The certificate's OIDC issuer, exactly.
    #[arg(long, value_name = "URL")]
    pub(crate) certificate_oidc_issuer: Option<String>,
    /// The GitHub repository (owner/name) in the certificate.
    #[arg(long, value_name = "OWNER/REPO")]
    pub(crate) certificate_github_workflow_repository: Option<String>,
    /// The Git ref in the certificate, e.g. refs/heads/main.
    #[arg(long, value_name = "REF")]
    pub(crate) certificate_github_workflow_ref: Option<String>,
    /// The triggering event in the certificate, e.g. push.
    #[arg(long, value_name = "EVENT")]
    pub(crate) certificate_github_workflow_trigger: Option<String>,
    /// The workflow name in the certificate.
    #[arg(long, value_name = "NAME")]
    pub(crate) certificate_github_workflow_name: Option<String>,
    /// The commit SHA in the certificate.
    #[arg(long, value_name = "SHA")]
    pub(crate) certificate_github_workflow_sha: Option<String>,
    /// The OIDC issuer in the certificate must match this regular
    /// expression (unanchored, as cosign's: write `^…$`).
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_oidc_issuer")]
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,
    /// gh: the source repository's owner in the certificate
    /// (`https://github.com/OWNER`). gh's flags mean GitHub Actions' issuer
    /// unless one is given.
    #[arg(long, value_name = "OWNER")]
    pub(crate) owner: Option<String>,
    /// gh: the source repository in the certificate.
    #[arg(long, value_name = "OWNER/REPO")]
    pub(crate) repo: Option<String>,
    /// gh: the workflow that signed (the certificate's build signer);
    /// without `@REF`, any ref of it.
    #[arg(long, value_name = "[HOST/]OWNER/REPO/PATH[@REF]")]
    pub(crate) signer_workflow: Option<String>,
    /// gh: the repository of the workflow that signed.
    #[arg(long, value_name = "OWNER/REPO")]
    pub(crate) signer_repo: Option<String>,
    /// gh: the commit of the workflow that signed.
    #[arg(long, value_name = "SHA")]
    pub(crate) signer_digest: Option<String>,
    /// gh: the source repository's ref in the certificate, e.g. refs/heads/main.
    #[arg(long, value_name = "REF")]
    pub(crate) source_ref: Option<String>,
    /// gh: the source repository's commit in the certificate.
    #[arg(long, value_name = "SHA")]
    pub(crate) source_digest: Option<String>,
    /// gh: refuse a build on a self-hosted runner (the certificate must say
    /// github-hosted).
    #[arg(long)]
    pub(crate) deny_self_hosted_runners: bool,
    /// A digest the statement must name, ALG:HEX (repeatable).
    #[arg(long, value_name = "ALG:HEX")]
    pub(crate) digest: Vec<String>,
    /// A file the statement must name (hashed while streaming; repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) artifact: Vec<PathBuf>,
    /// An image the statement must name, REF@DIGEST (repeatable).
    #[arg(long, value_name = "REF@DIGEST")]
    pub(crate) image: Vec<String>,
    /// Do not verify signatures (audits of unsigned history). Every report says so.
    /// Refused beside the options that ask for a verification.
    #[arg(long, conflicts_with_all = [
        "key", "key_threshold", "trusted_root", "certificate_identity",
        "certificate_identity_regexp", "certificate_oidc_issuer",
        "certificate_github_workflow_repository", "certificate_github_workflow_ref",
        "certificate_github_workflow_trigger", "certificate_github_workflow_name",
        "certificate_github_workflow_sha", "certificate_oidc_issuer_regexp", "owner", "repo",
        "signer_workflow", "signer_repo", "signer_digest", "source_ref", "source_digest",
        "deny_self_hosted_runners",
    ])]
    pub(crate) insecure_skip_signature: bool,
}

impl TrustArgs {
    /// Whether any trust option was given.
    pub(crate) fn any(&self) -> bool {
        !self.key.is_empty()
            || self.key_threshold != 1
            || self.trusted_root.is_some()
            || self.certificate_identity.is_some()
            || self.certificate_identity_regexp.is_some()
            || self.certificate_oidc_issuer.is_some()
            || self.certificate_github_workflow_repository.is_some()
            || self.certificate_github_workflow_ref.is_some()
            || self.certificate_github_workflow_trigger.is_some()
            || self.certificate_github_workflow_name.is_some()
            || self.certificate_github_workflow_sha.is_some()
            || self.certificate_oidc_issuer_regexp.is_some()
            || self.owner.is_some()
            || self.repo.is_some()
            || self.signer_workflow.is_some()
            || self.signer_repo.is_some()
            || self.signer_digest.is_some()
            || self.source_ref.is_some()
            || self.source_digest.is_some()
            || self.deny_self_hosted_runners
            || !self.digest.is_empty()
            || !self.artifact.is_empty()
            || !self.image.is_empty()
            || self.insecure_skip_signature
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// A verdict line and the results that did not pass.
    Text,
    /// The JSON report (`provcheck schema report`): one object for one
    /// document, else an array with an entry per document (`"verdict":
    /// "error"` for one that could not be judged).
    Json,
    /// JUnit XML: a suite per document, a case per result.
    Junit,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (inline annotations).
    Github,
    /// A Markdown summary (`$GITHUB_STEP_SUMMARY`, a merge-request comment).
    Markdown,
    /// Tekton's `TEST_OUTPUT` JSON (`provcheck schema tekton-test-output`).
    Tekton,
    /// SLSA verification summary attestations, a JSON line per document
    /// with subjects (`provcheck schema vsa`); signed with `--vsa-key`.
    Vsa,
}

impl From<ReportFormat> for provcheck::report::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Text => Self::Text,
            ReportFormat::Json => Self::Json,
            ReportFormat::Junit => Self::Junit,
            ReportFormat::Sarif => Self::Sarif,
            ReportFormat::Github => Self::Github,
            ReportFormat::Markdown => Self::Markdown,
            ReportFormat::Tekton => Self::Tekton,
            ReportFormat::Vsa => Self::Vsa,
        }
    }
}

/// One `--output FORMAT[=FILE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputSpec {
    /// The format.
    pub(crate) format: ReportFormat,
    /// The file; standard output when absent.
    pub(crate) file: Option<PathBuf>,
}

fn parse_output(text: &str) -> Result<OutputSpec, String> {
    let (format, file) = match text.split_once('=') {
        Some((format, "")) => {
            return Err(format!(
                "`{format}=` names no file; give {format}=FILE, or {format} for standard output"
            ))
        }
        Some((format, file)) => (format, Some(PathBuf::from(file))),
        None => (text, None),
    };
    let format = ReportFormat::from_str(format, false).map_err(|_| {
        format!("unknown format {format:?}: expected text, json, junit, sarif, github, markdown, tekton or vsa")
    })?;
    Ok(OutputSpec { format, file })
}

/// `policy test --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TestFormatArg {
    /// The failed tests (every test with --verbose) and the counts.
    Text,
    /// A JSON array, an object per test.
    Json,
    /// JUnit XML.
    Junit,
}

impl From<TestFormatArg> for provcheck::report::TestFormat {
    fn from(f: TestFormatArg) -> Self {
        match f {
            TestFormatArg::Text => Self::Text,
            TestFormatArg::Json => Self::Json,
            TestFormatArg::Junit => Self::Junit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum UnknownMode {
    /// Exit 1, like a failure.
    Fail,
    /// Exit 0, with a note on stderr.
    Warn,
    /// Exit 0.
    Pass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorMode {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The Evidence as JSON (an array when there are several documents).
    Json,
    /// A table per document.
    Text,
}
