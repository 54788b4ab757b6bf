//! The whole front half of the pipeline on arbitrary bytes: ingest (one
//! document, or every document of a file) and normalize return errors,
//! never panic; nor does reading the bytes as an
//! image index (`--index`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = provcheck::ingest::ingest("fuzz", data) {
        let _ = provcheck::normalize::normalize(&doc);
    }
    // Every document of a file: JSON lines, lists, YAML streams.
    for doc in provcheck::ingest::ingest_all("fuzz", data).into_iter().flatten() {
        let _ = provcheck::normalize::normalize(&doc);
    }
    let _ = provcheck::ingest::ingest_index("fuzz", data);
});
