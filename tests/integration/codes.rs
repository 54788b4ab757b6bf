//! One registry of finding codes: every built-in rule id ([`RuleId`]) and
//! every note code ([`NoteCode`]) has its texts, and the book's codes page
//! shows the registry's tables as they are. `PROVCHECK_BLESS=1 cargo test
//! --test integration codes` rewrites the page's tables from the registry.

use provcheck::evidence::NoteCode;
use provcheck::results::RuleId;

use crate::util::root;

/// A table row's cell: `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn rule_table(group: &str) -> String {
    let mut out = String::from(
        "| rule id | enabled by | one result per | pass | fail | unknown |\n|---|---|---|---|---|---|\n",
    );
    for rule in RuleId::ALL.iter().filter(|r| r.group() == group) {
        let [pass, fail, unknown] = rule.outcomes();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            rule.as_str(),
            rule.enabled_by(),
            rule.per(),
            cell(pass),
            cell(fail),
            cell(unknown)
        ));
    }
    out
}

fn note_table(group: &str) -> String {
    let codes = NoteCode::ALL.iter().filter(|c| c.group() == group);
    let mut out = String::new();
    if group == "not-judged" {
        out.push_str("| code | meaning |\n|---|---|\n");
        for code in codes {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                code.as_str(),
                cell(code.description())
            ));
        }
    } else {
        out.push_str("| code | on | meaning |\n|---|---|---|\n");
        for code in codes {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.as_str(),
                code.on(),
                cell(code.description())
            ));
        }
    }
    out
}

/// The page with each `<!-- registry: NAME -->` … `<!-- /registry -->`
/// block filled from the registry.
fn generated(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("<!-- registry: ") {
        let open_end = start + rest[start..].find("-->").unwrap() + 3;
        let name = rest[start + "<!-- registry: ".len()..open_end - 3].trim();
        let close = open_end + rest[open_end..].find("<!-- /registry -->").unwrap();
        let table = match name {
            "native" | "trust" => rule_table(name),
            group => note_table(group),
        };
        out.push_str(&rest[..open_end]);
        out.push('\n');
        out.push_str(&table);
        out.push('\n');
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_code_has_its_texts() {
    for rule in RuleId::ALL {
        assert!(!rule.short().is_empty(), "{rule:?}");
        assert!(!rule.enabled_by().is_empty(), "{rule:?}");
        assert!(!rule.per().is_empty(), "{rule:?}");
        assert!(rule.outcomes().iter().any(|o| !o.is_empty()), "{rule:?}");
        assert_eq!(RuleId::from_id(rule.as_str()), Some(*rule));
    }
    for code in NoteCode::ALL {
        assert!(code.description().len() > 20, "{code:?}");
        assert!(["document", "step"].contains(&code.on()), "{code:?}");
        assert!(
            ["not-judged", "tekton", "attestation", "combining"].contains(&code.group()),
            "{code:?}"
        );
        assert_eq!(code.group() == "not-judged", code.not_judged(), "{code:?}");
    }
}

#[test]
fn the_codes_page_shows_the_registry() {
    let path = root().join("docs/src/codes.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let want = generated(&page);
    if std::env::var_os("PROVCHECK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    for name in [
        "native",
        "trust",
        "not-judged",
        "tekton",
        "attestation",
        "combining",
    ] {
        assert!(
            page.contains(&format!("<!-- registry: {name} -->")),
            "the codes page has no {name} table"
        );
    }
    assert!(
        page == want,
        "docs/src/codes.md differs from the registry: run PROVCHECK_BLESS=1 cargo test --test integration codes"
    );
}
