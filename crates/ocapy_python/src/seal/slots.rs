//! `tp_getattro` slots written by hand for `Sealed` and `Namespace`.
//!
//! PyO3's generated slot falls back to a default `__getattr__` when `__getattribute__`
//! raises `AttributeError`, and that default replaces the message with the bare name; and
//! attribute reads are the hot path of a sealed object, where its bookkeeping shows. The
//! slot is installed once, right after the type is created and before any instance exists.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::type_object::PyTypeInfo;

/// A `getattro` implementation: the object (of the type it is installed on) and the name.
pub(super) type Getattro =
    for<'py> fn(&Bound<'py, PyAny>, &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>;

/// Makes `slot` the `tp_getattro` of `T`'s type.
pub(super) fn install<T: PyTypeInfo>(py: Python<'_>, slot: ffi::getattrofunc) {
    let class = T::type_object_raw(py);
    // SAFETY: `class` is the live, fully initialized type object of `T`, created by PyO3 a
    // moment ago while the module is being initialized with the GIL held, before any of its
    // instances exist. `PyType_Modified` drops what the interpreter cached about the type.
    unsafe {
        (*class).tp_getattro = Some(slot);
        ffi::PyType_Modified(class);
    }
}

/// Runs `getattro` for the C slot: converts its result, and a panic, to what the
/// interpreter expects (a new reference, or NULL with an exception set).
///
/// # Safety
/// Called only as a `tp_getattro` slot: the GIL is held and both pointers are live.
pub(super) unsafe fn call(
    getattro: Getattro,
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: a `tp_getattro` slot runs with the GIL held (caller's contract).
    let py = unsafe { Python::assume_attached() };
    // SAFETY: the interpreter passes live borrowed references (caller's contract).
    let (obj, name) = unsafe {
        (
            Bound::from_borrowed_ptr(py, obj),
            Bound::from_borrowed_ptr(py, name),
        )
    };
    let result = catch_unwind(AssertUnwindSafe(|| getattro(&obj, &name))).unwrap_or_else(|_| {
        Err(PyRuntimeError::new_err(
            "ocapy: internal error reading an attribute",
        ))
    });
    match result {
        Ok(value) => value.into_ptr(),
        Err(err) => {
            err.restore(py);
            std::ptr::null_mut()
        }
    }
}
