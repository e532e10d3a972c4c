//! Where an attribute lives in instances of a type, remembered by the type's version tag: the
//! specialisation CPython's interpreter makes for `o.x`, made for sealed objects.
//!
//! A plain `o.x` in a loop costs a type-version compare and an array read, because the
//! specialising interpreter (3.11+) remembers where `x` lives in instances of `type(o)`. A
//! sealed object's `tp_getattro` cannot use the interpreter's cache, and the generic lookup it
//! makes instead (`_PyType_Lookup`, then a search of the instance's keys) costs three reads as
//! dear. This cache makes the interpreter's bet under the interpreter's guards:
//!
//! - a type's version tag changes whenever the type or one of its bases changes and is never
//!   given out twice, so (version, name) fixes what the type says about `name`: nothing, or a
//!   method, and whether attribute reads are the generic ones;
//! - attributes an instance stores as values beside its type's shared keys (`ht_cached_keys`)
//!   sit at the key's index, in every instance of that type; shared keys are only appended to,
//!   so a name absent from them while their length is unchanged is absent still;
//! - an instance whose values were replaced by a dict, a missing value, or a type with its own
//!   `__getattribute__` or `__getattr__` takes the generic path, as it does in the interpreter.
//!
//! Instances are read through mirrors of CPython's internal structs, which are fixed within a
//! minor version; `verify_layout` checks them against the public API when the module loads,
//! so a mismatch fails the import instead of giving wrong answers. Where no mirror exists
//! (3.10, 3.14, free-threaded builds) only the methods of types whose instances have no
//! attributes of their own are remembered.
//!
//! Entries are only written for names the seal has already found public, so a hit also
//! answers that question. Every entry owns a reference to its name: a name's address can then
//! never come back as a different string while the entry stands. The module needs the GIL, so
//! the table is read and written by one thread at a time; atomics only make that sound to Rust.

use std::sync::atomic::{AtomicPtr, AtomicU8, AtomicU32, AtomicUsize, Ordering::Relaxed};

use pyo3::exceptions::PyImportError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};

use crate::capi::_PyType_Lookup;

/// What a read of attribute `name` of `obj` finds, from the cache.
pub(super) enum Lookup {
    /// The attribute's value (borrowed from `obj`).
    Value(*mut ffi::PyObject),
    /// A method descriptor of the type (borrowed from the type) to call with `obj` first: what
    /// `_PyObject_GetMethod` answers with 1.
    Method(*mut ffi::PyObject),
    /// The cache knows this read can only be answered by the generic lookup.
    Generic,
    /// The cache knows nothing of this read: look it up, then `remember` it.
    Unknown,
}

/// How a remembered read is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Generic,
    /// `payload` is the index of the name in the type's shared keys.
    InstanceValue,
    /// `payload` is the method; instances have no attributes of their own.
    Method,
    /// `payload` is the method; instances keep their attributes as values beside the shared
    /// keys, which had `keys_len` entries, `name` not among them.
    MethodUnlessShadowed,
}

struct Entry {
    version: AtomicU32,
    /// An owned reference to an exact `str`, or null.
    name: AtomicPtr<ffi::PyObject>,
    kind: AtomicU8,
    payload: AtomicUsize,
    keys_len: AtomicUsize,
}

const ENTRIES: usize = 1024;

static TABLE: [Entry; ENTRIES] = [const {
    Entry {
        version: AtomicU32::new(0),
        name: AtomicPtr::new(std::ptr::null_mut()),
        kind: AtomicU8::new(Kind::Generic as u8),
        payload: AtomicUsize::new(0),
        keys_len: AtomicUsize::new(0),
    }
}; ENTRIES];

#[inline]
fn entry(version: u32, name: *mut ffi::PyObject) -> &'static Entry {
    // Objects are 16-byte aligned: the low bits of the address carry nothing.
    &TABLE[(version as usize ^ (name as usize >> 4)) % ENTRIES]
}

/// What the cache says about reading `name` from `obj`.
///
/// # Safety
/// The GIL is held and both pointers are live.
#[inline]
pub(super) unsafe fn lookup(obj: *mut ffi::PyObject, name: *mut ffi::PyObject) -> Lookup {
    // SAFETY: (caller's contract) `obj` is live, so is its type.
    let class = unsafe { ffi::Py_TYPE(obj) };
    // SAFETY: reads a field of the live type.
    let version = unsafe { (*class).tp_version_tag };
    if version == 0 {
        return Lookup::Unknown;
    }
    let entry = entry(version, name);
    if entry.version.load(Relaxed) != version || entry.name.load(Relaxed) != name {
        return Lookup::Unknown;
    }
    let payload = entry.payload.load(Relaxed);
    let kind = entry.kind.load(Relaxed);
    // SAFETY: the entry was written by `remember` for this type version, whose instances
    // have the layout it saw (see the module comment); `obj` is such an instance.
    unsafe {
        if kind == Kind::InstanceValue as u8 {
            return match layout::instance_values(obj) {
                Some(values) => match *values.add(payload) {
                    value if value.is_null() => Lookup::Generic,
                    value => Lookup::Value(value),
                },
                None => Lookup::Generic,
            };
        }
        if kind == Kind::Method as u8 {
            return Lookup::Method(payload as *mut ffi::PyObject);
        }
        if kind == Kind::MethodUnlessShadowed as u8
            && layout::instance_values(obj).is_some()
            && layout::shared_keys_len(class) == Some(entry.keys_len.load(Relaxed))
        {
            return Lookup::Method(payload as *mut ffi::PyObject);
        }
    }
    Lookup::Generic
}

/// Remembers how reads of `name`, a public name, from instances of `class` are answered.
/// Runs no Python code, so nothing can change the type between what it sees and the version
/// tag it files that under.
pub(super) fn remember(class: &Bound<'_, PyType>, name: &Bound<'_, PyString>) {
    let class = class.as_type_ptr();
    let name_ptr = name.as_ptr();
    // SAFETY: `class` is a live type; `_PyType_Lookup` returns a borrowed reference or null
    // without an exception and gives the type a version tag if it can.
    let (found, version) = unsafe {
        let found = _PyType_Lookup(class, name_ptr);
        (found, (*class).tp_version_tag)
    };
    if version == 0 {
        return;
    }
    // SAFETY: `class` and `found` (when not null) are live; only their fields are read.
    let (kind, payload, keys_len) = unsafe { locate(class, name_ptr, found) };
    let entry = entry(version, name_ptr);
    let old = entry.name.swap(name.clone().into_ptr(), Relaxed);
    if !old.is_null() {
        // SAFETY: the reference the entry owned; the GIL is held (`name` proves it).
        unsafe { ffi::Py_DECREF(old) };
    }
    entry.version.store(version, Relaxed);
    entry.kind.store(kind as u8, Relaxed);
    entry.payload.store(payload, Relaxed);
    entry.keys_len.store(keys_len, Relaxed);
}

/// Where `name` lives for instances of `class`, given what `class` has under that name.
///
/// # Safety
/// `class` is a live type, `found` null or a live object.
unsafe fn locate(
    class: *mut ffi::PyTypeObject,
    name: *mut ffi::PyObject,
    found: *mut ffi::PyObject,
) -> (Kind, usize, usize) {
    const GENERIC: (Kind, usize, usize) = (Kind::Generic, 0, 0);
    // SAFETY: fields of live objects (caller's contract).
    unsafe {
        let generic: ffi::getattrofunc = ffi::PyObject_GenericGetAttr;
        if !(*class)
            .tp_getattro
            .is_some_and(|getattro| std::ptr::fn_addr_eq(getattro, generic))
        {
            return GENERIC;
        }
        let has_values = layout::has_instance_values(class);
        if found.is_null() {
            return match has_values
                .then(|| layout::shared_key_index(class, name))
                .flatten()
            {
                Some(index) => (Kind::InstanceValue, index, 0),
                None => GENERIC,
            };
        }
        if ffi::PyType_GetFlags(ffi::Py_TYPE(found)) & ffi::Py_TPFLAGS_METHOD_DESCRIPTOR == 0 {
            return GENERIC;
        }
        // A dict of its own, managed by the interpreter (a negative offset) or not.
        let instances_have_dicts = (*class).tp_dictoffset != 0;
        if !instances_have_dicts {
            return (Kind::Method, found as usize, 0);
        }
        if has_values
            && layout::shared_key_index(class, name).is_none()
            && let Some(keys_len) = layout::shared_keys_len(class)
        {
            return (Kind::MethodUnlessShadowed, found as usize, keys_len);
        }
        GENERIC
    }
}

/// Fails the import if the mirrors of the instance layout disagree with the public API: an
/// instance of a fresh class must show, through them, the attributes `setattr` gave it.
pub(super) fn verify_layout(py: Python<'_>) -> PyResult<()> {
    if !layout::MIRRORED || layout_agrees(py)? {
        return Ok(());
    }
    Err(PyImportError::new_err(
        "ocapy: this CPython's instance layout is not the one ocapy was built for; \
         rebuild ocapy against this interpreter",
    ))
}

fn layout_agrees(py: Python<'_>) -> PyResult<bool> {
    let bases = (py.get_type::<PyAny>(),);
    let class = py
        .get_type::<PyType>()
        .call1(("_ocapy_layout_probe", bases, PyDict::new(py)))?
        .cast_into::<PyType>()?;
    let (first, second) = (
        PyString::intern(py, "first"),
        PyString::intern(py, "second"),
    );
    let (one, two) = (PyList::empty(py), PyList::empty(py));
    let full = class.call0()?;
    full.setattr(&first, &one)?;
    full.setattr(&second, &two)?;
    let partial = class.call0()?;
    partial.setattr(&second, &two)?;
    let class_ptr = class.as_type_ptr();
    // SAFETY: the probe class and its instances are live; the mirrors only read them.
    let agrees = unsafe {
        let read = |obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>| {
            let index = layout::shared_key_index(class_ptr, name.as_ptr())?;
            let values = layout::instance_values(obj.as_ptr())?;
            Some(*values.add(index))
        };
        layout::has_instance_values(class_ptr)
            && read(&full, &first) == Some(one.as_ptr())
            && read(&full, &second) == Some(two.as_ptr())
            && read(&partial, &first) == Some(std::ptr::null_mut())
            && read(&partial, &second) == Some(two.as_ptr())
            && layout::shared_keys_len(class_ptr) == Some(2)
    };
    Ok(agrees)
}

#[cfg(any(not(Py_3_11), Py_3_14, Py_GIL_DISABLED, PyPy))]
mod layout {
    //! No mirrors: instances are never read directly.
    use pyo3::ffi;

    pub(super) const MIRRORED: bool = false;

    pub(super) unsafe fn has_instance_values(_class: *mut ffi::PyTypeObject) -> bool {
        false
    }
    pub(super) unsafe fn instance_values(
        _obj: *mut ffi::PyObject,
    ) -> Option<*const *mut ffi::PyObject> {
        None
    }
    pub(super) unsafe fn shared_key_index(
        _class: *mut ffi::PyTypeObject,
        _name: *mut ffi::PyObject,
    ) -> Option<usize> {
        None
    }
    pub(super) unsafe fn shared_keys_len(_class: *mut ffi::PyTypeObject) -> Option<usize> {
        None
    }
}

#[cfg(all(Py_3_11, not(Py_3_14), not(Py_GIL_DISABLED), not(PyPy)))]
mod layout {
    //! Mirrors of `struct _dictkeysobject` and of where an instance keeps its values
    //! (Include/internal/pycore_dict.h and pycore_object.h of 3.11, 3.12 and 3.13).
    #![allow(
        dead_code,
        reason = "mirrors of C structs: the unread fields are there for the offsets of the read ones"
    )]

    use pyo3::ffi;

    pub(super) const MIRRORED: bool = true;

    /// `struct _dictkeysobject` without its variable-length tail.
    #[repr(C)]
    struct Keys {
        dk_refcnt: ffi::Py_ssize_t,
        dk_log2_size: u8,
        dk_log2_index_bytes: u8,
        dk_kind: u8,
        dk_version: u32,
        dk_usable: ffi::Py_ssize_t,
        dk_nentries: ffi::Py_ssize_t,
        dk_indices: [u8; 0],
    }

    /// `DICT_KEYS_SPLIT`: keys shared by the instances of a class.
    const SPLIT: u8 = 2;

    /// `PyDictUnicodeEntry`.
    #[repr(C)]
    struct UnicodeEntry {
        key: *mut ffi::PyObject,
        value: *mut ffi::PyObject,
    }

    /// The flag of types whose instances keep their attributes as values (until a dict
    /// replaces them).
    #[cfg(not(Py_3_13))]
    const VALUES_FLAG: std::ffi::c_ulong = ffi::Py_TPFLAGS_MANAGED_DICT;
    /// `Py_TPFLAGS_INLINE_VALUES`.
    #[cfg(Py_3_13)]
    const VALUES_FLAG: std::ffi::c_ulong = 1 << 2;

    #[inline]
    pub(super) unsafe fn has_instance_values(class: *mut ffi::PyTypeObject) -> bool {
        // SAFETY: reads fields of a live type (caller's contract).
        let (flags, basic_size) = unsafe { (ffi::PyType_GetFlags(class), (*class).tp_basicsize) };
        // 3.13 puts the values right after the object header, which is all such an object
        // has before them.
        let values_follow_header =
            cfg!(not(Py_3_13)) || basic_size as usize == size_of::<ffi::PyObject>();
        flags & VALUES_FLAG != 0 && flags & ffi::Py_TPFLAGS_HEAPTYPE != 0 && values_follow_header
    }

    /// The values array of `obj`, an instance of a type with instance values, or None when a
    /// dict holds its attributes instead.
    #[cfg(not(Py_3_12))]
    #[inline]
    pub(super) unsafe fn instance_values(
        obj: *mut ffi::PyObject,
    ) -> Option<*const *mut ffi::PyObject> {
        // SAFETY: `_PyObject_ValuesPointer`: four words before the object, ahead of its
        // garbage-collector header, and null once a dict has replaced the values.
        let values = unsafe { *obj.cast::<*const *mut ffi::PyObject>().sub(4) };
        (!values.is_null()).then_some(values)
    }

    /// 3.12: `_PyObject_DictOrValuesPointer`, three words before the object, holds a dict, or
    /// the values' address minus one (which makes it odd).
    #[cfg(all(Py_3_12, not(Py_3_13)))]
    #[inline]
    pub(super) unsafe fn instance_values(
        obj: *mut ffi::PyObject,
    ) -> Option<*const *mut ffi::PyObject> {
        // SAFETY: see above; the word exists in every instance of a managed-dict type.
        let dict_or_values = unsafe { *obj.cast::<usize>().sub(3) };
        (dict_or_values & 1 == 1).then(|| (dict_or_values + 1) as *const *mut ffi::PyObject)
    }

    /// 3.13: `_PyObject_InlineValues`, right after the object header, valid until a dict that
    /// does not share them takes over.
    #[cfg(Py_3_13)]
    #[inline]
    pub(super) unsafe fn instance_values(
        obj: *mut ffi::PyObject,
    ) -> Option<*const *mut ffi::PyObject> {
        /// The head of `struct _dictvalues`.
        #[repr(C)]
        struct Values {
            capacity: u8,
            size: u8,
            embedded: u8,
            valid: u8,
            values: [*mut ffi::PyObject; 0],
        }
        // SAFETY: inline values follow the `PyObject` header of every instance of a type with
        // `Py_TPFLAGS_INLINE_VALUES`.
        unsafe {
            let values = obj
                .cast::<u8>()
                .add(size_of::<ffi::PyObject>())
                .cast::<Values>();
            ((*values).valid != 0).then(|| (&raw const (*values).values).cast())
        }
    }

    /// The type's shared keys, when it has them.
    #[inline]
    unsafe fn shared_keys(class: *mut ffi::PyTypeObject) -> Option<*const Keys> {
        // SAFETY: `has_instance_values` checked that `class` is a heap type, so it is a
        // `PyHeapTypeObject`.
        unsafe {
            if !has_instance_values(class) {
                return None;
            }
            let keys = (*class.cast::<ffi::PyHeapTypeObject>())
                .ht_cached_keys
                .cast::<Keys>();
            (!keys.is_null() && (*keys).dk_kind == SPLIT).then_some(keys)
        }
    }

    #[inline]
    pub(super) unsafe fn shared_keys_len(class: *mut ffi::PyTypeObject) -> Option<usize> {
        // SAFETY: `shared_keys` returns live keys.
        unsafe { shared_keys(class).map(|keys| (*keys).dk_nentries as usize) }
    }

    /// The index of `name` (by identity: attribute names are interned) in the type's shared
    /// keys.
    pub(super) unsafe fn shared_key_index(
        class: *mut ffi::PyTypeObject,
        name: *mut ffi::PyObject,
    ) -> Option<usize> {
        // SAFETY: the entries follow the index table, `1 << dk_log2_index_bytes` bytes long,
        // and the first `dk_nentries` of them are in use.
        unsafe {
            let keys = shared_keys(class)?;
            let entries = (&raw const (*keys).dk_indices)
                .cast::<u8>()
                .add(1 << (*keys).dk_log2_index_bytes)
                .cast::<UnicodeEntry>();
            (0..(*keys).dk_nentries as usize).find(|&index| (*entries.add(index)).key == name)
        }
    }
}
