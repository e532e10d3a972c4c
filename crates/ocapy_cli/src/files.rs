//! Which files a run checks.

use std::path::{Path, PathBuf};

/// One input of a run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Expands the paths given on the command line: files as they are, folders walked for `.py`
/// files (respecting `.gitignore` and hidden-file conventions), `-` for standard input.
/// A path that does not exist is an error naming it.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let metadata = std::fs::metadata(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        if !metadata.is_dir() {
            inputs.push(Input::File(path.clone()));
            continue;
        }
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path).build() {
            let entry = entry.map_err(|error| format!("walking {}: {error}", path.display()))?;
            if entry.file_type().is_some_and(|kind| kind.is_file()) && is_python(entry.path()) {
                found.push(Input::File(entry.into_path()));
            }
        }
        found.sort();
        inputs.extend(found);
    }
    inputs.dedup();
    Ok(inputs)
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "py")
}
