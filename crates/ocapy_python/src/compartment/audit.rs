//! The backstop: a process-wide PEP 578 audit hook that refuses audited operations whose
//! innermost Python frame is compartment code.
//!
//! A frame is compartment code when its builtins dict is a compartment's builtins or its
//! globals dict is the namespace of a module a compartment loaded. Both are checked: code
//! that (unverified) rebinds `__builtins__` in its globals gets functions with other builtins,
//! but it cannot give them other globals without `exec`, which is itself audited.
//!
//! Host functions a plugin calls run in host frames and keep their authority: that is the
//! capability model. So does a C function a host grants raw (`open`, `time.sleep` ...) not:
//! it has no frame, its caller is the plugin, and its event is refused. A host grants such
//! authority through a function of its own.

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::{Arc, Once, RwLock};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{AddressMap, CapabilityError};

/// Audited events compartment code may raise; every other event is refused (fail closed).
///
/// `object.__setattr__` and `object.__delattr__` are not among them: CPython raises them only
/// for the special attributes whose change rewrites an object (`__code__`, `__defaults__`,
/// `__class__`, a class's `__name__`, `__bases__` ...), never for an ordinary class attribute
/// (`C.count = 0` raises no event). Class writes are the compartment metaclass's business.
const ALLOWED_EVENTS: &[&str] = &[
    // Reporting, not acting: an exception escaping a `__del__` or a thread.
    "sys.excepthook",
    "sys.unraisablehook",
    // Waiting through a sleep function the host granted.
    "time.sleep",
];

/// The compartment (its name, for messages) of each registered dict, by address.
type Registry = AddressMap<usize, Arc<str>>;

static REGISTRY: RwLock<Option<Registry>> = RwLock::new(None);
static INSTALL: Once = Once::new();

/// The key under which a registered dict holds its [`Registration`]: private and not an
/// identifier, so no name in source reaches it and no listing shows it.
const REGISTRATION_KEY: &str = "_ocapy compartment";

/// Held by a registered dict, and by nothing else: when the dict goes, so does its entry.
/// The entry is removed while the dict is being freed, before its address can serve another
/// dict, and the registry keeps nothing alive, so compartments and their modules are
/// collected as usual.
#[pyclass(frozen, module = "ocapy", name = "registration")]
struct Registration {
    address: usize,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut registry = REGISTRY
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(registry) = registry.as_mut() {
            registry.remove(&self.address);
        }
    }
}

thread_local! {
    /// The file name of the module the compartment itself is compiling on this thread, for a
    /// plugin's import: the compile is ocapy's, although the innermost Python frame is the
    /// plugin's. Only that one `compile` event is let through: a finalizer of plugin code
    /// that runs during the compile is watched as ever.
    static COMPILING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `compile`, which compiles the module called `filename`, with its `compile` event let
/// through.
pub(crate) fn compiling<T>(filename: &str, compile: impl FnOnce() -> T) -> T {
    let outer = COMPILING.with(|current| current.replace(Some(filename.to_owned())));
    let result = compile();
    COMPILING.with(|current| current.replace(outer));
    result
}

/// Whether the event is the compile of the module [`compiling`] announced.
fn is_our_compile(event: &str, args: &Bound<'_, PyAny>) -> bool {
    event == "compile"
        && COMPILING.with(|current| {
            let current = current.borrow();
            let Some(expected) = current.as_deref() else {
                return false;
            };
            // ("compile", (source, filename))
            args.get_item(1)
                .ok()
                .and_then(|filename| filename.extract::<String>().ok())
                .is_some_and(|filename| filename == expected)
        })
}

unsafe extern "C" {
    fn PySys_AddAuditHook(
        hook: unsafe extern "C" fn(*const c_char, *mut ffi::PyObject, *mut c_void) -> c_int,
        user_data: *mut c_void,
    ) -> c_int;
}

/// Registers `dict`, a compartment's builtins or a loaded module's globals, as compartment
/// code's, until it is freed. Code that can reach the dict itself (unverified code reading
/// `__builtins__` or `__globals__`) could delete the registration; the verifier rejects both.
pub(crate) fn register(dict: &Bound<'_, PyDict>, compartment: &str) -> PyResult<()> {
    install(dict.py())?;
    let address = dict.as_ptr() as usize;
    REGISTRY
        .write()
        .unwrap_or_else(|poison| poison.into_inner())
        .get_or_insert_with(Registry::default)
        .insert(address, compartment.into());
    dict.set_item(REGISTRATION_KEY, Registration { address })
}

fn install(py: Python<'_>) -> PyResult<()> {
    let mut result = Ok(());
    INSTALL.call_once(|| {
        // SAFETY: `hook` has the signature PEP 578 requires and needs no user data; the
        // GIL is held, as PySys_AddAuditHook requires.
        let status = unsafe { PySys_AddAuditHook(hook, std::ptr::null_mut()) };
        if status != 0 {
            result = Err(PyErr::take(py).unwrap_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("could not install the audit hook")
            }));
        }
    });
    result
}

/// Whether the innermost Python frame is compartment code.
pub(super) fn compartment_code_is_running() -> bool {
    innermost_compartment().is_some()
}

/// The compartment whose builtins the innermost Python frame runs with, if any: its
/// registration's own `Arc`, which no other dict's registration shares.
pub(super) fn builtins_compartment() -> Option<Arc<str>> {
    let registry = REGISTRY.read().unwrap_or_else(|poison| poison.into_inner());
    // SAFETY: the GIL is held; a borrowed reference only compared as an address.
    let builtins = unsafe { ffi::PyEval_GetBuiltins() };
    registry.as_ref()?.get(&(builtins as usize)).map(Arc::clone)
}

/// The compartment whose code runs in the innermost Python frame, if any.
fn innermost_compartment() -> Option<Arc<str>> {
    let registry = REGISTRY.read().unwrap_or_else(|poison| poison.into_inner());
    let registry = registry.as_ref()?;
    // SAFETY: called from the audit hook, with the GIL held. Both return borrowed references
    // (builtins: the interpreter's when no frame runs; globals: NULL when no frame runs) that
    // are only compared as addresses.
    let (builtins, globals) = unsafe { (ffi::PyEval_GetBuiltins(), ffi::PyEval_GetGlobals()) };
    registry
        .get(&(builtins as usize))
        .or_else(|| registry.get(&(globals as usize)))
        .map(Arc::clone)
}

unsafe extern "C" fn hook(event: *const c_char, args: *mut ffi::PyObject, _: *mut c_void) -> c_int {
    let Some(compartment) = innermost_compartment() else {
        return 0;
    };
    // SAFETY: CPython passes a NUL-terminated event name and a tuple of arguments, and calls
    // the hook with the GIL held.
    let (event, args) = unsafe {
        let py = Python::assume_attached();
        (
            CStr::from_ptr(event).to_string_lossy(),
            Bound::from_borrowed_ptr(py, args),
        )
    };
    if allowed(&event) || is_our_compile(&event, &args) {
        return 0;
    }
    CapabilityError::new_err(format!(
        "compartment {compartment:?}: the audited operation {event:?} is refused; a \
         compartment holds only the capabilities its host granted (a host that means to \
         grant this wraps it in a function of its own)"
    ))
    .restore(args.py());
    -1
}

fn allowed(event: &str) -> bool {
    ALLOWED_EVENTS.contains(&event)
}
