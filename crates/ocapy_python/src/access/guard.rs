//! The check itself: a data descriptor in the class dict for each private member, and a
//! wrapper around a class's own `__getattribute__`, `__getattr__`, `__setattr__` and
//! `__delattr__`.
//!
//! Why descriptors and not a `tp_getattro` slot: a class with its own C-level getattro loses
//! the interpreter's attribute specializations (3.11+), so every public read would pay for
//! the check. A data descriptor in the class dict is consulted only for its own name, before
//! the instance dict, for reads, writes and deletes, on instances and on the class, and also
//! by `object.__getattribute__` and `object.__setattr__`, which skip any slot.

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::ptr::null_mut;

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, intern};

use super::caller::{current_code, describe_caller};
use super::names::is_private;
use super::{AccessViolation, slot_call, type_setattr};

unsafe extern "C" {
    /// Looks `name` up along the MRO of `tp` through the type attribute cache; borrowed
    /// result, null when absent, never sets an error. Exported by CPython 3.10 to 3.13.
    fn _PyType_Lookup(tp: *mut ffi::PyTypeObject, name: *mut ffi::PyObject) -> *mut ffi::PyObject;
    /// The generic getattr with an explicit dict (null: the object's own); with `suppress`
    /// a missing attribute returns null without setting an error. Exported 3.7 to 3.13.
    fn _PyObject_GenericGetAttrWithDict(
        obj: *mut ffi::PyObject,
        name: *mut ffi::PyObject,
        dict: *mut ffi::PyObject,
        suppress: c_int,
    ) -> *mut ffi::PyObject;
    /// `types.MethodType(func, obj)` (Include/cpython/classobject.h).
    fn PyMethod_New(func: *mut ffi::PyObject, obj: *mut ffi::PyObject) -> *mut ffi::PyObject;
}

/// The code of one class: every code object defined in its body, found when it was created.
/// Kept in the class dict under `__ocapy_access__`.
#[pyclass(frozen, module = "ocapy", name = "_ClassAccess")]
pub(super) struct ClassAccess {
    /// Addresses of the class's code objects, sorted; `code_objects` keeps them alive so
    /// an address is never reused by another code object while this set exists.
    codes: Vec<usize>,
    /// Code of the class's own `__getattribute__`/`__getattr__`/`__setattr__`/`__delattr__`:
    /// when one of these passes a name on (`super().__setattr__(name, value)`), the real
    /// caller was checked when it entered, so the lookup it forwards is allowed.
    forwarders: Vec<usize>,
    #[expect(dead_code, reason = "owns the code objects whose addresses `codes` holds")]
    code_objects: Vec<Py<PyAny>>,
    /// `_A__` for class `A`: names starting with it are private to this class.
    pub(super) private_prefix: Option<String>,
}

impl ClassAccess {
    pub(super) fn new(
        code_objects: Vec<Py<PyAny>>,
        forwarders: &[Py<PyAny>],
        private_prefix: Option<String>,
    ) -> Self {
        let addresses = |objects: &[Py<PyAny>]| {
            let mut addresses: Vec<usize> = objects.iter().map(|o| o.as_ptr() as usize).collect();
            addresses.sort_unstable();
            addresses.dedup();
            addresses
        };
        Self {
            codes: addresses(&code_objects),
            forwarders: addresses(forwarders),
            code_objects,
            private_prefix,
        }
    }

    fn owns(&self, code: usize) -> bool {
        self.codes.binary_search(&code).is_ok()
    }

    fn forwards(&self, code: usize) -> bool {
        self.forwarders.binary_search(&code).is_ok()
    }
}

/// The `ClassAccess` of a class itself (not inherited), if it is access-checked.
pub(super) fn own_access<'py>(
    py: Python<'py>,
    tp: *mut ffi::PyTypeObject,
) -> Option<Bound<'py, ClassAccess>> {
    let key = intern!(py, "__ocapy_access__");
    own_dict_item(py, tp, key.as_ptr())?
        .cast_into::<ClassAccess>()
        .ok()
}

/// `tp.__dict__[name]`, without looking at bases.
fn own_dict_item<'py>(
    py: Python<'py>,
    tp: *mut ffi::PyTypeObject,
    name: *mut ffi::PyObject,
) -> Option<Bound<'py, PyAny>> {
    // SAFETY: `tp` is a live type (an element of a live MRO or a live object's type) and the
    // GIL is held. `PyType_GetDict` returns a new reference; `tp_dict` is borrowed from the
    // type, which outlives this call. The dict lookup returns a borrowed item, made strong
    // before the dict may go away; a str key cannot make it fail.
    unsafe {
        #[cfg(Py_3_12)]
        let dict = Bound::from_owned_ptr_or_opt(py, ffi::PyType_GetDict(tp))?;
        #[cfg(not(Py_3_12))]
        let dict = Bound::from_borrowed_ptr_or_opt(py, (*tp).tp_dict)?;
        let item = ffi::PyDict_GetItemWithError(dict.as_ptr(), name);
        Bound::from_borrowed_ptr_or_opt(py, item)
    }
}

/// The classes of `tp.__mro__`.
fn mro<'py>(py: Python<'py>, tp: *mut ffi::PyTypeObject) -> Vec<*mut ffi::PyTypeObject> {
    // SAFETY: `tp` is a live, ready type: `tp_mro` is a tuple of types, which the type keeps
    // alive; the pointers are used while `tp` is alive (within one check).
    unsafe {
        let tuple = (*tp).tp_mro;
        if tuple.is_null() {
            return vec![tp];
        }
        let tuple = Bound::from_borrowed_ptr(py, tuple).cast_into_unchecked::<PyTuple>();
        tuple.iter().map(|cls| cls.as_ptr().cast()).collect()
    }
}

/// The first checked class in `tp`'s MRO that owns (or forwards for) `code`.
fn owned_in_mro(py: Python<'_>, tp: *mut ffi::PyTypeObject, code: usize, forwarded_only: bool) -> bool {
    mro(py, tp).into_iter().any(|cls| {
        own_access(py, cls).is_some_and(|access| {
            let access = access.get();
            access.forwards(code) || (!forwarded_only && access.owns(code))
        })
    })
}

/// Who may use a member: one class's code, or the code of any class the object is an
/// instance of.
pub(super) enum Audience {
    Private(Py<ClassAccess>),
    Protected,
}

impl Audience {
    fn clone_ref(&self, py: Python<'_>) -> Self {
        match self {
            Self::Private(access) => Self::Private(access.clone_ref(py)),
            Self::Protected => Self::Protected,
        }
    }
}

/// A private member of a checked class, standing in the class dict under the member's name
/// and holding what the class body put there (if anything).
#[pyclass(frozen, immutable_type, module = "ocapy", name = "_PrivateMember")]
pub(super) struct Guard {
    /// Where CPython finds how to call the guard (`tp_vectorcall_offset` points here).
    vectorcall: ffi::vectorcallfunc,
    name: Py<PyString>,
    /// The key the member's value has in an instance's `__dict__` (see `storage_key`).
    stored_as: Py<PyString>,
    audience: Audience,
    /// The class whose dict holds this guard.
    owner: Py<PyType>,
    /// The value the class itself holds under this name; `None` for a name only its
    /// instances hold, or that a base class further up the MRO defines.
    value: Option<Py<PyAny>>,
    /// False while no instance can hold a value of its own for this member: a private
    /// method's guard then skips the instance lookup on every call.
    instances_may_hold: AtomicBool,
}

impl Guard {
    pub(super) fn new(
        py: Python<'_>,
        name: Py<PyString>,
        audience: Audience,
        owner: Py<PyType>,
        value: Option<Py<PyAny>>,
    ) -> Self {
        let stored_as = storage_key(name.bind(py));
        let instances_may_hold = AtomicBool::new(value.is_none());
        Self {
            vectorcall: guard_vectorcall,
            name,
            stored_as,
            audience,
            owner,
            value,
            instances_may_hold,
        }
    }

    /// The same member with another class-level value, held by `owner`. Instances may
    /// already hold values of it, stored through this guard or another one.
    fn with_value(&self, py: Python<'_>, owner: Py<PyType>, value: Option<Py<PyAny>>) -> Self {
        let guard = Self::new(
            py,
            self.name.clone_ref(py),
            self.audience.clone_ref(py),
            owner,
            value,
        );
        guard.instances_may_hold.store(true, Ordering::Relaxed);
        guard
    }

    /// Refuses the running Python code unless it may use this member of `target`, an object
    /// of type `tp` (or the class `tp` itself).
    fn check(&self, py: Python<'_>, tp: *mut ffi::PyTypeObject) -> PyResult<()> {
        let code = current_code() as usize;
        let permitted = code != 0
            && match &self.audience {
                Audience::Private(access) => {
                    access.get().owns(code) || owned_in_mro(py, tp, code, true)
                }
                Audience::Protected => owned_in_mro(py, tp, code, false),
            };
        if permitted {
            Ok(())
        } else {
            Err(self.violation(py))
        }
    }

    fn violation(&self, py: Python<'_>) -> PyErr {
        let member = self.name.bind(py).to_string();
        let owner = self
            .owner
            .bind(py)
            .fully_qualified_name()
            .map_or_else(|_| "<unknown class>".to_owned(), |name| name.to_string());
        let caller = describe_caller(py);
        let (kind, rule) = match &self.audience {
            Audience::Private(_) => ("private", format!("only code of class {owner} may use it")),
            Audience::Protected => (
                "protected",
                "only code of the object's class and of its base classes may use it".to_owned(),
            ),
        };
        let message =
            format!("{kind} member '{member}' of class {owner} used by {caller}: {rule}");
        let error = AccessViolation::new_err(message);
        let value = error.value(py);
        let attributes = [
            ("member", member.clone()),
            ("owner", owner),
            ("caller", caller),
            ("name", member),
        ];
        for (attribute, text) in attributes {
            if let Err(failure) = value.setattr(attribute, text) {
                return failure;
            }
        }
        error
    }

    /// The class-level value for lookups starting at `tp`: the guard's own, or the next one
    /// along `tp`'s MRO after the class holding the guard.
    fn class_value<'py>(
        &self,
        py: Python<'py>,
        tp: *mut ffi::PyTypeObject,
    ) -> Option<Bound<'py, PyAny>> {
        if let Some(value) = &self.value {
            return Some(value.bind(py).clone());
        }
        let owner = self.owner.as_ptr().cast::<ffi::PyTypeObject>();
        mro(py, tp)
            .into_iter()
            .skip_while(|&cls| cls != owner)
            .skip(1)
            .find_map(|cls| own_dict_item(py, cls, self.name.as_ptr()))
    }

    fn missing(&self, py: Python<'_>, target: &Bound<'_, PyAny>, on_class: bool) -> PyErr {
        let name = self.name.bind(py);
        let type_name = if on_class {
            target.cast::<PyType>().ok().and_then(|cls| cls.name().ok())
        } else {
            target.get_type().name().ok()
        };
        let type_name = type_name.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let message = if on_class {
            format!("type object '{type_name}' has no attribute '{name}'")
        } else {
            format!("'{type_name}' object has no attribute '{name}'")
        };
        PyAttributeError::new_err(message)
    }
}

/// `descr.__get__(obj, tp)` when `descr` is a descriptor, else `descr`.
fn bind<'py>(
    py: Python<'py>,
    value: Bound<'py, PyAny>,
    obj: *mut ffi::PyObject,
    tp: *mut ffi::PyTypeObject,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: `value`, `obj` (or null) and `tp` are live; `tp_descr_get` follows the
    // descriptor protocol and returns a new reference or null with an error set.
    unsafe {
        match (*ffi::Py_TYPE(value.as_ptr())).tp_descr_get {
            Some(get) => Bound::from_owned_ptr_or_err(py, get(value.as_ptr(), obj, tp.cast())),
            None => Ok(value),
        }
    }
}

/// The data-descriptor setter of `value`'s type, if `value` is a data descriptor.
fn data_setter(value: &Bound<'_, PyAny>) -> Option<ffi::descrsetfunc> {
    // SAFETY: reading a slot of a live object's type.
    unsafe { (*ffi::Py_TYPE(value.as_ptr())).tp_descr_set }
}

/// The key under which an instance keeps a guarded member: the name itself cannot be the
/// key, because reading or writing it through the instance dict would need the dict
/// materialized, and on 3.11 an instance whose dict was materialized loses the interpreter's
/// attribute specializations (every public read of it slows down 2.5x). A key that is no
/// identifier keeps the value in the instance's inline values, out of reach of `a.name`.
fn storage_key(name: &Bound<'_, PyString>) -> Py<PyString> {
    PyString::intern(name.py(), &format!("{name} (access-checked)")).unbind()
}

/// Whether instances of `obj`'s type have a `__dict__` to keep members in.
fn has_instance_dict(obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: reading a slot of a live object's type; zero exactly when there is no dict
    // (managed dicts use a negative offset).
    unsafe { (*ffi::Py_TYPE(obj.as_ptr())).tp_dictoffset != 0 }
}

impl Guard {
    /// The instance's own value of this member, if it has one.
    fn instance_value<'py>(&self, obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = obj.py();
        if !has_instance_dict(obj) || !self.instances_may_hold.load(Ordering::Relaxed) {
            return Ok(None);
        }
        // SAFETY: live object and name; with `suppress` a missing key returns null with no
        // error set, any other failure returns null with an error set.
        let found = unsafe {
            _PyObject_GenericGetAttrWithDict(obj.as_ptr(), self.stored_as.as_ptr(), null_mut(), 1)
        };
        // SAFETY: `found` is a new reference or null.
        match unsafe { Bound::from_owned_ptr_or_opt(py, found) } {
            Some(value) => Ok(Some(value)),
            None => PyErr::take(py).map_or(Ok(None), Err),
        }
    }

    /// Sets (or with `None` deletes) the instance's own value of this member.
    fn store_instance_value(&self, obj: &Bound<'_, PyAny>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let py = obj.py();
        if !has_instance_dict(obj) {
            return Err(self.missing(py, obj, false));
        }
        self.instances_may_hold.store(true, Ordering::Relaxed);
        let value_ptr = value.map_or(null_mut(), Bound::as_ptr);
        // SAFETY: the generic setattr with live arguments (null value: delete); the key has
        // no descriptor in any class, so this stores into the instance's own attributes.
        if unsafe { ffi::PyObject_GenericSetAttr(obj.as_ptr(), self.stored_as.as_ptr(), value_ptr) } == 0 {
            return Ok(());
        }
        let error = PyErr::fetch(py);
        if error.is_instance_of::<PyAttributeError>(py) {
            Err(self.missing(py, obj, false))
        } else {
            Err(error)
        }
    }
}

/// What `obj.name` is once the caller passed the check.
enum Resolved<'py> {
    /// A method-like class value, to be called with the object first (or bound to it).
    Unbound(Bound<'py, PyAny>),
    Value(Bound<'py, PyAny>),
}

/// Whether `value` behaves as an unbound method (functions, method descriptors).
fn is_method_like(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: reading the flags of a live object's type.
    unsafe { ffi::PyType_HasFeature(ffi::Py_TYPE(value.as_ptr()), ffi::Py_TPFLAGS_METHOD_DESCRIPTOR) != 0 }
}

impl Guard {
    /// Checks the caller, then looks the member up on the instance `obj` as the generic
    /// getattr would: data descriptor of the class, then the instance's own value, then the
    /// class value.
    fn resolve<'py>(&self, obj: &Bound<'py, PyAny>) -> PyResult<Resolved<'py>> {
        let py = obj.py();
        let tp = ffi_type(obj);
        self.check(py, tp)?;
        let class_value = self.class_value(py, tp);
        if let Some(value) = &class_value
            && data_setter(value).is_some()
        {
            return Ok(Resolved::Value(bind(py, value.clone(), obj.as_ptr(), tp)?));
        }
        if let Some(item) = self.instance_value(obj)? {
            return Ok(Resolved::Value(item));
        }
        match class_value {
            Some(value) if is_method_like(&value) => Ok(Resolved::Unbound(value)),
            Some(value) => Ok(Resolved::Value(bind(py, value, obj.as_ptr(), tp)?)),
            None => Err(self.missing(py, obj, false)),
        }
    }
}

/// Calling the guard as an unbound method, `guard(obj, *args)`: what the interpreter does
/// for `obj.name(*args)` once the guard's type says it behaves as a method descriptor.
/// That path allocates no bound method, which is what keeps a private call cheap.
unsafe extern "C" fn guard_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    slot_call(null_mut(), |py| {
        // SAFETY: CPython passes the guard itself (this function is only reachable through
        // the guard type's vectorcall offset), `nargs` live positional arguments and a
        // tuple of keyword names or null.
        unsafe {
            let nargs = ffi::PyVectorcall_NARGS(nargsf);
            if nargs < 1 {
                return Err(PyTypeError::new_err("a private member called unbound needs the object first"));
            }
            let guard = Bound::from_borrowed_ptr(py, callable).cast_into_unchecked::<Guard>();
            let obj = Bound::from_borrowed_ptr(py, *args);
            let result = match guard.get().resolve(&obj)? {
                Resolved::Unbound(method) => ffi::PyObject_Vectorcall(method.as_ptr(), args, nargs as usize, kwnames),
                Resolved::Value(value) => {
                    ffi::PyObject_Vectorcall(value.as_ptr(), args.add(1), (nargs - 1) as usize, kwnames)
                }
            };
            Bound::from_owned_ptr_or_err(py, result).map(Bound::into_ptr)
        }
    })
}

/// Makes the guard type callable as an unbound method: `obj.name(...)` then calls
/// `guard(obj, ...)` through `guard_vectorcall` instead of building a bound method first.
pub(super) fn enable_method_calls(guard: &Bound<'_, Guard>) {
    let offset = (&raw const guard.get().vectorcall) as isize - guard.as_ptr() as isize;
    let tp = guard.get_type().as_type_ptr();
    // SAFETY: patching our own type object before any guard is called: the vectorcall
    // offset points at the `vectorcall` field of every guard (same layout for all
    // instances), `PyVectorcall_Call` serves `tp_call` from it, and `PyType_Modified`
    // drops anything cached about the type.
    unsafe {
        (*tp).tp_vectorcall_offset = offset as ffi::Py_ssize_t;
        (*tp).tp_call = Some(ffi::PyVectorcall_Call);
        (*tp).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL | ffi::Py_TPFLAGS_METHOD_DESCRIPTOR;
        ffi::PyType_Modified(tp);
    }
}

#[pymethods]
impl Guard {
    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        obj: Option<&Bound<'py, PyAny>>,
        cls: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let guard = slf.get();
        match obj {
            Some(obj) => match guard.resolve(obj)? {
                Resolved::Unbound(method) => bind(py, method, obj.as_ptr(), ffi_type(obj)),
                Resolved::Value(value) => Ok(value),
            },
            None => {
                let cls = cls
                    .ok_or_else(|| PyTypeError::new_err("__get__(None, None) is invalid"))?
                    .cast::<PyType>()?;
                let tp = cls.as_type_ptr();
                guard.check(py, tp)?;
                match guard.class_value(py, tp) {
                    Some(value) => bind(py, value, null_mut(), tp),
                    None => Err(guard.missing(py, cls, true)),
                }
            }
        }
    }

    fn __set__(slf: &Bound<'_, Self>, obj: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        store(slf, obj, Some(value))
    }

    fn __delete__(slf: &Bound<'_, Self>, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        store(slf, obj, None)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.owner)?;
        visit.call(&self.value)
    }
}

fn ffi_type(obj: &Bound<'_, PyAny>) -> *mut ffi::PyTypeObject {
    // SAFETY: reading the type of a live object.
    unsafe { ffi::Py_TYPE(obj.as_ptr()) }
}

/// `obj.name = value` (or `del obj.name` for `None`) on an instance, as the generic setattr
/// would do it once the caller is allowed.
fn store(slf: &Bound<'_, Guard>, obj: &Bound<'_, PyAny>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let py = slf.py();
    let guard = slf.get();
    let tp = ffi_type(obj);
    guard.check(py, tp)?;
    let class_value = guard.class_value(py, tp);
    if let Some(descriptor) = &class_value
        && let Some(set) = data_setter(descriptor)
    {
        let value = value.map_or(null_mut(), Bound::as_ptr);
        // SAFETY: `set` is the descriptor's own setter, called with live objects (a null
        // value means delete); it returns -1 with an error set on failure.
        let status: c_int = unsafe { set(descriptor.as_ptr(), obj.as_ptr(), value) };
        return if status < 0 { Err(PyErr::fetch(py)) } else { Ok(()) };
    }
    guard.store_instance_value(obj, value)
}

/// Which guard (if any) stands for `name` in lookups starting at `tp`.
pub(super) fn guard_for<'py>(
    py: Python<'py>,
    tp: *mut ffi::PyTypeObject,
    name: &Bound<'py, PyString>,
) -> Option<Bound<'py, Guard>> {
    // SAFETY: `tp` and `name` are live; `_PyType_Lookup` returns a borrowed reference (made
    // strong at once) or null, and sets no error.
    let found = unsafe { Bound::from_borrowed_ptr_or_opt(py, _PyType_Lookup(tp, name.as_ptr())) };
    found?.cast_into::<Guard>().ok()
}

/// Refuses the running code a lookup, assignment or deletion of `name` on the instance
/// `target` made by way of a protocol method, when a guard covers that name.
fn check_name(py: Python<'_>, target: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<()> {
    if !is_private(&name.to_cow()?) {
        return Ok(());
    }
    let tp = ffi_type(target);
    match guard_for(py, tp, name) {
        Some(guard) => guard.get().check(py, tp),
        None => Ok(()),
    }
}

/// A class's own `__getattribute__`, `__getattr__`, `__setattr__` or `__delattr__`, entered
/// only after the caller passed the check for the name it asks about. Without it such a
/// method would make the lookup itself, as code of the class, for anyone; and `__getattr__`
/// would turn a refusal (an `AttributeError`) into whatever it returns.
#[pyclass(frozen, module = "ocapy", name = "_CheckedProtocolMethod")]
pub(super) struct ProtocolGuard {
    function: Py<PyAny>,
}

impl ProtocolGuard {
    pub(super) fn new(function: Py<PyAny>) -> Self {
        Self { function }
    }
}

#[pymethods]
impl ProtocolGuard {
    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        obj: Option<&Bound<'py, PyAny>>,
        _cls: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match obj {
            None => Ok(slf.clone().into_any()),
            // SAFETY: both live; PyMethod_New returns a new reference or null with an error.
            Some(obj) => unsafe {
                Bound::from_owned_ptr_or_err(slf.py(), PyMethod_New(slf.as_ptr(), obj.as_ptr()))
            },
        }
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if args.len() >= 2
            && let Ok(name) = args.get_item(1)?.cast_into::<PyString>()
        {
            check_name(py, &args.get_item(0)?, &name)?;
        }
        self.function.bind(py).call(args, kwargs)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.function)
    }
}

/// `cls.name = value` (or `del cls.name` for null) on a checked class: a guarded name needs
/// the caller's right to it, and keeps its guard with the new value inside.
pub(super) fn set_class_attribute(
    py: Python<'_>,
    cls: &Bound<'_, PyType>,
    name: &Bound<'_, PyString>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let tp = cls.as_type_ptr();
    if !is_private(&name.to_cow()?) {
        return type_setattr(cls, name, value);
    }
    let Some(guard) = guard_for(py, tp, name) else {
        return type_setattr(cls, name, value);
    };
    let guard = guard.get();
    guard.check(py, tp)?;
    let holds_own = guard.owner.is(cls);
    if value.is_none() && (!holds_own || guard.value.is_none()) {
        return Err(guard.missing(py, cls, true));
    }
    let replacement = guard.with_value(py, cls.clone().unbind(), value.map(|v| v.clone().unbind()));
    type_setattr(cls, name, Some(&Bound::new(py, replacement)?.into_any()))
}
