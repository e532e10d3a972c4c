//! Configuration files: `[tool.ocapy]` in a `pyproject.toml`, or an `ocapy.toml`.
//!
//! Each file checked takes the configuration nearest to it, as ruff does: the first folder,
//! from the file's own upwards, with an `ocapy.toml` or a `pyproject.toml` that has a
//! `[tool.ocapy]` table. A folder with both is an error rather than a silent choice.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The configuration file's keys. Unknown keys are an error naming the key: a misspelled
/// setting must not silently fall back to a default. A key without `extend-` replaces what
/// it names; `extend-` adds to it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub profile: Option<String>,
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub grants: Option<Vec<String>>,
    pub allowed_modules: Option<Vec<String>>,
    pub extend_allowed_modules: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub target_version: Option<String>,
    /// Rules not to run on the files a glob pattern matches (relative to the configuration's
    /// folder, or a file name): the host's exemptions, for either profile.
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
}

/// A configuration and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// The file, or `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    pub config: Config,
    /// The lowest Python version `requires-python` of the `pyproject.toml` beside the
    /// configuration (or nearest the file, without one) admits, as `3.N`.
    pub requires_python: Option<String>,
}

impl Found {
    /// The name errors about this configuration start with.
    pub fn origin(&self) -> String {
        self.path.as_ref().map_or_else(
            || "the command line".to_string(),
            |path| path.display().to_string(),
        )
    }
}

#[derive(Deserialize)]
struct PyProject {
    project: Option<Project>,
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
}

#[derive(Deserialize)]
struct Tool {
    ocapy: Option<Config>,
}

/// Finds configurations by folder, reading each folder's files once.
#[derive(Default)]
pub struct Discovery {
    folders: HashMap<PathBuf, Folder>,
}

/// What one folder holds: an ocapy configuration, or only a `requires-python`.
#[derive(Clone)]
enum Folder {
    Config(Box<Found>),
    RequiresPython(String),
    Nothing,
}

impl Discovery {
    /// The configuration nearest to `folder` (an absolute path).
    pub fn nearest(&mut self, folder: &Path) -> Result<Found, String> {
        let mut requires_python = None;
        for directory in folder.ancestors() {
            match self.folder(directory)? {
                Folder::Config(found) => {
                    let mut found = *found;
                    found.requires_python = found.requires_python.or(requires_python);
                    return Ok(found);
                }
                Folder::RequiresPython(version) => {
                    requires_python.get_or_insert(version);
                }
                Folder::Nothing => {}
            }
        }
        Ok(Found {
            requires_python,
            ..Found::default()
        })
    }

    fn folder(&mut self, directory: &Path) -> Result<Folder, String> {
        if let Some(folder) = self.folders.get(directory) {
            return Ok(folder.clone());
        }
        let folder = read_folder(directory)?;
        self.folders.insert(directory.to_path_buf(), folder.clone());
        Ok(folder)
    }
}

fn read_folder(directory: &Path) -> Result<Folder, String> {
    let dedicated = directory.join("ocapy.toml");
    let pyproject_path = directory.join("pyproject.toml");
    let pyproject = if pyproject_path.is_file() {
        Some(read_pyproject(&pyproject_path)?)
    } else {
        None
    };
    let requires_python = pyproject
        .as_ref()
        .and_then(|(_, requires)| requires.clone());
    let in_pyproject = pyproject.and_then(|(config, _)| config);
    let config = match (dedicated.is_file(), in_pyproject) {
        (true, Some(_)) => {
            return Err(format!(
                "{} and {} both configure ocapy: keep one of them",
                dedicated.display(),
                pyproject_path.display()
            ));
        }
        (true, None) => Some((dedicated.clone(), load_dedicated(&dedicated)?)),
        (false, Some(config)) => Some((pyproject_path, config)),
        (false, None) => None,
    };
    Ok(match (config, requires_python) {
        (Some((path, config)), requires_python) => Folder::Config(Box::new(Found {
            path: Some(path),
            config,
            requires_python,
        })),
        (None, Some(version)) => Folder::RequiresPython(version),
        (None, None) => Folder::Nothing,
    })
}

/// Reads a configuration named with `--config`: an `ocapy.toml`, or any file shaped like a
/// `pyproject.toml` (a `[tool.ocapy]` table), whatever its name.
pub fn load(path: &Path) -> Result<Found, String> {
    let text = read(path)?;
    let table: toml::Table = parse(path, &text)?;
    let (config, requires_python) = if table.contains_key("tool") || table.contains_key("project") {
        let (config, requires_python) = read_pyproject(path)?;
        let config = config.ok_or_else(|| {
            format!(
                "{}: no [tool.ocapy] table (a pyproject-shaped configuration keeps its \
                 settings there)",
                path.display()
            )
        })?;
        (config, requires_python)
    } else {
        (load_dedicated(path)?, None)
    };
    Ok(Found {
        path: Some(path.to_path_buf()),
        config,
        requires_python,
    })
}

fn load_dedicated(path: &Path) -> Result<Config, String> {
    parse(path, &read(path)?)
}

/// A `pyproject.toml`'s ocapy table, if it has one, and its lowest admitted Python version.
fn read_pyproject(path: &Path) -> Result<(Option<Config>, Option<String>), String> {
    let text = read(path)?;
    let pyproject: PyProject = parse(path, &text)?;
    let requires_python = pyproject
        .project
        .and_then(|project| project.requires_python)
        .map(|specifier| {
            lowest_version(&specifier).ok_or_else(|| {
                format!(
                    "{}: requires-python {specifier:?} names no lowest Python 3 version; \
                     set target-version in [tool.ocapy]",
                    path.display()
                )
            })
        })
        .transpose()?;
    let config = pyproject.tool.and_then(|tool| tool.ocapy);
    Ok((config, requires_python))
}

/// Parses TOML, saying where in the file an error is.
fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|error| {
        let position = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
                format!("{line}:{column}: ")
            })
            .unwrap_or_default();
        format!("{}:{position}{}", path.display(), error.message())
    })
}

/// The lowest `3.N` a `requires-python` specifier set admits (`>=3.11`, `~=3.12`,
/// `==3.13.*`, `>=3.10,<4`), if it names one.
fn lowest_version(specifiers: &str) -> Option<String> {
    specifiers
        .split(',')
        .filter_map(|specifier| {
            let specifier = specifier.trim();
            let version = specifier
                .strip_prefix(">=")
                .or_else(|| specifier.strip_prefix("~="))
                .or_else(|| specifier.strip_prefix("=="))
                .or_else(|| specifier.strip_prefix('>'))?;
            let mut parts = version.trim().split('.');
            let major: u32 = parts.next()?.parse().ok()?;
            let minor: u32 = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
            (major == 3).then_some(minor)
        })
        .max()
        .map(|minor| format!("3.{minor}"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("ocapy-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    #[test]
    fn unknown_keys_are_named_with_their_position() {
        let root = temporary("unknown");
        let file = root.join("ocapy.toml");
        std::fs::write(&file, "\n  profil = \"capability\"\n").unwrap();
        let error = load(&file).unwrap_err();
        assert!(error.contains("unknown field `profil`"), "{error}");
        assert!(error.contains("ocapy.toml:2:3: "), "{error}");
        std::fs::write(root.join("pyproject.toml"), "[tool.ocapy]\ngrant = []\n").unwrap();
        std::fs::remove_file(&file).unwrap();
        let error = Discovery::default().nearest(&root).unwrap_err();
        assert!(
            error.contains("pyproject.toml:2:1: unknown field `grant`"),
            "{error}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn syntax_errors_say_where() {
        let root = temporary("syntax");
        let file = root.join("ocapy.toml");
        std::fs::write(&file, "profile = \"capability\"\nselect = [\n").unwrap();
        let error = load(&file).unwrap_err();
        assert!(
            error.starts_with(&format!("{}:", file.display())),
            "{error}"
        );
        assert!(error.contains(":3:1: ") || error.contains(":2:"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_nearest_configuration_wins_and_requires_python_is_read_beside_it() {
        let root = temporary("nearest");
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"x\"\nrequires-python = \">=3.11, <4\"\n\n[tool.ocapy]\ngrants = [\"log\"]\n",
        )
        .unwrap();
        std::fs::write(root.join("a/ocapy.toml"), "grants = [\"store\"]\n").unwrap();
        let mut discovery = Discovery::default();
        let found = discovery.nearest(&nested).unwrap();
        assert_eq!(found.path.unwrap(), root.join("a/ocapy.toml"));
        assert_eq!(found.config.grants.unwrap(), ["store"]);
        assert_eq!(found.requires_python, None);
        let found = discovery.nearest(&root).unwrap();
        assert_eq!(found.config.grants.unwrap(), ["log"]);
        assert_eq!(found.requires_python.as_deref(), Some("3.11"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn two_configurations_in_one_folder_are_an_error() {
        let root = temporary("both");
        std::fs::write(root.join("pyproject.toml"), "[tool.ocapy]\n").unwrap();
        std::fs::write(root.join("ocapy.toml"), "").unwrap();
        let error = Discovery::default().nearest(&root).unwrap_err();
        assert!(error.contains("both configure ocapy"), "{error}");
        // A pyproject.toml without an ocapy table is not a configuration.
        std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        let found = Discovery::default().nearest(&root).unwrap();
        assert_eq!(found.path.unwrap(), root.join("ocapy.toml"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_explicit_file_may_be_pyproject_shaped() {
        let root = temporary("explicit");
        let file = root.join("settings.toml");
        std::fs::write(&file, "[tool.ocapy]\nprofile = \"encapsulation\"\n").unwrap();
        assert_eq!(
            load(&file).unwrap().config.profile.as_deref(),
            Some("encapsulation")
        );
        std::fs::write(&file, "[tool.other]\nx = 1\n").unwrap();
        assert!(load(&file).unwrap_err().contains("no [tool.ocapy] table"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn lowest_versions_of_specifiers() {
        assert_eq!(lowest_version(">=3.11").as_deref(), Some("3.11"));
        assert_eq!(lowest_version(">=3.10,<4").as_deref(), Some("3.10"));
        assert_eq!(lowest_version("~=3.12.1").as_deref(), Some("3.12"));
        assert_eq!(lowest_version("==3.13.*").as_deref(), Some("3.13"));
        assert_eq!(lowest_version(">=3.8, !=3.9.1").as_deref(), Some("3.8"));
        assert_eq!(lowest_version("<4"), None);
    }
}
