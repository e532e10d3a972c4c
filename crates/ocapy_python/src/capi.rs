//! CPython names the extension needs that pyo3's ffi does not bind (private, or left out),
//! declared once, with the safe wrappers the runtime parts call. All are exported by
//! CPython 3.10 to 3.13.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::type_object::PyTypeInfo;

unsafe extern "C" {
    /// The type of bound methods.
    pub(crate) static mut PyMethod_Type: ffi::PyTypeObject;
    /// The attribute `name` of a type, found along its MRO through the type attribute cache
    /// without calling descriptors, as the interpreter's own attribute lookup finds it: a
    /// borrowed reference or null, never an error. Gives the type a version tag if it can.
    pub(crate) fn _PyType_Lookup(
        class: *mut ffi::PyTypeObject,
        name: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject;
    /// `types.MethodType(function, this)`: a new reference or null with an error set.
    fn PyMethod_New(function: *mut ffi::PyObject, this: *mut ffi::PyObject) -> *mut ffi::PyObject;
}

/// `name` found on `class` through its MRO, without running descriptors.
///
/// # Safety
/// `class` is a live type object.
pub(crate) unsafe fn type_lookup<'py>(
    py: Python<'py>,
    class: *mut ffi::PyTypeObject,
    name: &Bound<'py, PyAny>,
) -> Option<Bound<'py, PyAny>> {
    // SAFETY: `class` is live (caller's contract), `name` too; the borrowed result is made a
    // strong reference at once, with the GIL held.
    unsafe { Bound::from_borrowed_ptr_or_opt(py, _PyType_Lookup(class, name.as_ptr())) }
}

/// `types.MethodType(function, this)`.
pub(crate) fn bind_method<'py>(
    function: &Bound<'py, PyAny>,
    this: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: both are live; `PyMethod_New` returns a new reference or null with an error.
    unsafe {
        Bound::from_owned_ptr_or_err(
            function.py(),
            PyMethod_New(function.as_ptr(), this.as_ptr()),
        )
    }
}

/// Runs the body of a C slot or hook, which must not unwind into the interpreter: turns an
/// error into the Python exception and `on_error`, and a panic (a bug, or a library asserting
/// on what a hostile caller arranged) into a `PanicException` rather than an abort.
pub(crate) fn slot_call<R>(on_error: R, body: impl FnOnce(Python<'_>) -> PyResult<R>) -> R {
    // SAFETY: CPython calls slots and hooks with the GIL held.
    let py = unsafe { Python::assume_attached() };
    match catch_unwind(AssertUnwindSafe(|| body(py))) {
        Ok(Ok(result)) => result,
        Ok(Err(error)) => {
            error.restore(py);
            on_error
        }
        Err(_) => {
            PanicException::new_err("ocapy: internal error in a native slot").restore(py);
            on_error
        }
    }
}

/// Makes instances of `T` callable by vectorcall through the function pointer each one
/// holds at `field`, a field of `instance`'s Rust value (the same offset in every instance).
pub(crate) fn install_vectorcall<T: PyTypeInfo>(
    instance: &Bound<'_, T>,
    field: *const ffi::vectorcallfunc,
) {
    let offset = field as usize - instance.as_ptr() as usize;
    let class = T::type_object_raw(instance.py());
    // SAFETY: the type object is live and its instances are not being called while the
    // module is created. `offset` is where every instance of `T` keeps its
    // (never null) `vectorcallfunc`: PyO3 lays out all instances of a class alike.
    unsafe {
        (*class).tp_vectorcall_offset = offset as ffi::Py_ssize_t;
        (*class).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL;
        ffi::PyType_Modified(class);
    }
}
