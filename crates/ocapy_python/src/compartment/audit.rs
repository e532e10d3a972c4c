//! The backstop: a process-wide PEP 578 audit hook that refuses audited operations made on a
//! compartment's behalf.
//!
//! A frame is compartment code when its builtins dict is a compartment's builtins or its
//! globals dict is the namespace of a module a compartment loaded. Both are checked: code
//! that (unverified) rebinds `__builtins__` in its globals gets functions with other builtins,
//! but it cannot give them other globals without `exec`, which is itself audited.
//!
//! An event is made on a compartment's behalf when its innermost Python frame is compartment
//! code, and also when host code runs that compartment code drives: a stdlib generator of a
//! facade pulling from a plugin iterator, a loader method the plugin reached, a host function
//! calling a plugin callback. The hook walks the thread's stack outwards from the innermost
//! frame: host frames inside a compartment frame run on its behalf, unless an explicit call
//! from that compartment frame into a sealed host object (a grant) lies between. Such a
//! call runs with the host's authority, and so do the host functions it calls: that is the
//! capability model. A C function granted, raw or sealed (`open`, `time.sleep` ...), has no
//! frame of its own: the plugin's frame is innermost and its event is refused. A host
//! grants such authority through a Python function of its own.

use std::cell::{Cell, RefCell};
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

/// The events through which code gets a frame, by the name of the `sys` function that
/// raises each.
const FRAME_EVENTS: &[(&str, &str)] = &[
    ("sys._getframe", "_getframe"),
    ("sys._getframemodulename", "_getframemodulename"),
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
    /// The innermost frame (as an address) that called a sealed host object and waits for
    /// it to return: host code that runs inside such a call has the host's authority. Only
    /// the innermost matters, as the stack walk stops at the first such frame or compartment
    /// frame; outer ones are kept by the [`HostCall`] guards.
    static HOST_CALLER: Cell<usize> = const { Cell::new(0) };

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

/// A call from the current frame into a sealed host object, for as long as it lives: the
/// host code the call runs has the host's authority (see the module's documentation).
pub(crate) struct HostCall {
    outer_caller: usize,
}

impl HostCall {
    #[inline]
    pub(crate) fn enter() -> HostCall {
        // SAFETY: called with the GIL held (from a sealed object's call); the frame is
        // borrowed and only remembered as an address, which stays its own while the frame
        // waits for this call.
        let caller = unsafe { ffi::PyEval_GetFrame() } as usize;
        HostCall {
            outer_caller: HOST_CALLER.replace(caller),
        }
    }
}

impl Drop for HostCall {
    #[inline]
    fn drop(&mut self) {
        HOST_CALLER.set(self.outer_caller);
    }
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

/// Whether the code of the innermost Python frame names `function` itself: host code that
/// asks for a frame (`typing.TypeVar` and `collections.namedtuple` read their caller's
/// module name so) rather than a C callable driven from its frame (`itertools.starmap`
/// calling a frame getter the plugin holds).
fn innermost_code_names(py: Python<'_>, function: &str) -> bool {
    // SAFETY: GIL held (the audit hook); the frame is borrowed, and `PyFrame_GetCode`
    // returns a new reference, owned by the `Bound`.
    let code = unsafe {
        let frame = ffi::PyEval_GetFrame();
        if frame.is_null() {
            return false;
        }
        Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(frame).cast())
    };
    code.getattr("co_names")
        .and_then(|names| names.contains(function))
        .unwrap_or(false)
}

/// The compartment whose builtins the innermost Python frame runs with, if any: its
/// registration's own `Arc`, which no other dict's registration shares.
pub(super) fn builtins_compartment() -> Option<Arc<str>> {
    let registry = REGISTRY.read().unwrap_or_else(|poison| poison.into_inner());
    // SAFETY: the GIL is held; a borrowed reference only compared as an address.
    let builtins = unsafe { ffi::PyEval_GetBuiltins() };
    registry.as_ref()?.get(&(builtins as usize)).map(Arc::clone)
}

/// The compartment whose module `globals` is, if it is one.
pub(crate) fn compartment_of_globals(globals: &Bound<'_, PyAny>) -> Option<Arc<str>> {
    compartment_of(0, globals.as_ptr() as usize)
}

/// The compartment whose builtins `builtins` is, if it is one's.
pub(crate) fn compartment_of_builtins(builtins: &Bound<'_, PyAny>) -> Option<Arc<str>> {
    compartment_of(builtins.as_ptr() as usize, 0)
}

/// The compartment whose code runs in the innermost Python frame, if any.
fn innermost_compartment() -> Option<Arc<str>> {
    // SAFETY: called from the audit hook, with the GIL held. Both return borrowed references
    // (builtins: the interpreter's when no frame runs; globals: NULL when no frame runs) that
    // are only compared as addresses.
    let (builtins, globals) = unsafe { (ffi::PyEval_GetBuiltins(), ffi::PyEval_GetGlobals()) };
    compartment_of(builtins as usize, globals as usize)
}

/// The compartment that registered either dict, given as addresses. The lock is held only
/// here, never while Python code can run: a collection that drops a compartment takes it
/// to write.
fn compartment_of(builtins: usize, globals: usize) -> Option<Arc<str>> {
    let registry = REGISTRY.read().unwrap_or_else(|poison| poison.into_inner());
    let registry = registry.as_ref()?;
    registry
        .get(&builtins)
        .or_else(|| registry.get(&globals))
        .map(Arc::clone)
}

/// The compartment on whose behalf the thread runs: that of the innermost frame, else of the
/// first compartment frame outwards unless a call into a sealed host object lies between
/// (see the module's documentation).
pub(crate) fn acting_compartment() -> Option<Arc<str>> {
    if let Some(compartment) = innermost_compartment() {
        return Some(compartment);
    }
    let host_caller = HOST_CALLER.get();
    // SAFETY: GIL held (the audit hook). `PyEval_GetFrame` returns a borrowed frame;
    // each `PyFrame_GetBack` a new reference (it may allocate, and so collect), released
    // once the next one is held.
    unsafe {
        let mut frame = ffi::PyEval_GetFrame();
        let mut held: *mut ffi::PyFrameObject = std::ptr::null_mut();
        let mut found = None;
        while !frame.is_null() {
            if frame as usize == host_caller {
                break;
            }
            if let Some(compartment) = frame_compartment(frame) {
                found = Some(compartment);
                break;
            }
            let back = ffi::PyFrame_GetBack(frame);
            if !held.is_null() {
                ffi::Py_DECREF(held.cast());
            }
            (held, frame) = (back, back);
        }
        if !held.is_null() {
            ffi::Py_DECREF(held.cast());
        }
        found
    }
}

/// The compartment whose code `frame` runs, if any.
///
/// # Safety
/// The GIL is held and `frame` is a live frame.
unsafe fn frame_compartment(frame: *mut ffi::PyFrameObject) -> Option<Arc<str>> {
    // SAFETY: the caller's contract. On 3.11+ the getters return new references, released
    // at once (the frame keeps the dicts alive: only the addresses are compared); on 3.10
    // the frame object holds them in its public fields.
    let (builtins, globals) = unsafe {
        #[cfg(Py_3_11)]
        {
            let builtins = ffi::PyFrame_GetBuiltins(frame);
            let globals = ffi::PyFrame_GetGlobals(frame);
            ffi::Py_XDECREF(builtins);
            ffi::Py_XDECREF(globals);
            (builtins as usize, globals as usize)
        }
        #[cfg(not(Py_3_11))]
        {
            let frame = frame.cast::<Frame310>();
            ((*frame).f_builtins as usize, (*frame).f_globals as usize)
        }
    };
    compartment_of(builtins, globals)
}

/// The head of CPython 3.10's `PyFrameObject`, whose fields are public in that version.
#[cfg(not(Py_3_11))]
#[repr(C)]
struct Frame310 {
    ob_base: ffi::PyVarObject,
    f_back: *mut ffi::PyObject,
    f_code: *mut ffi::PyObject,
    f_builtins: *mut ffi::PyObject,
    f_globals: *mut ffi::PyObject,
}

unsafe extern "C" fn hook(event: *const c_char, args: *mut ffi::PyObject, _: *mut c_void) -> c_int {
    let Some(compartment) = acting_compartment() else {
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
    // Host code, driven by a compartment, that asks for a frame itself.
    let frame_getter = FRAME_EVENTS.iter().find(|(name, _)| *name == event);
    if frame_getter.is_some_and(|(_, function)| {
        innermost_compartment().is_none() && innermost_code_names(args.py(), function)
    }) {
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
