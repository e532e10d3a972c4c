//! Which files a run checks.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// One input of a run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Folders a walk does not enter unless told otherwise: version control, virtual
/// environments, caches and build output (ruff's list).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// Glob patterns of what a walk leaves out, matched against each entry's name and against
/// its path below the folder walked.
pub struct Excludes(GlobSet);

impl Excludes {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern.trim_end_matches('/'))
                .map_err(|error| format!("exclude pattern {pattern:?}: {error}"))?;
            builder.add(glob);
        }
        builder
            .build()
            .map(Excludes)
            .map_err(|error| format!("exclude patterns: {error}"))
    }

    fn excludes(&self, root: &Path, path: &Path) -> bool {
        path.file_name().is_some_and(|name| self.0.is_match(name))
            || path
                .strip_prefix(root)
                .is_ok_and(|relative| self.0.is_match(relative))
    }
}

/// Expands one path given on the command line: a file as it is (whatever its name), a
/// folder walked for `.py` files (respecting `.gitignore`, inside a git repository or not,
/// hidden-file conventions and the `excludes` it is given), `-` for standard input. A path that does not
/// exist is an error naming it. Stops early, with what it found so far, once the run is
/// interrupted.
pub fn collect(
    path: &Path,
    excludes: impl FnOnce() -> Result<Excludes, String>,
) -> Result<Vec<Input>, String> {
    if path.as_os_str() == "-" {
        return Ok(vec![Input::Stdin]);
    }
    let metadata = std::fs::metadata(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![Input::File(path.to_path_buf())]);
    }
    let mut found = Vec::new();
    let (root, pruned) = (path.to_path_buf(), excludes()?);
    let walk = ignore::WalkBuilder::new(path)
        .require_git(false)
        .filter_entry(move |entry| entry.depth() == 0 || !pruned.excludes(&root, entry.path()))
        .build();
    for entry in walk {
        if crate::interrupted() {
            break;
        }
        let entry = entry.map_err(|error| format!("walking {}: {error}", path.display()))?;
        if entry.file_type().is_some_and(|kind| kind.is_file()) && is_python(entry.path()) {
            found.push(Input::File(entry.into_path()));
        }
    }
    found.sort();
    Ok(found)
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "py")
}
