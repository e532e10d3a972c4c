//! Loading a module into a compartment: verify, compile, run in fresh globals, hand back a
//! sealed view of its public names.
//!
//! The verifier runs on a thread of its own while the interpreter compiles, and nothing runs
//! until both are done and the verifier found nothing. Everything here avoids the audited
//! builtins (`compile`, `exec`, `open`, `__import__`): a plugin's relative import loads a
//! module from inside a plugin frame, where the audit hook refuses them.

use std::ffi::{CString, c_int};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, mpsc};

use ocapy_verifier::{Settings, check_bytes, check_source, decode, parse_target_version};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyString};

use super::{Shared, audit, host, is_public_name};
use crate::verifier::diagnostics_for_python;

// From CPython's compile.h (pyo3-ffi leaves them out); stable since Python 3.0.
const PYCF_SOURCE_IS_UTF8: c_int = 0x0100;
const PYCF_IGNORE_COOKIE: c_int = 0x0800;

/// A module to load: its source, the file name in diagnostics, its `__name__` and, for a
/// module of the compartment's root, its `__package__`.
pub(crate) struct ModuleSource<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) filename: &'a str,
    pub(crate) name: &'a str,
    pub(crate) package: Option<&'a str>,
}

/// Verifies and runs `source` in the compartment; returns the module's globals.
pub(crate) fn load<'py>(
    py: Python<'py>,
    shared: &Shared,
    source: &ModuleSource<'_>,
) -> PyResult<Bound<'py, PyDict>> {
    let code_filename = format!("{}:{}", shared.name, source.filename);
    // The interpreter compiles while the verifier works; nothing runs before both are done.
    let (text, code) = verified(
        py,
        source.bytes,
        source.filename,
        shared.settings(py)?,
        |text| compile(py, text, &code_filename, Input::Module),
    )?;
    let code = code?;
    remember_source(py, &text, &code_filename)?;
    execute(py, shared, &code, source)
}

/// The text of `bytes` once the verifier, run with `settings` on its thread, found nothing
/// in it, and what `meanwhile` made of the text while it worked; else the
/// `VerificationError` that lists what it found.
pub(super) fn verified<'py, T>(
    py: Python<'py>,
    bytes: &[u8],
    filename: &str,
    settings: Settings,
    meanwhile: impl FnOnce(&str) -> T,
) -> PyResult<(Arc<str>, T)> {
    let text: Arc<str> = match decode(bytes) {
        Ok(text) => text.into(),
        Err(_) => {
            let checked = check_bytes(bytes, &settings);
            let (text, diagnostics) = (checked.text, checked.diagnostics);
            return Err(verification_error(py, &text, &diagnostics, filename));
        }
    };
    let verifying = verify_in_background(Arc::clone(&text), settings)?;
    let made = meanwhile(&text);
    let diagnostics = py
        .detach(move || verifying.recv())
        .ok()
        .flatten()
        .ok_or_else(|| PyRuntimeError::new_err("the verifier failed on this source"))?;
    if !diagnostics.is_empty() {
        return Err(verification_error(py, &text, &diagnostics, filename));
    }
    Ok((text, made))
}

/// A verification handed to the verifier thread: the source, its settings, and where the
/// diagnostics go (`None` if the verifier panicked).
type Job = (
    Arc<str>,
    Settings,
    mpsc::Sender<Option<Vec<ocapy_verifier::Diagnostic>>>,
);

static VERIFIER: Mutex<Option<mpsc::Sender<Job>>> = Mutex::new(None);

/// Starts verifying `text` on the verifier thread (with the stack the verifier needs), which
/// lives as long as the process: a thread per load would pay for its start and for fresh
/// memory every time.
fn verify_in_background(
    text: Arc<str>,
    settings: Settings,
) -> PyResult<mpsc::Receiver<Option<Vec<ocapy_verifier::Diagnostic>>>> {
    let (reply, answer) = mpsc::channel();
    let mut verifier = VERIFIER.lock().unwrap_or_else(|poison| poison.into_inner());
    let mut job = (text, settings, reply);
    for _ in 0..2 {
        let sender = match verifier.as_ref() {
            Some(sender) => sender.clone(),
            None => {
                let (sender, jobs) = mpsc::channel::<Job>();
                std::thread::Builder::new()
                    .name("ocapy-verifier".into())
                    .stack_size(ocapy_verifier::STACK_SIZE)
                    .spawn(move || {
                        for (text, settings, reply) in jobs {
                            let checked = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                check_source(&text, &settings)
                            }));
                            let _ = reply.send(checked.ok());
                        }
                    })
                    .map_err(|error| {
                        PyRuntimeError::new_err(format!(
                            "cannot start the verifier thread: {error}"
                        ))
                    })?;
                *verifier = Some(sender.clone());
                sender
            }
        };
        match sender.send(job) {
            Ok(()) => return Ok(answer),
            // The thread is gone: start another.
            Err(mpsc::SendError(returned)) => {
                job = returned;
                *verifier = None;
            }
        }
    }
    Err(PyRuntimeError::new_err(
        "the verifier thread does not start",
    ))
}

/// Runs `source` in the compartment without verifying it. For tests only: it shows what the
/// runtime stops on its own.
pub(crate) fn load_unverified<'py>(
    py: Python<'py>,
    shared: &Shared,
    source: &ModuleSource<'_>,
) -> PyResult<Bound<'py, PyDict>> {
    let text: Arc<str> = std::str::from_utf8(source.bytes)
        .map_err(|error| PyValueError::new_err(format!("source is not UTF-8: {error}")))?
        .into();
    let code_filename = format!("{}:{}", shared.name, source.filename);
    let code = compile(py, &text, &code_filename, Input::Module)?;
    remember_source(py, &text, &code_filename)?;
    execute(py, shared, &code, source)
}

fn verification_error(
    py: Python<'_>,
    text: &str,
    diagnostics: &[ocapy_verifier::Diagnostic],
    filename: &str,
) -> PyErr {
    let diagnostics = diagnostics_for_python(text, diagnostics, filename);
    match host(py).and_then(|host| host.verification_error.bind(py).call1((diagnostics,))) {
        Ok(error) => PyErr::from_value(error),
        Err(error) => error,
    }
}

/// What source text compiles as.
#[derive(Clone, Copy)]
pub(super) enum Input {
    /// Statements: a module, or a snippet.
    Module,
    /// One expression, whose value running the code returns.
    Expression,
}

/// Compiles through the C API: `builtins.compile` raises an audit event.
pub(super) fn compile<'py>(
    py: Python<'py>,
    text: &str,
    filename: &str,
    input: Input,
) -> PyResult<Bound<'py, PyAny>> {
    let text = CString::new(text)
        .map_err(|_| PyValueError::new_err("source code cannot contain null bytes"))?;
    let c_filename = CString::new(filename)
        .map_err(|_| PyValueError::new_err("a file name cannot contain null bytes"))?;
    // The text is decoded already: a coding cookie in it must not decode it again.
    let mut flags = ffi::PyCompilerFlags {
        cf_flags: PYCF_SOURCE_IS_UTF8 | PYCF_IGNORE_COOKIE,
        cf_feature_version: py.version_info().minor.into(),
    };
    // SAFETY: NUL-terminated strings and flags that outlive the call; the flags inherit no
    // future features.
    let code = audit::compiling(filename, || unsafe {
        ffi::Py_CompileStringExFlags(
            text.as_ptr(),
            c_filename.as_ptr(),
            match input {
                Input::Module => ffi::Py_file_input,
                Input::Expression => ffi::Py_eval_input,
            },
            &mut flags,
            -1,
        )
    });
    // SAFETY: a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, code) }
}

/// Lets tracebacks show the plugin's lines, under the file name its code carries: a lazy
/// `linecache` entry, which reads the text only when a traceback is printed.
pub(super) fn remember_source(
    py: Python<'_>,
    text: &Arc<str>,
    code_filename: &str,
) -> PyResult<()> {
    let text = Arc::clone(text);
    let source =
        PyCFunction::new_closure(py, None, None, move |_, _| -> String { text.to_string() })?;
    host(py)?
        .linecache
        .bind(py)
        .set_item(code_filename, (source,))
}

/// Fresh globals of a module of the compartment named `name`, running with `builtins`: its
/// grants, registered as the compartment's.
pub(super) fn module_globals<'py>(
    shared: &Shared,
    name: &str,
    builtins: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyDict>> {
    let py = builtins.py();
    let globals = PyDict::new(py);
    globals.set_item("__name__", name)?;
    globals.set_item("__builtins__", builtins)?;
    globals.update(shared.grants.bind(py).as_mapping())?;
    audit::register(&globals, &shared.name)?;
    Ok(globals)
}

/// Runs `code` in `globals`; returns what it evaluates to (None for a module).
pub(super) fn run_code<'py>(
    code: &Bound<'py, PyAny>,
    globals: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: a code object and a dict, both live; returns a new reference or NULL with an
    // exception set. PyEval_EvalCode raises no audit event (the `exec` builtin does).
    unsafe {
        let result = ffi::PyEval_EvalCode(code.as_ptr(), globals.as_ptr(), globals.as_ptr());
        Bound::from_owned_ptr_or_err(globals.py(), result)
    }
}

fn execute<'py>(
    py: Python<'py>,
    shared: &Shared,
    code: &Bound<'py, PyAny>,
    source: &ModuleSource<'_>,
) -> PyResult<Bound<'py, PyDict>> {
    let globals = module_globals(shared, source.name, shared.builtins(py)?)?;
    if let Some(package) = source.package {
        globals.set_item("__package__", package)?;
    }
    // A module of the root is importable while it runs, as in `sys.modules`: its own
    // submodules import it back, and an import cycle sees it partly initialised.
    let loaded = shared.loaded.bind(py);
    if source.package.is_some() {
        loaded.set_item(source.name, &globals)?;
    }
    let result = run_code(code, &globals);
    if result.is_err() && source.package.is_some() {
        loaded.del_item(source.name)?;
    }
    result.map(|_| globals)
}

/// A module's public globals, minus the grants it was given (the host has those).
pub(crate) fn public_members<'py>(
    shared: &Shared,
    globals: &Bound<'py, PyDict>,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let grants = shared.grants.bind(globals.py());
    let mut members = Vec::new();
    for (name, value) in globals.iter() {
        let Ok(name) = name.cast_into::<PyString>() else {
            continue;
        };
        if !name.call_method0("isidentifier")?.is_truthy()? {
            continue;
        }
        let name = name.to_str()?.to_owned();
        if !is_public_name(&name) {
            continue;
        }
        if grants
            .get_item(&name)?
            .is_some_and(|granted| granted.is(&value))
        {
            continue;
        }
        members.push((name, value));
    }
    Ok(members)
}

impl Shared {
    /// The verifier settings for this compartment's modules: its grants, its module map and
    /// the modules of its root, for the running interpreter's grammar.
    pub(super) fn settings(&self, py: Python<'_>) -> PyResult<Settings> {
        let version = py.version_info();
        let version = format!("{}.{}", version.major, version.minor);
        let target_version = parse_target_version(&version).map_err(PyValueError::new_err)?;
        let mut allowed_modules: std::collections::BTreeSet<String> = self
            .modules
            .bind(py)
            .keys()
            .extract::<Vec<String>>()?
            .into_iter()
            .collect();
        allowed_modules.extend(self.root_modules());
        Ok(Settings {
            grants: self
                .grants
                .bind(py)
                .keys()
                .extract::<Vec<String>>()?
                .into_iter()
                .collect(),
            allowed_modules,
            target_version,
            ..Settings::default()
        })
    }
}
