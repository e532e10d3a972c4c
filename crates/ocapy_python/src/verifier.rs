//! The verifier and its data tables, bound for Python.

use std::collections::BTreeMap;

use ocapy_verifier::tables::attributes::hidden_edge;
use ocapy_verifier::tables::builtins::{Policy, builtin};
use ocapy_verifier::tables::modules::{MODULE_FACADES, REFUSED_MODULES};
use ocapy_verifier::{Locator, Settings, check_bytes, on_verifier_stack, parse_target_version};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// One violation found by the verifier.
#[pyclass(frozen, eq, module = "ocapy")]
#[derive(Clone, PartialEq)]
pub(crate) struct Diagnostic {
    /// The rule's code, e.g. "OC101".
    #[pyo3(get)]
    code: &'static str,
    /// The rule's name, e.g. "private-attribute".
    #[pyo3(get)]
    name: &'static str,
    #[pyo3(get)]
    message: String,
    #[pyo3(get)]
    filename: String,
    /// 1-based line of the start.
    #[pyo3(get)]
    line: usize,
    /// 1-based column of the start, in characters.
    #[pyo3(get)]
    column: usize,
    #[pyo3(get)]
    end_line: usize,
    #[pyo3(get)]
    end_column: usize,
}

#[pymethods]
impl Diagnostic {
    fn __repr__(&self) -> String {
        format!(
            "<Diagnostic {} {}:{}:{}: {}>",
            self.code, self.filename, self.line, self.column, self.message
        )
    }

    fn __str__(&self) -> String {
        format!(
            "{}:{}:{}: {} {}",
            self.filename, self.line, self.column, self.code, self.message
        )
    }
}

/// Source text or bytes: bytes are decoded as the file they would be (coding cookie, BOM).
#[derive(FromPyObject)]
enum Source {
    Text(String),
    Bytes(Vec<u8>),
}

#[pyfunction]
#[pyo3(signature = (source, *, filename = "<string>".to_string(), profile = "capability", grants = Vec::new(), allowed_modules = None, target_version = None))]
fn verify(
    py: Python<'_>,
    source: Source,
    filename: String,
    profile: &str,
    grants: Vec<String>,
    allowed_modules: Option<Vec<String>>,
    target_version: Option<&str>,
) -> PyResult<Vec<Diagnostic>> {
    let mut settings = Settings {
        profile: profile.parse().map_err(PyValueError::new_err)?,
        grants: grants.into_iter().collect(),
        ..Settings::default()
    };
    if let Some(modules) = allowed_modules {
        settings.allowed_modules = modules.into_iter().collect();
    }
    if let Some(version) = target_version {
        settings.target_version = parse_target_version(version).map_err(PyValueError::new_err)?;
    }
    let bytes = match source {
        Source::Text(text) => text.into_bytes(),
        Source::Bytes(bytes) => bytes,
    };
    Ok(py.detach(|| {
        on_verifier_stack(|| {
            let checked = check_bytes(&bytes, &settings);
            diagnostics_for_python(&checked.text, &checked.diagnostics, &filename)
        })
    }))
}

/// The verifier's diagnostics of `text`, with 1-based lines and character columns.
pub(crate) fn diagnostics_for_python(
    text: &str,
    diagnostics: &[ocapy_verifier::Diagnostic],
    filename: &str,
) -> Vec<Diagnostic> {
    let locator = Locator::new(text);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let start = locator.location(diagnostic.range.start());
            let end = locator.location(diagnostic.range.end());
            Diagnostic {
                code: diagnostic.rule.code(),
                name: diagnostic.rule.name(),
                message: diagnostic.message.clone(),
                filename: filename.to_owned(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
            }
        })
        .collect()
}

/// Runs the `ocapy` command line with `argv` (program name first); returns the exit status.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    let interpreter = ocapy_cli::Interpreter {
        paths: Some(&crate::paths::search_for_cli),
    };
    py.detach(|| ocapy_cli::run_with(argv, &interpreter))
}

/// Whether the verifier treats attribute `name` as a hidden edge.
#[pyfunction]
fn is_hidden_edge(name: &str) -> bool {
    hidden_edge(name).is_some()
}

/// The verifier's policy for a builtin name: "allow", "tame", "deny", or None if unknown.
#[pyfunction]
fn builtin_policy(name: &str) -> Option<&'static str> {
    builtin(name).map(|entry| match entry.policy {
        Policy::Allow => "allow",
        Policy::Tame => "tame",
        Policy::Deny => "deny",
    })
}

/// Each module with a facade: every name it exports, with its reason.
#[pyfunction]
fn module_facades() -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    MODULE_FACADES
        .iter()
        .map(|facade| {
            let exports = facade
                .exports
                .iter()
                .map(|export| (export.name, export.reason));
            (facade.module, exports.collect())
        })
        .collect()
}

/// Each module refused by default, and why.
#[pyfunction]
fn refused_modules() -> BTreeMap<&'static str, &'static str> {
    REFUSED_MODULES
        .iter()
        .map(|refused| (refused.module, refused.reason))
        .collect()
}

/// The rules page (`ocapy rule --all`).
#[pyfunction]
fn rules_markdown() -> String {
    ocapy_cli::rules_markdown()
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Diagnostic>()?;
    module.add_function(wrap_pyfunction!(verify, module)?)?;
    module.add_function(wrap_pyfunction!(main, module)?)?;
    module.add_function(wrap_pyfunction!(is_hidden_edge, module)?)?;
    module.add_function(wrap_pyfunction!(builtin_policy, module)?)?;
    module.add_function(wrap_pyfunction!(module_facades, module)?)?;
    module.add_function(wrap_pyfunction!(refused_modules, module)?)?;
    module.add_function(wrap_pyfunction!(rules_markdown, module)?)?;
    Ok(())
}
