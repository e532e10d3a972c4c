//! Native subclasses of `type`, for the parts of the runtime that hook class behaviour.

use std::ffi::{CStr, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

/// A subclass of `type` named `name` (`module.Name`), with `slots` (given without `tp_doc`
/// or the terminating entry) and `doc`; its instances have the layout of `type`.
pub(crate) fn native_metaclass(
    py: Python<'_>,
    name: &'static CStr,
    doc: &'static CStr,
    slots: &[ffi::PyType_Slot],
) -> PyResult<Py<PyType>> {
    let mut slots: Vec<ffi::PyType_Slot> = slots
        .iter()
        .map(|slot| ffi::PyType_Slot {
            slot: slot.slot,
            pfunc: slot.pfunc,
        })
        .chain([
            ffi::PyType_Slot {
                slot: ffi::Py_tp_doc,
                pfunc: doc.as_ptr() as *mut c_void,
            },
            ffi::PyType_Slot {
                slot: 0,
                pfunc: std::ptr::null_mut(),
            },
        ])
        .collect();
    let mut spec = ffi::PyType_Spec {
        // The type keeps pointing into its name, hence `'static`.
        name: name.as_ptr(),
        // Zero: the layout of `type`, inherited.
        basicsize: 0,
        itemsize: 0,
        flags: (ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_BASETYPE) as _,
        slots: slots.as_mut_ptr(),
    };
    let bases = PyTuple::new(py, [py.get_type::<PyType>()])?;
    // SAFETY: the spec and its slots, which end in a zero entry, outlive the call (CPython
    // copies what it keeps; the name and doc are static), and `bases` is a tuple holding
    // `type`. The result is a new reference or NULL with an exception set.
    let created = unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyType_FromSpecWithBases(&mut spec, bases.as_ptr()))?
    };
    Ok(created.cast_into::<PyType>()?.unbind())
}
