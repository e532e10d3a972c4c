//! The import gate: a compartment imports only from its module map, built when the
//! compartment is made, and from its package root. The import machinery never runs at plugin
//! time.

use std::collections::BTreeMap;
use std::sync::Arc;

use ocapy_verifier::tables::modules::facade;
use pyo3::Borrowed;
use pyo3::exceptions::{
    PyAttributeError, PyBaseException, PyImportError, PyModuleNotFoundError, PyValueError,
};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use super::classes::needs_view;
use super::type_forms;
use super::{Access, Shared, host, refused_name_on, refused_write};
use crate::membrane::{self, CompartmentId};
use crate::seal::is_primitive;

/// The object the code of `compartment` sees as `module`, from the facade table: the names
/// it exports that the running interpreter has, classes with public Python methods as
/// [`ClassView`]s, exception classes as they are (for `except`), Python functions sealed,
/// typing's aliases and special forms as type forms.
pub(crate) fn table_facade<'py>(
    key: &str,
    module: &Bound<'py, PyModule>,
    compartment: CompartmentId,
) -> PyResult<Bound<'py, PyAny>> {
    let py = module.py();
    let module_name = module.name()?;
    let module_name = module_name.to_str()?;
    if module_name != key {
        return Err(PyValueError::new_err(format!(
            "modules[{key:?}] is the module {module_name:?}: a module is granted under its own \
             name, seen through the facade of that name"
        )));
    }
    let Some(facade) = facade(key) else {
        return Err(PyValueError::new_err(format!(
            "modules[{key:?}]: ocapy has no facade for the module {key:?}; grant it as an \
             explicit facade instead (ocapy.namespace(...) or an object exposing just what the \
             plugin needs)"
        )));
    };
    let mut members = Vec::with_capacity(facade.exports.len());
    for export in facade.exports {
        let Some(value) = module.getattr_opt(export.name)? else {
            // Newer than the running interpreter: the table says from which version.
            continue;
        };
        if let Ok(class) = value.cast::<PyType>() {
            membrane::export_class(class);
        }
        let value = match value.cast::<PyType>() {
            Ok(class) if needs_view(class)? => super::class_view(class)?,
            Ok(class) => {
                if class.is_subclass_of::<PyBaseException>()? {
                    freeze(class);
                    membrane::hand_over_exception_class(compartment, class);
                }
                value
            }
            Err(_) => facade_member(&value)?,
        };
        members.push((export.name.to_owned(), value));
    }
    Facade::create(py, key, members)
}

/// Makes `class`, an exception class a facade hands compartment code as the class itself (an
/// `except` clause needs the class), immutable for the whole process, as `ValueError` is: a
/// property planted on `JSONDecodeError.doc` would be handed the host's documents, and on
/// `InvalidOperation.args` the host's exceptions, raw. The host cannot write it either.
fn freeze(class: &Bound<'_, PyType>) {
    // SAFETY: a live type object; setting the flag is what `PyType_FromSpec` does for an
    // immutable type, and `PyType_Modified` drops what caches knew of the type.
    unsafe {
        (*class.as_type_ptr()).tp_flags |= ffi::Py_TPFLAGS_IMMUTABLETYPE;
        ffi::PyType_Modified(class.as_type_ptr());
    }
}

/// A facade's export that is not a class, as compartment code holds it: what the host and
/// every compartment share must not take writes, nor hand out what it is bound to. A Python
/// function (`json.dumps`), whose `__dict__` is writable, and a built-in one (`math.sqrt`,
/// `random.random`, whose `__self__` is the generator the process shares), in a
/// [`FacadeFunction`]; an instance of a subclass of a plain type
/// (`re.IGNORECASE`, a flag with a writable `__dict__`) as an exact copy of its value; a type
/// form or a type variable (`typing.AnyStr`) in a type form view; anything else as it is.
fn facade_member<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: type checks on a live object.
    if unsafe {
        ffi::PyFunction_Check(value.as_ptr()) != 0 || ffi::PyCFunction_Check(value.as_ptr()) != 0
    } {
        return facade_function(value);
    }
    if let Some(copy) = membrane::exact_copy(value)? {
        return Ok(copy);
    }
    type_forms::seen_exported(value)
}

/// `function`, a module facade's function or a callable facade code made, as compartment
/// code holds it (see [`FacadeFunction`]).
pub(crate) fn facade_function<'py>(function: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let wrapper = FacadeFunction::new(function.clone().unbind());
    Ok(Bound::new(function.py(), wrapper)?.into_any())
}

/// A module facade's function, or a callable or descriptor facade code made (the decorator
/// `functools.lru_cache(...)` returns), as compartment code holds it: called as itself, bound
/// as a method as itself, and standing for a base as itself (`class Movie(typing.TypedDict)`),
/// but read-only, with only its public attributes to read; its arguments cross
/// [`membrane::facade_arguments`], its results and attributes [`membrane::from_facade`].
/// Unlike a seal it lends no authority: what it runs is run on the compartment's behalf.
#[pyclass(frozen, module = "ocapy", name = "facade_function")]
pub(crate) struct FacadeFunction {
    /// Read at the type's `tp_vectorcall_offset` (see [`install_vectorcall`]).
    vectorcall: ffi::vectorcallfunc,
    function: Py<PyAny>,
}

impl FacadeFunction {
    fn new(function: Py<PyAny>) -> Self {
        FacadeFunction {
            vectorcall: call_facade_function,
            function,
        }
    }
}

/// Makes facade functions callable without an argument tuple; called once when the module
/// is created.
pub(super) fn install_vectorcall(py: Python<'_>) -> PyResult<()> {
    let sample = Bound::new(py, FacadeFunction::new(py.None()))?;
    crate::capi::install_vectorcall(&sample, &raw const sample.get().vectorcall);
    Ok(())
}

/// A call of a facade function: positional plain data in and out stays in C (`sqrt(2.0)`),
/// anything else goes through `__call__`, which judges each argument and the result.
unsafe extern "C" fn call_facade_function(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the interpreter calls a vectorcall function with the GIL held, the callable
    // (a `FacadeFunction`, whose type this function is installed on), `nargs` positional
    // arguments followed by one value per name in `kwnames` (a tuple, or NULL), all borrowed.
    unsafe {
        let py = Python::assume_attached();
        let wrapper = Borrowed::from_ptr(py, callable).cast_unchecked::<FacadeFunction>();
        let function = wrapper.get().function.bind(py);
        let nargs = ffi::PyVectorcall_NARGS(nargsf) as usize;
        let keywords =
            Borrowed::from_ptr_or_opt(py, kwnames).map(|names| names.cast_unchecked::<PyTuple>());
        let count = nargs + keywords.as_ref().map_or(0, |names| names.len());
        let args = if count == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(args, count)
        };
        if keywords.is_none() && args.iter().all(|arg| is_primitive(*arg)) {
            let result =
                ffi::PyObject_Vectorcall(function.as_ptr(), args.as_ptr(), nargsf, kwnames);
            if result.is_null() || is_primitive(result) {
                return result;
            }
            return crate::capi::slot_call(std::ptr::null_mut(), |py| {
                let result = Bound::from_owned_ptr(py, result);
                membrane::from_facade(&result).map(Bound::into_ptr)
            });
        }
        crate::capi::slot_call(std::ptr::null_mut(), |py| {
            let borrow = |arg: &*mut ffi::PyObject| Borrowed::from_ptr(py, *arg).to_owned();
            let positional = PyTuple::new(py, args[..nargs].iter().map(borrow))?;
            let kwargs = match &keywords {
                Some(names) => {
                    let kwargs = PyDict::new(py);
                    for (name, value) in names.iter().zip(&args[nargs..]) {
                        kwargs.set_item(name, borrow(value))?;
                    }
                    Some(kwargs)
                }
                None => None,
            };
            wrapper
                .get()
                .__call__(py, &positional, kwargs.as_ref())
                .map(Bound::into_ptr)
        })
    }
}

#[pymethods]
impl FacadeFunction {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.function)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let function = self.function.bind(py);
        let (args, kwargs) = membrane::facade_arguments(args, kwargs, function)?;
        membrane::from_facade(&function.call(args, kwargs.as_ref())?)
    }

    /// Binds as the function does: a Python function read from an instance of a class
    /// holding it is a method of the instance.
    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        instance: &Bound<'py, PyAny>,
        owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let function = slf.get().function.bind(py);
        // SAFETY: reads a slot of the function's live type.
        let bind = unsafe { (*ffi::Py_TYPE(function.as_ptr())).tp_descr_get };
        let Some(bind) = bind.filter(|_| !instance.is_none()) else {
            return Ok(slf.clone().into_any());
        };
        // The instance becomes the function's first argument: it crosses as any argument.
        let instance = membrane::into_facade(instance, function)?;
        let owner = owner.map_or_else(|| instance.get_type().into_any(), Bound::clone);
        // SAFETY: the function's own `tp_descr_get`, called with it, the instance and the
        // owner, all live; it returns a new reference or NULL with an exception set.
        let bound = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                bind(function.as_ptr(), instance.as_ptr(), owner.as_ptr()),
            )
        }?;
        membrane::from_facade(&bound)
    }

    fn __getattr__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let function = self.function.bind(py);
        if let Some(why) = refused_name_on(name.to_str()?, Access::Read, function) {
            return Err(PyAttributeError::new_err(format!(
                "{}.{name} is refused in a compartment: {why}",
                function.repr()?
            )));
        }
        membrane::from_facade(&function.getattr(name)?)
    }

    fn __mro_entries__<'py>(
        &self,
        py: Python<'py>,
        bases: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.function
            .bind(py)
            .getattr(intern!(py, "__mro_entries__"))?
            .call1((bases,))
    }

    fn __setattr__(&self, py: Python<'_>, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(refused_write(self.function.bind(py), name, SHARED_FUNCTION))
    }

    fn __delattr__(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        Err(refused_write(self.function.bind(py), name, SHARED_FUNCTION))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.function.bind(py).repr()?.to_string())
    }
}

const SHARED_FUNCTION: &str =
    "the function is the module's own, which the host and every compartment share";

/// A compartment's `__import__`.
#[pyclass(frozen, module = "ocapy", name = "import_gate")]
pub(crate) struct ImportGate {
    shared: Arc<Shared>,
}

impl ImportGate {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        ImportGate { shared }
    }
}

#[pymethods]
impl ImportGate {
    #[pyo3(signature = (name, globals = None, _locals = None, fromlist = None, level = 0))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        globals: Option<&Bound<'py, PyAny>>,
        _locals: Option<&Bound<'py, PyAny>>,
        fromlist: Option<&Bound<'py, PyAny>>,
        level: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let requested: Vec<String> = match fromlist {
            Some(names) if !names.is_none() => names.extract()?,
            _ => Vec::new(),
        };
        if level == 0 && name == "__future__" {
            return future_features(py, &requested);
        }
        let absolute = self.absolute_name(name, globals, level)?;
        if requested.is_empty() && absolute.contains('.') {
            return Err(PyImportError::new_err(format!(
                "compartment {:?}: `import {absolute}` binds the top-level module, which a \
                 compartment does not hand out; write `from {} import {}`",
                self.shared.name,
                absolute.rsplit_once('.').map_or("", |(parent, _)| parent),
                absolute.rsplit_once('.').map_or("", |(_, last)| last),
            )));
        }
        let module = self.module(py, &absolute, level)?;
        if requested.is_empty() {
            return Ok(module);
        }
        // `from package import submodule`: a name the package lacks may be a module of it.
        let mut members = Vec::with_capacity(requested.len());
        let mut all_present = true;
        for wanted in &requested {
            match module.getattr_opt(wanted.as_str())? {
                Some(value) => members.push((wanted.clone(), value)),
                None if self.shared.root_contains(&format!("{absolute}.{wanted}")) => {
                    all_present = false;
                    let submodule = format!("{absolute}.{wanted}");
                    let globals = self.shared.import_from_root(py, &submodule)?;
                    members.push((wanted.clone(), self.shared.facade_of(&submodule, &globals)?));
                }
                None => {
                    return Err(PyImportError::new_err(format!(
                        "compartment {:?}: cannot import {wanted:?} from {absolute:?}: its facade \
                         does not export it",
                        self.shared.name
                    )));
                }
            }
        }
        if all_present {
            Ok(module)
        } else {
            Facade::create(py, &absolute, members)
        }
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.shared.traverse(&visit)
    }
}

impl ImportGate {
    /// `name` made absolute, for a relative import from the package of `globals`.
    fn absolute_name(
        &self,
        name: &str,
        globals: Option<&Bound<'_, PyAny>>,
        level: usize,
    ) -> PyResult<String> {
        if level == 0 {
            return Ok(name.to_owned());
        }
        let package: Option<String> = match globals {
            Some(globals) => globals
                .get_item("__package__")
                .ok()
                .and_then(|package| package.extract().ok()),
            None => None,
        };
        let package = package
            .filter(|package| !package.is_empty())
            .ok_or_else(|| {
                PyImportError::new_err(format!(
                    "compartment {:?}: a relative import outside a package of the compartment's \
                 root",
                    self.shared.name
                ))
            })?;
        let parts: Vec<&str> = package.split('.').collect();
        if level > parts.len() {
            return Err(PyImportError::new_err(format!(
                "compartment {:?}: a relative import climbs above the top-level package {:?}",
                self.shared.name, parts[0]
            )));
        }
        let base = parts[..parts.len() + 1 - level].join(".");
        Ok(if name.is_empty() {
            base
        } else {
            format!("{base}.{name}")
        })
    }

    fn module<'py>(
        &self,
        py: Python<'py>,
        absolute: &str,
        level: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        if level == 0
            && let Some(facade) = self.shared.modules.bind(py).get_item(absolute)?
        {
            return Ok(facade);
        }
        if level > 0 || self.shared.root_contains(absolute) {
            let globals = self.shared.import_from_root(py, absolute)?;
            return self.shared.facade_of(absolute, &globals);
        }
        // C code importing while a plugin runs (`datetime.strptime` imports `_strptime`)
        // calls the `__import__` of the innermost frame's builtins, ignores what it returns
        // and takes the module from `sys.modules`. So a module the host has imported already
        // is served as an empty facade: the C code works, and Python code gets no name of it.
        // Running an import at plugin time would run module code with the host's authority.
        if level == 0 && host(py)?.sys_modules.bind(py).contains(absolute)? {
            return Facade::create(py, absolute, Vec::new());
        }
        Err(PyModuleNotFoundError::new_err(format!(
            "compartment {:?} cannot import {absolute:?}: it is not in the compartment's module \
             map",
            self.shared.name
        )))
    }
}

/// `from __future__ import annotations`: compiler directives, which still run an import.
fn future_features<'py>(py: Python<'py>, requested: &[String]) -> PyResult<Bound<'py, PyAny>> {
    let future = host(py)?.future.bind(py);
    let known: Vec<String> = future.getattr("all_feature_names")?.extract()?;
    let mut members = Vec::with_capacity(requested.len());
    for feature in requested {
        if !known.contains(feature) {
            return Err(PyImportError::new_err(format!(
                "{feature:?} is not a __future__ feature"
            )));
        }
        members.push((feature.clone(), future.getattr(feature.as_str())?));
    }
    Facade::create(py, "__future__", members)
}

/// What a compartment imports: a module facade's exports, the names a `from` import asked
/// of a root package, or `__future__` features. Immutable, with no attribute but its
/// members: no `__name__`, so `from facade import missing` cannot fall back to
/// `sys.modules`. Unlike a `Namespace` it does not seal its members: the facade table vets
/// each export, and an exception class to catch or a class to subclass must stay a class.
#[pyclass(frozen, immutable_type, module = "ocapy", name = "module_facade")]
pub(crate) struct Facade {
    module: String,
    members: BTreeMap<String, Py<PyAny>>,
}

impl Facade {
    pub(crate) fn create<'py>(
        py: Python<'py>,
        module: &str,
        members: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let facade = Facade {
            module: module.to_owned(),
            members: members
                .into_iter()
                .map(|(name, value)| (name, value.unbind()))
                .collect(),
        };
        Ok(Bound::new(py, facade)?.into_any())
    }
}

#[pymethods]
impl Facade {
    fn __getattribute__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name = name.to_str()?;
        match self.members.get(name) {
            Some(member) => Ok(member.bind(py).clone()),
            None => Err(PyAttributeError::new_err(format!(
                "the facade of module {:?} has no attribute {name:?}",
                self.module
            ))),
        }
    }

    fn __setattr__(&self, _name: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err("a module facade is immutable"))
    }

    fn __delattr__(&self, _name: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err("a module facade is immutable"))
    }

    fn __dir__(&self) -> Vec<&str> {
        self.members.keys().map(String::as_str).collect()
    }

    fn __repr__(&self) -> String {
        format!("<module facade {:?}>", self.module)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        for member in self.members.values() {
            visit.call(member)?;
        }
        Ok(())
    }
}

impl Shared {
    /// A module of the root as its siblings import it: its public globals, unsealed (the
    /// modules of one compartment share its authority).
    fn facade_of<'py>(
        &self,
        module: &str,
        globals: &Bound<'py, pyo3::types::PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Facade::create(
            globals.py(),
            module,
            super::loader::public_members(self, globals)?,
        )
    }
}
