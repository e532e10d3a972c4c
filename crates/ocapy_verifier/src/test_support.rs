//! Helpers for the rules' tests: check a snippet, look at the codes.

use crate::{Diagnostic, Settings, check_source, on_verifier_stack};

pub fn check(source: &str) -> Vec<Diagnostic> {
    check_with(source, &Settings::default())
}

pub fn check_with(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    on_verifier_stack(|| check_source(source, settings))
}

/// The codes found, sorted.
pub fn codes(source: &str) -> Vec<&'static str> {
    codes_with(source, &Settings::default())
}

pub fn codes_with(source: &str, settings: &Settings) -> Vec<&'static str> {
    let mut codes: Vec<_> = check_with(source, settings)
        .iter()
        .map(|diagnostic| diagnostic.rule.code())
        .collect();
    codes.sort_unstable();
    codes
}

#[track_caller]
pub fn assert_clean(source: &str) {
    let diagnostics = check(source);
    assert!(
        diagnostics.is_empty(),
        "expected no diagnostics, got {diagnostics:#?}"
    );
}
