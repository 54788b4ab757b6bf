//! The wire types of in-toto statements and SLSA provenance v0.1, v0.2
//! and v1.0, with the producers' members provcheck reads.

#[allow(clippy::wildcard_imports)]
use super::*;

// The typed structs below leave out the members kept as JSON (the predicate,
// `externalParameters`, `buildConfig`, embedded specs): those are borrowed
// from the document with `member`, not copied into a `Value` of their own.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Statement {
    pub(super) predicate_type: String,
    pub(super) subject: Vec<SubjectIn>,
}

#[derive(Deserialize)]
pub(super) struct SubjectIn {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) digest: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
pub(super) struct Builder {
    pub(super) id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct MaterialIn {
    pub(super) uri: Option<String>,
    pub(super) name: Option<String>,
    pub(super) digest: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetadataV0 {
    pub(super) build_invocation_id: Option<String>,
    pub(super) build_started_on: Option<String>,
    pub(super) build_finished_on: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct Recipe {
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ProvenanceV01 {
    pub(super) builder: Option<Builder>,
    pub(super) recipe: Option<Recipe>,
    pub(super) metadata: Option<MetadataV0>,
    pub(super) materials: Option<Vec<MaterialIn>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProvenanceV02 {
    pub(super) builder: Option<Builder>,
    pub(super) build_type: Option<String>,
    pub(super) invocation: Option<Invocation>,
    pub(super) metadata: Option<MetadataV0>,
    pub(super) materials: Option<Vec<MaterialIn>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Invocation {
    pub(super) config_source: Option<ConfigSource>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConfigSource {
    pub(super) uri: Option<String>,
    pub(super) digest: Option<BTreeMap<String, String>>,
    pub(super) entry_point: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProvenanceV1 {
    pub(super) build_definition: BuildDefinition,
    pub(super) run_details: Option<RunDetails>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct BuildDefinition {
    pub(super) build_type: Option<String>,
    pub(super) resolved_dependencies: Option<Vec<MaterialIn>>,
}

#[derive(Deserialize, Default)]
pub(super) struct RunDetails {
    pub(super) builder: Option<Builder>,
    pub(super) metadata: Option<MetadataV1>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetadataV1 {
    pub(super) invocation_id: Option<String>,
    pub(super) started_on: Option<String>,
    pub(super) finished_on: Option<String>,
}

/// Tekton Chains `slsa/v1` `buildConfig`: a TaskRun's steps, or a
/// PipelineRun's tasks and their steps.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ChainsBuildConfig {
    pub(super) steps: Option<Vec<ChainsStep>>,
    pub(super) tasks: Option<Vec<ChainsTask>>,
}

#[derive(Deserialize, Default)]
pub(super) struct ChainsTask {
    pub(super) name: Option<String>,
    pub(super) steps: Option<Vec<ChainsStep>>,
}

#[derive(Deserialize, Default)]
pub(super) struct ChainsStep {
    pub(super) environment: Option<ChainsEnvironment>,
}

#[derive(Deserialize, Default)]
pub(super) struct ChainsEnvironment {
    pub(super) container: Option<String>,
    pub(super) image: Option<String>,
}

/// GitHub workflow build type's `externalParameters.workflow`.
#[derive(Deserialize, Default)]
pub(super) struct GithubExternal {
    pub(super) workflow: Option<GithubWorkflow>,
}

#[derive(Deserialize, Default)]
pub(super) struct GithubWorkflow {
    #[serde(rename = "ref")]
    pub(super) git_ref: Option<String>,
    pub(super) repository: Option<String>,
    pub(super) path: Option<String>,
}

/// `value[key]` unless absent or `null` (what an `Option` member would read).
pub(super) fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// `value` (at `ptr`), which must be a JSON object: anything else is a shape
/// error (serde would read a struct from an array by position).
pub(super) fn object<'v>(
    doc: &Document,
    value: &'v Value,
    ptr: &JsonPointer,
) -> Result<&'v Value, NormalizeError> {
    let found = match value {
        Value::Object(_) => return Ok(value),
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
    };
    Err(NormalizeError::Shape {
        at: doc.location(ptr.clone()),
        message: format!("invalid type: {found}, expected an object"),
    })
}
