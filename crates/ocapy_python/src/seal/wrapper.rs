//! The `Sealed` wrapper: public attributes and public protocols of one inner object.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use pyo3::Borrowed;
use pyo3::exceptions::{PyAttributeError, PyBaseException, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyDict, PyFunction, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::attribute_cache::{self, Lookup};
use super::cache::CachedRef;
use super::{Depth, errors, is_primitive, memo, names, needs_no_seal, seal, slots};
use crate::capi::{PyMethod_Type, bind_method, type_lookup};
use crate::membrane::{self, Crossing};

/// A read-only view of an object's public surface. Immutable, final, without `__dict__`.
#[pyclass(frozen, immutable_type, module = "ocapy", name = "Sealed")]
pub(crate) struct Sealed {
    /// How the interpreter calls this object without building an argument tuple: read at
    /// the type's `tp_vectorcall_offset` (see `install_slots`), so it is set in every
    /// instance and never changes.
    vectorcall: ffi::vectorcallfunc,
    pub(super) inner: Py<PyAny>,
    /// What the wrapper does with the values passing through it (see [`Depth`]).
    pub(crate) depth: Depth,
    view: View,
    /// The last method read through this wrapper (a `Sealed` of view `Method`): `s.m()` in
    /// a loop then allocates nothing. A cache, not state: it holds a method bound to the
    /// same inner object, never the wrapper itself, so it makes no cycle.
    last_method: CachedRef,
    /// For a wrapper of something the subject of another wrapper made and that runs on
    /// (a generator, a coroutine, an iterator, and their methods): that subject, which
    /// must come back as its own wrapper when this one hands it out (`yield self`, an async
    /// method's `return self`).
    owner: Option<Py<PyAny>>,
}

/// What the inner object is, which decides how attribute reads and calls behave.
enum View {
    /// Any object; memoized, so one live wrapper per object and depth.
    Object,
    /// A class: plain functions read from it are checked unbound methods, calling it makes
    /// sealed instances. Memoized.
    Class,
    /// The inner object is a function called with `this` first: a method of `this`, which
    /// is never handed out (`__self__` is refused like every private name). A result that
    /// is `this` comes back sealed.
    Method { this: Py<PyAny> },
    /// A plain function read from `class`: its first argument must be an instance of it.
    Unbound { class: Py<PyType> },
}

impl Sealed {
    /// A memoized wrapper of `obj` (see [`super::seal`]).
    pub(super) fn new(obj: &Bound<'_, PyAny>, depth: Depth) -> Self {
        let view = if obj.is_instance_of::<PyType>() {
            View::Class
        } else {
            View::Object
        };
        Self::with_view(obj.clone().unbind(), depth, view)
    }

    fn with_view(inner: Py<PyAny>, depth: Depth, view: View) -> Self {
        Sealed {
            vectorcall,
            inner,
            depth,
            view,
            last_method: CachedRef::empty(),
            owner: None,
        }
    }

    pub(super) fn is_memoized(&self) -> bool {
        matches!(self.view, View::Object | View::Class)
    }

    /// The object results are compared with: a method's `this`, else the inner object.
    #[inline]
    pub(super) fn subject<'a, 'py>(&'a self, py: Python<'py>) -> &'a Bound<'py, PyAny> {
        match &self.view {
            View::Method { this } => this.bind(py),
            _ => self.inner.bind(py),
        }
    }

    /// The holder's view of [`Self::subject`].
    pub(super) fn subject_wrapper<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        match &slf.get().view {
            View::Method { this } => seal(this.bind(slf.py()), slf.get().depth),
            _ => Ok(slf.clone().into_any()),
        }
    }

    /// The class whose code is the authority on its instances: sealed instances of it that
    /// the holder passes in arrive unwrapped, as Python 2 and the verifier let a class's
    /// methods read other instances' private state; raw instances of it that come out are
    /// sealed, as the object itself is. Callables have no such class.
    fn authority<'py>(slf: &Bound<'py, Self>) -> Option<Bound<'py, PyType>> {
        let py = slf.py();
        let sealed = slf.get();
        match &sealed.view {
            View::Class => sealed.inner.bind(py).cast::<PyType>().ok().cloned(),
            View::Unbound { class } => Some(class.bind(py).clone()),
            View::Method { this } => {
                let this = this.bind(py);
                Some(
                    this.cast::<PyType>()
                        .map_or_else(|_| this.get_type(), |class| class.clone()),
                )
            }
            View::Object => {
                let inner = sealed.inner.bind(py);
                (!carries_edges(inner) && !is_builtin_function(inner)).then(|| inner.get_type())
            }
        }
    }

    /// A value passed in by the holder, as the inner object receives it.
    fn import<'py>(
        slf: &Bound<'py, Self>,
        authority: Option<&Bound<'py, PyType>>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match slf.get().depth {
            Depth::ToPlugin(compartment) => {
                return membrane::into_host(value, Crossing::Argument, compartment);
            }
            Depth::ToHost(compartment) => return membrane::into_plugin(value, compartment),
            Depth::Facade => return membrane::into_facade(value, slf.get().inner.bind(slf.py())),
            Depth::Shallow | Depth::Deep => {}
        }
        let Ok(wrapper) = value.cast::<Sealed>() else {
            return Ok(value.clone());
        };
        let wrapped = wrapper.get();
        if slf.get().depth == Depth::Deep && wrapped.depth == Depth::Deep {
            return Ok(wrapped.unwrap(slf.py()));
        }
        let inner = wrapped.inner.bind(slf.py());
        let own_instance = wrapped.is_memoized()
            && authority.is_some_and(|class| is_instance_by_type(inner, class));
        if own_instance {
            Ok(inner.clone())
        } else {
            Ok(value.clone())
        }
    }

    /// The object this wrapper stands for, as its own side holds it: a method comes back as
    /// a bound method of its object (equal to the one that was bound, as bound methods
    /// compare), not the bare function.
    pub(crate) fn unwrap<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        let inner = self.inner.bind(py);
        match &self.view {
            View::Method { this } => {
                bind_method(inner, this.bind(py)).unwrap_or_else(|_| inner.clone())
            }
            _ => inner.clone(),
        }
    }

    fn import_all<'py>(
        slf: &Bound<'py, Self>,
        values: impl Iterator<Item = Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let authority = Self::authority(slf);
        values
            .map(|value| Self::import(slf, authority.as_ref(), &value))
            .collect()
    }

    fn import_kwargs<'py>(
        slf: &Bound<'py, Self>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(kwargs) = kwargs else {
            return Ok(None);
        };
        if !slf.get().depth.judges_arguments()
            && !kwargs
                .values()
                .iter()
                .any(|value| value.is_exact_instance_of::<Sealed>())
        {
            return Ok(Some(kwargs.clone()));
        }
        let authority = Self::authority(slf);
        let imported = PyDict::new(slf.py());
        for (key, value) in kwargs {
            // A keyword's name may be a `str` subclass, whose `__eq__` and `__hash__` would
            // run when the callee matches it to a parameter: it crosses like any value.
            imported.set_item(
                Self::import(slf, authority.as_ref(), &key)?,
                Self::import(slf, authority.as_ref(), &value)?,
            )?;
        }
        Ok(Some(imported))
    }

    /// A value on its way out to the holder. Deep: sealed with this membrane. Shallow: the
    /// subject itself comes back as its wrapper; functions, methods and descriptors (which
    /// reach their `__self__`, `__globals__`, `__closure__`, `fget` ...) and instances of
    /// the authority class (`type(self)(...)`, a classmethod's `cls(...)`) come back sealed;
    /// other values as they are.
    pub(super) fn export<'py>(
        slf: &Bound<'py, Self>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sealed = slf.get();
        let subject = sealed.subject(slf.py());
        if let Some(view) = Self::holder_view(slf, &value)? {
            return Ok(view);
        }
        if is_primitive(value.as_ptr()) {
            return Ok(value);
        }
        if is_bound_method(&value) {
            // SAFETY: `value` is a bound method; both accessors return borrowed references
            // owned by it, which `from_borrowed_ptr` turns into new strong ones.
            let (function, this) = unsafe {
                (
                    Bound::from_borrowed_ptr(slf.py(), PyMethod_Function(value.as_ptr())),
                    Bound::from_borrowed_ptr(slf.py(), PyMethod_Self(value.as_ptr())),
                )
            };
            if this.is(subject) {
                return Self::method(slf, function, this);
            }
        }
        match sealed.depth {
            Depth::ToPlugin(compartment) => return membrane::into_plugin(&value, compartment),
            Depth::ToHost(compartment) => {
                return membrane::into_host(&value, Crossing::Result, compartment);
            }
            Depth::Facade => return membrane::from_facade(&value),
            Depth::Shallow | Depth::Deep => {}
        }
        if needs_no_seal(&value, sealed.depth) {
            return Ok(value);
        }
        let own_instance =
            || Self::authority(slf).is_some_and(|class| is_instance_by_type(&value, &class));
        if sealed.depth == Depth::Shallow && carries_edges(&value) {
            return Self::derived(slf, &value);
        }
        if sealed.depth == Depth::Deep || is_builtin_function(&value) || own_instance() {
            return seal(&value, sealed.depth);
        }
        if !shallow_hands_out_as_is(&value) {
            return Self::derived(slf, &value);
        }
        Ok(value)
    }

    /// What the holder sees instead of `value` when it is this wrapper's subject, or the
    /// subject of the wrapper this one derives from: their wrappers, never the objects.
    pub(super) fn holder_view<'py>(
        slf: &Bound<'py, Self>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let sealed = slf.get();
        if value.is(sealed.subject(slf.py())) {
            return Self::subject_wrapper(slf).map(Some);
        }
        match &sealed.owner {
            Some(owner) if value.is(owner.bind(slf.py())) => {
                seal(owner.bind(slf.py()), sealed.depth).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// `value`, which this wrapper's subject made and which runs on (a generator, a
    /// coroutine, an iterator), sealed as a wrapper that knows the subject it came from.
    fn derived<'py>(
        slf: &Bound<'py, Self>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let sealed = slf.get();
        if needs_no_seal(value, sealed.depth) {
            return Ok(value.clone());
        }
        if let Some(existing) = memo::lookup(value, sealed.depth) {
            return Ok(existing.into_any());
        }
        let owner = match &sealed.owner {
            Some(owner) => owner.clone_ref(py),
            None => sealed.subject(py).clone().unbind(),
        };
        let mut wrapper = Sealed::new(value, sealed.depth);
        wrapper.owner = Some(owner);
        let wrapper = Bound::new(py, wrapper)?;
        memo::insert(&wrapper);
        Ok(wrapper.into_any())
    }

    /// `function` bound to `this`, sealed at this wrapper's depth.
    fn method<'py>(
        slf: &Bound<'py, Self>,
        function: Bound<'py, PyAny>,
        this: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut sealed = Self::with_view(
            function.unbind(),
            slf.get().depth,
            View::Method {
                this: this.unbind(),
            },
        );
        sealed.owner = slf
            .get()
            .owner
            .as_ref()
            .map(|owner| owner.clone_ref(slf.py()));
        Ok(Bound::new(slf.py(), sealed)?.into_any())
    }

    /// The sealed method `function` of this wrapper's inner object, from the one-entry cache
    /// when it is the same function as last time.
    fn cached_method<'py>(
        slf: &Bound<'py, Self>,
        function: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let sealed = slf.get();
        if let Some(cached) = sealed.last_method.get(py) {
            // SAFETY: only `Sealed` methods are put in the slot (below).
            let cached = unsafe { cached.cast_into_unchecked::<Sealed>() };
            if cached.get().inner.is(&function) {
                return Ok(cached.into_any());
            }
        }
        let method = Self::method(slf, function, sealed.inner.bind(py).clone())?;
        sealed.last_method.set(method.clone());
        Ok(method)
    }

    /// An error raised by the inner object, made safe for the holder (see `errors`).
    fn error(slf: &Bound<'_, Self>, err: PyErr) -> PyErr {
        errors::sanitize(slf, err)
    }

    /// Calls the special method `name` of the inner object with `args`, the way the
    /// interpreter does: looked up on the type, never the instance, and one-sided (the
    /// holder's operand never receives the inner object through a reflected method).
    fn protocol<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let args = Self::import_all(slf, args.iter().cloned())?;
        Self::call_special(slf, name, args)
    }

    /// [`Self::protocol`] with arguments already as the inner object may receive them.
    fn call_special<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        args: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = slf.py();
        let inner = slf.get().inner.bind(py);
        let Some(method) = lookup_special(inner, name).map_err(|err| Self::error(slf, err))? else {
            return Ok(None);
        };
        let result = method
            .call1(PyTuple::new(py, args)?)
            .map_err(|err| Self::error(slf, err))?;
        Ok(Some(result))
    }

    /// A binary operator: `NotImplemented` when the inner object does not support it, so
    /// the interpreter tries the other operand (with the wrapper, not the inner object).
    ///
    /// A plugin object held by the host runs its operators on plain data only: the host
    /// calls them implicitly (`in`, `list.index`, `sorted`, a dict lookup), so its own
    /// objects would reach the plugin unasked. On anything else the wrapper compares by
    /// identity and supports no arithmetic.
    fn binary<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        if matches!(slf.get().depth, Depth::ToHost(_))
            && !args.iter().all(|arg| is_primitive(arg.as_ptr()))
        {
            return Ok(py.NotImplemented().into_bound(py));
        }
        match Self::protocol(slf, name, args)? {
            Some(result) if !result.is(py.NotImplemented()) => Self::export(slf, result),
            _ => Ok(py.NotImplemented().into_bound(py)),
        }
    }

    /// `conversion(inner)`, one of the `PyNumber_*` conversions to an exact number.
    fn convert<'py>(
        slf: &Bound<'py, Self>,
        conversion: unsafe extern "C" fn(*mut ffi::PyObject) -> *mut ffi::PyObject,
    ) -> PyResult<Bound<'py, PyAny>> {
        let inner = slf.get().inner.bind(slf.py());
        // SAFETY: `inner` is live; the conversion returns a new reference or NULL with an
        // exception set.
        let number = unsafe { Bound::from_owned_ptr_or_err(slf.py(), conversion(inner.as_ptr())) };
        number.map_err(|err| Self::error(slf, err))
    }

    fn unary<'py>(slf: &Bound<'py, Self>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match Self::protocol(slf, name, &[])? {
            Some(result) => Self::export(slf, result),
            None => Err(PyTypeError::new_err(format!(
                "the object sealed here does not support {name}"
            ))),
        }
    }

    fn class_attribute<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let class = slf.get().inner.bind(py).cast::<PyType>()?;
        // SAFETY: `class` is a live type.
        if let Some(raw) = unsafe { type_lookup(py, class.as_type_ptr(), name) }
            && raw.is_instance_of::<PyFunction>()
        {
            let view = View::Unbound {
                class: class.clone().unbind(),
            };
            let wrapper = Self::with_view(raw.unbind(), slf.get().depth, view);
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
        args: &[Bound<'py, PyAny>],
    ) -> PyResult<()> {
        let got = match args.first() {
            Some(first) if is_instance_by_type(first, class) => return Ok(()),
            Some(first) => format!("a {} instance", first.get_type().name()?),
            None => "nothing".to_owned(),
        };
        let function = slf.get().inner.bind(slf.py());
        let qualname = function
            .getattr("__qualname__")
            .map_or_else(|_| "method".to_owned(), |name| name.to_string());
        Err(PyTypeError::new_err(format!(
            "unbound method {qualname}() must be called with a {} instance as first argument \
             (got {got} instead)",
            class.name()?
        )))
    }
    /// What `__exit__` receives when the with-block raised `exc` on the other side of the
    /// membrane: the exception crossed as one of the context manager's own side would be
    /// caught (a lock is still released, a transaction rolled back), its class and its
    /// traceback (none for the plugin); one that cannot cross stands as the `RuntimeError`
    /// that says so.
    fn exit_arguments<'py>(
        slf: &Bound<'py, Self>,
        exc: &Bound<'py, PyAny>,
    ) -> Vec<Bound<'py, PyAny>> {
        let py = slf.py();
        let crossed = match slf.get().depth {
            Depth::ToPlugin(compartment) => membrane::exception_into_host(exc, compartment),
            Depth::ToHost(compartment) => membrane::exception_into_plugin(exc, compartment),
            Depth::Shallow | Depth::Deep | Depth::Facade => Ok(exc.clone()),
        }
        .unwrap_or_else(|_| {
            errors::unsafe_to_pass_on(exc)
                .into_value(py)
                .into_bound(py)
                .into_any()
        });
        // SAFETY: `crossed` is a live exception; a new reference or NULL.
        let traceback = unsafe {
            Bound::from_owned_ptr_or_opt(py, ffi::PyException_GetTraceback(crossed.as_ptr()))
        }
        .unwrap_or_else(|| py.None().into_bound(py));
        vec![crossed.get_type().into_any(), crossed, traceback]
    }
}

impl slots::Getattribute for Sealed {
    /// `getattr(s, name)`: the `tp_getattro` of `Sealed` (see `slots`).
    fn getattribute<'py>(
        slf: &Bound<'py, Self>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let sealed = slf.get();
        let inner = sealed.inner.bind(py);
        let cached = match sealed.view {
            // SAFETY: the GIL is held and both objects are live.
            View::Object => unsafe { attribute_cache::lookup(inner.as_ptr(), name.as_ptr()) },
            _ => Lookup::Generic,
        };
        // SAFETY (both arms): the cache hands out borrowed references to live objects, which
        // `from_borrowed_ptr` turns into new strong ones.
        match cached {
            Lookup::Value(value) => {
                return Self::export(slf, unsafe { Bound::from_borrowed_ptr(py, value) });
            }
            Lookup::Method(method) => {
                return Self::cached_method(slf, unsafe { Bound::from_borrowed_ptr(py, method) });
            }
            Lookup::Generic | Lookup::Unknown => {}
        }
        let checked = names::public_name(name, Some(inner))?;
        if let View::Class = sealed.view {
            return Self::class_attribute(slf, &checked);
        }
        if matches!(cached, Lookup::Unknown) && checked.is(name) {
            attribute_cache::remember(&inner.get_type(), &checked);
        }
        let name = checked;
        let mut found = std::ptr::null_mut();
        // SAFETY: `_PyObject_GetMethod` reads attribute `name` of `inner` as the interpreter
        // does for `inner.name(...)`: it stores a new reference in `found` (or NULL with an
        // exception set) and returns 1 when that is a function to call with `inner` first,
        // which spares creating a bound method.
        let is_method =
            unsafe { _PyObject_GetMethod(inner.as_ptr(), name.as_ptr(), &mut found) } == 1;
        // SAFETY: `found` is a new reference or NULL with an exception set.
        let value = unsafe { Bound::from_owned_ptr_or_err(slf.py(), found) }
            .map_err(|err| errors::attribute_error(slf, &name, err))?;
        if is_method {
            Self::cached_method(slf, value)
        } else {
            Self::export(slf, value)
        }
    }

    /// `s.x` whose value, found by the attribute cache, is a primitive (`export` would hand it
    /// out as it is), and `s.m` when it is the method read last.
    #[inline]
    unsafe fn getattribute_at_once(
        obj: *mut ffi::PyObject,
        name: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject {
        // SAFETY: the trait's contract: GIL held, `obj` a live `Sealed`, `name` live.
        unsafe {
            let py = Python::assume_attached();
            let sealed = Borrowed::from_ptr(py, obj).cast_unchecked::<Sealed>();
            let sealed = sealed.get();
            if !matches!(sealed.view, View::Object) {
                return std::ptr::null_mut();
            }
            let found = match attribute_cache::lookup(sealed.inner.as_ptr(), name) {
                Lookup::Value(value) if is_primitive(value) => value,
                Lookup::Method(method) => sealed.last_method.peek_where(|cached| {
                    // Only `Sealed` methods are put in the slot (`cached_method`).
                    cached.cast_unchecked::<Sealed>().get().inner.as_ptr() == method
                }),
                _ => std::ptr::null_mut(),
            };
            if !found.is_null() {
                ffi::Py_INCREF(found);
            }
            found
        }
    }
}

#[pymethods]
impl Sealed {
    fn __setattr__(&self, name: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(read_only(name))
    }

    fn __delattr__(&self, name: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(read_only(name))
    }

    fn __dir__<'py>(slf: &Bound<'py, Self>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let inner = slf.get().inner.bind(slf.py());
        let names = inner.dir().map_err(|err| Self::error(slf, err))?;
        Ok(names
            .iter()
            .filter(|name| names::is_public(name, Some(inner)))
            .collect())
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let sealed = slf.get();
        let this = match &sealed.view {
            View::Method { this } => Some(this.bind(py).clone()),
            _ => None,
        };
        // `this` is the inner side's own object: only the holder's arguments are imported.
        let args: Vec<_> = this
            .into_iter()
            .chain(Self::import_all(slf, args.iter())?)
            .collect();
        if let View::Unbound { class } = &sealed.view {
            Self::check_unbound_self(slf, class.bind(py), &args)?;
        }
        let kwargs = Self::import_kwargs(slf, kwargs)?;
        let result = sealed
            .inner
            .bind(py)
            .call(PyTuple::new(py, args)?, kwargs.as_ref())
            .map_err(|err| Self::error(slf, err))?;
        match sealed.view {
            // A raw instance would give its holder the raw class through `type(x)`.
            View::Class => seal(&result, sealed.depth),
            _ => Self::export(slf, result),
        }
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let inner = slf.get().inner.bind(slf.py());
        let repr = inner.repr().map_err(|err| Self::error(slf, err))?;
        Ok(format!("sealed({})", repr.to_string_lossy()))
    }

    /// The inner object's `str`, as an exact `str`: a subclass instance would hand out a
    /// class of the inside.
    fn __str__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyString>> {
        let inner = slf.get().inner.bind(slf.py());
        let text = inner.str().map_err(|err| Self::error(slf, err))?;
        names::exact_str(&text)
    }

    fn __format__<'py>(
        slf: &Bound<'py, Self>,
        spec: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyString>> {
        let inner = slf.get().inner.bind(slf.py());
        // A `str` subclass as the spec would reach the inner `__format__` as it is.
        let spec = Self::import(slf, Self::authority(slf).as_ref(), spec)?;
        // SAFETY: both pointers are live for the call; `PyObject_Format` returns a new
        // reference or NULL with an exception set.
        let formatted = unsafe {
            Bound::from_owned_ptr_or_err(
                slf.py(),
                ffi::PyObject_Format(inner.as_ptr(), spec.as_ptr()),
            )
        };
        names::exact_str(&formatted.map_err(|err| Self::error(slf, err))?)
    }

    /// The inner object's hash; a plugin object held by the host hashes by identity, as it
    /// compares with host objects (see `binary`).
    fn __hash__(slf: &Bound<'_, Self>) -> PyResult<isize> {
        let inner = slf.get().inner.bind(slf.py());
        if matches!(slf.get().depth, Depth::ToHost(_)) {
            // SAFETY: `object.__hash__` of a live object only reads its address.
            return Ok(unsafe {
                let hash = ffi::PyBaseObject_Type.tp_hash.expect("object has tp_hash");
                hash(inner.as_ptr())
            });
        }
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
        let item = Self::import(slf, Self::authority(slf).as_ref(), item)?;
        let inner = slf.get().inner.bind(slf.py());
        inner.contains(item).map_err(|err| Self::error(slf, err))
    }

    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = Self::import(slf, Self::authority(slf).as_ref(), key)?;
        let inner = slf.get().inner.bind(slf.py());
        let item = inner.get_item(key).map_err(|err| Self::error(slf, err))?;
        match slf.get().view {
            // `C[int]` is a generic alias whose `__origin__` is the raw class.
            View::Class => seal(&item, slf.get().depth),
            _ => Self::export(slf, item),
        }
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let inner = slf.get().inner.bind(slf.py());
        let iterator = inner.try_iter().map_err(|err| Self::error(slf, err))?;
        // An iterator leads back to what it iterates (`__reduce__`): it is always sealed.
        Self::derived(slf, &iterator)
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
        // SAFETY: `inner` is an iterator (checked above), so its type has `tp_iternext`; it
        // returns a new reference, or NULL at the end or on error, with an exception set or
        // not. Unlike `PyIter_Next`, calling the slot keeps a `StopIteration`'s value, which
        // is an awaited coroutine's result.
        let next = unsafe {
            let iternext = (*ffi::Py_TYPE(inner.as_ptr()))
                .tp_iternext
                .expect("PyIter_Check saw tp_iternext");
            iternext(inner.as_ptr())
        };
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

    /// `await sealed`: the inner awaitable's iterator, sealed like any iterator. What it
    /// yields goes to the event loop through `export`, so a shallow seal hands asyncio its
    /// own futures, and the awaited result comes back exported.
    fn __await__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        match Self::protocol(slf, "__await__", &[])? {
            Some(iterator) => Self::derived(slf, &iterator),
            None => Err(PyTypeError::new_err(
                "the object sealed here is not awaitable",
            )),
        }
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
        let args = match args.as_slice() {
            [_, exc, _]
                if slf.get().depth.is_membrane() && exc.is_instance_of::<PyBaseException>() =>
            {
                Self::exit_arguments(slf, exc)
            }
            _ => Self::import_all(slf, args.into_iter())?,
        };
        match Self::call_special(slf, "__exit__", args)? {
            Some(result) => Self::export(slf, result),
            None => Err(PyTypeError::new_err(
                "the object sealed here is not a context manager",
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
        Self::binary(slf, name, std::slice::from_ref(other))
    }

    fn __add__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__add__", std::slice::from_ref(other))
    }
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__radd__", std::slice::from_ref(other))
    }
    fn __sub__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__sub__", std::slice::from_ref(other))
    }
    fn __rsub__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rsub__", std::slice::from_ref(other))
    }
    fn __mul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__mul__", std::slice::from_ref(other))
    }
    fn __rmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmul__", std::slice::from_ref(other))
    }
    fn __matmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__matmul__", std::slice::from_ref(other))
    }
    fn __rmatmul__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmatmul__", std::slice::from_ref(other))
    }
    fn __truediv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__truediv__", std::slice::from_ref(other))
    }
    fn __rtruediv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rtruediv__", std::slice::from_ref(other))
    }
    fn __floordiv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__floordiv__", std::slice::from_ref(other))
    }
    fn __rfloordiv__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rfloordiv__", std::slice::from_ref(other))
    }
    fn __mod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__mod__", std::slice::from_ref(other))
    }
    fn __rmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rmod__", std::slice::from_ref(other))
    }
    fn __divmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__divmod__", std::slice::from_ref(other))
    }
    fn __rdivmod__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rdivmod__", std::slice::from_ref(other))
    }
    fn __pow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        modulo: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if modulo.is_none() {
            Self::binary(slf, "__pow__", std::slice::from_ref(other))
        } else {
            Self::binary(slf, "__pow__", &[other.clone(), modulo.clone()])
        }
    }
    fn __rpow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        _modulo: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rpow__", std::slice::from_ref(other))
    }
    fn __lshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__lshift__", std::slice::from_ref(other))
    }
    fn __rlshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rlshift__", std::slice::from_ref(other))
    }
    fn __rshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rshift__", std::slice::from_ref(other))
    }
    fn __rrshift__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rrshift__", std::slice::from_ref(other))
    }
    fn __and__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__and__", std::slice::from_ref(other))
    }
    fn __rand__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rand__", std::slice::from_ref(other))
    }
    fn __xor__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__xor__", std::slice::from_ref(other))
    }
    fn __rxor__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__rxor__", std::slice::from_ref(other))
    }
    fn __or__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__or__", std::slice::from_ref(other))
    }
    fn __ror__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::binary(slf, "__ror__", std::slice::from_ref(other))
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
    // The conversions return exact `int` and `float` (CPython converts a subclass result).
    fn __int__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::convert(slf, ffi::PyNumber_Long)
    }
    fn __float__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::convert(slf, ffi::PyNumber_Float)
    }
    fn __index__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::convert(slf, ffi::PyNumber_Index)
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
        self.last_method.traverse(&visit)?;
        if let Some(owner) = &self.owner {
            visit.call(owner)?;
        }
        match &self.view {
            View::Method { this } => visit.call(this),
            View::Unbound { class } => visit.call(class),
            View::Object | View::Class => Ok(()),
        }
    }
}

/// Calls with at most this many arguments (`this` included) take the tuple-free path.
const STACK_ARGUMENTS: usize = 8;

unsafe extern "C" fn vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the interpreter calls a vectorcall function with the GIL held, the callable
    // (a `Sealed`, whose type this function is installed on), `nargs` positional arguments
    // followed by one value per name in `kwnames` (a tuple, or NULL), all borrowed.
    unsafe {
        let py = Python::assume_attached();
        let sealed = Borrowed::from_ptr(py, callable).cast_unchecked::<Sealed>();
        // A call into a sealed host object: the host code it runs has the host's authority.
        // What facade code made runs on the compartment's behalf, as the facade does.
        let _host_call =
            (sealed.get().depth != Depth::Facade).then(crate::compartment::audit::HostCall::enter);
        let nargs = ffi::PyVectorcall_NARGS(nargsf) as usize;
        let count = match Borrowed::from_ptr_or_opt(py, kwnames) {
            Some(names) => nargs + names.cast_unchecked::<PyTuple>().len(),
            None => nargs,
        };
        let args = if count == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(args, count)
        };
        if kwnames.is_null()
            && let Some(result) = sealed.get().call_method_directly(py, args)
        {
            if !result.is_null() && is_primitive(result) {
                // What `export` would hand out as it is: `s.m()` then stays in C.
                return result;
            }
            return Sealed::export_result(callable, result);
        }
        Sealed::call_vectored(callable, args, kwnames)
    }
}

impl Sealed {
    /// `function(this, *args)` for a method, or `object(*args)` for a sealed callable,
    /// called with a few positional arguments that import as they are (none sealed; at a
    /// membrane, plain data only): a new reference, or null with an exception set. None
    /// when the call is not that one, and `__call__` imports the arguments.
    ///
    /// # Safety
    /// `args` are live borrowed references for the call.
    unsafe fn call_method_directly(
        &self,
        py: Python<'_>,
        args: &[*mut ffi::PyObject],
    ) -> Option<*mut ffi::PyObject> {
        let this = match &self.view {
            View::Method { this } => Some(this),
            View::Object => None,
            View::Class | View::Unbound { .. } => return None,
        };
        // SAFETY: the caller's contract.
        let passes_as_is = |arg: &*mut ffi::PyObject| unsafe {
            if self.depth.judges_arguments() {
                is_primitive(*arg)
            } else {
                !Borrowed::from_ptr(py, *arg).is_exact_instance_of::<Sealed>()
            }
        };
        if args.len() >= STACK_ARGUMENTS || !args.iter().all(passes_as_is) {
            return None;
        }
        let mut pointers = [std::ptr::null_mut(); STACK_ARGUMENTS];
        let first = usize::from(this.is_some());
        if let Some(this) = this {
            pointers[0] = this.as_ptr();
        }
        pointers[first..first + args.len()].copy_from_slice(args);
        // SAFETY: the first `first + args.len()` pointers are live (`this` is owned by the
        // wrapper, the arguments borrowed for the call).
        Some(unsafe {
            ffi::PyObject_Vectorcall(
                self.inner.as_ptr(),
                pointers.as_ptr(),
                first + args.len(),
                std::ptr::null_mut(),
            )
        })
    }

    /// `result` (a new reference, or null with an exception set) on its way out to the
    /// holder of `callable`, as the slot's return value. Out of line: the hot path does
    /// without it.
    ///
    /// # Safety
    /// Called from a `Sealed` slot, with the GIL held and `callable` the live `Sealed`.
    #[inline(never)]
    unsafe fn export_result(
        callable: *mut ffi::PyObject,
        result: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject {
        // SAFETY: the caller's contract; `result` is as documented.
        unsafe {
            slots::guard(|py| {
                let slf = Borrowed::from_ptr(py, callable).cast_unchecked::<Sealed>();
                let result = Bound::from_owned_ptr_or_err(py, result)
                    .map_err(|err| Sealed::error(&slf, err))?;
                Sealed::export(&slf, result)
            })
        }
    }

    /// A call of `callable` through vectorcall that `call_method_directly` does not make:
    /// through `__call__`, with a tuple and a dict, as the slot's return value.
    ///
    /// # Safety
    /// Called from a `Sealed` slot, with the GIL held and `callable` the live `Sealed`;
    /// `args` (positional, then one per name in `kwnames`) are live borrowed references.
    #[inline(never)]
    unsafe fn call_vectored(
        callable: *mut ffi::PyObject,
        args: &[*mut ffi::PyObject],
        kwnames: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject {
        // SAFETY: the caller's contract.
        unsafe {
            slots::guard(|py| {
                let slf = Borrowed::from_ptr(py, callable).cast_unchecked::<Sealed>();
                let keywords = Borrowed::from_ptr_or_opt(py, kwnames)
                    .map(|names| names.cast_unchecked::<PyTuple>());
                let nargs = args.len() - keywords.as_ref().map_or(0, |names| names.len());
                let keywords = keywords.map(|names| (names, &args[nargs..]));
                Self::call_with_tuple(&slf, &args[..nargs], keywords)
            })
        }
    }

    /// `__call__` with the vectorcall arguments packed into a tuple and a dict.
    fn call_with_tuple<'py>(
        slf: &Bound<'py, Self>,
        args: &[*mut ffi::PyObject],
        keywords: Option<(Borrowed<'_, 'py, PyTuple>, &[*mut ffi::PyObject])>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        // SAFETY: each pointer is a live borrowed reference for the call (see above).
        let borrow = |arg: &*mut ffi::PyObject| unsafe { Borrowed::from_ptr(py, *arg) };
        let positional = PyTuple::new(py, args.iter().map(|arg| borrow(arg).to_owned()))?;
        let kwargs = match keywords {
            Some((names, values)) => {
                let kwargs = PyDict::new(py);
                for (name, value) in names.iter().zip(values) {
                    kwargs.set_item(name, borrow(value).to_owned())?;
                }
                Some(kwargs)
            }
            None => None,
        };
        Self::__call__(slf, &positional, kwargs.as_ref())
    }
}

/// The `tp_dealloc` every class made by a class statement (or `type(...)`) shares, and no
/// extension type has: what tells a class defined in Python from one defined in C.
static PYTHON_CLASS_DEALLOC: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Installs the hand-written slots of `Sealed`; called once when the module is created.
pub(super) fn install_slots(py: Python<'_>) -> PyResult<()> {
    let probe = py
        .get_type::<PyType>()
        .call1(("probe", PyTuple::empty(py), PyDict::new(py)))?;
    // SAFETY: `probe` is a live type object made by `type`.
    let dealloc = unsafe { (*probe.as_ptr().cast::<ffi::PyTypeObject>()).tp_dealloc };
    PYTHON_CLASS_DEALLOC.store(
        dealloc.map_or(usize::MAX, |dealloc| dealloc as usize),
        Relaxed,
    );
    slots::install_getattro::<Sealed>(py);
    let sample = Bound::new(
        py,
        Sealed::with_view(py.None(), Depth::Shallow, View::Object),
    )?;
    crate::capi::install_vectorcall(&sample, &raw const sample.get().vectorcall);
    Ok(())
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
    static mut PyCMethod_Type: ffi::PyTypeObject;
    fn PyMethod_Self(method: *mut ffi::PyObject) -> *mut ffi::PyObject;
    fn PyMethod_Function(method: *mut ffi::PyObject) -> *mut ffi::PyObject;
    /// The interpreter's `obj.name(...)` lookup (exported by CPython 3.7 to 3.14).
    fn _PyObject_GetMethod(
        obj: *mut ffi::PyObject,
        name: *mut ffi::PyObject,
        method: *mut *mut ffi::PyObject,
    ) -> std::ffi::c_int;
}

#[inline]
fn has_type(value: &Bound<'_, PyAny>, class: *mut ffi::PyTypeObject) -> bool {
    // SAFETY: only compares the value's type pointer.
    unsafe { ffi::Py_TYPE(value.as_ptr()) == class }
}

fn is_bound_method(value: &Bound<'_, PyAny>) -> bool {
    has_type(value, &raw mut PyMethod_Type)
}

/// A built-in function or method: bound to its module or object through `__self__`.
fn is_builtin_function(value: &Bound<'_, PyAny>) -> bool {
    has_type(value, &raw mut ffi::PyCFunction_Type) || has_type(value, &raw mut PyCMethod_Type)
}

/// What a shallow seal hands out as it is, an allow-list: built-in containers, and instances
/// of classes defined in Python (by a class statement) that are not descriptors (their state is their public
/// attributes, which a class's author chose). Anything else of the interpreter's or an
/// extension's types (a class, a module, a method-wrapper whose `__self__` is the object, a
/// mapping proxy, a `super` object ...) comes out sealed, whether or not anyone listed it
/// as an edge.
fn shallow_hands_out_as_is(value: &Bound<'_, PyAny>) -> bool {
    let containers = [
        &raw mut ffi::PyList_Type,
        &raw mut ffi::PyTuple_Type,
        &raw mut ffi::PyDict_Type,
        &raw mut ffi::PySet_Type,
        &raw mut ffi::PyFrozenSet_Type,
        &raw mut ffi::PyByteArray_Type,
    ];
    // SAFETY: reads slots of the value's (live) type.
    let (class, defined_in_python, is_descriptor) = unsafe {
        let class = ffi::Py_TYPE(value.as_ptr());
        let dealloc = (*class).tp_dealloc.map_or(0, |dealloc| dealloc as usize);
        (
            class,
            dealloc == PYTHON_CLASS_DEALLOC.load(Relaxed),
            (*class).tp_descr_get.is_some(),
        )
    };
    let is_class = value.is_instance_of::<PyType>();
    containers.contains(&class) || (defined_in_python && !is_descriptor && !is_class)
}

/// Functions, bound methods, descriptors, and the objects that carry a frame, code or
/// cells (generators, coroutines, frames, tracebacks ...): values that reach what they are
/// bound to, their module's globals, their closure cells, the locals of a running call or
/// their accessors through attributes.
fn carries_edges(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: reads a slot of the value's (live) type, and takes the addresses of the
    // interpreter's static types.
    let (is_descriptor, class) = unsafe {
        let class = ffi::Py_TYPE(value.as_ptr());
        ((*class).tp_descr_get.is_some(), class)
    };
    let execution_state = [
        &raw mut ffi::PyGen_Type,
        &raw mut ffi::PyCoro_Type,
        &raw mut ffi::PyAsyncGen_Type,
        &raw mut ffi::PyFrame_Type,
        &raw mut ffi::PyTraceBack_Type,
        &raw mut ffi::PyCode_Type,
        &raw mut ffi::PyCell_Type,
    ];
    is_descriptor || is_bound_method(value) || execution_state.contains(&class)
}

/// The special method `name` of `obj`, bound to it, as the interpreter finds it: on the
/// type, through its MRO (None if absent).
fn lookup_special<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = obj.py();
    let class = obj.get_type();
    // SAFETY: `class` is a live type.
    let Some(raw) = (unsafe { type_lookup(py, class.as_type_ptr(), &PyString::intern(py, name)) })
    else {
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
