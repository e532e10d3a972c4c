//! Which attribute names a sealed object lets through: exact `str`, not private, not a hidden
//! edge of the verifier's table (the one source of truth, shared with `ocapy check`).

use std::sync::atomic::{AtomicPtr, Ordering};

use ocapy_verifier::tables::attributes::{Access, read_refusal, refusal, refusal_on};
use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `name` as an exact `str` the holder may read on `subject` (any object, if `None`), or the
/// `AttributeError` that refuses it.
///
/// A `str` subclass is copied to a plain `str` first: its own `__eq__`, `__hash__` or
/// `startswith` would otherwise decide the check, and the inner object's lookup would then
/// see a different name than the one checked.
#[inline]
pub(super) fn public_name<'py>(
    name: &Bound<'py, PyAny>,
    subject: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyString>> {
    let name = exact_str(name)?;
    if ALLOWED.contains(&name) {
        return Ok(name);
    }
    check(&name, subject)?;
    // Only a name public on every object is remembered: the cache knows no types.
    if name.to_str().is_ok_and(|text| refusal(text).is_none()) {
        ALLOWED.remember(&name);
    }
    Ok(name)
}

/// Whether `name` is a public attribute name of `subject` (of any object, if `None`): what
/// `dir()` of a sealed object lists.
pub(super) fn is_public(name: &Bound<'_, PyAny>, subject: Option<&Bound<'_, PyAny>>) -> bool {
    name.cast::<PyString>()
        .is_ok_and(|name| name.is_exact_instance_of::<PyString>() && check(name, subject).is_ok())
}

/// `name` as an exact `str`: itself, or a copy of a `str` subclass (no method of the subclass
/// runs); a `TypeError` for anything else.
#[inline]
pub(crate) fn exact_str<'py>(name: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    if name.is_exact_instance_of::<PyString>() {
        // SAFETY: just checked to be exactly `str`.
        return Ok(unsafe { name.clone().cast_into_unchecked() });
    }
    if name.is_instance_of::<PyString>() {
        // SAFETY: `PyUnicode_FromObject` copies a `str` subclass into a new exact `str`
        // without calling any of the subclass's methods; it returns a new reference or NULL
        // with an exception set, which `from_owned_ptr_or_err` turns into the `PyErr`.
        let copy = unsafe {
            Bound::from_owned_ptr_or_err(name.py(), ffi::PyUnicode_FromObject(name.as_ptr()))?
        };
        // SAFETY: `PyUnicode_FromObject` returns an exact `str`.
        return Ok(unsafe { copy.cast_into_unchecked() });
    }
    Err(PyTypeError::new_err(format!(
        "attribute name must be a string, not '{}'",
        name.get_type().name()?
    )))
}

/// Whether the holder may read `name` (a sealed object is read-only).
fn check(name: &Bound<'_, PyString>, subject: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let why = match (name.to_str(), subject) {
        (Ok(text), Some(subject)) => why_hidden_on(text, Access::Read, subject),
        (Ok(text), None) => read_refusal(text).map(|refusal| refusal.to_string()),
        (Err(_), _) => Some("is not valid text".to_owned()),
    };
    match why {
        Some(why) => Err(PyAttributeError::new_err(format!(
            "attribute {} {why}: a sealed object exposes public attributes only",
            repr_of(name)
        ))),
        None => Ok(()),
    }
}

/// Why the attribute `name` is never exposed (private, or a hidden edge), or None.
pub(crate) fn why_hidden(name: &str) -> Option<String> {
    refusal(name).map(|refusal| refusal.to_string())
}

/// Why untrusted code may not `access` the attribute `name` of `subject`, or None: a name
/// that is a hidden edge only on some classes is refused on their instances (by the real
/// type) alone.
pub(crate) fn why_hidden_on(
    name: &str,
    access: Access,
    subject: &Bound<'_, PyAny>,
) -> Option<String> {
    refusal_on(name, access, |classes| is_instance_of_any(subject, classes))
        .map(|refusal| refusal.to_string())
}

/// Whether a class in the MRO of the real type of `subject` is named as one of `classes`
/// (`(module, qualified name)`). By name, not by identity: no module is looked up or
/// imported, and an instance of a class a reloaded module replaced still matches; a class
/// that only claims such a name is refused too. A name that cannot be read counts as a match.
fn is_instance_of_any(subject: &Bound<'_, PyAny>, classes: &[(&str, &str)]) -> bool {
    let py = subject.py();
    let named = |class: &Bound<'_, PyAny>, attribute: &Bound<'_, PyString>| {
        class
            .getattr(attribute)
            .ok()
            .and_then(|name| name.extract::<String>().ok())
    };
    let module_attribute = intern!(py, "__module__");
    let qualname_attribute = intern!(py, "__qualname__");
    subject.get_type().mro().iter().any(|class| {
        match (
            named(&class, module_attribute),
            named(&class, qualname_attribute),
        ) {
            (Some(module), Some(qualified)) => classes
                .iter()
                .any(|&(known_module, known)| known_module == module && known == qualified),
            _ => true,
        }
    })
}

/// `repr` of a name for messages, without failing on odd text.
pub(super) fn repr_of(name: &Bound<'_, PyString>) -> String {
    name.repr().map_or_else(
        |_| "<name>".to_owned(),
        |repr| repr.to_string_lossy().into_owned(),
    )
}

/// Names recently found public, by identity: attribute names in code are interned, so the
/// same `str` object comes back on every `s.x` and one pointer comparison replaces the
/// table lookup. Each slot owns a strong reference to its name, so a slot's address is
/// always that live string and never a reused one.
struct AllowedNames {
    slots: [AtomicPtr<ffi::PyObject>; 256],
}

static ALLOWED: AllowedNames = AllowedNames {
    slots: [const { AtomicPtr::new(std::ptr::null_mut()) }; 256],
};

impl AllowedNames {
    #[inline]
    fn slot(&self, name: &Bound<'_, PyString>) -> &AtomicPtr<ffi::PyObject> {
        // Objects are at least 16-byte aligned: the low bits carry no information.
        &self.slots[(name.as_ptr() as usize >> 4) % self.slots.len()]
    }

    #[inline]
    fn contains(&self, name: &Bound<'_, PyString>) -> bool {
        self.slot(name).load(Ordering::Acquire) == name.as_ptr()
    }

    fn remember(&self, name: &Bound<'_, PyString>) {
        let new = name.clone().into_ptr();
        let old = self.slot(name).swap(new, Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: `old` was stored by `remember` with a strong reference this slot owned;
            // the GIL is held (this runs inside a Python call), and the module declares that
            // it needs the GIL, so no other thread compares against the slot meanwhile.
            unsafe { ffi::Py_DECREF(old) };
        }
    }
}
