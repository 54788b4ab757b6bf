//! Which run, and which part of it: shards and the run's fingerprint.

use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AuditError;

/// A stable 1/N of the inputs: the units whose path (as walked, e.g.
/// `atts/2026/0001.json`) hashes to this shard, with FNV-1a 64 — the same
/// answer on every machine and every run, unlike std's randomized hasher.
/// Shards are numbered `1..=N`; standard input (`-`) is one path like any.
///
/// Records and summaries carry it as `{"index": I, "count": N}`; an
/// unsharded run is shard 1 of 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ShardFields")]
pub struct Shard {
    index: u64,
    count: u64,
}

/// [`Shard`] as written, checked on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardFields {
    index: u64,
    count: u64,
}

impl TryFrom<ShardFields> for Shard {
    type Error = AuditError;

    fn try_from(f: ShardFields) -> Result<Self, Self::Error> {
        Self::new(f.index, f.count)
    }
}

impl Shard {
    /// The whole run: shard 1 of 1.
    pub const WHOLE: Self = Self { index: 1, count: 1 };

    /// Shard `index` of `count` (1-based).
    ///
    /// # Errors
    ///
    /// [`AuditError::Shard`] unless `1 <= index <= count`.
    pub fn new(index: u64, count: u64) -> Result<Self, AuditError> {
        if index == 0 || index > count {
            return Err(AuditError::Shard {
                given: format!("{index}/{count}"),
            });
        }
        Ok(Self { index, count })
    }

    /// The 1-based index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of shards.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the unit named `path` belongs to this shard.
    pub fn contains(&self, path: &str) -> bool {
        stable_hash(path.as_bytes()) % self.count + 1 == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = AuditError;

    /// `I/N`, e.g. `2/8`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AuditError::Shard {
            given: s.to_owned(),
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Self::new(i, n).map_err(|_| bad())
    }
}

/// FNV-1a, 64 bits: a stable, well-known hash (the shard of a path never
/// changes between runs, machines or provcheck versions).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What makes two runs the same run: everything that decides their records
/// except the shard index. Resuming and merging compare fingerprints.
#[derive(Debug, Clone)]
pub(super) struct RunParts<'a> {
    /// The caller's settings (policy, trust, limits, clock): see
    /// [`super::AuditOptions::settings`].
    pub(super) settings: &'a str,
    /// `--since`, `--until` as RFC 3339.
    pub(super) window: (Option<String>, Option<String>),
    /// Whether records list every result.
    pub(super) all_results: bool,
    /// The explicit inputs, as written.
    pub(super) paths: &'a [PathBuf],
}

impl RunParts<'_> {
    /// The fingerprint: 128 bits of SHA-256 over the parts, in hex. The
    /// explicit inputs are taken sorted (the walk sorts them too), as bytes.
    pub(super) fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |name: &str, bytes: &[u8]| {
            h.update(name.as_bytes());
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field("provcheck audit", env!("CARGO_PKG_VERSION").as_bytes());
        field("settings", self.settings.as_bytes());
        field("since", self.window.0.as_deref().unwrap_or("").as_bytes());
        field("until", self.window.1.as_deref().unwrap_or("").as_bytes());
        field("all results", &[u8::from(self.all_results)]);
        let mut paths: Vec<&PathBuf> = self.paths.iter().collect();
        paths.sort();
        paths.dedup();
        for p in paths {
            field("input", p.as_os_str().as_encoded_bytes());
        }
        hex128(&h.finalize())
    }
}

/// The first 128 bits of a digest, in hex.
pub(super) fn hex128(digest: &[u8]) -> String {
    digest
        .iter()
        .take(16)
        .fold(String::with_capacity(32), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_partitions() {
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert!(serde_json::from_str::<Shard>(r#"{"index": 0, "count": 2}"#).is_err());
        let shards: Vec<Shard> = (1..=3).map(|i| Shard::new(i, 3).unwrap()).collect();
        for i in 0..100 {
            let p = format!("dir/{i}.json");
            assert_eq!(shards.iter().filter(|s| s.contains(&p)).count(), 1);
        }
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    /// Each part changes the fingerprint; the order of the inputs does not.
    #[test]
    fn the_fingerprint_covers_every_part() {
        let ab = [PathBuf::from("a"), PathBuf::from("b")];
        let ba = [PathBuf::from("b"), PathBuf::from("a")];
        let base = RunParts {
            settings: "policy=x",
            window: (None, None),
            all_results: false,
            paths: &ab,
        };
        let fp = base.fingerprint();
        assert_eq!(fp.len(), 32);
        assert_eq!(
            RunParts {
                paths: &ba,
                ..base.clone()
            }
            .fingerprint(),
            fp
        );
        let changed = [
            RunParts {
                settings: "policy=y",
                ..base.clone()
            },
            RunParts {
                window: (Some("2026-01-01T00:00:00+00:00".into()), None),
                ..base.clone()
            },
            RunParts {
                all_results: true,
                ..base.clone()
            },
            RunParts {
                paths: &ab[..1],
                ..base.clone()
            },
        ];
        for c in changed {
            assert_ne!(c.fingerprint(), fp, "{c:?}");
        }
        // Field boundaries are unambiguous.
        let joined = [PathBuf::from("ab")];
        assert_ne!(
            RunParts {
                paths: &joined,
                ..base
            }
            .fingerprint(),
            fp
        );
    }
}
