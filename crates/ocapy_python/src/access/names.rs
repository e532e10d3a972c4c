//! Which attribute names are private, and to whom.

/// Protocol names (`__init__`, `__dict__`) are Python's, not a class's: never checked.
pub(super) fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// A name a class keeps to itself (`__x`, mangled to `_A__x`) or to itself and its
/// subclasses (`_x`).
pub(super) fn is_private(name: &str) -> bool {
    name.starts_with('_') && !is_dunder(name)
}

/// What the compiler turns `__x` into inside class `class_name`: `_A__x`. Classes whose
/// name is all underscores mangle nothing, and neither do names that end in `__`.
pub(super) fn mangle(class_name: &str, name: &str) -> String {
    let stripped = class_name.trim_start_matches('_');
    if !name.starts_with("__") || name.ends_with("__") || stripped.is_empty() {
        return name.to_owned();
    }
    format!("_{stripped}{name}")
}

/// The prefix of every name mangled in class `class_name` (`_A__`), if it mangles names.
pub(super) fn private_prefix(class_name: &str) -> Option<String> {
    let stripped = class_name.trim_start_matches('_');
    (!stripped.is_empty()).then(|| format!("_{stripped}__"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dunders_are_protocol_and_underscores_private() {
        assert!(is_dunder("__init__"));
        assert!(!is_dunder("____"));
        assert!(is_private("_x"));
        assert!(is_private("_A__x"));
        assert!(is_private("__x"));
        assert!(!is_private("__dict__"));
        assert!(!is_private("x"));
    }

    #[test]
    fn mangling_follows_the_compiler() {
        assert_eq!(mangle("A", "__x"), "_A__x");
        assert_eq!(mangle("__A", "__x"), "_A__x");
        assert_eq!(mangle("___", "__x"), "__x");
        assert_eq!(mangle("A", "_x"), "_x");
        assert_eq!(mangle("A", "__x__"), "__x__");
        assert_eq!(private_prefix("_A").as_deref(), Some("_A__"));
        assert_eq!(private_prefix("__"), None);
    }
}
