//! `--since`/`--until`: which builds an audit counts, by build times it can
//! trust.
//!
//! A window skips a document only by a build time it trusts. With trust
//! options (a key, a signer identity, a trusted root) that is a time a
//! verified signature covers; any other document — unsigned, a signature
//! that is `unknown`, a Tekton object or build info (never signed) — is
//! judged and counted, its record saying the window could not place it.
//! Without trust options (none, or `--insecure-skip-signature`) recorded
//! times are used as stated, and the summary says so.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AuditError;

/// Parse `--since`/`--until`: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
///
/// # Errors
///
/// [`AuditError::Time`] for anything else.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, AuditError> {
    crate::time::parse_instant(s).ok_or_else(|| AuditError::Time {
        given: s.to_owned(),
    })
}

/// Which build times a window goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildTimes {
    /// Only times a verified signature covers (trust options were given).
    Signed,
    /// Times as the documents record them, verified or not (no trust
    /// options, or `--insecure-skip-signature`).
    AsRecorded,
}

/// Where a document stands with respect to the window, as its record's
/// `window` member says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Skipped: built before `--since`.
    BeforeSince,
    /// Skipped: built at or after `--until`.
    AfterUntil,
    /// Judged and counted: no verified signature covers its build time.
    UnverifiedTime,
    /// Judged and counted: it records no build time.
    NoBuildTime,
}

impl Placement {
    /// Whether the document is skipped (else judged and counted).
    pub fn skips(self) -> bool {
        matches!(self, Self::BeforeSince | Self::AfterUntil)
    }
}

/// An audit's `--since`/`--until` window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    pub(super) since: Option<DateTime<Utc>>,
    pub(super) until: Option<DateTime<Utc>>,
    pub(super) times: BuildTimes,
}

impl Window {
    /// A window, or `None` when neither bound is given.
    pub(super) fn new(
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        times: BuildTimes,
    ) -> Option<Self> {
        (since.is_some() || until.is_some()).then_some(Self {
            since,
            until,
            times,
        })
    }

    /// Where a document built at `built` (as recorded; `verified`: covered
    /// by a verified signature) stands, and why in words; `None` when it
    /// is inside and nothing needs saying.
    pub(super) fn place(
        &self,
        built: Option<DateTime<Utc>>,
        verified: bool,
    ) -> Option<(Placement, String)> {
        if self.times == BuildTimes::Signed && !verified {
            return Some((
                Placement::UnverifiedTime,
                "no verified signature covers the build time: judged and counted, not placed \
                 by --since/--until"
                    .to_owned(),
            ));
        }
        let Some(at) = built else {
            return Some((
                Placement::NoBuildTime,
                "the document records no build time: judged and counted, not placed by \
                 --since/--until"
                    .to_owned(),
            ));
        };
        if let Some(s) = self.since.filter(|s| at < *s) {
            return Some((
                Placement::BeforeSince,
                format!(
                    "built {} before --since {}",
                    at.to_rfc3339(),
                    s.to_rfc3339()
                ),
            ));
        }
        if let Some(u) = self.until.filter(|u| at >= *u) {
            return Some((
                Placement::AfterUntil,
                format!(
                    "built {} at or after --until {}",
                    at.to_rfc3339(),
                    u.to_rfc3339()
                ),
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(
            parse_time("2026-01-31").unwrap().to_rfc3339(),
            "2026-01-31T00:00:00+00:00"
        );
        assert!(parse_time("2026-01-31T12:00:00+02:00").is_ok());
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-1-5").is_err());
    }

    /// The decision table: a window skips only by a time it trusts.
    #[test]
    fn a_window_skips_only_by_a_trusted_time() {
        let t = |s: &str| Some(parse_time(s).unwrap());
        let since = t("2026-01-01");
        let until = t("2026-07-01");
        let old = t("1999-01-01");
        let inside = t("2026-03-01");
        let late = t("2026-07-01");
        use BuildTimes::{AsRecorded, Signed};
        use Placement::{AfterUntil, BeforeSince, NoBuildTime, UnverifiedTime};
        /// Which times, built when, covered by a verified signature, placed how.
        type Row = (BuildTimes, Option<DateTime<Utc>>, bool, Option<Placement>);
        let table: &[Row] = &[
            (Signed, old, true, Some(BeforeSince)),
            (Signed, old, false, Some(UnverifiedTime)),
            (Signed, inside, true, None),
            (Signed, inside, false, Some(UnverifiedTime)),
            (Signed, late, true, Some(AfterUntil)),
            (Signed, None, true, Some(NoBuildTime)),
            (Signed, None, false, Some(UnverifiedTime)),
            (AsRecorded, old, false, Some(BeforeSince)),
            (AsRecorded, inside, false, None),
            (AsRecorded, late, false, Some(AfterUntil)),
            (AsRecorded, None, false, Some(NoBuildTime)),
        ];
        for (times, built, verified, want) in table {
            let w = Window::new(since, until, *times).unwrap();
            let got = w.place(*built, *verified).map(|(p, _)| p);
            assert_eq!(got, *want, "{times:?} {built:?} verified={verified}");
        }
        assert!(Window::new(None, None, Signed).is_none());
    }
}
