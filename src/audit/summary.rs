//! The summary of an audit: a fold over its records, mergeable.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::record::{Duplicate, Tally, TallyStatus};
use super::shard::Shard;
use super::window::{BuildTimes, Placement};
use super::Verdict;
use crate::report::text_line;

/// Distinct keys kept per table (reasons, images, builders, days); further
/// keys are counted under `(other)` so memory stays bounded.
const MAX_KEYS: usize = 10_000;
const OTHER: &str = "(other)";

/// Counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Pass.
    pub pass: u64,
    /// Fail.
    pub fail: u64,
    /// Unknown.
    pub unknown: u64,
    /// Error (documents only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub error: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Counts {
    fn add(&mut self, other: &Self) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.unknown += other.unknown;
        self.error += other.error;
    }

    /// The sum.
    pub fn total(&self) -> u64 {
        self.pass + self.fail + self.unknown + self.error
    }
}

/// Steps (and sidecars) by trust status: only pinned steps have a trusted
/// reference, and only those count toward registries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCounts {
    /// Declared by digest.
    pub pinned: u64,
    /// Declared by tag only.
    pub unpinned: u64,
    /// No declared image (runtime ImageID only).
    pub undeclared: u64,
    /// Not a valid reference.
    pub invalid: u64,
}

impl StepCounts {
    fn add(&mut self, other: &Self) {
        self.pinned += other.pinned;
        self.unpinned += other.unpinned;
        self.undeclared += other.undeclared;
        self.invalid += other.invalid;
    }
}

/// What an audit found, as `--summary-json` writes it.
///
/// Every count is a sum over records, so summaries of shards merge into the
/// summary of the whole ([`Summary::merge`]). The counts add up:
/// `inputs = pass + fail + unknown + error + skipped` ([`Summary::adds_up`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The run's fingerprint: its options, explicit inputs and provcheck
    /// version. Shards of one run, and a run and its resumption, share it.
    pub fingerprint: String,
    /// Which shard of the run this is (`1/1`: the whole run, or a complete
    /// merge). Absent from a merge that lacks shards ([`Summary::partial`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// A merge of some shards only (`audit merge --allow-partial`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
    /// Documents: `pass + fail + unknown + error + skipped`.
    pub inputs: u64,
    /// Documents judged, by verdict (`error`: could not be read or decoded).
    pub verdicts: Counts,
    /// Documents skipped: by the `--since`/`--until` window, or because
    /// their predicate type is not selected ([`Self::not_selected`]).
    pub skipped: u64,
    /// Documents skipped because their predicate type is not selected
    /// (`--predicate-type`, a policy's `predicate_types`).
    #[serde(default)]
    pub not_selected: u64,
    /// The `--since`/`--until` window, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowSummary>,
    /// Paths that reach a file audited under another name (not judged again,
    /// not in `inputs`).
    #[serde(default)]
    pub duplicates: Duplicates,
    /// What the run walked: every unit of the whole (unsharded) walk, so
    /// that the shards of one run are known to have walked the same tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<Walk>,
    /// Documents judged without verifying their signatures
    /// (`--insecure-skip-signature`): their verdicts rest on content nothing
    /// authenticated.
    #[serde(default)]
    pub unverified: u64,
    /// Results by rule id.
    pub rules: BTreeMap<String, Counts>,
    /// Steps by trust status.
    pub steps: StepCounts,
    /// Pinned steps by the registry of their trusted reference.
    pub registries: BTreeMap<String, u64>,
    /// Pinned steps by the repository of their trusted reference, under
    /// its registry host.
    #[serde(default)]
    pub repositories: BTreeMap<String, BTreeMap<String, u64>>,
    /// Documents naming each tag-only declared image.
    pub unpinned_images: BTreeMap<String, u64>,
    /// Failing results grouped by cause: by rule id, then by the message
    /// with each image reference written as its repository (digest and tag
    /// dropped), so that thirty digests of one image are one cause.
    pub failing_causes: BTreeMap<String, BTreeMap<String, Cause>>,
    /// Documents by builder id (`(none)` when not recorded).
    pub builders: BTreeMap<String, u64>,
    /// Document verdicts by the UTC day of their build time (`YYYY-MM-DD`).
    pub by_day: BTreeMap<String, Counts>,
    /// Verdicts of documents that record no build time (errors included).
    pub no_build_time: Counts,
}

/// Distinct digests listed per cause; more are counted as `digests_capped`.
const MAX_CAUSE_DIGESTS: usize = 1_000;

/// One cause of failing results: how often, in how many documents, over
/// how many distinct image digests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// The repository of the first image the message names, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Documents with at least one such result.
    pub documents: u64,
    /// Results.
    pub results: u64,
    /// The distinct digests the messages named (at most 1 000).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub digests: BTreeSet<String>,
    /// Whether more distinct digests were named than `digests` keeps.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub digests_capped: bool,
}

impl Cause {
    fn add_digests<'a>(&mut self, digests: impl IntoIterator<Item = &'a String>) {
        for d in digests {
            if self.digests.contains(d) {
                continue;
            }
            if self.digests.len() < MAX_CAUSE_DIGESTS {
                self.digests.insert(d.clone());
            } else {
                self.digests_capped = true;
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        if self.repository.is_none() {
            self.repository.clone_from(&other.repository);
        }
        self.documents += other.documents;
        self.results += other.results;
        self.add_digests(&other.digests);
        self.digests_capped |= other.digests_capped;
    }
}

/// A failing message as its cause: each image reference (a token naming a
/// repository with `@digest` or `:tag`) written as its repository, the
/// first repository, and the digests named.
pub(crate) fn cause_of(message: &str) -> (String, Option<String>, Vec<String>) {
    let mut text = String::with_capacity(message.len());
    let mut repository = None;
    let mut digests = Vec::new();
    for (i, token) in message.split(' ').enumerate() {
        if i > 0 {
            text.push(' ');
        }
        // Punctuation around a reference stays: "(quay.io/a/b@sha256:…),".
        let start = token.len() - token.trim_start_matches(['(', '"', '\'']).len();
        let end = token
            .trim_end_matches([')', ',', ';', '"', '\'', ':', '.'])
            .len();
        let (Some(head), Some(core), Some(tail)) = (
            token.get(..start),
            token.get(start..end.max(start)),
            token.get(end.max(start)..),
        ) else {
            text.push_str(token);
            continue;
        };
        match image_repository(core) {
            Some((repo, digest)) => {
                text.push_str(head);
                text.push_str(repo);
                text.push_str(tail);
                if repository.is_none() {
                    repository = Some(repo.to_owned());
                }
                digests.extend(digest.map(str::to_owned));
            }
            None => text.push_str(token),
        }
    }
    (text, repository, digests)
}

/// `(repository, digest)` when `token` is an image reference with a digest
/// or a tag: `quay.io/a/b@sha256:…`, `docker.io/library/golang:1.23`. A
/// bare word is not taken for one (it would parse as a Docker Hub name).
fn image_repository(token: &str) -> Option<(&str, Option<&str>)> {
    let (name, digest) = match token.split_once('@') {
        Some((name, digest)) => {
            let (algorithm, hex) = digest.split_once(':')?;
            let hex_ok = hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
            if algorithm.is_empty() || !hex_ok {
                return None;
            }
            (name, Some(digest))
        }
        None => (token, None),
    };
    let last_slash = name.rfind('/')?;
    let repo = match name.get(last_slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => name.get(..last_slash + colon)?,
        None if digest.is_some() => name,
        None => return None,
    };
    token.parse::<crate::oci::image_ref::ImageRef>().ok()?;
    Some((repo, digest))
}

/// The shards a partial merge lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partial {
    /// How many shards the run has.
    pub count: u64,
    /// The indexes of the shards not merged.
    pub missing: Vec<u64>,
}

/// The `--since`/`--until` window of a run, and how it placed documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSummary {
    /// `--since`, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `--until`, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Which build times the window went by.
    pub build_times: BuildTimes,
    /// Skipped: built before `--since`.
    pub before_since: u64,
    /// Skipped: built at or after `--until`.
    pub after_until: u64,
    /// Judged and counted, not placed: no verified signature covers the
    /// build time.
    pub unverified_time: u64,
    /// Judged and counted, not placed: no build time recorded.
    pub no_build_time: u64,
}

impl WindowSummary {
    /// The window of a run, nothing counted yet.
    pub(crate) fn new(since: Option<String>, until: Option<String>, times: BuildTimes) -> Self {
        Self {
            since,
            until,
            build_times: times,
            before_since: 0,
            after_until: 0,
            unverified_time: 0,
            no_build_time: 0,
        }
    }

    fn count(&mut self, p: Placement) {
        match p {
            Placement::BeforeSince => self.before_since += 1,
            Placement::AfterUntil => self.after_until += 1,
            Placement::UnverifiedTime => self.unverified_time += 1,
            Placement::NoBuildTime => self.no_build_time += 1,
        }
    }

    fn add(&mut self, other: &Self) {
        self.before_since += other.before_since;
        self.after_until += other.after_until;
        self.unverified_time += other.unverified_time;
        self.no_build_time += other.no_build_time;
    }
}

/// Paths reaching a file audited under another name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicates {
    /// How many.
    pub count: u64,
    /// The first 10 000, in the order of the walk.
    pub paths: Vec<Duplicate>,
}

impl Duplicates {
    pub(crate) fn add(&mut self, d: Duplicate) {
        self.count += 1;
        if self.paths.len() < MAX_KEYS {
            self.paths.push(d);
        }
    }

    fn merge(&mut self, other: &Self) {
        self.count += other.count;
        self.paths.extend(other.paths.iter().cloned());
        self.paths.sort_by_key(|d| d.unit);
        self.paths.truncate(MAX_KEYS);
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    if let Some(v) = map.get_mut(key) {
        *v += n;
    } else if map.len() < MAX_KEYS {
        map.insert(key.to_owned(), n);
    } else {
        *map.entry(OTHER.to_owned()).or_default() += n;
    }
}

/// Count `n` for `repository` under its host (the part before the first
/// `/`), both tables bounded as [`bump`]'s.
fn bump_nested(map: &mut BTreeMap<String, BTreeMap<String, u64>>, repository: &str, n: u64) {
    let host = repository.split('/').next().unwrap_or(repository);
    let inner = if let Some(inner) = map.get_mut(host) {
        inner
    } else if map.len() < MAX_KEYS {
        map.entry(host.to_owned()).or_default()
    } else {
        map.entry(OTHER.to_owned()).or_default()
    };
    bump(inner, repository, n);
}

/// Add `cause` to the table under `rule` and `message`, bounded as
/// [`bump`]'s (further causes of a rule under `(other)`).
fn merge_cause(
    map: &mut BTreeMap<String, BTreeMap<String, Cause>>,
    rule: &str,
    message: &str,
    cause: &Cause,
) {
    // Rule ids are bounded too: a Rego policy may name its codes from the
    // document it reads.
    let rule = if map.contains_key(rule) || map.len() < MAX_KEYS {
        rule
    } else {
        OTHER
    };
    let causes = if let Some(causes) = map.get_mut(rule) {
        causes
    } else {
        map.entry(rule.to_owned()).or_default()
    };
    let key = if causes.contains_key(message) || causes.len() < MAX_KEYS {
        message
    } else {
        OTHER
    };
    if let Some(mine) = causes.get_mut(key) {
        mine.merge(cause);
    } else {
        causes.insert(key.to_owned(), cause.clone());
    }
}

fn bump_counts(map: &mut BTreeMap<String, Counts>, key: &str, c: &Counts) {
    if let Some(v) = map.get_mut(key) {
        v.add(c);
    } else if map.len() < MAX_KEYS {
        map.insert(key.to_owned(), *c);
    } else {
        map.entry(OTHER.to_owned()).or_default().add(c);
    }
}

impl Summary {
    /// Count one record.
    pub(crate) fn add(&mut self, t: &Tally) {
        let one = match t.verdict {
            Some(Verdict::Pass) => Counts {
                pass: 1,
                ..Counts::default()
            },
            Some(Verdict::Fail) => Counts {
                fail: 1,
                ..Counts::default()
            },
            Some(Verdict::Unknown) => Counts {
                unknown: 1,
                ..Counts::default()
            },
            Some(Verdict::Skipped) => {
                self.inputs += 1;
                self.skipped += 1;
                // Not placed by the window: skipped for its predicate type.
                if t.window.is_none() {
                    self.not_selected += 1;
                }
                if let (Some(w), Some(p)) = (&mut self.window, t.window) {
                    w.count(p);
                }
                return;
            }
            Some(Verdict::Error) | None => Counts {
                error: 1,
                ..Counts::default()
            },
        };
        self.inputs += 1;
        self.verdicts.add(&one);
        if !t.insecure.is_empty() {
            self.unverified += 1;
        }
        if let (Some(w), Some(p)) = (&mut self.window, t.window) {
            w.count(p);
        }
        // The UTC day of the instant, read as the window and the rules read
        // it (`2026-03-31T23:30:00-05:00` is built on 2026-04-01).
        let day = t
            .build_time
            .as_deref()
            .and_then(crate::time::parse_instant)
            .map(|t| t.format("%Y-%m-%d").to_string());
        match day {
            Some(day) => bump_counts(&mut self.by_day, &day, &one),
            None => self.no_build_time.add(&one),
        }
        if one.error > 0 {
            return;
        }
        bump(
            &mut self.builders,
            t.builder_id.as_deref().unwrap_or("(none)"),
            1,
        );
        self.steps.add(&t.steps);
        for (registry, n) in &t.registries {
            bump(&mut self.registries, registry, *n);
        }
        for (repository, n) in &t.repositories {
            bump_nested(&mut self.repositories, repository, *n);
        }
        for image in &t.unpinned_images {
            bump(&mut self.unpinned_images, image, 1);
        }
        for (rule, n) in &t.passed {
            let c = Counts {
                pass: *n,
                ..Counts::default()
            };
            bump_counts(&mut self.rules, rule, &c);
        }
        for r in &t.results {
            let c = match r.status {
                TallyStatus::Pass => Counts {
                    pass: 1,
                    ..Counts::default()
                },
                TallyStatus::Fail => Counts {
                    fail: 1,
                    ..Counts::default()
                },
                TallyStatus::Unknown => Counts {
                    unknown: 1,
                    ..Counts::default()
                },
            };
            bump_counts(&mut self.rules, &r.rule, &c);
        }
        // Each cause counts a document once, however many of its results
        // share it.
        let mut causes: BTreeMap<(&str, String), Cause> = BTreeMap::new();
        for r in t.results.iter().filter(|r| r.status == TallyStatus::Fail) {
            let (message, repository, digests) = cause_of(&r.message);
            let cause = causes.entry((r.rule.as_str(), message)).or_default();
            if cause.repository.is_none() {
                cause.repository = repository;
            }
            cause.documents = 1;
            cause.results += 1;
            cause.add_digests(&digests);
        }
        for ((rule, message), cause) in causes {
            merge_cause(&mut self.failing_causes, rule, &message, &cause);
        }
    }

    /// Add another summary's counts (another shard of the same audit; see
    /// [`super::merge()`] for the checks that it is one).
    pub fn merge(&mut self, other: &Self) {
        self.inputs += other.inputs;
        self.verdicts.add(&other.verdicts);
        self.skipped += other.skipped;
        self.not_selected += other.not_selected;
        match (&mut self.window, &other.window) {
            (Some(mine), Some(theirs)) => mine.add(theirs),
            (None, Some(theirs)) => self.window = Some(theirs.clone()),
            _ => {}
        }
        self.duplicates.merge(&other.duplicates);
        self.unverified += other.unverified;
        for (k, c) in &other.rules {
            bump_counts(&mut self.rules, k, c);
        }
        self.steps.add(&other.steps);
        for (k, n) in &other.registries {
            bump(&mut self.registries, k, *n);
        }
        for repos in other.repositories.values() {
            for (repository, n) in repos {
                bump_nested(&mut self.repositories, repository, *n);
            }
        }
        for (k, n) in &other.unpinned_images {
            bump(&mut self.unpinned_images, k, *n);
        }
        for (rule, causes) in &other.failing_causes {
            for (message, cause) in causes {
                merge_cause(&mut self.failing_causes, rule, message, cause);
            }
        }
        for (k, n) in &other.builders {
            bump(&mut self.builders, k, *n);
        }
        for (k, c) in &other.by_day {
            bump_counts(&mut self.by_day, k, c);
        }
        self.no_build_time.add(&other.no_build_time);
    }

    /// Whether the counts add up: `inputs = pass + fail + unknown + error +
    /// skipped`, and (with a window) every skipped document has its reason.
    pub fn adds_up(&self) -> bool {
        let reasons = self
            .window
            .as_ref()
            .map_or(0, |w| w.before_since + w.after_until);
        self.inputs == self.verdicts.total() + self.skipped
            && self.skipped == reasons + self.not_selected
    }

    /// The most frequent causes of failing results: `(rule, cause,
    /// counts)`, in the most documents first, then by rule and cause.
    pub fn top_failing_causes(&self, n: usize) -> Vec<(&str, &str, &Cause)> {
        let mut all: Vec<(&str, &str, &Cause)> = self
            .failing_causes
            .iter()
            .flat_map(|(rule, m)| {
                m.iter()
                    .map(move |(msg, c)| (rule.as_str(), msg.as_str(), c))
            })
            .collect();
        all.sort_by(|a, b| {
            (b.2.documents, b.2.results)
                .cmp(&(a.2.documents, a.2.results))
                .then(a.0.cmp(b.0))
                .then(a.1.cmp(b.1))
        });
        all.truncate(n);
        all
    }
}

/// The whole walk of a run, as every shard sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Walk {
    /// Units walked (files, standard-input lines, duplicate paths), in
    /// every shard.
    pub units: u64,
    /// SHA-256 (first 16 bytes, hex) of the inputs' canonical paths and of
    /// every unit's path and line, in walk order.
    pub digest: String,
    /// Hidden entries (names starting with `.`) found in input directories
    /// and left out, as the walk always leaves them.
    #[serde(default)]
    pub hidden: u64,
    /// The first ten of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_paths: Vec<String>,
}

/// Sort a count table most frequent first.
pub(crate) fn by_count(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = map.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// The summary's first line, in text and on the HTML page: the inputs and
/// how they add up.
pub(crate) fn headline(s: &Summary) -> String {
    let v = &s.verdicts;
    let skipped = match (s.window.is_some() || s.skipped > 0, s.not_selected) {
        (false, _) => String::new(),
        (true, 0) => format!(" + skipped {}", s.skipped),
        (true, n) => format!(" + skipped {} ({n} not selected)", s.skipped),
    };
    format!(
        "inputs {} = pass {} + fail {} + unknown {} + error {}{skipped}",
        s.inputs, v.pass, v.fail, v.unknown, v.error
    )
}

/// What the summary covers, for people: the run, the shard or the shards
/// missing, the window and the paths not judged twice, one line each.
pub(crate) fn coverage(s: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    let run = if s.fingerprint.is_empty() {
        "(none)"
    } else {
        s.fingerprint.as_str()
    };
    match (&s.shard, &s.partial) {
        (_, Some(p)) => {
            let missing: Vec<String> = p.missing.iter().map(u64::to_string).collect();
            lines.push(format!(
                "run {run}, PARTIAL: shards {} of {} missing; the counts cover the other shards only",
                missing.join(", "),
                p.count
            ));
        }
        (Some(shard), None) if shard.count() > 1 => {
            lines.push(format!("run {run}, shard {shard}"));
        }
        _ => lines.push(format!("run {run}")),
    }
    if let Some(w) = &s.window {
        let bound = |b: &Option<String>| b.clone().unwrap_or_else(|| "(open)".to_owned());
        lines.push(format!(
            "window    since {} until {}: skipped {} (before --since {}, at or after --until {})",
            bound(&w.since),
            bound(&w.until),
            w.before_since + w.after_until,
            w.before_since,
            w.after_until
        ));
        match w.build_times {
            BuildTimes::Signed => lines.push(format!(
                "          judged and counted, not placed: {} whose build time no verified \
                 signature covers, {} with no build time",
                w.unverified_time, w.no_build_time
            )),
            BuildTimes::AsRecorded => lines.push(format!(
                "          build times taken as recorded: no signature verified them (no trust \
                 options, or --insecure-skip-signature); {} with no build time judged and counted",
                w.no_build_time
            )),
        }
    }
    if let Some(walk) = s.walk.as_ref().filter(|w| w.hidden > 0) {
        lines.push(format!(
            "hidden    {} entries whose names start with '.' were left out, not audited:",
            walk.hidden
        ));
        for path in &walk.hidden_paths {
            lines.push(format!("  {path}"));
        }
    }
    if s.unverified > 0 {
        lines.push(format!(
            "INSECURE  {} documents judged without verifying their signatures \
             (--insecure-skip-signature): nothing authenticated their content",
            s.unverified
        ));
    }
    if s.duplicates.count > 0 {
        lines.push(format!(
            "duplicates {} paths reach a file audited under another name (not judged again):",
            s.duplicates.count
        ));
        for d in s.duplicates.paths.iter().take(10) {
            lines.push(format!("  {} (the same as {})", d.path, d.same_as));
        }
    }
    lines
}

/// Write the summary for people.
///
/// # Errors
///
/// Whatever `out` returns.
pub fn write_summary_text(out: &mut dyn Write, s: &Summary) -> io::Result<()> {
    text_line!(out, "{}", headline(s))?;
    for line in coverage(s) {
        text_line!(out, "{line}")?;
    }
    if !s.adds_up() {
        text_line!(out, "warning: the counts do not add up")?;
    }
    if !s.rules.is_empty() {
        text_line!(out, "rules")?;
        for (rule, c) in &s.rules {
            text_line!(
                out,
                "  {rule:<28} pass {:>8}  fail {:>8}  unknown {:>8}",
                c.pass,
                c.fail,
                c.unknown
            )?;
        }
    }
    let st = &s.steps;
    text_line!(
        out,
        "steps     pinned {}  unpinned {}  undeclared {}  invalid {}",
        st.pinned,
        st.unpinned,
        st.undeclared,
        st.invalid
    )?;
    if !s.registries.is_empty() {
        text_line!(out, "registries (trusted references of pinned steps)")?;
        for (r, n) in by_count(&s.registries).into_iter().take(20) {
            text_line!(out, "  {n:>10}  {r}")?;
            if let Some(repos) = s.repositories.get(r) {
                for (repo, n) in by_count(repos).into_iter().take(5) {
                    text_line!(out, "  {n:>10}    {repo}")?;
                }
            }
        }
    }
    if !s.unpinned_images.is_empty() {
        text_line!(out, "unpinned images (documents)")?;
        for (r, n) in by_count(&s.unpinned_images).into_iter().take(10) {
            text_line!(out, "  {n:>10}  {r}")?;
        }
    }
    let top = s.top_failing_causes(10);
    if !top.is_empty() {
        text_line!(
            out,
            "top failing causes (documents, results, distinct digests)"
        )?;
        for (rule, msg, c) in top {
            text_line!(
                out,
                "  {:>10}  {:>8}  {:>8}{}  {rule}: {msg}",
                c.documents,
                c.results,
                c.digests.len(),
                if c.digests_capped { "+" } else { " " }
            )?;
        }
    }
    if !s.builders.is_empty() {
        text_line!(out, "builders")?;
        for (b, n) in by_count(&s.builders).into_iter().take(20) {
            text_line!(out, "  {n:>10}  {b}")?;
        }
    }
    if let (Some((first, _)), Some((last, _))) =
        (s.by_day.first_key_value(), s.by_day.last_key_value())
    {
        text_line!(
            out,
            "built     {first} … {last} ({} days with builds; {} documents without a build time)",
            s.by_day.len(),
            s.no_build_time.total()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::record::TallyResult;
    use super::*;

    /// A build is counted on the UTC day of its instant, as the window and
    /// the rules read it; a date alone is that day.
    #[test]
    fn builds_are_counted_by_utc_day() {
        let mut s = Summary::default();
        for time in [
            "2026-03-31T23:30:00-05:00",
            "2026-03-01T01:00:00+02:00",
            "2026-03-05",
            "not a time",
        ] {
            s.add(&Tally {
                path: "p".into(),
                verdict: Some(Verdict::Pass),
                build_time: Some(time.into()),
                ..Tally::default()
            });
        }
        let days: Vec<&str> = s.by_day.keys().map(String::as_str).collect();
        assert_eq!(days, ["2026-02-28", "2026-03-05", "2026-04-01"]);
        assert_eq!(s.no_build_time.total(), 1);
    }

    /// A skipped document is an input, counted with its reason; a document
    /// judged without being placed is counted as judged.
    #[test]
    fn skipped_documents_are_inputs_with_a_reason() {
        let mut s = Summary {
            window: Some(WindowSummary::new(None, None, BuildTimes::Signed)),
            ..Summary::default()
        };
        let tally = |verdict, window| Tally {
            path: "p".into(),
            verdict: Some(verdict),
            window,
            ..Tally::default()
        };
        s.add(&tally(Verdict::Skipped, Some(Placement::BeforeSince)));
        s.add(&tally(Verdict::Skipped, Some(Placement::AfterUntil)));
        s.add(&tally(Verdict::Fail, Some(Placement::UnverifiedTime)));
        s.add(&tally(Verdict::Error, None));
        assert_eq!((s.inputs, s.skipped), (4, 2));
        let w = s.window.clone().unwrap();
        assert_eq!(
            (w.before_since, w.after_until, w.unverified_time),
            (1, 1, 1)
        );
        assert!(s.adds_up());
        s.skipped += 1;
        assert!(!s.adds_up(), "a skipped document without a reason");
    }

    #[test]
    fn failing_messages_group_by_repository_not_digest() {
        let h = |c: char| c.to_string().repeat(64);
        let rows = [
            (
                format!("gcr.io/distroless/static@sha256:{} is not in an allowed registry", h('a')),
                "gcr.io/distroless/static is not in an allowed registry",
                Some("gcr.io/distroless/static"),
                1,
            ),
            (
                "declared docker.io/library/golang:1.23 (unpinned) is not in an allowed registry".to_owned(),
                "declared docker.io/library/golang (unpinned) is not in an allowed registry",
                Some("docker.io/library/golang"),
                0,
            ),
            (
                format!("declared quay.io/a/b:v1@sha256:{} but the runtime reported (quay.io/a/b@sha256:{}).", h('b'), h('c')),
                "declared quay.io/a/b but the runtime reported (quay.io/a/b).",
                Some("quay.io/a/b"),
                2,
            ),
            // Words, a step name with a colon, an abbreviated digest: as written.
            (
                "build/test: no declared image sha256:eb37…e822".to_owned(),
                "build/test: no declared image sha256:eb37…e822",
                None,
                0,
            ),
        ];
        for (message, text, repository, digests) in rows {
            let (got, repo, ds) = cause_of(&message);
            assert_eq!(got, text, "{message}");
            assert_eq!(repo.as_deref(), repository, "{message}");
            assert_eq!(ds.len(), digests, "{message}");
        }
    }

    /// Causes stay bounded however many rule ids and messages the records
    /// name: further ones are counted under `(other)`.
    #[test]
    fn causes_are_bounded_in_rules_and_messages() {
        let mut s = Summary::default();
        let fail = |rule: String, message: String| TallyResult {
            rule,
            status: TallyStatus::Fail,
            message,
        };
        for i in 0..(MAX_KEYS + 5) {
            s.add(&Tally {
                path: "p".into(),
                verdict: Some(Verdict::Fail),
                results: vec![
                    fail(format!("rego.code{i}"), "m".into()),
                    fail("r".into(), format!("m{i}")),
                ],
                ..Tally::default()
            });
        }
        // As every table: at most MAX_KEYS keys, then `(other)`.
        assert_eq!(s.failing_causes.len(), MAX_KEYS + 1);
        let other: u64 = s.failing_causes[OTHER].values().map(|c| c.results).sum();
        let listed: u64 = s
            .failing_causes
            .values()
            .flat_map(|m| m.values())
            .map(|c| c.results)
            .sum();
        assert!(other > 0);
        assert_eq!(
            listed,
            2 * (MAX_KEYS as u64 + 5),
            "every result counted once"
        );
        assert!(s.failing_causes["r"].len() <= MAX_KEYS + 1);
    }

    /// A cause counts each document once, and merges add up.
    #[test]
    fn causes_count_documents_results_and_distinct_digests() {
        let fail = |digest: char| TallyResult {
            rule: "registry.allowed".into(),
            status: TallyStatus::Fail,
            message: format!(
                "gcr.io/distroless/static@sha256:{} is not in an allowed registry",
                digest.to_string().repeat(64)
            ),
        };
        let doc = |results| Tally {
            path: "p".into(),
            verdict: Some(Verdict::Fail),
            results,
            ..Tally::default()
        };
        let (mut a, mut b) = (Summary::default(), Summary::default());
        a.add(&doc(vec![fail('a'), fail('b')]));
        a.add(&doc(vec![fail('a')]));
        b.add(&doc(vec![fail('c')]));
        a.merge(&b);
        let causes = &a.failing_causes["registry.allowed"];
        assert_eq!(causes.len(), 1);
        let c = &causes["gcr.io/distroless/static is not in an allowed registry"];
        assert_eq!((c.documents, c.results, c.digests.len()), (3, 4, 3));
        assert_eq!(c.repository.as_deref(), Some("gcr.io/distroless/static"));
    }
}
