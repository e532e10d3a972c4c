//! Sessions: snippets run one after another in the same globals, as a REPL runs them.
//!
//! Each snippet is verified with the names earlier snippets bound known to the verifier
//! (as grants: it knows nothing of their values), and runs only if it verifies. Its result
//! carries the value of its last expression statement, crossed into the host, and what it
//! printed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ocapy_verifier::{on_verifier_stack, trailing_expression};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyString};
use pyo3::{PyTraverseError, PyVisit};

use super::builtins::TamedPrint;
use super::loader::{self, Input};
use super::{Shared, audit, is_public_name};
use crate::arguments;
use crate::membrane::{self, Crossing};

/// `Compartment.session()`: the compartment's code, run snippet by snippet.
#[pyclass(frozen, module = "ocapy", name = "Session")]
pub(crate) struct Session {
    shared: Arc<Shared>,
    globals: Py<PyDict>,
    /// What the snippet running now has printed.
    printed: Arc<Mutex<String>>,
    snippets: AtomicUsize,
}

impl Session {
    pub(crate) fn new(py: Python<'_>, shared: Arc<Shared>) -> PyResult<Self> {
        let printed = Arc::new(Mutex::new(String::new()));
        let sink = {
            let printed = Arc::clone(&printed);
            PyCFunction::new_closure(py, None, None, move |args, _| -> PyResult<()> {
                let line: String = args.get_item(0)?.extract()?;
                let mut printed = printed.lock().unwrap_or_else(PoisonError::into_inner);
                printed.push_str(&line);
                printed.push('\n');
                Ok(())
            })?
        };
        // The compartment's builtins, but `print`, which writes to this session.
        let builtins = shared.builtins(py)?.copy()?;
        let print = TamedPrint::new(Some(sink.into_any().unbind()), shared.id);
        builtins.set_item("print", Bound::new(py, print)?)?;
        audit::register(&builtins, &shared.name)?;
        let globals = loader::module_globals(&shared, "__session__", &builtins)?;
        Ok(Session {
            shared,
            globals: globals.unbind(),
            printed,
            snippets: AtomicUsize::new(0),
        })
    }
}

#[pymethods]
impl Session {
    /// Verifies `source` with the names earlier snippets bound known, and runs it if it
    /// verifies (else nothing runs, and the session is as it was); returns a `RunResult`.
    #[pyo3(signature = (source, *, filename = None))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        filename: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<RunResult> {
        let number = self.snippets.fetch_add(1, Ordering::Relaxed) + 1;
        let bytes = arguments::source_bytes("Session.run", source)?;
        let filename = arguments::text_or(
            "Session.run",
            "filename",
            filename,
            &format!("<snippet {number}>"),
        )?;
        let globals = self.globals.bind(py);
        let mut settings = self.shared.settings(py)?;
        for name in globals.keys() {
            if let Ok(name) = name.cast::<PyString>() {
                let name = name.to_str()?;
                if is_public_name(name) {
                    settings.grants.insert(name.to_owned());
                }
            }
        }
        let (text, ()) = loader::verified(py, &bytes, &filename, settings, |_| ())?;
        let code_filename = format!("{}:{}", self.shared.name, filename);
        let owned = Arc::clone(&text);
        let shown = py.detach(|| on_verifier_stack(move || trailing_expression(&owned)));
        let (statements, expression) = split_at_trailing_expression(&text, shown);
        let statements = loader::compile(py, &statements, &code_filename, Input::Module)?;
        let expression = expression
            .map(|expression| loader::compile(py, &expression, &code_filename, Input::Expression))
            .transpose()?;
        loader::remember_source(py, &text, &code_filename)?;
        self.printed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        loader::run_code(&statements, globals)?;
        let value = match expression {
            Some(expression) => loader::run_code(&expression, globals)?,
            None => py.None().into_bound(py),
        };
        let output =
            std::mem::take(&mut *self.printed.lock().unwrap_or_else(PoisonError::into_inner));
        Ok(RunResult {
            value: membrane::into_host(&value, Crossing::Result, self.shared.id)?.unbind(),
            output,
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.globals)
    }

    fn __repr__(&self) -> String {
        format!("<ocapy.Session of compartment {:?}>", self.shared.name)
    }
}

/// `text` as the statements before its trailing expression statement and that expression,
/// padded so that both compile with their lines and columns: blank lines before, and for an
/// expression after others on its line (`x = 1; x`), an opening parenthesis and spaces.
fn split_at_trailing_expression(
    text: &str,
    expression: Option<std::ops::Range<usize>>,
) -> (String, Option<String>) {
    let Some(range) = expression.filter(|range| text.get(range.clone()).is_some()) else {
        return (text.to_owned(), None);
    };
    let before = &text[..range.start];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let mut padded = "\n".repeat(before.matches('\n').count());
    let column = before[line_start..].chars().count();
    if column == 0 {
        padded.push_str(&text[range]);
    } else {
        // An expression to evaluate may not start indented, but may inside parentheses.
        padded.push('(');
        padded.push_str(&" ".repeat(column - 1));
        padded.push_str(&text[range]);
        padded.push_str("\n)");
    }
    (before.to_owned(), Some(padded))
}

/// What a snippet gave: the value of its last expression statement (None if it ended with
/// another statement), as the host receives plugin results, and what it printed.
#[pyclass(frozen, module = "ocapy", name = "RunResult")]
pub(crate) struct RunResult {
    #[pyo3(get)]
    value: Py<PyAny>,
    #[pyo3(get)]
    output: String,
}

#[pymethods]
impl RunResult {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.value)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "RunResult(value={}, output={})",
            self.value.bind(py).repr()?,
            PyString::new(py, &self.output).repr()?
        ))
    }
}
