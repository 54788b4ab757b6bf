//! The 20-step TaskRun the benches judge: pinned, tag-only and runtime-only
//! steps, as in real pipelines. Shared by `native_rules` and `rego_pack`.

/// A TaskRun with 20 steps: pinned, tag-only and runtime-only, as in real pipelines.
pub(crate) fn taskrun() -> Vec<u8> {
    let mut spec = Vec::new();
    let mut status = Vec::new();
    for i in 0..20 {
        let hex = format!("{i:064x}");
        let image = match i % 3 {
            0 => Some(format!("\"image\": \"quay.io/acme/step{i}@sha256:{hex}\",")),
            1 => Some(format!(
                "\"image\": \"gcr.io/tekton-releases/step{i}:v0.{i}\","
            )),
            _ => None,
        };
        spec.push(format!(
            "{{{} \"name\": \"s{i}\"}}",
            image.unwrap_or_default()
        ));
        status.push(format!(
            "{{\"name\": \"s{i}\", \"container\": \"step-s{i}\", \"imageID\": \"docker-pullable://quay.io/acme/step{i}@sha256:{hex}\"}}"
        ));
    }
    format!(
        "{{\"apiVersion\": \"tekton.dev/v1\", \"kind\": \"TaskRun\", \"metadata\": {{\"name\": \"bench\"}}, \"status\": {{\"taskSpec\": {{\"steps\": [{}]}}, \"steps\": [{}]}}}}",
        spec.join(","),
        status.join(",")
    )
    .into_bytes()
}
