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
//!
//! The class machinery reads attributes by string and hands objects to class hooks by
//! itself, where no rule on attribute syntax sees it; the builder and the metaclass close
//! those routes:
//! - a class pattern with positional sub-patterns reads the attributes `C.__match_args__`
//!   names: a `__match_args__` that names a private or hidden-edge attribute is refused when
//!   the class is built and whenever it is read from a compartment class;
//! - `isinstance` and `issubclass` call `__instancecheck__`, `__subclasscheck__` and
//!   `__subclasshook__` with whatever object they are asked about, from host code too (an
//!   ABC asks its subclasses' hooks): a compartment class may not define them;
//! - a write to a class changes what everyone holding it sees: compartment code writes only
//!   to the classes its own compartment built, and never a dunder or hidden-edge name, which
//!   changes how the class behaves rather than what it holds.

use std::cell::RefCell;
use std::ffi::CStr;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, MutexGuard};

use ocapy_verifier::rules::classes::INSTANCE_CHECK_HOOKS;
use ocapy_verifier::rules::is_dunder;
use ocapy_verifier::tables::attributes::{METADATA_ATTRIBUTES, hidden_edge};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBytes, PyComplex, PyDict, PyFloat, PyFrozenSet, PyInt, PyIterator, PyList, PyString, PyTuple,
    PyType, PyWeakrefReference,
};
use pyo3::{PyTraverseError, PyVisit};

use super::{
    Access, AddressMap, CapabilityError, ObjectCache, audit, host, is_public_name, refused_name,
    refused_name_on, refused_write, type_forms,
};
use crate::capi::{_PyType_Lookup, bind_method, slot_call};
use crate::membrane;
use crate::metaclass::native_metaclass;
use crate::seal::{Depth, Sealed};

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
                &[
                    ffi::PyType_Slot {
                        slot: ffi::Py_tp_getattro,
                        pfunc: class_getattro as *mut _,
                    },
                ],
            )
            .and_then(|metaclass| {
                add_write_methods(metaclass.bind(py))?;
                Ok(metaclass)
            })
        })
        .map(|class| class.bind(py))
}

/// A method definition CPython keeps pointing into: static, and never written.
struct MethodDef(ffi::PyMethodDef);

// SAFETY: the definitions below are immutable, and CPython only reads them.
unsafe impl Sync for MethodDef {}

impl MethodDef {
    /// A METH_FASTCALL method taking `ARGUMENTS` arguments after `self` (see `class_write`).
    const fn class_write<const ARGUMENTS: isize>(name: &'static CStr, doc: &'static CStr) -> Self {
        MethodDef(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFast: class_write::<ARGUMENTS>,
            },
            ml_flags: ffi::METH_FASTCALL,
            ml_doc: doc.as_ptr(),
        })
    }
}

static CLASS_SETATTR: MethodDef = MethodDef::class_write::<2>(
    c"__setattr__",
    c"Sets a class attribute, if the writer may (see ocapy's compartment docs).",
);

static CLASS_DELATTR: MethodDef = MethodDef::class_write::<1>(
    c"__delattr__",
    c"Deletes a class attribute, if the writer may (see ocapy's compartment docs).",
);

/// Gives `metaclass` the `__setattr__` and `__delattr__` of [`class_write`], as methods
/// rather than a C slot: `type` then dispatches to them as it does to a Python metaclass's,
/// and a combined metaclass's other base (`EnumType.__setattr__`) can still end in
/// `type.__setattr__`, which refuses to skip over a C-level slot.
fn add_write_methods(metaclass: &Bound<'_, PyType>) -> PyResult<()> {
    let py = metaclass.py();
    for definition in [&CLASS_SETATTR, &CLASS_DELATTR] {
        // SAFETY: a live type and a static definition; a new reference or NULL with an
        // exception set.
        let descriptor = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyDescr_NewMethod(
                    metaclass.as_type_ptr(),
                    (&raw const definition.0).cast_mut(),
                ),
            )?
        };
        let name = descriptor.getattr("__name__")?;
        metaclass.setattr(name.cast_into::<PyString>()?, descriptor)?;
    }
    Ok(())
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
        slot_call(std::ptr::null_mut(), |py| {
            checked_class_attribute(py, class, name, value).map(Bound::into_ptr)
        })
    }
}

/// The second half of [`class_getattro`]: `value`, a new reference to what `type` found,
/// checked.
///
/// # Safety
/// `class` is a live type whose metaclass derives from ours, `name` and `value` live.
unsafe fn checked_class_attribute<'py>(
    py: Python<'py>,
    class: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: the caller's contract.
    unsafe {
        let class = Bound::from_borrowed_ptr(py, class).cast_into_unchecked::<PyType>();
        let value = Bound::from_owned_ptr(py, value);
        let name = Bound::from_borrowed_ptr(py, name);
        // The names are compared only for values of the one type each can have.
        if ffi::PyTuple_Check(value.as_ptr()) != 0 && is_named(&name, "__match_args__") {
            class
                .name()
                .and_then(|class_name| check_match_args(&class_name, &value))
                .map(|()| value)
        } else if ffi::Py_IS_TYPE(value.as_ptr(), &raw mut ffi::PyDictProxy_Type) != 0
            && is_named(&name, "__dict__")
        {
            checked_namespace(&class, &value)
        } else {
            checked_attribute(&class, &name, value)
        }
    }
}

/// Refuses what a compartment class may not derive from, or redefine there:
/// - `type` (through `typing.Type`, say): a metaclass of the plugin's would build classes
///   without the compartment's builder, and hash and compare them as it likes;
/// - `__eq__` or `__hash__` over a value type (`str`, `int`, `tuple`...), its own or
///   inherited from a class compartment code built (a mixin): the standard library's caches
///   (`re`'s, `strptime`'s, typing's) key on such values, and a plugin's `"x"` equal to every
///   key would file its own entries under the host's.
fn check_bases(
    name: &Bound<'_, PyAny>,
    bases: &Bound<'_, PyAny>,
    namespace: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = name.py();
    let value_types = [
        py.get_type::<PyInt>(),
        py.get_type::<PyFloat>(),
        py.get_type::<PyComplex>(),
        py.get_type::<PyString>(),
        py.get_type::<PyBytes>(),
        py.get_type::<PyTuple>(),
        py.get_type::<PyFrozenSet>(),
    ];
    let bases: Vec<Bound<'_, PyType>> = bases
        .try_iter()?
        .filter_map(|base| base.map(|base| base.cast_into::<PyType>().ok()).transpose())
        .collect::<PyResult<_>>()?;
    let mut value_type = None;
    for base in &bases {
        if base.is_subclass_of::<PyType>()? {
            return Err(CapabilityError::new_err(format!(
                "class {name} derives from type, which is refused in a compartment: a \
                 metaclass builds classes past the compartment's class statement"
            )));
        }
        value_type = value_type.or_else(|| {
            value_types
                .iter()
                .find(|value_type| base.is_subclass(value_type).unwrap_or(true))
        });
    }
    let Some(value_type) = value_type else {
        return Ok(());
    };
    let refuse = |how: String| -> PyResult<()> {
        let value_type = value_type.name()?;
        Err(CapabilityError::new_err(format!(
            "class {name} derives from {value_type} and {how}, which is refused in a \
             compartment: the standard library's caches key on such values and would file the \
             class's entries under the host's; keep {value_type}'s own, or wrap the value in a \
             class of your own"
        )))
    };
    for method in ["__eq__", "__hash__"] {
        if namespace_entry(namespace, method)?.is_some() {
            return refuse(format!("defines {method}"));
        }
    }
    for base in &bases {
        for class in base.mro() {
            let class = class.cast_into::<PyType>()?;
            if builder_of(&class).is_none() {
                continue;
            }
            let own = class.getattr(intern!(py, "__dict__"))?;
            for method in ["__eq__", "__hash__"] {
                if own.contains(method)? {
                    return refuse(format!("inherits {method} from {}", class.qualname()?));
                }
            }
        }
    }
    Ok(())
}

fn is_named(name: &Bound<'_, PyAny>, expected: &str) -> bool {
    name.cast::<PyString>()
        .is_ok_and(|name| name.to_str().is_ok_and(|name| name == expected))
}

/// `class.__dict__` as untrusted code may see it: a read-only copy whose functions and
/// properties are the checked methods and views reading them from the class gives (the
/// namespace itself would hand out the raw functions, to a classmethod's `cls.__dict__` or
/// an `__init_subclass__` looking at a subclass).
fn checked_namespace<'py>(
    class: &Bound<'py, PyType>,
    namespace: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let copy = PyDict::new(py);
    // Through the proxy's own `items`: a cast to `collections.abc.Mapping` would import that
    // module, through the compartment's import gate when compartment code is reading.
    for item in namespace.call_method0(intern!(py, "items"))?.try_iter()? {
        let (name, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item?.extract()?;
        copy.set_item(&name, checked_attribute(class, &name, value)?)?;
    }
    // SAFETY: a live dict; a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyDictProxy_New(copy.as_ptr())) }
}

/// Refuses a `__match_args__` of the class `class_name` that a positional class pattern
/// could not use safely: each entry is an attribute the pattern reads from the subject by
/// that string, so each must be an exact `str` naming a public, non-hidden attribute.
fn check_match_args(class_name: &dyn std::fmt::Display, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let why = if let Ok(names) = value.cast_exact::<PyTuple>() {
        let mut why = None;
        for name in names.iter() {
            why = match name.cast_exact::<PyString>() {
                Ok(name) => refused_name(name.to_str()?),
                Err(_) => Some(format!(
                    "its entries must be exact strings, got {}",
                    name.get_type().name()?
                )),
            };
            if why.is_some() {
                break;
            }
        }
        why
    } else {
        Some(format!(
            "it must be a tuple, got {}",
            value.get_type().name()?
        ))
    };
    match why {
        None => Ok(()),
        Some(why) => Err(CapabilityError::new_err(format!(
            "{class_name}.__match_args__ is refused in a compartment: {why}; a class pattern \
             reads the attributes it names from the subject (name only public attributes, or \
             match with keyword patterns: `case C(x=x)`)"
        ))),
    }
}

/// `__setattr__(class, name, value)` (`ARGUMENTS` 2) and `__delattr__(class, name)` (1) of
/// `CompartmentClass`: refuses what compartment code may not write (see
/// [`check_class_write`]), then writes as the next metaclass along the MRO does.
///
/// # Safety
/// Called as a METH_FASTCALL method is: with the GIL held, its live `self` (an instance of a
/// metaclass derived from ours, which the method descriptor checked) and `count` live
/// arguments at `args`.
unsafe extern "C" fn class_write<const ARGUMENTS: isize>(
    class: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    count: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    slot_call(std::ptr::null_mut(), |py| {
        if count != ARGUMENTS {
            return Err(PyTypeError::new_err(format!(
                "expected {ARGUMENTS} arguments, got {count}"
            )));
        }
        // SAFETY: the caller's contract.
        let (class, name, value) = unsafe {
            (
                Bound::from_borrowed_ptr(py, class).cast_into_unchecked::<PyType>(),
                Bound::from_borrowed_ptr(py, *args),
                (ARGUMENTS == 2).then(|| Bound::from_borrowed_ptr(py, *args.add(1))),
            )
        };
        check_class_write(&class, &name)?;
        next_setattr(&class, &name, value.as_ref())?;
        Ok(py.None().into_ptr())
    })
}

/// Code acting for a compartment writes only to classes that compartment built, and never
/// under a dunder or hidden-edge name: those change how the class behaves (its operators,
/// hash, pattern matching, hooks, `mro`), which a class body says once, not what it holds.
/// The one exception is host code (a facade metaclass such as `EnumType`) completing a
/// class statement in progress. The host, acting for itself, writes as it likes.
fn check_class_write(class: &Bound<'_, PyType>, name: &Bound<'_, PyAny>) -> PyResult<()> {
    let Some(acting) = audit::acting_compartment() else {
        return Ok(());
    };
    let (own, host_builds) = match builder_of(class) {
        Some(builder) => (Arc::ptr_eq(&builder, &acting), false),
        None => {
            let building = is_being_built_by(class, &acting)?;
            (
                building,
                building && audit::builtins_compartment().is_none(),
            )
        }
    };
    let class_name = class.name()?;
    let Ok(name) = name.cast::<PyString>() else {
        // `type` refuses it in its own words.
        return Ok(());
    };
    let name = name.to_str()?;
    if !own {
        return Err(CapabilityError::new_err(format!(
            "writing {class_name}.{name} is refused in a compartment: the class was built by \
             another compartment or the host, which would see the change; a compartment \
             writes only to classes it built"
        )));
    }
    if !host_builds && (is_dunder(name) || hidden_edge(name).is_some()) {
        return Err(CapabilityError::new_err(format!(
            "writing {class_name}.{name} is refused in a compartment: a dunder or hidden-edge \
             name changes how the class behaves; define it in the class body"
        )));
    }
    Ok(())
}

/// Sets (or, without a value, deletes) the attribute as the metaclass after ours along the
/// MRO does: `type` itself, or a combined metaclass's other base (`EnumType` refuses to
/// reassign members).
fn next_setattr(
    class: &Bound<'_, PyType>,
    name: &Bound<'_, PyAny>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let py = class.py();
    let ours = compartment_class(py)?;
    let metaclass = class.get_type();
    if metaclass.is(ours) {
        let value = value.map_or(std::ptr::null_mut(), Bound::as_ptr);
        // SAFETY: `type`'s own tp_setattro (always set, never changed) on a live type
        // object, with the GIL held.
        let status = unsafe {
            let setattro = ffi::PyType_Type.tp_setattro.expect("type has tp_setattro");
            setattro(class.as_ptr(), name.as_ptr(), value)
        };
        return match status {
            0 => Ok(()),
            _ => Err(PyErr::fetch(py)),
        };
    }
    let method = if value.is_some() {
        "__setattr__"
    } else {
        "__delattr__"
    };
    let mut after_ours = false;
    for base in metaclass.mro().iter() {
        if !after_ours {
            after_ours = base.is(ours);
            continue;
        }
        let own = base.cast::<PyType>()?.getattr("__dict__")?;
        if let Ok(found) = own.get_item(method) {
            match value {
                Some(value) => found.call1((class, name, value))?,
                None => found.call1((class, name))?,
            };
            return Ok(());
        }
    }
    // `type` follows CompartmentClass in the MRO of every metaclass derived from it.
    Err(PyTypeError::new_err(format!(
        "the metaclass {} has no {method} after CompartmentClass",
        metaclass.name()?
    )))
}

/// The compartment that built each class (the `Arc` of its builtins' registration, which no
/// other compartment's shares, even at the same address), by the class's address, with a
/// weak reference that tells a live entry from one whose class died and left its address to
/// another.
struct Builder {
    class: Py<PyWeakrefReference>,
    compartment: Arc<str>,
}

static BUILDERS: Mutex<Option<AddressMap<usize, Builder>>> = Mutex::new(None);

/// Entries before the next sweep of the dead ones.
static SWEEP_AT: AtomicUsize = AtomicUsize::new(1024);

fn builders() -> MutexGuard<'static, Option<AddressMap<usize, Builder>>> {
    BUILDERS.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn record_builder(class: &Bound<'_, PyType>, compartment: Arc<str>) -> PyResult<()> {
    let entry = Builder {
        class: PyWeakrefReference::new(class)?.unbind(),
        compartment,
    };
    // Dropped once the lock is released: a finalizer may come back here.
    let mut dead = Vec::new();
    {
        let mut map = builders();
        let map = map.get_or_insert_with(AddressMap::default);
        dead.extend(map.insert(class.as_ptr() as usize, entry));
        if map.len() >= SWEEP_AT.load(Relaxed) {
            let addresses: Vec<usize> = map
                .iter()
                .filter(|(_, builder)| builder.class.bind(class.py()).upgrade().is_none())
                .map(|(address, _)| *address)
                .collect();
            dead.extend(addresses.iter().filter_map(|address| map.remove(address)));
            SWEEP_AT.store((map.len() * 2).max(1024), Relaxed);
        }
    }
    drop(dead);
    Ok(())
}

/// The compartment that built `class`, if one did.
pub(crate) fn builder_of(class: &Bound<'_, PyType>) -> Option<Arc<str>> {
    let map = builders();
    let builder = map.as_ref()?.get(&(class.as_ptr() as usize))?;
    let alive = builder.class.bind(class.py()).upgrade()?;
    alive.is(class).then(|| Arc::clone(&builder.compartment))
}

/// A class statement running on this thread: its compartment, and the class's name and bases.
struct Statement {
    compartment: Arc<str>,
    name: Py<PyAny>,
    bases: Py<PyAny>,
}

thread_local! {
    /// The class statements running on this thread, innermost last. A class is recorded
    /// once it exists, but its own `__set_name__` and `__init_subclass__` hooks run before
    /// that, and may write to it.
    static BUILDING: RefCell<Vec<Statement>> = const { RefCell::new(Vec::new()) };
}

/// Runs `build`, the creation of a class by a class statement, as a statement in progress.
fn building<T>(statement: Statement, build: impl FnOnce() -> T) -> T {
    BUILDING.with(|building| building.borrow_mut().push(statement));
    let built = build();
    let statement = BUILDING.with(|building| building.borrow_mut().pop());
    drop(statement);
    built
}

/// Whether `class`, which no compartment has recorded, is the class the innermost class
/// statement on this thread is creating, for `writer`'s compartment.
fn is_being_built_by(class: &Bound<'_, PyType>, writer: &Arc<str>) -> PyResult<bool> {
    let py = class.py();
    let Some((name, bases)) = BUILDING.with(|building| {
        building
            .borrow()
            .last()
            .filter(|statement| Arc::ptr_eq(&statement.compartment, writer))
            .map(|statement| (statement.name.clone_ref(py), statement.bases.clone_ref(py)))
    }) else {
        return Ok(false);
    };
    if !class.name()?.as_any().eq(name.bind(py))? {
        return Ok(false);
    }
    let expected: Vec<Bound<'_, PyAny>> = bases.bind(py).try_iter()?.collect::<PyResult<_>>()?;
    let actual = class.getattr("__bases__")?.cast_into::<PyTuple>()?;
    let same = if expected.is_empty() {
        actual.len() == 1 && actual.get_item(0)?.is(py.get_type::<PyAny>())
    } else {
        actual.len() == expected.len()
            && actual
                .iter()
                .zip(&expected)
                .all(|(one, other)| one.is(other))
    };
    Ok(same)
}

/// What reading `name` on `class` gives untrusted code, `value` being what `type` gives: a
/// plain function becomes a checked unbound method, a property a view without raw
/// accessors. Private names are checked too: a classmethod's `cls._data` reads whatever the
/// class it runs on binds, and a subclass may bind a method there. `__new__` and
/// `_generate_next_value_` are left alone: library code reads them through the class and
/// calls them without an instance (`Enum`'s).
/// Refuses `name`, read from `class`, when it is a hidden edge of the class's kind (of its
/// metaclass) (`ABCMeta.register` makes any class a virtual subclass of the class,
/// and so of every ABC above it, for the whole process).
fn refuse_metaclass_edge(class: &Bound<'_, PyType>, name: &Bound<'_, PyAny>) -> PyResult<()> {
    let Some(text) = name
        .cast::<PyString>()
        .ok()
        .and_then(|name| name.to_str().ok())
    else {
        return Ok(());
    };
    if hidden_edge(text).is_none_or(|edge| edge.is_static()) {
        return Ok(());
    }
    match refused_name_on(text, Access::Read, class) {
        Some(why) => Err(CapabilityError::new_err(format!(
            "{}.{text} is refused in a compartment: {why}",
            class.name()?
        ))),
        None => Ok(()),
    }
}

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
        refuse_metaclass_edge(class, name)?;
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

/// Whether a method of this name is checked when read from its class: all but `__new__` (a
/// static method by definition, called with the class) and `_generate_next_value_`, which
/// enum calls through the class without an instance (the verifier grants neither a
/// receiver).
fn is_checked_name(name: &str) -> bool {
    name != "__new__" && name != "_generate_next_value_"
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
        if let Some(sealed) = first.as_ref().and_then(|first| self.sealed_instance(first)) {
            return self.call_through_seal(sealed, args, kwargs);
        }
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

    /// As the function's, so that `abc` still finds the abstract methods of a class whose
    /// `__dict__` it reads.
    #[getter]
    fn __isabstractmethod__(&self, py: Python<'_>) -> PyResult<bool> {
        is_abstract(self.function.bind(py))
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

    /// `first` as a host object of the owner class that compartment code holds sealed,
    /// when this is a public method: `Owner.m(sealed, ...)` is then `sealed.m(...)`, which
    /// crosses the membrane like any call on the seal. A dunder is not called through a seal.
    fn sealed_instance<'a, 'py>(
        &self,
        first: &'a Bound<'py, PyAny>,
    ) -> Option<&'a Bound<'py, Sealed>> {
        let py = first.py();
        let sealed = first.cast_exact::<Sealed>().ok()?;
        let is_public = self
            .function
            .bind(py)
            .getattr(intern!(py, "__name__"))
            .ok()?
            .extract::<String>()
            .is_ok_and(|name| !name.starts_with('_'));
        let inner = sealed.get().unwrap(py);
        (matches!(sealed.get().depth, Depth::ToPlugin(_))
            && is_public
            && is_instance_by_type(&inner, self.owner.bind(py)))
        .then_some(sealed)
    }

    fn call_through_seal<'py>(
        &self,
        sealed: &Bound<'py, Sealed>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = sealed.py();
        let name = self.function.bind(py).getattr(intern!(py, "__name__"))?;
        let method = sealed.as_any().getattr(name.cast::<PyString>()?)?;
        method.call(args.get_slice(1, args.len()), kwargs)
    }
}

/// `getattr(value, "__isabstractmethod__", False)`, as `abc` asks it.
fn is_abstract(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    match value.getattr_opt("__isabstractmethod__")? {
        Some(flag) => flag.is_truthy(),
        None => Ok(false),
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

    #[getter]
    fn __isabstractmethod__(&self, py: Python<'_>) -> PyResult<bool> {
        is_abstract(self.property.bind(py))
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

/// The class view of each class, by the class's address (kept alive by its view): one view
/// per class, so that `type(x) is collections.Counter` holds in compartment code.
static CLASS_VIEWS: ObjectCache<usize, ClassView> = ObjectCache::new(1 << 12);

/// The class view of `class`, a class exported by a facade, made by facade code or read by
/// compartment code's `type(x)`, as compartment code holds it.
pub(crate) fn class_view<'py>(class: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let address = class.as_ptr() as usize;
    if let Some(view) = CLASS_VIEWS.get(py, &address) {
        return Ok(view.into_any());
    }
    let view = Bound::new(
        py,
        ClassView {
            class: class.clone().unbind(),
        },
    )?;
    CLASS_VIEWS.insert(address, view.clone().unbind());
    Ok(view.into_any())
}

impl ClassView {
    /// The class behind `value`, if it is a class view.
    pub(crate) fn inner<'py>(value: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        let view = value.cast_exact::<ClassView>().ok()?;
        Some(view.get().class.bind(value.py()).clone().into_any())
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
        let class = self.class.bind(py);
        let (args, kwargs) = membrane::facade_arguments(args, kwargs, class)?;
        let made = if is_enum_metaclass(&class.get_type())? {
            let (args, kwargs) = checked_functional_enum(class.as_any(), &args, kwargs.as_ref())?;
            class.call(args, kwargs.as_ref())?
        } else {
            class.call(args, kwargs.as_ref())?
        };
        // An instance is what the view's class makes; anything else (the class enum's
        // functional form builds) is what facade code made.
        if is_instance_by_type(&made, class) {
            Ok(made)
        } else {
            membrane::from_facade(&made)
        }
    }

    fn __setattr__(&self, py: Python<'_>, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(refused_write(self.class.bind(py), name, SHARED_CLASS))
    }

    fn __delattr__(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        Err(refused_write(self.class.bind(py), name, SHARED_CLASS))
    }

    fn __getattr__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let class = self.class.bind(py);
        if let Some(why) = refused_name_on(name.to_str()?, Access::Read, class) {
            return Err(CapabilityError::new_err(format!(
                "{}.{name} is refused in a compartment: {why}",
                class.name()?
            )));
        }
        let value = class.getattr(name)?;
        checked_attribute(class, name.as_any(), value)
    }

    /// By what the instance is: a sealed object is an instance of its inner object's class
    /// (a type test tells its holder nothing the wrapper's public surface does not).
    fn __instancecheck__(&self, py: Python<'_>, instance: &Bound<'_, PyAny>) -> PyResult<bool> {
        let instance = match instance.cast_exact::<Sealed>() {
            Ok(sealed) => sealed.get().unwrap(py),
            Err(_) => instance.clone(),
        };
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

    /// As the class iterates (an enum's members), or the `TypeError` a class gives: without
    /// it, `__getitem__` would make the view an endless sequence of `Counter[0]`, `Counter[1]`...
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        self.class.bind(py).as_any().try_iter()
    }

    /// A type form (`Counter[str]`), seen through a view as the facade's own are.
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        type_forms::seen(
            &self
                .class
                .bind(py)
                .as_any()
                .get_item(type_forms::given(item)?)?,
        )
    }

    fn __or__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        type_forms::seen(
            &self
                .class
                .bind(py)
                .as_any()
                .bitor(type_forms::given(other)?)?,
        )
    }

    fn __ror__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        type_forms::seen(&type_forms::given(other)?.bitor(self.class.bind(py))?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<class view {}>", self.class.bind(py).repr()?))
    }
}

/// The class of an object compartment code holds that neither it nor a facade hands out
/// (a generator's, a bound method's, a host class behind a seal's inner object), as
/// `type(x)` gives it: to name (`__name__`, `__qualname__`, `__module__`), compare by
/// identity and test instances with, never to call, read from or subclass: calling
/// `type(f)` would make functions, and `type(C)` classes past the class statement.
#[pyclass(frozen, module = "ocapy", name = "class_name")]
pub(crate) struct ClassName {
    class: Py<PyType>,
}

static CLASS_NAMES: ObjectCache<usize, ClassName> = ObjectCache::new(1 << 12);

/// The one [`ClassName`] of `class`.
pub(crate) fn class_name<'py>(class: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let address = class.as_ptr() as usize;
    if let Some(name) = CLASS_NAMES.get(py, &address) {
        return Ok(name.into_any());
    }
    let name = Bound::new(
        py,
        ClassName {
            class: class.clone().unbind(),
        },
    )?;
    CLASS_NAMES.insert(address, name.clone().unbind());
    Ok(name.into_any())
}

/// The class view of `class` if one was made already (a facade handed the class out).
pub(crate) fn existing_class_view<'py>(class: &Bound<'py, PyType>) -> Option<Bound<'py, PyAny>> {
    CLASS_VIEWS
        .get(class.py(), &(class.as_ptr() as usize))
        .map(Bound::into_any)
}

#[pymethods]
impl ClassName {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.class)
    }

    #[getter]
    fn __name__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self
            .class
            .bind(py)
            .getattr(intern!(py, "__name__"))?
            .unbind())
    }

    #[getter]
    fn __qualname__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self
            .class
            .bind(py)
            .getattr(intern!(py, "__qualname__"))?
            .unbind())
    }

    #[getter]
    fn __module__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self
            .class
            .bind(py)
            .getattr(intern!(py, "__module__"))?
            .unbind())
    }

    fn __instancecheck__(&self, py: Python<'_>, instance: &Bound<'_, PyAny>) -> PyResult<bool> {
        instance.is_instance(self.class.bind(py))
    }

    #[pyo3(signature = (*_args, **_kwargs))]
    fn __call__(
        &self,
        py: Python<'_>,
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        Err(CapabilityError::new_err(format!(
            "calling type(x) for {} is refused in a compartment: the class is neither \
             compartment code's nor one a facade hands out, so type(x) gives it to name and \
             compare only",
            self.class.bind(py).repr()?
        )))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<class name {}>", self.class.bind(py).repr()?))
    }
}

/// Whether `metaclass` is enum's (`EnumType`) or derives from it. By the host's `enum` module
/// as `sys.modules` holds it: no import runs, and without it no enum class exists.
fn is_enum_metaclass(metaclass: &Bound<'_, PyType>) -> PyResult<bool> {
    let py = metaclass.py();
    let Some(enum_module) = host(py)?.sys_modules.bind(py).get_item("enum")? else {
        return Ok(false);
    };
    let enum_type = enum_module.getattr(intern!(py, "EnumMeta"))?;
    metaclass.is_subclass(enum_type.cast::<PyType>()?)
}

/// The `__call__` of a compartment metaclass combined with `EnumType`: its functional form
/// (`Shade("Light", names)`) builds a class past the compartment's class statement, so it is
/// checked first (see [`checked_functional_enum`]).
#[pyclass(frozen, module = "ocapy", name = "enum_call")]
struct EnumCall {
    /// `EnumType.__call__`.
    call: Py<PyAny>,
}

#[pymethods]
impl EnumCall {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.call)
    }

    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        instance: Option<&Bound<'py, PyAny>>,
        _owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match instance.filter(|instance| !instance.is_none()) {
            Some(class) => bind_method(slf.as_any(), class),
            None => Ok(slf.clone().into_any()),
        }
    }

    #[pyo3(signature = (class, *args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        class: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (args, kwargs) = checked_functional_enum(class, args, kwargs)?;
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(class.clone());
        all.extend(args.iter());
        self.call
            .bind(py)
            .call(PyTuple::new(py, all)?, kwargs.as_ref())
    }
}

/// The arguments of a call of the enum class `class`, checked when they are its functional
/// form (`Enum("Shade", names, ...)`), which builds a class past the compartment's class
/// statement from what the caller gives: a member name with a leading underscore would be
/// the new class's own attribute (`("__eq__", f)` its equality, which the standard library's
/// caches would call with the host's keys), a mixin class of compartment code (`type=`)
/// would hand out its raw methods through the new class, and `module` and `qualname` are
/// metadata, which must be strings. The names are read once, into a list enum gets instead,
/// so what is checked is what enum builds.
fn checked_functional_enum<'py>(
    class: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyTuple>, Option<Bound<'py, PyDict>>)> {
    let py = class.py();
    let keyword = |key: &str| -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(match kwargs {
            Some(kwargs) => kwargs.get_item(key)?.filter(|value| !value.is_none()),
            None => None,
        })
    };
    let positional = args.len() >= 2;
    let names = match (positional, keyword("names")?) {
        (true, _) => args.get_item(1)?,
        (false, Some(names)) => names,
        (false, None) => return Ok((args.clone(), kwargs.cloned())),
    };
    let refuse = |why: String| -> PyResult<()> {
        Err(CapabilityError::new_err(format!(
            "{}(name, names) is refused in a compartment: {why}",
            class.getattr(intern!(py, "__name__"))?
        )))
    };
    // Read once: a plugin's iterable could hand enum other names than the ones checked.
    let (names, members): (Bound<'py, PyAny>, Vec<Bound<'py, PyAny>>) =
        if names.is_exact_instance_of::<PyString>() {
            let split = names
                .call_method1(intern!(py, "replace"), (",", " "))?
                .call_method0(intern!(py, "split"))?;
            (names.clone(), split.try_iter()?.collect::<PyResult<_>>()?)
        } else if let Ok(mapping) = names.cast::<PyDict>() {
            // Read as the dict stores it (an `OrderedDict`'s or a subclass's own methods do
            // not run), into a plain dict with the same members and values.
            let copy = PyDict::new(py);
            for (key, value) in mapping.iter() {
                copy.set_item(key, value)?;
            }
            let keys = copy.keys().iter().collect();
            (copy.into_any(), keys)
        } else {
            let mut pairs = Vec::new();
            let mut keys = Vec::new();
            for item in names.try_iter()? {
                let item = item?;
                if item.is_exact_instance_of::<PyString>() {
                    keys.push(item.clone());
                    pairs.push(item);
                } else {
                    let pair: Vec<Bound<'py, PyAny>> = item.try_iter()?.collect::<PyResult<_>>()?;
                    let Some(key) = pair.first() else {
                        return Err(CapabilityError::new_err(
                            "an enum member needs a name and a value",
                        ));
                    };
                    keys.push(key.clone());
                    pairs.push(PyTuple::new(py, &pair)?.into_any());
                }
            }
            (PyList::new(py, pairs)?.into_any(), keys)
        };
    for member in &members {
        let public = member.is_exact_instance_of::<PyString>()
            && !member.cast::<PyString>()?.to_str()?.starts_with('_');
        if !public {
            refuse(format!(
                "the member name {} is not a public name (it would be the new class's own \
                 attribute, not a member)",
                member.repr()?
            ))?;
        }
    }
    for key in ["module", "qualname"] {
        if let Some(value) = keyword(key)?
            && !value.is_exact_instance_of::<PyString>()
        {
            refuse(format!("{key} is metadata, a string"))?;
        }
    }
    if let Some(mixin) = keyword("type")?
        && let Ok(mixin) = mixin.cast::<PyType>()
    {
        for base in mixin.mro() {
            if builder_of(&base.cast_into::<PyType>()?).is_some() {
                refuse(format!(
                    "type={} is a class of compartment code, whose methods the new class would \
                     hand out raw; derive the enum from it in a class statement",
                    mixin.name()?
                ))?;
            }
        }
    }
    if positional {
        let mut rebuilt: Vec<Bound<'py, PyAny>> = args.iter().collect();
        rebuilt[1] = names;
        return Ok((PyTuple::new(py, rebuilt)?, kwargs.cloned()));
    }
    let kwargs = kwargs.map(|kwargs| kwargs.copy()).transpose()?;
    if let Some(kwargs) = &kwargs {
        kwargs.set_item("names", names)?;
    }
    Ok((args.clone(), kwargs))
}

const SHARED_CLASS: &str =
    "the class is the module's own, which the host and every compartment share";

/// Whether a facade must hand out `class` as a [`ClassView`]: some public name of it reads
/// as a plain function, which on the class itself would run on any object; or it is a class
/// anyone may write to (not immutable, as `int` and `re.Pattern` are), which the host and
/// every compartment share (`enum.Enum`, a namedtuple class): compartment code must not
/// plant attributes there. Exception classes with no such function go out as they are, for
/// `except` clauses, which need the class itself.
pub(crate) fn needs_view(class: &Bound<'_, PyType>) -> PyResult<bool> {
    // SAFETY: reads the flags of a live type object.
    let flags = unsafe { ffi::PyType_GetFlags(class.as_type_ptr()) };
    let writable =
        flags & ffi::Py_TPFLAGS_HEAPTYPE != 0 && flags & ffi::Py_TPFLAGS_IMMUTABLETYPE == 0;
    if writable && !class.is_subclass_of::<pyo3::exceptions::PyBaseException>()? {
        return Ok(true);
    }
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
    let factory = ClassFactory {
        metaclass: metaclass.unbind(),
        // The frame running the class statement is the innermost one.
        compartment: audit::builtins_compartment(),
    };
    keywords.set_item("metaclass", factory)?;
    let real = host(py)?.builtins.bind(py).getattr("__build_class__")?;
    let mut arguments = vec![function.clone(), name.clone()];
    arguments.extend(bases.iter());
    real.call(PyTuple::new(py, arguments)?, Some(&keywords))
}

/// What the real `__build_class__` gets as the metaclass: the derived metaclass, behind a
/// check of the namespace the class body filled, before the class exists.
#[pyclass(frozen, module = "ocapy", name = "class_factory")]
struct ClassFactory {
    metaclass: Py<PyType>,
    /// The compartment whose class statement this is.
    compartment: Option<Arc<str>>,
}

#[pymethods]
impl ClassFactory {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.metaclass)
    }

    #[pyo3(signature = (name, bases, **keywords))]
    fn __prepare__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        bases: &Bound<'py, PyAny>,
        keywords: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.metaclass
            .bind(py)
            .call_method("__prepare__", (name, bases), keywords)
    }

    #[pyo3(signature = (name, bases, namespace, **keywords))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
        bases: &Bound<'py, PyAny>,
        namespace: &Bound<'py, PyAny>,
        keywords: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let metaclass = self.metaclass.bind(py);
        for hook in INSTANCE_CHECK_HOOKS {
            if namespace_entry(namespace, hook)?.is_some() {
                return Err(CapabilityError::new_err(format!(
                    "class {name} defines {hook}, which is refused in a compartment: \
                     isinstance and issubclass call it with the objects and classes they are \
                     asked about, raw, from host code too; test for the methods you need, or \
                     subclass explicitly"
                )));
            }
        }
        if let Some(match_args) = namespace_entry(namespace, "__match_args__")? {
            check_match_args(name, &match_args)?;
        }
        check_metadata(name, namespace)?;
        exact_class_values(namespace)?;
        check_bases(name, bases, namespace)?;
        reveal_original_bases(namespace)?;
        let build = || metaclass.call((name, bases, namespace), keywords);
        let Some(compartment) = &self.compartment else {
            return build();
        };
        let statement = Statement {
            compartment: Arc::clone(compartment),
            name: name.clone().unbind(),
            bases: bases.clone().unbind(),
        };
        let class = building(statement, build)?;
        if let Ok(made) = class.cast::<PyType>() {
            check_built_checked(made)?;
            record_builder(made, Arc::clone(compartment))?;
        }
        Ok(class)
    }
}

/// Refuses `class`, just built, when a base's metaclass built it past the compartment's
/// (`typing.TypedDict`'s calls `type.__new__` itself; `typing.NamedTuple`'s returns a new
/// namedtuple class) and it holds a method of compartment code: not an instance of
/// `CompartmentClass`, it would hand that method's raw function out when read through the
/// class, to run on any object.
fn check_built_checked(class: &Bound<'_, PyType>) -> PyResult<()> {
    let py = class.py();
    if class.get_type().is_subclass(compartment_class(py)?)? {
        return Ok(());
    }
    let namespace = class.getattr(intern!(py, "__dict__"))?;
    for item in namespace.call_method0(intern!(py, "items"))?.try_iter()? {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        // SAFETY: type checks on a live object.
        let (is_function, is_property) = unsafe {
            (
                ffi::PyFunction_Check(value.as_ptr()) != 0,
                ffi::PyObject_TypeCheck(value.as_ptr(), &raw mut ffi::PyProperty_Type) != 0,
            )
        };
        let functions = if is_function {
            vec![value]
        } else if is_property {
            ["fget", "fset", "fdel"]
                .into_iter()
                .map(|accessor| value.getattr(accessor))
                .collect::<PyResult<_>>()?
        } else {
            continue;
        };
        for function in functions {
            // SAFETY: a type check on a live object.
            if unsafe { ffi::PyFunction_Check(function.as_ptr()) } == 0 {
                continue;
            }
            let globals = function.getattr(intern!(py, "__globals__"))?;
            if audit::compartment_of_globals(&globals).is_some() {
                return Err(CapabilityError::new_err(format!(
                    "class {} defines {name}, which is refused in a compartment: its metaclass \
                     ({}) built it without the compartment's checks, so through the class the \
                     method would be its raw function, which runs on any object; keep \
                     methods out of such a class, or use a dataclass or a plain class",
                    class.name()?,
                    class.get_type().qualname()?,
                )));
            }
        }
    }
    Ok(())
}

/// Replaces each instance of a subclass of a plain type the class body bound (`delimiter =
/// Text("$")`) by an exact copy of its value: a base's `__init_subclass__` computes with the
/// class's attributes in host code (`string.Template` compiles its pattern from `delimiter`
/// and `flags`, into `re`'s process-wide cache), where their own operators would decide what
/// the host's cache holds. Enum bodies (whose namespace is enum's) keep their members.
fn exact_class_values(namespace: &Bound<'_, PyAny>) -> PyResult<()> {
    let Ok(namespace) = namespace.cast_exact::<PyDict>() else {
        return Ok(());
    };
    for (name, value) in namespace.copy()?.iter() {
        if let Some(copy) = membrane::exact_copy(&value)? {
            namespace.set_item(name, copy)?;
        }
    }
    Ok(())
}

/// Gives the class machinery the forms and classes behind the views among the class
/// statement's original bases (`__orig_bases__`, which the metaclass reads once the bases are
/// resolved): typing's generics find their parameters there by the aliases' own types (3.10's
/// `Generic.__init_subclass__`). Only here, after every `__mro_entries__` ran: a plugin
/// object's `__mro_entries__` is handed the original bases, and would write to what it got.
fn reveal_original_bases(namespace: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = namespace.py();
    let Some(original) = namespace_entry(namespace, "__orig_bases__")? else {
        return Ok(());
    };
    let Ok(original) = original.cast::<PyTuple>() else {
        return Ok(());
    };
    let behind = PyTuple::new(
        py,
        original.iter().map(|base| type_forms::behind_view(&base)),
    )?;
    namespace.set_item("__orig_bases__", behind)
}

/// Refuses a class whose body bound metadata (`__doc__`, `__module__`) to anything but a
/// `str` or None: compartment code reads those names on any object, and through the class a
/// `def __doc__` would be its raw function.
fn check_metadata(name: &Bound<'_, PyAny>, namespace: &Bound<'_, PyAny>) -> PyResult<()> {
    for key in METADATA_ATTRIBUTES {
        let Some(value) = namespace_entry(namespace, key)? else {
            continue;
        };
        if !(value.is_none() || value.is_exact_instance_of::<PyString>()) {
            return Err(CapabilityError::new_err(format!(
                "class {name} binds {key} to a '{}' object, which is refused in a compartment: \
                 compartment code reads {key} on any object as metadata; bind it to a string",
                value.get_type().qualname()?
            )));
        }
    }
    Ok(())
}

/// `namespace[key]`, if the class body bound it. The namespace is a dict, or what the
/// metaclass's `__prepare__` made (`EnumType`'s is a dict too).
fn namespace_entry<'py>(
    namespace: &Bound<'py, PyAny>,
    key: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match namespace.cast::<PyDict>() {
        Ok(dict) => dict.get_item(key),
        // Not cast to `collections.abc.Mapping`, which would import it (see
        // `checked_namespace`).
        Err(_) => match namespace.contains(key)? {
            true => Ok(Some(namespace.get_item(key)?)),
            false => Ok(None),
        },
    }
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
    if is_enum_metaclass(other)? {
        let call = EnumCall {
            call: other.getattr(intern!(py, "__call__"))?.unbind(),
        };
        namespace.set_item("__call__", Bound::new(py, call)?)?;
    }
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

/// Whether `value` is a class view, checked method or property view: what the compartment's
/// classes hand out in place of raw classes, functions and properties.
pub(crate) fn is_class_view(value: &Bound<'_, PyAny>) -> bool {
    value.is_exact_instance_of::<ClassView>()
        || value.is_exact_instance_of::<ClassName>()
        || value.is_exact_instance_of::<CheckedMethod>()
        || value.is_exact_instance_of::<PropertyView>()
}
