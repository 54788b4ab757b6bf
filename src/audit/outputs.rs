//! An audit's output files: never an input, never each other.

use std::path::{Path, PathBuf};

use super::walk::{file_id, file_links, resolved};
use super::AuditError;

/// Refuse an output file that would overwrite one of `inputs`: the same
/// file, or a file inside an input directory (which the walk would also
/// read). Call it before creating or truncating `output`; a file that does
/// not exist yet overwrites nothing.
///
/// # Errors
///
/// [`AuditError::OutputIsInput`], naming the input.
pub fn refuse_overwrite(inputs: &[PathBuf], output: &Path) -> Result<(), AuditError> {
    let Ok(target) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    // A file with another name elsewhere (a hard link) could be an input
    // under that name: refused rather than truncated.
    if std::fs::metadata(&target).is_ok_and(|m| m.is_file() && file_links(&m) > 1) {
        return Err(AuditError::OutputIsInput {
            output: output.display().to_string(),
            why: "it has other hard links, so it may be an input under another name".to_owned(),
        });
    }
    for input in inputs.iter().filter(|p| p.as_path() != Path::new("-")) {
        let Ok(input_path) = std::fs::canonicalize(input) else {
            continue;
        };
        let why = if target == input_path {
            format!("it is the input {}", input.display())
        } else if target.starts_with(&input_path) {
            format!("it lies in the input directory {}", input.display())
        } else {
            continue;
        };
        return Err(AuditError::OutputIsInput {
            output: output.display().to_string(),
            why,
        });
    }
    Ok(())
}

/// Refuse two outputs that are the same file: one would overwrite the
/// other. Files that exist compare by device and inode (a hard link or a
/// symbolic link is the same file), files that do not yet by their
/// canonical parent directory and name.
///
/// # Errors
///
/// [`AuditError::SameOutput`], naming both.
pub fn refuse_same_outputs(outputs: &[&Path]) -> Result<(), AuditError> {
    #[derive(PartialEq)]
    enum Where {
        File((u64, u64)),
        Path(PathBuf),
        Unknown,
    }
    let places: Vec<Where> = outputs
        .iter()
        .map(|p| match std::fs::metadata(p) {
            Ok(m) => Where::File(file_id(&m)),
            Err(_) => resolved(p).map_or(Where::Unknown, Where::Path),
        })
        .collect();
    for (i, (a, wa)) in outputs.iter().zip(&places).enumerate() {
        for (b, wb) in outputs.iter().zip(&places).skip(i + 1) {
            // A path that cannot be resolved is compared as written.
            let same = match (wa, wb) {
                (Where::Unknown, _) | (_, Where::Unknown) => a == b,
                _ => wa == wb,
            };
            if same {
                return Err(AuditError::SameOutput {
                    first: a.display().to_string(),
                    second: b.display().to_string(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_compared_as_files() {
        let dir = std::env::temp_dir().join(format!("provcheck-outputs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let a = dir.join("a.json");
        std::fs::write(&a, b"{}").unwrap();
        let hard = dir.join("hard.json");
        let _ = std::fs::remove_file(&hard);
        std::fs::hard_link(&a, &hard).unwrap();
        let new = dir.join("new.json");
        let new_again = dir.join("sub/../new.json");
        let other = dir.join("other.json");
        assert!(refuse_same_outputs(&[&a, &hard]).is_err());
        assert!(refuse_same_outputs(&[&new, &new_again]).is_err());
        assert!(refuse_same_outputs(&[&a, &new, &other]).is_ok());
        assert!(refuse_same_outputs(&[&a, &a]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
