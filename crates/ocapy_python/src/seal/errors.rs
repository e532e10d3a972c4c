//! Exceptions crossing the seal. An exception raised inside the inner object would hand its
//! holder the inner object's frames (`__traceback__`), the exceptions it was handling
//! (`__context__`, `__cause__`) and, for an `AttributeError`, the object itself (`.obj`).
//!
//! - shallow: the same exception, without traceback, context and cause, its `.obj` the
//!   wrapper (or None when it was some other object), an argument that is the inner object
//!   replaced by the wrapper; other arguments stay as they are, like every value a shallow
//!   seal hands out;
//! - deep, and a compartment's host objects: a new exception of the same class, built from
//!   the arguments as the wrapper hands values out and with the public instance attributes
//!   handed out likewise, so nothing of the inside reaches the holder raw;
//! - a plugin's objects, held by the host: the same exception, its `StopIteration` value
//!   handed out as any result (the host may see the plugin's frames).

use pyo3::exceptions::{PyAttributeError, PyRuntimeError, PyStopIteration};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use super::{Depth, Sealed, names, seal};
use crate::membrane;

/// `err`, raised inside the object `wrapper` seals, as the wrapper's holder may see it. An
/// exception that cannot be made safe is replaced by a `RuntimeError` that says so.
pub(super) fn sanitize(wrapper: &Bound<'_, Sealed>, err: PyErr) -> PyErr {
    let py = wrapper.py();
    let exc = err.into_value(py).into_bound(py).into_any();
    let safe = match wrapper.get().depth {
        Depth::Deep | Depth::ToPlugin => rebuild(wrapper, &exc, 0),
        Depth::Shallow => strip(wrapper, &exc).map(|()| exc.clone()),
        Depth::ToHost => export_stop_value(wrapper, &exc).map(|()| exc.clone()),
    };
    match safe {
        Ok(safe) => PyErr::from_value(safe),
        Err(_) => PyRuntimeError::new_err(format!(
            "{} raised inside a sealed object could not be made safe to pass on",
            class_name(&exc)
        )),
    }
}

/// Cuts a shallow seal's exception off from the frames and exceptions of the inside, and
/// puts the wrapper where the exception held the inner object.
fn strip(wrapper: &Bound<'_, Sealed>, exc: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = wrapper.py();
    // SAFETY: `exc` is a live exception instance. `PyException_SetTraceback` takes a borrowed
    // traceback or None and can only fail for a non-traceback argument; `SetContext` and
    // `SetCause` steal their argument, and NULL clears the field.
    unsafe {
        ffi::PyException_SetTraceback(exc.as_ptr(), ffi::Py_None());
        ffi::PyException_SetContext(exc.as_ptr(), std::ptr::null_mut());
        ffi::PyException_SetCause(exc.as_ptr(), std::ptr::null_mut());
    }
    let args = exc.getattr("args")?.cast_into::<PyTuple>()?;
    let mut replaced = false;
    let mut safe_args = Vec::with_capacity(args.len());
    for arg in args.iter() {
        match Sealed::holder_view(wrapper, &arg)? {
            Some(view) => {
                replaced = true;
                safe_args.push(view);
            }
            None => safe_args.push(arg),
        }
    }
    if replaced {
        exc.setattr("args", PyTuple::new(py, safe_args)?)?;
    }
    if exc.is_instance_of::<PyAttributeError>() {
        let obj = exc.getattr("obj")?;
        let replacement =
            Sealed::holder_view(wrapper, &obj)?.unwrap_or_else(|| py.None().into_bound(py));
        exc.setattr("obj", replacement)?;
    }
    export_stop_value(wrapper, exc)
}

/// A generator's or coroutine's result travels in `StopIteration.value`, apart from its
/// arguments: it leaves as any result does.
fn export_stop_value(wrapper: &Bound<'_, Sealed>, exc: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = wrapper.py();
    if exc.is_instance_of::<PyStopIteration>() {
        let value = exc.getattr(intern!(py, "value"))?;
        exc.setattr(intern!(py, "value"), Sealed::export(wrapper, value)?)?;
    }
    Ok(())
}

/// The `AttributeError` for reading `name` through `slf` when the inner object raised `err`.
pub(super) fn attribute_error(
    slf: &Bound<'_, Sealed>,
    name: &Bound<'_, PyString>,
    err: PyErr,
) -> PyErr {
    let py = slf.py();
    if !err.is_instance_of::<PyAttributeError>(py) {
        return sanitize(slf, err);
    }
    let subject = slf.get().subject(py);
    let value = err.value(py);
    let missing = value.getattr("obj").is_ok_and(|obj| obj.is(subject))
        && value
            .getattr("name")
            .is_ok_and(|raised| raised.eq(name).unwrap_or(false));
    let name = names::repr_of(name);
    if missing {
        PyAttributeError::new_err(format!("sealed object has no attribute {name}"))
    } else {
        PyAttributeError::new_err(format!(
            "reading attribute {name} of a sealed object raised AttributeError inside it"
        ))
    }
}

/// Whether `exc` is a `BaseExceptionGroup` (which Python 3.10 does not have).
fn is_exception_group(exc: &Bound<'_, PyAny>) -> PyResult<bool> {
    let builtins = PyModule::import(exc.py(), intern!(exc.py(), "builtins"))?;
    match builtins.getattr(intern!(exc.py(), "BaseExceptionGroup")) {
        Ok(group) => exc.is_instance(&group),
        Err(_) => Ok(false),
    }
}

fn class_name(exc: &Bound<'_, PyAny>) -> String {
    exc.get_type()
        .qualname()
        .map_or_else(|_| "an exception".to_owned(), |name| name.to_string())
}

/// Exception groups nested deeper than this are not rebuilt.
const GROUP_NESTING_LIMIT: usize = 64;

/// A new exception of `exc`'s class, with what the holder may see of it, handed out as the
/// wrapper hands out values.
fn rebuild<'py>(
    wrapper: &Bound<'py, Sealed>,
    exc: &Bound<'py, PyAny>,
    level: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let py = exc.py();
    // A group nested deeper than this (or one whose `exceptions` holds itself) would
    // overflow the native stack: it is refused, and the holder gets the RuntimeError.
    if level > GROUP_NESTING_LIMIT {
        return Err(PyRuntimeError::new_err("exception groups nested too deep"));
    }
    let class = exc.get_type();
    let args = exc.getattr("args")?.cast_into::<PyTuple>()?;
    let args = if is_exception_group(exc)? {
        // A group's arguments are its message and sub-exceptions, which stay exceptions.
        let message = hand_out(wrapper, &args.get_item(0)?)?;
        let mut members = Vec::new();
        for member in exc.getattr("exceptions")?.try_iter()? {
            members.push(rebuild(wrapper, &member?, level + 1)?);
        }
        PyTuple::new(py, [message, PyList::new(py, members)?.into_any()])?
    } else {
        let sealed: PyResult<Vec<_>> = args.iter().map(|arg| hand_out(wrapper, &arg)).collect();
        PyTuple::new(py, sealed?)?
    };
    // Through the constructor, as `raise Class(*args)` makes it: built-in exceptions keep
    // fields that only their `__init__` sets (`StopIteration.value`, read by the interpreter
    // without a check: a bare `__new__` left it NULL and crashed `await` and `yield from`).
    // A class whose constructor does not take its own `args` cannot be rebuilt, and the
    // holder gets the RuntimeError that says so.
    let rebuilt = class.call1(&args)?;
    if !rebuilt.get_type().is(&class) {
        return Err(PyRuntimeError::new_err(
            "the constructor returned another class",
        ));
    }
    rebuilt.setattr("args", &args)?;
    if let Ok(dict) = exc.getattr("__dict__")
        && let Ok(dict) = dict.cast::<PyDict>()
    {
        for (key, value) in dict {
            if names::is_public(&key) {
                rebuilt.setattr(key.cast::<PyString>()?, hand_out(wrapper, &value)?)?;
            }
        }
    }
    if exc.is_instance_of::<PyAttributeError>() {
        rebuilt.setattr("name", hand_out(wrapper, &exc.getattr("name")?)?)?;
        let obj = exc.getattr("obj")?;
        let obj = if obj.is(wrapper.get().subject(py)) {
            Sealed::subject_wrapper(wrapper)?
        } else {
            hand_out(wrapper, &obj)?
        };
        rebuilt.setattr("obj", obj)?;
    }
    Ok(rebuilt)
}

/// A value of a rebuilt exception, as the wrapper hands values out: sealed deep, or across
/// the compartment membrane.
fn hand_out<'py>(
    wrapper: &Bound<'py, Sealed>,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    match wrapper.get().depth {
        Depth::ToPlugin => membrane::into_plugin(value),
        depth => seal(value, depth),
    }
}
