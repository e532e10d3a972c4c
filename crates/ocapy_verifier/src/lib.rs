//! The ocapy verifier: a static checker for a capability-safe subset of Python 3.
//!
//! [`check_source`] parses one module and runs every rule the [`Settings`] select; the
//! tables in [`tables`] are the data the rules (and ocapy's runtime) share.

mod checker;
mod diagnostic;
mod limits;
mod rule;
pub mod rules;
pub mod semantic;
mod semantic_syntax;
mod settings;
mod source;
mod suppression;
pub mod tables;
#[cfg(test)]
mod test_support;

use std::borrow::Cow;

use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};
use ruff_text_size::{Ranged, TextRange};

pub use checker::{Trust, Trusted};
pub use diagnostic::{Diagnostic, Location, Locator};
pub use ruff_python_ast::PythonVersion;
pub use rule::{Family, Rule, RuleDoc};
pub use settings::{Profile, SUPPORTED_VERSIONS, Settings, parse_target_version};
pub use source::decode;

use crate::checker::Checker;
use crate::semantic::SemanticModel;

/// Identifies this build of the verifier: it changes whenever the verifier's code or its
/// dependencies' versions do (see `build.rs`), unlike the version number, so results kept
/// from one build are never taken for another's.
pub const BUILD_FINGERPRINT: &str = env!("OCAPY_VERIFIER_FINGERPRINT");

/// The stack the verifier needs for the deepest source the nesting limits let through.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Verifies one module's source text. The diagnostics are sorted by position.
///
/// Recursion is bounded by the nesting limits; call this on a thread with [`STACK_SIZE`] of stack
/// (see [`on_verifier_stack`]).
pub fn check_source(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    if let Err(diagnostic) = limits::check_before_parsing(source) {
        return vec![diagnostic];
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(settings.target_version);
    let parsed = parse_unchecked(source, options);
    if let Err(diagnostic) = limits::check_parsed(parsed.tokens()) {
        return vec![diagnostic];
    }
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors()
        .iter()
        .map(|error| Diagnostic::new(Rule::SyntaxError, error.error.to_string(), error.location))
        .chain(
            parsed
                .unsupported_syntax_errors()
                .iter()
                .map(|error| Diagnostic::new(Rule::SyntaxError, error.to_string(), error.range())),
        )
        .collect();
    // Rules run only on trees that parsed: a tree repaired around an error is not the
    // program the interpreter would refuse, and the file fails anyway.
    if diagnostics.is_empty() {
        let module = parsed
            .syntax()
            .as_module()
            .expect("module mode parses a module");
        if let Err(diagnostic) = limits::check_compiler_depth(module, settings.target_version) {
            return vec![diagnostic];
        }
        let model = SemanticModel::build(module);
        let mut checker = Checker::new(settings, model, source);
        checker.check_module(module);
        diagnostics = checker.into_diagnostics();
        if settings.profile == Profile::Encapsulation {
            suppression::apply(source, parsed.tokens(), &mut diagnostics);
        }
    }
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.rule));
    diagnostics
}

/// A source file's bytes checked: its decoded text (lossily, when it could not be decoded,
/// for showing snippets) and its diagnostics.
pub struct CheckedSource<'a> {
    pub text: Cow<'a, str>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A module's scopes as the verifier resolves their names, and the names its rules trusted,
/// for the test that compares them with CPython's `symtable`: `None` when the source does
/// not parse. Each scope is its label, its line, its parent's index and its names (see
/// [`semantic::ScopeReport`]).
pub fn scope_report(
    source: &str,
    settings: &Settings,
) -> Option<(Vec<semantic::ScopeReport>, Vec<Trusted>)> {
    let options = ParseOptions::from(Mode::Module).with_target_version(settings.target_version);
    let parsed = parse_unchecked(source, options);
    if !parsed.errors().is_empty() || !parsed.unsupported_syntax_errors().is_empty() {
        return None;
    }
    let module = parsed.syntax().as_module()?;
    let model = SemanticModel::build(module);
    let scopes = model.report();
    let mut checker = Checker::new(settings, model, source);
    checker.check_module(module);
    Some((scopes, checker.into_trusted()))
}

/// Decodes and verifies a source file's bytes.
pub fn check_bytes<'a>(bytes: &'a [u8], settings: &Settings) -> CheckedSource<'a> {
    match decode(bytes) {
        Ok(text) => {
            let diagnostics = check_source(&text, settings);
            CheckedSource { text, diagnostics }
        }
        Err(diagnostic) => {
            let text = lossy(bytes);
            let diagnostic = clamp(diagnostic, &text);
            CheckedSource {
                text,
                diagnostics: vec![diagnostic],
            }
        }
    }
}

/// A source file's text as diagnostics point into it: decoded, or, for a file that cannot
/// be decoded, shown lossily after its byte-order mark (where decoding errors count from).
pub fn shown_text(bytes: &[u8]) -> Cow<'_, str> {
    decode(bytes).unwrap_or_else(|_| lossy(bytes))
}

fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes.strip_prefix(source::UTF8_BOM).unwrap_or(bytes))
}

/// Keeps an undecodable file's diagnostic inside its lossily decoded text, on character
/// boundaries: a replacement character stands for a different number of bytes than the one
/// it replaces, so an offset past it may fall inside one.
fn clamp(mut diagnostic: Diagnostic, text: &str) -> Diagnostic {
    let fits = |offset: ruff_text_size::TextSize| text.is_char_boundary(usize::from(offset));
    if !fits(diagnostic.range.start()) || !fits(diagnostic.range.end()) {
        diagnostic.range = TextRange::default();
    }
    diagnostic
}

/// The byte range of the last statement of `source` when it is an expression statement: the
/// value a REPL shows. None when there is none, or the source does not parse. Parse on a
/// thread with [`STACK_SIZE`] of stack, as [`check_source`] does.
pub fn trailing_expression(source: &str) -> Option<std::ops::Range<usize>> {
    let parsed = ruff_python_parser::parse_module(source).ok()?;
    match parsed.syntax().body.last()? {
        ruff_python_ast::Stmt::Expr(statement) => {
            Some(statement.range.start().to_usize()..statement.range.end().to_usize())
        }
        _ => None,
    }
}

/// Runs `work` on a thread with the stack the verifier needs, and returns its result.
pub fn on_verifier_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("ocapy-verifier".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, work)
            .expect("spawning the verifier thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undecodable files are shown lossily; their diagnostic must still point at a place
    /// in that text (found by fuzzing: a byte-order mark shifted every offset into it).
    #[test]
    fn undecodable_files_point_inside_their_shown_text() {
        for bytes in [
            &b"\xef\xbb\xbfx = '\xff'\n"[..],
            b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
            b"\xef\xbb\xbf#\xff",
            b"# coding: latin-1\nx = '\xe9\xe9'\0\n",
            b"# coding: ascii\n\xff\xff",
        ] {
            let checked = check_bytes(bytes, &Settings::default());
            let [diagnostic] = checked.diagnostics.as_slice() else {
                panic!(
                    "one diagnostic for {bytes:?}, got {:?}",
                    checked.diagnostics
                );
            };
            assert_eq!(diagnostic.rule, Rule::UnreadableSource);
            let locator = Locator::new(&checked.text);
            locator.location(diagnostic.range.start());
            locator.location(diagnostic.range.end());
        }
    }
}
