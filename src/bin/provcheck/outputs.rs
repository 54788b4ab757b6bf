//! Where `verify` writes: each `--output` (and `--format`), checked and
//! opened before anything is judged, so that a bad name is a usage error
//! and never a lost or clobbered file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use provcheck::report::{Entry, Format, OutputOptions, TextOptions, VsaOptions, VsaSigner};
use provcheck::Verifier;

use crate::args::{self, ColorMode, UnknownMode, VerifyArgs};
use crate::{collect_files, run_settings, say};

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The entry of a judged document: its report, and the subjects a VSA
/// would be about. A VSA is never summarized again: it gets no subjects.
pub(crate) fn entry(input: String, judged: provcheck::Judged) -> Entry {
    let subjects = judged
        .evidence
        .filter(|ev| ev.predicate_type.as_deref() != Some(provcheck::report::VSA_PREDICATE_TYPE))
        .map(|ev| ev.subjects)
        .unwrap_or_default();
    Entry::new(input, Ok(judged.report)).with_subjects(subjects)
}

/// The files that name the run's policy (policies, data, keys, roots,
/// artifacts), and, with a VSA output, the digest of the whole
/// configuration taken before the run, which the VSA names as its policy.
pub(crate) struct Settings {
    digest: Option<String>,
}

impl Settings {
    /// With a VSA output: every file the configuration names must be a
    /// file or directory (a stream, such as `-` or `<(…)`, cannot be named
    /// by digest afterwards), and the configuration's digest is taken.
    pub(crate) fn before(args: &VerifyArgs) -> anyhow::Result<Self> {
        use sha2::Digest as _;
        if !wants_vsa(args) {
            return Ok(Self { digest: None });
        }
        if args
            .check
            .effective_time
            .as_deref()
            .is_some_and(|t| t != "attestation")
        {
            anyhow::bail!(
                "--effective-time: a VSA says what passed as of each build; with another instant, rules in force later could be mere warnings, and the VSA would not say so"
            );
        }
        for path in configuration_files(&args.check) {
            let plain = path.as_os_str() != "-"
                && std::fs::metadata(&path).is_ok_and(|m| m.is_file() || m.is_dir());
            if !plain {
                anyhow::bail!(
                    "{}: a VSA names the policy that judged by the digest of its files; give it as a file, not a stream",
                    path.display()
                );
            }
        }
        let settings = run_settings(&args.check, None)?;
        Ok(Self {
            digest: Some(hex(&sha2::Sha256::digest(settings.as_bytes()))),
        })
    }

    /// After the run: the configuration did not change while it ran (the
    /// VSA would name other files than those that judged).
    pub(crate) fn after(&self, args: &VerifyArgs) -> anyhow::Result<()> {
        use sha2::Digest as _;
        let Some(before) = &self.digest else {
            return Ok(());
        };
        let now = hex(&sha2::Sha256::digest(
            run_settings(&args.check, None)?.as_bytes(),
        ));
        if &now != before {
            anyhow::bail!(
                "the policy or trust files changed during the run: no VSA names what judged"
            );
        }
        Ok(())
    }
}

/// Whether any output is a VSA.
fn wants_vsa(args: &VerifyArgs) -> bool {
    args.output
        .iter()
        .any(|o| o.format == args::ReportFormat::Vsa)
        || args.format == Some(args::ReportFormat::Vsa)
}

/// Every file the configuration names, directories expanded.
fn configuration_files(check: &args::CheckArgs) -> Vec<PathBuf> {
    let trust = &check.trust;
    let mut found = Vec::new();
    for path in check
        .policy
        .iter()
        .chain(&check.policy_data)
        .chain(&check.source_policy)
        .chain(&trust.key)
        .chain(&trust.trusted_root)
        .chain(&trust.artifact)
    {
        found.push(path.clone());
        if path.is_dir() {
            collect_files(path, &mut found, 0);
        }
    }
    found
}

/// The outputs, checked; nothing created yet.
pub(crate) struct Plan {
    stdout: Format,
    /// `--print-provenance`: the report goes to standard error.
    report_to_stderr: bool,
    files: Vec<(Format, PathBuf)>,
    options: OutputOptions,
}

impl Plan {
    pub(crate) fn new(
        args: &VerifyArgs,
        verifier: &Verifier,
        settings: &Settings,
    ) -> anyhow::Result<Self> {
        let specs: Vec<args::OutputSpec> = args
            .output
            .iter()
            .cloned()
            .chain(
                args.format
                    .map(|format| args::OutputSpec { format, file: None }),
            )
            .collect();
        // `FORMAT=-`, and a file that is standard output, go to standard output.
        let stdout_file = std::fs::metadata("/dev/stdout").ok();
        let is_stdout = |spec: &args::OutputSpec| match &spec.file {
            None => true,
            Some(path) => {
                path.as_os_str() == "-"
                    || stdout_file
                        .as_ref()
                        .is_some_and(|out| is_stream_or_file(out) && same_as(path, out))
            }
        };
        let to_stdout: Vec<&args::OutputSpec> = specs.iter().filter(|s| is_stdout(s)).collect();
        if to_stdout.len() > 1 {
            anyhow::bail!(
                "{} outputs go to standard output ({}): at most one may; give the others as FORMAT=FILE",
                to_stdout.len(),
                to_stdout
                    .iter()
                    .map(|s| format!("{:?}", s.format).to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if args.print_provenance && !to_stdout.is_empty() {
            anyhow::bail!(
                "--print-provenance writes the verified statements to standard output: give the other outputs as FORMAT=FILE"
            );
        }
        let stdout = to_stdout.first().map_or(Format::Text, |s| s.format.into());
        if !wants_vsa(args)
            && (args.vsa_key.is_some()
                || !args.vsa_level.is_empty()
                || args.vsa_resource_uri.is_some())
        {
            anyhow::bail!(
                "--vsa-key, --vsa-level and --vsa-resource-uri shape a VSA: add --output vsa[=FILE]"
            );
        }
        // Everything the run reads: no output may be one of them.
        let combine = &args.check.combine;
        let mut read: Vec<PathBuf> = args
            .files
            .iter()
            .chain(&combine.with)
            .chain(&combine.index)
            .filter(|p| p.as_os_str() != "-")
            .cloned()
            .collect();
        read.extend(configuration_files(&args.check));
        read.extend(args.vsa_key.iter().cloned());
        let stdin_file = args
            .files
            .iter()
            .chain(&combine.with)
            .chain(&combine.index)
            .any(|p| p.as_os_str() == "-")
            .then(|| std::fs::metadata("/dev/stdin").ok())
            .flatten();
        let mut files: Vec<(Format, PathBuf)> = Vec::new();
        for spec in specs.iter().filter(|s| !is_stdout(s)) {
            let Some(path) = &spec.file else { continue };
            if let Some(input) = read.iter().find(|r| same_file(r, path)) {
                anyhow::bail!(
                    "--output {}: that is {}, which the run reads; it would be overwritten",
                    path.display(),
                    input.display()
                );
            }
            if stdin_file
                .as_ref()
                .is_some_and(|stdin| is_stream_or_file(stdin) && same_as(path, stdin))
            {
                anyhow::bail!(
                    "--output {}: that is standard input, which the run reads",
                    path.display()
                );
            }
            if files.iter().any(|(_, p)| same_file(p, path)) {
                anyhow::bail!(
                    "--output {}: two outputs name the same file",
                    path.display()
                );
            }
            files.push((spec.format.into(), path.clone()));
        }
        let now = now()?;
        let vsa = settings.digest.as_ref().map(|digest| VsaOptions {
            time_verified: now,
            policy: provcheck::report::Resource::new(policy_uri(args), digest),
            resource_uri: args.vsa_resource_uri.clone(),
            levels: args.vsa_level.clone(),
        });
        let vsa_signer = match &args.vsa_key {
            Some(path) => {
                let text = std::fs::read(path).map_err(|e| {
                    anyhow::anyhow!("--vsa-key {}: cannot read it: {e}", path.display())
                })?;
                let signer = VsaSigner::from_pem(&text)
                    .map_err(|e| anyhow::anyhow!("--vsa-key {}: {e}", path.display()))?;
                Some(std::sync::Arc::new(signer))
            }
            None => None,
        };
        let options = OutputOptions {
            text: TextOptions {
                color: color(args.color),
                explain: args.explain,
            },
            unknown_fails: !matches!(args.unknown, Some(UnknownMode::Warn | UnknownMode::Pass)),
            sarif_passes: args.sarif_passes,
            base: std::env::current_dir().ok(),
            now,
            vsa,
            vsa_signer,
            rule_descriptions: verifier.policy().rule_descriptions(),
        };
        Ok(Self {
            stdout,
            report_to_stderr: args.print_provenance,
            files,
            options,
        })
    }

    /// Create the output files.
    pub(crate) fn open(self) -> anyhow::Result<Outputs> {
        let mut files = Vec::new();
        for (format, path) in self.files {
            let file = std::fs::File::create(&path).map_err(|e| {
                anyhow::anyhow!("--output {}: cannot create it: {e}", path.display())
            })?;
            files.push((format, path, file));
        }
        Ok(Outputs {
            stdout: self.stdout,
            report_to_stderr: self.report_to_stderr,
            files,
            options: self.options,
        })
    }
}

/// The open outputs.
pub(crate) struct Outputs {
    stdout: Format,
    report_to_stderr: bool,
    files: Vec<(Format, PathBuf, std::fs::File)>,
    options: OutputOptions,
}

impl Outputs {
    /// Write every output.
    pub(crate) fn write(&mut self, entries: &[Entry]) -> anyhow::Result<()> {
        let vsa =
            self.stdout == Format::Vsa || self.files.iter().any(|(f, _, _)| *f == Format::Vsa);
        if vsa {
            for entry in entries
                .iter()
                .filter(|e| e.report().is_some() && e.subjects.is_empty())
            {
                say(format_args!(
                    "note: no VSA for {}: no subjects were read from it (it names none, its signature failed, it is a VSA itself, or its predicate type was not selected)",
                    entry.source()
                ));
            }
        }
        // Files (and standard error under --print-provenance) never carry
        // colour codes.
        let plain = OutputOptions {
            text: TextOptions {
                color: false,
                ..self.options.text
            },
            ..self.options.clone()
        };
        for (format, path, file) in &mut self.files {
            let mut out = std::io::BufWriter::new(file);
            provcheck::report::write(&mut out, *format, entries, &plain)
                .and_then(|()| out.flush())
                .map_err(|e| {
                    anyhow::anyhow!("--output {}: cannot write it: {e}", path.display())
                })?;
        }
        if self.report_to_stderr {
            let stderr = std::io::stderr();
            let mut out = std::io::BufWriter::new(stderr.lock());
            provcheck::report::write(&mut out, self.stdout, entries, &plain)?;
            out.flush()?;
            return Ok(());
        }
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        provcheck::report::write(&mut out, self.stdout, entries, &self.options)?;
        out.flush()?;
        Ok(())
    }
}

/// Write verified statements to standard output, a JSON line each: the
/// signed bytes with the whitespace between JSON tokens left out (nothing
/// inside a string changes).
pub(crate) fn print_provenance(statements: &[Vec<u8>]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for statement in statements {
        out.write_all(&json_line(statement))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// JSON text on one line: whitespace outside strings dropped.
fn json_line(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in json {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
    out
}

/// The VSA's policy URI: the policy files, or `provcheck:flags`.
fn policy_uri(args: &VerifyArgs) -> String {
    match args.check.policy.as_slice() {
        [] => "provcheck:flags".to_owned(),
        paths => paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Whether the text report on standard output is coloured.
fn color(mode: ColorMode) -> bool {
    match mode {
        ColorMode::Always => true,
        ColorMode::Never => false,
        ColorMode::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// The time of the run: `SOURCE_DATE_EPOCH` when set (reproducible
/// outputs), else the clock. Years 1970 to 9999: what RFC 3339 can write.
fn now() -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|secs| (0..=LAST).contains(secs))
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "SOURCE_DATE_EPOCH={text:?}: expected seconds since 1970, up to the year 9999"
                )
            }),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

/// Whether `a` and `b` are one file: the same device and inode when both
/// exist (hard links, symbolic links and other spellings alike), else the
/// same absolute path once the directory is resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => same_inode(&x, &y),
        _ => spelled(a).is_some_and(|a| spelled(b).is_some_and(|b| a == b)),
    }
}

/// Whether `path` is the file `meta` describes.
fn same_as(path: &Path, meta: &std::fs::Metadata) -> bool {
    std::fs::metadata(path).is_ok_and(|m| same_inode(&m, meta))
}

#[cfg(unix)]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// A regular file or a pipe: where two writers, or a reader and a writer,
/// would clobber or block each other (a terminal or `/dev/null` would not).
fn is_stream_or_file(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        meta.is_file() || meta.file_type().is_fifo()
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// `path` made absolute with its directory resolved (for a file that does
/// not exist yet).
fn spelled(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::json_line;

    #[test]
    fn json_lines_keep_strings_whole() {
        let text = b"{\n  \"a\": \"x y\\\" \\n z\",\n  \"b\" : [1, 2]\n}\n";
        assert_eq!(
            json_line(text),
            b"{\"a\":\"x y\\\" \\n z\",\"b\":[1,2]}".to_vec()
        );
    }
}
