//! Slots written by hand for `Sealed` and `Namespace`: attribute reads (`tp_getattro`) and,
//! for `Sealed`, vectorcall.
//!
//! PyO3's generated `tp_getattro` falls back to a default `__getattr__` when
//! `__getattribute__` raises `AttributeError`, and that default replaces the message with
//! the bare name. And attribute reads and method calls are the hot path of a sealed object,
//! where PyO3's argument tuples and dicts show. The slots are installed once, right after
//! the type is created and before Python code can see it.

use pyo3::prelude::*;
use pyo3::{Borrowed, PyClass, ffi};

use super::names;

/// A class whose attribute reads are its own `getattribute`, installed by
/// [`install_getattro`].
pub(super) trait Getattribute: PyClass {
    fn getattribute<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>>;

    /// The same read when it can be answered at once, without a `PyResult` (a new reference),
    /// or null to take `getattribute`: the hot path of `s.x`.
    ///
    /// # Safety
    /// Called by the interpreter's `tp_getattro` contract: GIL held, `obj` a live `Self`,
    /// `name` live.
    #[inline]
    unsafe fn getattribute_at_once(
        _obj: *mut ffi::PyObject,
        _name: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject {
        std::ptr::null_mut()
    }
}

/// The `tp_getattro` of a [`Getattribute`] class: the read at once when it can be, else the
/// full one, kept out of line so the hot path stays a small function.
unsafe extern "C" fn getattro<T: Getattribute>(
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: installed as the `tp_getattro` of `T` only: the interpreter calls it with the
    // GIL held and two live borrowed references, the first to a `T`.
    unsafe {
        let value = T::getattribute_at_once(obj, name);
        if value.is_null() {
            getattro_in_full::<T>(obj, name)
        } else {
            value
        }
    }
}

/// # Safety
/// As for a `tp_getattro`: GIL held, `obj` a live `T`, `name` live.
#[inline(never)]
unsafe fn getattro_in_full<T: Getattribute>(
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the caller's contract.
    unsafe {
        guard(|py| {
            let slf = Borrowed::from_ptr(py, obj).cast_unchecked::<T>();
            let name = Borrowed::from_ptr(py, name);
            T::getattribute(&slf, &name).or_else(|refused| {
                // `__class__` is refused as private like every dunder, but answering it
                // with the wrapper's own type gives nothing `type(s)` does not, and lets
                // `isinstance(s, SomeABC)` (which reads `__class__`) answer instead of raise.
                match names::exact_str(&name) {
                    Ok(text) if text.to_str().is_ok_and(|text| text == "__class__") => {
                        Ok(slf.as_any().get_type().into_any())
                    }
                    _ => Err(refused),
                }
            })
        })
    }
}

/// Makes `T::getattribute` the `tp_getattro` of `T`'s type.
pub(super) fn install_getattro<T: Getattribute>(py: Python<'_>) {
    let class = T::type_object_raw(py);
    // SAFETY: `class` is the live, fully initialized type object of `T`, created by PyO3 a
    // moment ago while the module is being initialized with the GIL held, before any
    // Python code can use it. `PyType_Modified` drops what the interpreter cached about it.
    unsafe {
        (*class).tp_getattro = Some(getattro::<T>);
        ffi::PyType_Modified(class);
    }
}

/// Runs `body` for a C slot: converts its result, and a panic, to what the interpreter
/// expects (a new reference, or NULL with an exception set).
///
/// # Safety
/// Called only from a slot, which the interpreter calls with the GIL held.
pub(super) unsafe fn guard(
    body: impl FnOnce(Python<'_>) -> PyResult<Bound<'_, PyAny>>,
) -> *mut ffi::PyObject {
    crate::capi::slot_call(std::ptr::null_mut(), |py| body(py).map(Bound::into_ptr))
}
