//! The code of a class: the code objects of the functions its body defined, and every code
//! object nested in those (nested functions, lambdas, comprehensions, generator bodies,
//! classes defined inside methods).

use std::collections::{BTreeSet, HashSet};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use super::names::is_private;

/// How deep a chain of wrappers (`staticmethod(property(...))`, `__wrapped__`) is followed.
const MAX_WRAPPING: usize = 8;

/// The callables a class-dict value carries its code in.
struct Wrappers<'py> {
    static_or_class_method: [Bound<'py, PyAny>; 2],
    property: Bound<'py, PyAny>,
    /// `functools.cached_property` and `functools.partialmethod` keep theirs in `.func`.
    with_func: [Bound<'py, PyAny>; 2],
}

impl<'py> Wrappers<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let builtins = py.import("builtins")?;
        let functools = py.import("functools")?;
        Ok(Self {
            static_or_class_method: [
                builtins.getattr("staticmethod")?,
                builtins.getattr("classmethod")?,
            ],
            property: builtins.getattr("property")?,
            with_func: [
                functools.getattr("cached_property")?,
                functools.getattr("partialmethod")?,
            ],
        })
    }

    /// The plain functions `value` holds, in the order found: through the wrappers above,
    /// `__wrapped__`, and the closure of a decorator that kept no `__wrapped__` (without
    /// `functools.wraps`), where only the functions the class body defined (their
    /// qualified name starts with `body_prefix`) are the class's: the closure's other
    /// values are the decorator's.
    fn functions_of(
        &self,
        value: &Bound<'py, PyAny>,
        body_prefix: &str,
        depth: usize,
        out: &mut Vec<Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        if depth > MAX_WRAPPING {
            return Ok(());
        }
        let mut inner = Vec::new();
        if is_function(value) {
            out.push(value.clone());
            inner.extend(value.getattr_opt("__wrapped__")?);
            let closure = value.getattr("__closure__")?;
            let cells = closure.cast::<PyTuple>().map(|cells| cells.iter());
            for cell in cells.into_iter().flatten() {
                // An empty cell has no contents (`ValueError`): nothing to follow.
                let Ok(content) = cell.getattr("cell_contents") else {
                    continue;
                };
                if is_function(&content)
                    && content
                        .getattr("__qualname__")?
                        .extract::<String>()?
                        .starts_with(body_prefix)
                {
                    inner.push(content);
                }
            }
        } else if self.is_any(value, &self.static_or_class_method)? {
            inner.push(value.getattr("__func__")?);
        } else if value.is_instance(&self.property)? {
            for accessor in ["fget", "fset", "fdel"] {
                inner.push(value.getattr(accessor)?);
            }
        } else if self.is_any(value, &self.with_func)? {
            inner.push(value.getattr("func")?);
        }
        for wrapped in inner.iter().filter(|w| !w.is_none()) {
            self.functions_of(wrapped, body_prefix, depth + 1, out)?;
        }
        Ok(())
    }

    fn is_any(&self, value: &Bound<'py, PyAny>, types: &[Bound<'py, PyAny>]) -> PyResult<bool> {
        for tp in types {
            if value.is_instance(tp)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn is_function(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: type check of a live object.
    unsafe { ffi::PyFunction_Check(value.as_ptr()) != 0 }
}

/// What protecting a class needs to know about its body.
#[derive(Default)]
pub(super) struct ClassCode {
    /// Every code object of the class, each once.
    pub(super) code_objects: Vec<Py<PyAny>>,
    seen: HashSet<usize>,
    /// Private names the class's code uses (attribute names, names in `getattr` strings)
    /// or defines (methods, properties): the members to guard.
    pub(super) private_names: BTreeSet<String>,
    /// The functions the class body defined (by qualified name), whose code `rewrite` may
    /// compile again; others found in the class dict count as its code but stay as they are.
    pub(super) own_functions: Vec<Py<PyAny>>,
}

/// A class's own attribute-protocol methods, by name.
pub(super) type ProtocolMethods = Vec<(Py<PyString>, Py<PyAny>)>;

/// Methods that receive an attribute name and make the lookup themselves.
const PROTOCOL_METHODS: [&str; 4] = [
    "__getattribute__",
    "__getattr__",
    "__setattr__",
    "__delattr__",
];

impl ClassCode {
    /// Reads the class dict `namespace` (a snapshot of it); also returns the class's own
    /// attribute-protocol methods, by name, for wrapping.
    pub(super) fn of(
        py: Python<'_>,
        class_qualname: &str,
        namespace: &Bound<'_, PyDict>,
    ) -> PyResult<(Self, ProtocolMethods)> {
        let wrappers = Wrappers::new(py)?;
        let mut code = Self::default();
        let mut protocol = Vec::new();
        let body_prefix = format!("{class_qualname}.");
        for (key, value) in namespace.iter() {
            let mut functions = Vec::new();
            wrappers.functions_of(&value, &body_prefix, 0, &mut functions)?;
            for function in &functions {
                code.add(&function.getattr("__code__")?)?;
                let qualname: String = function.getattr("__qualname__")?.extract()?;
                if qualname.starts_with(&body_prefix) {
                    code.own_functions.push(function.clone().unbind());
                }
            }
            let Ok(key) = key.cast_into::<PyString>() else {
                continue;
            };
            if functions.is_empty() {
                continue;
            }
            let key_text = key.to_cow()?;
            if PROTOCOL_METHODS.contains(&key_text.as_ref()) {
                protocol.push((key.clone().unbind(), value.clone().unbind()));
            } else if is_private(&key_text) {
                code.private_names.insert(key_text.into_owned());
            }
        }
        Ok((code, protocol))
    }

    /// Adds a code object and everything nested in it.
    fn add(&mut self, code: &Bound<'_, PyAny>) -> PyResult<()> {
        if !self.seen.insert(code.as_ptr() as usize) {
            return Ok(());
        }
        self.code_objects.push(code.clone().unbind());
        for name in code.getattr("co_names")?.cast_into::<PyTuple>()?.iter() {
            self.note_name(&name)?;
        }
        for constant in code.getattr("co_consts")?.cast_into::<PyTuple>()?.iter() {
            // SAFETY: type check of a live object.
            if unsafe { ffi::PyCode_Check(constant.as_ptr()) } != 0 {
                self.add(&constant)?;
            } else {
                self.note_name(&constant)?;
            }
        }
        Ok(())
    }

    /// Keeps `value` if it is a private name (a string constant such as `getattr(self, "_x")`
    /// names a member as surely as `self._x` does).
    fn note_name(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(text) = value.cast::<PyString>() {
            let text = text.to_cow()?;
            if is_private(&text) && text.chars().all(|c| c == '_' || c.is_alphanumeric()) {
                self.private_names.insert(text.into_owned());
            }
        }
        Ok(())
    }
}
