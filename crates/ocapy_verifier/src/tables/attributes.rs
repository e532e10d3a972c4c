//! The hidden-edge table: attribute names that lead, whatever object they are read from, to
//! a frame, code, closure cells, a module's globals, the builtins, another object's private
//! state, or attribute access by a run-time string.
//!
//! The verifier rejects reading most of these names on every receiver, `self` included, so a
//! name is listed only when some object verified code can be handed exposes an edge through
//! it; the `reason` of each entry says which. A name that is an edge only on types whose
//! objects plugin code never holds raw (a `functools.partial`'s `args`: the plugin's own are
//! made of its own values, the host's reach it sealed) says so in `on`: the verifier lets it
//! through, and the runtime refuses it on objects of those types (`e.args[0]` is ordinary). Ordinary private names (`_x`) and `__dict__`/`__class__`
//! are the private-attribute rule's business (allowed through `self`, rejected elsewhere) and
//! are not listed.
//!
//! The table is data derived from the interpreters, not from memory:
//! `tests/python/test_attribute_table.py` runs `tests/python/probes/attribute_probe.py` under
//! every CPython 3.8+ it finds, which reads every attribute of every built-in type (and of the
//! standard-library objects that hide something) and fails on any public or dunder name that
//! reaches a frame, code object, cell, globals, builtins, traceback or generator and is not
//! classified here.
//!
//! Deliberately absent, although they come up:
//! - `replace`: `code.replace()` builds code objects, but everywhere else it is `str.replace`,
//!   and a code object is only reached through entries of this table (`co_*`, `__code__`,
//!   `f_code` ...). `__replace__` is listed instead.
//! - `exceptions` (`ExceptionGroup`): the sub-exceptions `except*` hands to its handler anyway;
//!   what an exception hides is behind `__traceback__`, `__context__` and `__cause__`.
//! - `cache_parameters` (`lru_cache`): a closure returning a fresh dict of two settings; its
//!   cells are behind `__closure__`.
//! - `__call__`: reading `f.__call__` gives nothing calling `f` does not.
//! - `__await__`, `__iter__`, `__next__`, `__enter__`: what `await`, `for` and `with` do
//!   anyway; a `types.coroutine` wrapper's `__await__()` is the generator it already drives in
//!   full, `redirect_stdout(s).__enter__()` the stream it was given.
//! - `__init_subclass__`, `__set_name__`, `__class_getitem__`, `__init__`, `__new__`:
//!   protocol hooks whose effect verified code has by subclassing, subscripting or
//!   constructing, and which `super()` calls legitimately.

/// An attribute name that leads to a frame, code, cells, globals, builtins, another object's
/// private state or reflection by string.
#[derive(Debug, PartialEq, Eq)]
pub struct HiddenEdge {
    /// The attribute name, or for a prefix entry the prefix (e.g. "co_").
    pub name: &'static str,
    /// What reading it reaches, in a few words, used in messages: "a frame", "a code object", ...
    pub reaches: &'static str,
    /// Why it is in the table: the types on which it is an edge and what they expose.
    pub reason: &'static str,
    /// On which objects it is an edge, which decides who refuses it.
    pub on: EdgeOn,
}

/// The objects a hidden edge leads out of.
#[derive(Debug, PartialEq, Eq)]
pub enum EdgeOn {
    /// Objects plugin code can hold raw (its own functions, generators, frames it reaches...):
    /// refused statically on every receiver.
    Every,
    /// Instances of these classes, `(__module__, __qualname__)` as the classes name
    /// themselves, and of their subclasses, which plugin code holds only sealed or made of
    /// its own values: refused at run time on them.
    Only(&'static [(&'static str, &'static str)]),
}

impl HiddenEdge {
    /// Whether the verifier refuses the name on every receiver.
    #[must_use]
    pub fn is_static(&self) -> bool {
        self.on == EdgeOn::Every
    }
}

const fn edge(name: &'static str, reaches: &'static str, reason: &'static str) -> HiddenEdge {
    HiddenEdge {
        name,
        reaches,
        reason,
        on: EdgeOn::Every,
    }
}

const fn edge_on(
    name: &'static str,
    reaches: &'static str,
    reason: &'static str,
    on: &'static [(&'static str, &'static str)],
) -> HiddenEdge {
    HiddenEdge {
        name,
        reaches,
        reason,
        on: EdgeOn::Only(on),
    }
}

const PARTIALS: &[(&str, &str)] = &[
    ("functools", "partial"),
    ("functools", "partialmethod"),
    ("contextlib", "_GeneratorContextManagerBase"),
];
const GENERATOR_CONTEXT_MANAGERS: &[(&str, &str)] =
    &[("contextlib", "_GeneratorContextManagerBase")];
const DISPATCHERS: &[(&str, &str)] = &[
    ("builtins", "function"),
    ("functools", "singledispatchmethod"),
];

const FRAME: &str = "frame: execution state of a running, suspended or finished call; the \
    `f_*` names are listed together so one rule covers the whole frame";
const GENERATOR_STATE: &str = "generator, coroutine and async generator: the state of the \
    frame they carry; the whole `gi_`/`cr_`/`ag_` family is listed so one rule covers it";
const PICKLE: &str = "every object (pickle protocol): how to rebuild it, with its internal \
    state: iterators give the iterable under them, functools.partial its function and \
    arguments, instances of user classes their `__dict__`, private names included";
const PROPERTY_COPY: &str = "property: builds a new property that carries the original's \
    other accessors, raw; the verifier allows it only as a decorator (`@p.setter`) of a \
    property defined in the same class body";
const REFLECTION: &str = "str.format, str.format_map and string.Formatter: replacement \
    fields such as '{0.__globals__}' read attributes named by a run-time string, private and \
    hidden ones included; the verifier checks `.format(...)` on a string literal itself";
const TRACEBACK: &str = "traceback: where the failed call was; listed with `tb_frame` and \
    `tb_next` so one rule covers the whole traceback";

/// Exact names, sorted by name (byte order) so that [`hidden_edge`] can binary-search.
pub static HIDDEN_EDGES: &[HiddenEdge] = &[
    edge(
        "__annotate__",
        "the annotations function",
        "function, class and module (3.14+): the function that evaluates `__annotations__` \
         in the defining scope, with the same objects",
    ),
    edge(
        "__annotations__",
        "annotation objects",
        "function, class, module, classmethod and staticmethod (3.10+), lru_cache wrapper: a \
         mutable dict, shared with its owner, of whatever objects the definer annotated with",
    ),
    edge(
        "__args__",
        "the classes of a generic alias",
        "types.GenericAlias (3.9+), types.UnionType (3.10+) and typing aliases: the argument \
         classes, raw (their methods read through them run on any object)",
    ),
    edge(
        "__base__",
        "a base class",
        "type: the base class, raw: its methods read through it are plain functions that run \
         on any object (`B.f(other)`), and it leads on to `__subclasses__`",
    ),
    edge(
        "__bases__",
        "the base classes",
        "type: the base classes, raw (see `__base__`)",
    ),
    edge(
        "__builtins__",
        "the builtins",
        "module (every module's namespace has it), function and bound method (3.10+: the \
         builtins captured at definition): getattr, open, __import__, eval, whatever a \
         compartment's own builtins leave out",
    ),
    edge(
        "__callback__",
        "a weakref callback",
        "weakref.ref: the callback its creator registered, raw",
    ),
    edge(
        "__cause__",
        "an exception",
        "BaseException: the exception chained with `raise ... from`, usually an internal \
         one, with its own arguments and traceback",
    ),
    edge(
        "__closure__",
        "closure cells",
        "function and bound method: the cells whose `cell_contents` are the values a \
         closure keeps secret",
    ),
    edge(
        "__code__",
        "a code object",
        "function and bound method: bytecode, constants and names; code.replace builds new \
         code from it",
    ),
    edge(
        "__context__",
        "an exception",
        "BaseException: the exception being handled when this one was raised, chained \
         implicitly: internal state the raiser never chose to pass on",
    ),
    edge(
        "__defaults__",
        "default argument values",
        "function and bound method: the default values, a common place to bind a capability \
         (`def f(x, _cap=cap)`)",
    ),
    edge(
        "__delattr__",
        "attribute deletion by string",
        "every object: `object.__delattr__(o, name)` deletes an attribute named by a run-time \
         string, private ones included, on any object (3.13+: also through the classes of \
         built-in exceptions)",
    ),
    edge(
        "__delete__",
        "a descriptor's deleter",
        "property and user descriptors: `C.p.__delete__(other)` runs C's deleter on any \
         object",
    ),
    edge(
        "__func__",
        "the underlying function",
        "bound method, classmethod, staticmethod: the raw function, which runs on any object \
         and carries `__globals__`, `__code__`, `__closure__`",
    ),
    edge(
        "__get__",
        "a descriptor's getter",
        "property and user descriptors: `C.p.__get__(other)` runs C's getter on any object \
         and reads its private state; classmethod, staticmethod, partialmethod: \
         `__get__(None, C)` unwraps the function (see `__func__`)",
    ),
    edge(
        "__getattr__",
        "attribute lookup by string",
        "modules (PEP 562) and classes that define it: `o.__getattr__(name)` resolves a \
         run-time string, a private name too, past the verifier's checks of attribute syntax",
    ),
    edge(
        "__getattribute__",
        "attribute lookup by string",
        "every object: `object.__getattribute__(o, name)` reads an attribute named by a \
         run-time string, private and hidden ones included, on any object",
    ),
    edge(
        "__getnewargs__",
        "an object's construction arguments",
        "tuple, int, str ... and classes that define it (pickle protocol): the arguments \
         that rebuild the object, private state included where a class chose so",
    ),
    edge(
        "__getnewargs_ex__",
        "an object's construction arguments",
        "classes that define it (pickle protocol): as `__getnewargs__`, with keywords",
    ),
    edge(
        "__getstate__",
        "an object's private state",
        "every object (3.11+): its `__dict__` and slots, private names included; a module's \
         globals; the generator under a contextmanager-made context manager",
    ),
    edge(
        "__globals__",
        "a module's globals",
        "function and bound method: the defining module's globals dict, writable, with its \
         `__builtins__` and every module it imported",
    ),
    edge(
        "__kwdefaults__",
        "keyword default values",
        "function and bound method: the keyword-only defaults (`def f(*, _cap=cap)`)",
    ),
    edge(
        "__loader__",
        "a module loader",
        "module: its loader, whose get_data(path) reads any file and which executes modules",
    ),
    edge(
        "__mro__",
        "classes",
        "type: every class in the method resolution order, raw (see `__base__`)",
    ),
    edge(
        "__mro_entries__",
        "the origin class",
        "types.GenericAlias and typing aliases: `__mro_entries__(bases)` returns the raw \
         class the alias was made from",
    ),
    edge(
        "__objclass__",
        "a class",
        "method, wrapper, member, getset and classmethod descriptors and method-wrappers: \
         the class that defines them, raw",
    ),
    edge(
        "__orig_bases__",
        "the base classes",
        "classes with generic bases (typing): the bases as written, each alias leading to a \
         raw class (see `__bases__`)",
    ),
    edge(
        "__orig_class__",
        "the class of an instance",
        "instances of typing.Generic subclasses made through an alias (`C[int]()`): the \
         alias, and through it the class, as `__class__` would give",
    ),
    edge(
        "__origin__",
        "the origin class",
        "types.GenericAlias (3.9+) and typing aliases: the subscripted class, raw",
    ),
    edge("__reduce__", "an object's private state", PICKLE),
    edge("__reduce_ex__", "an object's private state", PICKLE),
    edge(
        "__replace__",
        "a code object",
        "code (3.13+): builds new code objects, as code.replace does; elsewhere \
         copy.replace(obj) is the API",
    ),
    edge(
        "__self__",
        "the bound object",
        "bound methods, builtin methods and method-wrappers: the object they are bound to \
         (for a module-level builtin function its module: `len.__self__` is builtins); \
         super: the instance",
    ),
    edge(
        "__self_class__",
        "a class",
        "super: the class of the instance it is bound to, raw",
    ),
    edge(
        "__set__",
        "a descriptor's setter",
        "property and user descriptors: `C.p.__set__(other, v)` runs C's setter on any \
         object and writes its private state",
    ),
    edge(
        "__setattr__",
        "attribute assignment by string",
        "every object: `object.__setattr__(o, name, v)` sets an attribute named by a \
         run-time string, private ones included, on any object (3.13+: also through the \
         classes of built-in exceptions)",
    ),
    edge(
        "__setstate__",
        "an object's private state",
        "functools.partial, itertools iterators (before 3.14) and classes that define it \
         (pickle protocol): replaces internal state, e.g. a partial's function and bound \
         arguments",
    ),
    edge(
        "__spec__",
        "a module spec",
        "module: its ModuleSpec, whose `loader` reads files and executes modules",
    ),
    edge(
        "__subclasses__",
        "every subclass",
        "type: `__subclasses__()` lists subclasses defined anywhere in the process; \
         `object.__subclasses__()` reaches every class, the classic sandbox escape",
    ),
    edge(
        "__thisclass__",
        "a class",
        "super: the class whose successors it searches, raw",
    ),
    edge(
        "__traceback__",
        "a traceback",
        "BaseException: the traceback, whose `tb_frame` and `tb_next` lead to the frames of \
         every failed call",
    ),
    edge(
        "__wrapped__",
        "the wrapped function",
        "functions decorated with functools.wraps, lru_cache wrappers, classmethod and \
         staticmethod (3.10+): the undecorated function, past whatever the decorator checks",
    ),
    edge(
        "ag_await",
        "an awaited object",
        "async generator: the coroutine, generator or future it is suspended on, which can \
         be driven or resolved from outside",
    ),
    edge("ag_code", "a code object", "async generator: its code"),
    edge(
        "ag_frame",
        "a frame",
        "async generator: its frame, locals included",
    ),
    edge("ag_running", "generator state", GENERATOR_STATE),
    edge("ag_suspended", "generator state", GENERATOR_STATE),
    edge_on(
        "args",
        "bound arguments",
        "functools.partial and partialmethod, contextmanager-made context managers: the \
         positional arguments bound in, the usual way a host binds a capability into a \
         callback (an exception's `args` are what it was raised with, rebuilt when it \
         crosses the membrane)",
        PARTIALS,
    ),
    edge_on(
        "buffer",
        "an underlying binary stream",
        "io.TextIOWrapper: the binary stream under a text file, and through it `raw` and the \
         OS file beneath the object a host granted",
        &[("_io", "TextIOWrapper"), ("_pyio", "TextIOWrapper")],
    ),
    edge(
        "cell_contents",
        "a closed-over value",
        "cell: the value a closure keeps secret",
    ),
    edge(
        "cr_await",
        "an awaited object",
        "coroutine and types.coroutine wrappers: the coroutine or future it is suspended \
         on, which can be driven or resolved from outside",
    ),
    edge(
        "cr_code",
        "a code object",
        "coroutine and types.coroutine wrappers: its code",
    ),
    edge(
        "cr_frame",
        "a frame",
        "coroutine and types.coroutine wrappers: its frame, locals included",
    ),
    edge(
        "cr_origin",
        "where a coroutine was created",
        "coroutine: the (file, line, function) of the frames that created it, when origin \
         tracking is on",
    ),
    edge("cr_running", "generator state", GENERATOR_STATE),
    edge("cr_suspended", "generator state", GENERATOR_STATE),
    edge("deleter", "a property's accessors", PROPERTY_COPY),
    edge(
        "detach",
        "an underlying stream or a finalizer's referent",
        "io buffered and text streams: unhooks and returns the stream underneath, breaking \
         the host's; weakref.finalize: unregisters it and returns (obj, func, args, kwargs)",
    ),
    edge_on(
        "dispatch",
        "a registered implementation",
        "functools.singledispatch functions: `dispatch(cls)` returns the implementation \
         registered for cls, raw, to call on objects of any type",
        DISPATCHERS,
    ),
    edge_on(
        "dispatcher",
        "a single-dispatch function",
        "functools.singledispatchmethod: the generic function, with `register`, `registry` \
         and `dispatch`",
        &[("functools", "singledispatchmethod")],
    ),
    edge(
        "exc_info",
        "a traceback",
        "logging.LogRecord: (type, exception, traceback) of the logged exception; handlers \
         and filters are handed records",
    ),
    edge(
        "f_back",
        "a frame",
        "frame: the caller's frame, and through it the whole stack",
    ),
    edge(
        "f_builtins",
        "the builtins",
        "frame: the builtins its code runs with (a compartment's own, or the real ones)",
    ),
    edge("f_code", "a code object", "frame: the code it runs"),
    edge(
        "f_generator",
        "a generator",
        "frame (3.14+): the generator or coroutine that owns it",
    ),
    edge(
        "f_globals",
        "a module's globals",
        "frame: the globals dict its code runs with, writable",
    ),
    edge("f_lasti", "frame state", FRAME),
    edge("f_lineno", "frame state", FRAME),
    edge(
        "f_locals",
        "a frame's local variables",
        "frame: its local variables; since 3.13 (PEP 667) a write-through proxy that \
         rewrites them in a caller or a suspended generator",
    ),
    edge(
        "f_trace",
        "a trace function",
        "frame: the trace function of a debugger or coverage tool; writable, so while one \
         is active, setting it runs code on every line of another frame",
    ),
    edge("f_trace_lines", "frame state", FRAME),
    edge("f_trace_opcodes", "frame state", FRAME),
    edge(
        "fdel",
        "a property's deleter",
        "property and types.DynamicClassAttribute: the raw deleter, to run on any object",
    ),
    edge(
        "fget",
        "a property's getter",
        "property and types.DynamicClassAttribute: the raw getter, to run on any object and \
         read its private state",
    ),
    edge(
        "fileno",
        "an OS file descriptor",
        "io file objects and sockets: the descriptor number, OS authority for any API that \
         accepts one",
    ),
    edge("format", "attribute lookup by string", REFLECTION),
    edge("format_map", "attribute lookup by string", REFLECTION),
    edge(
        "fset",
        "a property's setter",
        "property and types.DynamicClassAttribute: the raw setter, to run on any object and \
         write its private state",
    ),
    edge(
        "func",
        "the wrapped function",
        "functools.partial, partialmethod, cached_property and singledispatchmethod, \
         contextmanager-made context managers: the function they wrap, raw",
    ),
    edge_on(
        "gen",
        "a generator",
        "context managers made by contextlib.contextmanager and asynccontextmanager: the \
         (async) generator under them, with its frame",
        GENERATOR_CONTEXT_MANAGERS,
    ),
    edge(
        "get_context",
        "another task's context",
        "asyncio.Task (3.12+): `get_context()` returns the task's contextvars.Context, every \
         ContextVar value it holds, and `run` to execute in it",
    ),
    edge(
        "get_coro",
        "a coroutine",
        "asyncio.Task: `get_coro()` returns the coroutine it drives, with its frame and the \
         future it awaits",
    ),
    edge(
        "get_field",
        "attribute lookup by string",
        "string.Formatter: `get_field('0.__globals__', args, kwargs)` resolves a dotted path \
         given as a run-time string",
    ),
    edge(
        "get_loop",
        "the event loop",
        "asyncio.Future, Task and Server: the event loop, which opens sockets, starts \
         subprocesses and runs callables in threads",
    ),
    edge(
        "get_stack",
        "frames",
        "asyncio.Task: `get_stack()` returns the frames of the coroutine chain it drives",
    ),
    edge("getter", "a property's accessors", PROPERTY_COPY),
    edge(
        "gi_code",
        "a code object",
        "generator and types.coroutine wrappers: its code",
    ),
    edge(
        "gi_frame",
        "a frame",
        "generator and types.coroutine wrappers: its frame, locals included",
    ),
    edge("gi_running", "generator state", GENERATOR_STATE),
    edge("gi_suspended", "generator state", GENERATOR_STATE),
    edge(
        "gi_yieldfrom",
        "a delegated-to generator",
        "generator and types.coroutine wrappers: the iterator it delegates to with `yield \
         from`, to drive from outside",
    ),
    edge_on(
        "keywords",
        "bound keyword arguments",
        "functools.partial and partialmethod: the keyword arguments bound in (see `args`)",
        &[("functools", "partial"), ("functools", "partialmethod")],
    ),
    edge_on(
        "kwds",
        "bound keyword arguments",
        "contextmanager-made context managers: the keyword arguments of the generator \
         function call (see `args`)",
        GENERATOR_CONTEXT_MANAGERS,
    ),
    edge_on(
        "loader",
        "a module loader",
        "importlib's ModuleSpec (`module.__spec__.loader`): the loader, whose get_data(path) \
         reads any file and which executes modules",
        &[("_frozen_importlib", "ModuleSpec")],
    ),
    edge(
        "mapping",
        "the dict behind a view",
        "dict views (keys(), values(), items(); 3.10+): a read-only proxy of the whole dict, \
         the values behind a keys() view included",
    ),
    edge(
        "mro",
        "classes",
        "type: `mro()` returns every class in the method resolution order, raw (see \
         `__base__`)",
    ),
    edge(
        "obj",
        "a wrapped object",
        "memoryview: the exporting object, whole and perhaps writable where the view is a \
         read-only slice; AttributeError (3.10+): the object whose lookup failed, perhaps \
         deep in the host's code",
    ),
    edge_on(
        "peek",
        "a finalizer's referent",
        "weakref.finalize: `peek()` returns (obj, func, args, kwargs), the object watched \
         and the callback with its arguments",
        &[("weakref", "finalize")],
    ),
    edge_on(
        "raw",
        "an OS file",
        "io buffered streams: the unbuffered FileIO underneath (see `buffer`)",
        &[("_io", "_BufferedIOBase"), ("_pyio", "BufferedIOBase")],
    ),
    edge_on(
        "register",
        "registration in a shared table",
        "functools.singledispatch functions and singledispatchmethod: installs an \
         implementation every caller then runs; abc.ABCMeta: changes isinstance() for all \
         code",
        &[
            ("builtins", "function"),
            ("functools", "singledispatchmethod"),
            ("abc", "ABCMeta"),
        ],
    ),
    edge_on(
        "registry",
        "registered implementations",
        "functools.singledispatch functions: the mapping from class to implementation (see \
         `dispatch`)",
        DISPATCHERS,
    ),
    edge("setter", "a property's accessors", PROPERTY_COPY),
    edge(
        "tb_frame",
        "a frame",
        "traceback: the frame of the failed call, locals included",
    ),
    edge("tb_lasti", "traceback state", TRACEBACK),
    edge("tb_lineno", "traceback state", TRACEBACK),
    edge(
        "tb_next",
        "a traceback",
        "traceback: the next level, towards the frame that raised",
    ),
    edge("vformat", "attribute lookup by string", REFLECTION),
];

/// Prefixes: every name starting with one is an edge.
pub static HIDDEN_EDGE_PREFIXES: &[HiddenEdge] = &[
    edge(
        "co_",
        "code object internals",
        "code: `co_consts` holds nested code objects and every constant, `co_code` the \
         bytecode, `co_names` and `co_varnames` the names it uses; the set grows with each \
         release",
    ),
    edge(
        "func_",
        "function internals",
        "Python 2's function attributes (func_globals, func_closure, func_code, \
         func_defaults ...), still emulated by compatibility shims",
    ),
    edge(
        "im_",
        "method internals",
        "Python 2's method attributes (im_func, im_self, im_class), still emulated by \
         compatibility shims",
    ),
];

/// The table entry for `name`: an exact entry, else a prefix entry.
#[must_use]
pub fn hidden_edge(name: &str) -> Option<&'static HiddenEdge> {
    HIDDEN_EDGES
        .binary_search_by(|edge| edge.name.cmp(name))
        .ok()
        .map(|index| &HIDDEN_EDGES[index])
        .or_else(|| {
            HIDDEN_EDGE_PREFIXES
                .iter()
                .find(|edge| name.starts_with(edge.name))
        })
}

/// Why code the host does not trust may not use an attribute name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A leading underscore: private, protected, mangled or a dunder.
    Private,
    HiddenEdge(&'static HiddenEdge),
}

impl std::fmt::Display for Refusal {
    /// Completes a sentence about the name: "`_x` is private".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Private => f.write_str("is private"),
            Refusal::HiddenEdge(edge) => {
                write!(f, "is a hidden edge (it reaches {})", edge.reaches)
            }
        }
    }
}

/// Dunder attributes that only describe an object: its name, qualified name, module name and
/// docstring. On every object untrusted code can hold they are a string or None (bound so in
/// its own classes and modules, which the verifier and the compartment's class builder
/// check), so it may read them on any object, and write them on none.
pub const METADATA_ATTRIBUTES: [&str; 4] = ["__doc__", "__module__", "__name__", "__qualname__"];

/// What untrusted code does with an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    /// Assignment or deletion.
    Write,
}

/// Why untrusted code may not use attribute `name`, or `None` for a public name: the rule
/// the verifier enforces statically and the runtime (seals, compartments, the public audit
/// of `paths`) at run time.
#[must_use]
pub fn refusal(name: &str) -> Option<Refusal> {
    if crate::rules::is_private(name) {
        return Some(Refusal::Private);
    }
    hidden_edge(name).map(Refusal::HiddenEdge)
}

/// Why untrusted code may not read attribute `name`: as [`refusal`], but the
/// [`METADATA_ATTRIBUTES`] may be read.
#[must_use]
pub fn read_refusal(name: &str) -> Option<Refusal> {
    if METADATA_ATTRIBUTES.contains(&name) {
        return None;
    }
    refusal(name)
}

/// Why untrusted code may not `access` attribute `name` on one object: as [`refusal`] (or
/// [`read_refusal`]), but a name that is an edge only on some classes (see [`EdgeOn::Only`])
/// is refused only where `is_instance_of_any` says the object is an instance of one of them.
pub fn refusal_on(
    name: &str,
    access: Access,
    is_instance_of_any: impl FnOnce(&[(&str, &str)]) -> bool,
) -> Option<Refusal> {
    let refused = match access {
        Access::Read => read_refusal(name),
        Access::Write => refusal(name),
    };
    match refused? {
        Refusal::HiddenEdge(HiddenEdge {
            on: EdgeOn::Only(classes),
            ..
        }) if !is_instance_of_any(classes) => None,
        refused => Some(refused),
    }
}

/// A name untrusted code may use as an attribute: not private, not a hidden edge.
#[must_use]
pub fn is_public(name: &str) -> bool {
    refusal(name).is_none()
}

/// A name untrusted code may read as an attribute of any object: a public one, or metadata.
#[must_use]
pub fn is_readable(name: &str) -> bool {
    read_refusal(name).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_names_are_neither_private_nor_hidden_edges() {
        assert!(is_public("forecast"));
        assert_eq!(refusal("_x"), Some(Refusal::Private));
        assert_eq!(refusal("__dict__"), Some(Refusal::Private));
        assert_eq!(
            refusal("gi_frame").unwrap().to_string(),
            "is a hidden edge (it reaches a frame)"
        );
        assert!(!is_public("co_consts"));
    }

    #[test]
    fn exact_names_are_sorted_and_unique() {
        for pair in HIDDEN_EDGES.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "`{}` must come after `{}`",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn no_exact_name_is_covered_by_a_prefix() {
        for exact in HIDDEN_EDGES {
            for prefix in HIDDEN_EDGE_PREFIXES {
                assert!(
                    !exact.name.starts_with(prefix.name),
                    "`{}` is already covered by the prefix `{}`",
                    exact.name,
                    prefix.name
                );
            }
        }
    }

    #[test]
    fn every_entry_says_what_it_reaches_and_why() {
        for edge in HIDDEN_EDGES.iter().chain(HIDDEN_EDGE_PREFIXES) {
            assert!(!edge.name.is_empty());
            assert!(!edge.reaches.trim().is_empty(), "`{}`", edge.name);
            assert!(!edge.reason.trim().is_empty(), "`{}`", edge.name);
        }
    }

    #[test]
    fn looks_up_exact_and_prefix_entries() {
        for name in ["f_back", "cell_contents", "__globals__", "mro", "format"] {
            assert_eq!(hidden_edge(name).map(|edge| edge.name), Some(name));
        }
        assert_eq!(
            hidden_edge("co_anything").map(|edge| edge.name),
            Some("co_")
        );
        assert_eq!(
            hidden_edge("func_globals").map(|edge| edge.name),
            Some("func_")
        );
        assert_eq!(hidden_edge("im_self").map(|edge| edge.name), Some("im_"));
    }

    #[test]
    fn leaves_ordinary_names_to_other_rules() {
        // A prefix needs its underscore: `function`, `code` and `image` are ordinary names.
        for name in [
            "append",
            "name",
            "value",
            "keys",
            "replace",
            "function",
            "code",
            "image",
            "",
            "_private",
            "__dict__",
            "__class__",
            "__init__",
            "__call__",
        ] {
            assert!(
                hidden_edge(name).is_none(),
                "`{name}` must not be in the table"
            );
        }
    }
}
