//! Keeps a checked class's code in the functions the class made.
//!
//! The check trusts code by its code object, and the class's own code reaches its private
//! members directly (`rewrite`), past any check. So a function made elsewhere from that code
//! object (`types.FunctionType(A.total.__code__, evil_globals)`, `f.__code__ = ...`, `exec`)
//! would run the class's code with another module's globals and builtins, and hand them the
//! private values it reads. CPython raises an audit event for each of those three, with the
//! code object in its arguments: a process-wide audit hook refuses them for the code of a
//! checked class. Functions the class's own code makes (methods defined in methods,
//! lambdas) come from `MAKE_FUNCTION`, which raises no event, and keep working.

use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::{Arc, Mutex, MutexGuard, Once};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;

/// For each code object of a checked class, by address: how many live classes count it as
/// their own (a class statement run twice gives both classes some of the same code), and the
/// first one's name, for messages.
type Owners = HashMap<usize, (usize, Arc<str>)>;

static OWNED: Mutex<Option<Owners>> = Mutex::new(None);
static INSTALL: Once = Once::new();

unsafe extern "C" {
    fn PySys_AddAuditHook(
        hook: unsafe extern "C" fn(*const c_char, *mut ffi::PyObject, *mut c_void) -> c_int,
        user_data: *mut c_void,
    ) -> c_int;
}

fn owned() -> MutexGuard<'static, Option<Owners>> {
    OWNED.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Registers the code objects at `addresses` as class `owner`'s, installing the hook on the
/// first call. The caller keeps the code objects alive until it calls `unregister`.
pub(super) fn register(addresses: &[usize], owner: &str) -> PyResult<()> {
    install()?;
    let owner: Arc<str> = owner.into();
    let mut owned = owned();
    let owned = owned.get_or_insert_with(HashMap::new);
    for &address in addresses {
        owned
            .entry(address)
            .or_insert_with(|| (0, Arc::clone(&owner)))
            .0 += 1;
    }
    Ok(())
}

/// Undoes one `register` of the same addresses.
pub(super) fn unregister(addresses: &[usize]) {
    let mut owned = owned();
    let Some(owned) = owned.as_mut() else {
        return;
    };
    for address in addresses {
        if let Some((count, _)) = owned.get_mut(address) {
            *count -= 1;
            if *count == 0 {
                owned.remove(address);
            }
        }
    }
}

fn install() -> PyResult<()> {
    let mut result = Ok(());
    INSTALL.call_once(|| {
        // SAFETY: `hook` has the signature PEP 578 requires and needs no user data; the
        // caller holds the GIL, as PySys_AddAuditHook requires.
        if unsafe { PySys_AddAuditHook(hook, std::ptr::null_mut()) } != 0 {
            // SAFETY: the GIL is held (see above).
            let py = unsafe { Python::assume_attached() };
            result = Err(PyErr::take(py)
                .unwrap_or_else(|| PyRuntimeError::new_err("could not install the audit hook")));
        }
    });
    result
}

/// Where the code object is among an event's arguments, for the events that put code in a
/// function or run it: `function.__new__` (code, ...), `exec` (code,) and, for
/// `f.__code__ = code`, `object.__setattr__` (f, "__code__", code).
fn code_argument(event: &[u8], args: &Bound<'_, PyAny>) -> Option<usize> {
    match event {
        b"function.__new__" | b"exec" => Some(0),
        b"object.__setattr__" => args
            .get_item(1)
            .ok()
            .and_then(|name| name.extract::<String>().ok())
            .is_some_and(|name| name == "__code__")
            .then_some(2),
        _ => None,
    }
}

unsafe extern "C" fn hook(event: *const c_char, args: *mut ffi::PyObject, _: *mut c_void) -> c_int {
    // SAFETY: CPython passes a NUL-terminated event name and a tuple of arguments, and calls
    // the hook with the GIL held.
    let (event, args) = unsafe {
        let py = Python::assume_attached();
        (
            CStr::from_ptr(event).to_bytes(),
            Bound::from_borrowed_ptr(py, args),
        )
    };
    let Some(index) = code_argument(event, &args) else {
        return 0;
    };
    let Ok(code) = args.get_item(index) else {
        // An event whose arguments are not the documented ones: not one of ours.
        PyErr::take(args.py());
        return 0;
    };
    let owner = owned().as_ref().and_then(|owned| {
        owned
            .get(&(code.as_ptr() as usize))
            .map(|(_, owner)| Arc::clone(owner))
    });
    let Some(owner) = owner else {
        return 0;
    };
    let event = String::from_utf8_lossy(event);
    PyTypeError::new_err(format!(
        "{event} refused: this code object belongs to the access-checked class {owner}, and \
         runs only in the functions that class made (elsewhere it would run with other \
         globals and reach the class's private members); call the class's own methods instead"
    ))
    .restore(args.py());
    -1
}
