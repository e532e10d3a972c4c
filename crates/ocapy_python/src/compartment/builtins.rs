//! A compartment's builtins: the verifier's builtins table made into a dict.
//!
//! `Allow` entries are the interpreter's own objects; `Tame` entries are the native versions
//! below; `Deny` entries are absent, except `__build_class__` and `__import__`, which the
//! compartment supplies natively (see `classes` and `imports`).

use ocapy_verifier::tables::builtins::{BUILTINS, Policy};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyList, PyString, PySuper, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::classes::{CheckedMethod, build_class, is_instance_by_type};
use super::imports::ImportGate;
use super::{Access, CapabilityError, check_public, host, is_public_name};
use crate::membrane::{self, CompartmentId};
use crate::seal::exact_str;

/// The builtins of a new compartment, with `print` and `__import__` given.
pub(crate) fn compartment_builtins<'py>(
    py: Python<'py>,
    print: Bound<'py, PyAny>,
    import: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let real = host(py)?.builtins.bind(py);
    let builtins = PyDict::new(py);
    for entry in BUILTINS {
        let value = match entry.policy {
            Policy::Deny => continue,
            Policy::Allow => match real.getattr_opt(entry.name)? {
                Some(value) => value,
                // Newer than the running interpreter (`PythonFinalizationError`).
                None => continue,
            },
            Policy::Tame => tamed(py, entry.name, &print)?,
        };
        builtins.set_item(entry.name, value)?;
    }
    builtins.set_item("__build_class__", wrap_pyfunction!(build_class, py)?)?;
    builtins.set_item("__import__", import)?;
    Ok(builtins)
}

/// The native version of a `Tame` builtin. Functions are made without a module, so their
/// `__self__` is None rather than `ocapy._native`.
fn tamed<'py>(
    py: Python<'py>,
    name: &str,
    print: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let function: Bound<'py, PyCFunction> = match name {
        "getattr" => wrap_pyfunction!(tamed_getattr, py)?,
        "setattr" => wrap_pyfunction!(tamed_setattr, py)?,
        "delattr" => wrap_pyfunction!(tamed_delattr, py)?,
        "hasattr" => wrap_pyfunction!(tamed_hasattr, py)?,
        "dir" => wrap_pyfunction!(tamed_dir, py)?,
        "super" => wrap_pyfunction!(tamed_super, py)?,
        "type" => wrap_pyfunction!(tamed_type, py)?,
        "print" => return Ok(print.clone()),
        other => {
            // A new `Tame` entry in the table needs its native version here first.
            return Err(PyTypeError::new_err(format!(
                "the builtins table tames `{other}`, but the compartment has no tamed version"
            )));
        }
    };
    Ok(function.into_any())
}

fn real_builtin<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    host(py)?.builtins.bind(py).getattr(name)
}

/// `type(object)`: the class of `object`, as [`membrane::type_into_compartment`] hands it
/// out (the view a facade hands out, so `type(x) is collections.Counter` holds). Building a
/// class, the three-argument form, is refused.
#[pyfunction(name = "type", signature = (*args, **kwargs))]
fn tamed_type<'py>(
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let object = match args.as_slice() {
        [object] if kwargs.is_none_or(|kwargs| kwargs.is_empty()) => object,
        _ => {
            return Err(CapabilityError::new_err(
                "type(name, bases, namespace) builds a class past the compartment's class \
                 statement, which is refused in a compartment: write a class statement \
                 (type(x), with one argument, gives the class of x)",
            ));
        }
    };
    membrane::type_into_compartment(&object.get_type())
}

/// `getattr(object, name[, default])` for public names only.
#[pyfunction(name = "getattr", signature = (object, name, *default))]
fn tamed_getattr<'py>(
    object: &Bound<'py, PyAny>,
    name: &Bound<'py, PyAny>,
    default: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    let name = attribute_name("getattr", Access::Read, object, name)?;
    match default.len() {
        0 => object.getattr(name),
        1 => Ok(object.getattr_opt(name)?.unwrap_or(default.get_item(0)?)),
        count => Err(PyTypeError::new_err(format!(
            "getattr expected at most 3 arguments, got {}",
            count + 2
        ))),
    }
}

/// `hasattr(object, name)` for public names only.
#[pyfunction(name = "hasattr")]
fn tamed_hasattr(object: &Bound<'_, PyAny>, name: &Bound<'_, PyAny>) -> PyResult<bool> {
    object.hasattr(attribute_name("hasattr", Access::Read, object, name)?)
}

/// `setattr(object, name, value)` for public names only.
#[pyfunction(name = "setattr")]
fn tamed_setattr(
    object: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    object.setattr(
        attribute_name("setattr", Access::Write, object, name)?,
        value,
    )
}

/// `delattr(object, name)` for public names only.
#[pyfunction(name = "delattr")]
fn tamed_delattr(object: &Bound<'_, PyAny>, name: &Bound<'_, PyAny>) -> PyResult<()> {
    object.delattr(attribute_name("delattr", Access::Write, object, name)?)
}

/// `name` as an exact `str` that names a public attribute. A `str` subclass is copied
/// first: its own `__hash__` and `__eq__` would otherwise decide which attribute the lookup
/// finds, whatever characters were checked.
fn attribute_name<'py>(
    function: &str,
    access: Access,
    object: &Bound<'py, PyAny>,
    name: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let name = exact_str(name).map_err(|_| {
        PyTypeError::new_err(format!("{function}(): attribute name must be string"))
    })?;
    check_public(name.to_str()?, access, object, function)?;
    Ok(name)
}

/// `dir([object])`: the public names only.
#[pyfunction(name = "dir", signature = (*object))]
fn tamed_dir<'py>(py: Python<'py>, object: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyList>> {
    if object.len() > 1 {
        return Err(PyTypeError::new_err(format!(
            "dir expected at most 1 argument, got {}",
            object.len()
        )));
    }
    // Without an argument the real `dir` lists the innermost Python frame's names: the
    // caller's, since this function has no frame.
    if object.is_empty() {
        refuse_a_host_caller(py, "dir", "pass dir() the object whose names to list")?;
    }
    let names = real_builtin(py, "dir")?.call1(object)?;
    let public = PyList::empty(py);
    for name in names.try_iter()? {
        let name = name?;
        if name
            .cast::<PyString>()
            .is_ok_and(|name| name.to_str().is_ok_and(is_public_name))
        {
            public.append(name)?;
        }
    }
    Ok(public)
}

/// Refuses the argument-free call of `builtin` unless compartment code makes it: the real
/// one reads the innermost Python frame, which is the host's when the compartment hands the
/// builtin itself to host code that calls it back (a grant's `task()`): its local names, for
/// `dir`, or its `self`, for `super`.
fn refuse_a_host_caller(py: Python<'_>, builtin: &str, instead: &str) -> PyResult<()> {
    // SAFETY: GIL held; the running thread's frame is borrowed and made a strong reference
    // before use.
    let frame = unsafe { ffi::PyEval_GetFrame() };
    let compartment_code = !frame.is_null() && {
        // SAFETY: `frame` is a live frame object (non-null, checked above).
        let frame = unsafe { Bound::from_borrowed_ptr(py, frame.cast()) };
        // Compartment code runs with its compartment's builtins, whose `__import__` is the
        // compartment's import gate.
        frame
            .getattr(intern!(py, "f_builtins"))?
            .cast::<PyDict>()
            .ok()
            .and_then(|builtins| builtins.get_item("__import__").ok().flatten())
            .is_some_and(|import| import.is_exact_instance_of::<ImportGate>())
    };
    if compartment_code {
        return Ok(());
    }
    Err(CapabilityError::new_err(format!(
        "{builtin}() without arguments reads its caller's frame, and here host code called it \
         back: {instead}"
    )))
}

/// `super()`: the zero-argument form, and `super(C, self)` with `self` a C, as the
/// interpreter passes them (3.12+ hands `super().f` the class and the first argument). When
/// the bound object is a class (a classmethod, `__new__`), the result hands out checked
/// methods, since `super(C, C).f` is the raw function.
#[pyfunction(name = "super", signature = (*args))]
fn tamed_super<'py>(py: Python<'py>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
    let real = py.get_type::<PySuper>();
    let bound = match args.len() {
        // The real super() reads the innermost Python frame: the caller's.
        0 => {
            refuse_a_host_caller(py, "super", "call super() in the method that needs it")?;
            real.call0()?
        }
        2 => {
            let (class, object) = (args.get_item(0)?, args.get_item(1)?);
            let class = class
                .cast::<PyType>()
                .map_err(|_| PyTypeError::new_err("super() argument 1 must be a type"))?;
            let strict_instance =
                object.is_instance_of::<PyType>() || is_instance_by_type(&object, class);
            if !strict_instance {
                return Err(CapabilityError::new_err(format!(
                    "super({}, obj) is refused in a compartment: obj is a {}, not an instance \
                     of {}",
                    class.name()?,
                    object.get_type().name()?,
                    class.name()?
                )));
            }
            real.call1((class, object))?
        }
        _ => {
            return Err(CapabilityError::new_err(
                "super() is allowed in a compartment only without arguments, in a method",
            ));
        }
    };
    let object = bound.getattr("__self__")?;
    match object.cast_into::<PyType>() {
        Ok(class) => Ok(Bound::new(
            py,
            ClassSuper {
                inner: bound.unbind(),
                class: class.unbind(),
            },
        )?
        .into_any()),
        Err(_) => Ok(bound),
    }
}

/// `super()` bound to a class: attribute reads give checked methods where the real one
/// would give raw functions.
#[pyclass(frozen, module = "ocapy", name = "class_super")]
struct ClassSuper {
    inner: Py<PyAny>,
    class: Py<PyType>,
}

#[pymethods]
impl ClassSuper {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.inner)?;
        visit.call(&self.class)
    }

    fn __getattribute__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = self.inner.bind(py).getattr(name)?;
        // SAFETY: type check on a live object.
        let is_function = unsafe { ffi::PyFunction_Check(value.as_ptr()) != 0 };
        if !is_function || self.is_static(py, name)? {
            return Ok(value);
        }
        Ok(Bound::new(py, CheckedMethod::new(self.class.bind(py).clone(), value))?.into_any())
    }
}

impl ClassSuper {
    /// Whether the entry super() found for `name` is a staticmethod (its function is meant
    /// to be called without an instance).
    fn is_static(&self, py: Python<'_>, name: &Bound<'_, PyString>) -> PyResult<bool> {
        let inner = self.inner.bind(py);
        let start = inner.getattr("__thisclass__")?;
        let mro = inner.getattr("__self_class__")?.getattr("__mro__")?;
        let mut after_start = false;
        for class in mro.try_iter()? {
            let class = class?;
            if !after_start {
                after_start = class.is(&start);
                continue;
            }
            if let Ok(raw) = class.getattr("__dict__")?.get_item(name) {
                return Ok(is_staticmethod(&raw));
            }
        }
        Ok(false)
    }
}

fn is_staticmethod(raw: &Bound<'_, PyAny>) -> bool {
    // SAFETY: type check on a live object.
    unsafe { ffi::Py_IS_TYPE(raw.as_ptr(), &raw mut ffi::PyStaticMethod_Type) != 0 }
}

/// The compartment's `print`: to the host's sink, or to standard output when there is none.
#[pyclass(frozen, module = "ocapy", name = "print")]
pub(crate) struct TamedPrint {
    sink: Option<Py<PyAny>>,
    /// Whose code prints: what the sink raises crosses the membrane into it.
    compartment: CompartmentId,
}

impl TamedPrint {
    pub(crate) fn new(sink: Option<Py<PyAny>>, compartment: CompartmentId) -> Self {
        TamedPrint { sink, compartment }
    }
}

#[pymethods]
impl TamedPrint {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.sink)
    }

    /// With a sink, calls `sink(line)` once per call: the text print would write, without
    /// its final newline. `file=` writes to the given object, as the real print does.
    #[pyo3(signature = (*args, sep = None, end = None, file = None, flush = None))]
    fn __call__(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        sep: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        file: Option<&Bound<'_, PyAny>>,
        flush: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let sink = match (&self.sink, file) {
            (Some(sink), None) => sink.bind(py),
            _ => {
                let options = PyDict::new(py);
                options.set_item("sep", sep)?;
                options.set_item("end", end)?;
                options.set_item("file", file)?;
                if let Some(flush) = flush {
                    options.set_item("flush", flush)?;
                }
                real_builtin(py, "print")?.call(args, Some(&options))?;
                return Ok(());
            }
        };
        let separator = text_option(sep, " ", "sep")?;
        let end = text_option(end, "\n", "end")?;
        let mut line = String::new();
        for (index, argument) in args.iter().enumerate() {
            if index > 0 {
                line.push_str(&separator);
            }
            line.push_str(argument.str()?.to_str()?);
        }
        if end != "\n" {
            line.push_str(&end);
        }
        sink.call1((line,))
            .map_err(|err| membrane::error_into_plugin(py, err, self.compartment))?;
        Ok(())
    }
}

fn text_option(value: Option<&Bound<'_, PyAny>>, default: &str, name: &str) -> PyResult<String> {
    match value {
        Some(value) if !value.is_none() => value
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("{name} must be None or a string"))),
        _ => Ok(default.to_owned()),
    }
}
