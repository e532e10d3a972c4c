//! Exceptions crossing the seal. An exception raised inside the inner object would hand its
//! holder the inner object's frames (`__traceback__`), the exceptions it was handling
//! (`__context__`, `__cause__`) and, for an `AttributeError`, the object itself (`.obj`).
//!
//! - shallow: the same exception, without traceback, context and cause, its `.obj` the
//!   wrapper (or None when it was some other object), the inner object replaced by the
//!   wrapper wherever the exception holds it (arguments, attributes, notes), and the same
//!   for every exception it carries (a group's members, exceptions among its arguments or
//!   attributes); other values stay as they are, like every value a shallow seal hands out;
//! - deep, and across the compartment membrane in either direction ([`rebuild`]): a new
//!   exception built from the arguments as the wrapper hands values out and with the public
//!   instance attributes handed out likewise, so nothing of the inside reaches the holder
//!   raw. Across the membrane the exception is rebuilt as its nearest class that the
//!   interpreter or ocapy defines, or that the host handed the compartment itself (granted
//!   raw, or exported by a facade): the other side's methods would run on what its holder
//!   compares it with, and return what they like. The host also gets the plugin's frames,
//!   which it may see.

use pyo3::exceptions::{PyAttributeError, PyRuntimeError, PyStopIteration};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

use super::{Depth, Sealed, names, seal};
use crate::access::AccessViolation;
use crate::compartment::CapabilityError;
use crate::membrane::{self, Copies, NESTING_LIMIT};
use crate::paths::SearchIncomplete;

/// `err`, raised inside the object `wrapper` seals, as the wrapper's holder may see it. An
/// exception that cannot be made safe is replaced by a `RuntimeError` that says so.
pub(super) fn sanitize(wrapper: &Bound<'_, Sealed>, err: PyErr) -> PyErr {
    let py = wrapper.py();
    let exc = err.into_value(py).into_bound(py).into_any();
    let safe = match wrapper.get().depth {
        Depth::Deep => rebuild(&exc, Holder::DeepSeal, &|value| seal(value, Depth::Deep)),
        Depth::ToPlugin(compartment) => membrane::exception_into_plugin(&exc, compartment),
        Depth::ToHost(compartment) => membrane::exception_into_host(&exc, compartment),
        Depth::Shallow => strip(wrapper, &exc).map(|()| exc.clone()),
        // Facade code raises what it raises, and passes on compartment code's own
        // exceptions (a callback's) as they are: see the caveats.
        Depth::Facade => Ok(exc.clone()),
    };
    match safe {
        Ok(safe) => PyErr::from_value(safe),
        Err(_) => unsafe_to_pass_on(&exc),
    }
}

/// The error that stands for `exc` when it cannot be made safe to pass on.
pub(crate) fn unsafe_to_pass_on(exc: &Bound<'_, PyAny>) -> PyErr {
    PyRuntimeError::new_err(format!(
        "{} raised inside a sealed object could not be made safe to pass on",
        class_name(exc)
    ))
}

/// Cuts a shallow seal's exception off from the frames and exceptions of the inside, and
/// puts the wrapper where the exception held the inner object: in its arguments, its
/// instance attributes and notes, and likewise in the exceptions it carries (a group's
/// members, exceptions among its arguments or attributes), down to [`NESTING_LIMIT`].
fn strip(wrapper: &Bound<'_, Sealed>, exc: &Bound<'_, PyAny>) -> PyResult<()> {
    strip_within(wrapper, exc, &mut Vec::new())
}

fn strip_within<'py>(
    wrapper: &Bound<'py, Sealed>,
    exc: &Bound<'py, PyAny>,
    seen: &mut Vec<Bound<'py, PyAny>>,
) -> PyResult<()> {
    let py = wrapper.py();
    if seen.iter().any(|done| done.is(exc)) {
        return Ok(());
    }
    if seen.len() == NESTING_LIMIT {
        return Err(PyRuntimeError::new_err(
            "an exception carries too many exceptions to be made safe",
        ));
    }
    seen.push(exc.clone());
    // SAFETY: `exc` is a live exception instance. `PyException_SetTraceback` takes a borrowed
    // traceback or None and can only fail for a non-traceback argument; `SetContext` and
    // `SetCause` steal their argument, and NULL clears the field.
    unsafe {
        ffi::PyException_SetTraceback(exc.as_ptr(), ffi::Py_None());
        ffi::PyException_SetContext(exc.as_ptr(), std::ptr::null_mut());
        ffi::PyException_SetCause(exc.as_ptr(), std::ptr::null_mut());
    }
    // Each value the exception holds: the wrapper for the inner object, exceptions stripped.
    let mut safe = |value: Bound<'py, PyAny>| -> PyResult<(Bound<'py, PyAny>, bool)> {
        if let Some(view) = Sealed::holder_view(wrapper, &value)? {
            return Ok((view, true));
        }
        if value.is_instance_of::<pyo3::exceptions::PyBaseException>() {
            strip_within(wrapper, &value, seen)?;
        }
        Ok((value, false))
    };
    let args = exc.getattr(intern!(py, "args"))?.cast_into::<PyTuple>()?;
    let mut replaced = false;
    let mut safe_args = Vec::with_capacity(args.len());
    for arg in args.iter() {
        let (arg, changed) = safe(arg)?;
        replaced |= changed;
        safe_args.push(arg);
    }
    if replaced {
        exc.setattr(intern!(py, "args"), PyTuple::new(py, safe_args)?)?;
    }
    // A group's members, stripped where they are (its arguments hold them in a sequence).
    if is_exception_group(exc)? {
        for member in exc.getattr(intern!(py, "exceptions"))?.try_iter()? {
            safe(member?)?;
        }
    }
    if let Ok(attributes) = exc.getattr(intern!(py, "__dict__"))?.cast_into::<PyDict>() {
        // Taken before any is replaced: stripping may run code that changes the dict.
        let items: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)> = attributes
            .items()
            .iter()
            .map(|pair| pair.extract())
            .collect::<PyResult<_>>()?;
        for (name, value) in items {
            let (value, changed) = safe(value)?;
            if changed {
                attributes.set_item(name, value)?;
            }
        }
    }
    if let Some(notes) = exc.getattr_opt(intern!(py, "__notes__"))?
        && let Ok(notes) = notes.cast::<PyList>()
    {
        for index in 0..notes.len() {
            let (note, changed) = safe(notes.get_item(index)?)?;
            if changed {
                notes.set_item(index, note)?;
            }
        }
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

/// Who receives a rebuilt exception.
#[derive(Clone, Copy)]
pub(crate) enum Holder<'a, 'py> {
    /// The holder of a deep seal: the exception keeps its class, and loses its frames.
    DeepSeal,
    /// Compartment code, which may see neither the frames nor the classes of the host, but
    /// the exception classes in `catchable`, which the host handed it.
    Plugin { catchable: &'a [Bound<'py, PyType>] },
    /// Host code, which may see the plugin's frames but not run its methods unasked.
    Host { catchable: &'a [Bound<'py, PyType>] },
}

/// A new exception standing for `exc`, with what `holder` may see of it: its values passed
/// through `hand_out`, as the wrapper or the membrane hands values out.
pub(crate) fn rebuild<'py>(
    exc: &Bound<'py, PyAny>,
    holder: Holder<'_, 'py>,
    hand_out: &dyn Fn(&Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    rebuild_once(exc, holder, hand_out, 0, &Copies::default())
}

/// A new exception standing for `exc` (or the one already made for it in this rebuild).
fn rebuild_once<'py>(
    exc: &Bound<'py, PyAny>,
    holder: Holder<'_, 'py>,
    hand_out: &dyn Fn(&Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
    level: usize,
    done: &Copies<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(rebuilt) = done.get(exc) {
        return Ok(rebuilt);
    }
    let py = exc.py();
    // A group or a chain of causes nested deeper than this (or holding itself) would
    // overflow the native stack: it is refused, and the holder gets the RuntimeError.
    if level > NESTING_LIMIT {
        return Err(PyRuntimeError::new_err("exceptions nested too deep"));
    }
    let class = match holder {
        Holder::DeepSeal => exc.get_type(),
        Holder::Plugin { catchable } | Holder::Host { catchable } => {
            nearest_known_class(&exc.get_type(), catchable)?
        }
    };
    let args = exc.getattr("args")?.cast_into::<PyTuple>()?;
    let args = if is_exception_group(exc)? {
        // A group's arguments are its message and sub-exceptions, which stay exceptions.
        let message = hand_out(&args.get_item(0)?)?;
        let mut members = Vec::new();
        for member in exc.getattr("exceptions")?.try_iter()? {
            members.push(rebuild_once(&member?, holder, hand_out, level + 1, done)?);
        }
        PyTuple::new(py, [message, PyList::new(py, members)?.into_any()])?
    } else {
        let crossed: PyResult<Vec<_>> = args.iter().map(|arg| hand_out(&arg)).collect();
        PyTuple::new(py, crossed?)?
    };
    // Through the constructor, as `raise Class(*args)` makes it: built-in exceptions keep
    // fields that only their `__init__` sets (`StopIteration.value`, read by the interpreter
    // without a check: a bare `__new__` left it NULL and crashed `await` and `yield from`).
    // A class whose constructor does not take its own `args` cannot be rebuilt, and the
    // holder gets the RuntimeError that says so.
    let rebuilt = class.call1(&args)?;
    if !rebuilt.is_instance(&class)? {
        return Err(PyRuntimeError::new_err(
            "the constructor returned another class",
        ));
    }
    rebuilt.setattr("args", &args)?;
    if let Ok(dict) = exc.getattr("__dict__")
        && let Ok(dict) = dict.cast::<PyDict>()
    {
        for (key, value) in dict {
            if names::is_public(&key, None) {
                rebuilt.setattr(key.cast::<PyString>()?, hand_out(&value)?)?;
            }
        }
    }
    if exc.is_instance_of::<PyAttributeError>() {
        rebuilt.setattr("name", hand_out(&exc.getattr("name")?)?)?;
        rebuilt.setattr("obj", hand_out(&exc.getattr("obj")?)?)?;
    }
    if let Holder::Host { .. } = holder {
        keep_history(exc, &rebuilt, holder, hand_out, level, done)?;
        let raised = exc.get_type();
        // Python 3.10 has no notes: there the traceback alone shows where it came from.
        if !raised.is(&class) && rebuilt.hasattr("add_note")? {
            let note = format!("raised in a compartment as {}", raised.qualname()?);
            rebuilt.call_method1("add_note", (note,))?;
        }
    }
    done.remember(exc, &rebuilt);
    Ok(rebuilt)
}

/// Gives the host's copy of `exc` its traceback (the plugin's frames, for a person to debug)
/// and its cause and context, rebuilt in turn; one that cannot be rebuilt (a chain too long)
/// stands as the `RuntimeError` that says so.
fn keep_history<'py>(
    exc: &Bound<'py, PyAny>,
    rebuilt: &Bound<'py, PyAny>,
    holder: Holder<'_, 'py>,
    hand_out: &dyn Fn(&Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
    level: usize,
    done: &Copies<'py>,
) -> PyResult<()> {
    let py = exc.py();
    let history = |field: &str| -> Option<Bound<'py, PyAny>> {
        let earlier = exc.getattr(field).ok()?;
        if earlier.is_none() {
            return None;
        }
        let rebuilt = rebuild_once(&earlier, holder, hand_out, level + 1, done);
        Some(rebuilt.unwrap_or_else(|_| {
            unsafe_to_pass_on(&earlier)
                .into_value(py)
                .into_bound(py)
                .into_any()
        }))
    };
    let cause = history("__cause__");
    let context = history("__context__");
    let suppress = exc.getattr("__suppress_context__")?;
    // SAFETY: `rebuilt` and `exc` are live exceptions; `SetTraceback` takes a borrowed
    // traceback or None; `SetCause` and `SetContext` steal a new reference, or clear the
    // field with NULL.
    unsafe {
        let traceback = ffi::PyException_GetTraceback(exc.as_ptr());
        if !traceback.is_null() {
            ffi::PyException_SetTraceback(rebuilt.as_ptr(), traceback);
            ffi::Py_DECREF(traceback);
        }
        ffi::PyException_SetCause(
            rebuilt.as_ptr(),
            cause.map_or(std::ptr::null_mut(), Bound::into_ptr),
        );
        ffi::PyException_SetContext(
            rebuilt.as_ptr(),
            context.map_or(std::ptr::null_mut(), Bound::into_ptr),
        );
    }
    // `SetCause` also sets `__suppress_context__`: the original's is what `raise` decided.
    rebuilt.setattr("__suppress_context__", suppress)
}

/// The first class in `class`'s MRO that the interpreter or ocapy defines (a static type,
/// `ExceptionGroup`, `CapabilityError`...), or one of `catchable`: its methods are theirs or
/// the host's own choice, so neither side runs the other's code through the rebuilt
/// exception. A host's `class ApiError(ValueError)` reaches a plugin as the `ValueError` it
/// is, and a plugin's exception class, or one a facade built for it (enum's functional API),
/// reaches the host the same way.
fn nearest_known_class<'py>(
    class: &Bound<'py, PyType>,
    catchable: &[Bound<'py, PyType>],
) -> PyResult<Bound<'py, PyType>> {
    let py = class.py();
    let builtins = PyModule::import(py, intern!(py, "builtins"))?;
    let mut defined_at_run_time = vec![
        py.get_type::<CapabilityError>(),
        py.get_type::<AccessViolation>(),
        py.get_type::<SearchIncomplete>(),
    ];
    if let Some(group) = builtins.getattr_opt(intern!(py, "ExceptionGroup"))? {
        defined_at_run_time.push(group.cast_into::<PyType>()?);
    }
    for base in class.mro().iter() {
        // SAFETY: reads the flags of a live type object.
        let is_static =
            unsafe { ffi::PyType_GetFlags(base.as_ptr().cast()) & ffi::Py_TPFLAGS_HEAPTYPE == 0 };
        let known = |classes: &[Bound<'py, PyType>]| classes.iter().any(|known| known.is(&base));
        if is_static || known(&defined_at_run_time) || known(catchable) {
            return Ok(base.cast_into::<PyType>()?);
        }
    }
    Err(PyRuntimeError::new_err(
        "an exception class with no base the interpreter defines",
    ))
}
