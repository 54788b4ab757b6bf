//! The one time parser: an RFC 3339 time, or exactly `YYYY-MM-DD` (midnight
//! UTC). Policy dates (`effective_on`, `build_time`), audit windows
//! (`--since`, `--until`, `--at`), the Rego pack's metadata and the build
//! times documents record are all read by it, so one text means one instant
//! everywhere.

use chrono::{DateTime, NaiveDate, Utc};

/// What [`parse_instant`] accepts, for messages.
pub const EXPECTED: &str = "a date (YYYY-MM-DD) or an RFC 3339 time";

/// Parse an RFC 3339 time (with `T` and `Z` as written by RFC 3339, not a
/// space or lowercase letters), or a date written exactly `YYYY-MM-DD`
/// (taken as midnight UTC); `None` for anything else (`2026-1-5`
/// included).
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    // RFC 3339's own form: `T` between date and time, `Z` for UTC (chrono
    // would also take a space, or `t` and `z`).
    let rfc3339 = text.as_bytes().get(10) == Some(&b'T') && !text.ends_with('z');
    if rfc3339 {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
    }
    // Exactly YYYY-MM-DD: chrono alone would take `2026-1-5` or `+2026-01-05`.
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_strict_reading() {
        let rows: [(&str, Option<&str>); 15] = [
            ("2026-01-05 10:00:00Z", None),
            ("2026-01-05t10:00:00Z", None),
            ("2026-01-05T10:00:00z", None),
            ("2026-01-05", Some("2026-01-05T00:00:00+00:00")),
            ("2026-01-05T10:00:00Z", Some("2026-01-05T10:00:00+00:00")),
            (
                "2026-01-05T10:00:00+02:00",
                Some("2026-01-05T08:00:00+00:00"),
            ),
            (
                "2026-01-05T10:00:00.5Z",
                Some("2026-01-05T10:00:00.500+00:00"),
            ),
            ("2026-1-5", None),
            ("2026-01-5", None),
            ("+2026-01-05", None),
            ("2026/01/05", None),
            ("2026-02-30", None),
            ("2026-01-05T10:00:00", None),
            ("20260105", None),
            ("", None),
        ];
        for (text, want) in rows {
            assert_eq!(
                parse_instant(text).map(|t| t.to_rfc3339()),
                want.map(str::to_owned),
                "{text}"
            );
        }
    }
}
