//! A chain-of-custody service in miniature: load one policy, then verify a
//! stream of documents from several worker threads sharing one `Verifier`.
//!
//! Run it: `cargo run --example service`. `cargo test` runs it too.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use provcheck::{PolicyBuilder, Report, Verifier};

const DIGEST: &str = "sha256:28ff94e63e4058afc3f15b4c11c08cf3b54fa91faa646a4bbac90380cd7158df";

/// A TaskRun whose one step asked for `image` and ran `image_id`.
fn taskrun(image: &str, image_id: &str) -> Vec<u8> {
    format!(
        r#"{{"kind": "TaskRun", "status": {{
            "taskSpec": {{"steps": [{{"name": "build", "image": "{image}"}}]}},
            "steps": [{{"name": "build", "imageID": "{image_id}"}}]}}}}"#
    )
    .into_bytes()
}

fn run() -> Result<Vec<Report>, Box<dyn std::error::Error>> {
    // Load and compile the policy once.
    let mut policy = PolicyBuilder::new();
    policy.add_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/release-gate.yaml"))?;
    let verifier = Arc::new(Verifier::new(policy.build()?));

    // The documents a service would receive.
    let inbox: Vec<(String, Vec<u8>)> = vec![
        (
            "pinned-and-ran-it".into(),
            taskrun(
                &format!("gcr.io/tekton-releases/git-init@{DIGEST}"),
                &format!("docker-pullable://gcr.io/tekton-releases/git-init@{DIGEST}"),
            ),
        ),
        (
            "evil-registry".into(),
            taskrun(
                &format!("evil.io/git-init@{DIGEST}"),
                &format!("evil.io/git-init@{DIGEST}"),
            ),
        ),
        (
            "tag-only".into(),
            taskrun(
                "quay.io/acme/tool:v1",
                &format!("quay.io/acme/tool@{DIGEST}"),
            ),
        ),
        ("not-json".into(), b"{ oops".to_vec()),
    ];

    // Two workers share the verifier (it is Send + Sync: no locks needed).
    let (left, right) = inbox.split_at(inbox.len() / 2);
    let reports = std::thread::scope(|s| {
        let workers: Vec<_> = [left, right]
            .into_iter()
            .map(|batch| {
                let verifier = Arc::clone(&verifier);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (name, bytes) in batch {
                        for result in verifier.verify_bytes(name, bytes) {
                            match result {
                                Ok(report) => out.push(report),
                                // A bad document is reported and the loop goes on.
                                Err(e) => eprintln!("rejected: {e}"),
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });

    let mut stdout = std::io::stdout().lock();
    for r in &reports {
        writeln!(stdout, "{:<20} {}", r.source, r.verdict)?;
    }
    Ok(reports)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run().map(|_| ())
}

#[test]
fn the_service_judges_each_document() {
    use provcheck::Status;

    let reports = run().unwrap();
    let verdicts: Vec<(&str, Status)> = reports
        .iter()
        .map(|r| (r.source.as_str(), r.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("pinned-and-ran-it", Status::Pass),
            ("evil-registry", Status::Fail),
            // pinned: is not in force until 2027 (a warning); the registry rule
            // cannot decide a tag: unknown.
            ("tag-only", Status::Unknown),
        ]
    );
}
