//! `--summary-html`: one self-contained page (inline CSS and SVG, no
//! scripts, no external resources) for people who would rather look.

use crate::report::escape_markup;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::summary::{by_count, coverage, headline, Counts, Summary};

const PASS: &str = "#2e7d32";
const FAIL: &str = "#c62828";
const UNKNOWN: &str = "#f9a825";
const ERROR: &str = "#616161";
const BAR: &str = "#1565c0";

/// Buckets of the time plot: days, or months when there are too many days.
fn buckets(by_day: &BTreeMap<String, Counts>) -> (Vec<(String, Counts)>, &'static str) {
    if by_day.len() <= 62 {
        return (by_day.iter().map(|(k, c)| (k.clone(), *c)).collect(), "day");
    }
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    for (day, c) in by_day {
        let m = months
            .entry(day.get(..7).unwrap_or(day).to_owned())
            .or_default();
        m.pass += c.pass;
        m.fail += c.fail;
        m.unknown += c.unknown;
        m.error += c.error;
    }
    (months.into_iter().collect(), "month")
}

/// Stacked bars of verdicts over build time.
fn time_plot(s: &Summary) -> String {
    let (buckets, unit) = buckets(&s.by_day);
    if buckets.is_empty() {
        return "<p>No document records a build time.</p>".to_owned();
    }
    let (w, h, left, bottom) = (1000.0_f64, 260.0_f64, 50.0_f64, 40.0_f64);
    let max = buckets
        .iter()
        .map(|(_, c)| c.total())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let slot = (w - left) / buckets.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="verdicts by build {unit}" viewBox="0 0 {w} {h}" width="100%">"#
    );
    let plot_h = h - bottom - 10.0;
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="10" x2="{left}" y2="{y0}" stroke="#999"/><line x1="{left}" y1="{y0}" x2="{w}" y2="{y0}" stroke="#999"/><text x="{tx}" y="16" font-size="11" text-anchor="end">{max}</text><text x="{tx}" y="{y0}" font-size="11" text-anchor="end">0</text>"##,
        y0 = h - bottom,
        tx = left - 4.0,
    );
    let label_every = (buckets.len() / 12).max(1);
    for (i, (key, c)) in buckets.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = h - bottom;
        for (n, colour, what) in [
            (c.pass, PASS, "pass"),
            (c.unknown, UNKNOWN, "unknown"),
            (c.fail, FAIL, "fail"),
            (c.error, ERROR, "error"),
        ] {
            if n == 0 {
                continue;
            }
            let bh = n as f64 / max * plot_h;
            y -= bh;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{bh:.1}" fill="{colour}"><title>{} {what}: {n}</title></rect>"#,
                escape_markup(key)
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
                x + bar / 2.0,
                h - bottom + 14.0,
                escape_markup(key)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, most frequent first.
fn bar_plot(rows: &[(&str, u64)], colour: &str, label: &str) -> String {
    if rows.is_empty() {
        return "<p>None.</p>".to_owned();
    }
    let row_h = 22.0_f64;
    let (w, left) = (1000.0_f64, 420.0_f64);
    let h = row_h * rows.len() as f64 + 10.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" viewBox="0 0 {w} {h}" width="100%">"#,
        escape_markup(label)
    );
    for (i, (name, n)) in rows.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let bw = (*n as f64 / max * (w - left - 80.0)).max(1.0);
        let shown: String = if name.chars().count() > 60 {
            let mut s: String = name.chars().take(59).collect();
            s.push('…');
            s
        } else {
            (*name).to_owned()
        };
        let _ = write!(
            svg,
            r#"<text x="{tx}" y="{ty:.1}" font-size="12" text-anchor="end">{}</text><rect x="{left}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}" fill="{colour}"><title>{}: {n}</title></rect><text x="{nx:.1}" y="{ty:.1}" font-size="12">{n}</text>"#,
            escape_markup(&shown),
            escape_markup(name),
            tx = left - 6.0,
            ty = y + row_h * 0.65,
            bh = row_h * 0.75,
            nx = left + bw + 4.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Write the summary as one self-contained HTML page: counts, rules,
/// failing causes, repositories, builders, and three plots — verdicts over build time,
/// registries of trusted references, and steps by trust status with the
/// most common unpinned images. Nothing is loaded from elsewhere and no
/// script runs.
///
/// # Errors
///
/// Whatever `out` returns.
pub fn write_summary_html(out: &mut dyn Write, s: &Summary) -> io::Result<()> {
    let v = &s.verdicts;
    let mut page = String::new();
    page.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<title>provcheck audit summary</title><style>",
        "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#212121;padding:0 1rem}",
        "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}",
        ".cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border-radius:6px;padding:.6rem 1rem;color:#fff;min-width:7rem}",
        ".card b{display:block;font-size:1.6rem}table{border-collapse:collapse;width:100%;font-size:.9rem}",
        "td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}",
        ".legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}",
        "</style></head><body>\n<h1>provcheck audit summary</h1>\n"
    ));
    let _ = write!(page, "<p>{}</p>", escape_markup(&headline(s)));
    // The run, the shard or the shards missing, the window, the paths not
    // judged twice: what the counts cover.
    page.push_str("<ul class=\"coverage\">");
    for line in coverage(s) {
        let _ = write!(page, "<li>{}</li>", escape_markup(line.trim()));
    }
    page.push_str("</ul><div class=\"cards\">");
    for (what, n, colour) in [
        ("pass", v.pass, PASS),
        ("fail", v.fail, FAIL),
        ("unknown", v.unknown, UNKNOWN),
        ("error", v.error, ERROR),
    ] {
        let _ = write!(
            page,
            "<div class=\"card\" style=\"background:{colour}\"><b>{n}</b>{what}</div>"
        );
    }
    page.push_str("</div>\n<h2>Verdicts over build time</h2>\n<div class=\"legend\">");
    for (what, colour) in [
        ("pass", PASS),
        ("unknown", UNKNOWN),
        ("fail", FAIL),
        ("error", ERROR),
    ] {
        let _ = write!(page, "<span style=\"background:{colour}\"></span>{what}");
    }
    page.push_str("</div>\n");
    page.push_str(&time_plot(s));
    let _ = write!(
        page,
        "<p>{} documents record no build time.</p>\n<h2>Registries (trusted references of pinned steps)</h2>\n",
        s.no_build_time.total()
    );
    let regs = by_count(&s.registries);
    page.push_str(&bar_plot(
        regs.get(..regs.len().min(20)).unwrap_or(&regs),
        BAR,
        "pinned steps by registry",
    ));
    page.push_str("\n<h2>Steps by trust status</h2>\n");
    let st = &s.steps;
    page.push_str(&bar_plot(
        &[
            ("pinned (trusted reference)", st.pinned),
            ("unpinned (tag only)", st.unpinned),
            ("undeclared (runtime ImageID only)", st.undeclared),
            ("invalid", st.invalid),
        ],
        UNKNOWN,
        "steps by trust status",
    ));
    page.push_str("\n<h2>Most common unpinned images (documents)</h2>\n");
    let imgs = by_count(&s.unpinned_images);
    page.push_str(&bar_plot(
        imgs.get(..imgs.len().min(15)).unwrap_or(&imgs),
        UNKNOWN,
        "unpinned images",
    ));
    page.push_str(
        "\n<h2>Rules</h2>\n<table><tr><th>rule</th><th>pass</th><th>fail</th><th>unknown</th></tr>",
    );
    for (rule, c) in &s.rules {
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape_markup(rule),
            c.pass,
            c.fail,
            c.unknown
        );
    }
    page.push_str("</table>\n<h2>Top failing causes</h2>\n<table><tr><th>documents</th><th>results</th><th>distinct digests</th><th>rule</th><th>cause</th></tr>");
    for (rule, msg, c) in s.top_failing_causes(20) {
        let _ = write!(
            page,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}{}</td><td>{}</td><td>{}</td></tr>",
            c.documents,
            c.results,
            c.digests.len(),
            if c.digests_capped { "+" } else { "" },
            escape_markup(rule),
            escape_markup(msg)
        );
    }
    page.push_str("</table>\n<h2>Repositories (trusted references of pinned steps)</h2>\n<table><tr><th>steps</th><th>repository</th></tr>");
    for (host, _) in by_count(&s.registries).into_iter().take(20) {
        for (repo, n) in s
            .repositories
            .get(host)
            .map(by_count)
            .unwrap_or_default()
            .into_iter()
            .take(10)
        {
            let _ = write!(
                page,
                "<tr><td class=\"n\">{n}</td><td>{}</td></tr>",
                escape_markup(repo)
            );
        }
    }
    page.push_str(
        "</table>\n<h2>Builders</h2>\n<table><tr><th>builds</th><th>builder id</th></tr>",
    );
    for (b, n) in by_count(&s.builders).into_iter().take(50) {
        let _ = write!(
            page,
            "<tr><td class=\"n\">{n}</td><td>{}</td></tr>",
            escape_markup(b)
        );
    }
    page.push_str("</table>\n<p>Written by provcheck audit.</p>\n</body></html>\n");
    out.write_all(page.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_self_contained() {
        let mut s = Summary::default();
        s.builders.insert("<script>alert(1)</script>".to_owned(), 1);
        s.registries.insert("quay.io".to_owned(), 3);
        let mut out = Vec::new();
        write_summary_html(&mut out, &s).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(!page.contains("<script"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("src=") && !page.contains("href="));
    }
}
