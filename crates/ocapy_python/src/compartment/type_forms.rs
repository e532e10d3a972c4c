//! Type forms a compartment's code holds: `typing`'s aliases and special forms
//! (`typing.Mapping`, `Optional[int]`, `Counter[str]`), behind a read-only view.
//!
//! A typing alias forwards attribute reads and writes it does not know to its origin class:
//! `Mapping[str, str].get = f` rewrites `collections.abc.Mapping.get` for the whole process,
//! and reading it hands out the raw function. So a compartment never holds one raw: the
//! facade exports them as [`TypeForm`]s, and subscripting or `|` on a class view or a type
//! form gives a type form again. A type form subscripts, unites, calls, is a base
//! (`__mro_entries__`), tests instances and compares as the real one; it reads only the
//! dunder names that describe it (`__origin__`, `__args__`...), each seen through a view in
//! turn, and writes nothing. What it is given crosses as the typing module takes it: types,
//! type forms, type variables and plain data, but no other object, whose `__eq__` and
//! `__hash__` typing's caches would run against the host's own keys.

use pyo3::exceptions::{PyAttributeError, PyBaseException};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyIterator, PyList, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::classes::ClassView;
use super::{Access, CapabilityError, refused_name_on, refused_write};
use crate::membrane::NESTING_LIMIT;
use crate::seal::is_primitive;

/// A typing alias or special form, seen by compartment code.
#[pyclass(frozen, module = "ocapy", name = "type_form")]
pub(crate) struct TypeForm {
    form: Py<PyAny>,
}

/// The attributes that describe a type form, which typing's own introspection reads.
const DESCRIBING: &[&str] = &[
    "__args__",
    "__bound__",
    "__constraints__",
    "__contravariant__",
    "__covariant__",
    "__doc__",
    "__metadata__",
    "__module__",
    "__name__",
    "__origin__",
    "__parameters__",
    "__qualname__",
];

#[pymethods]
impl TypeForm {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.form)
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        seen(&self.form.bind(py).get_item(given(item)?)?)
    }

    /// As the form iterates (`*tuple[int]` unpacks one), each item seen through a view; a
    /// form that does not iterate raises as it would, rather than `__getitem__` making the
    /// view an endless sequence.
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        let items = self
            .form
            .bind(py)
            .try_iter()?
            .map(|item| seen(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)?.as_any().try_iter()
    }

    fn __or__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        seen(&self.form.bind(py).bitor(given(other)?)?)
    }

    fn __ror__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        seen(&given(other)?.bitor(self.form.bind(py))?)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = given(args.as_any())?.cast_into::<PyTuple>()?;
        let given_kwargs = PyDict::new(py);
        for (name, value) in kwargs.into_iter().flatten() {
            given_kwargs.set_item(name, given(&value)?)?;
        }
        seen(&self.form.bind(py).call(args, Some(&given_kwargs))?)
    }

    /// The real bases, so that `class C(Mapping[str, int])` is built on the real classes,
    /// as a class view's subclass is.
    fn __mro_entries__<'py>(
        &self,
        py: Python<'py>,
        bases: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.form
            .bind(py)
            .getattr(intern!(py, "__mro_entries__"))?
            .call1((given(bases)?,))
    }

    fn __instancecheck__(&self, py: Python<'_>, instance: &Bound<'_, PyAny>) -> PyResult<bool> {
        instance.is_instance(self.form.bind(py))
    }

    fn __subclasscheck__(&self, py: Python<'_>, subclass: &Bound<'_, PyAny>) -> PyResult<bool> {
        given(subclass)?
            .cast::<PyType>()?
            .is_subclass(self.form.bind(py))
    }

    fn __richcmp__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
        op: CompareOp,
    ) -> PyResult<Bound<'py, PyAny>> {
        // Only with what typing may be given: handed anything else, the real form answers
        // NotImplemented, and Python would ask the other operand with the raw form. The
        // other operand is asked with this view instead.
        match (op, given(other)) {
            (CompareOp::Eq | CompareOp::Ne, Ok(other)) => {
                self.form.bind(py).rich_compare(other, op)
            }
            _ => Ok(py.NotImplemented().into_bound(py)),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.form.bind(py).hash()
    }

    fn __getattr__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = name.to_str()?;
        if !DESCRIBING.contains(&text) {
            let why =
                refused_name_on(text, Access::Read, self.form.bind(py)).unwrap_or_else(|| {
                    format!(
                        "a type form reads only what describes it ({}); its other attributes are \
                     its origin class's, which the class itself hands out checked",
                        DESCRIBING.join(", ")
                    )
                });
            // An AttributeError, as typing's own probes (`hasattr(t, "__typing_subst__")`)
            // of what a base or an argument is expect.
            return Err(PyAttributeError::new_err(format!(
                "{}.{text} is refused in a compartment: {why}",
                self.form.bind(py).repr()?
            )));
        }
        seen(&self.form.bind(py).getattr(name)?)
    }

    fn __setattr__(&self, py: Python<'_>, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(refused_write(self.form.bind(py), name, SHARED_FORM))
    }

    fn __delattr__(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        Err(refused_write(self.form.bind(py), name, SHARED_FORM))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.form.bind(py).repr()?.to_string())
    }
}

const SHARED_FORM: &str = "the host and every compartment share it, and a typing alias passes \
    the write on to its origin class";

/// `value`, a result of typing or something a type form describes itself with, as
/// compartment code holds it: a type form (but a type variable) in a view; a class other
/// than the interpreter's own (which cannot be written to) or an exception class (which
/// `except` needs real) in a class view; tuples and lists item by item; anything else as it
/// is.
pub(crate) fn seen<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    seen_within(value, 0)
}

fn seen_within<'py>(value: &Bound<'py, PyAny>, level: usize) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if let Ok(class) = value.cast::<PyType>() {
        // SAFETY: reads the flags of a live type object.
        let is_static =
            unsafe { ffi::PyType_GetFlags(class.as_type_ptr()) & ffi::Py_TPFLAGS_HEAPTYPE == 0 };
        if is_static || class.is_subclass_of::<PyBaseException>()? {
            return Ok(value.clone());
        }
        return super::class_view(class);
    }
    // A type variable forwards nothing, and a generic class needs its own ones raw.
    if is_type_form(value)? && !is_type_variable(value)? {
        let form = TypeForm {
            form: value.clone().unbind(),
        };
        return Ok(Bound::new(py, form)?.into_any());
    }
    Ok(item_by_item(value, level, seen_within)?.unwrap_or_else(|| value.clone()))
}

/// An exact tuple or list with `each` applied to its items (one level deeper), or `None` for
/// anything else. One nested past the membrane's limit, or holding itself, is refused.
fn item_by_item<'py>(
    value: &Bound<'py, PyAny>,
    level: usize,
    each: fn(&Bound<'py, PyAny>, usize) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = value.py();
    let is_tuple = value.is_exact_instance_of::<PyTuple>();
    if !is_tuple && !value.is_exact_instance_of::<PyList>() {
        return Ok(None);
    }
    if level == NESTING_LIMIT {
        return Err(CapabilityError::new_err(format!(
            "a type form's arguments are nested more than {NESTING_LIMIT} levels deep, or \
             contain themselves"
        )));
    }
    let items = value
        .try_iter()?
        .map(|item| each(&item?, level + 1))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Some(if is_tuple {
        PyTuple::new(py, items)?.into_any()
    } else {
        PyList::new(py, items)?.into_any()
    }))
}

/// A facade's export, as compartment code holds it: as [`seen`] makes it, but a type
/// variable (`typing.AnyStr`, shared by every compartment, and writable) in a view too.
pub(crate) fn seen_exported<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if is_type_variable(value)? {
        let form = TypeForm {
            form: value.clone().unbind(),
        };
        return Ok(Bound::new(value.py(), form)?.into_any());
    }
    seen(value)
}

/// Whether `value` is an alias or special form of `typing`, or a generic alias such as
/// `collections.Counter[str]` (by its real type): what forwards attribute reads, and for
/// typing's also writes, to classes the host shares.
pub(crate) fn is_type_form(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(!value.is_instance_of::<PyType>() && is_of_kind(value, forwarding_kinds(value.py())?))
}

/// `typing._Final` (the base of typing's aliases, special forms and, before 3.12, type
/// variables) and `types.GenericAlias`.
fn forwarding_kinds(py: Python<'_>) -> PyResult<&[Py<PyType>]> {
    static KINDS: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();
    let kinds = KINDS.get_or_try_init(py, || {
        classes_named(py, &[("typing", "_Final"), ("types", "GenericAlias")])
    })?;
    Ok(kinds)
}

/// The classes of these (module, name) pairs that this interpreter has.
fn classes_named(py: Python<'_>, names: &[(&str, &str)]) -> PyResult<Vec<Py<PyType>>> {
    let mut classes = Vec::new();
    for &(module, name) in names {
        if let Some(class) = py.import(module)?.getattr_opt(name)? {
            classes.push(class.cast_into::<PyType>()?.unbind());
        }
    }
    Ok(classes)
}

/// Whether the real type of `value` is one of `kinds` or a subclass of one.
fn is_of_kind(value: &Bound<'_, PyAny>, kinds: &[Py<PyType>]) -> bool {
    let py = value.py();
    // SAFETY: live objects; `PyType_IsSubtype` only reads the MRO of the real type.
    kinds.iter().any(|kind| unsafe {
        ffi::PyType_IsSubtype(ffi::Py_TYPE(value.as_ptr()), kind.bind(py).as_type_ptr()) != 0
    })
}

/// What compartment code hands a type form, as typing receives it: views unwrapped, tuples
/// and lists item by item; types, type forms and plain data as they are. Any other object is
/// refused: typing's caches would hash it and compare it with the keys the host made.
pub(crate) fn given<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    given_within(value, 0)
}

fn given_within<'py>(value: &Bound<'py, PyAny>, level: usize) -> PyResult<Bound<'py, PyAny>> {
    let inner = behind_view(value);
    if is_primitive(inner.as_ptr()) || inner.is_instance_of::<PyType>() || is_type_form(&inner)? {
        return Ok(inner);
    }
    if let Some(items) = item_by_item(&inner, level, given_within)? {
        return Ok(items);
    }
    if is_type_variable(&inner)? {
        return Ok(inner);
    }
    Err(CapabilityError::new_err(format!(
        "a type form takes types, type forms, type variables and plain values (None, bool, \
         int, float, complex, str, bytes) in a compartment, not a '{}' object: typing would \
         hash it and compare it with the host's own",
        inner.get_type().qualname()?
    )))
}

/// A type variable, parameter specification or type-variable tuple, by its real type (from
/// 3.12 these are no `typing._Final`).
fn is_type_variable(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(is_of_kind(value, type_variable_kinds(value.py())?))
}

fn type_variable_kinds(py: Python<'_>) -> PyResult<&[Py<PyType>]> {
    static KINDS: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();
    let kinds = KINDS.get_or_try_init(py, || {
        classes_named(
            py,
            &[
                ("typing", "TypeVar"),
                ("typing", "ParamSpec"),
                ("typing", "TypeVarTuple"),
            ],
        )
    })?;
    Ok(kinds)
}

/// Finds the kinds of type forms while host code runs: found first from compartment code,
/// the import would go through the compartment's `__import__`.
pub(crate) fn prepare(py: Python<'_>) -> PyResult<()> {
    forwarding_kinds(py)?;
    type_variable_kinds(py)?;
    Ok(())
}

/// The object behind a class view or type form; anything else itself.
pub(crate) fn behind_view<'py>(value: &Bound<'py, PyAny>) -> Bound<'py, PyAny> {
    let py = value.py();
    if let Ok(form) = value.cast_exact::<TypeForm>() {
        return form.get().form.bind(py).clone();
    }
    ClassView::inner(value).unwrap_or_else(|| value.clone())
}
