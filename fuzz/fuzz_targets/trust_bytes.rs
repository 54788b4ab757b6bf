//! Trust checks on whatever the ingest stage reads from arbitrary bytes
//! (bundles, envelopes, JSON lines): results or errors, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use provcheck::verify::{TrustBuilder, TrustMaterial};

const KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExRRST79+PsrRBnGAI4cMu6Omz2Jh
fwlMW+gIutNKVRaMyS4rQKvgngc5p8UbLj55pVHhIoAxi/SRgURZI0J3Xw==
-----END PUBLIC KEY-----
";

fn trust() -> &'static TrustMaterial {
    static TRUST: OnceLock<TrustMaterial> = OnceLock::new();
    TRUST.get_or_init(|| {
        let mut t = TrustBuilder::new();
        t.add_key_pem("k.pub", KEY.as_bytes()).expect("key");
        t.certificate_identity("x").certificate_oidc_issuer("y");
        t.digest("sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b")
            .expect("digest");
        t.build().expect("trust")
    })
}

fuzz_target!(|data: &[u8]| {
    for doc in provcheck::ingest::ingest_all("fuzz", data).into_iter().flatten() {
        let _ = provcheck::verify::check(trust(), &doc);
    }
});
