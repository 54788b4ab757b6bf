//! The `provcheck` command: a thin layer over the library.

#![forbid(unsafe_code)]

mod args;
mod outputs;

/// mimalloc instead of the system allocator: parsing, judging and Rego
/// evaluation allocate many small values, and malloc/free were a quarter to a
/// third of the instructions (callgrind): −26% CPU for `provcheck audit`, and
/// the Rego pack's evaluation from 1.03 to 0.81 ms (README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{
    AuditArgs, AuditCommand, AuditOutArgs, CheckArgs, Cli, CombineArgs, Command, Format,
    NormalizeArgs, PolicyCommand, SchemaArgs, TrustArgs, UnknownMode, VerifyArgs,
};
use provcheck::ingest::Limits;
use provcheck::normalize::NormalizeOptions;
use provcheck::{PolicyBuilder, Status, TrustBuilder, TrustMaterial, Verifier};

/// provcheck's exit codes (`docs/src/concepts.md`): stable, scripts rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Exit {
    /// The verdict is pass (for `normalize`: every input was read).
    Pass = 0,
    /// The verdict is fail.
    Fail = 1,
    /// The verdict is unknown (unless `--unknown` maps it).
    Unknown = 3,
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
        Command::Verify(args) => verify(&args),
        Command::Audit(args) => audit(&args),
        Command::Policy(PolicyCommand::Test {
            dirs,
            run,
            format,
            verbose,
        }) => policy_test(&dirs, run.as_deref(), format, verbose),
        Command::Schema(args) => schema(&args),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "provcheck",
                &mut std::io::stdout(),
            );
            Ok(Exit::Pass)
        }
        Command::Man { command } => man(&command),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            say(format_args!("provcheck: {}", causes(&e)));
            Exit::Invalid.into()
        }
    }
}

/// An error and its causes, `: `-separated, each cause once: provcheck's
/// errors already name their cause in their own text.
fn causes(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

/// A message on stderr, its terminal controls escaped line by line (it may
/// quote a file name or document text; a Rego error spans lines). A closed
/// stderr is not worth a panic: the exit code still says what happened.
pub(crate) fn say(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let mut err = std::io::stderr().lock();
    for line in text.split('\n') {
        let _ = writeln!(err, "{}", provcheck::report::printable(line));
    }
}

/// Print the roff manual page of provcheck, or of the command named by
/// `path` (`verify`, `audit merge`), generated from the clap definitions.
fn man(path: &[String]) -> anyhow::Result<Exit> {
    // Built, every subcommand has its display name (`provcheck-verify`),
    // which titles its page.
    let mut command = Cli::command();
    command.build();
    for part in path {
        let Some(sub) = command.find_subcommand(part).cloned() else {
            let name = command.get_display_name().unwrap_or("provcheck").to_owned();
            anyhow::bail!("{name} has no command {part:?} (see --help)");
        };
        command = sub;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_mangen::Man::new(command).render(&mut out)?;
    out.flush()?;
    Ok(Exit::Pass)
}

/// Normalize every input; report each bad one on stderr and go on.
fn normalize(args: &NormalizeArgs) -> anyhow::Result<Exit> {
    stdin_once(&args.files, &args.combine)?;
    let limits = Limits {
        max_bytes: args.max_bytes,
        max_steps: args.max_steps,
    };
    let options = combine_options(&args.combine, &limits)?;
    let mut evidence = Vec::new();
    let mut exit = Exit::Pass;
    for path in &args.files {
        for result in options.normalize_path(path, &limits) {
            match result {
                Ok(ev) => evidence.push(ev),
                Err(e) => {
                    say(format_args!("error: {e}"));
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

/// Collect the trust flags into checked trust material.
fn trust(args: &TrustArgs) -> anyhow::Result<TrustMaterial> {
    let mut t = TrustBuilder::new();
    for key in &args.key {
        t.add_key_file(key)?;
    }
    t.key_threshold(usize::try_from(args.key_threshold)?);
    if let Some(root) = &args.trusted_root {
        t.trusted_root_file(root)?;
    }
    if let Some(v) = &args.certificate_identity {
        t.certificate_identity(v);
    }
    if let Some(v) = &args.certificate_identity_regexp {
        t.certificate_identity_regexp(v)?;
    }
    if let Some(v) = &args.certificate_oidc_issuer {
        t.certificate_oidc_issuer(v);
    }
    if let Some(v) = &args.certificate_oidc_issuer_regexp {
        t.certificate_oidc_issuer_regexp(v)?;
    }
    type Set = for<'a> fn(&'a mut TrustBuilder, &str) -> &'a mut TrustBuilder;
    let gh: [(&Option<String>, Set); 7] = [
        (&args.owner, TrustBuilder::owner),
        (&args.repo, TrustBuilder::repo),
        (&args.signer_workflow, TrustBuilder::signer_workflow),
        (&args.signer_repo, TrustBuilder::signer_repo),
        (&args.signer_digest, TrustBuilder::signer_digest),
        (&args.source_ref, TrustBuilder::source_ref),
        (&args.source_digest, TrustBuilder::source_digest),
    ];
    for (value, set) in gh {
        if let Some(v) = value {
            set(&mut t, v);
        }
    }
    if args.deny_self_hosted_runners {
        t.deny_self_hosted_runners();
    }
    if let Some(v) = &args.certificate_github_workflow_repository {
        t.github_workflow_repository(v);
    }
    if let Some(v) = &args.certificate_github_workflow_ref {
        t.github_workflow_ref(v);
    }
    if let Some(v) = &args.certificate_github_workflow_trigger {
        t.github_workflow_trigger(v);
    }
    if let Some(v) = &args.certificate_github_workflow_name {
        t.github_workflow_name(v);
    }
    if let Some(v) = &args.certificate_github_workflow_sha {
        t.github_workflow_sha(v);
    }
    for d in &args.digest {
        t.digest(d)?;
    }
    for a in &args.artifact {
        t.artifact(a)?;
    }
    for i in &args.image {
        t.image(i)?;
    }
    if args.insecure_skip_signature {
        t.insecure_skip_signature();
    }
    Ok(t.build()?)
}

/// Print a bundled schema, or the list of them.
fn schema(args: &SchemaArgs) -> anyhow::Result<Exit> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.name {
        Some(name) => {
            let Some(schema) = provcheck::schemas::find(name) else {
                let known: Vec<&str> = provcheck::schemas::ALL.iter().map(|s| s.name).collect();
                anyhow::bail!("unknown schema {name:?} (known: {})", known.join(", "));
            };
            out.write_all(schema.text.as_bytes())?;
        }
        None => {
            for s in provcheck::schemas::ALL {
                writeln!(out, "{:<24}{:<36}{}", s.name, s.file, s.describes)?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Pass)
}

/// Read the `--with` runs and `--index` indexes; any bad one is a usage error.
fn combine_options(args: &CombineArgs, limits: &Limits) -> anyhow::Result<NormalizeOptions> {
    let mut options = NormalizeOptions::new();
    for path in &args.with {
        options.add_run_path(path, limits)?;
    }
    for path in &args.index {
        options.add_index_path(path, limits)?;
    }
    Ok(options)
}

/// The verifier `verify` and `audit` share: policy, trust, `--with`/`--index`.
fn verifier(args: &CheckArgs) -> anyhow::Result<Verifier> {
    let mut builder = PolicyBuilder::new();
    for path in &args.policy {
        builder.add_path(path)?;
    }
    for path in &args.policy_data {
        builder.add_data_file(path)?;
    }
    for path in &args.source_policy {
        builder.add_source_policy_file(path)?;
    }
    for prefix in &args.allow_registry {
        builder.allow_registry(prefix)?;
    }
    for prefix in &args.deny_registry {
        builder.deny_registry(prefix)?;
    }
    for (flag, value) in [
        ("--source-uri", &args.source_uri),
        ("--source-tag", &args.source_tag),
        ("--source-versioned-tag", &args.source_versioned_tag),
        ("--source-branch", &args.source_branch),
    ] {
        if let Some(value) = value {
            builder.require_source(flag, value)?;
        }
    }
    if let Some(id) = &args.builder_id {
        builder.require_builder(id)?;
    }
    let effective = match &args.effective_time {
        Some(text) => provcheck::EffectiveTime::parse(text).ok_or_else(|| {
            anyhow::anyhow!(
                "--effective-time {text:?}: expected now, attestation, or a time (RFC 3339 or YYYY-MM-DD)"
            )
        })?,
        None => provcheck::EffectiveTime::Attestation,
    };
    let limits = Limits {
        max_bytes: args.max_bytes,
        max_steps: args.max_steps,
    };
    let mut verifier = Verifier::new(builder.build()?)
        .with_limits(limits)
        .with_options(combine_options(&args.combine, &limits)?)
        .effective_time(effective);
    if args.trust.any() {
        verifier = verifier.with_trust(trust(&args.trust)?);
    }
    verifier = verifier.expect_vsa(provcheck::evaluate::vsa::VsaExpectation {
        verifier_id: args.verifier_id.clone(),
        levels: args.verified_level.clone(),
        resource_uri: args.resource_uri.clone(),
    });
    if !args.predicate_type.is_empty() {
        let types = args
            .predicate_type
            .iter()
            .map(|t| {
                provcheck::evaluate::selection::predicate_type(t).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--predicate-type {t:?}: not a URI nor a known short name (slsaprovenance, slsaprovenance02, slsaprovenance1, spdx, spdxjson, cyclonedx, link, vuln, openvex, custom, vsa)"
                    )
                })
            })
            .collect::<anyhow::Result<Vec<String>>>()?;
        verifier = verifier.select_predicate_types(types);
    }
    Ok(verifier)
}

/// Judge every input; an unreadable one is reported and the rest still judged.
/// Standard input can be read once: among the inputs and the evidence
/// brought to them (`--with`, `--index`).
fn stdin_once(files: &[std::path::PathBuf], combine: &args::CombineArgs) -> anyhow::Result<()> {
    let all = files.iter().chain(&combine.with).chain(&combine.index);
    if all.filter(|f| f.as_os_str() == "-").count() > 1 {
        anyhow::bail!("`-` (standard input) is given more than once: it can be read once");
    }
    Ok(())
}

fn verify(args: &VerifyArgs) -> anyhow::Result<Exit> {
    use sha2::Digest as _;
    stdin_once(&args.files, &args.check.combine)?;
    // Everything that can refuse the run comes before an output file is
    // created: the policy and keys, the time, the outputs' names.
    let settings = outputs::Settings::before(args)?;
    let mut verifier = verifier(&args.check)?;
    if args.print_provenance {
        verifier = verifier.keep_verified_statements();
    }
    let mut statements = Vec::new();
    let plan = outputs::Plan::new(args, &verifier, &settings)?;
    let mut outputs = plan.open()?;
    let mut entries = Vec::new();
    for path in &args.files {
        let input = path.display().to_string();
        let bytes = match provcheck::ingest::read_input(path, verifier.limits()) {
            Ok(bytes) => bytes,
            Err(e) => {
                let e = provcheck::Error::from(e);
                say(format_args!("error: {e}"));
                entries.push(provcheck::report::Entry::new(input, Err(e)));
                continue;
            }
        };
        let digest = format!("sha256:{}", outputs::hex(&sha2::Sha256::digest(&bytes)));
        for judged in verifier.judge_bytes(&input, &bytes) {
            let entry = match judged {
                Ok(mut j) => {
                    // Only a statement that passed as a whole: a failing
                    // policy keeps it off standard output, as slsa-verifier.
                    if j.report.verdict == Status::Pass {
                        statements.extend(j.verified_statement.take());
                    }
                    outputs::entry(input.clone(), j)
                }
                Err(e) => {
                    say(format_args!("error: {e}"));
                    provcheck::report::Entry::new(input.clone(), Err(e))
                }
            };
            entries.push(entry.with_input_digest(digest.clone()));
        }
    }
    settings.after(args)?;
    if args.print_provenance {
        outputs::print_provenance(&statements)?;
    }
    outputs.write(&entries)?;

    let errors: Vec<_> = entries.iter().filter(|e| e.report().is_none()).collect();
    // A skipped document (a predicate type not selected) counts for nothing.
    let reports: Vec<_> = entries
        .iter()
        .filter_map(provcheck::report::Entry::report)
        .filter(|r| r.skipped.is_none())
        .collect();
    if reports.is_empty() && errors.is_empty() && !entries.is_empty() {
        // Nothing judged is never a pass, whatever `--unknown` says.
        say(format_args!(
            "error: no document was selected: every attestation's predicate type was skipped (see --predicate-type)"
        ));
        return Ok(Exit::Unknown);
    }
    if !errors.is_empty() {
        return Ok(Exit::Invalid);
    }
    let verdict = reports
        .iter()
        .map(|r| r.verdict)
        .max()
        .unwrap_or(Status::Unknown);
    Ok(match (verdict, args.unknown) {
        (Status::Pass, _) | (Status::Unknown, Some(UnknownMode::Pass)) => Exit::Pass,
        (Status::Fail, _) | (Status::Unknown, Some(UnknownMode::Fail)) => Exit::Fail,
        (Status::Unknown, None) => Exit::Unknown,
        (Status::Unknown, Some(UnknownMode::Warn)) => {
            say(format_args!(
                "warning: verdict unknown; exiting 0 because of --unknown warn"
            ));
            Exit::Pass
        }
    })
}

/// `provcheck policy test`: one line per test, a summary, exit 1 on a failure.
fn policy_test(
    dirs: &[std::path::PathBuf],
    run: Option<&str>,
    format: args::TestFormatArg,
    verbose: bool,
) -> anyhow::Result<Exit> {
    let filter = run
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--run: {e}"))?;
    let mut outcomes = provcheck::evaluate::rego::run_tests(dirs)?;
    if let Some(re) = &filter {
        outcomes.retain(|o| re.is_match(&o.name));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    provcheck::report::write_policy_tests(&mut out, &outcomes, format.into(), verbose)?;
    out.flush()?;
    if outcomes.is_empty() {
        say(format_args!(
            "error: no test_ rules found{}",
            if filter.is_some() {
                " that match --run"
            } else {
                ""
            }
        ));
        return Ok(Exit::Invalid);
    }
    let failed = outcomes.iter().any(|o| o.failure.is_some());
    Ok(if failed { Exit::Fail } else { Exit::Pass })
}

/// `provcheck audit`: the library's [`provcheck::audit::Audit`] with flags,
/// a progress bar on a terminal, and the summaries written where asked.
fn audit(args: &AuditArgs) -> anyhow::Result<Exit> {
    use provcheck::audit::{parse_time, Audit, AuditOptions, Resume, Shard};
    if let Some(AuditCommand::Merge(merge)) = &args.merge {
        return audit_merge(merge);
    }
    let verifier = verifier(&args.check)?;
    let time = |option: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_time(t).map_err(|e| anyhow::anyhow!("{option}: {e}")))
            .transpose()
    };
    let (since, until) = (
        time("--since", &args.run.since)?,
        time("--until", &args.run.until)?,
    );
    if let (Some(since), Some(until)) = (since, until) {
        if since >= until {
            anyhow::bail!(
                "--since {since} is not before --until {until}: the window holds no build"
            );
        }
    }
    let shard = match args.run.shard.as_deref() {
        None => None,
        Some(s) => Some(match s.strip_prefix("job/") {
            Some(count) => {
                let count: u64 = count
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--shard {s}: expected job/N, N a number"))?;
                let index = std::env::var("JOB_COMPLETION_INDEX").map_err(|_| {
                    anyhow::anyhow!("--shard {s}: JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it)")
                })?;
                let index: u64 = index.trim().parse().map_err(|_| {
                    anyhow::anyhow!("--shard {s}: JOB_COMPLETION_INDEX={index:?} is not a number")
                })?;
                if index >= count {
                    anyhow::bail!(
                        "--shard {s}: JOB_COMPLETION_INDEX={index} is not below {count} \
                         (it counts from 0: the Job's completions must equal N)"
                    );
                }
                Shard::new(index + 1, count)?
            }
            None => s.parse::<Shard>()?,
        }),
    };
    // No two outputs may be one file, no output an input (the records file
    // of a resumed run is appended to, not overwritten); none is read as one.
    let summaries = [
        &args.out.summary,
        &args.out.summary_json,
        &args.out.summary_html,
    ];
    let outputs: Vec<std::path::PathBuf> = args
        .out
        .output
        .iter()
        .chain(summaries.into_iter().flatten())
        .cloned()
        .collect();
    provcheck::audit::refuse_same_outputs(
        &outputs.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
    )?;
    // The records of a resumed run are appended to, and still never an input.
    for path in outputs.iter() {
        provcheck::audit::refuse_overwrite(&args.paths, path)?;
    }
    let resume = match (&args.out.output, args.run.resume) {
        (Some(path), true) => Some(Resume::from_file(path)?),
        _ => None,
    };
    // A summary that cannot be written is found now, not after the run;
    // one that exists is overwritten only once the run ends well.
    for path in summaries.into_iter().flatten() {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    let options = AuditOptions {
        jobs: args.run.jobs,
        since,
        until,
        shard,
        resume,
        all_results: args.run.all_results,
        outputs,
        settings: run_settings(&args.check, args.check.effective_time.as_deref())?,
    };
    let mut out: Box<dyn Write + Send> = match &args.out.output {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(args.run.resume)
                .truncate(!args.run.resume)
                .open(path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Box::new(std::io::BufWriter::with_capacity(1 << 16, file))
        }
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout(),
        )),
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} records  {msg}  {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let records_name = args
        .out
        .output
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let summary = Audit::new(&verifier, options)
        .run(&args.paths, &mut out, &|n| {
            bar.set_position(n);
            let secs = bar.elapsed().as_secs_f64();
            if secs > 0.0 {
                bar.set_message(format!("{:.0}/s", n as f64 / secs));
            }
        })
        .map_err(|e| match e {
            // The library writes to a stream; name the file it is.
            provcheck::audit::AuditError::Io { file, cause } if file == "records" => {
                anyhow::anyhow!("{records_name}: {cause}")
            }
            other => other.into(),
        })?;
    bar.finish_and_clear();
    drop(out);
    write_summaries(&args.out, &summary)?;
    Ok(if summary.verdicts.error > 0 {
        Exit::Invalid
    } else {
        Exit::Pass
    })
}

/// A file created at its first write or flush, so a refused merge leaves
/// no empty output behind.
struct CreatedOnWrite {
    path: std::path::PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl CreatedOnWrite {
    fn file(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        if self.file.is_none() {
            let f = std::fs::File::create(&self.path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("{}: {e}", self.path.display()))
            })?;
            self.file = Some(std::io::BufWriter::new(f));
        }
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("unreachable"))
    }
}

impl Write for CreatedOnWrite {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file()?.flush()
    }
}

/// What decides an audit's records besides its inputs and window, for the
/// run's fingerprint: every judging option as given, and the contents of
/// every file they name (a policy edited between a run and its resumption
/// is another run).
pub(crate) fn run_settings(check: &CheckArgs, at: Option<&str>) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    let mut text = format!("{check:?}\nat={at:?}\n");
    let combine = &check.combine;
    let trust = &check.trust;
    let files = check
        .policy
        .iter()
        .chain(&check.policy_data)
        .chain(&check.source_policy)
        .chain(&combine.with)
        .chain(&combine.index)
        .chain(&trust.key)
        .chain(&trust.trusted_root)
        .chain(&trust.artifact)
        .filter(|p| p.as_os_str() != "-");
    for path in files {
        let mut found = Vec::new();
        collect_files(path, &mut found, 0);
        found.sort();
        for file in found {
            // Streamed: an --artifact can be large.
            let mut hasher = Sha256::new();
            std::fs::File::open(&file)
                .and_then(|mut f| std::io::copy(&mut f, &mut hasher))
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let hex: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            writeln!(text, "{} sha256:{hex}", file.display())?;
        }
    }
    Ok(text)
}

/// The files at `path`: itself, or those below it (a policy directory).
pub(crate) fn collect_files(
    path: &std::path::Path,
    found: &mut Vec<std::path::PathBuf>,
    depth: usize,
) {
    match std::fs::read_dir(path) {
        Ok(entries) if depth < 16 => {
            for entry in entries.flatten() {
                collect_files(&entry.path(), found, depth + 1);
            }
        }
        Ok(_) => {}
        Err(_) => found.push(path.to_path_buf()),
    }
}

/// Write the text summary (stderr unless `--summary`), and the JSON and
/// HTML summaries when asked.
fn write_summaries(args: &AuditOutArgs, summary: &provcheck::audit::Summary) -> anyhow::Result<()> {
    let create = |path: &std::path::Path| {
        std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    };
    // The files first: a standard error that went away must not leave them
    // empty.
    if let Some(path) = &args.summary_json {
        let mut f = create(path)?;
        serde_json::to_writer_pretty(&mut f, summary)?;
        f.write_all(b"\n")?;
        f.flush()?;
    }
    if let Some(path) = &args.summary_html {
        let mut f = create(path)?;
        provcheck::audit::write_summary_html(&mut f, summary)?;
        f.flush()?;
    }
    match &args.summary {
        Some(path) => {
            let mut f = create(path)?;
            provcheck::audit::write_summary_text(&mut f, summary)?;
            f.flush()?;
        }
        None => provcheck::audit::write_summary_text(&mut std::io::stderr().lock(), summary)?,
    }
    Ok(())
}

/// `provcheck audit merge`: the library's [`provcheck::audit::merge()`], its
/// outputs checked first and the merged records written only when the merge
/// is accepted.
fn audit_merge(args: &args::MergeArgs) -> anyhow::Result<Exit> {
    let inputs: Vec<std::path::PathBuf> = args
        .summaries
        .iter()
        .chain(&args.records)
        .cloned()
        .collect();
    let out = &args.out;
    let outputs: Vec<&std::path::Path> = [
        &out.output,
        &out.summary,
        &out.summary_json,
        &out.summary_html,
    ]
    .into_iter()
    .flatten()
    .map(std::path::PathBuf::as_path)
    .collect();
    provcheck::audit::refuse_same_outputs(&outputs)?;
    for path in &outputs {
        provcheck::audit::refuse_overwrite(&inputs, path)?;
    }
    let mut records: Box<dyn Write> = match (&args.out.output, args.records.is_empty()) {
        (_, true) => Box::new(std::io::sink()),
        (Some(path), false) => Box::new(CreatedOnWrite {
            path: path.clone(),
            file: None,
        }),
        (None, false) => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let summary = provcheck::audit::merge(
        &args.summaries,
        &args.records,
        &mut records,
        args.allow_partial,
    )?;
    records.flush()?;
    drop(records);
    write_summaries(&args.out, &summary)?;
    // A partial merge judged only part of the run: not a clean exit.
    Ok(if summary.verdicts.error > 0 {
        Exit::Invalid
    } else if summary.partial.is_some() {
        Exit::Unknown
    } else {
        Exit::Pass
    })
}
