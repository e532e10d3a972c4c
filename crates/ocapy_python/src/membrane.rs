//! The compartment membrane: the one place that decides what crosses between host code and
//! compartment code, in both directions, by each value's real type.
//!
//! Host to plugin ([`into_plugin`]: grants and whatever they return, raise or yield, and the
//! arguments the host passes to plugin functions): exact plain data passes as it is; exact
//! built-in containers pass as containers of values crossed the same way (mutable ones as
//! copies, so the host's own list is never the plugin's); the plugin's own objects, held by
//! the host, come back unwrapped into the compartment that made them (any other receives
//! them sealed, as host objects); ocapy's own read-only views pass as they are; everything
//! else (a host's own `seal`, `harden` or `namespace` included, which hand values out as they
//! are) is sealed for the plugin ([`Depth::ToPlugin`]), a wrapper whose public surface is
//! all the plugin sees and through which every value passes this membrane again.
//!
//! Plugin to host ([`into_host`]: the arguments of calls into grants, and what plugin code
//! returns, raises or yields to the host): exact plain data passes as it is, and instances of
//! subclasses of the plain types become exact copies (an `int` subclass is not an `int`: its
//! `__gt__`, `__hash__` or `__format__` would receive the host's values); containers cross
//! as above; the host's own objects come back unwrapped. A grant receives nothing else but
//! callables, sealed for the host ([`Depth::ToHost`]) so that what the host passes them is
//! sealed on the way in: a plugin object with operators or hooks of its own never reaches
//! host code that did not ask for it. Results the host asked for (a plugin function's value)
//! come sealed for the host rather than refused, unless their whole state is plain data of
//! the standard library's value types (a `Fraction` the plugin made through a facade). A
//! plugin object held by the host runs its operators on plain data only, and exceptions
//! cross both ways rebuilt ([`exception_into_plugin`], [`exception_into_host`]).
//!
//! Module facades stand between: their code runs on the compartment's behalf, so what it
//! makes is the compartment's, but it is made by host code, which can hand out its own
//! functions, generators and state. What facade code returns ([`from_facade`]) reaches
//! compartment code as it is only when its type says it is plain data, the compartment's
//! own, or an instance of a class a facade exports (reviewed in the facade table); a class
//! comes as a read-only view, a callable as a facade function, anything else sealed
//! ([`Depth::Facade`]). What compartment code passes facade code ([`into_facade`]) arrives
//! as exact plain values, never with an equality of the compartment's own.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ocapy_verifier::tables::builtins::{Policy, builtin};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple, PyType};

use crate::capi::{PyMethod_Type, type_lookup};
use crate::compartment::audit::{self, compartment_of_globals};
use crate::compartment::classes::{builder_of, class_name, existing_class_view, needs_view};
use crate::compartment::guards::guarded;
use crate::compartment::type_forms::{self, is_type_form};
use crate::compartment::{CapabilityError, class_view, facade_function, host, is_compartment_view};
use crate::seal::{
    Depth, Holder, Sealed, is_primitive, rebuild_exception, seal, unsafe_to_pass_on,
};

/// Which compartment a side of the membrane belongs to: a plugin object sealed for the host
/// is unwrapped only into the compartment that made it, and reaches any other sealed as a
/// host object.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub(crate) struct CompartmentId(u64);

impl CompartmentId {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        CompartmentId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The exception classes the host handed each compartment as they are (granted raw, or
/// exported by a facade): what its code catches by class, so what exceptions crossing to or
/// from it may be rebuilt as, besides the interpreter's own.
static CATCHABLE: Mutex<BTreeMap<CompartmentId, Vec<Py<PyType>>>> = Mutex::new(BTreeMap::new());

/// Records that `class`, an exception class, reaches the code of `compartment` as it is.
pub(crate) fn hand_over_exception_class(compartment: CompartmentId, class: &Bound<'_, PyType>) {
    let mut catchable = CATCHABLE.lock().unwrap_or_else(PoisonError::into_inner);
    catchable
        .entry(compartment)
        .or_default()
        .push(class.clone().unbind());
}

/// Forgets what was handed to a compartment that is gone.
pub(crate) fn forget(compartment: CompartmentId) {
    let mut catchable = CATCHABLE.lock().unwrap_or_else(PoisonError::into_inner);
    catchable.remove(&compartment);
}

fn catchable(py: Python<'_>, compartment: CompartmentId) -> Vec<Bound<'_, PyType>> {
    let catchable = CATCHABLE.lock().unwrap_or_else(PoisonError::into_inner);
    catchable
        .get(&compartment)
        .map(|classes| classes.iter().map(|class| class.bind(py).clone()).collect())
        .unwrap_or_default()
}

/// The classes module facades export, by address, kept alive: their instances, made by
/// facade code, are what the facade table reviewed them to be.
static EXPORTED_CLASSES: Mutex<BTreeMap<usize, Py<PyType>>> = Mutex::new(BTreeMap::new());

/// Records that a facade exports `class`.
pub(crate) fn export_class(class: &Bound<'_, PyType>) {
    let mut exported = EXPORTED_CLASSES
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    exported
        .entry(class.as_ptr() as usize)
        .or_insert_with(|| class.clone().unbind());
}

fn is_exported_class(class: &Bound<'_, PyType>) -> bool {
    let exported = EXPORTED_CLASSES
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    exported.contains_key(&(class.as_ptr() as usize))
}

/// What a value crossing from plugin to host is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Crossing {
    /// An argument of a call into a grant: plain data, containers, the host's own objects
    /// and callables only.
    Argument,
    /// A value the host asked plugin code for: a plugin object comes out sealed.
    Result,
}

#[derive(Clone, Copy)]
enum Direction {
    IntoPlugin,
    IntoHost(Crossing),
}

/// One crossing: its direction, the compartment on the plugin's side, and the containers and
/// exceptions it has crossed so far.
struct Passage<'a, 'py> {
    direction: Direction,
    compartment: CompartmentId,
    copies: &'a Copies<'py>,
}

/// Containers nested deeper than this (or cyclic) are not copied: they cross as one object;
/// exceptions nested deeper (groups, chains of causes) are not rebuilt.
pub(crate) const NESTING_LIMIT: usize = 64;

/// `value`, handed by host code to the code of `compartment`, as that code receives it.
pub(crate) fn into_plugin<'py>(
    value: &Bound<'py, PyAny>,
    compartment: CompartmentId,
) -> PyResult<Bound<'py, PyAny>> {
    let passage = Passage {
        direction: Direction::IntoPlugin,
        compartment,
        copies: &Copies::default(),
    };
    passage.cross(value, 0)
}

/// `value`, handed by the code of `compartment` to host code, as the host receives it.
pub(crate) fn into_host<'py>(
    value: &Bound<'py, PyAny>,
    crossing: Crossing,
    compartment: CompartmentId,
) -> PyResult<Bound<'py, PyAny>> {
    let passage = Passage {
        direction: Direction::IntoHost(crossing),
        compartment,
        copies: &Copies::default(),
    };
    passage.cross(value, 0)
}

/// What one crossing has made of the containers or exceptions it met, by the original's
/// address, with the original kept alive so that the address stays its own: one met twice
/// (`t = (t, t)`, 60 times over; a cause that is also the context) is crossed once, not once
/// per route to it, and stays shared in what crosses.
#[derive(Default)]
pub(crate) struct Copies<'py>(RefCell<HashMap<usize, Copy<'py>>>);

/// An original and what crossed for it.
type Copy<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

impl<'py> Copies<'py> {
    pub(crate) fn get(&self, original: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        let copies = self.0.borrow();
        copies
            .get(&(original.as_ptr() as usize))
            .map(|(_, copy)| copy.clone())
    }

    pub(crate) fn remember(&self, original: &Bound<'py, PyAny>, copy: &Bound<'py, PyAny>) {
        self.0
            .borrow_mut()
            .insert(original.as_ptr() as usize, (original.clone(), copy.clone()));
    }
}

/// The exception `exc`, raised by host code, as the code of `compartment` may catch it: a new
/// one of its nearest class the compartment may catch by (see [`rebuild_exception`]), its
/// values crossed into the plugin, with no frame of the host.
pub(crate) fn exception_into_plugin<'py>(
    exc: &Bound<'py, PyAny>,
    compartment: CompartmentId,
) -> PyResult<Bound<'py, PyAny>> {
    let catchable = catchable(exc.py(), compartment);
    let holder = Holder::Plugin {
        catchable: &catchable,
    };
    rebuild_exception(exc, holder, &|value| into_plugin(value, compartment))
}

/// `err`, raised by host code that the code of `compartment` called without a seal between
/// them (the host's `print` sink), as that code may catch it: rebuilt, or the `RuntimeError`
/// that says it could not be.
pub(crate) fn error_into_plugin(py: Python<'_>, err: PyErr, compartment: CompartmentId) -> PyErr {
    let exc = err.into_value(py).into_bound(py).into_any();
    match exception_into_plugin(&exc, compartment) {
        Ok(safe) => PyErr::from_value(safe),
        Err(_) => unsafe_to_pass_on(&exc),
    }
}

/// The exception `exc`, raised by the code of `compartment`, as the host receives it: a new
/// one of its nearest class the plugin did not build, its values crossed as results, with the
/// plugin's traceback.
pub(crate) fn exception_into_host<'py>(
    exc: &Bound<'py, PyAny>,
    compartment: CompartmentId,
) -> PyResult<Bound<'py, PyAny>> {
    let catchable = catchable(exc.py(), compartment);
    let holder = Holder::Host {
        catchable: &catchable,
    };
    rebuild_exception(exc, holder, &|value| {
        into_host(value, Crossing::Result, compartment)
    })
}

impl<'py> Passage<'_, 'py> {
    fn cross(&self, value: &Bound<'py, PyAny>, level: usize) -> PyResult<Bound<'py, PyAny>> {
        if is_primitive(value.as_ptr()) {
            return Ok(value.clone());
        }
        if let Some(crossed) = self.container(value, level)? {
            return Ok(crossed);
        }
        match self.direction {
            Direction::IntoPlugin => self.object_into_plugin(value),
            Direction::IntoHost(crossing) => self.object_into_host(value, crossing),
        }
    }

    fn object_into_plugin(&self, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(sealed) = value.cast_exact::<Sealed>()
            && sealed.get().depth == Depth::ToHost(self.compartment)
        {
            return Ok(sealed.get().unwrap(value.py()));
        }
        if is_compartment_view(value) {
            return Ok(value.clone());
        }
        if let Some(guarded) = guarded(value, self.compartment)? {
            return Ok(guarded);
        }
        // Another compartment's object, sealed for the host, is a host object here.
        seal(value, Depth::ToPlugin(self.compartment))
    }

    fn object_into_host(
        &self,
        value: &Bound<'py, PyAny>,
        crossing: Crossing,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(copy) = exact_copy(value)? {
            return Ok(copy);
        }
        // What facade code made for the plugin is the plugin's, like its own objects.
        if let Ok(sealed) = value.cast_exact::<Sealed>()
            && sealed.get().depth != Depth::Facade
        {
            let sealed = sealed.get();
            return Ok(match sealed.depth {
                Depth::ToPlugin(_) => sealed.unwrap(value.py()),
                _ => value.clone(),
            });
        }
        // What the host asked plugin code for comes out sealed, whatever made it (an iterator
        // or a view made through a facade can hold the plugin's own objects as well as its
        // functions and instances can), unless its whole state is plain data.
        if crossing == Crossing::Result && is_plain_value(value)? {
            return Ok(value.clone());
        }
        if crossing == Crossing::Result || value.is_callable() {
            return seal(value, Depth::ToHost(self.compartment));
        }
        Err(CapabilityError::new_err(format!(
            "compartment code passed a '{}' object to the host: a grant receives plain data \
             (None, bool, int, float, complex, str, bytes), lists, tuples, dicts and sets of \
             it, objects the host handed out, and callables; pass the plain values the host \
             needs",
            value.get_type().qualname()?
        )))
    }

    /// `value` crossed as a container of crossed values, when it is an exact list, tuple,
    /// dict, set or frozenset; None otherwise. Immutable containers whose items all cross as
    /// they are pass as they are; mutable ones are always copies.
    fn container(
        &self,
        value: &Bound<'py, PyAny>,
        level: usize,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if !is_exact_container(value) {
            return Ok(None);
        }
        if level == NESTING_LIMIT {
            // Crossed as one object: sealed, or refused as a grant's argument.
            return match self.direction {
                Direction::IntoHost(Crossing::Argument) => Err(CapabilityError::new_err(format!(
                    "compartment code passed the host a container nested more than \
                     {NESTING_LIMIT} levels deep, or containing itself: a grant receives it as \
                     a copy, which cannot be made"
                ))),
                _ => Ok(None),
            };
        }
        if let Some(crossed) = self.copies.get(value) {
            return Ok(Some(crossed));
        }
        let crossed = copy_container(value, &|item| self.cross(item, level + 1))?;
        self.copies.remember(value, &crossed);
        Ok(Some(crossed))
    }
}

/// The arguments of a call of `callee`, a module facade's function or class, as facade code
/// may have them. Facade code keeps its arguments in caches the whole process shares (`re`'s
/// patterns, by pattern and flags; `lru_cache`d functions) and computes with them through
/// their methods (`flags & re.MULTILINE`, `text.translate(shared_table)`), so:
/// - an instance of a subclass of `int`, `str`, `float`, `bytes` or `complex` becomes an
///   exact copy of its value (alone or inside exact tuples): its own operators would decide
///   what is filed under the host's key, or receive the host's shared objects;
/// - a hashable object whose `__eq__` is compartment code's own, or anything but a function
///   or native code, is refused: it would be asked about the host's keys, and could file its
///   own entries under them.
pub(crate) fn facade_arguments<'py>(
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
    callee: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyTuple>, Option<Bound<'py, PyDict>>)> {
    let py = args.py();
    let crossed: Vec<Bound<'py, PyAny>> = args
        .iter()
        .map(|arg| into_facade(&arg, callee))
        .collect::<PyResult<_>>()?;
    let args = if args.iter().zip(&crossed).all(|(arg, out)| arg.is(out)) {
        args.clone()
    } else {
        PyTuple::new(py, crossed)?
    };
    let kwargs = match kwargs {
        Some(kwargs) => {
            let crossed = PyDict::new(py);
            for (key, value) in kwargs.iter() {
                crossed.set_item(key, into_facade(&value, callee)?)?;
            }
            Some(crossed)
        }
        None => None,
    };
    Ok((args, kwargs))
}

/// `value`, passed by compartment code to `callee` (facade code), as the callee receives it
/// (see [`facade_arguments`]): what facade code made and compartment code holds sealed
/// comes back as itself.
pub(crate) fn into_facade<'py>(
    value: &Bound<'py, PyAny>,
    callee: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(sealed) = value.cast_exact::<Sealed>()
        && sealed.get().depth == Depth::Facade
    {
        return Ok(sealed.get().unwrap(value.py()));
    }
    if let Some(class) = plugin_equality(value, 0)? {
        return Err(CapabilityError::new_err(format!(
            "{} was passed a '{}' object, whose __eq__ is compartment code's own, which is \
             refused in a compartment: the standard library may keep its arguments in caches \
             the whole process shares, where that __eq__ would be asked about the host's keys; \
             pass plain values (its fields), not the object",
            callee.repr()?,
            class.qualname()?,
        )));
    }
    exact_values(value, 0)
}

/// `value`, made or handed out by module facade code for compartment code, as that code
/// receives it: plain data, and exact containers of values that cross as they are, as they
/// are (containers whose items do not are copies); ocapy's own views and wrappers, the
/// compartment's own objects, the standard library's value types and instances of the
/// classes facades export, as they are; a class as a read-only view (when one may write to
/// it or it has Python methods); any other callable or descriptor as a facade function; and
/// anything else (a generator, a mapping proxy, an object of a type nobody reviewed) sealed.
pub(crate) fn from_facade<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let mut budget = PLAIN_DATA_BUDGET;
    if is_plain_data(value.as_ptr(), 0, &mut budget) {
        return Ok(value.clone());
    }
    from_facade_within(value, &Copies::default(), 0)
}

/// How many objects [`is_plain_data`] looks at before it leaves the question to the full
/// crossing, which meets each container once (`l = [l, l]` nests 64 levels deep).
const PLAIN_DATA_BUDGET: usize = 1 << 16;

/// Whether `object` is plain data, or exact lists, tuples and dicts of it nested less than
/// [`NESTING_LIMIT`] deep: what crosses as it is, found without running any Python code or
/// making anything (`json.loads`' documents).
fn is_plain_data(object: *mut ffi::PyObject, level: usize, budget: &mut usize) -> bool {
    if is_primitive(object) {
        return true;
    }
    if level == NESTING_LIMIT || *budget == 0 {
        return false;
    }
    *budget -= 1;
    // Most items are primitives: checked here, without a call.
    let mut item_is_plain =
        |item: *mut ffi::PyObject| is_primitive(item) || is_plain_data(item, level + 1, budget);
    // SAFETY: the GIL is held and nothing here runs Python code, so the containers do not
    // change; every item pointer is borrowed from its live container.
    unsafe {
        let class = ffi::Py_TYPE(object);
        if class == &raw mut ffi::PyList_Type {
            (0..ffi::PyList_GET_SIZE(object))
                .all(|index| item_is_plain(ffi::PyList_GET_ITEM(object, index)))
        } else if class == &raw mut ffi::PyTuple_Type {
            (0..ffi::PyTuple_GET_SIZE(object))
                .all(|index| item_is_plain(ffi::PyTuple_GET_ITEM(object, index)))
        } else if class == &raw mut ffi::PyDict_Type {
            let mut position = 0;
            let mut key = std::ptr::null_mut();
            let mut item = std::ptr::null_mut();
            while ffi::PyDict_Next(object, &mut position, &mut key, &mut item) != 0 {
                if !item_is_plain(key) || !item_is_plain(item) {
                    return false;
                }
            }
            true
        } else {
            false
        }
    }
}

fn from_facade_within<'py>(
    value: &Bound<'py, PyAny>,
    copies: &Copies<'py>,
    level: usize,
) -> PyResult<Bound<'py, PyAny>> {
    if is_primitive(value.as_ptr()) {
        return Ok(value.clone());
    }
    if is_exact_container(value) && level < NESTING_LIMIT {
        if let Some(crossed) = copies.get(value) {
            return Ok(crossed);
        }
        // Met again while its items are crossed: a cycle, whose copy does not exist yet.
        copies.remember(value, &seal(value, Depth::Facade)?);
        let crossed =
            rebuilt_if_changed(value, &|item| from_facade_within(item, copies, level + 1))?;
        copies.remember(value, &crossed);
        return Ok(crossed);
    }
    if is_compartment_view(value) || value.is_exact_instance_of::<Sealed>() || is_own(value)? {
        return Ok(value.clone());
    }
    if let Ok(class) = value.cast::<PyType>() {
        return class_into_compartment(class);
    }
    if is_type_form(value)? {
        return type_forms::seen_exported(value);
    }
    // SAFETY: reads a slot of the value's live type.
    let is_descriptor = unsafe { (*ffi::Py_TYPE(value.as_ptr())).tp_descr_get.is_some() };
    let callable = value.is_callable();
    if !callable
        && !is_descriptor
        && (is_exported_class(&value.get_type()) || is_plain_value(value)?)
    {
        return Ok(value.clone());
    }
    if callable || is_descriptor {
        return facade_function(value);
    }
    seal(value, Depth::Facade)
}

/// `class`, a class compartment code did not build (facade code made it, or `type(x)` read
/// it), as that code holds it: in its read-only view when one may write to it or it has
/// Python methods, an exception class included (whose view `except` cannot catch by, but a
/// planted attribute would reach every instance the host raises); as it is otherwise.
pub(crate) fn class_into_compartment<'py>(
    class: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: reads the flags of a live type object.
    let flags = unsafe { ffi::PyType_GetFlags(class.as_type_ptr()) };
    let writable =
        flags & ffi::Py_TPFLAGS_HEAPTYPE != 0 && flags & ffi::Py_TPFLAGS_IMMUTABLETYPE == 0;
    if writable || needs_view(class)? {
        class_view(class)
    } else {
        Ok(class.clone().into_any())
    }
}

/// The class of an object compartment code holds, as its `type(x)` gives it: a class its own
/// code built, or one of the builtins it has, as it is; a class a facade exports as the facade
/// hands it out, and one facade code made as the view it was handed out in; any other only
/// by name ([`ClassName`]): the class of a function, a generator or a host object would make
/// functions, frames or the host's instances.
pub(crate) fn type_into_compartment<'py>(
    class: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyAny>> {
    if is_own(class.as_any())? || is_allowed_builtin(class)? {
        return Ok(class.clone().into_any());
    }
    if is_exported_class(class) {
        return class_into_compartment(class);
    }
    match existing_class_view(class) {
        Some(view) => Ok(view),
        None => class_name(class),
    }
}

/// Whether `class` is a builtin the builtins table lets compartment code have (`int`, `list`,
/// `ValueError`), under its own name.
fn is_allowed_builtin(class: &Bound<'_, PyType>) -> PyResult<bool> {
    let py = class.py();
    let name = class.name()?;
    let name = name.to_str()?;
    let allowed = builtin(name).is_some_and(|entry| entry.policy == Policy::Allow);
    Ok(allowed
        && host(py)?
            .builtins
            .bind(py)
            .getattr_opt(name)?
            .is_some_and(|found| found.is(class)))
}

fn is_exact_container(value: &Bound<'_, PyAny>) -> bool {
    value.is_exact_instance_of::<PyTuple>()
        || value.is_exact_instance_of::<PyList>()
        || value.is_exact_instance_of::<PyDict>()
        || value.is_exact_instance_of::<PySet>()
        || value.is_exact_instance_of::<PyFrozenSet>()
}

/// Whether `value` is an object of the compartment whose code runs: an instance of a class
/// it built, such a class, one of its functions, or a method of one.
pub(crate) fn is_own(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Some(acting) = audit::acting_compartment() else {
        return Ok(false);
    };
    let py = value.py();
    let built_by_acting = |class: &Bound<'_, PyType>| {
        builder_of(class).is_some_and(|built| Arc::ptr_eq(&built, &acting))
    };
    if let Ok(class) = value.cast::<PyType>() {
        return Ok(built_by_acting(class));
    }
    if built_by_acting(&value.get_type()) {
        return Ok(true);
    }
    // SAFETY: type checks on a live object.
    let (is_function, is_method) = unsafe {
        (
            ffi::PyFunction_Check(value.as_ptr()) != 0,
            ffi::Py_IS_TYPE(value.as_ptr(), &raw mut PyMethod_Type) != 0,
        )
    };
    let function = if is_method {
        value.getattr(intern!(py, "__func__"))?
    } else if is_function {
        value.clone()
    } else {
        return Ok(false);
    };
    if unsafe { ffi::PyFunction_Check(function.as_ptr()) } == 0 {
        return Ok(false);
    }
    let builtins = function.getattr(intern!(py, "__builtins__"))?;
    Ok(audit::compartment_of_builtins(&builtins).is_some_and(|runs| Arc::ptr_eq(&runs, &acting)))
}

/// `value` with every instance of a subclass of a plain type in it (itself, or an item of an
/// exact tuple, `level` deep so far) an exact copy of its value; itself when there is none.
fn exact_values<'py>(value: &Bound<'py, PyAny>, level: usize) -> PyResult<Bound<'py, PyAny>> {
    if is_primitive(value.as_ptr()) {
        return Ok(value.clone());
    }
    if let Some(copy) = exact_copy(value)? {
        return Ok(copy);
    }
    if !value.is_exact_instance_of::<PyTuple>() || level == NESTING_LIMIT {
        return Ok(value.clone());
    }
    let items: Vec<Bound<'py, PyAny>> = value.try_iter()?.collect::<PyResult<_>>()?;
    let crossed: Vec<Bound<'py, PyAny>> = items
        .iter()
        .map(|item| exact_values(item, level + 1))
        .collect::<PyResult<_>>()?;
    if items.iter().zip(&crossed).all(|(item, out)| item.is(out)) {
        return Ok(value.clone());
    }
    Ok(PyTuple::new(value.py(), crossed)?.into_any())
}

/// The class of `value`, or of an item of it (an exact tuple or frozenset, `level` deep so
/// far), when it is hashable and its `__eq__` is compartment code's own function, or
/// anything but a function or native code; None otherwise.
fn plugin_equality<'py>(
    value: &Bound<'py, PyAny>,
    level: usize,
) -> PyResult<Option<Bound<'py, PyType>>> {
    if is_primitive(value.as_ptr()) {
        return Ok(None);
    }
    if value.is_exact_instance_of::<PyTuple>() || value.is_exact_instance_of::<PyFrozenSet>() {
        if level == NESTING_LIMIT {
            return Ok(None);
        }
        for item in value.try_iter()? {
            if let Some(class) = plugin_equality(&item?, level + 1)? {
                return Ok(Some(class));
            }
        }
        return Ok(None);
    }
    let py = value.py();
    let class = value.get_type();
    // SAFETY: `class` is a live type.
    let lookup = |name: &Bound<'py, PyString>| unsafe {
        type_lookup(py, class.as_type_ptr(), name.as_any())
    };
    // `__eq__` without `__hash__` leaves `__hash__ = None`: nothing can key a cache on it.
    if lookup(intern!(py, "__hash__")).is_none_or(|hashing| hashing.is_none()) {
        return Ok(None);
    }
    let Some(equality) = lookup(intern!(py, "__eq__")) else {
        return Ok(None);
    };
    // SAFETY: type checks on a live object.
    let (is_function, is_native) = unsafe {
        let object = equality.as_ptr();
        (
            ffi::PyFunction_Check(object) != 0,
            ffi::Py_IS_TYPE(object, &raw mut ffi::PyWrapperDescr_Type) != 0
                || ffi::Py_IS_TYPE(object, &raw mut ffi::PyMethodDescr_Type) != 0
                || ffi::PyCFunction_Check(object) != 0,
        )
    };
    // Anything else bound as `__eq__` (a bound method, a partial, a callable object) may be
    // compartment code's whatever made the class (enum's functional API builds classes from
    // names a caller gives): refused, as the standard library's own are functions or native.
    let compartment_code = if is_function {
        compartment_of_globals(&equality.getattr(intern!(py, "__globals__"))?).is_some()
    } else {
        !is_native
    };
    Ok(compartment_code.then_some(class))
}

/// What makes an instance of one of the standard library's value types plain data.
#[derive(Clone, Copy)]
enum PlainWhen {
    Always,
    /// A `Fraction` made of a subclass of `int` would hand the host the subclass's methods.
    PartsAreExactInts,
    /// A `tzinfo` may be any object, the plugin's own included.
    Naive,
}

/// The standard library's immutable number and date types, by exact type: what a plugin
/// computes through the `decimal`, `fractions` and `datetime` facades.
const VALUE_TYPES: [(&str, &str, PlainWhen); 6] = [
    ("decimal", "Decimal", PlainWhen::Always),
    ("fractions", "Fraction", PlainWhen::PartsAreExactInts),
    ("datetime", "date", PlainWhen::Always),
    ("datetime", "timedelta", PlainWhen::Always),
    ("datetime", "datetime", PlainWhen::Naive),
    ("datetime", "time", PlainWhen::Naive),
];

/// Whether `value` is of one of [`VALUE_TYPES`] exactly, and plain data: its state is what
/// the membrane can see and its methods are the standard library's, so the host may have it
/// as it is. By the modules as `sys.modules` holds them: no import runs (plugin code may be
/// running, whose `__import__` would serve it), and without the module no instance exists.
fn is_plain_value(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = value.py();
    let modules = host(py)?.sys_modules.bind(py);
    let class = value.get_type();
    let mut when = None;
    for &(module, name, plain_when) in &VALUE_TYPES {
        if let Some(module) = modules.get_item(module)?
            && module.getattr(name)?.is(&class)
        {
            when = Some(plain_when);
            break;
        }
    }
    let Some(when) = when else {
        return Ok(false);
    };
    let exact_int =
        |name: &str| -> PyResult<bool> { Ok(value.getattr(name)?.is_exact_instance_of::<PyInt>()) };
    Ok(match when {
        PlainWhen::Always => true,
        PlainWhen::PartsAreExactInts => exact_int("numerator")? && exact_int("denominator")?,
        PlainWhen::Naive => value.getattr("tzinfo")?.is_none(),
    })
}

/// An exact `int`, `str`, `float`, `bytes` or `complex` with the value of `value`, an
/// instance of a subclass of one of them; None for anything else. Reads the value as the base
/// type stores it: no method of the subclass runs.
pub(crate) fn exact_copy<'py>(value: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = value.py();
    let object = value.as_ptr();
    // SAFETY: each branch checks the (live) object's type first, then reads it with the base
    // type's own accessors, which return new references or NULL with an exception set.
    let copy = unsafe {
        if ffi::PyLong_Check(object) != 0 {
            // `int`'s own `__int__` (not the subclass's): a copy of the value.
            let as_number = ffi::PyLong_Type.tp_as_number;
            let to_int = (*as_number).nb_int.expect("int has nb_int");
            to_int(object)
        } else if ffi::PyUnicode_Check(object) != 0 {
            ffi::PyUnicode_FromObject(object)
        } else if ffi::PyFloat_Check(object) != 0 {
            ffi::PyFloat_FromDouble(ffi::PyFloat_AsDouble(object))
        } else if ffi::PyBytes_Check(object) != 0 {
            ffi::PyBytes_FromStringAndSize(ffi::PyBytes_AsString(object), ffi::PyBytes_Size(object))
        } else if ffi::PyComplex_Check(object) != 0 {
            ffi::PyComplex_FromDoubles(
                ffi::PyComplex_RealAsDouble(object),
                ffi::PyComplex_ImagAsDouble(object),
            )
        } else {
            return Ok(None);
        }
    };
    // SAFETY: a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, copy) }.map(Some)
}

/// A copy of the exact container `value` with each item passed through `each`; an immutable
/// one whose items all come back as they are is itself.
fn copy_container<'py>(
    value: &Bound<'py, PyAny>,
    each: &dyn Fn(&Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    // The items are taken before any is crossed: crossing may hash (a dict's keys), which may
    // run code that changes the container.
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        let crossed = PyDict::new(py);
        for pair in dict.items().iter() {
            let (key, item): (Bound<'py, PyAny>, Bound<'py, PyAny>) = pair.extract()?;
            crossed.set_item(each(&key)?, each(&item)?)?;
        }
        return Ok(crossed.into_any());
    }
    let items: Vec<Bound<'py, PyAny>> = value.try_iter()?.collect::<PyResult<_>>()?;
    let crossed: Vec<Bound<'py, PyAny>> = items.iter().map(each).collect::<PyResult<_>>()?;
    let unchanged = || items.iter().zip(&crossed).all(|(item, out)| item.is(out));
    let result = if value.is_exact_instance_of::<PyTuple>() {
        if unchanged() {
            value.clone()
        } else {
            PyTuple::new(py, crossed)?.into_any()
        }
    } else if value.is_exact_instance_of::<PyFrozenSet>() {
        if unchanged() {
            value.clone()
        } else {
            PyFrozenSet::new(py, &crossed)?.into_any()
        }
    } else if value.is_exact_instance_of::<PyList>() {
        PyList::new(py, crossed)?.into_any()
    } else {
        PySet::new(py, &crossed)?.into_any()
    };
    Ok(result)
}

/// The exact container `value` with each item passed through `each`: itself when every item
/// comes back as it is, else a new container of the same type.
fn rebuilt_if_changed<'py>(
    value: &Bound<'py, PyAny>,
    each: &dyn Fn(&Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    // As in `copy_container`: the items are taken before any is crossed.
    let items: Vec<Bound<'py, PyAny>> = match value.cast_exact::<PyDict>() {
        Ok(dict) => dict
            .items()
            .iter()
            .flat_map(|pair| [pair.get_item(0), pair.get_item(1)])
            .collect::<PyResult<_>>()?,
        Err(_) => value.try_iter()?.collect::<PyResult<_>>()?,
    };
    let crossed: Vec<Bound<'py, PyAny>> = items.iter().map(each).collect::<PyResult<_>>()?;
    if items.iter().zip(&crossed).all(|(item, out)| item.is(out)) {
        return Ok(value.clone());
    }
    Ok(if value.is_exact_instance_of::<PyDict>() {
        let dict = PyDict::new(py);
        for pair in crossed.chunks_exact(2) {
            dict.set_item(&pair[0], &pair[1])?;
        }
        dict.into_any()
    } else if value.is_exact_instance_of::<PyTuple>() {
        PyTuple::new(py, crossed)?.into_any()
    } else if value.is_exact_instance_of::<PyList>() {
        PyList::new(py, crossed)?.into_any()
    } else if value.is_exact_instance_of::<PyFrozenSet>() {
        PyFrozenSet::new(py, &crossed)?.into_any()
    } else {
        PySet::new(py, &crossed)?.into_any()
    })
}
