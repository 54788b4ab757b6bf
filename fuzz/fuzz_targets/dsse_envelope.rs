//! The attestation layer decoder: arbitrary bytes as a DSSE payload (inside
//! a bare envelope and inside a Sigstore bundle), and as a whole file.
//! Decoding returns errors, never panics; an accepted envelope keeps the
//! payload bytes exactly.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let payload = base64::engine::general_purpose::STANDARD.encode(data);
    let envelope = format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}","signatures":[{{"keyid":"","sig":"AA=="}}]}}"#
    );
    let bundle = format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{}},"dsseEnvelope":{envelope}}}"#
    );
    for (name, bytes) in [("envelope.json", envelope.as_bytes()), ("bundle.json", bundle.as_bytes())] {
        if let Ok(doc) = provcheck::ingest::ingest(name, bytes) {
            let kept = doc.envelope.as_ref().map(|e| e.payload.as_slice());
            assert_eq!(kept, Some(data), "the exact payload bytes are kept");
            let _ = provcheck::normalize::normalize(&doc);
        }
    }
    for doc in provcheck::ingest::ingest_all("fuzz.intoto.jsonl", data).into_iter().flatten() {
        let _ = provcheck::normalize::normalize(&doc);
    }
});
