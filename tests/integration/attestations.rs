//! Issue 4: malformed attestations exit 2 with a clear message and never
//! panic; a JSON-lines file reports every line.

use base64::Engine as _;

use crate::util::{corpus, provcheck};

/// A scratch file removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("provcheck-att-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn envelope(payload_type: &str, payload: &str) -> String {
    format!(
        r#"{{"payloadType":"{payload_type}","payload":"{payload}","signatures":[{{"keyid":"","sig":"AA=="}}]}}"#
    )
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const IN_TOTO: &str = "application/vnd.in-toto+json";

#[test]
fn malformed_attestations_exit_2_with_a_clear_message() {
    let no_subject =
        br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[]}"#;
    let duplicate = br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p","predicateType":"q","subject":[{"name":"a","digest":{"sha256":"00"}}]}"#;
    let deep = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"a","digest":{{"sha256":"00"}}}}],"predicateType":"p","predicate":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("b64.json", envelope(IN_TOTO, "%%%not base64"), ": at /payload: invalid base64: "),
        (
            "type.json",
            envelope("text/plain", &b64(b"hello")),
            ": at /payloadType: unsupported DSSE payloadType \"text/plain\"",
        ),
        (
            "nosubject.json",
            envelope(IN_TOTO, &b64(no_subject)),
            ": in the payload decoded from /payload: at /subject: statement has no subject",
        ),
        (
            "dup.json",
            envelope(IN_TOTO, &b64(duplicate)),
            ": in the payload decoded from /payload: duplicate key \"predicateType\"",
        ),
        (
            "deep.json",
            envelope(IN_TOTO, &b64(deep.as_bytes())),
            ": in the payload decoded from /payload: invalid JSON: nested deeper than the limit of 128 levels",
        ),
        (
            "noenvelope.json",
            r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}}"#.to_owned(),
            ": Sigstore bundle has no content: expected a dsseEnvelope or a messageSignature",
        ),
    ];
    for (name, text, want) in cases {
        let file = Scratch::new(name, text.as_bytes());
        let out = provcheck(&["normalize", file.path()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{}{want}", file.path())),
            "{name}: expected {want:?} in {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_300_mb_file_is_refused() {
    let path = std::env::temp_dir().join(format!("provcheck-att-{}-huge.json", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap(); // sparse: nothing is written
    drop(file);
    let out = provcheck(&["normalize", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("huge.json: input is larger than the limit of 67108864 bytes"));
}

#[test]
fn a_bad_line_does_not_hide_the_good_ones() {
    let good =
        std::fs::read_to_string(corpus().join("slsa-verifier/annotated-tag.intoto.jsonl")).unwrap();
    let text = format!("{}\n{{\"payloadType\":1}}\n{}\n", good.trim(), good.trim());
    let file = Scratch::new("mixed.intoto.jsonl", text.as_bytes());
    let out = provcheck(&["normalize", file.path()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:1: ", file.path())),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 3]);
}
