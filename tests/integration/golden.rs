//! Golden Evidence for every Tekton object in `../shared/corpus/tekton/chains-testdata/`.
//!
//! Each file's Evidence is compared with `tests/golden/<corpus path>.evidence.json`.
//! After a deliberate change, regenerate with `PROVCHECK_BLESS=1 cargo test`
//! and review the diff: a golden file is a claim about the input.

use std::path::Path;

use crate::util::{assert_valid_evidence, corpus, files, root};

fn check_golden(relative: &Path) {
    let path = corpus().join(relative);
    let name = relative.display().to_string();
    let bytes = std::fs::read(&path).unwrap();
    let doc = provcheck::ingest::ingest(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let evidence = provcheck::normalize::normalize(&doc).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&evidence).unwrap();
    assert_valid_evidence(&json);
    let actual = serde_json::to_string_pretty(&evidence).unwrap() + "\n";

    let golden = root()
        .join("tests/golden")
        .join(format!("{}.evidence.json", relative.display()));
    if std::env::var_os("PROVCHECK_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with PROVCHECK_BLESS=1 to create it)",
            golden.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "Evidence of {name} differs from {}",
        golden.display()
    );
}

#[test]
fn chains_testdata_matches_golden_evidence() {
    let dir = corpus().join("tekton/chains-testdata");
    let all = files(&dir, &["json", "yaml"]);
    assert!(
        all.len() >= 30,
        "expected the chains testdata corpus, found {} files",
        all.len()
    );
    for path in all {
        check_golden(path.strip_prefix(corpus()).unwrap());
    }
}
