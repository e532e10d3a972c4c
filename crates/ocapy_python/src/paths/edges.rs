//! The edges of the object graph: what an object refers to, and how each reference is written
//! as a step of a Python expression — all without running any Python code.
//!
//! Nothing here calls `getattr`, `repr`, `__eq__` or `__hash__` on an object that could be a
//! user's, nor reads an attribute that raises an audit event (audit hooks are Python code):
//! references are read from the C structures (slots, members, dicts walked with
//! `PyDict_Next`), and an attribute is written as `.name` only when `x.name` evaluates to the
//! very object read (no data descriptor or `__getattribute__` of a user class in the way).

use std::collections::HashMap;
use std::ffi::{CStr, c_int, c_void};

use ocapy_cli::paths::{StepKind, Template};
use pyo3::ffi;
use pyo3::prelude::*;

use super::search::AddressMap;
use crate::capi::PyMethod_Type;

pub(super) type Ptr = *mut ffi::PyObject;

unsafe extern "C" {
    /// Where an object's `__dict__` pointer lives (CPython 3.10 to 3.13 export it). On 3.11+
    /// it builds the dict of an instance that keeps its attributes inline (no user code runs).
    fn _PyObject_GetDictPtr(object: Ptr) -> *mut Ptr;
}

/// The key of a step, as `ocapy.Step.key` gives it.
pub(super) enum Key {
    None,
    Name(String),
    Position(i64),
    /// A dict key written as a literal: the key itself and its `repr`.
    Literal(Py<PyAny>, String),
}

/// How one reference is written, and what kind of step it is.
pub(super) struct Label {
    pub kind: StepKind,
    pub key: Key,
    pub template: Template,
}

impl Label {
    fn attribute(name: &str) -> Self {
        Self {
            kind: StepKind::Attribute,
            key: Key::Name(name.to_string()),
            template: Template::Suffix(format!(".{name}")),
        }
    }

    fn fallback(index: usize) -> Self {
        Self {
            kind: StepKind::Referent,
            key: Key::Position(position(index)),
            template: Template::Wrap("gc.get_referents(".to_string(), format!(")[{index}]")),
        }
    }

    /// Whether verified code can take this step: items, iteration, and attributes it may
    /// read (public names that are not hidden edges, and metadata: the verifier's table and
    /// private-name rule).
    pub(super) fn is_public(&self) -> bool {
        match (self.kind, &self.key) {
            (StepKind::Index | StepKind::Item | StepKind::Value | StepKind::Element, _) => true,
            (StepKind::Attribute, Key::Name(name)) => is_readable(name),
            _ => false,
        }
    }
}

pub(super) use ocapy_verifier::tables::attributes::is_readable;

fn position(index: usize) -> i64 {
    i64::try_from(index).unwrap_or(i64::MAX)
}

/// A reference with its label.
pub(super) struct Edge<'py> {
    pub child: Bound<'py, PyAny>,
    pub label: Label,
}

unsafe extern "C" fn collect(object: Ptr, list: *mut c_void) -> c_int {
    // SAFETY: `list` is the `Vec<Ptr>` that `referents` passes for the traversal's duration.
    unsafe { (*list.cast::<Vec<Ptr>>()).push(object) };
    0
}

/// Whether the collector tracks `object`'s type (and so `gc.get_referents` traverses it):
/// `PyObject_IS_GC`, inlined because the search asks it of every reference.
pub(super) fn is_gc(object: Ptr) -> bool {
    // SAFETY: `object` is live; this reads its type's flags and calls its `tp_is_gc` (C code
    // that reads the object, e.g. whether a type is a heap type).
    unsafe {
        let kind = ffi::Py_TYPE(object);
        (*kind).tp_flags & ffi::Py_TPFLAGS_HAVE_GC != 0
            && (*kind).tp_is_gc.is_none_or(|is_gc| is_gc(object) != 0)
    }
}

/// The references `object` holds, as its type's `tp_traverse` reports them: exactly what
/// `gc.get_referents(object)` lists, in the same order. Borrowed: valid while `object` is
/// alive and no Python code runs.
pub(super) fn referents(object: Ptr, out: &mut Vec<Ptr>) {
    out.clear();
    // SAFETY: `object` is a live object and the GIL is held; the traversal only reads it and
    // calls `collect`, which appends to `out`.
    unsafe {
        if !is_gc(object) {
            return;
        }
        if let Some(traverse) = (*ffi::Py_TYPE(object)).tp_traverse {
            traverse(object, collect, (out as *mut Vec<Ptr>).cast());
        }
    }
}

/// The type's name, as C sees it (`tp_name`).
pub(super) fn type_name(object: Ptr) -> String {
    // SAFETY: every live object has a type whose `tp_name` is a NUL-terminated string.
    unsafe { CStr::from_ptr((*ffi::Py_TYPE(object)).tp_name) }
        .to_string_lossy()
        .into_owned()
}

/// An exact `str`'s text, or None (not a str, or not encodable).
pub(super) fn exact_str(object: Ptr) -> Option<String> {
    // SAFETY: checked to be an exact str; `PyUnicode_AsUTF8AndSize` runs no Python code.
    unsafe {
        if ffi::PyUnicode_CheckExact(object) == 0 {
            return None;
        }
        let mut size: ffi::Py_ssize_t = 0;
        let data = ffi::PyUnicode_AsUTF8AndSize(object, &mut size);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), usize::try_from(size).ok()?);
        std::str::from_utf8(bytes).ok().map(str::to_string)
    }
}

/// A local variable: its name and `repr` (None when the name is not an exact str), and value.
type Local<'py> = (Option<(String, String)>, Bound<'py, PyAny>);

/// An exact str key's text and `repr` (C code for an exact str): how names from dicts and
/// frames are printed.
fn str_key(py: Python<'_>, key: Ptr) -> Option<(String, String)> {
    let name = exact_str(key)?;
    // SAFETY: `key` is a live exact str, borrowed from the container the caller reads.
    let repr = literal(&unsafe { Bound::from_borrowed_ptr(py, key) })?;
    Some((name, repr))
}

/// A Python identifier that is not a keyword: usable as `.name`.
fn is_identifier(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && characters.all(|c| c == '_' || c.is_alphanumeric())
        && !matches!(
            name,
            "False"
                | "None"
                | "True"
                | "and"
                | "as"
                | "assert"
                | "async"
                | "await"
                | "break"
                | "class"
                | "continue"
                | "def"
                | "del"
                | "elif"
                | "else"
                | "except"
                | "finally"
                | "for"
                | "from"
                | "global"
                | "if"
                | "import"
                | "in"
                | "is"
                | "lambda"
                | "nonlocal"
                | "not"
                | "or"
                | "pass"
                | "raise"
                | "return"
                | "try"
                | "while"
                | "with"
                | "yield"
        )
}

/// A dict key's literal form, for keys of built-in types whose `repr` is C code: exact str,
/// bytes, int, bool and None.
pub(super) fn literal(key: &Bound<'_, PyAny>) -> Option<String> {
    let pointer = key.as_ptr();
    // SAFETY: type checks only read the object's type.
    let simple = unsafe {
        ffi::PyUnicode_CheckExact(pointer) != 0
            || ffi::PyBytes_CheckExact(pointer) != 0
            || ffi::PyLong_CheckExact(pointer) != 0
            || ffi::PyBool_Check(pointer) != 0
            || pointer == ffi::Py_None()
    };
    if !simple {
        return None;
    }
    // An int with more digits than `sys.set_int_max_str_digits` allows has no repr.
    key.repr().ok().map(|text| text.to_string())
}

/// What the search needs to know about a type, read once from its MRO's dicts.
struct TypeFacts<'py> {
    _type: Bound<'py, PyAny>,
    /// `x.name` is not the generic lookup (of objects, classes or modules): a class in the
    /// MRO defines `__getattribute__`, or a C type reads attributes its own way.
    custom_getattribute: bool,
    /// Each name the MRO defines, at its first definition.
    names: HashMap<String, Definition>,
    /// Object members (`__slots__` and C struct members), at their first definition.
    members: Vec<Member>,
    /// Public class attributes that reading them hands out as they are: on instances, those
    /// that are no descriptors; on the class itself, functions too.
    public_values: Vec<(String, Ptr, Handed)>,
}

/// A member descriptor: an object pointer at `offset` in instances of `owner`.
struct Member {
    name: String,
    offset: ffi::Py_ssize_t,
    /// The type whose layout has the member; a descriptor copied into another class's dict
    /// must not be read from that class's instances.
    owner: *mut ffi::PyTypeObject,
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Handed {
    ToInstancesAndClass,
    ToClassOnly,
}

struct Definition {
    value: Ptr,
    /// Defined by a class written in Python (a heap type).
    by_class: bool,
}

impl Definition {
    fn is_data_descriptor(&self) -> bool {
        // SAFETY: `value` is owned by a type dict the cached type keeps alive.
        unsafe { (*ffi::Py_TYPE(self.value)).tp_descr_set.is_some() }
    }

    fn is_builtin_descriptor(&self) -> bool {
        // SAFETY: as above; comparing type pointers only.
        unsafe {
            let kind = ffi::Py_TYPE(self.value);
            kind == &raw mut ffi::PyGetSetDescr_Type || kind == &raw mut ffi::PyMemberDescr_Type
        }
    }
}

/// A dict's value under entry `index` (written `['key']` when the key prints as a literal)
/// and the key itself (by iteration order). A subclass is read through `dict`'s methods.
fn dict_entry_edges<'py>(
    py: Python<'py>,
    dict: Ptr,
    index: usize,
    (key, value): (Ptr, Ptr),
) -> [Edge<'py>; 2] {
    // SAFETY: a type check; `key` and `value` are borrowed from the live dict.
    let (exact, key, value) = unsafe {
        (
            ffi::PyDict_CheckExact(dict) != 0,
            Bound::from_borrowed_ptr(py, key),
            Bound::from_borrowed_ptr(py, value),
        )
    };
    let value_label = match literal(&key) {
        Some(repr) => Label {
            kind: StepKind::Item,
            template: if exact {
                Template::Suffix(format!("[{repr}]"))
            } else {
                Template::Wrap("dict.__getitem__(".into(), format!(", {repr})"))
            },
            key: Key::Literal(key.clone().unbind(), repr),
        },
        None => Label {
            kind: StepKind::Value,
            key: Key::Position(position(index)),
            template: if exact {
                Template::Wrap("list(".into(), format!(".values())[{index}]"))
            } else {
                Template::Wrap("list(dict.values(".into(), format!("))[{index}]"))
            },
        },
    };
    let key_label = Label {
        kind: StepKind::Element,
        key: Key::Position(position(index)),
        template: if exact {
            Template::Wrap("list(".into(), format!(")[{index}]"))
        } else {
            Template::Wrap("list(dict.keys(".into(), format!("))[{index}]"))
        },
    };
    [
        Edge {
            child: value,
            label: value_label,
        },
        Edge {
            child: key,
            label: key_label,
        },
    ]
}

unsafe extern "C" {
    /// Iterates a set's table in iteration order (exported by CPython 3.10 to 3.13).
    fn _PySet_NextEntry(
        set: Ptr,
        position: *mut ffi::Py_ssize_t,
        key: *mut Ptr,
        hash: *mut ffi::Py_hash_t,
    ) -> c_int;
}

/// A set's elements in iteration order, borrowed (subclasses' own slots are not included).
fn set_elements(set: Ptr) -> Vec<Ptr> {
    let mut elements = Vec::new();
    let mut position: ffi::Py_ssize_t = 0;
    let mut key: Ptr = std::ptr::null_mut();
    let mut hash: ffi::Py_hash_t = 0;
    // SAFETY: `set` is a live set or frozenset; entries are read, nothing is hashed.
    while unsafe { _PySet_NextEntry(set, &mut position, &mut key, &mut hash) } != 0 {
        elements.push(key);
    }
    elements
}

/// Whether a type's `__getattribute__` is the generic lookup of objects, classes, modules or
/// bound methods (which all find the type's descriptors first): the slot wrapper they put in
/// their dicts (a class that only defines `__getattr__`
/// keeps it; `__getattr__` runs only when the lookup finds nothing).
fn is_generic_getattribute(value: Ptr) -> bool {
    // SAFETY: the wrapper descriptor check comes before reading its fields; the compared
    // function pointers are read from the static built-in types.
    unsafe {
        if ffi::Py_TYPE(value) != &raw mut ffi::PyWrapperDescr_Type {
            return false;
        }
        let wrapped = (*value.cast::<ffi::PyWrapperDescrObject>()).d_wrapped;
        let generic: [Option<ffi::getattrofunc>; 4] = [
            Some(ffi::PyObject_GenericGetAttr),
            ffi::PyType_Type.tp_getattro,
            ffi::PyModule_Type.tp_getattro,
            // A bound method asks its type first, its function only for what the type lacks.
            PyMethod_Type.tp_getattro,
        ];
        generic
            .into_iter()
            .flatten()
            .any(|function| function as *mut std::ffi::c_void == wrapped)
    }
}

/// The entries of a dict, in order: `PyDict_Next` reads them without hashing or comparing.
pub(super) fn dict_entries(dict: Ptr, entries: &mut Vec<(Ptr, Ptr)>) {
    entries.clear();
    let mut position: ffi::Py_ssize_t = 0;
    let mut key: Ptr = std::ptr::null_mut();
    let mut value: Ptr = std::ptr::null_mut();
    // SAFETY: `dict` is a live dict; `PyDict_Next` returns borrowed references and no code
    // runs while the caller uses them.
    while unsafe { ffi::PyDict_Next(dict, &mut position, &mut key, &mut value) } != 0 {
        entries.push((key, value));
    }
}

/// [`dict_entries`] into a new vector.
pub(super) fn dict_entry_list(dict: Ptr) -> Vec<(Ptr, Ptr)> {
    let mut entries = Vec::new();
    dict_entries(dict, &mut entries);
    entries
}

/// A type's own dict (on 3.12+ a static built-in type keeps it outside `tp_dict`).
fn type_dict<'py>(py: Python<'py>, kind: *mut ffi::PyTypeObject) -> Option<Bound<'py, PyAny>> {
    // SAFETY: `kind` is a live type; both reads run no Python code.
    unsafe {
        #[cfg(Py_3_12)]
        let dict = Bound::from_owned_ptr_or_opt(py, ffi::PyType_GetDict(kind));
        #[cfg(not(Py_3_12))]
        let dict = Bound::from_borrowed_ptr_or_opt(py, (*kind).tp_dict);
        dict.filter(|dict| ffi::PyDict_Check(dict.as_ptr()) != 0)
    }
}

impl<'py> TypeFacts<'py> {
    fn read(py: Python<'py>, kind: *mut ffi::PyTypeObject) -> Self {
        let mut facts = TypeFacts {
            // SAFETY: a live type, kept alive by this strong reference while cached.
            _type: unsafe { Bound::from_borrowed_ptr(py, kind.cast()) },
            custom_getattribute: false,
            names: HashMap::new(),
            members: Vec::new(),
            public_values: Vec::new(),
        };
        // SAFETY: `tp_mro` is a tuple of types once the type is ready (NULL before).
        let mro = unsafe { (*kind).tp_mro };
        let classes: Vec<*mut ffi::PyTypeObject> = if mro.is_null() {
            vec![kind]
        } else {
            // SAFETY: `mro` is a tuple; items are borrowed from it.
            unsafe {
                (0..ffi::PyTuple_GET_SIZE(mro))
                    .map(|index| ffi::PyTuple_GET_ITEM(mro, index).cast())
                    .collect()
            }
        };
        for class in classes {
            // SAFETY: reading the flags of a live type.
            let by_class = unsafe { (*class).tp_flags } & ffi::Py_TPFLAGS_HEAPTYPE != 0;
            let Some(dict) = type_dict(py, class) else {
                continue;
            };
            for (key, value) in dict_entry_list(dict.as_ptr()) {
                let Some(name) = exact_str(key) else {
                    continue;
                };
                if facts.names.contains_key(&name) {
                    continue;
                }
                if name == "__getattribute__" {
                    facts.custom_getattribute = !is_generic_getattribute(value);
                }
                // SAFETY: `value` is borrowed from the type dict; a member descriptor's
                // `d_member` points at its static `PyMemberDef`.
                unsafe {
                    if ffi::Py_TYPE(value) == &raw mut ffi::PyMemberDescr_Type {
                        let member = (*value.cast::<ffi::PyMemberDescrObject>())
                            .d_member
                            .cast::<ffi::PyMemberDef>();
                        let code = (*member).type_code;
                        let owner = (*value.cast::<ffi::PyDescrObject>()).d_type;
                        if code == ffi::Py_T_OBJECT_EX || code == 6 {
                            facts.members.push(Member {
                                name: name.clone(),
                                offset: (*member).offset,
                                owner,
                            });
                        }
                    }
                }
                // SAFETY: reading the type slots of a live object's type.
                let handed = unsafe {
                    if (*ffi::Py_TYPE(value)).tp_descr_get.is_none() {
                        Some(Handed::ToInstancesAndClass)
                    } else if ffi::PyFunction_Check(value) != 0 {
                        Some(Handed::ToClassOnly)
                    } else {
                        None
                    }
                };
                if let Some(handed) = handed.filter(|_| is_readable(&name)) {
                    facts.public_values.push((name.clone(), value, handed));
                }
                facts.names.insert(name, Definition { value, by_class });
            }
        }
        facts
    }
}

/// Names references and lists labelled edges, caching what it learns about types.
pub(super) struct Namer<'py> {
    py: Python<'py>,
    types: AddressMap<TypeFacts<'py>>,
}

impl<'py> Namer<'py> {
    pub(super) fn new(py: Python<'py>) -> Self {
        Self {
            py,
            types: AddressMap::default(),
        }
    }

    fn facts(&mut self, object: Ptr) -> &TypeFacts<'py> {
        // SAFETY: every live object has a type.
        self.class_facts(unsafe { ffi::Py_TYPE(object) }.cast())
    }

    /// Whether `object.name` reads what the C structure holds under `name`: nothing written
    /// in Python intercepts attribute reads on it or redefines `name`.
    fn reads_slot(&mut self, object: Ptr, name: &str) -> bool {
        let facts = self.facts(object);
        !facts.custom_getattribute && facts.names.get(name).is_none_or(|d| !d.by_class)
    }

    /// How to write the value stored under `name` in `object`'s `__dict__`: `.name` when that
    /// reads it, else `.__dict__['name']` when `.__dict__` is the real one, else None.
    /// `repr` is the name's Python literal.
    pub(super) fn dict_attribute(
        &mut self,
        object: Ptr,
        name: &str,
        repr: &str,
    ) -> Option<Template> {
        // SAFETY: type checks only.
        let is_type = unsafe { ffi::PyType_Check(object) } != 0;
        let facts = self.facts(object);
        if facts.custom_getattribute {
            return None;
        }
        let shadowed = facts
            .names
            .get(name)
            .is_some_and(Definition::is_data_descriptor);
        let real_dict = facts
            .names
            .get("__dict__")
            .is_some_and(Definition::is_builtin_descriptor);
        let plain = is_identifier(name)
            && !shadowed
            && (!is_type || self.class_attribute_is_itself(object, name));
        if plain {
            Some(Template::Suffix(format!(".{name}")))
        } else if real_dict {
            Some(Template::Suffix(format!(".__dict__[{repr}]")))
        } else {
            None
        }
    }

    /// `C.name` gives the object in `C.__dict__` itself (the metaclass not intercepting
    /// `name` is checked by the caller): a value that is no descriptor, or a function (whose
    /// `__get__` on a class returns itself).
    fn class_attribute_is_itself(&mut self, class: Ptr, name: &str) -> bool {
        let Some(dict) = type_dict(self.py, class.cast()) else {
            return false;
        };
        dict_entry_list(dict.as_ptr()).iter().any(|&(key, value)| {
            // SAFETY: `value` is borrowed from the live type dict.
            exact_str(key).as_deref() == Some(name)
                && unsafe {
                    ffi::PyFunction_Check(value) != 0
                        || (*ffi::Py_TYPE(value)).tp_descr_get.is_none()
                }
        })
    }

    /// Every reference of `object` this module can name, each with its label; edges that
    /// run code to compute (properties, methods) are not references and are not here.
    pub(super) fn named_edges(&mut self, object: &Bound<'py, PyAny>) -> Vec<Edge<'py>> {
        let mut edges = Vec::new();
        let pointer = object.as_ptr();
        self.container_edges(object, &mut edges);
        self.builtin_edges(object, &mut edges);
        self.frame_edges(object, &mut edges);
        self.member_edges(pointer, &mut edges);
        self.dict_edges(pointer, &mut edges);
        // SAFETY: `Py_TYPE` of a live object is a live type.
        let kind = unsafe { Bound::from_borrowed_ptr(self.py, ffi::Py_TYPE(pointer).cast()) };
        edges.push(Edge {
            child: kind,
            label: Label {
                kind: StepKind::Type,
                key: Key::None,
                template: Template::Wrap("type(".to_string(), ")".to_string()),
            },
        });
        // Two rules may name the same attribute (a function's `__globals__` is a member
        // too, a module's `__dict__` as well): keep one.
        let mut attributes = std::collections::HashSet::new();
        edges.retain(|edge| {
            edge.label.kind != StepKind::Attribute
                || attributes.insert((edge.child.as_ptr() as usize, edge.label.template.clone()))
        });
        edges
    }

    /// Public mode adds what verified code reads off a class: `x.NAME` and `C.NAME` for a
    /// class attribute anywhere in the MRO that is handed out as itself.
    pub(super) fn public_edges(&mut self, object: &Bound<'py, PyAny>) -> Vec<Edge<'py>> {
        let mut edges: Vec<Edge<'py>> = self
            .named_edges(object)
            .into_iter()
            .filter(|edge| edge.label.is_public())
            .collect();
        let pointer = object.as_ptr();
        // SAFETY: a type check.
        let is_type = unsafe { ffi::PyType_Check(pointer) } != 0;
        let facts = if is_type {
            self.class_facts(pointer)
        } else {
            self.facts(pointer)
        };
        let values: Vec<(String, Ptr)> = facts
            .public_values
            .iter()
            .filter(|(_, _, handed)| is_type || *handed == Handed::ToInstancesAndClass)
            .map(|(name, value, _)| (name.clone(), *value))
            .collect();
        for (name, value) in values {
            edges.push(Edge {
                // SAFETY: borrowed from a type dict the type cache keeps alive.
                child: unsafe { Bound::from_borrowed_ptr(self.py, value) },
                label: Label::attribute(&name),
            });
        }
        edges
    }

    /// Whether the search must visit `object` for what it refers to (the target is matched
    /// apart): the collector tracks its type (it has referents), it has object members (a
    /// code object's `co_consts`), or in public mode its class hands out public values.
    pub(super) fn expands(&mut self, object: Ptr, public: bool) -> bool {
        if is_gc(object) {
            return true;
        }
        // SAFETY: comparing type pointers; strs and ints are most of the leaves.
        let common_leaf = unsafe {
            ffi::PyUnicode_CheckExact(object) != 0 || ffi::PyLong_CheckExact(object) != 0
        };
        if common_leaf {
            return false;
        }
        let facts = self.facts(object);
        !facts.members.is_empty() || (public && !facts.public_values.is_empty())
    }

    /// The facts of a class itself (not of its metaclass).
    fn class_facts(&mut self, class: Ptr) -> &TypeFacts<'py> {
        let py = self.py;
        self.types
            .entry(class as usize)
            .or_insert_with(|| TypeFacts::read(py, class.cast()))
    }

    /// Elements of tuples and lists, items and keys of dicts, elements of sets. Subclasses
    /// are read through the base type's methods, which their overrides cannot intercept.
    fn container_edges(&mut self, object: &Bound<'py, PyAny>, edges: &mut Vec<Edge<'py>>) {
        let pointer = object.as_ptr();
        let py = self.py;
        // SAFETY: type checks; items are borrowed from the live container and turned into
        // strong references at once.
        unsafe {
            let sequence = if ffi::PyTuple_Check(pointer) != 0 {
                Some(("tuple", ffi::PyTuple_CheckExact(pointer) != 0))
            } else if ffi::PyList_Check(pointer) != 0 {
                Some(("list", ffi::PyList_CheckExact(pointer) != 0))
            } else {
                None
            };
            if let Some((base, exact)) = sequence {
                let size = ffi::PySequence_Size(pointer).max(0);
                for index in 0..size {
                    let item = if base == "tuple" {
                        ffi::PyTuple_GET_ITEM(pointer, index)
                    } else {
                        ffi::PyList_GET_ITEM(pointer, index)
                    };
                    if item.is_null() {
                        continue;
                    }
                    let template = if exact {
                        Template::Suffix(format!("[{index}]"))
                    } else {
                        Template::Wrap(format!("{base}.__getitem__("), format!(", {index})"))
                    };
                    edges.push(Edge {
                        child: Bound::from_borrowed_ptr(py, item),
                        label: Label {
                            kind: StepKind::Index,
                            key: Key::Position(position(
                                usize::try_from(index).unwrap_or(usize::MAX),
                            )),
                            template,
                        },
                    });
                }
            } else if ffi::PyDict_Check(pointer) != 0 {
                for (index, entry) in dict_entry_list(pointer).into_iter().enumerate() {
                    edges.extend(dict_entry_edges(py, pointer, index, entry));
                }
            } else if ffi::PyAnySet_Check(pointer) != 0 {
                let exact = ffi::PyAnySet_CheckExact(pointer) != 0;
                let base = if ffi::PyFrozenSet_Check(pointer) != 0 {
                    "frozenset"
                } else {
                    "set"
                };
                let elements = set_elements(pointer);
                for (index, element) in elements.into_iter().enumerate() {
                    edges.push(Edge {
                        child: Bound::from_borrowed_ptr(py, element),
                        label: Label {
                            kind: StepKind::Element,
                            key: Key::Position(position(index)),
                            template: if exact {
                                Template::Wrap("list(".into(), format!(")[{index}]"))
                            } else {
                                Template::Wrap(
                                    format!("list({base}.__iter__("),
                                    format!("))[{index}]"),
                                )
                            },
                        },
                    });
                }
            }
        }
    }

    /// Functions, cells, classes' bases, tracebacks and exceptions: references held in C
    /// fields that getters (some of them audited) would hand out.
    fn builtin_edges(&mut self, object: &Bound<'py, PyAny>, edges: &mut Vec<Edge<'py>>) {
        let pointer = object.as_ptr();
        let py = self.py;
        let mut push = |child: Ptr, name: &str, owned: bool| {
            // SAFETY: `child` is NULL or a live object: owned (a new reference we take over)
            // or borrowed from `object`, which is alive.
            let child = unsafe {
                if owned {
                    Bound::from_owned_ptr_or_opt(py, child)
                } else {
                    Bound::from_borrowed_ptr_or_opt(py, child)
                }
            };
            if let Some(child) = child {
                edges.push(Edge {
                    child,
                    label: Label::attribute(name),
                });
            }
        };
        // SAFETY: each branch reads fields of the type it checked for (functions, cells,
        // tracebacks are final types; exceptions share `PyBaseExceptionObject`'s layout).
        unsafe {
            if ffi::PyFunction_Check(pointer) != 0 {
                push(ffi::PyFunction_GetCode(pointer), "__code__", false);
                push(ffi::PyFunction_GetGlobals(pointer), "__globals__", false);
                push(ffi::PyFunction_GetDefaults(pointer), "__defaults__", false);
                push(
                    ffi::PyFunction_GetKwDefaults(pointer),
                    "__kwdefaults__",
                    false,
                );
                push(ffi::PyFunction_GetClosure(pointer), "__closure__", false);
            } else if ffi::PyCell_Check(pointer) != 0 {
                push(ffi::PyCell_Get(pointer), "cell_contents", true);
            } else if ffi::PyType_Check(pointer) != 0 {
                if self.reads_slot(pointer, "__bases__") {
                    let bases = (*pointer.cast::<ffi::PyTypeObject>()).tp_bases;
                    push(bases, "__bases__", false);
                }
            } else if ffi::PyTraceBack_Check(pointer) != 0 {
                let traceback = pointer.cast::<ffi::PyTracebackObject>();
                push((*traceback).tb_next.cast(), "tb_next", false);
                push((*traceback).tb_frame.cast(), "tb_frame", false);
            } else if ffi::PyExceptionInstance_Check(pointer) != 0 {
                let exception = pointer.cast::<ffi::PyBaseExceptionObject>();
                let fields = [
                    ((*exception).args, "args"),
                    ((*exception).traceback, "__traceback__"),
                    ((*exception).context, "__context__"),
                    ((*exception).cause, "__cause__"),
                ];
                for (child, name) in fields {
                    if self.reads_slot(pointer, name) {
                        push(child, name, false);
                    }
                }
            }
        }
    }

    /// A frame's caller, code, globals, builtins and locals, read through the C API (which,
    /// unlike some of the attributes, raises no audit event). On 3.10 to 3.12 reading the
    /// locals updates the frame's `f_locals` dict from its fast locals, as `frame.f_locals`
    /// does; on 3.13 it reads them through a fresh `FrameLocalsProxy`.
    fn frame_edges(&mut self, object: &Bound<'py, PyAny>, edges: &mut Vec<Edge<'py>>) {
        let pointer = object.as_ptr();
        // SAFETY: frames are a final type; each call returns a new reference or NULL.
        unsafe {
            if ffi::PyFrame_Check(pointer) == 0 {
                return;
            }
            let frame = pointer.cast::<ffi::PyFrameObject>();
            let py = self.py;
            let mut owned = |child: Ptr, name: &str| {
                if let Some(child) = Bound::from_owned_ptr_or_opt(py, child) {
                    edges.push(Edge {
                        child,
                        label: Label::attribute(name),
                    });
                }
            };
            owned(ffi::PyFrame_GetBack(frame).cast(), "f_back");
            owned(ffi::PyFrame_GetCode(frame).cast(), "f_code");
            #[cfg(Py_3_11)]
            {
                owned(ffi::PyFrame_GetGlobals(frame), "f_globals");
                owned(ffi::PyFrame_GetBuiltins(frame), "f_builtins");
            }
            #[cfg(Py_3_11)]
            let locals = ffi::PyFrame_GetLocals(frame);
            // 3.10's frames keep globals and builtins in members (read by `member_edges`);
            // `f_locals` is a getter of the built-in frame type that runs no Python code.
            #[cfg(not(Py_3_11))]
            let locals = ffi::PyObject_GetAttrString(pointer, c"f_locals".as_ptr());
            let Some(locals) = Bound::from_owned_ptr_or_opt(py, locals) else {
                ffi::PyErr_Clear();
                return;
            };
            let entries: Vec<Local<'py>> = if ffi::PyDict_CheckExact(locals.as_ptr()) != 0 {
                dict_entry_list(locals.as_ptr())
                    .into_iter()
                    .map(|(key, value)| (str_key(py, key), Bound::from_borrowed_ptr(py, value)))
                    .collect()
            } else if is_frame_locals_proxy(locals.as_ptr()) {
                proxy_entries(&locals)
            } else {
                // Locals given to `exec` as a mapping of the user's: reading it would run
                // its code, so the mapping is the step.
                edges.push(Edge {
                    child: locals,
                    label: Label::attribute("f_locals"),
                });
                return;
            };
            for (name, value) in entries {
                let Some((name, repr)) = name else {
                    continue;
                };
                edges.push(Edge {
                    child: value,
                    label: Label {
                        kind: StepKind::Local,
                        template: Template::Suffix(format!(".f_locals[{repr}]")),
                        key: Key::Name(name),
                    },
                });
            }
        }
    }

    /// [`Self::member_edges`] as a list of their own.
    pub(super) fn members(&mut self, object: &Bound<'py, PyAny>) -> Vec<Edge<'py>> {
        let mut edges = Vec::new();
        self.member_edges(object.as_ptr(), &mut edges);
        edges
    }

    /// `__slots__` and C struct members (a bound method's `__self__`, a partial's `args`, a
    /// property's `fget`, a code object's `co_consts` ...), read from the object's memory at
    /// the member's offset, as the member descriptor would but without its audit event.
    fn member_edges(&mut self, object: Ptr, edges: &mut Vec<Edge<'py>>) {
        let py = self.py;
        let facts = self.facts(object);
        if facts.custom_getattribute {
            return;
        }
        for member in &facts.members {
            // SAFETY: a subtype check on a live object and type.
            if unsafe { ffi::PyObject_TypeCheck(object, member.owner) } == 0 {
                continue;
            }
            // SAFETY: `object` is an instance of the member's owner, so it has an object
            // pointer at `offset`.
            let child = unsafe { *object.cast::<u8>().offset(member.offset).cast::<Ptr>() };
            // SAFETY: NULL (unset) or a reference `object` holds.
            if let Some(child) = unsafe { Bound::from_borrowed_ptr_or_opt(py, child) } {
                edges.push(Edge {
                    child,
                    label: Label::attribute(&member.name),
                });
            }
        }
    }

    /// The instance `__dict__` (of instances, classes, modules, functions) and the values in
    /// it, as `.name` where that reads them.
    fn dict_edges(&mut self, object: Ptr, edges: &mut Vec<Edge<'py>>) {
        let py = self.py;
        // SAFETY: reading the type's dict offset and flags; `_PyObject_GetDictPtr` runs no
        // Python code (on 3.11+ it may build the dict of inline attributes).
        let dict = unsafe {
            let kind = ffi::Py_TYPE(object);
            #[cfg(Py_3_11)]
            let managed = (*kind).tp_flags & ffi::Py_TPFLAGS_MANAGED_DICT != 0;
            #[cfg(not(Py_3_11))]
            let managed = false;
            if (*kind).tp_dictoffset == 0 && !managed {
                return;
            }
            let slot = _PyObject_GetDictPtr(object);
            if slot.is_null() {
                ffi::PyErr_Clear();
                return;
            }
            match Bound::from_borrowed_ptr_or_opt(py, *slot) {
                Some(dict) if ffi::PyDict_CheckExact(dict.as_ptr()) != 0 => dict,
                _ => return,
            }
        };
        let facts = self.facts(object);
        if !facts.custom_getattribute
            && facts
                .names
                .get("__dict__")
                .is_some_and(Definition::is_builtin_descriptor)
        {
            edges.push(Edge {
                child: dict.clone(),
                label: Label::attribute("__dict__"),
            });
        }
        for (key, value) in dict_entry_list(dict.as_ptr()) {
            let Some((name, repr)) = str_key(py, key) else {
                continue;
            };
            if let Some(template) = self.dict_attribute(object, &name, &repr) {
                edges.push(Edge {
                    // SAFETY: borrowed from the live dict.
                    child: unsafe { Bound::from_borrowed_ptr(py, value) },
                    label: Label {
                        kind: StepKind::Attribute,
                        key: Key::Name(name),
                        template,
                    },
                });
            }
        }
    }

    /// The label of the reference from `parent` to `child` that the search found as `slot`
    /// (`public`: among the edges of public mode).
    pub(super) fn label(
        &mut self,
        parent: &Bound<'py, PyAny>,
        child: Ptr,
        slot: super::search::Slot,
        public: bool,
        cache: &mut LabelCache<'py>,
    ) -> Option<Label> {
        if let (super::search::Slot::Traversed(index), false) = (slot, public)
            && let Some(label) = element_label(parent.as_ptr(), index as usize, child)
        {
            return Some(label);
        }
        if let super::search::Slot::Member(index) = slot {
            let edge = self.members(parent).into_iter().nth(index as usize)?;
            return (edge.child.as_ptr() == child).then_some(edge.label);
        }
        let (traversed, named) = cache.entry(parent.as_ptr() as usize).or_insert_with(|| {
            // The traversal first: naming may build an inline dict, which changes it.
            let mut traversed = Vec::new();
            referents(parent.as_ptr(), &mut traversed);
            let named = if public {
                self.public_edges(parent)
            } else {
                self.named_edges(parent)
            };
            (traversed, named)
        });
        match slot {
            super::search::Slot::DictValue(index) | super::search::Slot::DictKey(index) => {
                let index = index as usize;
                let entry = *dict_entry_list(parent.as_ptr()).get(index)?;
                let [value, key] = dict_entry_edges(self.py, parent.as_ptr(), index, entry);
                let edge = if matches!(slot, super::search::Slot::DictKey(_)) {
                    key
                } else {
                    value
                };
                (edge.child.as_ptr() == child).then_some(edge.label)
            }
            super::search::Slot::Member(_) => None,
            super::search::Slot::Named(index) => named
                .get(index as usize)
                .filter(|edge| edge.child.as_ptr() == child)
                .map(|edge| clone_label(self.py, &edge.label)),
            super::search::Slot::Traversed(index) => {
                let index = index as usize;
                // The k-th reference to `child` in the traversal takes the k-th name for it.
                let occurrence = traversed
                    .iter()
                    .take(index)
                    .filter(|&&referent| referent == child)
                    .count();
                named
                    .iter()
                    .filter(|edge| edge.child.as_ptr() == child)
                    .nth(occurrence)
                    .map(|edge| clone_label(self.py, &edge.label))
                    .or_else(|| {
                        (traversed.get(index) == Some(&child)).then(|| Label::fallback(index))
                    })
            }
        }
    }
}

/// `gc.get_referents(x)[i]` for the first place `child` takes among `parent`'s referents.
pub(super) fn referent_label(parent: Ptr, child: Ptr) -> Option<Label> {
    let mut traversed = Vec::new();
    referents(parent, &mut traversed);
    let index = traversed.iter().position(|&referent| referent == child)?;
    Some(Label::fallback(index))
}

/// `[i]` for the i-th referent of an exact list or tuple (they traverse their items in order),
/// without listing the edges of a container that may hold millions.
fn element_label(container: Ptr, index: usize, child: Ptr) -> Option<Label> {
    let offset = ffi::Py_ssize_t::try_from(index).ok()?;
    // SAFETY: exact type checks before reading items within bounds.
    let item = unsafe {
        if ffi::PyList_CheckExact(container) != 0 && offset < ffi::PyList_GET_SIZE(container) {
            ffi::PyList_GET_ITEM(container, offset)
        } else if ffi::PyTuple_CheckExact(container) != 0
            && offset < ffi::PyTuple_GET_SIZE(container)
        {
            ffi::PyTuple_GET_ITEM(container, offset)
        } else {
            return None;
        }
    };
    (item == child).then(|| Label {
        kind: StepKind::Index,
        key: Key::Position(position(index)),
        template: Template::Suffix(format!("[{index}]")),
    })
}

/// Per referrer, while labelling found routes: its traversal and its named edges.
pub(super) type LabelCache<'py> = HashMap<usize, (Vec<Ptr>, Vec<Edge<'py>>)>;

pub(super) fn clone_label(py: Python<'_>, label: &Label) -> Label {
    Label {
        kind: label.kind,
        key: match &label.key {
            Key::None => Key::None,
            Key::Name(name) => Key::Name(name.clone()),
            Key::Position(index) => Key::Position(*index),
            Key::Literal(object, repr) => Key::Literal(object.clone_ref(py), repr.clone()),
        },
        template: label.template.clone(),
    }
}

#[cfg(Py_3_13)]
fn is_frame_locals_proxy(object: Ptr) -> bool {
    // SAFETY: a type check.
    unsafe { ffi::PyFrameLocalsProxy_Check(object) != 0 }
}

#[cfg(not(Py_3_13))]
fn is_frame_locals_proxy(_object: Ptr) -> bool {
    false
}

/// The names and values a `FrameLocalsProxy` (a built-in C type) lists.
fn proxy_entries<'py>(proxy: &Bound<'py, PyAny>) -> Vec<Local<'py>> {
    let py = proxy.py();
    // SAFETY: `PyMapping_Items` calls the proxy's C `items`; the result is a new list of
    // 2-tuples, kept alive below while its keys are read.
    unsafe {
        let Some(items) = Bound::from_owned_ptr_or_opt(py, ffi::PyMapping_Items(proxy.as_ptr()))
        else {
            ffi::PyErr_Clear();
            return Vec::new();
        };
        let mut entries = Vec::new();
        if ffi::PyList_CheckExact(items.as_ptr()) == 0 {
            return entries;
        }
        for index in 0..ffi::PyList_GET_SIZE(items.as_ptr()) {
            let pair = ffi::PyList_GET_ITEM(items.as_ptr(), index);
            if ffi::PyTuple_CheckExact(pair) == 0 || ffi::PyTuple_GET_SIZE(pair) != 2 {
                continue;
            }
            let name = str_key(py, ffi::PyTuple_GET_ITEM(pair, 0));
            let value = Bound::from_borrowed_ptr(py, ffi::PyTuple_GET_ITEM(pair, 1));
            entries.push((name, value));
        }
        entries
    }
}
