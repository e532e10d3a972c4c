//! `CachedRef`: one replaceable strong reference inside a frozen (immutable) pyclass.

use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::prelude::*;
use pyo3::{Borrowed, PyTraverseError, PyVisit, ffi};

/// A slot that owns a strong reference to an object, or nothing. Reads and replacements
/// happen with the GIL held (the module requires it), so a reference read from the slot is
/// alive until it has been turned into a strong one.
pub(super) struct CachedRef(AtomicPtr<ffi::PyObject>);

impl CachedRef {
    pub(super) const fn empty() -> Self {
        CachedRef(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// The object in the slot, as a new strong reference.
    pub(super) fn get<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        let ptr = self.0.load(Ordering::Acquire);
        // SAFETY: a non-null slot owns a strong reference (see the type's comment), so the
        // object is alive; `from_borrowed_ptr_or_opt` takes a reference of its own.
        unsafe { Bound::from_borrowed_ptr_or_opt(py, ptr) }
    }

    /// The object in the slot when `test` accepts it, as a borrowed reference (alive while
    /// the slot keeps it); null otherwise.
    #[inline]
    pub(super) fn peek_where(
        &self,
        test: impl FnOnce(Borrowed<'_, '_, PyAny>) -> bool,
    ) -> *mut ffi::PyObject {
        let ptr = self.0.load(Ordering::Acquire);
        if ptr.is_null() {
            return ptr;
        }
        // SAFETY: a non-null slot owns a strong reference; the GIL is held (the module
        // requires it), which `assume_attached` stands for.
        let object = unsafe { Borrowed::from_ptr(Python::assume_attached(), ptr) };
        if test(object) {
            ptr
        } else {
            std::ptr::null_mut()
        }
    }

    /// Puts `object` in the slot, releasing what was there.
    pub(super) fn set(&self, object: Bound<'_, PyAny>) {
        let old = self.0.swap(object.into_ptr(), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: `old` is the strong reference the slot owned; the GIL is held (`object`
            // proves it).
            unsafe { ffi::Py_DECREF(old) };
        }
    }

    /// Reports the slot's reference to the cycle collector.
    pub(super) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        if self.0.load(Ordering::Acquire).is_null() {
            return Ok(());
        }
        // SAFETY: `Py<T>` is `repr(transparent)` over a non-null object pointer, which is what
        // the (non-null, checked above) slot holds; the reference lives as long as `self`.
        let object = unsafe { &*self.0.as_ptr().cast::<Py<PyAny>>() };
        visit.call(object)
    }
}

impl Drop for CachedRef {
    fn drop(&mut self) {
        let ptr = *self.0.get_mut();
        if !ptr.is_null() {
            // SAFETY: the strong reference the slot owned; a pyclass's fields are dropped in
            // its `tp_dealloc`, with the GIL held.
            unsafe { ffi::Py_DECREF(ptr) };
        }
    }
}
