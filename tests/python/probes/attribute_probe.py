"""Measure which attributes of CPython's built-in objects lead to hidden state.

Builds a specimen of every type in ``builtins`` and ``types`` and of the
objects known to hide something (functions, frames, generators, exceptions,
functools and contextlib wrappers, asyncio tasks, io streams ...), reads every
attribute of each (what ``dir()`` lists, the metaclass's names for a class, and
a few names ``dir()`` may hide), makes a few zero-argument calls that matter,
and reports every (type, attribute) whose value is, or holds one level down
(tuple, list or mapping values), one of:

    frame      a frame (f_back, f_locals, f_globals: the whole stack)
    code       a code object
    cell       a closure cell
    globals    some module's globals dict
    builtins   the builtins module or its dict
    traceback  a traceback (tb_frame: the frames of the failed calls)
    generator  a generator, coroutine or async generator (it carries a frame)

Standalone on purpose: standard library only, Python 3.8 syntax, no ocapy
import, so that tests/python/test_attribute_table.py can run it under every
CPython installed. Prints ``{"python": "3.x.y", "edges": [...]}`` as JSON.
Writes nothing but a temporary directory, which it removes.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import contextvars
import functools
import importlib.util
import io
import itertools
import json
import logging
import operator
import os
import platform
import re
import string
import sys
import tempfile
import types
import warnings
import weakref
from typing import Any, Iterator, List, Set, Tuple

# Names read on every specimen although dir() may not list them: objects can
# forward attributes (weakref proxies, wrappers) or hide them behind __dir__.
HIDDEN_NAMES = (
    "__builtins__", "__closure__", "__code__", "__context__", "__cause__",
    "__func__", "__globals__", "__self__", "__traceback__", "__wrapped__",
    "ag_await", "ag_code", "ag_frame", "cell_contents", "cr_await", "cr_code",
    "cr_frame", "f_back", "f_builtins", "f_code", "f_globals", "f_locals",
    "gi_code", "gi_frame", "gi_yieldfrom", "tb_frame", "tb_next",
)

# Zero-argument calls whose result is itself an edge. Not `mro` (it returns
# classes, which this probe does not classify) and not `replace` (code.replace
# is an edge, but the name is str.replace everywhere else; `__replace__` stands
# for it). Destructive calls such as `detach` are never made.
CALLS = ("__getstate__", "__replace__", "get_coro", "get_stack")

MODULE_SOURCE = '''\
import os


def public_function():
    return os.sep
'''

# dict before 3.13, FrameLocalsProxy since (PEP 667).
FRAME_LOCALS_TYPE = type((lambda: sys._getframe().f_locals)())
CONTAINERS = (tuple, list)
MAPPINGS = (dict, types.MappingProxyType, FRAME_LOCALS_TYPE)
GENERATORS = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType)


class Classifier:
    """Says which kinds of hidden state a value is or holds."""

    def __init__(self, extra_modules: List[types.ModuleType]) -> None:
        self.extra_modules = extra_modules
        self.module_dicts: dict = {}
        self.modules_seen = -1

    def _is_globals(self, value: Any) -> bool:
        # Modules imported while probing count too: refresh on a change.
        if len(sys.modules) != self.modules_seen:
            self.modules_seen = len(sys.modules)
            for module in list(sys.modules.values()) + self.extra_modules:
                namespace = getattr(module, "__dict__", None)
                if type(namespace) is dict:
                    self.module_dicts[id(namespace)] = namespace
        return self.module_dicts.get(id(value)) is value

    def kind(self, value: Any) -> str | None:
        # Exact type checks only: isinstance() may consult __class__ or an
        # ABC's __subclasscheck__, which misbehave on half-built types (3.10's
        # line_iterator has no __class__; an ABC check on it crashes).
        cls = type(value)
        if cls is types.FrameType:
            return "frame"
        if cls is types.CodeType:
            return "code"
        if cls is types.CellType:
            return "cell"
        if cls is types.TracebackType:
            return "traceback"
        if cls in GENERATORS:
            return "generator"
        if value is builtins or value is builtins.__dict__:
            return "builtins"
        if cls is dict and self._is_globals(value):
            return "globals"
        return None

    def kinds(self, value: Any) -> Set[str]:
        found = {self.kind(value)}
        cls = type(value)
        try:
            if issubclass(cls, CONTAINERS):
                found.update(self.kind(item) for item in list(value))
            elif issubclass(cls, MAPPINGS):
                found.update(self.kind(item) for item in list(value.values()))
        except Exception:
            pass
        found.discard(None)
        return found


def type_name(obj: Any) -> str:
    """`module.Qualname` of obj's type, or of obj itself plus " (class)"."""
    cls = type(obj)
    if issubclass(cls, type):
        cls, suffix = obj, " (class)"
    else:
        suffix = ""
    module = getattr(cls, "__module__", None)
    name = getattr(cls, "__qualname__", cls.__name__)
    if module in (None, "builtins"):
        return name + suffix
    return "%s.%s%s" % (module, name, suffix)


def attribute_names(obj: Any) -> Set[str]:
    names = set(HIDDEN_NAMES)
    for source in (obj, type(obj)):
        try:
            names.update(dir(source))
        except Exception:
            pass
    return names


def probe(specimen: Any, classifier: Classifier) -> Iterator[Tuple[str, str]]:
    """Yield (attribute, kind) for each edge of one specimen."""
    for name in sorted(attribute_names(specimen)):
        try:
            value = getattr(specimen, name)
        except Exception:
            continue
        for kind in classifier.kinds(value):
            yield name, kind
        if name in CALLS and callable(value):
            try:
                result = value()
            except Exception:
                continue
            for kind in classifier.kinds(result):
                yield name, kind


# --- specimens -------------------------------------------------------------


class Plain:
    """A user class: instances, bound methods, descriptors, super()."""

    attribute = 1

    def method(self) -> int:
        return self.attribute

    @classmethod
    def class_method(cls) -> type:
        return cls

    @staticmethod
    def static_method() -> None:
        return None

    @property
    def prop(self) -> int:
        return self.attribute

    @prop.setter
    def prop(self, value: int) -> None:
        self.attribute = value

    @prop.deleter
    def prop(self) -> None:
        pass

    @functools.cached_property
    def cached(self) -> int:
        return 1

    @functools.singledispatchmethod
    def dispatching(self, arg: object) -> None:
        return None

    partial_method = functools.partialmethod(method)


class Sub(Plain):
    __slots__ = ("slot",)

    def method(self) -> int:
        return super().method()


class Sequence:
    """Iterated through __getitem__: a plain `iterator`."""

    def __getitem__(self, index: int) -> int:
        raise IndexError(index)


def make_closure() -> types.FunctionType:
    secret = object()

    def reader(a: int, b: int = 1, *, c: int = 2) -> object:
        def nested() -> int:
            return a

        return secret, nested

    return reader


def inner_generator() -> Iterator[int]:
    yield 1


def outer_generator() -> Iterator[int]:
    yield from inner_generator()


@types.coroutine
def suspend() -> Iterator[None]:
    yield


async def inner_coroutine() -> None:
    await suspend()


async def outer_coroutine() -> None:
    await inner_coroutine()


async def async_generator() -> Any:
    await suspend()
    yield 1


def run_to_completion(awaitable: Any) -> None:
    """Drive an awaitable that never waits on an event loop."""
    try:
        awaitable.send(None)
    except StopIteration:
        return
    raise AssertionError("%r suspended" % awaitable)


@contextlib.contextmanager
def context_manager(*args: Any, **kwargs: Any) -> Iterator[None]:
    yield


@contextlib.asynccontextmanager
async def async_context_manager() -> Any:
    yield


def raise_chained() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("outer") from exc


def raise_in_handler() -> None:
    try:
        raise KeyError("inner")
    except KeyError:
        raise TypeError("context")


def throw(exc: BaseException) -> None:
    raise exc


def caught(function: Any, *args: Any) -> BaseException:
    try:
        function(*args)
    except Exception as exc:
        return exc
    raise AssertionError("%r did not raise" % function)


def type_specimens() -> List[Any]:
    """Every type in builtins and types, and an instance where one is free."""
    classes = []
    for namespace in (vars(builtins), vars(types)):
        for value in namespace.values():
            if isinstance(value, type) and value not in classes:
                classes.append(value)
    specimens: List[Any] = list(classes)
    for cls in classes:
        try:
            specimens.append(cls())
        except Exception:
            pass
    return specimens


def function_specimens() -> List[Any]:
    reader = make_closure()
    plain = Plain()

    @functools.wraps(reader)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return reader(*args, **kwargs)

    generic = functools.singledispatch(reader)
    generic.register(int, lambda arg: arg)
    return [
        reader, wrapper, generic, reader.__closure__[0], reader.__code__,
        lambda: None, plain, plain.method, Plain.class_method, Sub(),
        super(Sub, Sub()), len, [].append, "{0}".format, (1).__add__,
        int.__add__, str.join, vars(dict)["fromkeys"],
        vars(types.FunctionType)["__code__"],
        vars(types.FunctionType)["__globals__"], vars(Sub)["slot"],
        vars(Plain)["class_method"], vars(Plain)["static_method"],
        vars(Plain)["prop"], vars(Plain)["cached"], vars(Plain)["dispatching"],
        vars(Plain)["partial_method"], Plain.__dict__,
        functools.partial(reader, 1, c=3), functools.lru_cache(maxsize=8)(reader),
        functools.cmp_to_key(lambda a, b: 0)(1),
        operator.attrgetter("real"), operator.itemgetter(0),
        operator.methodcaller("count", 1), string.Formatter(),
        string.Template("$x"),
    ]


def generator_specimens(cleanup: contextlib.ExitStack) -> List[Any]:
    fresh = outer_generator()
    delegating = outer_generator()
    next(delegating)
    finished = outer_generator()
    list(finished)
    coroutine = outer_coroutine()
    coroutine.send(None)
    wrapped = types.coroutine(lambda: outer_generator())()
    agen = async_generator()
    asend = agen.asend(None)
    asend.send(None)
    athrow = agen.athrow(ValueError)
    for closable in (fresh, delegating, coroutine, athrow):
        cleanup.callback(closable.close)
    cleanup.callback(lambda: run_to_completion(agen.aclose()))
    cleanup.callback(run_to_completion, asend)  # first: agen reaches its yield
    return [
        fresh, delegating, finished,
        delegating.gi_frame, delegating.gi_frame.f_locals,  # a suspended frame
        coroutine, coroutine.__await__(),
        wrapped, agen, asend, athrow,
    ]


def exception_specimens() -> List[Any]:
    specimens = [
        caught(raise_chained), caught(raise_in_handler),
        caught(getattr, object(), "missing"), caught(next, iter([])),
        caught(compile, "(", "<probe>", "exec"),
        caught(bytes.decode, b"\xff", "utf-8"),
        caught(importlib.import_module, "ocapy_probe_no_such_module"),
        caught(eval, "ocapy_probe_undefined_name", {}),
    ]
    group = getattr(builtins, "ExceptionGroup", None)
    if group is not None:
        specimens.append(caught(throw, group("group", [ValueError(), KeyError()])))
    traceback = specimens[0].__traceback__
    record = logging.LogRecord(
        "probe", logging.ERROR, __file__, 1, "message", None,
        (type(specimens[0]), specimens[0], traceback),
    )
    finished_frame = traceback.tb_next.tb_frame
    return specimens + [traceback, finished_frame, record]


def collection_specimens() -> List[Any]:
    mapping = {"key": "value"}
    values = [1, 2]
    buffer = bytearray(b"abcdef")
    specimens = [
        mapping.keys(), mapping.values(), mapping.items(), iter(mapping),
        iter(mapping.values()), iter(mapping.items()), reversed(values),
        iter(values), iter(()), iter({1}), iter(range(2)), iter("ab"),
        iter(b"ab"), iter(buffer), iter(Sequence()), iter(lambda: 0, 1),
        range(3), slice(1, 2), memoryview(b"abc"),
        memoryview(buffer)[1:3].toreadonly(), enumerate(values),
        zip(values, values), map(str, values), filter(None, values),
        itertools.count(), itertools.chain(values), itertools.groupby(values),
        itertools.starmap(pow, [(2, 3)]), itertools.accumulate(values),
        itertools.tee(values)[0], None, NotImplemented, Ellipsis,
    ]
    if sys.version_info >= (3, 9):
        specimens.append(list.__class_getitem__(int))
    if sys.version_info >= (3, 10):
        specimens.append(operator.or_(int, str))
    return specimens


def weakref_specimens() -> List[Any]:
    target = Plain()
    return [
        target, weakref.ref(target, lambda ref: None), weakref.proxy(target),
        weakref.proxy(Plain), weakref.WeakMethod(target.method),
        weakref.finalize(target, len, ()), weakref.WeakValueDictionary({1: target}),
        weakref.WeakKeyDictionary({target: 1}), weakref.WeakSet([target]),
    ]


def context_specimens(cleanup: contextlib.ExitStack) -> List[Any]:
    entered = context_manager(1, keyword=2)
    entered.__enter__()
    cleanup.callback(entered.__exit__, None, None, None)
    exit_stack = contextlib.ExitStack()  # never closed: its callback never runs
    exit_stack.callback(len, ())
    variable = contextvars.ContextVar("probe")
    token = variable.set(1)
    return [
        context_manager(1, keyword=2), entered, async_context_manager(),
        exit_stack, contextlib.AsyncExitStack(), contextlib.suppress(KeyError),
        contextlib.redirect_stdout(io.StringIO()), contextlib.closing(entered),
        contextlib.nullcontext(1), variable, token, contextvars.copy_context(),
    ]


def asyncio_specimens(cleanup: contextlib.ExitStack) -> List[Any]:
    loop = asyncio.new_event_loop()
    cleanup.callback(loop.close)
    future = loop.create_future()

    async def waiter() -> None:
        await future

    task = loop.create_task(waiter())
    loop.run_until_complete(asyncio.sleep(0))  # the task now waits on future

    def finish() -> None:
        future.set_result(None)
        loop.run_until_complete(task)

    cleanup.callback(finish)
    return [future, task]


def file_specimens(cleanup: contextlib.ExitStack, directory: str) -> List[Any]:
    path = os.path.join(directory, "specimen.txt")
    with open(path, "w") as file:
        file.write("text\n")
    streams = [
        open(path, "r+"), open(path, "rb"), open(path, "r+b"),
        open(os.path.join(directory, "written.bin"), "wb"),
        open(path, "rb", buffering=0),
        io.BufferedRWPair(io.BytesIO(), io.BytesIO()),
        io.BytesIO(b"bytes"), io.StringIO("text"),
    ]
    for stream in streams:
        cleanup.enter_context(stream)
    pattern = re.compile(r"(t)ext")
    return streams + [
        io.IncrementalNewlineDecoder(None, True), pattern,
        pattern.match("text"), pattern.scanner("text"),
    ]


def load_module(directory: str) -> types.ModuleType:
    path = os.path.join(directory, "ocapy_probe_specimen.py")
    with open(path, "w") as file:
        file.write(MODULE_SOURCE)
    spec = importlib.util.spec_from_file_location("ocapy_probe_specimen", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    warnings.simplefilter("ignore")  # deprecated attributes, never-awaited coroutines
    with contextlib.ExitStack() as cleanup:
        directory = cleanup.enter_context(tempfile.TemporaryDirectory())
        module = load_module(directory)
        specimens = (
            type_specimens() + function_specimens()
            + generator_specimens(cleanup) + exception_specimens()
            + collection_specimens() + weakref_specimens()
            + context_specimens(cleanup) + asyncio_specimens(cleanup)
            + file_specimens(cleanup, directory)
            + [module, module.__spec__, module.__spec__.loader]
            + [sys._getframe()]  # a frame executing while it is probed
        )
        classifier = Classifier([module])
        edges = set()
        for specimen in specimens:
            name = type_name(specimen)
            for attribute, kind in probe(specimen, classifier):
                edges.add((name, attribute, kind))
    json.dump(
        {
            "python": platform.python_version(),
            "edges": [
                {"type": name, "attribute": attribute, "kind": kind}
                for name, attribute, kind in sorted(edges)
            ],
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
