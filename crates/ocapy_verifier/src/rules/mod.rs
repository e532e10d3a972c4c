//! The rules, grouped by family. Each file holds its rules' documentation and checks; the
//! traversal in `checker.rs` calls them at the syntax they concern.

pub mod classes;
pub mod hidden_edges;
pub mod imports;
pub mod input;
pub mod names;
pub mod private_access;
pub mod reflection;
pub mod sealed;

use crate::Profile;

/// `_x`, `__x`, `__x__`: every name with a leading underscore is private to its object.
pub fn is_private(name: &str) -> bool {
    name.starts_with('_')
}

/// Whether `name` is private to its object under `profile`. For distrusted code, every name
/// with a leading underscore: dunders reach the interpreter's machinery. For a team's own
/// code, dunders are public protocol (`x.__len__()`, `f.__doc__ = ...`), as PEP 8, ruff's
/// SLF001 and pylint's protected-access have it, but `__dict__`, which hands out every
/// member of the object by string.
pub fn is_private_in(profile: Profile, name: &str) -> bool {
    is_private(name) && (profile == Profile::Capability || !is_dunder(name) || name == "__dict__")
}

/// `__x__`.
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// `_x_`: the names of enum's protocol (`_missing_`, `_generate_next_value_`), which enum
/// calls through the class.
pub fn is_sunder(name: &str) -> bool {
    name.len() > 2
        && name.starts_with('_')
        && name.ends_with('_')
        && !name.starts_with("__")
        && !name.ends_with("__")
}
