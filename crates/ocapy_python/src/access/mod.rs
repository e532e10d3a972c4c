//! `access_checked`: a class's private members used only by the class's own code, checked
//! at run time by the caller's code object (layer 4 of the design).
//!
//! `@access_checked` and `class A(AccessChecked)` both end in `protect`: the class gets a
//! `ClassAccess` (its code objects), a `Guard` descriptor for each private member (whose
//! value moves to a storage key), its own code compiled again to use those keys for its own
//! private members, and its own attribute-protocol methods wrapped. Both leave the class's type a subclass of
//! `AccessCheckedMeta`, whose `__init__` protects every subclass as it is created and whose
//! `__setattr__` checks class-level assignment and deletion.

mod caller;
mod collect;
mod forgery;
mod guard;
mod names;
mod rewrite;

use std::collections::BTreeSet;
use std::ffi::{c_int, c_void};
use std::ptr::{addr_of_mut, null_mut};

use crate::arguments;
use pyo3::create_exception;
use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use collect::ClassCode;
use guard::{
    Audience, ClassAccess, ClassAssignmentGuard, CodeSet, Guard, ProtocolGuard, guard_for,
    own_access, own_dict_item, set_class_attribute, storage_key,
};
use names::{is_private, mangle, private_prefix};

use crate::capi::{slot_call, type_lookup};
use crate::metaclass::native_metaclass;
use rewrite::Rewriter;

create_exception!(
    ocapy,
    AccessViolation,
    PyAttributeError,
    "A private member of an access-checked class was used by code that is not the class's.\n\n\
     `member` is the member's name, `owner` the class holding it and `caller` the code that \
     used it, as `function at file:line`."
);

/// The environment variable that, set to `0` when a class is created, leaves it unchecked.
const SWITCH: &str = "OCAPY_ACCESS_CHECKS";

/// Where a checked class keeps its `ClassAccess` (`None` in a class of the checked metaclass
/// created with the switch off).
pub(super) const ACCESS_RECORD: &str = "__ocapy_access__";

static METACLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// `AccessChecked<M>` for each foreign metaclass `M` a decorated class had.
static COMBINED_METACLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn checks_enabled() -> bool {
    std::env::var_os(SWITCH).is_none_or(|value| value != "0")
}

/// `type.__setattr__(cls, name, value)`, or `type.__delattr__` for `None`, past the checked
/// metaclass's own `__setattr__`.
fn type_setattr(
    cls: &Bound<'_, PyType>,
    name: &Bound<'_, PyAny>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let value = value.map_or(null_mut(), Bound::as_ptr);
    // SAFETY: `type`'s own setattro, called with a live class, a live name and a live value
    // (or null to delete); it returns -1 with an error set on failure.
    let status = unsafe {
        match (*addr_of_mut!(ffi::PyType_Type)).tp_setattro {
            Some(set) => set(cls.as_ptr(), name.as_ptr(), value),
            None => return Err(PyTypeError::new_err("type has no __setattr__")),
        }
    };
    if status < 0 {
        Err(PyErr::fetch(cls.py()))
    } else {
        Ok(())
    }
}

/// `cls.__dict__[name] = value`, for a name `type.__setattr__` would not put there:
/// `cls.__class__ = x` assigns the metaclass.
fn set_in_class_dict(
    cls: &Bound<'_, PyType>,
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = cls.py();
    // SAFETY: `cls` is a live, ready heap class (protect refuses others before this); its
    // dict is read as `type` itself does (a new reference on 3.12+, borrowed before), set
    // with live objects, and `PyType_Modified` drops the lookups cached for the old value,
    // as `type.__setattr__` does after changing the dict. `name` is no slot name, so no
    // slot needs updating.
    unsafe {
        #[cfg(Py_3_12)]
        let dict = Bound::from_owned_ptr_or_err(py, ffi::PyType_GetDict(cls.as_type_ptr()))?;
        #[cfg(not(Py_3_12))]
        let dict = Bound::from_borrowed_ptr_or_err(py, (*cls.as_type_ptr()).tp_dict)?;
        if ffi::PyDict_SetItem(dict.as_ptr(), name.as_ptr(), value.as_ptr()) < 0 {
            return Err(PyErr::fetch(py));
        }
        ffi::PyType_Modified(cls.as_type_ptr());
    }
    Ok(())
}

/// `type.__new__(metaclass, *args, **kwargs)`.
fn type_new<'py>(
    py: Python<'py>,
    metaclass: *mut ffi::PyTypeObject,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = kwargs.map_or(null_mut(), Bound::as_ptr);
    // SAFETY: `type`'s own tp_new, with a live metaclass (a subtype of type), an argument
    // tuple and a keyword dict or null; new reference or null with an error set.
    unsafe {
        match (*addr_of_mut!(ffi::PyType_Type)).tp_new {
            Some(new) => Bound::from_owned_ptr_or_err(py, new(metaclass, args.as_ptr(), kwargs)),
            None => Err(PyTypeError::new_err("type has no __new__")),
        }
    }
}

/// Who may use a private name found in a class's code or dict, before the class's own
/// `ClassAccess` exists.
enum NameOwner {
    /// Private to this class (`__x` mangled with its name).
    ThisClass,
    /// Private to a checked base class, which guards it.
    OtherClass,
    Protected,
}

/// Refuses classes the checks would break rather than protect.
fn refuse_uncheckable(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let enum_type = cls.py().import("enum")?.getattr("EnumMeta")?;
    if cls.get_type().is_subclass(&enum_type)? {
        return Err(PyTypeError::new_err(format!(
            "access_checked cannot check the enum {}: its members get their attributes before \
             the class can be checked",
            cls.fully_qualified_name()?
        )));
    }
    Ok(())
}

/// A member `protect` guards in a class: its name, whose it is, and the class's own value.
type Member<'py> = (Bound<'py, PyString>, NameOwner, Option<Bound<'py, PyAny>>);

/// Makes `cls` access-checked; does nothing to a class that already is.
fn protect(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let py = cls.py();
    if own_access(py, cls.as_type_ptr()).is_some() {
        return Ok(());
    }
    refuse_uncheckable(cls)?;
    let namespace = class_dict(cls)?;
    let (mut code, protocol_methods) = ClassCode::of(py, &cls.qualname()?.to_cow()?, &namespace)?;
    let class_name = cls.name()?.to_string();
    code.private_names
        .extend(private_slots(&namespace, &class_name)?);
    let prefix = private_prefix(&class_name);
    let members = members_to_guard(cls, prefix.as_deref(), &code.private_names, &namespace)?;

    // The class's own code, compiled again to reach its own private members by storage key.
    let keys = members
        .iter()
        .filter(|(_, owner, _)| matches!(owner, NameOwner::ThisClass))
        .map(|(name, _, _)| Ok((name.to_cow()?.into_owned(), storage_key(name, Some(cls))?)))
        .collect::<PyResult<_>>()?;
    let mut rewriter = Rewriter::new(py, keys)?;
    let mut recompiled = Vec::new();
    for function in &code.own_functions {
        let function = function.bind(py);
        let original = function.getattr(intern!(py, "__code__"))?;
        let rewritten = rewriter.rewrite(&original)?;
        if !rewritten.is(&original) {
            recompiled.push((function.clone(), rewritten));
        }
    }
    let mut code_objects: Vec<Py<PyAny>> = code
        .code_objects
        .iter()
        .filter_map(|object| rewriter.rewritten.get(&(object.as_ptr() as usize)))
        .map(|rewritten| rewritten.clone().unbind())
        .collect();
    code_objects.extend(code.code_objects);
    // Before the class's code is registered as its own: from then on nothing may give a
    // function that code (`forgery`).
    for (function, rewritten) in recompiled {
        function.setattr(intern!(py, "__code__"), rewritten)?;
    }

    let access = ClassAccess::new(
        CodeSet::new(code_objects),
        &cls.fully_qualified_name()?.to_cow()?,
        CodeSet::new(unchecked_base_code(cls)?),
        prefix,
    )?;
    let access = Bound::new(py, access)?;
    type_setattr(cls, intern!(py, ACCESS_RECORD), Some(access.as_any()))?;
    for (name, function) in protocol_methods {
        let wrapped = ProtocolGuard::new(function, cls.clone().unbind(), name.clone_ref(py));
        type_setattr(cls, name.bind(py), Some(Bound::new(py, wrapped)?.as_any()))?;
    }
    for (name, owner, own_value) in members {
        let (audience, key) = match owner {
            NameOwner::ThisClass => (
                Audience::Private(access.clone().unbind()),
                storage_key(&name, Some(cls))?,
            ),
            NameOwner::OtherClass | NameOwner::Protected => {
                (Audience::Protected, storage_key(&name, None)?)
            }
        };
        if let Some(value) = own_value {
            type_setattr(cls, &key, Some(&value))?;
        }
        let guard = Guard::new(&name, &key, audience, cls.clone().unbind());
        type_setattr(cls, &name, Some(Bound::new(py, guard)?.as_any()))?;
    }
    let class_attribute = intern!(py, "__class__");
    // SAFETY: `cls` is a live type.
    let inherited = unsafe { type_lookup(py, cls.as_type_ptr(), class_attribute) };
    if !inherited.is_some_and(|found| found.is_instance_of::<ClassAssignmentGuard>()) {
        let guard = Bound::new(py, ClassAssignmentGuard)?;
        set_in_class_dict(cls, class_attribute, guard.as_any())?;
    }
    slot_names_by_storage_key(cls)
}

/// Gives `copy` and `pickle` the storage keys of the class's guarded slots in
/// `__slotnames__` (where `copyreg` looks first): they read and restore slot values by those
/// names, which the guards would refuse them.
fn slot_names_by_storage_key(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let py = cls.py();
    let mut has_slots = false;
    for base in cls.mro().iter() {
        let base = base.cast_into::<PyType>()?;
        has_slots |=
            own_dict_item(py, base.as_type_ptr(), intern!(py, "__slots__").as_ptr()).is_some();
    }
    if !has_slots {
        return Ok(());
    }
    let names = py
        .import("copyreg")?
        .call_method1("_slotnames", (cls,))?
        .try_iter()?
        .map(|name| {
            let name = name?.cast_into::<PyString>()?;
            Ok(match guard_for(py, cls.as_type_ptr(), &name) {
                Some(guard) => guard.get().stored_as(py),
                None => name,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let names = pyo3::types::PyList::new(py, names)?;
    type_setattr(cls, intern!(py, "__slotnames__"), Some(names.as_any()))
}

/// A snapshot of the class's own dict.
fn class_dict<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyDict>> {
    Ok(cls
        .getattr(intern!(cls.py(), "__dict__"))?
        .call_method0("copy")?
        .cast_into::<PyDict>()?)
}

/// The private names among the class's own `__slots__`, mangled as the class sees them.
fn private_slots(namespace: &Bound<'_, PyDict>, class_name: &str) -> PyResult<Vec<String>> {
    let Some(slots) = namespace.get_item(intern!(namespace.py(), "__slots__"))? else {
        return Ok(Vec::new());
    };
    let slots = if slots.is_instance_of::<PyString>() {
        vec![slots]
    } else {
        slots.try_iter()?.collect::<PyResult<Vec<_>>>()?
    };
    let mut names = Vec::new();
    for slot in slots {
        let mangled = mangle(class_name, &slot.cast_into::<PyString>()?.to_cow()?);
        if is_private(&mangled) {
            names.push(mangled);
        }
    }
    Ok(names)
}

/// The private names `cls` guards itself: its own private names, and the protected names no
/// base class guards already (a base's guard also lets this class's code in, since its code
/// is in the MRO of its instances). Another checked class's private names are that class's.
fn members_to_guard<'py>(
    cls: &Bound<'py, PyType>,
    prefix: Option<&str>,
    names: &BTreeSet<String>,
    namespace: &Bound<'py, PyDict>,
) -> PyResult<Vec<Member<'py>>> {
    let py = cls.py();
    let mut members = Vec::new();
    for name in names {
        let name = PyString::intern(py, name);
        let owner = owner_of(cls, prefix, &name)?;
        let own_value = namespace.get_item(&name)?;
        let guarded_by_base = own_value.is_none()
            && matches!(owner, NameOwner::Protected)
            && guard_for(py, cls.as_type_ptr(), &name).is_some();
        if !matches!(owner, NameOwner::OtherClass) && !guarded_by_base {
            members.push((name, owner, own_value));
        }
    }
    Ok(members)
}

/// The code of the Python classes among `cls`'s bases that are not checked themselves.
fn unchecked_base_code(cls: &Bound<'_, PyType>) -> PyResult<Vec<Py<PyAny>>> {
    let py = cls.py();
    let mut code_objects = Vec::new();
    for base in cls.mro().iter().skip(1) {
        let base = base.cast_into::<PyType>()?;
        // SAFETY: reading the flags of a live type.
        let is_python_class =
            unsafe { ffi::PyType_GetFlags(base.as_type_ptr()) } & ffi::Py_TPFLAGS_HEAPTYPE != 0;
        if !is_python_class || own_access(py, base.as_type_ptr()).is_some() {
            continue;
        }
        let (code, _) = ClassCode::of(py, &base.qualname()?.to_cow()?, &class_dict(&base)?)?;
        code_objects.extend(code.code_objects);
    }
    Ok(code_objects)
}

/// Whose `name` is, seen from `cls` (whose mangling prefix is `prefix`).
fn owner_of(
    cls: &Bound<'_, PyType>,
    prefix: Option<&str>,
    name: &Bound<'_, PyString>,
) -> PyResult<NameOwner> {
    let py = cls.py();
    let name = name.to_cow()?;
    let mangled_with = |prefix: &str| name.len() > prefix.len() && name.starts_with(prefix);
    if prefix.is_some_and(mangled_with) {
        return Ok(NameOwner::ThisClass);
    }
    for base in cls.mro().iter().skip(1) {
        let Some(access) = own_access(py, base.cast::<PyType>()?.as_type_ptr()) else {
            continue;
        };
        if access
            .get()
            .private_prefix
            .as_deref()
            .is_some_and(mangled_with)
        {
            return Ok(NameOwner::OtherClass);
        }
    }
    Ok(NameOwner::Protected)
}

/// `AccessCheckedMeta.__init__`: protects the class once every `__new__` along the
/// metaclass's MRO has run (so `ABCMeta`'s bookkeeping is in place), unless the switch is off
/// and no base class is checked.
///
/// `__init__` rather than `__new__`: a C-level `__new__` makes `type.__new__`'s safety check
/// refuse metaclasses that combine this one with a Python metaclass defining `__new__`.
unsafe extern "C" fn metaclass_init(
    cls: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> c_int {
    slot_call(-1, |py| {
        // SAFETY: `type`'s own tp_init with the arguments CPython passed us (it validates
        // their number); returns -1 with an error set on failure.
        let status = unsafe {
            match (*addr_of_mut!(ffi::PyType_Type)).tp_init {
                Some(init) => init(cls, args, kwargs),
                None => 0,
            }
        };
        if status < 0 {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: CPython passes the live class being initialized.
        let cls = unsafe { Bound::from_borrowed_ptr(py, cls) };
        let cls = cls.cast::<PyType>()?;
        // A subclass of a checked class meets its bases' guards whatever the switch says, so
        // it is checked too: unprotected, its own code would be refused their protected members.
        if checks_enabled() || has_checked_base(cls)? {
            protect(cls)?;
        } else {
            type_setattr(
                cls,
                intern!(py, ACCESS_RECORD),
                Some(&py.None().into_bound(py)),
            )?;
        }
        Ok(0)
    })
}

/// Records that the checked metaclass saw `cls` and left it unprotected (with the switch
/// off, or `AccessChecked`, which has nothing to protect), so that `metaclass_call` lets it
/// be instantiated.
fn mark_unprotected(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let py = cls.py();
    type_setattr(
        cls,
        intern!(py, ACCESS_RECORD),
        Some(&py.None().into_bound(py)),
    )
}

/// `AccessCheckedMeta.__call__`: refuses instances of a class this metaclass's `__init__`
/// never saw (a metaclass of its own that skips `super().__init__`), which would otherwise
/// run unchecked: it fails closed.
unsafe extern "C" fn metaclass_call(
    cls: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    slot_call(null_mut(), |py| {
        let record = intern!(py, ACCESS_RECORD);
        if own_dict_item(py, cls.cast(), record.as_ptr()).is_none() {
            // SAFETY: CPython passes the live class being called.
            let cls = unsafe { Bound::from_borrowed_ptr(py, cls) }.cast_into::<PyType>()?;
            return Err(PyTypeError::new_err(format!(
                "{} is not access-checked: its metaclass {}'s __init__ did not call \
                 super().__init__, where ocapy protects each class; call it there",
                cls.fully_qualified_name()?,
                cls.get_type().fully_qualified_name()?
            )));
        }
        // SAFETY: `type`'s own tp_call with the arguments CPython passed us; it returns a new
        // reference or null with an error set.
        unsafe {
            match (*addr_of_mut!(ffi::PyType_Type)).tp_call {
                Some(call) => {
                    Ok(Bound::from_owned_ptr_or_err(py, call(cls, args, kwargs))?.into_ptr())
                }
                None => Err(PyTypeError::new_err("type is not callable")),
            }
        }
    })
}

fn has_checked_base(cls: &Bound<'_, PyType>) -> PyResult<bool> {
    for base in cls.mro().iter().skip(1) {
        if own_access(cls.py(), base.cast::<PyType>()?.as_type_ptr()).is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn not_ready() -> PyErr {
    PyTypeError::new_err("ocapy access checks are not initialized")
}

/// `AccessCheckedMeta.__setattr__`/`__delattr__`: class-level writes of private members.
unsafe extern "C" fn metaclass_setattro(
    cls: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> c_int {
    slot_call(-1, |py| {
        // SAFETY: CPython passes a live class (an instance of this metaclass), a live name
        // and a live value or null (delete).
        let (cls, name, value) = unsafe {
            (
                Bound::from_borrowed_ptr(py, cls).cast_into::<PyType>()?,
                Bound::from_borrowed_ptr(py, name),
                Bound::from_borrowed_ptr_or_opt(py, value),
            )
        };
        let Ok(name) = name.cast::<PyString>() else {
            type_setattr(&cls, &name, value.as_ref())?;
            return Ok(0);
        };
        if name.to_cow()? == ACCESS_RECORD && own_access(py, cls.as_type_ptr()).is_some() {
            return Err(PyAttributeError::new_err(
                "the __ocapy_access__ record of an access-checked class cannot be replaced or deleted",
            ));
        }
        set_class_attribute(py, &cls, name, value.as_ref())?;
        Ok(0)
    })
}

fn create_metaclass(py: Python<'_>) -> PyResult<Py<PyType>> {
    native_metaclass(
        py,
        c"ocapy.AccessCheckedMeta",
        c"The metaclass of access-checked classes: protects each new subclass and checks class-level writes of private members.",
        &[
            ffi::PyType_Slot {
                slot: ffi::Py_tp_init,
                pfunc: metaclass_init as *mut c_void,
            },
            ffi::PyType_Slot {
                slot: ffi::Py_tp_setattro,
                pfunc: metaclass_setattro as *mut c_void,
            },
            ffi::PyType_Slot {
                slot: ffi::Py_tp_call,
                pfunc: metaclass_call as *mut c_void,
            },
        ],
    )
}

/// `AccessChecked`, the base class of the metaclass form (nothing of its own to protect).
fn create_base<'py>(
    py: Python<'py>,
    metaclass: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "ocapy")?;
    namespace.set_item("__qualname__", "AccessChecked")?;
    namespace.set_item("__slots__", PyTuple::empty(py))?;
    namespace.set_item(
        "__doc__",
        "Base class of access-checked classes: `class A(AccessChecked)` checks, at run time, \
         that A's private members (`__x`) are used only by A's code and its protected ones \
         (`_x`) only by code of A and its subclasses.",
    )?;
    let args = PyTuple::new(
        py,
        [
            PyString::new(py, "AccessChecked").into_any(),
            PyTuple::empty(py).into_any(),
            namespace.into_any(),
        ],
    )?;
    let base = type_new(py, metaclass.as_type_ptr(), &args, None)?.cast_into::<PyType>()?;
    mark_unprotected(&base)?;
    Ok(base)
}

/// The checked metaclass to give a class whose metaclass is `current`.
fn checked_metaclass_for<'py>(
    py: Python<'py>,
    current: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyType>> {
    let ours = METACLASS.get(py).ok_or_else(not_ready)?.bind(py);
    if current.is(py.get_type::<PyType>()) {
        return Ok(ours.clone());
    }
    let cache = COMBINED_METACLASSES
        .get_or_init(py, || PyDict::new(py).unbind())
        .bind(py);
    if let Some(combined) = cache.get_item(current)? {
        return Ok(combined.cast_into::<PyType>()?);
    }
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "ocapy")?;
    let name = format!("AccessChecked{}", current.name()?);
    let combined = py
        .get_type::<PyType>()
        .call1((name, (current, ours), namespace))?
        .cast_into::<PyType>()?;
    cache.set_item(current, &combined)?;
    Ok(combined)
}

/// Makes `metaclass` the type of `cls`, as `cls.__class__ = metaclass` would if Python
/// allowed it for classes whose metaclass is `type`.
fn set_metaclass(
    cls: &Bound<'_, PyType>,
    current: &Bound<'_, PyType>,
    metaclass: &Bound<'_, PyType>,
) -> PyResult<()> {
    // SAFETY: reading the flags and sizes of live types.
    let (flags, same_layout) = unsafe {
        let (from, to) = (current.as_type_ptr(), metaclass.as_type_ptr());
        (
            ffi::PyType_GetFlags(cls.as_type_ptr()),
            (*from).tp_basicsize == (*to).tp_basicsize && (*from).tp_itemsize == (*to).tp_itemsize,
        )
    };
    if flags & ffi::Py_TPFLAGS_HEAPTYPE == 0 || flags & ffi::Py_TPFLAGS_IMMUTABLETYPE != 0 {
        return Err(PyTypeError::new_err(format!(
            "access_checked cannot check {}: built-in and immutable classes cannot be changed",
            cls.fully_qualified_name()?
        )));
    }
    if !same_layout {
        return Err(PyTypeError::new_err(format!(
            "access_checked cannot check {}: its metaclass {} lays out classes differently from \
             type; derive a metaclass from it and type(ocapy.AccessChecked) instead",
            cls.fully_qualified_name()?,
            current.fully_qualified_name()?
        )));
    }
    // SAFETY: `cls` is a mutable heap class and the two metaclasses lay out their instances
    // identically (checked above), so swapping the type pointer is what `__class__`
    // assignment does for compatible layouts: the new type gains a reference, the old one
    // loses the one `cls` held. `PyType_Modified` drops caches keyed on the old type.
    unsafe {
        let object = cls.as_ptr();
        ffi::Py_INCREF(metaclass.as_ptr());
        (*object).ob_type = metaclass.as_type_ptr();
        ffi::Py_DECREF(current.as_ptr());
        ffi::PyType_Modified(cls.as_type_ptr());
    }
    Ok(())
}

/// Class decorator: check, at run time, that the class's private members (`__x`) are used
/// only by its own code and its protected ones (`_x`) only by code of it and its subclasses.
/// With `OCAPY_ACCESS_CHECKS=0` in the environment, returns the class untouched.
#[pyfunction]
fn access_checked<'py>(cls: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let Ok(class) = cls.cast::<PyType>() else {
        return Err(arguments::refused(
            "access_checked",
            "cls",
            "a class (access_checked decorates classes)",
            cls,
        ));
    };
    if !checks_enabled() {
        return Ok(cls.clone());
    }
    refuse_uncheckable(class)?;
    let metaclass = METACLASS.get(py).ok_or_else(not_ready)?.bind(py);
    if class.is_subclass(metaclass)? {
        return Err(PyTypeError::new_err(format!(
            "access_checked cannot check {}: it is the metaclass of access-checked classes",
            class.fully_qualified_name()?
        )));
    }
    let current = class.get_type();
    if !current.is_subclass(metaclass)? {
        let checked = checked_metaclass_for(py, &current)?;
        set_metaclass(class, &current, &checked)?;
    }
    protect(class)?;
    Ok(cls.clone())
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    caller::verify_frame_layout()?;
    module.add("AccessViolation", py.get_type::<AccessViolation>())?;
    let metaclass = METACLASS
        .get_or_try_init(py, || create_metaclass(py))?
        .bind(py);
    module.add("AccessCheckedMeta", metaclass)?;
    module.add("AccessChecked", create_base(py, metaclass)?)?;
    module.add_function(wrap_pyfunction!(access_checked, module)?)?;
    Ok(())
}
