//! Classes in a compartment get Python 2's safe unbound methods back.
//!
//! Python 3 removed unbound methods: `C.f` is the raw function, and `C.f(other)` runs C's
//! method on any object, reading *its* private fields. Every class statement in a
//! compartment goes through the compartment's `__build_class__`, which gives the class a
//! metaclass (`CompartmentClass`, native) whose attribute lookup hands out a
//! [`CheckedMethod`] for a plain function and a [`PropertyView`] for a property. Lookups on
//! instances never touch the metaclass, so `c.f()` costs what it costs on a plain class; the
//! real `__build_class__` still builds the class, so `__classcell__`, zero-argument `super()`,
//! `__init_subclass__` and `__set_name__` work as usual.
//!
//! A class from a module facade (`fractions.Fraction`, `json.JSONEncoder`) is handed out as a
//! [`ClassView`] with the same checks, since its metaclass is not ours.

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::{CapabilityError, ObjectCache, host, is_public_name, refused_name};
use crate::capi::{_PyType_Lookup, bind_method};
use crate::metaclass::native_metaclass;

static COMPARTMENT_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// Metaclasses combining ours with a base's own (`EnumType`, `ABCMeta` ...), by the base's.
static COMBINED: ObjectCache<usize, PyType> = ObjectCache::new(usize::MAX);

/// The metaclass of every class a compartment builds.
pub(crate) fn compartment_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    COMPARTMENT_CLASS
        .get_or_try_init(py, || {
            native_metaclass(
                py,
                c"ocapy.CompartmentClass",
                c"The metaclass of classes built in an ocapy compartment: a method read from the class is a checked unbound method.",
                &[ffi::PyType_Slot {
                    slot: ffi::Py_tp_getattro,
                    pfunc: class_getattro as *mut _,
                }],
            )
        })
        .map(|class| class.bind(py))
}

/// `tp_getattro` of `CompartmentClass`: `type`'s lookup, with functions and properties
/// handed out checked.
unsafe extern "C" fn class_getattro(
    class: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls tp_getattro with the GIL held, a live type object (an instance of
    // this metaclass) and a name; `type`'s own tp_getattro is always set.
    unsafe {
        let generic = ffi::PyType_Type.tp_getattro.expect("type has tp_getattro");
        let value = generic(class, name);
        if value.is_null() {
            return value;
        }
        let py = Python::assume_attached();
        let class = Bound::from_borrowed_ptr(py, class).cast_into_unchecked::<PyType>();
        let value = Bound::from_owned_ptr(py, value);
        let name = Bound::from_borrowed_ptr(py, name);
        match checked_attribute(&class, &name, value) {
            Ok(value) => value.into_ptr(),
            Err(error) => {
                error.restore(py);
                std::ptr::null_mut()
            }
        }
    }
}

/// What reading `name` on `class` gives untrusted code, `value` being what `type` gives: a
/// plain function becomes a checked unbound method, a property a view without raw
/// accessors. Single-underscore names and `__new__` are left alone: untrusted code cannot
/// read them (the verifier and the tamed `getattr` see to that), and library code reads them
/// through the class and calls them without an instance (`Enum`'s `__new__` and
/// `_generate_next_value_`).
fn checked_attribute<'py>(
    class: &Bound<'py, PyType>,
    name: &Bound<'py, PyAny>,
    value: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    // SAFETY: a type check on a live object.
    let is_function = unsafe { ffi::PyFunction_Check(value.as_ptr()) != 0 };
    // SAFETY: a type check on a live object.
    let is_property =
        unsafe { ffi::PyObject_TypeCheck(value.as_ptr(), &raw mut ffi::PyProperty_Type) != 0 };
    if !(is_function || is_property) {
        return Ok(value);
    }
    let checked = name
        .cast::<PyString>()
        .is_ok_and(|name| name.to_str().is_ok_and(is_checked_name));
    if !checked {
        return Ok(value);
    }
    // SAFETY: both are live objects; the result is borrowed (or NULL, without an exception).
    let raw = unsafe { _PyType_Lookup(class.as_ptr().cast(), name.as_ptr()) };
    if is_function {
        // SAFETY: a type check on a live object.
        let is_static = !raw.is_null()
            && unsafe { ffi::Py_IS_TYPE(raw, &raw mut ffi::PyStaticMethod_Type) != 0 };
        if is_static {
            return Ok(value);
        }
        return checked_method(class, value);
    }
    // A property read from the class is the property itself (its `__get__` gives itself).
    if raw != value.as_ptr() {
        return Ok(value);
    }
    Ok(Bound::new(
        py,
        PropertyView {
            owner: class.clone().unbind(),
            property: value.unbind(),
        },
    )?
    .into_any())
}

/// Whether a method of this name is checked when read from its class: public names and
/// dunders, but not `__new__` (a static method by definition, called with the class).
fn is_checked_name(name: &str) -> bool {
    let dunder = name.len() > 4 && name.starts_with("__") && name.ends_with("__");
    (dunder && name != "__new__") || !name.starts_with('_')
}

/// Checked methods handed out, by class and function: one per pair, shared (they are
/// immutable), so that reading `C.f` allocates nothing after the first time. Bounded; a
/// class whose methods were read stays alive until the cache is cleared.
static CHECKED: ObjectCache<(usize, usize), CheckedMethod> = ObjectCache::new(1 << 16);

fn checked_method<'py>(
    class: &Bound<'py, PyType>,
    function: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let key = (class.as_ptr() as usize, function.as_ptr() as usize);
    if let Some(found) = CHECKED.get(py, &key) {
        return Ok(found.into_any());
    }
    let made = Bound::new(py, CheckedMethod::new(class.clone(), function))?;
    CHECKED.insert(key, made.clone().unbind());
    Ok(made.into_any())
}

/// Whether `type(object)` is `class` or a subclass of it. Stricter than `isinstance`, which
/// believes a `__class__` property, or an ABC a plugin registered a foreign class with.
pub(crate) fn is_instance_by_type(object: &Bound<'_, PyAny>, class: &Bound<'_, PyType>) -> bool {
    // SAFETY: a type check on live objects.
    unsafe { ffi::PyObject_TypeCheck(object.as_ptr(), class.as_type_ptr()) != 0 }
}

/// A method read from its class: callable only with an instance of that class first.
#[pyclass(frozen, module = "ocapy", name = "checked_method")]
pub(crate) struct CheckedMethod {
    owner: Py<PyType>,
    function: Py<PyAny>,
}

#[pymethods]
impl CheckedMethod {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.owner)?;
        visit.call(&self.function)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let owner = self.owner.bind(py);
        let first = args.get_item(0).ok();
        let is_instance = first
            .as_ref()
            .is_some_and(|first| is_instance_by_type(first, owner));
        if !is_instance {
            let got = match &first {
                Some(first) => format!("an instance of {}", first.get_type().name()?),
                None => "no arguments".to_owned(),
            };
            return Err(PyTypeError::new_err(format!(
                "{}() read from its class needs an instance of {} as its first argument, got \
                 {got} (methods read from a compartment class are checked unbound methods)",
                self.qualname(py)?,
                owner.name()?,
            )));
        }
        self.function.bind(py).call(args, kwargs)
    }

    /// As a class attribute of another class, binds like a function (and stays checked).
    fn __get__(
        slf: &Bound<'_, Self>,
        instance: &Bound<'_, PyAny>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        if instance.is_none() {
            return Ok(slf.clone().into_any().unbind());
        }
        Ok(bind_method(slf.as_any(), instance)?.unbind())
    }

    #[getter]
    fn __name__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.function.bind(py).getattr("__name__")?.unbind())
    }

    #[getter]
    fn __qualname__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.function.bind(py).getattr("__qualname__")?.unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<checked method {}>", self.qualname(py)?))
    }
}

impl CheckedMethod {
    pub(crate) fn new(owner: Bound<'_, PyType>, function: Bound<'_, PyAny>) -> Self {
        CheckedMethod {
            owner: owner.unbind(),
            function: function.unbind(),
        }
    }

    fn qualname(&self, py: Python<'_>) -> PyResult<String> {
        self.function.bind(py).getattr("__qualname__")?.extract()
    }
}

/// A property read from its class: its accessors are checked unbound methods.
#[pyclass(frozen, module = "ocapy", name = "property_view")]
pub(crate) struct PropertyView {
    owner: Py<PyType>,
    property: Py<PyAny>,
}

#[pymethods]
impl PropertyView {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.owner)?;
        visit.call(&self.property)
    }

    #[getter]
    fn fget(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.accessor(py, "fget")
    }

    #[getter]
    fn fset(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.accessor(py, "fset")
    }

    #[getter]
    fn fdel(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.accessor(py, "fdel")
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<property view of {}>",
            self.owner.bind(py).name()?
        ))
    }
}

impl PropertyView {
    fn accessor(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        let accessor = self.property.bind(py).getattr(name)?;
        if accessor.is_none() {
            return Ok(accessor.unbind());
        }
        Ok(Bound::new(
            py,
            CheckedMethod {
                owner: self.owner.clone_ref(py),
                function: accessor.unbind(),
            },
        )?
        .into_any()
        .unbind())
    }
}

/// A class exported by a module facade, seen the way a compartment class is: public
/// attributes only, methods checked. Calling it, `isinstance`, subscripting and subclassing
/// (through `__mro_entries__`, so the subclass is built on the real class) work as usual.
#[pyclass(frozen, module = "ocapy", name = "class_view")]
pub(crate) struct ClassView {
    class: Py<PyType>,
}

impl ClassView {
    pub(crate) fn new(class: Bound<'_, PyType>) -> Self {
        ClassView {
            class: class.unbind(),
        }
    }
}

#[pymethods]
impl ClassView {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.class)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.class.bind(py).call(args, kwargs)
    }

    fn __getattr__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let class = self.class.bind(py);
        if let Some(why) = refused_name(name.to_str()?) {
            return Err(CapabilityError::new_err(format!(
                "{}.{name} is refused in a compartment: {why}",
                class.name()?
            )));
        }
        let value = class.getattr(name)?;
        checked_attribute(class, name.as_any(), value)
    }

    fn __instancecheck__(&self, py: Python<'_>, instance: &Bound<'_, PyAny>) -> PyResult<bool> {
        instance.is_instance(self.class.bind(py))
    }

    fn __subclasscheck__(&self, py: Python<'_>, subclass: &Bound<'_, PyAny>) -> PyResult<bool> {
        let subclass = match subclass.cast::<ClassView>() {
            Ok(view) => view.get().class.bind(py).clone().into_any(),
            Err(_) => subclass.clone(),
        };
        subclass.cast::<PyType>()?.is_subclass(self.class.bind(py))
    }

    fn __mro_entries__<'py>(
        &self,
        py: Python<'py>,
        _bases: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, [self.class.bind(py)])
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.class.bind(py).as_any().get_item(item)
    }

    fn __or__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.class.bind(py).as_any().bitor(other)
    }

    fn __ror__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        other.bitor(self.class.bind(py))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<class view {}>", self.class.bind(py).repr()?))
    }
}

/// Whether a facade must hand out `class` as a [`ClassView`]: some public name of it reads
/// as a plain function, which on the class itself would run on any object.
pub(crate) fn needs_view(class: &Bound<'_, PyType>) -> PyResult<bool> {
    for name in class.as_any().dir()? {
        let name = name.cast_into::<PyString>()?;
        if !is_public_name(name.to_str()?) {
            continue;
        }
        let Ok(value) = class.getattr(&name) else {
            continue;
        };
        let checked = checked_attribute(class, name.as_any(), value.clone())?;
        if !checked.is(&value) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The compartment's `__build_class__`: the real one, with a metaclass derived from ours.
#[pyfunction(name = "__build_class__", signature = (function, name, *bases, **keywords))]
pub(crate) fn build_class<'py>(
    py: Python<'py>,
    function: &Bound<'py, PyAny>,
    name: &Bound<'py, PyAny>,
    bases: &Bound<'py, PyTuple>,
    keywords: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let keywords = match keywords {
        Some(keywords) => keywords.copy()?,
        None => PyDict::new(py),
    };
    let explicit = match keywords.get_item("metaclass")? {
        None => None,
        Some(metaclass) => Some(metaclass.cast_into::<PyType>().map_err(|_| {
            PyTypeError::new_err(format!(
                "class {name}: a metaclass that is not a class is refused in a compartment"
            ))
        })?),
    };
    let metaclass = derive_metaclass(name, explicit, &resolve_bases(bases)?)?;
    keywords.set_item("metaclass", metaclass)?;
    let real = host(py)?.builtins.bind(py).getattr("__build_class__")?;
    let mut arguments = vec![function.clone(), name.clone()];
    arguments.extend(bases.iter());
    real.call(PyTuple::new(py, arguments)?, Some(&keywords))
}

/// The bases the class will have: `__mro_entries__` applied, as `types.resolve_bases` does.
fn resolve_bases<'py>(bases: &Bound<'py, PyTuple>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let mut resolved = Vec::with_capacity(bases.len());
    for base in bases.iter() {
        if base.is_instance_of::<PyType>() {
            resolved.push(base);
            continue;
        }
        match base.getattr_opt("__mro_entries__")? {
            Some(entries) => resolved.extend(entries.call1((bases,))?.cast_into::<PyTuple>()?),
            None => resolved.push(base),
        }
    }
    Ok(resolved)
}

/// The most derived of the explicit metaclass and the bases' (as `type` computes it),
/// combined with `CompartmentClass` unless it derives from it already.
fn derive_metaclass<'py>(
    name: &Bound<'py, PyAny>,
    explicit: Option<Bound<'py, PyType>>,
    bases: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyType>> {
    let py = name.py();
    let plain = py.get_type::<PyType>();
    let mut winner = explicit.unwrap_or_else(|| plain.clone());
    for base in bases {
        let candidate = base.get_type();
        if winner.is_subclass(&candidate)? {
            continue;
        }
        if !candidate.is_subclass(&winner)? {
            return Err(PyTypeError::new_err(format!(
                "class {name}: metaclass conflict: the metaclass of a derived class must be a \
                 (non-strict) subclass of the metaclasses of all its bases ({} and {})",
                winner.name()?,
                candidate.name()?
            )));
        }
        winner = candidate;
    }
    let ours = compartment_class(py)?;
    if winner.is_subclass(ours)? {
        Ok(winner)
    } else if winner.is(&plain) {
        Ok(ours.clone())
    } else {
        combined(&winner, name)
    }
}

/// `CompartmentClass` combined with another metaclass, made once per metaclass.
fn combined<'py>(
    other: &Bound<'py, PyType>,
    class_name: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyType>> {
    let py = other.py();
    let key = other.as_ptr() as usize;
    if let Some(found) = COMBINED.get(py, &key) {
        return Ok(found);
    }
    let ours = compartment_class(py)?;
    let name = format!("Compartment{}", other.name()?);
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "ocapy")?;
    let made = py
        .get_type::<PyType>()
        .call1((name, (ours, other), namespace))
        .and_then(|made| Ok(made.cast_into::<PyType>()?))
        .map_err(|error| {
            let message = format!(
                "class {class_name}: its metaclass {} cannot be combined with the \
                 compartment's class checks: {error}",
                other.repr().map_or_else(|_| "?".into(), |r| r.to_string())
            );
            let wrapped = PyTypeError::new_err(message);
            wrapped.set_cause(py, Some(error));
            wrapped
        })?;
    COMBINED.insert(key, made.clone().unbind());
    Ok(made)
}
