//! What one run of the verifier checks: the profile, the rule selection, the names the host
//! grants, the modules it allows and the Python version the code targets.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use ruff_python_ast::PythonVersion;

use crate::rule::{Family, Rule};
use crate::tables::modules::DEFAULT_ALLOWED_MODULES;

/// Which subset of Python the verifier enforces.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The whole capability-safe subset, for code you distrust.
    #[default]
    Capability,
    /// Only the private-access rules, for a team's own code.
    Encapsulation,
}

impl Profile {
    pub const fn as_str(self) -> &'static str {
        match self {
            Profile::Capability => "capability",
            Profile::Encapsulation => "encapsulation",
        }
    }

    /// Whether the profile runs `rule` unless the selection says otherwise.
    pub fn includes(self, rule: Rule) -> bool {
        match self {
            Profile::Capability => true,
            Profile::Encapsulation => matches!(rule.family(), Family::Private | Family::Input),
        }
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "capability" => Ok(Profile::Capability),
            "encapsulation" => Ok(Profile::Encapsulation),
            other => Err(format!(
                "unknown profile `{other}`: expected `capability` or `encapsulation`"
            )),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Python versions the verifier parses for.
pub const SUPPORTED_VERSIONS: &[PythonVersion] = &[
    PythonVersion::PY310,
    PythonVersion::PY311,
    PythonVersion::PY312,
    PythonVersion::PY313,
    PythonVersion::PY314,
];

/// Parses `3.N` into one of [`SUPPORTED_VERSIONS`].
pub fn parse_target_version(value: &str) -> Result<PythonVersion, String> {
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|version| version.to_string() == value)
        .ok_or_else(|| {
            let supported: Vec<String> =
                SUPPORTED_VERSIONS.iter().map(ToString::to_string).collect();
            format!(
                "unsupported target version `{value}`: expected one of {}",
                supported.join(", ")
            )
        })
}

/// Everything that decides what one verification reports.
#[derive(Clone, Debug)]
pub struct Settings {
    pub profile: Profile,
    /// Rules to run; `None` runs every rule of the profile.
    pub select: Option<BTreeSet<Rule>>,
    /// Rules not to run, whatever the profile and `select` say.
    pub ignore: BTreeSet<Rule>,
    /// Names the host provides as globals.
    pub grants: BTreeSet<String>,
    /// Modules that may be imported.
    pub allowed_modules: BTreeSet<String>,
    pub target_version: PythonVersion,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: Profile::default(),
            select: None,
            ignore: BTreeSet::new(),
            grants: BTreeSet::new(),
            allowed_modules: DEFAULT_ALLOWED_MODULES
                .iter()
                .map(|m| (*m).to_string())
                .collect(),
            target_version: PythonVersion::PY313,
        }
    }
}

impl Settings {
    /// Whether `rule` is reported under these settings. Input errors (a file that cannot be
    /// read or parsed) are always reported: ignoring them would pass code nobody checked.
    pub fn enabled(&self, rule: Rule) -> bool {
        if rule.family() == Family::Input {
            return true;
        }
        let selected = match &self.select {
            Some(select) => select.contains(&rule),
            None => self.profile.includes(rule),
        };
        selected && !self.ignore.contains(&rule)
    }

    pub fn is_module_allowed(&self, module: &str) -> bool {
        self.allowed_modules.contains(module)
    }
}
