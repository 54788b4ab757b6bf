//! GitHub Actions' conventions: the source repository, ref and commit.

#[allow(clippy::wildcard_imports)]
use super::*;

/// GitHub workflow build type: the workflow's repository, ref and path;
/// the commit from the resolved dependency of that repository.
/// slsa-github-generator's BYOB build types name no workflow: the source is
/// then the first resolved dependency, a `git+` URI with its commit.
pub(super) fn github_v1_source(
    workflow: Option<GithubWorkflow>,
    dependencies: &[MaterialIn],
) -> Option<BuildSource> {
    let first_git = dependencies.first().and_then(|d| {
        let (repository, git_ref) = split_git_uri(d.uri.as_deref()?)?;
        Some((repository, git_ref, d.digest.as_ref().and_then(commit_of)))
    });
    match workflow {
        Some(w) => {
            let commit = first_git.and_then(|(repository, _, commit)| {
                (Some(repository.as_str()) == w.repository.as_deref())
                    .then_some(commit)
                    .flatten()
            });
            Some(BuildSource {
                repository: w.repository,
                git_ref: w.git_ref,
                commit,
                workflow: w.path,
            })
        }
        None => first_git.map(|(repository, git_ref, commit)| BuildSource {
            repository: Some(repository),
            git_ref,
            commit,
            workflow: None,
        }),
    }
}

/// `git+https://host/repo@refs/heads/main` → (`https://host/repo`, `refs/heads/main`).
pub(super) fn split_git_uri(uri: &str) -> Option<(String, Option<String>)> {
    let rest = uri.strip_prefix("git+")?;
    // An `@` followed by a path is user info (`https://user@host/repo`), not a ref.
    Some(match rest.rsplit_once('@') {
        Some((repository, git_ref)) if git_ref.starts_with("refs/") || !git_ref.contains('/') => {
            (repository.to_owned(), Some(git_ref.to_owned()))
        }
        _ => (rest.to_owned(), None),
    })
}

/// The commit in a digest set (`gitCommit`, or `sha1` as SLSA v0.2 wrote it).
pub(super) fn commit_of(digest: &BTreeMap<String, String>) -> Option<String> {
    digest
        .get("gitCommit")
        .or_else(|| digest.get("sha1"))
        .cloned()
}
