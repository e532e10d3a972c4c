//! Layer 3, seal: `seal(obj)`, `@sealed`, `harden(obj)` and `namespace(...)`.
//!
//! A `Sealed` wrapper shows its holder the public surface of one object and nothing else;
//! `deep=True` makes it a membrane that seals everything it hands out. A `Namespace` is an
//! immutable record of sealed members. Both are native types that are immutable, final and
//! without a `__dict__`, so a holder can neither use them as a channel nor redirect them.

mod attribute_cache;
mod cache;
mod errors;
mod memo;
mod names;
mod namespace;
mod slots;
mod wrapper;

use crate::arguments;
use crate::membrane::CompartmentId;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

pub(crate) use errors::{Holder, rebuild as rebuild_exception, unsafe_to_pass_on};
pub(crate) use names::{exact_str, why_hidden_on};
pub(crate) use namespace::Namespace;
pub(crate) use wrapper::Sealed;

/// How far a wrapper's protection reaches, which decides what it does with the values that
/// pass through it: what it hands out (`export`) and what its holder hands in (`import`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Depth {
    /// `seal(obj)`: the object's public surface; most values it hands out go as they are.
    Shallow,
    /// `harden(obj)`: everything handed out is sealed deep; deep wrappers handed back in
    /// are unwrapped.
    Deep,
    /// A host object held by the code of one compartment: the membrane's host-to-plugin
    /// side, where `crate::membrane` decides what goes out and what comes in.
    ToPlugin(CompartmentId),
    /// An object of one compartment held by the host: the membrane's plugin-to-host side.
    ToHost(CompartmentId),
    /// What module facade code made for compartment code (a generator of `heapq.merge`, a
    /// mapping proxy), held by that code: its public surface, with what it hands out crossed
    /// by `crate::membrane::from_facade`. It lends no authority: facade code runs on the
    /// compartment's behalf.
    Facade,
}

impl Depth {
    /// Whether this is a side of the compartment membrane.
    pub(crate) fn is_membrane(self) -> bool {
        matches!(self, Depth::ToPlugin(_) | Depth::ToHost(_))
    }

    /// Whether every value passed in is judged on its way (by the membrane, or as facade
    /// code's argument), so that only plain data takes a fast path past the judgement.
    pub(crate) fn judges_arguments(self) -> bool {
        self.is_membrane() || self == Depth::Facade
    }
}

/// Seals `obj`: primitives, and wrappers that protect at least as much as `depth` asks, come
/// back as they are; anything else as the one live `Sealed` of `obj` at this depth (a new one
/// if there is none).
pub(crate) fn seal<'py>(obj: &Bound<'py, PyAny>, depth: Depth) -> PyResult<Bound<'py, PyAny>> {
    if needs_no_seal(obj, depth) {
        return Ok(obj.clone());
    }
    if let Some(wrapper) = memo::lookup(obj, depth) {
        return Ok(wrapper.into_any());
    }
    let wrapper = Bound::new(obj.py(), Sealed::new(obj, depth))?;
    memo::insert(&wrapper);
    Ok(wrapper.into_any())
}

/// Builds a `Namespace` of `members`, each sealed; a private, hidden-edge, non-identifier or
/// repeated name is a `ValueError`.
pub(crate) fn namespace<'py>(
    py: Python<'py>,
    members: Vec<(String, Bound<'py, PyAny>)>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(Bound::new(py, Namespace::new(py, members)?)?.into_any())
}

/// Objects that carry no authority (immutable, no reachable state), or that are sealed
/// already at least as far as `depth` reaches. Any wrapper is a shallow seal; only a wrapper
/// of the same depth is a deep one or a side of the membrane: a shallow seal or a namespace
/// hands out values as they are, so granting one to a compartment must not skip the
/// membrane, nor `harden(seal(x))` the deep seal.
#[inline]
pub(crate) fn needs_no_seal(obj: &Bound<'_, PyAny>, depth: Depth) -> bool {
    if is_primitive(obj.as_ptr()) {
        return true;
    }
    if let Ok(sealed) = obj.cast_exact::<Sealed>() {
        return depth == Depth::Shallow || sealed.get().depth == depth;
    }
    // A host's interface guard is for the membrane to read, which a shallow seal would hide.
    depth == Depth::Shallow
        && (obj.is_exact_instance_of::<Namespace>()
            || obj.is_exact_instance_of::<crate::compartment::guards::Accepting>())
}

/// Immutable values of the interpreter's own types, which reach no other object: `None`,
/// `bool`, `int`, `float`, `complex`, `str`, `bytes`, `NotImplemented` and `...`.
#[inline]
pub(crate) fn is_primitive(obj: *mut ffi::PyObject) -> bool {
    // SAFETY: compares the object and its type with the interpreter's static singletons
    // and types; nothing is dereferenced but the (live) object's type field.
    unsafe {
        let class = ffi::Py_TYPE(obj);
        // The commonest first: attribute values are mostly ints and strings.
        class == &raw mut ffi::PyLong_Type
            || class == &raw mut ffi::PyUnicode_Type
            || obj == ffi::Py_None()
            || class == &raw mut ffi::PyBool_Type
            || class == &raw mut ffi::PyFloat_Type
            || class == &raw mut ffi::PyBytes_Type
            || class == &raw mut ffi::PyComplex_Type
            || obj == ffi::Py_NotImplemented()
            || obj == ffi::Py_Ellipsis()
    }
}

/// Seals `obj` for its holder: only its public attributes, and its public protocols.
#[pyfunction(name = "seal")]
#[pyo3(signature = (obj, /, *, deep = None), text_signature = "(obj, /, *, deep=False)")]
fn seal_py<'py>(
    obj: &Bound<'py, PyAny>,
    deep: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let deep = arguments::extract_or("seal", "deep", "a bool", deep, false)?;
    seal(obj, if deep { Depth::Deep } else { Depth::Shallow })
}

/// Deep, transitive sealing: `seal(obj, deep=True)`.
#[pyfunction]
fn harden<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    seal(obj, Depth::Deep)
}

/// Class decorator: the class, sealed; calling it returns sealed instances.
#[pyfunction(name = "sealed")]
fn sealed_class<'py>(cls: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if !cls.is_instance_of::<PyType>() {
        return Err(arguments::refused(
            "sealed",
            "cls",
            "a class (@sealed decorates classes)",
            cls,
        ));
    }
    seal(cls, Depth::Shallow)
}

/// `namespace(*functions, **members)`: functions by their `__name__`, then the keywords.
#[pyfunction(name = "namespace")]
#[pyo3(signature = (*functions, **members))]
fn namespace_py<'py>(
    py: Python<'py>,
    functions: &Bound<'py, PyTuple>,
    members: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut all = Vec::with_capacity(functions.len() + members.map_or(0, |members| members.len()));
    for function in functions {
        let name = function
            .getattr("__name__")
            .and_then(|name| name.extract::<String>())
            .map_err(|_| {
                arguments::refused(
                    "namespace",
                    "functions",
                    "functions positionally (named by their __name__), other members as keywords",
                    &function,
                )
            })?;
        all.push((name, function));
    }
    for (name, member) in members.into_iter().flatten() {
        all.push((name.extract::<String>()?, member));
    }
    namespace(py, all)
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Sealed>()?;
    module.add_class::<Namespace>()?;
    attribute_cache::verify_layout(module.py())?;
    wrapper::install_slots(module.py())?;
    namespace::install_slots(module.py());
    module.add_function(wrap_pyfunction!(seal_py, module)?)?;
    module.add_function(wrap_pyfunction!(harden, module)?)?;
    module.add_function(wrap_pyfunction!(sealed_class, module)?)?;
    module.add_function(wrap_pyfunction!(namespace_py, module)?)?;
    Ok(())
}
