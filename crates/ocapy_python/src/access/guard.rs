//! The check itself: a data descriptor in the class dict for each private member, and a
//! wrapper around a class's own `__getattribute__`, `__getattr__`, `__setattr__` and
//! `__delattr__`.
//!
//! Why descriptors and not a `tp_getattro` slot: a class with its own C-level getattro loses
//! the interpreter's attribute specializations (3.11+), so every public read would pay for
//! the check. A data descriptor in the class dict is consulted only for its own name, before
//! the instance dict, for reads, writes and deletes, on instances and on the class, and also
//! by `object.__getattribute__` and `object.__setattr__`, which skip any slot.
//!
//! A member's value lives under its storage key (`storage_key`), in the instance's
//! attributes and the class dict; the guard stands under the member's own name. The class's
//! own code is compiled to use the storage key directly (`rewrite`), so it runs at full
//! speed; every other way to the member goes through the guard.

use std::ffi::c_int;
use std::ptr::null_mut;

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, intern};

use super::caller::{current_code, describe_caller};
use super::names::is_private;
use super::{AccessViolation, forgery, type_setattr};
use crate::capi::{bind_method, type_lookup};

unsafe extern "C" {
    /// The generic getattr with an explicit dict (null: the object's own); with `suppress`
    /// a missing attribute returns null without setting an error. Exported 3.7 to 3.13.
    fn _PyObject_GenericGetAttrWithDict(
        obj: *mut ffi::PyObject,
        name: *mut ffi::PyObject,
        dict: *mut ffi::PyObject,
        suppress: c_int,
    ) -> *mut ffi::PyObject;
}

/// A set of code objects, by identity; holding them keeps their addresses from being reused
/// by other code objects while the set exists.
pub(super) struct CodeSet {
    addresses: Vec<usize>,
    _objects: Vec<Py<PyAny>>,
}

impl CodeSet {
    pub(super) fn new(objects: Vec<Py<PyAny>>) -> Self {
        let mut addresses: Vec<usize> = objects.iter().map(|o| o.as_ptr() as usize).collect();
        addresses.sort_unstable();
        addresses.dedup();
        Self {
            addresses,
            _objects: objects,
        }
    }

    fn contains(&self, code: usize) -> bool {
        self.addresses.binary_search(&code).is_ok()
    }
}

/// The code of one class: every code object defined in its body, found when it was created.
/// Kept in the class dict under `__ocapy_access__`.
#[pyclass(frozen, module = "ocapy", name = "_ClassAccess")]
pub(super) struct ClassAccess {
    /// Registered with `forgery` for as long as the class lives: no other function runs it.
    own: CodeSet,
    /// Code of the unchecked classes among its bases (`threading.Thread` for a checked
    /// subclass of it): base-class code, so allowed the protected members.
    unchecked_bases: CodeSet,
    /// `_A__` for class `A`: names starting with it are private to this class.
    pub(super) private_prefix: Option<String>,
}

impl ClassAccess {
    pub(super) fn new(
        own: CodeSet,
        owner: &str,
        unchecked_bases: CodeSet,
        private_prefix: Option<String>,
    ) -> PyResult<Self> {
        forgery::register(&own.addresses, owner)?;
        Ok(Self {
            own,
            unchecked_bases,
            private_prefix,
        })
    }
}

impl Drop for ClassAccess {
    fn drop(&mut self) {
        forgery::unregister(&self.own.addresses);
    }
}

/// The `ClassAccess` of a class itself (not inherited), if it is access-checked.
pub(super) fn own_access<'py>(
    py: Python<'py>,
    tp: *mut ffi::PyTypeObject,
) -> Option<Bound<'py, ClassAccess>> {
    let key = intern!(py, super::ACCESS_RECORD);
    own_dict_item(py, tp, key.as_ptr())?
        .cast_into::<ClassAccess>()
        .ok()
}

/// `tp.__dict__[name]`, without looking at bases.
pub(super) fn own_dict_item<'py>(
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
fn mro(
    _py: Python<'_>,
    tp: *mut ffi::PyTypeObject,
) -> impl Iterator<Item = *mut ffi::PyTypeObject> {
    // SAFETY: `tp` is a live, ready type (the GIL, proven by `_py`, is held): `tp_mro` is a
    // tuple of types that the type keeps alive; the pointers are used while `tp` is alive
    // (within one check), and the tuple is read in place.
    let (tuple, length) = unsafe {
        let tuple = (*tp).tp_mro;
        if tuple.is_null() {
            (tuple, 0)
        } else {
            (tuple, ffi::PyTuple_GET_SIZE(tuple))
        }
    };
    // SAFETY: as above; `index` stays below the tuple's length.
    (0..length).map(move |index| unsafe {
        ffi::PyTuple_GET_ITEM(tuple, index).cast::<ffi::PyTypeObject>()
    })
}

/// Whether a checked class in `tp`'s MRO counts `code` as its own or its unchecked bases'.
fn family_code(py: Python<'_>, tp: *mut ffi::PyTypeObject, code: usize) -> bool {
    mro(py, tp).any(|cls| {
        own_access(py, cls).is_some_and(|access| {
            let access = access.get();
            access.own.contains(code) || access.unchecked_bases.contains(code)
        })
    })
}

/// Whether the running Python code may use a member meant for `audience` of an object of
/// type `tp` (or of the class `tp` itself).
fn permitted(py: Python<'_>, audience: &Audience, tp: *mut ffi::PyTypeObject) -> bool {
    let code = current_code() as usize;
    code != 0
        && match audience {
            Audience::Private(access) => access.get().own.contains(code),
            Audience::Protected => family_code(py, tp, code),
        }
}

/// The refusal of `member` of class `owner` to the running code.
fn violation(
    py: Python<'_>,
    member: &str,
    owner: &Bound<'_, PyType>,
    audience: &Audience,
) -> PyErr {
    let owner = owner
        .fully_qualified_name()
        .map_or_else(|_| "<unknown class>".to_owned(), |name| name.to_string());
    let caller = describe_caller(py);
    let (kind, rule) = match audience {
        Audience::Private(_) => ("private", format!("only code of class {owner} may use it")),
        Audience::Protected => (
            "protected",
            "only code of the object's class and of its base classes may use it".to_owned(),
        ),
    };
    let message = format!("{kind} member '{member}' of class {owner} used by {caller}: {rule}");
    let error = AccessViolation::new_err(message);
    let value = error.value(py);
    let attributes = [
        ("member", member.to_owned()),
        ("owner", owner),
        ("caller", caller),
        ("name", member.to_owned()),
    ];
    for (attribute, text) in attributes {
        if let Err(failure) = value.setattr(attribute, text) {
            return failure;
        }
    }
    error
}

/// Who may use a member: one class's code, or the code of any class the object is an
/// instance of.
pub(super) enum Audience {
    Private(Py<ClassAccess>),
    Protected,
}

/// The key under which instances and classes keep the value of a guarded member:
/// `_A__x (private to mod.A)` for a member private to class `mod.A`, `_x (protected)` for a
/// protected one (shared along the class hierarchy).
///
/// Not the name itself: a data descriptor under a name hides the instance's value under that
/// name from everyone, including the descriptor (it could only reach it through a
/// materialized `__dict__`, and on 3.11 an instance whose dict is materialized loses the
/// interpreter's attribute specializations: every public read of it would slow down 2.5x).
/// A key that is no identifier keeps the value in the instance's inline values and out of
/// reach of `obj.name` syntax; only the class's own (rewritten) code and the guard use it.
/// Naming the class keeps another class of the same name (and so the same mangling) off it.
pub(super) fn storage_key<'py>(
    name: &Bound<'py, PyString>,
    private_to: Option<&Bound<'py, PyType>>,
) -> PyResult<Bound<'py, PyString>> {
    let key = match private_to {
        Some(cls) => format!("{name} (private to {})", cls.fully_qualified_name()?),
        None => format!("{name} (protected)"),
    };
    Ok(PyString::intern(name.py(), &key))
}

/// The member a storage key stands for (`_x` for `_x (protected)`), if it is one.
fn member_of_key(key: &str) -> Option<&str> {
    let (name, rest) = key.split_once(" (")?;
    let is_key = rest == "protected)" || (rest.starts_with("private to ") && rest.ends_with(')'));
    is_key.then_some(name)
}

/// A private member of a checked class, standing in the class dict under the member's name.
#[pyclass(frozen, module = "ocapy", name = "_PrivateMember")]
pub(super) struct Guard {
    name: Py<PyString>,
    stored_as: Py<PyString>,
    audience: Audience,
    /// The class whose dict holds this guard.
    owner: Py<PyType>,
}

impl Guard {
    /// The key the member's value is kept under.
    pub(super) fn stored_as<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        self.stored_as.bind(py).clone()
    }

    fn is(&self, other: &Guard) -> bool {
        std::ptr::eq(self, other)
    }

    pub(super) fn new(
        name: &Bound<'_, PyString>,
        stored_as: &Bound<'_, PyString>,
        audience: Audience,
        owner: Py<PyType>,
    ) -> Self {
        Self {
            name: name.clone().unbind(),
            stored_as: stored_as.clone().unbind(),
            audience,
            owner,
        }
    }

    /// Refuses the running Python code unless it may use this member of an object of type
    /// `tp` (or of the class `tp` itself).
    fn check(&self, py: Python<'_>, tp: *mut ffi::PyTypeObject) -> PyResult<()> {
        if permitted(py, &self.audience, tp) {
            Ok(())
        } else {
            let member = self.name.bind(py).to_string();
            Err(violation(py, &member, self.owner.bind(py), &self.audience))
        }
    }

    /// Whether this guard is the one a lookup of its name on `tp` finds first. It is not
    /// when `super()` (which starts after the calling class) reached it past a subclass's
    /// guard for the same name: then the subclass's own value is not the one asked for.
    fn is_nearest(&self, py: Python<'_>, tp: *mut ffi::PyTypeObject) -> bool {
        tp == self.owner.as_ptr().cast()
            || guard_for(py, tp, self.name.bind(py)).is_some_and(|nearest| nearest.get().is(self))
    }

    /// The class-level value of the member from the guard's own class on along `tp`'s MRO,
    /// as `super()` finds it.
    fn value_from_owner<'py>(
        &self,
        py: Python<'py>,
        tp: *mut ffi::PyTypeObject,
    ) -> Option<Bound<'py, PyAny>> {
        self.mro_from_owner(py, tp)
            .find_map(|cls| own_dict_item(py, cls, self.stored_as.as_ptr()))
            .or_else(|| self.base_value(py, tp))
    }

    /// Whether code outside the class may replace the member on `cls`: a protected member
    /// whose class-level value is a method (a callable or a non-data descriptor).
    fn replaceable(&self, py: Python<'_>, cls: &Bound<'_, PyType>) -> bool {
        matches!(self.audience, Audience::Protected)
            && self
                .value_from_owner(py, cls.as_type_ptr())
                .is_some_and(|value| {
                    // SAFETY: reading slots of a live object's type.
                    let (get, set) = unsafe {
                        let tp = ffi::Py_TYPE(value.as_ptr());
                        ((*tp).tp_descr_get, (*tp).tp_descr_set)
                    };
                    value.is_callable() || (get.is_some() && set.is_none())
                })
    }

    /// The value an unchecked base class further up `tp`'s MRO than the guard's class holds
    /// under the member's own name (checked classes hold theirs under the storage key).
    fn base_value<'py>(
        &self,
        py: Python<'py>,
        tp: *mut ffi::PyTypeObject,
    ) -> Option<Bound<'py, PyAny>> {
        self.mro_from_owner(py, tp)
            .skip(1)
            .find_map(|cls| own_dict_item(py, cls, self.name.as_ptr()))
    }

    /// `tp`'s MRO from the guard's own class on.
    fn mro_from_owner(
        &self,
        py: Python<'_>,
        tp: *mut ffi::PyTypeObject,
    ) -> impl Iterator<Item = *mut ffi::PyTypeObject> {
        let owner = self.owner.as_ptr().cast::<ffi::PyTypeObject>();
        mro(py, tp).skip_while(move |&cls| cls != owner)
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

    /// `obj.<storage key>` by the generic getattr (data descriptors and values of the
    /// classes, then the instance's own value), or `None` if there is none.
    fn stored_value<'py>(&self, obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = obj.py();
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

    /// `obj.name = value` (or `del obj.name` for `None`) on an instance, as the generic
    /// setattr would do it, under the storage key.
    fn store(&self, obj: &Bound<'_, PyAny>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let py = obj.py();
        let tp = ffi_type(obj);
        self.check(py, tp)?;
        let value_ptr = value.map_or(null_mut(), Bound::as_ptr);
        // SAFETY: `tp` is the type of the live `obj`.
        if unsafe { type_lookup(py, tp, self.stored_as.bind(py)) }.is_none()
            && let Some(descriptor) = self.base_value(py, tp)
            && let Some(set) = data_setter(&descriptor)
        {
            // SAFETY: `set` is the descriptor's own setter (an unchecked base's property or
            // slot), called with live objects (a null value means delete); it returns -1
            // with an error set on failure.
            let status: c_int = unsafe { set(descriptor.as_ptr(), obj.as_ptr(), value_ptr) };
            return if status < 0 {
                Err(PyErr::fetch(py))
            } else {
                Ok(())
            };
        }
        // SAFETY: the generic setattr with live arguments (null value: delete): a data
        // descriptor under the storage key (a slot) takes it, else the instance's own
        // attributes.
        if unsafe { ffi::PyObject_GenericSetAttr(obj.as_ptr(), self.stored_as.as_ptr(), value_ptr) }
            == 0
        {
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

fn ffi_type(obj: &Bound<'_, PyAny>) -> *mut ffi::PyTypeObject {
    // SAFETY: reading the type of a live object.
    unsafe { ffi::Py_TYPE(obj.as_ptr()) }
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
        let Some(obj) = obj else {
            let cls = cls
                .ok_or_else(|| PyTypeError::new_err("__get__(None, None) is invalid"))?
                .cast::<PyType>()?;
            let tp = cls.as_type_ptr();
            guard.check(py, tp)?;
            let value = if guard.is_nearest(py, tp) {
                // SAFETY: `tp` is the live class `cls`.
                unsafe { type_lookup(py, tp, guard.stored_as.bind(py)) }
                    .or_else(|| guard.base_value(py, tp))
            } else {
                guard.value_from_owner(py, tp)
            };
            return match value {
                Some(value) => bind(py, value, null_mut(), tp),
                None => Err(guard.missing(py, cls, true)),
            };
        };
        let tp = ffi_type(obj);
        guard.check(py, tp)?;
        if !guard.is_nearest(py, tp) {
            // `super()`: as in plain Python, the class-level value from the guard's class on.
            return match guard.value_from_owner(py, tp) {
                Some(value) => bind(py, value, obj.as_ptr(), tp),
                None => Err(guard.missing(py, obj, false)),
            };
        }
        if let Some(value) = guard.stored_value(obj)? {
            return Ok(value);
        }
        match guard.base_value(py, tp) {
            Some(value) => bind(py, value, obj.as_ptr(), tp),
            None => Err(guard.missing(py, obj, false)),
        }
    }

    fn __set__(&self, obj: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.store(obj, Some(value))
    }

    fn __delete__(&self, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        self.store(obj, None)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.owner)
    }
}

/// Which guard (if any) stands for `name` in lookups starting at `tp`.
pub(super) fn guard_for<'py>(
    py: Python<'py>,
    tp: *mut ffi::PyTypeObject,
    name: &Bound<'py, PyString>,
) -> Option<Bound<'py, Guard>> {
    // SAFETY: callers pass the type of an object or class they hold.
    unsafe { type_lookup(py, tp, name) }?
        .cast_into::<Guard>()
        .ok()
}

/// Refuses the running code a lookup, assignment or deletion of `name` on the instance
/// `target` made by way of a protocol method, when a guard covers that name.
fn check_name(
    py: Python<'_>,
    target: &Bound<'_, PyAny>,
    name: &Bound<'_, PyString>,
) -> PyResult<()> {
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
///
/// A name private to another checked class never reaches the method: that class's members
/// are used only by its own code, so a subclass's method is passed over for them (the next
/// one along the MRO gets the call, as if the subclass did not define it).
#[pyclass(frozen, module = "ocapy", name = "_CheckedProtocolMethod")]
pub(super) struct ProtocolGuard {
    function: Py<PyAny>,
    /// The class that defined the method.
    owner: Py<PyType>,
    /// `__getattribute__`, `__getattr__`, `__setattr__` or `__delattr__`.
    method: Py<PyString>,
}

impl ProtocolGuard {
    pub(super) fn new(function: Py<PyAny>, owner: Py<PyType>, method: Py<PyString>) -> Self {
        Self {
            function,
            owner,
            method,
        }
    }

    /// Whether `name` is a member private to a checked class other than the method's.
    fn is_foreign_private(
        &self,
        py: Python<'_>,
        tp: *mut ffi::PyTypeObject,
        name: &Bound<'_, PyString>,
    ) -> bool {
        guard_for(py, tp, name).is_some_and(|guard| {
            let guard = guard.get();
            matches!(guard.audience, Audience::Private(_)) && !guard.owner.is(&self.owner)
        })
    }

    /// The same protocol method of the classes after the method's own along `target`'s MRO,
    /// called with `args` (the method's arguments after `self`).
    fn call_next<'py>(
        &self,
        py: Python<'py>,
        target: &Bound<'py, PyAny>,
        name: &Bound<'py, PyString>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tp = ffi_type(target);
        let owner = self.owner.as_ptr().cast::<ffi::PyTypeObject>();
        let next = mro(py, tp)
            .skip_while(|&cls| cls != owner)
            .skip(1)
            .find_map(|cls| own_dict_item(py, cls, self.method.as_ptr()));
        match next {
            Some(method) => bind(py, method, target.as_ptr(), tp)?.call(args, kwargs),
            // Only `__getattr__` may be missing: `object` defines the other three.
            None => Err(PyAttributeError::new_err(format!(
                "'{}' object has no attribute '{name}'",
                target.get_type().name()?
            ))),
        }
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
            Some(obj) => bind_method(slf.as_any(), obj),
        }
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut args = args.clone();
        if args.len() >= 2
            && let Ok(name) = args.get_item(1)?.cast_into::<PyString>()
        {
            // The class's rewritten code asks for its members by storage key; the method
            // sees (and the check judges) the member's name, as written in the source.
            let name = match member_of_key(&name.to_cow()?) {
                Some(member) => PyString::intern(py, member),
                None => name,
            };
            let target = args.get_item(0)?;
            check_name(py, &target, &name)?;
            let mut items: Vec<Bound<'py, PyAny>> = args.iter().collect();
            items[1] = name.clone().into_any();
            if is_private(&name.to_cow()?) && self.is_foreign_private(py, ffi_type(&target), &name)
            {
                let rest = PyTuple::new(py, &items[1..])?;
                return self.call_next(py, &target, &name, &rest, kwargs);
            }
            args = PyTuple::new(py, items)?;
        }
        self.function.bind(py).call(args, kwargs)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.function)?;
        visit.call(&self.owner)
    }
}

/// `__class__` on instances of checked classes: read as ever, assigned only by code of the
/// object's own class family (its class and their bases, as for a protected member).
/// Without it, code outside the class could turn any instance into one of its own subclass
/// and take over its protected members and the methods the class's code calls on it.
#[pyclass(frozen, module = "ocapy", name = "_CheckedClassAssignment")]
pub(super) struct ClassAssignmentGuard;

/// `object.__class__`, the descriptor that reads and assigns an object's type.
fn object_class_descriptor(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let object = std::ptr::addr_of_mut!(ffi::PyBaseObject_Type);
    // SAFETY: `object` is a live, ready type.
    unsafe { type_lookup(py, object, intern!(py, "__class__")) }
        .ok_or_else(|| PyTypeError::new_err("object has no __class__ descriptor"))
}

#[pymethods]
impl ClassAssignmentGuard {
    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        obj: Option<&Bound<'py, PyAny>>,
        _cls: Option<&Bound<'py, PyAny>>,
    ) -> Bound<'py, PyAny> {
        match obj {
            None => slf.clone().into_any(),
            Some(obj) => obj.get_type().into_any(),
        }
    }

    fn __set__(&self, obj: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = obj.py();
        let tp = ffi_type(obj);
        if !permitted(py, &Audience::Protected, tp) {
            return Err(violation(
                py,
                "__class__",
                &obj.get_type(),
                &Audience::Protected,
            ));
        }
        object_class_descriptor(py)?.call_method1(intern!(py, "__set__"), (obj, value))?;
        Ok(())
    }

    fn __delete__(&self, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = obj.py();
        object_class_descriptor(py)?.call_method1(intern!(py, "__delete__"), (obj,))?;
        Ok(())
    }
}

/// `cls.name = value` (or `del cls.name` for `None`) on a checked class: a guarded name
/// needs the caller's right to it, and its value goes under the storage key.
pub(super) fn set_class_attribute(
    py: Python<'_>,
    cls: &Bound<'_, PyType>,
    name: &Bound<'_, PyString>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let tp = cls.as_type_ptr();
    let guard = if is_private(&name.to_cow()?) {
        guard_for(py, tp, name)
    } else {
        None
    };
    let Some(guard) = guard else {
        return type_setattr(cls, name, value);
    };
    let guard = guard.get();
    if let Err(refusal) = guard.check(py, tp) {
        // Replacing a protected method of the class, as `mock.patch.object` does, uses none
        // of its value: the replacement stands in front of the guard (and reaches nothing
        // behind it) until the guard is put back under its name.
        return match value {
            Some(value) if guard.replaceable(py, cls) => type_setattr(cls, name, Some(value)),
            _ => Err(refusal),
        };
    }
    match type_setattr(cls, guard.stored_as.bind(py), value) {
        Err(error) if value.is_none() && error.is_instance_of::<PyAttributeError>(py) => {
            Err(guard.missing(py, cls, true))
        }
        outcome => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::member_of_key;

    #[test]
    fn storage_keys_name_their_member() {
        assert_eq!(member_of_key("_x (protected)"), Some("_x"));
        assert_eq!(member_of_key("_A__x (private to mod.A)"), Some("_A__x"));
        assert_eq!(member_of_key("_x"), None);
        assert_eq!(member_of_key("_x (other)"), None);
    }
}
