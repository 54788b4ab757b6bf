//! in-toto statements and SLSA provenance (v0.1, v0.2, v1.0), with each
//! producer's conventions mapped into the one Evidence model:
//!
//! | producer | steps | materials' images | source |
//! |---|---|---|---|
//! | Tekton Chains `slsa/v1` (SLSA v0.2) | `buildConfig.steps[]` / `tasks[].steps[]`: `environment.image` is the **runtime** ImageID → `runtime_image_id`, `declared_image` null | `oci://…` = runtime ImageIDs | — |
//! | Tekton Chains `slsa/v2` (v2alpha1, SLSA v0.2) | declared from `buildConfig.taskSpec` | runtime ImageIDs | — |
//! | Tekton Chains `slsa/v2alpha2`–`4` (SLSA v1.0) | declared from `externalParameters.runSpec` `taskSpec` / `pipelineSpec` | unnamed `resolvedDependencies` = runtime ImageIDs, which name no step: not joined (a note says so) | — |
//! | BuildKit | — | `pkg:docker/NAME@TAG?platform=…` + digest: the requested reference and the digest BuildKit resolved | — |
//! | GitHub Actions (slsa-github-generator, artifact attestations) | — | — | repository, ref, commit, workflow |
//!
//! Any other predicate type contributes its subjects and predicate type,
//! and a note; nothing is invented.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::tekton::{self, step_evidence, Extracted, StepIdentity};
use super::{relocate, typed_at};
use crate::error::{JsonPointer, NormalizeError};
use crate::evidence::{
    BuildSource, Evidence, ImageOrigin, Material, MaterialImage, Note, NoteCode, StepKind, Subject,
};
use crate::ingest::layers::{SLSA_PROVENANCE_V01, SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1};
use crate::ingest::Document;
use crate::oci::digest::sha2_text;
use crate::oci::image_ref::{ImageRef, RefError};

/// BuildKit's SLSA v0.2 build type.
pub(crate) const BUILDKIT_BUILD_TYPE_V02: &str = "https://mobyproject.org/buildkit@v1";
/// BuildKit's SLSA v1 build type.
pub(crate) const BUILDKIT_BUILD_TYPE_V1: &str =
    "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md";
/// GitHub artifact attestations' build type.
pub(crate) const GITHUB_WORKFLOW_BUILD_TYPE: &str =
    "https://actions.github.io/buildtypes/workflow/v1";
/// The same build type under its earlier slsa-framework address.
pub(crate) const GITHUB_WORKFLOW_BUILD_TYPE_OLD: &str =
    "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1";

mod chains;
mod github;
mod materials;
mod wire;

#[allow(clippy::wildcard_imports)]
use chains::*;
use github::*;
use materials::*;
use wire::*;

/// Who wrote the provenance, by its build type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Producer {
    TektonChains,
    BuildKit,
    GithubActions,
    Other,
}

impl Producer {
    fn of(build_type: Option<&str>) -> Self {
        let Some(t) = build_type else {
            return Self::Other;
        };
        if t.contains("tekton.dev") {
            Self::TektonChains
        } else if t == BUILDKIT_BUILD_TYPE_V02 || t == BUILDKIT_BUILD_TYPE_V1 {
            Self::BuildKit
        } else if t == GITHUB_WORKFLOW_BUILD_TYPE
            || t == GITHUB_WORKFLOW_BUILD_TYPE_OLD
            || t.starts_with("https://github.com/slsa-framework/slsa-github-generator/")
            || t.starts_with("https://github.com/npm/cli/gha")
            || t.starts_with("https://github.com/npm/slsa-provenance/gha")
        {
            Self::GithubActions
        } else {
            Self::Other
        }
    }

    /// How this producer's image materials are to be read.
    fn image_origin(self) -> ImageOrigin {
        match self {
            Self::TektonChains => ImageOrigin::RuntimeImageId,
            Self::BuildKit => ImageOrigin::Resolved,
            Self::GithubActions | Self::Other => ImageOrigin::Unspecified,
        }
    }
}

/// Read an in-toto statement (`doc.value`) into `ev`.
pub(crate) fn statement(
    doc: &Document,
    ev: &mut Evidence,
    max_steps: usize,
) -> Result<(), NormalizeError> {
    let root = JsonPointer::root();
    let st: Statement = typed_at(doc, &doc.value, &root)?;
    ev.subjects = st
        .subject
        .into_iter()
        .map(|s| Subject {
            name: s.name,
            digest: s.digest.unwrap_or_default(),
        })
        .collect();
    let predicate_ptr = root.key("predicate");
    let predicate = doc.value.get("predicate").unwrap_or(&Value::Null);
    match st.predicate_type.as_str() {
        SLSA_PROVENANCE_V01 => {
            ev.layers.push("slsa-provenance v0.1".to_owned());
            v01(doc, predicate, &predicate_ptr, ev)?;
        }
        SLSA_PROVENANCE_V02 => {
            ev.layers.push("slsa-provenance v0.2".to_owned());
            v02(doc, predicate, &predicate_ptr, ev, max_steps)?;
        }
        SLSA_PROVENANCE_V1 => {
            ev.layers.push("slsa-provenance v1".to_owned());
            v1(doc, predicate, &predicate_ptr, ev, max_steps)?;
        }
        other => ev.notes.push(Note::new(
            NoteCode::PredicateNotRead,
            format!(
                "predicate type {other:?} is not SLSA provenance: only the subjects and the \
                 predicate type are reported"
            ),
            root.key("predicateType"),
        )),
    }
    ev.predicate_type = Some(st.predicate_type);
    Ok(())
}

fn v01(
    doc: &Document,
    predicate: &Value,
    ptr: &JsonPointer,
    ev: &mut Evidence,
) -> Result<(), NormalizeError> {
    let p: ProvenanceV01 = typed_at(doc, predicate, ptr)?;
    ev.builder_id = p.builder.and_then(|b| b.id);
    ev.build_type = p.recipe.and_then(|r| r.kind);
    let metadata = p.metadata.unwrap_or_default();
    ev.build_started_on = metadata.build_started_on;
    ev.build_finished_on = metadata.build_finished_on;
    let producer = Producer::of(ev.build_type.as_deref());
    ev.materials = materials(
        p.materials.unwrap_or_default(),
        &ptr.key("materials"),
        producer,
    );
    Ok(())
}

fn v02(
    doc: &Document,
    predicate: &Value,
    ptr: &JsonPointer,
    ev: &mut Evidence,
    max_steps: usize,
) -> Result<(), NormalizeError> {
    let p: ProvenanceV02 = typed_at(doc, predicate, ptr)?;
    ev.builder_id = p.builder.and_then(|b| b.id);
    ev.build_type = p.build_type;
    let metadata = p.metadata.unwrap_or_default();
    ev.invocation_id = metadata.build_invocation_id;
    ev.build_started_on = metadata.build_started_on;
    ev.build_finished_on = metadata.build_finished_on;
    let producer = Producer::of(ev.build_type.as_deref());
    ev.materials = materials(
        p.materials.unwrap_or_default(),
        &ptr.key("materials"),
        producer,
    );
    match producer {
        Producer::GithubActions => {
            let config = p.invocation.and_then(|i| i.config_source);
            ev.build_source = config.and_then(|c| {
                let (repository, git_ref) = split_git_uri(c.uri.as_deref()?)?;
                Some(BuildSource {
                    repository: Some(repository),
                    git_ref,
                    commit: c.digest.as_ref().and_then(commit_of),
                    workflow: c.entry_point,
                })
            });
        }
        Producer::TektonChains => {
            if let Some(config) = member(predicate, "buildConfig") {
                chains_v02_steps(doc, config, &ptr.key("buildConfig"), ev, max_steps)?;
            }
        }
        Producer::BuildKit | Producer::Other => {}
    }
    Ok(())
}

fn v1(
    doc: &Document,
    predicate: &Value,
    ptr: &JsonPointer,
    ev: &mut Evidence,
    max_steps: usize,
) -> Result<(), NormalizeError> {
    let p: ProvenanceV1 = typed_at(doc, predicate, ptr)?;
    let run = p.run_details.unwrap_or_default();
    ev.builder_id = run.builder.and_then(|b| b.id);
    let metadata = run.metadata.unwrap_or_default();
    ev.invocation_id = metadata.invocation_id;
    ev.build_started_on = metadata.started_on;
    ev.build_finished_on = metadata.finished_on;
    let definition = p.build_definition;
    ev.build_type = definition.build_type;
    let producer = Producer::of(ev.build_type.as_deref());
    let definition_ptr = ptr.key("buildDefinition");
    let dependencies = definition.resolved_dependencies.unwrap_or_default();
    let external_ptr = definition_ptr.key("externalParameters");
    let external = predicate
        .get("buildDefinition")
        .and_then(|d| member(d, "externalParameters"));
    match producer {
        Producer::GithubActions => {
            let workflow = match external {
                Some(external) => {
                    let e: GithubExternal = typed_at(doc, external, &external_ptr)?;
                    e.workflow
                }
                None => None,
            };
            ev.build_source = github_v1_source(workflow, &dependencies);
        }
        Producer::TektonChains => {
            if let Some(external) = external {
                chains_v1_steps(doc, external, &external_ptr, ev, max_steps)?;
            }
            let has_images = dependencies.iter().any(|d| {
                d.name.is_none()
                    && d.uri
                        .as_deref()
                        .is_some_and(|u| image_uri(u, producer).is_some())
            });
            if has_images && !ev.steps.is_empty() {
                ev.notes.push(Note::new(
                    NoteCode::RuntimeImagesNotJoined,
                    "resolvedDependencies record the runtime images without naming \
                              the step that ran each: they are listed under materials, not \
                              joined to the declared steps"
                        .to_owned(),
                    definition_ptr.key("resolvedDependencies"),
                ));
            }
        }
        Producer::BuildKit | Producer::Other => {}
    }
    ev.materials = materials(
        dependencies,
        &definition_ptr.key("resolvedDependencies"),
        producer,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::trust::{Corroboration, TrustStatus};
    use crate::oci::image_id::ImageIdForm;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn evidence(predicate_type: &str, predicate: Value) -> Evidence {
        let statement = json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "subject": [{"name": "gcr.io/foo/bar", "digest": {"sha256": A}}],
            "predicateType": predicate_type,
            "predicate": predicate
        });
        let doc = crate::ingest::ingest("s.json", statement.to_string().as_bytes()).unwrap();
        crate::normalize::normalize(&doc).unwrap()
    }

    fn codes(ev: &Evidence) -> Vec<&str> {
        ev.notes.iter().map(|n| n.code.as_str()).collect()
    }

    /// Chains members read as objects are objects: an array is a shape error
    /// at its pointer, not a struct read by position.
    #[test]
    fn chains_members_must_be_objects() {
        let chains = "https://tekton.dev/chains/v2/slsa";
        let rows = [
            (
                SLSA_PROVENANCE_V1,
                json!({"buildDefinition": {"buildType": chains, "externalParameters": {"runSpec": []},
                                           "resolvedDependencies": []},
                       "runDetails": {"builder": {"id": "b"}}}),
                "/predicate/buildDefinition/externalParameters/runSpec",
            ),
            (
                SLSA_PROVENANCE_V02,
                json!({"builder": {"id": "b"}, "buildType": chains, "buildConfig": [null, null]}),
                "/predicate/buildConfig",
            ),
        ];
        for (predicate_type, predicate, at) in rows {
            let statement = json!({
                "_type": "https://in-toto.io/Statement/v0.1",
                "subject": [{"name": "gcr.io/foo/bar", "digest": {"sha256": A}}],
                "predicateType": predicate_type,
                "predicate": predicate
            });
            let doc = crate::ingest::ingest("s.json", statement.to_string().as_bytes());
            let err = doc
                .map_err(crate::Error::from)
                .and_then(|doc| Ok(crate::normalize::normalize(&doc)?))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(at) && err.contains("expected an object"),
                "{err}"
            );
        }
    }

    /// Older Chains copied the raw ImageID, newer ones `oci://` + ImageID:
    /// both are runtime ImageIDs, kept as written, never declared.
    #[test]
    fn chains_v02_step_images_are_runtime_image_ids() {
        let ev = evidence(
            SLSA_PROVENANCE_V02,
            json!({
                "builder": {"id": "https://tekton.dev/chains/v2"},
                "buildType": "tekton.dev/v1beta1/TaskRun",
                "buildConfig": {"steps": [
                    {"environment": {"container": "step-build", "image": format!("docker-pullable://gcr.io/test1/test1@sha256:{A}")}},
                    {"environment": {"container": "push", "image": format!("oci://gcr.io/test2/test2@sha256:{B}")}}
                ]},
                "materials": [{"uri": "oci://gcr.io/test1/test1", "digest": {"sha256": A}}]
            }),
        );
        assert_eq!(ev.steps.len(), 2);
        let rows: Vec<_> = ev
            .steps
            .iter()
            .map(|s| {
                let runtime = s.runtime.as_ref().unwrap();
                (
                    s.name.as_str(),
                    s.declared_image.as_deref(),
                    s.runtime_image_id
                        .as_deref()
                        .unwrap()
                        .split("://")
                        .next()
                        .unwrap(),
                    runtime.form,
                    s.trusted_reference.as_deref(),
                    s.trust.status,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "build",
                    None,
                    "docker-pullable",
                    ImageIdForm::RepoDigest,
                    None,
                    TrustStatus::Undeclared
                ),
                (
                    "push",
                    None,
                    "oci",
                    ImageIdForm::RepoDigest,
                    None,
                    TrustStatus::Undeclared
                ),
            ]
        );
        assert_eq!(
            ev.steps[1]
                .pointers
                .runtime_image_id
                .as_ref()
                .unwrap()
                .as_str(),
            "/predicate/buildConfig/steps/1/environment/image"
        );
        let image = ev.materials[0].image.as_ref().unwrap();
        assert_eq!(image.origin, ImageOrigin::RuntimeImageId);
        assert_eq!(image.repository.as_deref(), Some("gcr.io/test1/test1"));
        assert_eq!(
            image.digest.as_deref(),
            Some(format!("sha256:{A}").as_str())
        );
        assert_eq!(codes(&ev), vec!["runtime-image-ids-only"]);
    }

    #[test]
    fn chains_v02_pipeline_run_steps_carry_their_task() {
        let ev = evidence(
            SLSA_PROVENANCE_V02,
            json!({
                "builder": {"id": "https://tekton.dev/chains/v2"},
                "buildType": "tekton.dev/v1/PipelineRun",
                "buildConfig": {"tasks": [
                    {"name": "clone", "steps": [{"environment": {"container": "step-git", "image": format!("sha256:{A}")}}]},
                    {"name": "build", "steps": [{"environment": {}}]}
                ]}
            }),
        );
        let rows: Vec<_> = ev
            .steps
            .iter()
            .map(|s| {
                (
                    s.task.as_deref(),
                    s.name.as_str(),
                    s.runtime_image_id.is_some(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("clone"), "git", true),
                (Some("build"), "unnamed-0", false)
            ]
        );
    }

    /// Chains SLSA v1.0: declared from the embedded taskSpec; the unnamed
    /// resolved dependencies are runtime images that name no step.
    #[test]
    fn chains_v1_declares_from_run_spec_and_does_not_join() {
        let ev = evidence(
            SLSA_PROVENANCE_V1,
            json!({
                "buildDefinition": {
                    "buildType": "https://tekton.dev/chains/v2/slsa",
                    "externalParameters": {"runSpec": {"taskSpec": {"steps": [
                        {"name": "build", "image": format!("quay.io/acme/builder:v1@sha256:{A}")}
                    ]}}},
                    "resolvedDependencies": [
                        {"uri": "oci://quay.io/acme/builder", "digest": {"sha256": A}},
                        {"name": "task", "uri": "git+https://github.com/acme/tasks.git", "digest": {"sha1": "0123"}}
                    ]
                },
                "runDetails": {"builder": {"id": "https://tekton.dev/chains/v2"},
                               "metadata": {"startedOn": "2024-01-01T00:00:00Z", "finishedOn": "2024-01-01T00:01:00Z"}}
            }),
        );
        let step = &ev.steps[0];
        assert_eq!(
            step.trusted_reference.as_deref(),
            Some(format!("quay.io/acme/builder@sha256:{A}").as_str())
        );
        assert!(step.runtime_image_id.is_none());
        assert_eq!(step.corroboration, Some(Corroboration::Absent));
        assert_eq!(codes(&ev), vec!["runtime-images-not-joined"]);
        assert_eq!(
            ev.materials[0].image.as_ref().map(|i| i.origin),
            Some(ImageOrigin::RuntimeImageId)
        );
        assert!(
            ev.materials[1].image.is_none(),
            "a named dependency is not a step image"
        );
        assert_eq!(ev.build_started_on.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(
            ev.build_finished_on.as_deref(),
            Some("2024-01-01T00:01:00Z")
        );
    }

    #[test]
    fn other_predicates_report_subjects_and_type_only() {
        let ev = evidence(
            "https://example.com/vuln-scan/v1",
            json!({"scanner": {"uri": "x"}}),
        );
        assert_eq!(
            ev.predicate_type.as_deref(),
            Some("https://example.com/vuln-scan/v1")
        );
        assert_eq!(ev.subjects.len(), 1);
        assert!(ev.builder_id.is_none() && ev.materials.is_empty() && ev.steps.is_empty());
        assert_eq!(codes(&ev), vec!["predicate-not-read"]);
    }

    #[test]
    fn wrong_predicate_shape_names_the_pointer() {
        let statement = json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "x", "digest": {"sha256": A}}],
            "predicateType": SLSA_PROVENANCE_V02,
            "predicate": {"builder": {"id": "b"}, "buildType": "t", "materials": [{"uri": 7}]}
        });
        let err = crate::ingest::ingest("s.json", statement.to_string().as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json: at /predicate/materials/0/uri: not a valid SLSA provenance v0.2 predicate: \
             7 is not of type \"string\""
        );
    }

    #[test]
    fn git_uris_split_into_repository_and_ref() {
        let rows = [
            (
                "git+https://github.com/o/r@refs/heads/main",
                Some(("https://github.com/o/r", Some("refs/heads/main"))),
            ),
            (
                "git+https://github.com/o/r@refs/tags/v1.0",
                Some(("https://github.com/o/r", Some("refs/tags/v1.0"))),
            ),
            (
                "git+https://github.com/o/r.git",
                Some(("https://github.com/o/r.git", None)),
            ),
            ("https://github.com/o/r", None),
        ];
        for (uri, want) in rows {
            let got = split_git_uri(uri);
            assert_eq!(
                got.as_ref().map(|(r, g)| (r.as_str(), g.as_deref())),
                want,
                "{uri}"
            );
        }
    }

    #[test]
    fn buildkit_purls_become_references() {
        let digest = BTreeMap::from([(
            "sha256".to_owned(),
            "8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4".to_owned(),
        )]);
        let uri = image_uri(
            "pkg:docker/alpine@latest?platform=linux%2Famd64",
            Producer::BuildKit,
        )
        .unwrap();
        let image = material_image(uri, &digest, Producer::BuildKit);
        assert_eq!(image.origin, ImageOrigin::Resolved);
        assert_eq!(
            image.reference.as_deref(),
            Some("docker.io/library/alpine:latest")
        );
        assert_eq!(
            image.repository.as_deref(),
            Some("docker.io/library/alpine")
        );
        assert_eq!(image.tag.as_deref(), Some("latest"));
        assert_eq!(image.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(
            image.digest.as_deref(),
            Some("sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4")
        );
    }

    /// BuildKit's purls for a reference pinned by digest (`RefToPURL`): a
    /// `digest` qualifier, beside a tag or alone; a digest as the version is
    /// read too, and two digests that disagree are a problem, not a pin.
    #[test]
    fn buildkit_purl_digests_are_pins() {
        let d = "sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4";
        let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
        let rows = [
            (
                format!("pkg:docker/alpine?digest={d}&platform=linux%2Famd64"),
                Some(format!("docker.io/library/alpine@{d}")),
            ),
            (
                format!("pkg:docker/alpine@3?digest={}", d.replace(':', "%3A")),
                Some(format!("docker.io/library/alpine:3@{d}")),
            ),
            (
                format!("pkg:docker/alpine@{d}"),
                Some(format!("docker.io/library/alpine@{d}")),
            ),
            (format!("pkg:docker/alpine@{d}?digest={other}"), None),
        ];
        for (uri, want) in rows {
            let image = material_image(
                image_uri(&uri, Producer::BuildKit).unwrap(),
                &BTreeMap::new(),
                Producer::BuildKit,
            );
            assert_eq!(image.reference, want, "{uri}");
            assert_eq!(image.problem.is_some(), want.is_none(), "{uri}");
        }
    }

    #[test]
    fn image_uris_by_form() {
        let chains = Producer::TektonChains;
        assert!(matches!(
            image_uri("oci://gcr.io/a/b", Producer::Other),
            Some(ImageUri::Repository(Ok(r))) if r.as_str() == "gcr.io/a/b"
        ));
        // An oci:// URI that is no reference is still an image, with a problem.
        assert!(matches!(
            image_uri("oci://gcr.io/A/b", Producer::Other),
            Some(ImageUri::Repository(Err(_)))
        ));
        assert!(matches!(
            image_uri("docker.io/library/busybox", chains),
            Some(ImageUri::Repository(_))
        ));
        // Only Chains writes scheme-less image URIs.
        assert!(image_uri("docker.io/library/busybox", Producer::Other).is_none());
        assert!(image_uri("git+https://github.com/o/r", chains).is_none());
        assert!(image_uri("https://example.com/x.tar.gz", chains).is_none());
        assert!(image_uri("busybox", chains).is_none());
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("linux%2Famd64"), "linux/amd64");
        assert_eq!(percent_decode("a%zz%2"), "a%zz%2");
    }
}
