//! The whole front half of the pipeline on arbitrary bytes: ingest and
//! normalize return errors, never panic; nor does reading the bytes as an
//! image index (`--index`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = provcheck::ingest::ingest("fuzz", data) {
        let _ = provcheck::normalize::normalize(&doc);
    }
    let _ = provcheck::ingest::ingest_index("fuzz", data);
});
