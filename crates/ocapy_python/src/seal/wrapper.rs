//! The `Sealed` wrapper: public attributes and public protocols of one inner object.

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::{errors, memo, names, seal};

/// A read-only view of an object's public surface. Immutable, final, without `__dict__`.
#[pyclass(frozen, immutable_type, module = "ocapy", name = "Sealed")]
pub(crate) struct Sealed {
    pub(super) inner: Py<PyAny>,
    /// A membrane: everything handed out is sealed deep, and deep wrappers handed back in
    /// are unwrapped.
    pub(super) deep: bool,
    view: View,
}

/// What the inner object is, which decides how attribute reads and calls behave.
enum View {
    /// Any object; memoized, so one live wrapper per object and depth.
    Object,
    /// A class: plain functions read from it are checked unbound methods, calling it makes
    /// sealed instances. Memoized.
    Class,
    /// A method bound to `owner`'s inner object: a result that is that object comes back as
    /// `owner`. Not memoized (bound methods are new objects on every read).
    Method { owner: Py<Sealed> },
    /// A plain function read from `class`: its first argument must be an instance of it.
    Unbound { class: Py<PyType> },
}

impl Sealed {
    /// A memoized wrapper of `obj` (see [`super::seal`]).
    pub(super) fn new(obj: &Bound<'_, PyAny>, deep: bool) -> Self {
        let view = if obj.is_instance_of::<PyType>() {
            View::Class
        } else {
            View::Object
        };
        Sealed {
            inner: obj.clone().unbind(),
            deep,
            view,
        }
    }

    pub(super) fn is_memoized(&self) -> bool {
        matches!(self.view, View::Object | View::Class)
    }

    /// The object that stands behind results: the owner's for a method, else this one.
    fn owner<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Sealed> {
        match &slf.get().view {
            View::Method { owner } => owner.bind(slf.py()).clone(),
            _ => slf.clone(),
        }
    }

    /// The class whose code is the authority on its instances: sealed instances of it that
    /// the holder passes in arrive unwrapped, as Python 2 and the verifier let a class's
    /// methods read other instances' private state. Callables have no such class.
    fn authority<'py>(slf: &Bound<'py, Self>) -> Option<Bound<'py, PyType>> {
        let py = slf.py();
        match &slf.get().view {
            View::Class => slf.get().inner.bind(py).cast::<PyType>().ok().cloned(),
            View::Unbound { class } => Some(class.bind(py).clone()),
            View::Method { owner } => Some(owner.get().inner.bind(py).get_type()),
            View::Object => {
                let inner = slf.get().inner.bind(py);
                (!is_callable_kind(inner)).then(|| inner.get_type())
            }
        }
    }

    /// A value passed in by the holder, as the inner object receives it.
    fn import<'py>(
        slf: &Bound<'py, Self>,
        authority: Option<&Bound<'py, PyType>>,
        value: &Bound<'py, PyAny>,
    ) -> Bound<'py, PyAny> {
        let Ok(wrapper) = value.cast::<Sealed>() else {
            return value.clone();
        };
        let wrapped = wrapper.get();
        let inner = wrapped.inner.bind(slf.py());
        let same_membrane = slf.get().deep && wrapped.deep;
        let own_instance = authority.is_some_and(|class| is_instance_by_type(inner, class));
        if same_membrane || own_instance {
            inner.clone()
        } else {
            value.clone()
        }
    }

    fn import_args<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<(Bound<'py, PyTuple>, Option<Bound<'py, PyDict>>)> {
        let authority = Self::authority(slf);
        let authority = authority.as_ref();
        let args = if args.iter().any(|arg| arg.is_exact_instance_of::<Sealed>()) {
            let imported = args.iter().map(|arg| Self::import(slf, authority, &arg));
            PyTuple::new(slf.py(), imported.collect::<Vec<_>>())?
        } else {
            args.clone()
        };
        let kwargs = match kwargs {
            Some(kwargs)
                if kwargs
                    .values()
                    .iter()
                    .any(|v| v.is_exact_instance_of::<Sealed>()) =>
            {
                let imported = PyDict::new(slf.py());
                for (key, value) in kwargs {
                    imported.set_item(key, Self::import(slf, authority, &value))?;
                }
                Some(imported)
            }
            other => other.cloned(),
        };
        Ok((args, kwargs))
    }

    /// A value on its way out to the holder. Deep: sealed with this membrane. Shallow: the
    /// inner object itself comes back as its wrapper, and functions, methods and descriptors
    /// (which reach their `__self__`, `__globals__`, `__closure__`, `fget` ...) come back
    /// sealed; other values as they are.
    fn export<'py>(
        slf: &Bound<'py, Self>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let owner = Self::owner(slf);
        let owner_inner = owner.get().inner.bind(slf.py());
        if value.is(owner_inner) {
            return Ok(owner.into_any());
        }
        if is_method_of(&value, owner_inner) {
            return Self::method(&owner, value);
        }
        if slf.get().deep || carries_edges(&value) {
            return seal(&value, slf.get().deep);
        }
        Ok(value)
    }

    /// `method`, bound to `owner`'s inner object, sealed.
    fn method<'py>(
        owner: &Bound<'py, Sealed>,
        method: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let wrapper = Sealed {
            inner: method.unbind(),
            deep: owner.get().deep,
            view: View::Method {
                owner: owner.clone().unbind(),
            },
        };
        Ok(Bound::new(owner.py(), wrapper)?.into_any())
    }

    /// An error raised by the inner object, made safe for the holder (see `errors`).
    fn error(slf: &Bound<'_, Self>, err: PyErr) -> PyErr {
        errors::sanitize(&Self::owner(slf), err)
    }

    /// Calls the special method `name` of the inner object with `args`, the way the
    /// interpreter does: looked up on the type, never the instance, and one-sided (the
    /// holder's operand never receives the inner object through a reflected method).
    fn protocol<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = slf.py();
        let inner = slf.get().inner.bind(py);
        let Some(method) = lookup_special(inner, name).map_err(|err| Self::error(slf, err))? else {
            return Ok(None);
        };
        let authority = Self::authority(slf);
        let args = args
            .iter()
            .map(|arg| Self::import(slf, authority.as_ref(), arg));
        let result = method
            .call1(PyTuple::new(py, args.collect::<Vec<_>>())?)
            .map_err(|err| Self::error(slf, err))?;
        Ok(Some(result))
    }

    /// A binary operator: `NotImplemented` when the inner object does not support it, so
    /// the interpreter tries the other operand (with the wrapper, not the inner object).
    fn binary<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        match Self::protocol(slf, name, std::slice::from_ref(other))? {
            Some(result) if !result.is(&py.NotImplemented()) => Self::export(slf, result),
            _ => Ok(py.NotImplemented().into_bound(py)),
        }
    }

    fn unary<'py>(slf: &Bound<'py, Self>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match Self::protocol(slf, name, &[])? {
            Some(result) => Self::export(slf, result),
            None => Err(PyTypeError::new_err(format!(
                "bad operand type for sealed object: its inner object has no {name}"
            ))),
        }
    }

    fn class_attribute<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let class = slf.get().inner.bind(py).cast::<PyType>()?;
        if let Some(raw) = type_lookup(class, name)
            && raw.is_instance_of::<pyo3::types::PyFunction>()
        {
            let wrapper = Sealed {
                inner: raw.unbind(),
                deep: slf.get().deep,
                view: View::Unbound {
                    class: class.clone().unbind(),
                },
            };
            return Ok(Bound::new(py, wrapper)?.into_any());
        }
        let value = class
            .getattr(name)
            .map_err(|err| errors::attribute_error(slf, name, err))?;
        Self::export(slf, value)
    }

    fn check_unbound_self<'py>(
        slf: &Bound<'py, Self>,
        class: &Bound<'py, PyType>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<()> {
        let function = slf.get().inner.bind(slf.py());
        let qualname = function
            .getattr("__qualname__")
            .map_or_else(|_| "method".to_owned(), |name| name.to_string());
        match args.get_item(0) {
            Ok(first) if is_instance_by_type(&first, class) => Ok(()),
            Ok(first) => Err(PyTypeError::new_err(format!(
                "unbound method {qualname}() must be called with a {} instance as first \
                 argument (got a {} instance instead)",
                class.name()?,
                first.get_type().name()?
            ))),
            Err(_) => Err(PyTypeError::new_err(format!(
                "unbound method {qualname}() must be called with a {} instance as first \
                 argument (got nothing instead)",
                class.name()?
            ))),
        }
    }
}

#[pymethods]
impl Sealed {
    fn __getattribute__<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = names::public_name(name)?;
        if let View::Class = slf.get().view {
            return Self::class_attribute(slf, &name);
        }
        let value = slf
            .get()
            .inner
            .bind(slf.py())
            .getattr(&name)
            .map_err(|err| errors::attribute_error(slf, &name, err))?;
        Self::export(slf, value)
    }

    fn __setattr__(&self, name: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(read_only(name))
    }

    fn __delattr__(&self, name: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(read_only(name))
    }

    fn __dir__<'py>(slf: &Bound<'py, Self>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let inner = slf.get().inner.bind(slf.py());
        let names = inner.dir().map_err(|err| Self::error(slf, err))?;
        Ok(names.iter().filter(names::is_public).collect())
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let (args, kwargs) = Self::import_args(slf, args, kwargs)?;
        if let View::Unbound { class } = &slf.get().view {
            Self::check_unbound_self(slf, class.bind(py), &args)?;
        }
        let result = slf
            .get()
            .inner
            .bind(py)
            .call(&args, kwargs.as_ref())
            .map_err(|err| Self::error(slf, err))?;
        match slf.get().view {
            // A raw instance would give its holder the raw class through `type(x)`.
            View::Class => seal(&result, slf.get().deep),
            _ => Self::export(slf, result),
        }
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let inner = slf.get().inner.bind(slf.py());
        let repr = inner.repr().map_err(|err| Self::error(slf, err))?;
        Ok(format!("sealed({})", repr.to_string_lossy()))
    }

    fn __str__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyString>> {
        let inner = slf.get().inner.bind(slf.py());
        inner.str().map_err(|err| Self::error(slf, err))
    }

    fn __format__<'py>(
        slf: &Bound<'py, Self>,
        spec: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let inner = slf.get().inner.bind(slf.py());
        // SAFETY: both pointers are live for the call; `PyObject_Format` returns a new
        // reference or NULL with an exception set.
        let formatted = unsafe {
            Bound::from_owned_ptr_or_err(
                slf.py(),
                ffi::PyObject_Format(inner.as_ptr(), spec.as_ptr()),
            )
        };
        formatted.map_err(|err| Self::error(slf, err))
    }

    fn __hash__(slf: &Bound<'_, Self>) -> PyResult<isize> {
        let inner = slf.get().inner.bind(slf.py());
        inner.hash().map_err(|err| Self::error(slf, err))
    }

    fn __bool__(slf: &Bound<'_, Self>) -> PyResult<bool> {
        let inner = slf.get().inner.bind(slf.py());
        inner.is_truthy().map_err(|err| Self::error(slf, err))
    }

    fn __len__(slf: &Bound<'_, Self>) -> PyResult<usize> {
        let inner = slf.get().inner.bind(slf.py());
        inner.len().map_err(|err| Self::error(slf, err))
    }

    fn __contains__<'py>(slf: &Bound<'py, Self>, item: &Bound<'py, PyAny>) -> PyResult<bool> {
        let item = Self::import(slf, Self::authority(slf).as_ref(), item);
        let inner = slf.get().inner.bind(slf.py());
        inner.contains(item).map_err(|err| Self::error(slf, err))
    }

    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = Self::import(slf, Self::authority(slf).as_ref(), key);
        let inner = slf.get().inner.bind(slf.py());
        let item = inner.get_item(key).map_err(|err| Self::error(slf, err))?;
        Self::export(slf, item)
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let inner = slf.get().inner.bind(slf.py());
        let iterator = inner.try_iter().map_err(|err| Self::error(slf, err))?;
        // An iterator leads back to what it iterates (`__reduce__`): it is always sealed.
        seal(&iterator, slf.get().deep)
    }

    fn __next__<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = slf.py();
        let inner = slf.get().inner.bind(py);
        // SAFETY: `PyIter_Check` only reads the type's slot.
        if unsafe { ffi::PyIter_Check(inner.as_ptr()) } == 0 {
            return Err(PyTypeError::new_err(format!(
                "'{}' object is not an iterator",
                inner.get_type().name()?
            )));
        }
        // SAFETY: `inner` is an iterator (checked above); `PyIter_Next` returns a new
        // reference, or NULL at the end (no exception) or on error (exception set).
        let next = unsafe { ffi::PyIter_Next(inner.as_ptr()) };
        if next.is_null() {
            return match PyErr::take(py) {
                Some(err) => Err(Self::error(slf, err)),
                None => Ok(None),
            };
        }
        // SAFETY: `next` is a new, non-null reference.
        let next = unsafe { Bound::from_owned_ptr(py, next) };
        Self::export(slf, next).map(Some)
    }

    fn __enter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__enter__")
    }

    #[pyo3(signature = (*args))]
    fn __exit__<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args: Vec<_> = args.iter().collect();
        match Self::protocol(slf, "__exit__", &args)? {
            Some(result) => Self::export(slf, result),
            None => Err(PyTypeError::new_err(
                "sealed object does not support the context manager protocol",
            )),
        }
    }

    fn __richcmp__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        op: CompareOp,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = match op {
            CompareOp::Lt => "__lt__",
            CompareOp::Le => "__le__",
            CompareOp::Eq => "__eq__",
            CompareOp::Ne => "__ne__",
            CompareOp::Gt => "__gt__",
            CompareOp::Ge => "__ge__",
        };
        Self::binary(slf, name, other)
    }

    fn __add__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__add__", other)
    }
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__radd__", other)
    }
    fn __sub__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__sub__", other)
    }
    fn __rsub__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rsub__", other)
    }
    fn __mul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__mul__", other)
    }
    fn __rmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmul__", other)
    }
    fn __matmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__matmul__", other)
    }
    fn __rmatmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmatmul__", other)
    }
    fn __truediv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__truediv__", other)
    }
    fn __rtruediv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rtruediv__", other)
    }
    fn __floordiv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__floordiv__", other)
    }
    fn __rfloordiv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rfloordiv__", other)
    }
    fn __mod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__mod__", other)
    }
    fn __rmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmod__", other)
    }
    fn __divmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__divmod__", other)
    }
    fn __rdivmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rdivmod__", other)
    }
    fn __pow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        modulo: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if modulo.is_none() {
            return Self::binary(slf, "__pow__", other);
        }
        let py = slf.py();
        match Self::protocol(slf, "__pow__", &[other.clone(), modulo.clone()])? {
            Some(result) if !result.is(&py.NotImplemented()) => Self::export(slf, result),
            _ => Ok(py.NotImplemented().into_bound(py)),
        }
    }
    fn __rpow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        _modulo: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rpow__", other)
    }
    fn __lshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__lshift__", other)
    }
    fn __rlshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rlshift__", other)
    }
    fn __rshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rshift__", other)
    }
    fn __rrshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rrshift__", other)
    }
    fn __and__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__and__", other)
    }
    fn __rand__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rand__", other)
    }
    fn __xor__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__xor__", other)
    }
    fn __rxor__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rxor__", other)
    }
    fn __or__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__or__", other)
    }
    fn __ror__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__ror__", other)
    }

    fn __neg__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__neg__")
    }
    fn __pos__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__pos__")
    }
    fn __abs__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__abs__")
    }
    fn __invert__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__invert__")
    }
    fn __int__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__int__")
    }
    fn __float__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__float__")
    }
    fn __index__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::unary(slf, "__index__")
    }

    /// `isinstance(x, S)` for a sealed class `S`: by `x`'s real type, a sealed `x` by its
    /// inner object's.
    fn __instancecheck__(slf: &Bound<'_, Self>, instance: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = slf.py();
        let (View::Class, Ok(class)) = (&slf.get().view, slf.get().inner.bind(py).cast::<PyType>())
        else {
            return Err(PyTypeError::new_err(
                "isinstance() arg 2 must be a type: this sealed object is not a class",
            ));
        };
        let instance = match instance.cast::<Sealed>() {
            Ok(wrapper) => wrapper.get().inner.bind(py).clone(),
            Err(_) => instance.clone(),
        };
        Ok(is_instance_by_type(&instance, class))
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(not_copyable())
    }
    fn __reduce_ex__(&self, _protocol: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(not_copyable())
    }
    fn __copy__(&self) -> PyResult<()> {
        Err(not_copyable())
    }
    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(not_copyable())
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.inner)?;
        match &self.view {
            View::Method { owner } => visit.call(owner),
            View::Unbound { class } => visit.call(class),
            View::Object | View::Class => Ok(()),
        }
    }
}

impl Drop for Sealed {
    fn drop(&mut self) {
        if self.is_memoized() {
            memo::remove(self);
        }
    }
}

fn read_only(name: &Bound<'_, PyAny>) -> PyErr {
    let name = name.cast::<PyString>().map_or_else(
        |_| "an attribute".to_owned(),
        |name| format!("attribute {}", names::repr_of(name)),
    );
    PyAttributeError::new_err(format!(
        "cannot set or delete {name}: a sealed object is read-only"
    ))
}

fn not_copyable() -> PyErr {
    PyTypeError::new_err(
        "a sealed object cannot be pickled or copied: the copy would expose the object it seals",
    )
}

/// `isinstance(obj, class)` by the real type only: a `__class__` property cannot fake it.
pub(super) fn is_instance_by_type(obj: &Bound<'_, PyAny>, class: &Bound<'_, PyType>) -> bool {
    // SAFETY: both are live type objects; `PyType_IsSubtype` only reads their MROs.
    unsafe { ffi::PyType_IsSubtype(ffi::Py_TYPE(obj.as_ptr()), class.as_type_ptr()) != 0 }
}

unsafe extern "C" {
    static mut PyMethod_Type: ffi::PyTypeObject;
    fn PyMethod_Self(method: *mut ffi::PyObject) -> *mut ffi::PyObject;
    /// The attribute `name` of a type, found through its MRO without calling descriptors,
    /// as the interpreter's own attribute lookup finds it (a borrowed reference or NULL,
    /// no exception).
    fn _PyType_Lookup(
        class: *mut ffi::PyTypeObject,
        name: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject;
}

fn is_bound_method(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: only compares the value's type pointer with the interpreter's method type.
    unsafe { ffi::Py_TYPE(value.as_ptr()) == &raw mut PyMethod_Type }
}

/// The object a method-like value is bound to: a bound method's or a builtin method's
/// `__self__` (NULL-free), or None.
fn bound_self(value: &Bound<'_, PyAny>) -> Option<*mut ffi::PyObject> {
    let ptr = value.as_ptr();
    // SAFETY: each accessor is called only on an object of the type it reads.
    let this = unsafe {
        if is_bound_method(value) {
            PyMethod_Self(ptr)
        } else if ffi::PyCFunction_Check(ptr) != 0 {
            ffi::PyCFunction_GET_SELF(ptr)
        } else {
            return None;
        }
    };
    (!this.is_null()).then_some(this)
}

fn is_method_of(value: &Bound<'_, PyAny>, inner: &Bound<'_, PyAny>) -> bool {
    bound_self(value) == Some(inner.as_ptr())
}

/// Functions, methods and descriptors: values that reach what they are bound to, their
/// module's globals, their closure cells or their accessors through attributes.
fn carries_edges(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: reads a slot of the value's (live) type.
    let is_descriptor = unsafe { (*ffi::Py_TYPE(value.as_ptr())).tp_descr_get.is_some() };
    is_descriptor || bound_self(value).is_some()
}

fn is_callable_kind(value: &Bound<'_, PyAny>) -> bool {
    carries_edges(value) || unsafe { ffi::PyCFunction_Check(value.as_ptr()) != 0 }
}

/// `name` found on `class` through its MRO, without running descriptors.
fn type_lookup<'py>(
    class: &Bound<'py, PyType>,
    name: &Bound<'py, PyString>,
) -> Option<Bound<'py, PyAny>> {
    // SAFETY: `_PyType_Lookup` returns a borrowed reference (or NULL without exception),
    // which `from_borrowed_ptr_or_opt` turns into a new strong one while the GIL is held.
    unsafe {
        let raw = _PyType_Lookup(class.as_type_ptr(), name.as_ptr());
        Bound::from_borrowed_ptr_or_opt(class.py(), raw)
    }
}

/// The special method `name` of `obj`, bound to it, as the interpreter finds it: on the
/// type, through its MRO (None if absent).
fn lookup_special<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = obj.py();
    let class = obj.get_type();
    let Some(raw) = type_lookup(&class, &PyString::intern(py, name)) else {
        return Ok(None);
    };
    // SAFETY: reads a slot of the descriptor's live type.
    let Some(get) = (unsafe { (*ffi::Py_TYPE(raw.as_ptr())).tp_descr_get }) else {
        return Ok(Some(raw));
    };
    // SAFETY: `get` is the descriptor's own `tp_descr_get`, called with the descriptor, the
    // instance and its type, all live; it returns a new reference or NULL with an exception.
    let bound = unsafe {
        Bound::from_owned_ptr_or_err(py, get(raw.as_ptr(), obj.as_ptr(), class.as_ptr()))
    };
    bound.map(Some)
}
