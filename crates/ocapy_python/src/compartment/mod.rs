//! `ocapy.Compartment`: runs verified modules with only what the host grants.
//!
//! Layer 2 of the design. A compartment has its own builtins dict (the verifier's builtins
//! table, tamed), imports only from a module map of facades built when it is made (and from
//! its package root), builds classes whose methods read from the class are checked unbound
//! methods, and is watched by a process-wide audit hook that refuses audited operations whose
//! innermost Python frame is compartment code.

pub(crate) mod audit;
mod builtins;
pub(crate) mod classes;
pub(crate) mod guards;
mod imports;
mod loader;
mod session;
pub(crate) mod type_forms;

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use ocapy_verifier::tables::attributes::refusal;
use pyo3::exceptions::{
    PyBaseException, PyException, PyModuleNotFoundError, PyOSError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyMapping, PyModule, PyString, PyType};
use pyo3::{PyTraverseError, PyVisit};

use loader::ModuleSource;

use crate::arguments;
use crate::membrane::{self, CompartmentId, Crossing, into_host};
use crate::seal::Depth;

pyo3::create_exception!(
    ocapy,
    CapabilityError,
    PyException,
    "Raised when compartment code attempts something its compartment holds no capability for."
);

/// Hashes object addresses, which are unique while the map keeps the objects alive.
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(GOLDEN);
        }
    }

    fn write_usize(&mut self, address: usize) {
        // Objects are 16-byte aligned: the low bits carry nothing.
        self.0 = (self.0.rotate_left(29) ^ (address as u64 >> 4)).wrapping_mul(GOLDEN);
    }
}

/// A hash map keyed by object addresses.
pub(crate) type AddressMap<K, V> = HashMap<K, V, BuildHasherDefault<AddressHasher>>;

/// A process-wide cache of objects by an address key. The lock is held only around map
/// operations, never while Python code may run (a finalizer could come back to the cache):
/// evicted objects are dropped after it is released.
pub(crate) struct ObjectCache<K, T> {
    map: Mutex<Option<AddressMap<K, Py<T>>>>,
    limit: usize,
}

impl<K: Eq + Hash, T> ObjectCache<K, T> {
    pub(crate) const fn new(limit: usize) -> Self {
        ObjectCache {
            map: Mutex::new(None),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<AddressMap<K, Py<T>>>> {
        self.map.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    pub(crate) fn get<'py>(&self, py: Python<'py>, key: &K) -> Option<Bound<'py, T>> {
        let map = self.lock();
        map.as_ref()?.get(key).map(|found| found.bind(py).clone())
    }

    pub(crate) fn insert(&self, key: K, value: Py<T>) {
        let (evicted, replaced) = {
            let mut map = self.lock();
            let map = map.get_or_insert_with(AddressMap::default);
            let evicted = if map.len() >= self.limit {
                std::mem::take(map)
            } else {
                AddressMap::default()
            };
            (evicted, map.insert(key, value))
        };
        drop((evicted, replaced));
    }
}

pub(crate) use ocapy_verifier::tables::attributes::{Access, is_public as is_public_name};

/// Why untrusted code may not use attribute `name` by string, if it may not.
pub(crate) fn refused_name(name: &str) -> Option<String> {
    refusal(name).map(|refusal| format!("{name:?} {refusal}"))
}

/// Why compartment code may not `access` attribute `name` of `subject`, or `None`: as
/// [`refused_name`], but a name that is a hidden edge of some classes only is refused on
/// their instances alone, and metadata (`__name__`, `__doc__`) may be read.
pub(crate) fn refused_name_on(
    name: &str,
    access: Access,
    subject: &Bound<'_, PyAny>,
) -> Option<String> {
    crate::seal::why_hidden_on(name, access, subject).map(|why| format!("{name:?} {why}"))
}

/// The `AttributeError` for writing or deleting `name` of `shared`, an object compartment
/// code holds through a read-only view, saying `why`.
pub(crate) fn refused_write(shared: &Bound<'_, PyAny>, name: &str, why: &str) -> PyErr {
    let shown = shared
        .repr()
        .map_or_else(|_| "the object".to_owned(), |repr| repr.to_string());
    pyo3::exceptions::PyAttributeError::new_err(format!(
        "writing {shown}.{name} is refused in a compartment: {why}"
    ))
}

/// Refuses a private or hidden-edge attribute name of `subject` passed to `function`, which
/// makes an `access` of it, saying why.
pub(crate) fn check_public(
    name: &str,
    access: Access,
    subject: &Bound<'_, PyAny>,
    function: &str,
) -> PyResult<()> {
    match refused_name_on(name, access, subject) {
        Some(why) => Err(CapabilityError::new_err(format!(
            "{function}(..., {name:?}) is refused in a compartment: {why}"
        ))),
        None => Ok(()),
    }
}

/// Host objects the compartment needs while plugin code runs, fetched when the first
/// compartment is made: importing then would go through the plugin's `__import__`.
pub(crate) struct Host {
    pub(crate) builtins: Py<PyModule>,
    pub(crate) future: Py<PyModule>,
    pub(crate) linecache: Py<PyDict>,
    pub(crate) verification_error: Py<PyAny>,
    pub(crate) sys_modules: Py<PyDict>,
    module_type: Py<PyAny>,
}

static HOST: PyOnceLock<Host> = PyOnceLock::new();

pub(crate) fn host(py: Python<'_>) -> PyResult<&Host> {
    HOST.get_or_try_init(py, || {
        type_forms::prepare(py)?;
        Ok(Host {
            builtins: py.import("builtins")?.unbind(),
            future: py.import("__future__")?.unbind(),
            linecache: py
                .import("linecache")?
                .getattr("cache")?
                .cast_into()?
                .unbind(),
            verification_error: py.import("ocapy")?.getattr("VerificationError")?.unbind(),
            module_type: py.import("types")?.getattr("ModuleType")?.unbind(),
            sys_modules: py.import("sys")?.getattr("modules")?.cast_into()?.unbind(),
        })
    })
}

/// `ocapy.raw(x)`: hand `x` to a compartment as it is, unsealed.
#[pyclass(frozen, module = "ocapy", name = "raw")]
pub(crate) struct Raw {
    value: Py<PyAny>,
}

#[pymethods]
impl Raw {
    #[new]
    fn new(value: Py<PyAny>) -> Self {
        Raw { value }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("ocapy.raw({})", self.value.bind(py).repr()?))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.value)
    }
}

/// What a compartment's parts share: its name, grants, module map, root and builtins.
pub(crate) struct Shared {
    pub(crate) name: String,
    /// The plugin's side of the membrane, as the wrappers crossing it name it.
    pub(crate) id: CompartmentId,
    grants: Py<PyDict>,
    pub(crate) modules: Py<PyDict>,
    pub(crate) root: Option<PathBuf>,
    /// Modules of the root loaded (or loading) so far, by dotted name: their globals.
    loaded: Py<PyDict>,
    builtins: OnceLock<Py<PyDict>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        membrane::forget(self.id);
    }
}

impl Shared {
    fn builtins<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyDict>> {
        self.builtins
            .get()
            .map(|builtins| builtins.bind(py))
            .ok_or_else(|| PyValueError::new_err("the compartment is not initialised"))
    }

    /// Visits the references the compartment's parts share; only the import gate calls it
    /// (see [`Compartment`]).
    fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.grants)?;
        visit.call(&self.modules)?;
        visit.call(&self.loaded)?;
        if let Some(builtins) = self.builtins.get() {
            visit.call(builtins)?;
        }
        Ok(())
    }

    /// Every module of the root, by dotted name: what its modules may import.
    fn root_modules(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        if let Some(root) = &self.root {
            collect_modules(root, "", &mut found, 0);
        }
        found
    }

    /// Whether the root has a module `dotted`.
    pub(crate) fn root_contains(&self, dotted: &str) -> bool {
        let parts: Vec<&str> = dotted.split('.').collect();
        self.root.as_ref().is_some_and(|root| {
            parts.iter().all(|part| is_module_part(part)) && find_module(root, &parts).is_some()
        })
    }

    /// Imports `dotted` from the root: verifies and runs it on first import. Returns its
    /// globals.
    pub(crate) fn import_from_root<'py>(
        &self,
        py: Python<'py>,
        dotted: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let loaded = self.loaded.bind(py);
        if let Some(module) = loaded.get_item(dotted)? {
            return Ok(module.cast_into()?);
        }
        let Some(root) = &self.root else {
            return Err(PyModuleNotFoundError::new_err(format!(
                "compartment {:?} cannot import {dotted:?}: it has no package root",
                self.name
            )));
        };
        let parts: Vec<&str> = dotted.split('.').collect();
        if parts.iter().any(|part| !is_module_part(part)) {
            return Err(PyModuleNotFoundError::new_err(format!(
                "compartment {:?} cannot import {dotted:?}: a module name is dotted public \
                 identifiers",
                self.name
            )));
        }
        if let Some((parent, _)) = dotted.rsplit_once('.') {
            self.import_from_root(py, parent)?;
        }
        let (path, package) = find_module(root, &parts).ok_or_else(|| {
            PyModuleNotFoundError::new_err(format!(
                "compartment {:?} cannot import {dotted:?}: no such module in its root {}",
                self.name,
                root.display()
            ))
        })?;
        let bytes = if path.is_dir() {
            Vec::new()
        } else {
            std::fs::read(&path).map_err(|error| os_error(&error, &path))?
        };
        let filename = path.strip_prefix(root).unwrap_or(&path).to_string_lossy();
        let package = if package {
            dotted.to_owned()
        } else {
            dotted
                .rsplit_once('.')
                .map_or("", |(parent, _)| parent)
                .to_owned()
        };
        loader::load(
            py,
            self,
            &ModuleSource {
                bytes: &bytes,
                filename: &filename,
                name: dotted,
                package: Some(&package),
            },
        )
    }
}

fn is_module_part(part: &str) -> bool {
    let mut chars = part.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Where module `parts` lies under `root` (`a/b.py`, `a/b/__init__.py`, or a directory
/// `a/b/` without one, a package with nothing in it) and whether it is a package, provided it
/// really lies inside the root (no symbolic link out of it).
fn find_module(root: &Path, parts: &[&str]) -> Option<(PathBuf, bool)> {
    let base = root.join(parts.iter().collect::<PathBuf>());
    let candidates = [
        (base.with_extension("py"), false),
        (base.join("__init__.py"), true),
        (base, true),
    ];
    candidates.into_iter().find_map(|(path, package)| {
        let real = path.canonicalize().ok()?;
        let usable = if package && !real.ends_with("__init__.py") {
            real.is_dir()
        } else {
            real.is_file()
        };
        (usable && real.starts_with(root)).then_some((real, package))
    })
}

fn collect_modules(directory: &Path, prefix: &str, found: &mut BTreeSet<String>, depth: usize) {
    // Deep enough for any plugin package; bounded against link loops.
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("");
        let is_source = path.extension().is_some_and(|ext| ext == "py");
        if !is_module_part(stem) || !(is_source || path.is_dir()) {
            continue;
        }
        let dotted = if prefix.is_empty() {
            stem.to_owned()
        } else {
            format!("{prefix}.{stem}")
        };
        if path.is_dir() {
            collect_modules(&path, &dotted, found, depth + 1);
        }
        found.insert(dotted);
    }
}

fn os_error(error: &std::io::Error, path: &Path) -> PyErr {
    // OSError(errno, message, filename) makes the subclass the errno names.
    PyOSError::new_err((
        error.raw_os_error().unwrap_or(0),
        error.to_string(),
        path.to_string_lossy().into_owned(),
    ))
}

/// A set of grants and modules that verified plugins run with.
#[pyclass(frozen, module = "ocapy", name = "Compartment")]
pub(crate) struct Compartment {
    shared: Arc<Shared>,
    /// For the collector, the import gate owns the references the compartment's parts share
    /// (they must be visited once, by one owner): the compartment keeps the gate alive.
    gate: Py<imports::ImportGate>,
}

#[pymethods]
impl Compartment {
    #[new]
    #[pyo3(
        signature = (grants = None, modules = None, *, print = None, name = None, seal_grants = None, root = None),
        text_signature = "(grants=None, modules=None, *, print=None, name=None, seal_grants=True, root=None)"
    )]
    fn new(
        py: Python<'_>,
        grants: Option<&Bound<'_, PyAny>>,
        modules: Option<&Bound<'_, PyAny>>,
        print: Option<&Bound<'_, PyAny>>,
        name: Option<&Bound<'_, PyAny>>,
        seal_grants: Option<&Bound<'_, PyAny>>,
        root: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let host = host(py)?;
        if let Some(sink) = print
            && !sink.is_callable()
        {
            return Err(arguments::refused(
                "Compartment",
                "print",
                "a callable, called with each printed line",
                sink,
            ));
        }
        let print = print.map(|sink| sink.clone().unbind());
        let name = arguments::text_or("Compartment", "name", name, "compartment")?;
        let seal_grants =
            arguments::extract_or("Compartment", "seal_grants", "a bool", seal_grants, true)?;
        let root: Option<PathBuf> = root
            .map(|root| {
                arguments::extract(
                    "Compartment",
                    "root",
                    "a directory's path (str or os.PathLike)",
                    root,
                )
            })
            .transpose()?;
        let id = CompartmentId::new();
        let granted = PyDict::new(py);
        for (key, value) in entries("grants", grants)? {
            let key = grant_name(&key)?;
            let value = boundary_value(&key, value, id, seal_grants, host, "grant")?;
            granted.set_item(key, value)?;
        }
        let facades = PyDict::new(py);
        for (key, value) in entries("modules", modules)? {
            let key: String = key
                .extract()
                .map_err(|_| PyValueError::new_err("module names in `modules` must be strings"))?;
            let facade = match value.cast::<PyModule>() {
                Ok(module) => imports::table_facade(&key, module, id)?,
                Err(_) => boundary_value(&key, value, id, seal_grants, host, "module facade")?,
            };
            facades.set_item(key, facade)?;
        }
        let root = root
            .map(|root| {
                root.canonicalize()
                    .map_err(|error| os_error(&error, &root))
                    .and_then(|real| {
                        if real.is_dir() {
                            Ok(real)
                        } else {
                            Err(PyValueError::new_err(format!(
                                "root {} is not a directory",
                                root.display()
                            )))
                        }
                    })
            })
            .transpose()?;
        let shared = Arc::new(Shared {
            name,
            id,
            grants: granted.unbind(),
            modules: facades.unbind(),
            root,
            loaded: PyDict::new(py).unbind(),
            builtins: OnceLock::new(),
        });
        let print = Bound::new(py, builtins::TamedPrint::new(print, id))?.into_any();
        let gate = Bound::new(py, imports::ImportGate::new(Arc::clone(&shared)))?;
        let compartment_builtins =
            builtins::compartment_builtins(py, print, gate.clone().into_any())?;
        audit::register(&compartment_builtins, &shared.name)?;
        let _ = shared.builtins.set(compartment_builtins.unbind());
        Ok(Compartment {
            shared,
            gate: gate.unbind(),
        })
    }

    /// The compartment's name, as errors and tracebacks show it.
    #[getter]
    fn name(&self) -> &str {
        &self.shared.name
    }

    /// Reads, verifies, compiles and runs the module at `path`; returns its sealed view.
    fn load<'py>(&self, py: Python<'py>, path: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let path: PathBuf = arguments::extract(
            "Compartment.load",
            "path",
            "a file's path (str or os.PathLike)",
            path,
        )?;
        let bytes = std::fs::read(&path).map_err(|error| os_error(&error, &path))?;
        let filename = path.to_string_lossy();
        let name = path
            .file_stem()
            .map_or_else(|| "plugin".into(), |stem| stem.to_string_lossy());
        let globals = loader::load(
            py,
            &self.shared,
            &ModuleSource {
                bytes: &bytes,
                filename: &filename,
                name: &name,
                package: None,
            },
        )?;
        self.view(&globals)
    }

    /// Verifies, compiles and runs `source`; returns the module's sealed view.
    #[pyo3(signature = (source, *, filename = None), text_signature = "(source, *, filename='<string>')")]
    fn run<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        filename: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (bytes, filename) = source_and_filename("Compartment.run", source, filename)?;
        let globals = loader::load(py, &self.shared, &self.module_source(&bytes, &filename))?;
        self.view(&globals)
    }

    /// A session: snippets run one after another in the same globals (see `Session.run`).
    fn session(&self, py: Python<'_>) -> PyResult<session::Session> {
        session::Session::new(py, Arc::clone(&self.shared))
    }

    /// Imports `name` (`pkg.mod`) from the compartment's root, verifying and running each
    /// module on its first import.
    fn import_module<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let name: String = arguments::extract(
            "Compartment.import_module",
            "name",
            "a module name (str)",
            name,
        )?;
        let globals = self.shared.import_from_root(py, &name)?;
        self.view(&globals)
    }

    fn __repr__(&self) -> String {
        format!("<ocapy.Compartment {:?}>", self.shared.name)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.gate)
    }
}

impl Compartment {
    /// A module as the host sees it: a namespace of its public globals, each crossed into
    /// the host as a result.
    fn view<'py>(&self, globals: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let members = loader::public_members(&self.shared, globals)?
            .into_iter()
            .map(|(name, member)| Ok((name, into_host(&member, Crossing::Result, self.shared.id)?)))
            .collect::<PyResult<_>>()?;
        crate::seal::namespace(globals.py(), members)
    }

    fn module_source<'a>(&self, bytes: &'a [u8], filename: &'a str) -> ModuleSource<'a> {
        let name = Path::new(filename)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or(filename);
        ModuleSource {
            bytes,
            filename,
            name,
            package: None,
        }
    }
}

/// The source and file name arguments of `run`-like methods.
fn source_and_filename(
    callable: &str,
    source: &Bound<'_, PyAny>,
    filename: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<u8>, String)> {
    Ok((
        arguments::source_bytes(callable, source)?,
        arguments::text_or(callable, "filename", filename, "<string>")?,
    ))
}

/// Runs `source` in `compartment` without verifying it: what the runtime stops on its own.
/// For ocapy's tests only; not part of the public API.
#[pyfunction]
#[pyo3(signature = (compartment, source, *, filename = None))]
fn _run_unverified<'py>(
    py: Python<'py>,
    compartment: &Bound<'py, Compartment>,
    source: &Bound<'py, PyAny>,
    filename: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let compartment = compartment.get();
    let (bytes, filename) = source_and_filename("_run_unverified", source, filename)?;
    let source = compartment.module_source(&bytes, &filename);
    let globals = loader::load_unverified(py, &compartment.shared, &source)?;
    compartment.view(&globals)
}

/// The items of `Compartment`'s optional mapping argument `parameter`.
fn entries<'py>(
    parameter: &str,
    mapping: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let Some(mapping) = mapping else {
        return Ok(Vec::new());
    };
    let mapping: Bound<'py, PyMapping> = arguments::extract(
        "Compartment",
        parameter,
        "a mapping of names to objects",
        mapping,
    )?;
    mapping.items()?.iter().map(|item| item.extract()).collect()
}

/// Whether `value` is one of the read-only views a compartment hands its code (module
/// facades and their functions, type forms, class views, checked methods, property views):
/// objects that show only what they were made to show, and cross the membrane as they are.
/// A host's `namespace` is not one: its members are shallow seals, which hand out what they
/// return as it is.
pub(crate) fn is_compartment_view(value: &Bound<'_, PyAny>) -> bool {
    value.is_exact_instance_of::<imports::Facade>()
        || value.is_exact_instance_of::<imports::FacadeFunction>()
        || value.is_exact_instance_of::<type_forms::TypeForm>()
        || classes::is_class_view(value)
}

pub(crate) use imports::facade_function;

pub(crate) use classes::class_view;

/// A grant's name: a public identifier.
fn grant_name(key: &Bound<'_, PyAny>) -> PyResult<String> {
    let key = key
        .cast::<PyString>()
        .map_err(|_| PyValueError::new_err(format!("grant names must be strings, got {key:?}")))?;
    let text = key.to_str()?;
    let identifier = key.call_method0("isidentifier")?.is_truthy()?;
    let keyword = key
        .py()
        .import("keyword")?
        .getattr("iskeyword")?
        .call1((key,))?
        .is_truthy()?;
    if !identifier || keyword || !is_public_name(text) {
        return Err(PyValueError::new_err(format!(
            "grant name {text:?} is not a public identifier: a plugin names its grants in \
             source, and names starting with '_' or naming a hidden edge are refused"
        )));
    }
    Ok(text.to_owned())
}

/// What crosses into `compartment` for a grant or an explicit module facade: sealed, unless
/// sealing is off or the host wrapped it in `ocapy.raw` (an exception class so handed over
/// is one the compartment catches by). A module is refused.
fn boundary_value<'py>(
    key: &str,
    value: Bound<'py, PyAny>,
    compartment: CompartmentId,
    seal_grants: bool,
    host: &Host,
    what: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if let Ok(raw) = value.cast::<Raw>() {
        let value = raw.get().value.bind(py).clone();
        if let Ok(class) = value.cast::<PyType>()
            && class.is_subclass_of::<PyBaseException>()?
        {
            membrane::hand_over_exception_class(compartment, class);
        }
        return Ok(value);
    }
    if value.is_instance(host.module_type.bind(py))? {
        return Err(PyValueError::new_err(format!(
            "{what} {key:?} is a module: every module it imported is one of its public names; \
             grant a namespace of what the plugin needs, or wrap it in ocapy.raw(...) to hand it \
             over as it is"
        )));
    }
    if let Some(guarded) = guards::guarded(&value, compartment)? {
        return Ok(guarded);
    }
    if seal_grants {
        crate::seal::seal(&value, Depth::ToPlugin(compartment))
    } else {
        Ok(value)
    }
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Compartment>()?;
    imports::install_vectorcall(module.py())?;
    module.add_class::<Raw>()?;
    module.add_class::<guards::Accepting>()?;
    module.add_class::<session::Session>()?;
    module.add_class::<session::RunResult>()?;
    module.add("CapabilityError", module.py().get_type::<CapabilityError>())?;
    module.add_function(wrap_pyfunction!(_run_unverified, module)?)?;
    Ok(())
}
