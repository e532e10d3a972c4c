//! `Namespace`: the Cajita record, an immutable object whose attributes are sealed members.

use std::collections::BTreeMap;

use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use pyo3::{PyTraverseError, PyVisit};

use super::{Depth, names, seal, slots};

/// An immutable record of named members, each sealed: a host hands out two closures
/// instead of an object, and the closures' cells stay out of reach. Equality is identity.
#[pyclass(frozen, immutable_type, module = "ocapy", name = "Namespace")]
pub(crate) struct Namespace {
    members: BTreeMap<String, Py<PyAny>>,
}

impl Namespace {
    pub(super) fn new<'py>(
        py: Python<'py>,
        members: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Self> {
        let mut sealed = BTreeMap::new();
        for (name, member) in members {
            check_member_name(py, &name)?;
            let member = seal(&member, Depth::Shallow)?.unbind();
            if sealed.insert(name.clone(), member).is_some() {
                return Err(PyValueError::new_err(format!(
                    "namespace member {name:?} is given twice"
                )));
            }
        }
        Ok(Namespace { members: sealed })
    }
}

fn check_member_name(py: Python<'_>, name: &str) -> PyResult<()> {
    let is_identifier = PyString::new(py, name)
        .call_method0("isidentifier")?
        .is_truthy()?;
    let problem = if is_identifier {
        names::why_hidden(name)
    } else {
        Some("is not an identifier".to_owned())
    };
    match problem {
        Some(problem) => Err(PyValueError::new_err(format!(
            "namespace member name {name:?} {problem}: a namespace exposes public names only"
        ))),
        None => Ok(()),
    }
}

impl slots::Getattribute for Namespace {
    /// `getattr(ns, name)`: the `tp_getattro` of `Namespace` (see `slots`).
    fn getattribute<'py>(
        slf: &Bound<'py, Namespace>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let namespace = slf.get();
        let name = names::public_name(name, None)?;
        match namespace.members.get(name.to_str()?) {
            Some(member) => Ok(member.bind(slf.py()).clone()),
            None => Err(PyAttributeError::new_err(format!(
                "namespace has no member {}",
                names::repr_of(&name)
            ))),
        }
    }
}

/// Installs the attribute slot of `Namespace`; called once when the module is created.
pub(super) fn install_slots(py: Python<'_>) {
    slots::install_getattro::<Namespace>(py);
}

#[pymethods]
impl Namespace {
    fn __setattr__(&self, _name: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err("a namespace is immutable"))
    }

    fn __delattr__(&self, _name: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err("a namespace is immutable"))
    }

    fn __dir__(&self) -> Vec<&str> {
        self.members.keys().map(String::as_str).collect()
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.members.keys().map(String::as_str).collect();
        format!("namespace({})", names.join(", "))
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a namespace cannot be pickled or copied",
        ))
    }

    fn __reduce_ex__(&self, _protocol: &Bound<'_, PyAny>) -> PyResult<()> {
        self.__reduce__()
    }

    fn __copy__(&self) -> PyResult<()> {
        self.__reduce__()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> PyResult<()> {
        self.__reduce__()
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for member in self.members.values() {
            visit.call(member)?;
        }
        Ok(())
    }
}
