//! Compiles a class's own code again, to reach its private members under their storage keys
//! (`guard::storage_key`) instead of their names, past the guards: the class's code may use
//! its private members anywhere, so it needs no check, and runs at full speed.
//!
//! Only the class's own private names (`__x`) are rewritten: for protected names (`_x`)
//! whether a use is allowed depends on the object, so those stay checked by the guard.

use std::collections::{HashMap, HashSet};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

/// The instructions that use a name of `co_names` as an attribute name.
const ATTRIBUTE_INSTRUCTIONS: [&str; 5] = [
    "LOAD_ATTR",
    "STORE_ATTR",
    "DELETE_ATTR",
    "LOAD_METHOD",
    "LOAD_SUPER_ATTR",
];

pub(super) struct Rewriter<'py> {
    /// Private name to storage key.
    keys: HashMap<String, Bound<'py, PyString>>,
    get_instructions: Bound<'py, PyAny>,
    /// Opcodes whose argument indexes `co_names`.
    name_opcodes: HashSet<i64>,
    /// Each code object compiled again, by address of the original.
    pub(super) rewritten: HashMap<usize, Bound<'py, PyAny>>,
}

impl<'py> Rewriter<'py> {
    pub(super) fn new(
        py: Python<'py>,
        keys: HashMap<String, Bound<'py, PyString>>,
    ) -> PyResult<Self> {
        let dis = py.import("dis")?;
        Ok(Self {
            keys,
            get_instructions: dis.getattr("get_instructions")?,
            name_opcodes: dis
                .getattr("hasname")?
                .extract::<Vec<i64>>()?
                .into_iter()
                .collect(),
            rewritten: HashMap::new(),
        })
    }

    /// `code` with its private attribute names replaced by their storage keys, nested code
    /// objects included; `code` itself when nothing changes.
    pub(super) fn rewrite(&mut self, code: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(done) = self.rewritten.get(&(code.as_ptr() as usize)) {
            return Ok(done.clone());
        }
        let py = code.py();
        // A name also used as a global, an import or a class-body local keeps its spelling
        // in this code object: `co_names` serves them all.
        let mut other_uses = HashSet::new();
        for instruction in self.get_instructions.call1((code,))?.try_iter()? {
            let instruction = instruction?;
            let opcode: i64 = instruction.getattr("opcode")?.extract()?;
            let opname: String = instruction.getattr("opname")?.extract()?;
            if self.name_opcodes.contains(&opcode)
                && !ATTRIBUTE_INSTRUCTIONS.contains(&opname.as_str())
                && let Ok(name) = instruction.getattr("argval")?.extract::<String>()
            {
                other_uses.insert(name);
            }
        }
        let mut changed = false;
        let mut names = Vec::new();
        for name in code.getattr("co_names")?.cast_into::<PyTuple>()?.iter() {
            let text: String = name.extract()?;
            match self.keys.get(&text) {
                Some(key) if !other_uses.contains(&text) => {
                    changed = true;
                    names.push(key.clone().into_any());
                }
                _ => names.push(name),
            }
        }
        let mut constants = Vec::new();
        for constant in code.getattr("co_consts")?.cast_into::<PyTuple>()?.iter() {
            // SAFETY: type check of a live object.
            if unsafe { ffi::PyCode_Check(constant.as_ptr()) } != 0 {
                let nested = self.rewrite(&constant)?;
                changed |= !nested.is(&constant);
                constants.push(nested);
            } else {
                constants.push(constant);
            }
        }
        let result = if changed {
            let changes = PyDict::new(py);
            changes.set_item("co_names", PyTuple::new(py, names)?)?;
            changes.set_item("co_consts", PyTuple::new(py, constants)?)?;
            code.call_method("replace", (), Some(&changes))?
        } else {
            code.clone()
        };
        self.rewritten
            .insert(code.as_ptr() as usize, result.clone());
        Ok(result)
    }
}
