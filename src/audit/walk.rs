//! The walk: an audit's inputs, one unit at a time, in one deterministic
//! order, each file once.
//!
//! Explicit inputs are taken sorted (by path component), directories depth
//! first with their entries sorted; hidden entries (`.name`) inside
//! directories are left out; symbolic links to files are followed, to
//! directories not (an error record says so), except a directory named on
//! the command line. `-` reads standard input as JSON lines.
//!
//! Every item the walk yields is a *unit* and gets the next index, whatever
//! the shard: the index is the unit's place in the unsharded run, which
//! `--resume` and `audit merge` order by. A file reached a second time — a
//! symbolic link to a file the walk also reaches, a hard link, an input
//! inside another input, a bind-mounted directory — is a
//! [`Unit::Duplicate`]: listed in the summary, never judged twice.
//!
//! Memory stays small: the walk keeps the paths still to visit, and the
//! identities (device and inode) only of what can be reached twice — files
//! with several hard links, targets of symbolic links outside the inputs,
//! directories — never one entry per file.

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::{Component, Path, PathBuf};

/// One input to judge, or to list.
pub(super) enum Unit {
    /// A file.
    File(PathBuf),
    /// One line of standard input.
    Line(usize, Vec<u8>),
    /// A line of standard input longer than the input limit (not kept).
    LongLine(usize),
    /// A path that could not be walked.
    Failed(PathBuf, String),
    /// A path to a file (or directory) the walk reaches under another name.
    Duplicate {
        /// The path as walked.
        path: PathBuf,
        /// Where the same file is audited.
        same_as: PathBuf,
    },
}

impl Unit {
    /// The path a shard is chosen by and a record names.
    pub(super) fn path(&self) -> &Path {
        match self {
            Self::File(p) | Self::Failed(p, _) | Self::Duplicate { path: p, .. } => p,
            Self::Line(..) | Self::LongLine(_) => Path::new("-"),
        }
    }

    /// The bytes of input this unit holds in memory (a standard-input line's).
    pub(super) fn held(&self) -> usize {
        match self {
            Self::Line(_, bytes) => bytes.len(),
            _ => 0,
        }
    }

    /// The standard-input line a record names.
    pub(super) fn line(&self) -> Option<usize> {
        match self {
            Self::Line(n, _) | Self::LongLine(n) => Some(*n),
            _ => None,
        }
    }
}

/// How a path came to be visited.
enum Visit {
    /// Named on the command line.
    Explicit,
    /// Found in a directory.
    Entry,
    /// Named on the command line, but the walk reaches it as `same_as`.
    Within(PathBuf),
}

/// An explicit input the walk starts from.
struct Root {
    /// As written.
    written: PathBuf,
    /// Canonical, when it exists.
    canonical: Option<PathBuf>,
    /// Whether it is a directory.
    dir: bool,
}

/// A device and inode: one file, under every name.
type FileId = (u64, u64);

/// The inputs of a run, in order, one at a time.
pub(super) struct Inputs {
    /// Paths still to visit, in reverse order (the next one last).
    stack: Vec<(PathBuf, Visit)>,
    /// The explicit inputs walked as themselves (not inside another).
    roots: Vec<Root>,
    stdin: Option<io::StdinLock<'static>>,
    stdin_line: usize,
    /// The run's own output files (name, where), skipped by the walk.
    outputs: Vec<(std::ffi::OsString, PathBuf)>,
    /// The identities of those that exist (under any name).
    output_ids: Vec<FileId>,
    /// Files that can be reached under another name, by where first reached.
    files: HashMap<FileId, PathBuf>,
    /// Directories walked, by where.
    dirs: HashMap<FileId, PathBuf>,
    /// The longest line of standard input kept (the input limit; its
    /// newline aside).
    max_bytes: u64,
    /// Where the walk reached one of the run's outputs under another name:
    /// the walk ends there, and the run is refused.
    pub(super) refused: Option<PathBuf>,
    /// The file standard input reads, when it is a regular file.
    stdin_id: Option<FileId>,
    /// Hidden entries (names starting with `.`) the walk left out.
    pub(super) hidden: u64,
    /// The first of them.
    pub(super) hidden_paths: Vec<String>,
}

impl Inputs {
    /// The inputs in path order. An explicit input that the walk of another
    /// reaches (the same file written twice, or one inside an input
    /// directory) is listed as a duplicate at its place.
    pub(super) fn new(paths: &[PathBuf], outputs: &[PathBuf], max_bytes: u64) -> Self {
        let mut sorted = paths.to_vec();
        sorted.sort();
        sorted.dedup();
        let all: Vec<Root> = sorted
            .into_iter()
            .map(|written| {
                let canonical = (written.as_path() != Path::new("-"))
                    .then(|| std::fs::canonicalize(&written).ok())
                    .flatten();
                let dir = canonical.as_ref().is_some_and(|c| c.is_dir());
                Root {
                    written,
                    canonical,
                    dir,
                }
            })
            .collect();
        // The roots: the inputs no other input's walk reaches (of the same
        // file written twice, the first).
        let reached_by = |i: usize| -> Option<(usize, PathBuf)> {
            let me = all.get(i)?.canonical.as_ref()?;
            all.iter().enumerate().find_map(|(j, other)| {
                let theirs = other.canonical.as_ref()?;
                if j == i || (theirs == me && j > i) {
                    return None;
                }
                if theirs == me {
                    return Some((j, PathBuf::new()));
                }
                let rel = me.strip_prefix(theirs).ok()?;
                (other.dir && visible(rel)).then(|| (j, rel.to_path_buf()))
            })
        };
        let mut visits = Vec::with_capacity(all.len());
        for i in 0..all.len() {
            // Follow to the outermost input (one inside one inside another).
            let mut at = i;
            let mut rel = PathBuf::new();
            let mut hops = 0;
            while let Some((j, r)) = reached_by(at) {
                rel = if rel.as_os_str().is_empty() {
                    r
                } else {
                    r.join(rel)
                };
                at = j;
                hops += 1;
                if hops > all.len() {
                    break;
                }
            }
            visits.push(if at == i {
                Visit::Explicit
            } else {
                let outer = all.get(at).map_or_else(PathBuf::new, |r| r.written.clone());
                Visit::Within(if rel.as_os_str().is_empty() {
                    outer
                } else {
                    outer.join(rel)
                })
            });
        }
        let stack: Vec<(PathBuf, Visit)> = all
            .iter()
            .map(|r| r.written.clone())
            .zip(visits)
            .rev()
            .collect();
        let roots = all
            .into_iter()
            .zip(stack.iter().rev())
            .filter(|(_, (_, v))| matches!(v, Visit::Explicit))
            .map(|(r, _)| r)
            .collect();
        Self {
            stack,
            roots,
            stdin: None,
            stdin_line: 0,
            outputs: outputs
                .iter()
                .filter_map(|p| Some((p.file_name()?.to_owned(), resolved(p)?)))
                .collect(),
            output_ids: outputs
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| file_id(&m))
                .collect(),
            files: HashMap::new(),
            dirs: HashMap::new(),
            max_bytes,
            refused: None,
            stdin_id: paths
                .iter()
                .any(|p| p.as_path() == Path::new("-"))
                .then(stdin_file)
                .flatten(),
            hidden: 0,
            hidden_paths: Vec::new(),
        }
    }

    /// The inputs as the walk starts from them: each one's canonical path
    /// (as written when it does not exist, or for standard input).
    pub(super) fn starts(&self) -> Vec<String> {
        self.roots
            .iter()
            .map(|r| {
                r.canonical
                    .as_ref()
                    .unwrap_or(&r.written)
                    .display()
                    .to_string()
            })
            .collect()
    }

    /// Whether `path` is one of the run's own output files, under its own
    /// name (a symbolic link to one is not: see [`Self::refused`]).
    fn is_output(&self, path: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        // The name first: one comparison per file, a system call only on a match.
        self.outputs.iter().any(|(n, at)| {
            n == name
                && std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink())
                && std::fs::canonicalize(path).is_ok_and(|p| &p == at)
        })
    }

    /// Whether `path` is one of the inputs named on the command line.
    fn is_root(&self, path: &Path) -> bool {
        let canonical = std::fs::canonicalize(path).ok();
        self.roots
            .iter()
            .any(|r| r.written == path || (canonical.is_some() && r.canonical == canonical))
    }

    /// Where the walk of a root reaches the file whose canonical path is
    /// `target`, if it does.
    fn walked_as(&self, target: &Path) -> Option<PathBuf> {
        self.roots.iter().find_map(|root| {
            let canonical = root.canonical.as_ref()?;
            if canonical == target {
                return Some(root.written.clone());
            }
            let rel = target.strip_prefix(canonical).ok()?;
            (root.dir && visible(rel)).then(|| root.written.join(rel))
        })
    }

    /// The first name `id` was reached under, or `path` is remembered as it.
    fn seen(map: &mut HashMap<FileId, PathBuf>, id: FileId, path: &Path) -> Option<PathBuf> {
        match map.get(&id) {
            Some(first) => Some(first.clone()),
            None => {
                map.insert(id, path.to_path_buf());
                None
            }
        }
    }

    fn next_stdin_line(&mut self) -> Option<Unit> {
        let stdin = self.stdin.as_mut()?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match read_line_within(stdin, &mut buf, self.max_bytes) {
                Ok(None) => {
                    self.stdin = None;
                    return None;
                }
                Ok(Some(too_long)) => {
                    self.stdin_line += 1;
                    if too_long {
                        return Some(Unit::LongLine(self.stdin_line));
                    }
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Unit::Line(self.stdin_line, buf));
                }
                Err(e) => {
                    self.stdin = None;
                    return Some(Unit::Failed(
                        PathBuf::from("-"),
                        format!("-: cannot read standard input: {e}"),
                    ));
                }
            }
        }
    }
}

impl Iterator for Inputs {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        // A loop, not recursion: a long run of (empty) directories must not
        // grow the stack.
        loop {
            if let Some(unit) = self.next_stdin_line() {
                return Some(unit);
            }
            let (path, visit) = self.stack.pop()?;
            let explicit = match visit {
                Visit::Within(same_as) => return Some(Unit::Duplicate { path, same_as }),
                Visit::Explicit => true,
                Visit::Entry => false,
            };
            if explicit && path == Path::new("-") {
                // Standard input redirected from a file some other input
                // names is that file: judged once.
                if let Some(id) = self.stdin_id {
                    if let Some(same_as) = Self::seen(&mut self.files, id, &path) {
                        return Some(Unit::Duplicate { path, same_as });
                    }
                }
                self.stdin = Some(io::stdin().lock());
                self.stdin_line = 0;
                continue;
            }
            if self.is_output(&path) {
                continue;
            }
            let name = path.display().to_string();
            let meta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => return Some(Unit::Failed(path, format!("{name}: cannot read: {e}"))),
            };
            let link = meta.file_type().is_symlink();
            let target = if link {
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_dir() && !explicit => {
                        return Some(Unit::Failed(
                            path,
                            format!("{name}: a symbolic link to a directory is not followed"),
                        ))
                    }
                    Ok(m) => Some(m),
                    // A dangling link: reading it says why.
                    Err(_) => None,
                }
            } else {
                Some(meta)
            };
            if let Some(m) = target.as_ref().filter(|m| m.is_file()) {
                let id = file_id(m);
                // The file standard input is redirected from: judged once,
                // under whichever name the walk reaches first.
                let stdin = self.stdin_id == Some(id);
                if stdin {
                    if let Some(same_as) = Self::seen(&mut self.files, id, &path) {
                        return Some(Unit::Duplicate { path, same_as });
                    }
                }
                if self.output_ids.contains(&id) {
                    // One of the run's outputs, reached under another name:
                    // an input the run would overwrite. The run stops.
                    self.refused = Some(path);
                    self.stack.clear();
                    self.stdin = None;
                    return None;
                }
                // A link found in a directory to a file (of one name) some
                // input's walk reaches: that is where it is judged.
                if link && !explicit && file_links(m) == 1 {
                    let walked = std::fs::canonicalize(&path)
                        .ok()
                        .and_then(|t| self.walked_as(&t));
                    if let Some(same_as) = walked {
                        return Some(Unit::Duplicate { path, same_as });
                    }
                }
                // Otherwise a file reachable under another name (a link's
                // target, a file with several hard links, an explicit input)
                // is judged where it is reached first.
                if !stdin && (link || explicit || file_links(m) > 1) {
                    if let Some(same_as) = Self::seen(&mut self.files, id, &path) {
                        return Some(Unit::Duplicate { path, same_as });
                    }
                }
            }
            let is_dir = target.as_ref().is_some_and(std::fs::Metadata::is_dir);
            // A FIFO, socket or device found in a directory could block the
            // run forever; one named on the command line (`<(…)`) is read.
            let special = target.as_ref().is_some_and(|m| !m.is_dir() && !m.is_file());
            if special && !explicit {
                return Some(Unit::Failed(
                    path,
                    format!("{name}: not a regular file (a FIFO, socket or device): not read"),
                ));
            }
            let Some(dir) = target.filter(|_| is_dir) else {
                return Some(Unit::File(path));
            };
            // A directory mounted twice (a bind mount) is walked once.
            if let Some(same_as) = Self::seen(&mut self.dirs, file_id(&dir), &path) {
                return Some(Unit::Duplicate { path, same_as });
            }
            let entries = match std::fs::read_dir(&path) {
                Ok(entries) => entries,
                Err(e) => return Some(Unit::Failed(path, format!("{name}: cannot list: {e}"))),
            };
            let mut children = Vec::new();
            let mut failed = None;
            for entry in entries {
                match entry {
                    Ok(entry) => {
                        if entry.file_name().to_string_lossy().starts_with('.') {
                            // One named on the command line is an input of its own.
                            if self.is_root(&entry.path()) {
                                continue;
                            }
                            self.hidden += 1;
                            if self.hidden_paths.len() < 10 {
                                self.hidden_paths.push(entry.path().display().to_string());
                            }
                        } else {
                            children.push(entry.path());
                        }
                    }
                    Err(e) => {
                        failed = Some(format!("{name}: cannot list: {e}"));
                        break;
                    }
                }
            }
            children.sort();
            self.stack
                .extend(children.into_iter().rev().map(|p| (p, Visit::Entry)));
            if let Some(why) = failed {
                // The entries listed before the failure are still audited.
                return Some(Unit::Failed(path, why));
            }
        }
    }
}

/// Whether the walk enters every component of `rel` (none is hidden).
fn visible(rel: &Path) -> bool {
    rel.components().all(|c| match c {
        Component::Normal(name) => !name.to_string_lossy().starts_with('.'),
        _ => false,
    })
}

/// Read one line (through its `\n`) into `buf`, keeping at most `limit`
/// bytes: `Some(true)` when the line was longer (the rest is read and
/// dropped, so memory stays bounded), `None` at the end of the input.
pub(super) fn read_line_within(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> io::Result<Option<bool>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut any = false;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (chunk.get(..=i).unwrap_or(chunk), true),
            None => (chunk, false),
        };
        let used = part.len();
        if !too_long {
            // The newline is not part of the document.
            if buf.len() + used - usize::from(done) > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(part);
            }
        }
        reader.consume(used);
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// How many names (hard links) a file has.
pub(super) fn file_links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

/// A file's identity: device and inode, the same under every name.
pub(super) fn file_id(meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Where `path` is or would be: itself canonicalized, or (when it does not
/// exist yet) its parent canonicalized, then its name.
/// The identity of the file standard input reads, when it is a regular file.
fn stdin_file() -> Option<FileId> {
    use std::os::fd::AsFd as _;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then(|| file_id(&meta))
}

pub(super) fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines are read whole up to the limit (the newline aside); a longer
    /// one is dropped and flagged, and the next line is read as usual.
    #[test]
    fn stdin_lines_are_bounded() {
        // A tiny buffer: lines span several reads.
        let input: &[u8] = b"12345\n123456\n\n1234567890123\nend";
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut got = Vec::new();
        let mut buf = Vec::new();
        while let Some(too_long) = read_line_within(&mut reader, &mut buf, 6).unwrap() {
            got.push((String::from_utf8(buf.clone()).unwrap(), too_long));
            buf.clear();
        }
        let want = [
            ("12345\n", false),
            ("123456\n", false),
            ("\n", false),
            ("", true),
            ("end", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(s, b)| ((*s).to_owned(), *b)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn hidden_components_are_not_walked() {
        assert!(visible(Path::new("a/b.json")));
        assert!(!visible(Path::new("a/.git/b.json")));
        assert!(!visible(Path::new("../b.json")));
    }
}
