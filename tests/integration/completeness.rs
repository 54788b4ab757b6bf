//! No undeserved pass: every place of an input that can name an image or a
//! unit of work is judged, or gives an `unknown` that points at it.
//!
//! The walker reads the raw JSON of each document (independently of the
//! library's own reading), collects the pointer of every image- or
//! task-bearing node, and asserts that `registry.allowed`, with every
//! registry allowed, cites each one: exactly, or as the prefix of a cited
//! pointer.

use std::collections::BTreeSet;

use provcheck::evaluate::{evaluate, PolicyBuilder, Status};
use provcheck::JsonPointer;
use serde_json::{json, Value};

use crate::util::{corpus, files};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0001";

/// A material URI that names a container image (whatever the producer).
fn image_uri(uri: &str) -> bool {
    [
        "pkg:docker/",
        "pkg:oci/",
        "oci://",
        "docker://",
        "docker-pullable://",
    ]
    .iter()
    .any(|p| uri.starts_with(p))
}

/// The JSON pointer text of `path`.
fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Every image- or task-bearing node of `value` (a Tekton object or an
/// in-toto statement), as pointers.
fn nodes(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(value, value, &mut Vec::new(), &mut out);
    out
}

fn walk(root: &Value, value: &Value, path: &mut Vec<String>, out: &mut BTreeSet<String>) {
    let parent_owned = path.last().cloned();
    let parent = parent_owned.as_deref();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                let here = pointer(path);
                let run_spec = path.len() == 2 && path[0] == "spec";
                // Inside a pipeline task's entry (`…/tasks/3/taskRef`), the
                // entry is the node: what defines the task is part of it.
                let in_task_entry =
                    path.len() >= 3 && matches!(path[path.len() - 3].as_str(), "tasks" | "finally");
                let resolved_in_status =
                    |what: &str| root.pointer(&format!("/status/{what}")).is_some();
                match key.as_str() {
                    // A run's own `spec.taskRef` / `spec.pipelineRef` (or
                    // spec): resolved in its status when the status holds
                    // the spec, and judged there.
                    "taskRef" | "taskSpec" if run_spec && resolved_in_status("taskSpec") => {}
                    "pipelineRef" | "pipelineSpec"
                        if run_spec && resolved_in_status("pipelineSpec") => {}
                    "taskRef" | "pipelineRef" if !in_task_entry => {
                        out.insert(here);
                    }
                    // A spec names work when it holds steps, tasks, or a
                    // custom task's `spec`; an empty one names nothing.
                    "taskSpec" | "pipelineSpec" if !in_task_entry => {
                        let names_work = [
                            "steps",
                            "sidecars",
                            "stepTemplate",
                            "tasks",
                            "finally",
                            "spec",
                        ]
                        .iter()
                        .any(|k| child.get(*k).is_some_and(|v| !v.is_null()));
                        if names_work {
                            out.insert(here);
                        }
                    }
                    "stepTemplate" if child.get("image").is_some() => {
                        // Only a step that names neither an image nor a
                        // StepAction inherits the template's image.
                        let inherited =
                            map.get("steps").and_then(Value::as_array).is_some_and(|s| {
                                s.iter()
                                    .any(|s| s.get("image").is_none() && s.get("ref").is_none())
                            });
                        if inherited {
                            out.insert(here);
                        }
                    }
                    "taskRuns" | "runs" if parent == Some("status") => {
                        if let Value::Object(children) = child {
                            for name in children.keys() {
                                path.push(name.clone());
                                out.insert(pointer(path));
                                path.pop();
                            }
                        }
                    }
                    _ => {}
                }
                walk(root, child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                let here = pointer(path);
                // A container step or state (GitHub builders' buildConfig
                // `steps` are commands, with no image and no name).
                let container = [
                    "image",
                    "imageID",
                    "ref",
                    "container",
                    "environment",
                    "script",
                    "name",
                ]
                .iter()
                .any(|k| item.get(*k).is_some());
                match parent {
                    Some("steps" | "sidecars") if container => {
                        out.insert(here);
                    }
                    Some("tasks" | "finally" | "childReferences") => {
                        out.insert(here);
                    }
                    Some("materials" | "resolvedDependencies") => {
                        let names_image = item
                            .get("uri")
                            .and_then(Value::as_str)
                            .is_some_and(image_uri)
                            && item.get("name").is_none();
                        if names_image {
                            out.insert(here);
                        }
                    }
                    _ => {}
                }
                walk(root, item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `registry.allowed`'s cited pointers for every document in `bytes`, with
/// every registry allowed, beside each document's decoded value and the
/// prefix its pointers carry.
fn judged(name: &str, bytes: &[u8]) -> Vec<(Value, String, BTreeSet<String>, Status)> {
    let mut policy = PolicyBuilder::new();
    policy.deny_registry("nothing.invalid").unwrap();
    let policy = policy.build().unwrap();
    let mut out = Vec::new();
    for doc in provcheck::ingest::ingest_all(name, bytes) {
        let Ok(doc) = doc else { continue };
        let Ok(ev) = provcheck::normalize::normalize(&doc) else {
            continue;
        };
        let results = evaluate(&policy, &ev, chrono::Utc::now()).unwrap();
        let registry: Vec<_> = results
            .iter()
            .filter(|r| r.rule == "registry.allowed")
            .collect();
        let cited = registry
            .iter()
            .flat_map(|r| {
                r.evidence
                    .iter()
                    .map(JsonPointer::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let verdict = registry
            .iter()
            .map(|r| r.status)
            .max()
            .unwrap_or(Status::Unknown);
        // Pointers into an enveloped statement are relative to its payload;
        // into a Tekton object, to the file (a List item starts at its base).
        let prefix = if ev.document.payload_pointer.is_some() {
            String::new()
        } else {
            doc.base.as_str().to_owned()
        };
        out.push((doc.value, prefix, cited, verdict));
    }
    out
}

/// The nodes of `value` that no cited pointer covers.
fn uncovered(value: &Value, prefix: &str, cited: &BTreeSet<String>) -> Vec<String> {
    nodes(value)
        .into_iter()
        .map(|n| format!("{prefix}{n}"))
        .filter(|n| {
            !cited.iter().any(|c| {
                c == n
                    || c.strip_prefix(n.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .collect()
}

/// Every document of the corpus: each node is judged or not-judged.
#[test]
fn every_image_and_task_of_the_corpus_is_cited() {
    let mut seen_nodes = 0;
    let mut gaps = Vec::new();
    for path in files(&corpus(), &["json", "jsonl", "yaml", "sigstore"]) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        for (value, prefix, cited, _) in judged(&name, &bytes) {
            seen_nodes += nodes(&value).len();
            for gap in uncovered(&value, &prefix, &cited) {
                gaps.push(format!("{name}: {gap}"));
            }
        }
    }
    assert!(seen_nodes > 200, "the walker found only {seen_nodes} nodes");
    assert!(
        gaps.is_empty(),
        "not cited by registry.allowed:\n{}",
        gaps.join("\n")
    );
}

/// A PipelineRun with every kind of task definition and run the review
/// tried, each of which must be cited (judged or not judged).
fn crafted_documents() -> Vec<(&'static str, Value)> {
    let pinned = |repo: &str| format!("{repo}@sha256:{A}");
    let task = |image: &str| json!({"steps": [{"name": "s", "image": image}]});
    vec![
        (
            "every kind of pipeline task",
            json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {
                "tasks": [
                    {"name": "inline", "taskSpec": task(&pinned("quay.io/acme/a"))},
                    {"name": "by-ref", "taskRef": {"name": "t"}},
                    {"name": "custom", "taskSpec": {"apiVersion": "example.dev/v1", "kind": "Wait", "spec": {}}},
                    {"name": "nested", "pipelineSpec": {"tasks": [
                        {"name": "in", "taskSpec": task(&pinned("quay.io/acme/b"))},
                        {"name": "ref", "taskRef": {"name": "x"}},
                        {"name": "pref", "pipelineRef": {"name": "y"}}]}},
                    {"name": "pipeline-ref", "pipelineRef": {"name": "p"}},
                    {"name": "dup", "taskSpec": task(&pinned("quay.io/acme/c"))}],
                "finally": [
                    {"name": "dup", "taskSpec": task("evil.io/x:latest")},
                    {"name": "f-ref", "taskRef": {"name": "cleanup"}}]}}}),
        ),
        (
            "children embedded, referenced and custom",
            json!({"kind": "PipelineRun", "status": {
                "pipelineSpec": {"tasks": [
                    {"name": "a", "taskRef": {"name": "t"}},
                    {"name": "b", "taskSpec": task(&pinned("quay.io/acme/b"))},
                    {"name": "c", "taskRef": {"name": "t"}},
                    {"name": "ghost", "taskRef": {"name": "t"}},
                    {"name": "skipped", "taskRef": {"name": "t"}}]},
                "skippedTasks": [{"name": "skipped"}],
                "taskRuns": {"pr-a": {"pipelineTaskName": "a", "status": {
                    "taskSpec": task(&pinned("quay.io/acme/a")),
                    "steps": [{"name": "s", "imageID": pinned("quay.io/acme/a")}]}}},
                "runs": {"pr-wait": {"pipelineTaskName": "w"}},
                "childReferences": [
                    {"kind": "TaskRun", "name": "pr-b", "pipelineTaskName": "b"},
                    {"kind": "TaskRun", "name": "pr-c", "pipelineTaskName": "c"},
                    {"kind": "CustomRun", "name": "pr-x", "pipelineTaskName": "x"}]}}),
        ),
        (
            "a TaskRun with a step template, sidecars and a step action",
            json!({"kind": "TaskRun", "spec": {"taskSpec": {
                "stepTemplate": {"image": pinned("quay.io/acme/t")},
                "steps": [{"name": "a"}, {"name": "b", "ref": {"name": "sa"}}, {"name": "c", "image": "evil.io/c:1"}],
                "sidecars": [{"name": "side", "image": "evil.io/side:1"}]}},
                "status": {"steps": [{"name": "a", "imageID": pinned("quay.io/acme/t")}, {"name": "runtime-only", "imageID": "x@sha256:1"}],
                    "sidecars": [{"name": "side", "imageID": pinned("evil.io/side")}]}}),
        ),
        (
            "BuildKit provenance with docker, oci-layout and unknown-producer materials",
            json!({"_type": "https://in-toto.io/Statement/v0.1",
                "predicateType": "https://slsa.dev/provenance/v0.2",
                "subject": [{"name": "x", "digest": {"sha256": A}}],
                "predicate": {"builder": {"id": "b"}, "buildType": "https://mobyproject.org/buildkit@v1",
                    "materials": [
                        {"uri": "pkg:docker/alpine@3.20?platform=linux%2Famd64", "digest": {"sha256": A}},
                        {"uri": "pkg:oci/local@sha256%3A1234", "digest": {"sha256": A}},
                        {"uri": "pkg:docker/alpine@md5:0123456789abcdef0123456789abcdef", "digest": {"sha256": A}}]}}),
        ),
    ]
}

#[test]
fn every_image_and_task_of_the_crafted_documents_is_cited() {
    for (what, value) in crafted_documents() {
        let bytes = serde_json::to_vec(&value).unwrap();
        let docs = judged("crafted.json", &bytes);
        assert_eq!(docs.len(), 1, "{what}");
        for (value, prefix, cited, verdict) in docs {
            let gaps = uncovered(&value, &prefix, &cited);
            assert!(
                gaps.is_empty(),
                "{what}: not cited: {gaps:?}\ncited: {cited:?}"
            );
            assert!(
                !nodes(&value).is_empty(),
                "{what}: the walker found nothing"
            );
            // Each crafted document holds something that cannot pass.
            assert_ne!(verdict, Status::Pass, "{what}");
        }
    }
}

/// What an attacker may add to a document that passes, or to its policy.
#[derive(Debug, Clone)]
enum Addition {
    /// A pipeline task by reference, in `tasks` or `finally`.
    UndefinedTask { finally: bool },
    /// A second task named as the first, running a denied image.
    DuplicateTask { finally: bool },
    /// A custom task, embedded.
    CustomTask,
    /// A nested pipeline whose task runs an image of a registry not allowed.
    NestedPipeline,
    /// A step whose image is on a denied host, the host in some letter case
    /// and spelling of Docker Hub.
    DeniedStep { host: usize, case_mask: u32 },
    /// A step of a registry not allowed.
    NotAllowedStep,
    /// A step that names no image.
    StepWithoutImage,
    /// A child run referenced, not embedded, for a task not defined.
    ChildNotEmbedded,
    /// A second policy file that fails the document on its own.
    SecondPolicy,
    /// A second source policy that fails the document on its own.
    SecondSourcePolicy,
}

fn addition() -> impl proptest::strategy::Strategy<Value = Addition> {
    use proptest::prelude::*;
    prop_oneof![
        any::<bool>().prop_map(|finally| Addition::UndefinedTask { finally }),
        any::<bool>().prop_map(|finally| Addition::DuplicateTask { finally }),
        Just(Addition::CustomTask),
        Just(Addition::NestedPipeline),
        (0..4usize, any::<u32>())
            .prop_map(|(host, case_mask)| Addition::DeniedStep { host, case_mask }),
        Just(Addition::NotAllowedStep),
        Just(Addition::StepWithoutImage),
        Just(Addition::ChildNotEmbedded),
        Just(Addition::SecondPolicy),
        Just(Addition::SecondSourcePolicy),
    ]
}

/// A host spelled with the letters `mask` names in upper case.
fn mangle(host: &str, mask: u32) -> String {
    host.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 32) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// A PipelineRun that passes: one inline task, pinned, from the allowed place.
fn passing_run() -> Value {
    json!({"kind": "PipelineRun", "spec": {"pipelineSpec": {"tasks": [
        {"name": "a", "taskSpec": {"steps": [{"name": "s", "image": format!("quay.io/acme/x@sha256:{A}")}]}}
    ]}}})
}

/// The verdict of `doc` under the base policy plus what `additions` add.
fn verdict(doc: &Value, second_policy: bool, second_source_policy: bool) -> Status {
    let dir = crate::util::Scratch::new("monotonic");
    let mut policy = PolicyBuilder::new();
    policy
        .add_value(
            "base.yaml",
            &json!({"registry": {"allow": ["quay.io/acme"], "deny": ["docker.io"]}, "pinned": {}}),
        )
        .unwrap();
    let allow_all = dir.file(
        "allow.json",
        br#"{"rules": [{"action": "ALLOW", "selector": {"identifier": "docker-image://*"}}]}"#,
    );
    policy.add_source_policy_file(allow_all.as_ref()).unwrap();
    if second_policy {
        policy
            .add_value("second.yaml", &json!({"registry": {"allow": ["gcr.io"]}}))
            .unwrap();
    }
    if second_source_policy {
        let deny = dir.file(
            "deny.json",
            br#"{"rules": [{"action": "DENY", "selector": {"identifier": "docker-image://quay.io/acme/*"}}]}"#,
        );
        policy.add_source_policy_file(deny.as_ref()).unwrap();
    }
    let policy = policy.build().unwrap();
    let verifier = provcheck::Verifier::new(policy);
    let bytes = serde_json::to_vec(doc).unwrap();
    let reports: Vec<_> = verifier
        .verify_bytes("doc.json", &bytes)
        .into_iter()
        .map(|r| r.unwrap().verdict)
        .collect();
    reports.into_iter().max().unwrap()
}

fn apply(doc: &mut Value, addition: &Addition, n: usize) -> (bool, bool) {
    let pinned = |repo: &str| format!("{repo}@sha256:{A}");
    let spec = doc.pointer_mut("/spec/pipelineSpec").unwrap();
    let section = |finally: bool| if finally { "finally" } else { "tasks" };
    let mut push = |key: &str, task: Value| {
        let list = spec
            .as_object_mut()
            .unwrap()
            .entry(key)
            .or_insert_with(|| json!([]));
        list.as_array_mut().unwrap().push(task);
    };
    match addition {
        Addition::UndefinedTask { finally } => {
            push(
                section(*finally),
                json!({"name": format!("ref-{n}"), "taskRef": {"name": "t"}}),
            );
        }
        Addition::DuplicateTask { finally } => push(
            section(*finally),
            json!({"name": "a", "taskSpec": {"steps": [{"name": "s", "image": "evil.io/x:latest"}]}}),
        ),
        Addition::CustomTask => push(
            "tasks",
            json!({"name": format!("custom-{n}"), "taskSpec": {"apiVersion": "example.dev/v1", "kind": "Wait", "spec": {}}}),
        ),
        Addition::NestedPipeline => push(
            "tasks",
            json!({"name": format!("nested-{n}"), "pipelineSpec": {"tasks": [
                {"name": "in", "taskSpec": {"steps": [{"name": "s", "image": pinned("evil.io/x")}]}}]}}),
        ),
        Addition::DeniedStep { host, case_mask } => {
            let hosts = [
                "docker.io",
                "index.docker.io",
                "registry-1.docker.io",
                "registry.hub.docker.com",
            ];
            let image = pinned(&format!(
                "{}/library/alpine",
                mangle(hosts[*host], *case_mask)
            ));
            push(
                "tasks",
                json!({"name": format!("denied-{n}"), "taskSpec": {"steps": [{"name": "s", "image": image}]}}),
            );
        }
        Addition::NotAllowedStep => push(
            "tasks",
            json!({"name": format!("other-{n}"), "taskSpec": {"steps": [{"name": "s", "image": pinned("quay.io/acme-evil/x")}]}}),
        ),
        Addition::StepWithoutImage => push(
            "tasks",
            json!({"name": format!("bare-{n}"), "taskSpec": {"steps": [{"name": "s", "script": "echo"}]}}),
        ),
        Addition::ChildNotEmbedded => {
            let status = doc
                .as_object_mut()
                .unwrap()
                .entry("status")
                .or_insert_with(|| json!({}));
            let refs = status
                .as_object_mut()
                .unwrap()
                .entry("childReferences")
                .or_insert_with(|| json!([]));
            refs.as_array_mut().unwrap().push(json!({"kind": "TaskRun", "name": format!("pr-{n}"), "pipelineTaskName": format!("undefined-{n}")}));
        }
        Addition::SecondPolicy => return (true, false),
        Addition::SecondSourcePolicy => return (false, true),
    }
    (false, false)
}

#[test]
fn the_base_document_passes() {
    assert_eq!(verdict(&passing_run(), false, false), Status::Pass);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Adding any unjudged or failing thing never leaves the document
    /// passing (nor does a second policy that fails it on its own).
    #[test]
    fn adding_what_cannot_be_judged_never_keeps_a_pass(
        additions in proptest::collection::vec(addition(), 1..4)
    ) {
        let mut doc = passing_run();
        let (mut second_policy, mut second_source_policy) = (false, false);
        for (n, a) in additions.iter().enumerate() {
            let (p, s) = apply(&mut doc, a, n);
            second_policy |= p;
            second_source_policy |= s;
        }
        let got = verdict(&doc, second_policy, second_source_policy);
        proptest::prop_assert_ne!(got, Status::Pass, "{:?}", additions);
    }
}

/// The native rules and the Rego pack give one meaning to each rule they
/// share, over every corpus document and the crafted ones: the same
/// results that are not a pass (status and evidence), and for the
/// document rules the same worst status. (The pack reports no passes.)
#[test]
fn native_and_rego_agree_on_every_shared_rule() {
    let configs = [
        json!({"registry": {"allow": ["quay.io/acme", "gcr.io"], "deny": ["docker.io"]}, "pinned": {}}),
        json!({"registry": {"deny": ["DOCKER.IO:443"]}, "pinned": {}}),
        json!({"registry": {"allow": ["quay.io", "distroless.dev", "docker.io/library"], "accept_tags": true}}),
        json!({"builders": {"allow": ["https://tekton.dev/chains/v2"]}, "source": {"repository": "https://github.com/slsa-framework/slsa-verifier", "ref": "refs/heads/main"}}),
        json!({"source": {"repository": "https://github.com/aspect-build/rules_lint"}}),
        json!({"source": {"repository": "https://github.com/acme/app", "ref": "refs/heads/main"}}),
        json!({"source": {"tag": "v1.0.0"}}),
    ];
    let mut documents: Vec<(String, provcheck::Evidence)> = Vec::new();
    for path in files(&corpus(), &["json", "jsonl", "yaml", "sigstore"]) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.strip_prefix(corpus()).unwrap().display().to_string();
        for ev in provcheck::normalize_bytes(&name, &bytes)
            .into_iter()
            .flatten()
        {
            documents.push((name.clone(), ev));
        }
    }
    for (what, value) in crafted_documents() {
        let bytes = serde_json::to_vec(&value).unwrap();
        let ev = provcheck::normalize_bytes(what, &bytes).remove(0).unwrap();
        documents.push((what.to_owned(), ev));
    }
    // A GitHub provenance that records a repository and no ref.
    let no_ref = json!({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
        "subject": [{"name": "x", "digest": {"sha256": A}}],
        "predicate": {"buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {"workflow": {"repository": "https://github.com/acme/app", "path": ".github/workflows/r.yml"}}},
            "runDetails": {"builder": {"id": "https://tekton.dev/chains/v2"}}}});
    let bytes = serde_json::to_vec(&no_ref).unwrap();
    let ev = provcheck::normalize_bytes("no-ref.json", &bytes)
        .remove(0)
        .unwrap();
    documents.push(("no-ref.json".to_owned(), ev));
    assert!(documents.len() > 100, "{}", documents.len());
    let now = chrono::Utc::now();
    let mut compared = 0;
    for config in &configs {
        let mut native = PolicyBuilder::new();
        native.add_value("native", config).unwrap();
        let native = native.build().unwrap();
        let mut rego = PolicyBuilder::new();
        rego.add_path(&crate::util::root().join("policies/provcheck"))
            .unwrap();
        rego.add_data_value("data", config.clone()).unwrap();
        let rego = rego.build().unwrap();
        for (what, ev) in &documents {
            let n = evaluate(&native, ev, now).unwrap();
            let r = evaluate(&rego, ev, now).unwrap();
            for rule in ["registry.allowed", "steps.pinned"] {
                let not_pass = |results: &[provcheck::RuleResult]| {
                    let mut v: Vec<(Status, Vec<String>)> = results
                        .iter()
                        .filter(|x| x.rule == rule && x.status != Status::Pass)
                        .map(|x| {
                            (
                                x.status,
                                x.evidence.iter().map(|p| p.as_str().to_owned()).collect(),
                            )
                        })
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(not_pass(&n), not_pass(&r), "{what}: {rule} with {config}");
            }
            for rule in ["builder.allowed", "source.matches"] {
                let worst = |results: &[provcheck::RuleResult]| {
                    results
                        .iter()
                        .filter(|x| x.rule == rule)
                        .map(|x| x.status)
                        .max()
                };
                let native_worst = worst(&n);
                let rego_worst = worst(&r).or(native_worst.map(|_| Status::Pass));
                assert_eq!(native_worst, rego_worst, "{what}: {rule} with {config}");
            }
            compared += 1;
        }
    }
    assert!(compared > 500);
}
