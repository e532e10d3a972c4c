//! `ocapy.paths`: the routes through the object graph from one object to another, hidden
//! edges included, each written as a Python expression that evaluates to the target; and the
//! search behind `ocapy paths` on the command line.

mod edges;
mod search;

use std::collections::HashMap;

use crate::arguments;
use ocapy_cli::paths::{Found, Query, Route, Step, StepKey, StepKind, Template};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use edges::{Key, Label, LabelCache, Namer, dict_entry_list, exact_str, literal, type_name};
use search::{Edges, Limits};

create_exception!(
    ocapy,
    SearchIncomplete,
    PyRuntimeError,
    "`paths` stopped at `max_objects` visited objects before reaching the target: it may \
     still be reachable."
);

/// `ocapy.ROOTS`: as a source, every loaded module (`sys.modules`) and every thread's
/// innermost frame (`sys._current_frames()`).
#[pyclass(frozen, module = "ocapy")]
struct Roots;

#[pymethods]
impl Roots {
    fn __repr__(&self) -> &'static str {
        "ocapy.ROOTS"
    }
}

/// One step of a path, as data.
#[pyclass(frozen, module = "ocapy", name = "Step")]
struct PathStep {
    step: Step,
    key: Py<PyAny>,
}

#[pymethods]
impl PathStep {
    /// "attribute", "index", "item", "value", "element", "local", "type", "referent", or for
    /// a search from ROOTS, "module" or "thread".
    #[getter]
    fn kind(&self) -> &'static str {
        self.step.kind.as_str()
    }

    /// The attribute or local name, the position, the dict key itself, the module name or
    /// thread id; None for "type".
    #[getter]
    fn key(&self, py: Python<'_>) -> Py<PyAny> {
        self.key.clone_ref(py)
    }

    /// The name of the type of the object this step reaches.
    #[getter]
    fn type_name(&self) -> &str {
        &self.step.type_name
    }

    /// The expression for the object this step reaches, given the one for its referrer.
    fn apply(&self, expression: &Bound<'_, PyAny>) -> PyResult<String> {
        let expression: String =
            arguments::extract("Step.apply", "expression", "a str", expression)?;
        Ok(self.step.template.apply(&expression))
    }

    fn __repr__(&self) -> String {
        format!("<Step {} {}>", self.kind(), self.step.template.label())
    }
}

/// A route from the source to the target.
#[pyclass(frozen, module = "ocapy", name = "Path")]
struct Path {
    route: Route,
    steps: Py<PyTuple>,
}

#[pymethods]
impl Path {
    /// The expression that evaluates to the target, with `root` standing for the source
    /// (a path from ROOTS starts with its own `sys.modules[...]` or `sys._current_frames()`).
    #[pyo3(signature = (root = None), text_signature = "(self, root='x')")]
    fn expr(&self, root: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let root: String = arguments::text_or("Path.expr", "root", root, "x")?;
        Ok(self.route.expr(&root))
    }

    #[getter]
    fn steps(&self, py: Python<'_>) -> Py<PyTuple> {
        self.steps.clone_ref(py)
    }

    fn __len__(&self) -> usize {
        self.route.steps.len()
    }

    fn __str__(&self) -> String {
        self.route.expr("x")
    }

    fn __repr__(&self) -> String {
        format!("<Path {}>", self.route.expr("x"))
    }
}

/// A found route with each step's key as a Python object.
struct Labelled {
    route: Route,
    keys: Vec<Py<PyAny>>,
}

/// The starts of a search, each with the step that names it when it is one of ROOTS.
fn starts<'py>(source: &Bound<'py, PyAny>) -> PyResult<Vec<(Bound<'py, PyAny>, Option<Label>)>> {
    if !source.is_instance_of::<Roots>() {
        return Ok(vec![(source.clone(), None)]);
    }
    let py = source.py();
    let sys = py.import("sys")?;
    let mut starts = Vec::new();
    // SAFETY: a borrowed reference to `sys.modules` (NULL if it was deleted), taken into a
    // strong one at once.
    let modules =
        unsafe { Bound::from_borrowed_ptr_or_opt(py, ffi::PySys_GetObject(c"modules".as_ptr())) };
    // SAFETY: a type check.
    let Some(modules) = modules.filter(|m| unsafe { ffi::PyDict_CheckExact(m.as_ptr()) } != 0)
    else {
        return Err(PyTypeError::new_err("paths(): sys.modules is not a dict"));
    };
    for (key, module) in dict_entry_list(modules.as_ptr()) {
        // SAFETY: borrowed from `sys.modules`, alive; the strong references below keep them.
        let (key, module) = unsafe {
            (
                Bound::from_borrowed_ptr(py, key),
                Bound::from_borrowed_ptr(py, module),
            )
        };
        let (Some(name), Some(repr)) = (exact_str(key.as_ptr()), literal(&key)) else {
            continue;
        };
        let label = Label {
            kind: StepKind::Module,
            key: Key::Name(name),
            template: Template::Start(format!("sys.modules[{repr}]")),
        };
        starts.push((module, Some(label)));
    }
    // The one call that may run Python code (`sys._current_frames` raises an audit event),
    // made before the search starts.
    let frames = sys.call_method0("_current_frames")?.cast_into::<PyDict>()?;
    for (thread, frame) in frames.iter() {
        let id: i64 = thread.extract()?;
        let label = Label {
            kind: StepKind::Thread,
            key: Key::Position(id),
            template: Template::Start(format!("sys._current_frames()[{id}]")),
        };
        starts.push((frame, Some(label)));
    }
    Ok(starts)
}

/// Runs a search and names the routes it found.
fn find<'py>(
    source: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
    limits: &Limits,
) -> PyResult<(Vec<Labelled>, usize, bool)> {
    let py = source.py();
    let starts = starts(source)?;
    let start_objects: Vec<Bound<'py, PyAny>> = starts.iter().map(|(o, _)| o.clone()).collect();
    let mut start_labels: HashMap<usize, Label> = HashMap::new();
    for (object, label) in starts {
        if let Some(label) = label {
            start_labels
                .entry(object.as_ptr() as usize)
                .or_insert(label);
        }
    }
    // Paused through the naming too: naming allocates, and a collection would run
    // finalizers (Python code) between the walk and the names.
    let _paused = search::CollectorPaused::new();
    let mut namer = Namer::new(py);
    let graph = search::explore(py, &start_objects, target, limits, &mut namer);
    let mut cache = LabelCache::new();
    let mut labelled = Vec::new();
    'routes: for found in search::routes(&graph, limits) {
        let start = graph.object(py, found.start);
        let mut labels: Vec<(Label, Bound<'py, PyAny>)> = Vec::new();
        if let Some(label) = start_labels.get(&(start.as_ptr() as usize)) {
            labels.push((edges::clone_label(py, label), start.clone()));
        }
        let mut owners = Vec::new();
        for (parent, reached) in &found.steps {
            let owner = graph.object(py, parent.node);
            let child = graph.object(py, *reached);
            let public = limits.edges == Edges::Public;
            // A route whose step cannot be named truthfully is left out, never guessed.
            let Some(label) = namer.label(&owner, child.as_ptr(), parent.slot, public, &mut cache)
            else {
                continue 'routes;
            };
            owners.push(owner);
            labels.push((label, child));
        }
        let offset = labels.len() - owners.len();
        let mut labels = merge_dict_items(&mut namer, labels, &owners, offset);
        // `C.__dict__` is a mappingproxy of the class's dict: right to read items through,
        // not the dict itself when the route ends there.
        if let (Some((last, child)), Some(owner)) = (labels.last_mut(), owners.last())
            && matches!(&last.key, Key::Name(name) if name == "__dict__")
            && owner.is_instance_of::<PyType>()
        {
            let Some(fallback) = edges::referent_label(owner.as_ptr(), child.as_ptr()) else {
                continue 'routes;
            };
            *last = fallback;
        }
        labelled.push(to_route(py, &start, labels));
    }
    Ok((labelled, graph.visited(), graph.truncated))
}

/// `x.__dict__['name']` becomes `x.name` where that reads the same value.
fn merge_dict_items<'py>(
    namer: &mut Namer<'py>,
    labels: Vec<(Label, Bound<'py, PyAny>)>,
    owners: &[Bound<'py, PyAny>],
    offset: usize,
) -> Vec<(Label, Bound<'py, PyAny>)> {
    let mut merged: Vec<(Label, Bound<'py, PyAny>)> = Vec::with_capacity(labels.len());
    for (position, (label, child)) in labels.into_iter().enumerate() {
        if let (Some((previous, _)), StepKind::Item, Key::Literal(key, repr)) =
            (merged.last(), label.kind, &label.key)
        {
            let is_dict_step = matches!(&previous.key, Key::Name(name) if name == "__dict__")
                && previous.kind == StepKind::Attribute;
            let owner = position
                .checked_sub(offset + 1)
                .and_then(|index| owners.get(index));
            if let (true, Some(owner), Some(name)) = (is_dict_step, owner, exact_str(key.as_ptr()))
                && let Some(template) = namer.dict_attribute(owner.as_ptr(), &name, repr)
            {
                merged.pop();
                let kind = StepKind::Attribute;
                merged.push((
                    Label {
                        kind,
                        key: Key::Name(name),
                        template,
                    },
                    child,
                ));
                continue;
            }
        }
        merged.push((label, child));
    }
    merged
}

fn to_route(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    labels: Vec<(Label, Bound<'_, PyAny>)>,
) -> Labelled {
    let mut keys = Vec::with_capacity(labels.len());
    let mut steps = Vec::with_capacity(labels.len());
    for (label, child) in labels {
        let (key, object) = match label.key {
            Key::None => (StepKey::None, py.None()),
            Key::Name(name) => {
                let object = name
                    .clone()
                    .into_pyobject(py)
                    .map_or_else(|_| py.None(), |o| o.into_any().unbind());
                (StepKey::Name(name), object)
            }
            Key::Position(index) => (
                StepKey::Position(index),
                index
                    .into_pyobject(py)
                    .map_or_else(|_| py.None(), |o| o.into_any().unbind()),
            ),
            Key::Literal(object, repr) => (StepKey::Literal(repr), object),
        };
        keys.push(object);
        steps.push(Step {
            kind: label.kind,
            key,
            template: label.template,
            type_name: type_name(child.as_ptr()),
            node: child.as_ptr() as usize,
        });
    }
    Labelled {
        route: Route {
            source_node: start.as_ptr() as usize,
            source_type: type_name(start.as_ptr()),
            steps,
        },
        keys,
    }
}

/// An int argument of at least `minimum` (bools are refused: `max_depth=True` is a mistake).
fn int_argument(
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
    default: u64,
    minimum: u64,
) -> PyResult<u64> {
    let Some(value) = value else {
        return Ok(default);
    };
    // SAFETY: type checks.
    let is_int =
        unsafe { ffi::PyLong_Check(value.as_ptr()) != 0 && ffi::PyBool_Check(value.as_ptr()) == 0 };
    if !is_int {
        let kind = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "paths(): {name} must be an int, not {kind}"
        )));
    }
    let number: i128 = value.extract().unwrap_or(i128::MAX);
    if number < i128::from(minimum) {
        return Err(PyValueError::new_err(format!(
            "paths(): {name} must be at least {minimum}, not {number}"
        )));
    }
    Ok(u64::try_from(number).unwrap_or(u64::MAX))
}

fn edges_argument(value: Option<&Bound<'_, PyAny>>) -> PyResult<Edges> {
    let Some(value) = value else {
        return Ok(Edges::All);
    };
    let Ok(text) = value.extract::<String>() else {
        let kind = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "paths(): edges must be a str, not {kind}"
        )));
    };
    match text.as_str() {
        "all" => Ok(Edges::All),
        "public" => Ok(Edges::Public),
        other => Err(PyValueError::new_err(format!(
            "paths(): edges must be \"all\" or \"public\", not {other:?}"
        ))),
    }
}

fn incomplete_message(setting: &str, visited: usize) -> String {
    format!(
        "stopped after visiting {visited} objects ({setting}) without reaching the target; \
         it may still be reachable: raise {setting}"
    )
}

/// Every route from `source` to `target` (matched by identity), shortest first. Options
/// (keyword-only): `edges="all"`, `max_depth=8`, `limit=10`, `max_objects=None`; they are
/// read from `**options` so that an explicit `None` is refused where it means nothing.
#[pyfunction]
#[pyo3(signature = (source, target, **options))]
fn paths(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Path>> {
    let (mut edges, mut max_depth, mut limit, mut max_objects) = (None, None, None, None);
    for (name, value) in options.into_iter().flat_map(|options| options.iter()) {
        let slot = match name.extract::<String>()?.as_str() {
            "edges" => &mut edges,
            "max_depth" => &mut max_depth,
            "limit" => &mut limit,
            "max_objects" => &mut max_objects,
            other => {
                return Err(PyTypeError::new_err(format!(
                    "paths() got an unexpected keyword argument {other:?} (options: edges, \
                     max_depth, limit, max_objects)"
                )));
            }
        };
        *slot = Some(value);
    }
    let max_objects = match max_objects {
        Some(value) if !value.is_none() => Some(int_argument("max_objects", Some(&value), 0, 1)?),
        _ => None,
    };
    let limits = Limits {
        edges: edges_argument(edges.as_ref())?,
        max_depth: u32::try_from(int_argument("max_depth", max_depth.as_ref(), 8, 0)?)
            .unwrap_or(u32::MAX),
        limit: usize::try_from(int_argument("limit", limit.as_ref(), 10, 1)?).unwrap_or(usize::MAX),
        max_objects: max_objects.map(|max| usize::try_from(max).unwrap_or(usize::MAX)),
    };
    let (found, visited, truncated) = find(source, target, &limits)?;
    if found.is_empty() && truncated {
        let message = incomplete_message("max_objects", visited);
        return Err(SearchIncomplete::new_err(format!("paths(): {message}")));
    }
    found
        .into_iter()
        .map(|labelled| {
            let steps = labelled
                .route
                .steps
                .iter()
                .zip(labelled.keys)
                .map(|(step, key)| PathStep {
                    step: step.clone(),
                    key,
                });
            let steps: Vec<Bound<'_, PathStep>> = steps
                .map(|step| Bound::new(py, step))
                .collect::<PyResult<_>>()?;
            Ok(Path {
                route: labelled.route,
                steps: PyTuple::new(py, steps)?.unbind(),
            })
        })
        .collect()
}

/// Imports `pkg.mod` and reads `a.b` from it, for `pkg.mod:a.b`.
fn resolve<'py>(py: Python<'py>, spec: &str) -> Result<Bound<'py, PyAny>, String> {
    let (module, attributes) = match spec.split_once(':') {
        Some((module, attributes)) => (module, Some(attributes)),
        None => (spec, None),
    };
    let mut object = py
        .import(module)
        .map_err(|error| format!("cannot import `{module}` (from `{spec}`): {error}"))?
        .into_any();
    for name in attributes.into_iter().flat_map(|names| names.split('.')) {
        object = object
            .getattr(name)
            .map_err(|error| format!("cannot read `{name}` of `{spec}`: {error}"))?;
    }
    Ok(object)
}

/// The search behind `ocapy paths`: imports the named modules (from the working directory
/// too, as `python -m` would) and searches.
pub(crate) fn search_for_cli(query: &Query) -> Result<Found, String> {
    Python::attach(|py| {
        let in_python = |error: PyErr| error.to_string();
        let sys_path = py
            .import("sys")
            .and_then(|sys| sys.getattr("path"))
            .map_err(in_python)?;
        let cwd = std::env::current_dir().map_err(|error| error.to_string())?;
        let cwd = cwd.to_string_lossy().into_owned();
        if !sys_path.contains(&cwd).map_err(in_python)?
            && !sys_path.contains("").map_err(in_python)?
        {
            sys_path
                .call_method1("insert", (0, cwd))
                .map_err(in_python)?;
        }
        let target = resolve(py, &query.to)?;
        let source = match &query.from {
            Some(spec) => resolve(py, spec)?,
            None => Bound::new(py, Roots).map_err(in_python)?.into_any(),
        };
        let limits = Limits {
            edges: if query.public {
                Edges::Public
            } else {
                Edges::All
            },
            max_depth: u32::try_from(query.max_depth).unwrap_or(u32::MAX),
            limit: query.limit.max(1),
            max_objects: query.max_objects,
        };
        let (found, visited, truncated) = find(&source, &target, &limits).map_err(in_python)?;
        if found.is_empty() && truncated {
            return Err(incomplete_message("--max-objects", visited));
        }
        Ok(Found {
            routes: found.into_iter().map(|labelled| labelled.route).collect(),
            visited,
        })
    })
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add_class::<Path>()?;
    module.add_class::<PathStep>()?;
    module.add_class::<Roots>()?;
    module.add("ROOTS", Bound::new(py, Roots)?)?;
    module.add("SearchIncomplete", py.get_type::<SearchIncomplete>())?;
    module.add_function(wrap_pyfunction!(paths, module)?)?;
    Ok(())
}
