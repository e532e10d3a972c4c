//! Interface guards: a host says, per parameter of a grant, that it takes plugin objects.
//!
//! A grant's arguments cross the membrane as plain data, containers, the host's own objects
//! and callables; any other plugin object is refused, so that no plugin operator or hook is
//! called by host code with a host value. A host that wants richer arguments names the
//! parameters that take them with `ocapy.accepting(function, *parameters)`, as endo's
//! interface guards do: those receive plugin objects sealed for the host, as the results the
//! host asks plugin code for, and every other parameter crosses as any grant's argument.

use std::collections::BTreeSet;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use pyo3::{PyTraverseError, PyVisit};

use super::audit::HostCall;
use crate::arguments;
use crate::membrane::{self, CompartmentId, Crossing};

/// `ocapy.accepting(function, *parameters)`: `function`, to be granted, whose `parameters`
/// take plugin objects (sealed for the host: public attributes, methods whose arguments cross
/// into the plugin, operators on plain data only).
#[pyclass(frozen, module = "ocapy", name = "accepting")]
pub(crate) struct Accepting {
    function: Py<PyAny>,
    /// The parameters that take positional arguments, in order.
    positional: Vec<String>,
    /// The `*args` parameter, if any.
    extra_positional: Option<String>,
    /// The `**kwargs` parameter, if any.
    extra_keywords: Option<String>,
    accepted: BTreeSet<String>,
}

/// `inspect.Parameter`'s kinds, by value.
const POSITIONAL_ONLY: i64 = 0;
const POSITIONAL_OR_KEYWORD: i64 = 1;
const VAR_POSITIONAL: i64 = 2;
const VAR_KEYWORD: i64 = 4;

#[pymethods]
impl Accepting {
    #[new]
    #[pyo3(signature = (function, /, *parameters))]
    fn new(function: &Bound<'_, PyAny>, parameters: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let py = function.py();
        if !function.is_callable() {
            return Err(arguments::refused(
                "accepting",
                "function",
                "a callable, the grant",
                function,
            ));
        }
        let signature = py
            .import("inspect")?
            .call_method1("signature", (function,))
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "accepting(): the parameters of {} cannot be read (inspect.signature fails \
                     on it); wrap it in a Python function with named parameters",
                    function
                        .repr()
                        .map_or_else(|_| "it".to_owned(), |repr| repr.to_string())
                ))
            })?;
        let mut names = Vec::new();
        let (mut positional, mut extra_positional, mut extra_keywords) = (Vec::new(), None, None);
        for parameter in signature
            .getattr("parameters")?
            .call_method0("values")?
            .try_iter()?
        {
            let parameter = parameter?;
            let name: String = parameter.getattr("name")?.extract()?;
            let kind: i64 = parameter.getattr("kind")?.extract()?;
            match kind {
                POSITIONAL_ONLY | POSITIONAL_OR_KEYWORD => positional.push(name.clone()),
                VAR_POSITIONAL => extra_positional = Some(name.clone()),
                VAR_KEYWORD => extra_keywords = Some(name.clone()),
                _ => {}
            }
            names.push(name);
        }
        if parameters.is_empty() {
            return Err(PyValueError::new_err(
                "accepting() names no parameter: grant the function itself, whose arguments \
                 cross the membrane as plain data",
            ));
        }
        let mut accepted = BTreeSet::new();
        for parameter in parameters {
            let Ok(name) = parameter.cast::<PyString>() else {
                return Err(arguments::refused(
                    "accepting",
                    "parameters",
                    "parameter names (str)",
                    &parameter,
                ));
            };
            let name = name.to_str()?;
            if !names.iter().any(|known| known == name) {
                return Err(PyValueError::new_err(format!(
                    "accepting(): {} has no parameter '{name}'; its parameters are {}",
                    function.repr()?,
                    quoted(&names)
                )));
            }
            accepted.insert(name.to_owned());
        }
        Ok(Accepting {
            function: function.clone().unbind(),
            positional,
            extra_positional,
            extra_keywords,
            accepted,
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.function)
    }

    /// Host code calls the function itself.
    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.function.bind(py).call(args, kwargs)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ocapy.accepting({}, {})",
            self.function.bind(py).repr()?,
            quoted(&self.accepted)
        ))
    }
}

/// Parameter names as Python writes strings: `'entries', 'label'`.
fn quoted<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|name| format!("'{name}'")).collect();
    quoted.join(", ")
}

impl Accepting {
    fn crossing(&self, parameter: Option<&str>) -> Crossing {
        match parameter {
            Some(name) if self.accepted.contains(name) => Crossing::Result,
            _ => Crossing::Argument,
        }
    }

    /// How the positional argument at `index` crosses.
    fn positional_crossing(&self, index: usize) -> Crossing {
        let parameter = self
            .positional
            .get(index)
            .or(self.extra_positional.as_ref());
        self.crossing(parameter.map(String::as_str))
    }

    /// How the keyword argument `name` crosses.
    fn keyword_crossing(&self, name: &str) -> Crossing {
        if self.positional.iter().any(|known| known == name) || self.accepted.contains(name) {
            return self.crossing(Some(name));
        }
        self.crossing(self.extra_keywords.as_deref())
    }
}

/// A granted [`Accepting`] as the code of one compartment holds it: called like the function
/// it guards, with the host's authority, its arguments crossing as the guard says, its result
/// and exceptions as any grant's.
#[pyclass(frozen, module = "ocapy", name = "guarded_grant")]
pub(crate) struct GuardedGrant {
    accepting: Py<Accepting>,
    compartment: CompartmentId,
}

/// `value`, an [`Accepting`], as the code of `compartment` holds it; None for anything else.
pub(crate) fn guarded<'py>(
    value: &Bound<'py, PyAny>,
    compartment: CompartmentId,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Ok(accepting) = value.cast_exact::<Accepting>() else {
        return Ok(None);
    };
    let grant = GuardedGrant {
        accepting: accepting.clone().unbind(),
        compartment,
    };
    Ok(Some(Bound::new(value.py(), grant)?.into_any()))
}

#[pymethods]
impl GuardedGrant {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.accepting)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _host_call = HostCall::enter();
        let accepting = self.accepting.get();
        let compartment = self.compartment;
        let positional: Vec<Bound<'py, PyAny>> = args
            .iter()
            .enumerate()
            .map(|(index, arg)| {
                membrane::into_host(&arg, accepting.positional_crossing(index), compartment)
            })
            .collect::<PyResult<_>>()?;
        let keywords = match kwargs {
            Some(kwargs) => {
                let crossed = PyDict::new(py);
                for (name, value) in kwargs {
                    let name = membrane::into_host(&name, Crossing::Argument, compartment)?;
                    let crossing = accepting.keyword_crossing(&name.extract::<String>()?);
                    crossed.set_item(&name, membrane::into_host(&value, crossing, compartment)?)?;
                }
                Some(crossed)
            }
            None => None,
        };
        let result = accepting
            .function
            .bind(py)
            .call(PyTuple::new(py, positional)?, keywords.as_ref())
            .map_err(|err| membrane::error_into_plugin(py, err, compartment))?;
        membrane::into_plugin(&result, compartment)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let function = self.accepting.get().function.bind(py);
        let name = function
            .getattr("__qualname__")
            .map_or_else(|_| "grant".to_owned(), |name| name.to_string());
        Ok(format!("<guarded grant {name}>"))
    }
}
