//! The verifier and its data tables, bound for Python.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use ocapy_verifier::tables::attributes::{EdgeOn, HIDDEN_EDGES, hidden_edge};
use ocapy_verifier::tables::builtins::{Policy, builtin};
use ocapy_verifier::tables::modules::{MODULE_FACADES, REFUSED_MODULES};
use ocapy_verifier::{
    Locator, PythonVersion, Rule, Settings, Trust, check_bytes, on_verifier_stack,
    parse_target_version,
};
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};

use crate::arguments;
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

/// `verify`'s optional list of names `parameter`.
fn names(parameter: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    value
        .map(|value| arguments::strings("verify", parameter, value))
        .transpose()
}

/// The rules `selectors` name (codes, code prefixes, names or `ALL`), for `parameter`.
fn rules(parameter: &str, selectors: Vec<String>) -> PyResult<BTreeSet<Rule>> {
    let mut rules = BTreeSet::new();
    for selector in selectors {
        rules.extend(Rule::selected_by(&selector).ok_or_else(|| {
            PyValueError::new_err(format!(
                "verify(): {parameter}= names an unknown rule {selector:?} (`ocapy rule --all` \
                 lists them; a prefix such as \"OC1\", or \"ALL\", selects several)"
            ))
        })?);
    }
    Ok(rules)
}

/// The running interpreter's version, the grammar `verify` checks by default.
fn running_version(py: Python<'_>) -> PyResult<PythonVersion> {
    let info = py.version_info();
    let version = format!("{}.{}", info.major, info.minor);
    parse_target_version(&version).or_else(|_| {
        // An interpreter newer than any version ocapy knows: the newest it knows.
        Ok(*ocapy_verifier::SUPPORTED_VERSIONS
            .last()
            .expect("at least one version"))
    })
}

/// Verifies one module's source against a profile; returns its diagnostics (an empty list
/// means it passed).
///
/// ``source`` is ``str``, or ``bytes`` decoded as a file would be (BOM, coding cookie).
/// ``profile`` is ``"capability"`` (default) or ``"encapsulation"``. ``grants`` are the
/// names the host provides as globals. ``allowed_modules`` replaces the default list of
/// modules the code may import; ``extend_allowed_modules`` adds to it. ``select`` runs only
/// the rules it names instead of the profile's, ``extend_select`` adds rules, ``ignore``
/// removes them: each takes codes (``"OC101"``), code prefixes (``"OC1"``), rule names or
/// ``"ALL"``. ``target_version`` (``"3.10"`` to ``"3.14"``) is the grammar checked, by
/// default the running interpreter's.
#[pyfunction]
#[pyo3(signature = (
    source,
    *,
    filename = None,
    profile = None,
    grants = None,
    allowed_modules = None,
    extend_allowed_modules = None,
    select = None,
    extend_select = None,
    ignore = None,
    target_version = None,
),
text_signature = "(source, *, filename='<string>', profile='capability', grants=None, \
    allowed_modules=None, extend_allowed_modules=None, select=None, extend_select=None, \
    ignore=None, target_version=None)")]
#[allow(clippy::too_many_arguments)]
fn verify(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    filename: Option<&Bound<'_, PyAny>>,
    profile: Option<&Bound<'_, PyAny>>,
    grants: Option<&Bound<'_, PyAny>>,
    allowed_modules: Option<&Bound<'_, PyAny>>,
    extend_allowed_modules: Option<&Bound<'_, PyAny>>,
    select: Option<&Bound<'_, PyAny>>,
    extend_select: Option<&Bound<'_, PyAny>>,
    ignore: Option<&Bound<'_, PyAny>>,
    target_version: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Diagnostic>> {
    let bytes = arguments::source_bytes("verify", source)?;
    let filename = arguments::text_or("verify", "filename", filename, "<string>")?;
    let profile: String = arguments::extract_or(
        "verify",
        "profile",
        "\"capability\" or \"encapsulation\"",
        profile,
        "capability".to_owned(),
    )?;
    let target_version: Option<String> = target_version
        .map(|version| {
            arguments::extract(
                "verify",
                "target_version",
                "a version such as \"3.12\"",
                version,
            )
        })
        .transpose()?;
    let mut settings = Settings {
        profile: profile
            .parse()
            .map_err(|error| PyValueError::new_err(format!("verify(): profile=: {error}")))?,
        grants: names("grants", grants)?
            .unwrap_or_default()
            .into_iter()
            .collect(),
        target_version: match target_version {
            Some(version) => parse_target_version(&version).map_err(|error| {
                PyValueError::new_err(format!("verify(): target_version=: {error}"))
            })?,
            None => running_version(py)?,
        },
        ..Settings::default()
    };
    if let Some(modules) = names("allowed_modules", allowed_modules)? {
        settings.allowed_modules = modules.into_iter().collect();
    }
    let extend_modules = names("extend_allowed_modules", extend_allowed_modules)?;
    settings
        .allowed_modules
        .extend(extend_modules.unwrap_or_default());
    let extend = names("extend_select", extend_select)?;
    match (names("select", select)?, extend) {
        (None, None) => {}
        (select, extend) => {
            let mut selected = match select {
                Some(select) => rules("select", select)?,
                None => Rule::ALL
                    .iter()
                    .copied()
                    .filter(|rule| settings.profile.includes(*rule))
                    .collect(),
            };
            selected.extend(rules("extend_select", extend.unwrap_or_default())?);
            settings.select = Some(selected);
        }
    }
    settings.ignore = rules("ignore", names("ignore", ignore)?.unwrap_or_default())?;
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
///
/// The command runs on a thread of its own while this one waits with the GIL released,
/// taking it back every few milliseconds to let Python see a signal. Ctrl-C asks the run to
/// stop; the command then exits with status 130, as the Rust binary does, as soon as the run
/// has stopped or after [`ocapy_cli::INTERRUPT_GRACE`] if it is blocked (reading standard
/// input, say).
#[pyfunction]
fn main(py: Python<'_>, argv: &Bound<'_, PyAny>) -> PyResult<u8> {
    let argv = arguments::strings("main", "argv", argv)?;
    const SIGNAL_POLL: Duration = Duration::from_millis(20);
    let (done, status) = mpsc::channel();
    std::thread::Builder::new()
        .name("ocapy-command".into())
        .spawn(move || {
            let interpreter = ocapy_cli::Interpreter {
                paths: Some(&crate::paths::search_for_cli),
            };
            let _ = done.send(ocapy_cli::run_with(argv, &interpreter));
        })
        .map_err(|error| PyRuntimeError::new_err(format!("starting the command: {error}")))?;
    // Only this thread receives; the lock makes the receiver shareable with `detach`.
    let status = Mutex::new(status);
    let mut interrupted: Option<Instant> = None;
    // A signal handler's exception other than KeyboardInterrupt is raised once the run has
    // stopped.
    let mut raised = None;
    loop {
        let received = py.detach(|| {
            let status = status.lock().unwrap_or_else(|poison| poison.into_inner());
            status.recv_timeout(SIGNAL_POLL)
        });
        match received {
            Ok(status) => return raised.map_or(Ok(status), Err),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("the ocapy command failed"));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if let Some(since) = interrupted
            && since.elapsed() > ocapy_cli::INTERRUPT_GRACE
        {
            return raised.map_or(Ok(ocapy_cli::EXIT_INTERRUPTED), Err);
        }
        if let Err(error) = py.check_signals() {
            ocapy_cli::interrupt();
            interrupted.get_or_insert_with(Instant::now);
            if !error.is_instance_of::<PyKeyboardInterrupt>(py) {
                raised.get_or_insert(error);
            }
        }
    }
}

/// Source bytes decoded as the verifier decodes a file, or `None` where it refuses them. For
/// ocapy's tests, which compare it with the interpreter's own decoding.
#[pyfunction]
fn _decode_source(bytes: Vec<u8>) -> Option<String> {
    ocapy_verifier::decode(&bytes)
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// A scope as `_scope_model` describes it: label, line, parent index, each name's
/// (kind, is a parameter, class namespace searched first), and for a class the names it
/// binds that are read from its namespace.
type ScopeRow = (
    String,
    usize,
    Option<usize>,
    BTreeMap<String, (&'static str, bool, bool)>,
    BTreeSet<String>,
);

/// A name a rule trusted, as `_scope_model` describes it: the reading scope's index, the
/// mangled name, `"receiver"` or `"builtin"`, and for a builtin the `(body scope index,
/// statement index)` pairs from which on a module or class body binds the name.
type TrustedRow = (usize, String, &'static str, Vec<(usize, usize)>);

/// The verifier's resolution of every name of a module, scope by scope, and the names its
/// rules trusted, for the test that compares them with CPython's `symtable`; `None` if the
/// source does not parse.
#[pyfunction]
fn _scope_model(
    py: Python<'_>,
    source: &str,
) -> PyResult<Option<(Vec<ScopeRow>, Vec<TrustedRow>)>> {
    let settings = Settings {
        target_version: running_version(py)?,
        ..Settings::default()
    };
    let rows = on_verifier_stack(|| {
        let locator = Locator::new(source);
        ocapy_verifier::scope_report(source, &settings).map(|(scopes, trusted)| {
            let scopes = scopes
                .into_iter()
                .map(|scope| {
                    let line = locator.location(scope.start).line;
                    (
                        scope.label,
                        line,
                        scope.parent,
                        scope.names,
                        scope.class_namespace_reads,
                    )
                })
                .collect();
            let trusted = trusted
                .into_iter()
                .map(|trusted| match trusted.trust {
                    Trust::Receiver => (trusted.scope, trusted.name, "receiver", Vec::new()),
                    Trust::Builtin { bound_from } => {
                        (trusted.scope, trusted.name, "builtin", bound_from)
                    }
                })
                .collect();
            (scopes, trusted)
        })
    });
    Ok(rows)
}

/// The hidden edges of some classes only, each with the `(__module__, __qualname__)` of
/// those classes: for the test that checks each names a real class.
#[pyfunction]
fn _edges_of_some_classes() -> BTreeMap<&'static str, Vec<(&'static str, &'static str)>> {
    HIDDEN_EDGES
        .iter()
        .filter_map(|edge| match edge.on {
            EdgeOn::Only(classes) => Some((edge.name, classes.to_vec())),
            EdgeOn::Every => None,
        })
        .collect()
}

/// Whether the verifier treats attribute `name` as a hidden edge.
#[pyfunction]
fn is_hidden_edge(name: &Bound<'_, PyAny>) -> PyResult<bool> {
    let name: String =
        arguments::extract("is_hidden_edge", "name", "an attribute name (str)", name)?;
    Ok(hidden_edge(&name).is_some())
}

/// The verifier's policy for a builtin name: "allow", "tame", "deny", or None if unknown.
#[pyfunction]
fn builtin_policy(name: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let name: String =
        arguments::extract("builtin_policy", "name", "a builtin's name (str)", name)?;
    Ok(builtin(&name).map(|entry| match entry.policy {
        Policy::Allow => "allow",
        Policy::Tame => "tame",
        Policy::Deny => "deny",
    }))
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
    module.add_function(wrap_pyfunction!(_decode_source, module)?)?;
    module.add_function(wrap_pyfunction!(_scope_model, module)?)?;
    module.add_function(wrap_pyfunction!(is_hidden_edge, module)?)?;
    module.add_function(wrap_pyfunction!(_edges_of_some_classes, module)?)?;
    module.add_function(wrap_pyfunction!(builtin_policy, module)?)?;
    module.add_function(wrap_pyfunction!(module_facades, module)?)?;
    module.add_function(wrap_pyfunction!(refused_modules, module)?)?;
    module.add_function(wrap_pyfunction!(rules_markdown, module)?)?;
    Ok(())
}
