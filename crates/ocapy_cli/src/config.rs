//! Settings from `[tool.ocapy]` in the nearest `pyproject.toml`, or from an `ocapy.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The configuration file's keys. Unknown keys are an error naming the key: a misspelled
/// setting must not silently fall back to a default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub profile: Option<String>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub grants: Option<Vec<String>>,
    /// Replaces the default allowlist of importable modules.
    pub allowed_modules: Option<Vec<String>>,
    pub target_version: Option<String>,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    ocapy: Option<toml::Value>,
}

/// The configuration in force for a run started in `start`, and the file it came from.
pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, String> {
    for directory in start.ancestors() {
        let dedicated = directory.join("ocapy.toml");
        if dedicated.is_file() {
            return load(&dedicated).map(|config| Some((dedicated, config)));
        }
        let pyproject = directory.join("pyproject.toml");
        if pyproject.is_file()
            && let Some(config) = load_pyproject(&pyproject)?
        {
            return Ok(Some((pyproject, config)));
        }
    }
    Ok(None)
}

/// Reads an explicit configuration file: a `pyproject.toml` (its `[tool.ocapy]` table) or an
/// `ocapy.toml`.
pub fn load(path: &Path) -> Result<Config, String> {
    if path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        return Ok(load_pyproject(path)?.unwrap_or_default());
    }
    let text = read(path)?;
    toml::from_str(&text).map_err(|error| format!("{}: {}", path.display(), error.message()))
}

fn load_pyproject(path: &Path) -> Result<Option<Config>, String> {
    let text = read(path)?;
    let pyproject: PyProject = toml::from_str(&text)
        .map_err(|error| format!("{}: {}", path.display(), error.message()))?;
    let Some(table) = pyproject.tool.and_then(|tool| tool.ocapy) else {
        return Ok(None);
    };
    Config::deserialize(table)
        .map(Some)
        .map_err(|error| format!("{}: [tool.ocapy]: {}", path.display(), error.message()))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let error = toml::from_str::<Config>("profil = \"capability\"\n").unwrap_err();
        assert!(
            error.message().contains("unknown field `profil`"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn pyproject_table_is_found_upwards() {
        let root = std::env::temp_dir().join(format!("ocapy-config-{}", std::process::id()));
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"x\"\n\n[tool.ocapy]\ngrants = [\"log\"]\n",
        )
        .unwrap();
        let (path, config) = discover(&nested).unwrap().unwrap();
        assert_eq!(path, root.join("pyproject.toml"));
        assert_eq!(config.grants.unwrap(), ["log"]);
        std::fs::write(root.join("pyproject.toml"), "[tool.ocapy]\ngrant = []\n").unwrap();
        let error = discover(&nested).unwrap_err();
        assert!(error.contains("unknown field `grant`"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
