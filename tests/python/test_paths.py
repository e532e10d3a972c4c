"""ocapy.paths: routes through the object graph, each a Python expression for the target."""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
import threading
import types
import warnings
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

import ocapy


def evaluate(path: ocapy.Path, source: object) -> object:
    """What the printed expression evaluates to, with `x` bound to the source."""
    return eval(path.expr("x"), {"x": source, "gc": gc, "sys": sys})  # noqa: S307


def assert_true_routes(routes: list[ocapy.Path], source: object, target: object) -> None:
    assert routes, "expected at least one route"
    for path in routes:
        assert evaluate(path, source) is target, path.expr("x")


def fresh(text: str) -> str:
    """A str object of its own (not interned, not a constant of any code object)."""
    return "".join(list(text))


# The post's first example: the greeter's expected name, read from the callback's caller.


def make_greeter(expected_name: str) -> Callable[[str], bool]:
    def greet(name: str) -> bool:
        return name == expected_name

    return greet


def host(callback: Callable[[], object]) -> object:
    greet = make_greeter(fresh("Alice"))
    assert greet("Alice")
    return callback()


def test_greeter_expected_name_through_the_callers_frame() -> None:
    def callback() -> list[str]:
        frame = sys._getframe()
        caller = frame.f_back
        assert caller is not None
        target = caller.f_locals["greet"].__closure__[0].cell_contents
        routes = ocapy.paths(frame, target, limit=50)
        assert_true_routes(routes, frame, target)
        return [path.expr("x") for path in routes]

    expressions = host(callback)
    assert isinstance(expressions, list)
    assert "x.f_back.f_locals['greet'].__closure__[0].cell_contents" in expressions


# The post's second example: a generated class whose __getattr__ closes over a decorated
# function, whose underlying function's closure holds the value: three closures deep.


def build_lazy_module() -> tuple[types.ModuleType, object]:
    secret = fresh("tensorboard-token")

    def underlying() -> str:
        return secret

    def decorate(function: Callable[[], str]) -> Callable[[], str]:
        audit_log: list[str] = []

        def decorated() -> str:
            audit_log.append("called")
            return function()

        return decorated

    def make_getattr(load: Callable[[], str]) -> Callable[[object, str], str]:
        def __getattr__(self: object, name: str) -> str:
            return load()

        return __getattr__

    lazy = type("LazyModule", (types.ModuleType,), {"__getattr__": make_getattr(decorate(underlying))})
    return lazy("program"), secret


def test_value_three_closures_deep_in_a_generated_class() -> None:
    module, secret = build_lazy_module()
    # Twelve references: type, its dict, the function, then (tuple, cell, object) thrice.
    assert ocapy.paths(module, secret, max_depth=11) == []
    routes = ocapy.paths(module, secret, max_depth=12)
    assert_true_routes(routes, module, secret)
    assert routes[0].expr("program") == (
        "type(program).__getattr__.__closure__[0].cell_contents"
        ".__closure__[1].cell_contents.__closure__[0].cell_contents"
    )
    kinds = [step.kind for step in routes[0].steps]
    assert kinds[0] == "type"
    assert kinds[1:3] == ["attribute", "attribute"]
    assert [step.key for step in routes[0].steps][1:4] == ["__getattr__", "__closure__", 0]


def test_search_runs_none_of_the_objects_code() -> None:
    calls: list[str] = []

    class Trap:
        def __getattribute__(self, name: str) -> Any:
            calls.append(f"getattribute {name}")
            return object.__getattribute__(self, name)

        def __getattr__(self, name: str) -> Any:
            calls.append(f"getattr {name}")
            raise AttributeError(name)

        def __eq__(self, other: object) -> bool:
            calls.append("eq")
            return False

        def __hash__(self) -> int:
            calls.append("hash")
            return 1

        def __repr__(self) -> str:
            calls.append("repr")
            return "Trap"

        @property
        def computed(self) -> object:
            calls.append("property")
            return secret

    secret = fresh("secret")
    trap = Trap()
    key = Trap()
    trap.__dict__["store"] = {key: [secret], "plain": key}
    calls.clear()
    routes = ocapy.paths(trap, secret)
    assert calls == []
    assert routes
    # A class that intercepts attribute reads is never written `.name`: the route goes
    # through what reads the slot regardless.
    for path in routes:
        assert ".store" not in path.expr("x")
    assert_true_routes(routes, trap, secret)
    assert "x.__dict__" not in routes[0].expr("x")


def test_no_audit_event_is_raised_while_searching() -> None:
    events: list[str] = []
    recording = False

    def hook(event: str, arguments: tuple[object, ...]) -> None:
        if recording:
            events.append(event)

    sys.addaudithook(hook)
    secret = fresh("secret")

    def generator() -> Iterator[str]:
        hidden = secret
        yield hidden

    suspended = generator()
    next(suspended)
    try:
        raise ValueError(secret)
    except ValueError as error:
        caught = error
    frame = sys._getframe()
    recording = True
    try:
        for source in (suspended, caught, caught.__traceback__, generator, frame):
            ocapy.paths(source, secret, max_depth=4)
    finally:
        recording = False
    assert events == []


def test_no_path_is_an_empty_list() -> None:
    holder = {"a": [1, 2, 3]}
    assert ocapy.paths(holder, object()) == []


def test_the_source_itself_is_a_route_of_no_steps() -> None:
    source = [1]
    (route,) = ocapy.paths(source, source)
    assert len(route) == 0
    assert route.expr("root") == "root"


def test_cycles_end_and_routes_never_repeat_an_object() -> None:
    secret = fresh("secret")
    first: dict[str, object] = {}
    second: dict[str, object] = {"back": first, "secret": secret}
    first["next"] = second
    first["self"] = first
    routes = ocapy.paths(first, secret, limit=10)
    assert_true_routes(routes, first, secret)
    assert routes[0].expr("x") == "x['next']['secret']"
    for path in routes:
        assert path.expr("x").count("['self']") == 0


def test_routes_come_shortest_first_up_to_limit() -> None:
    secret = fresh("secret")
    source = {"near": secret, "far": [[secret]], "middle": [secret], "other": [secret]}
    routes = ocapy.paths(source, secret)
    lengths = [len(path) for path in routes]
    assert lengths == sorted(lengths)
    assert [path.expr("x") for path in routes][:1] == ["x['near']"]
    assert {path.expr("x") for path in routes} >= {"x['far'][0][0]", "x['middle'][0]"}
    assert len(ocapy.paths(source, secret, limit=2)) == 2


def test_a_dense_graph_with_a_huge_limit_stays_bounded() -> None:
    secret = fresh("secret")
    lists: list[list[object]] = [[] for _ in range(40)]
    for each in lists:
        each.extend(other for other in lists if other is not each)
        each.append(secret)
    routes = ocapy.paths(lists[0], secret, limit=10**9)
    expressions = [path.expr("x") for path in routes]
    assert expressions[0] == "x[39]"
    assert len(set(expressions)) == len(expressions) > 1000
    lengths = [len(path) for path in routes]
    assert lengths == sorted(lengths)
    for path in routes[::97]:
        assert evaluate(path, lists[0]) is secret


def test_max_depth_bounds_the_routes() -> None:
    secret = fresh("secret")
    source = [[[[secret]]]]
    assert ocapy.paths(source, secret, max_depth=3) == []
    (route,) = ocapy.paths(source, secret, max_depth=4)
    assert route.expr("x") == "x[0][0][0][0]"


def build_heap(size: int) -> tuple[list[object], str]:
    """About `size` objects: lists, dicts, functions and closures, the secret at the end."""
    secret = fresh("needle")
    chunks: list[object] = []
    for index in range(size // 10):

        def closure(value: int = index) -> int:
            return value

        chunks.append([{"i": index, "f": closure}, [index, str(index)], (closure,)])
    chunks.append({"deep": [secret]})
    return chunks, secret


def test_a_million_objects_within_max_objects() -> None:
    heap, secret = build_heap(1_000_000)
    with pytest.raises(ocapy.SearchIncomplete, match="after visiting 10000 objects"):
        ocapy.paths(heap, secret, max_objects=10_000)
    routes = ocapy.paths(heap, secret, limit=1)
    assert [path.expr("heap") for path in routes] == [f"heap[{len(heap) - 1}]['deep'][0]"]
    assert evaluate(routes[0], heap) is secret


def test_another_thread_mutating_the_graph_during_searches() -> None:
    secret = fresh("secret")
    shared: dict[str, Any] = {"items": [], "stable": {"secret": secret}}
    stop = threading.Event()

    def mutate() -> None:
        counter = 0
        while not stop.is_set():
            counter += 1
            shared["items"].append([counter, {"n": counter}])
            if len(shared["items"]) > 200:
                shared["items"] = shared["items"][100:]
            shared[f"key{counter % 50}"] = [counter] * 3

    worker = threading.Thread(target=mutate)
    worker.start()
    try:
        for _ in range(50):
            routes = ocapy.paths(shared, secret, limit=3)
            assert routes[0].expr("x") == "x['stable']['secret']"
    finally:
        stop.set()
        worker.join()


def test_collector_state_is_restored() -> None:
    assert gc.isenabled()
    ocapy.paths([1], 1)
    assert gc.isenabled()
    gc.disable()
    try:
        ocapy.paths([1], 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_reference_counts_are_unchanged_after_many_searches() -> None:
    secret = fresh("secret")
    source = {"a": [secret], "b": (secret,), "c": {secret}}
    frame = sys._getframe()

    def search_all_ways(round: int) -> None:
        ocapy.paths(source, secret)
        ocapy.paths(source, object(), edges="public")
        ocapy.paths(frame, secret, max_depth=2)
        if round % 20 == 0:
            ocapy.paths(ocapy.ROOTS, secret, max_depth=3)

    # The first search from a frame fills its f_locals snapshot (as reading f_locals does).
    search_all_ways(0)
    before = (sys.getrefcount(secret), sys.getrefcount(source), sys.getrefcount(source["a"]))
    for round in range(400):
        search_all_ways(round)
    after = (sys.getrefcount(secret), sys.getrefcount(source), sys.getrefcount(source["a"]))
    assert before == after


# Edges of each kind of object, each route checked by evaluating it.


class Slotted:
    __slots__ = ("public", "_private")

    def __init__(self, public: object, private: object) -> None:
        self.public = public
        self._private = private


class Shadowed:
    """A property named like an instance-dict key: `x.value` would run the property."""

    @property
    def value(self) -> str:
        return "computed"


class Plain:
    CLASS_CONSTANT: object = None

    def method(self) -> None:
        pass


def zoo(secret: str) -> list[object]:
    def suspended_generator() -> Generator[None, None, None]:
        local = secret
        yield
        print(local)

    generator = suspended_generator()
    next(generator)

    async def coroutine_function() -> str:
        value = secret
        await asyncio.sleep(0)
        return value

    coroutine = coroutine_function()
    coroutine.send(None)  # suspended at the sleep, `value` set
    shadowed = Shadowed()
    shadowed.__dict__["value"] = secret
    plain = Plain()
    plain.attribute = secret

    class WithConstant:
        CONSTANT = secret

    def with_default(argument: str = secret) -> str:
        return argument

    def with_keyword_default(*, argument: str = secret) -> str:
        return argument

    class SubList(list[object]):
        def __getitem__(self, index: Any) -> Any:
            raise AssertionError("never called")

    class SubDict(dict[object, object]):
        pass

    try:
        raise KeyError(secret)
    except KeyError as error:
        exception = error

    objects: list[object] = [
        generator,
        coroutine,
        shadowed,
        plain.method,
        WithConstant,
        WithConstant(),
        with_default,
        with_keyword_default,
        functools.partial(print, secret),
        property(lambda self: None, doc=secret),
        staticmethod(with_default),
        Slotted(secret, None),
        Slotted(None, secret),
        SubList([secret]),
        SubDict(key=secret),
        {object(): secret},
        {secret: 1},
        {secret},
        frozenset([secret]),
        exception,
        types.SimpleNamespace(deep=[(secret,)]),
    ]
    return objects


@pytest.mark.parametrize("index", range(len(zoo(""))))
def test_every_kind_of_reference_is_written_truthfully(index: int) -> None:
    secret = fresh("zoo-secret")
    source = zoo(secret)[index]
    routes = ocapy.paths(source, secret)
    assert_true_routes(routes, source, secret)


def test_readable_steps_for_common_references() -> None:
    secret = fresh("secret")
    sources = zoo(secret)
    expressions = {
        index: ocapy.paths(source, secret, limit=1)[0].expr("x") for index, source in enumerate(sources)
    }
    expected = {
        2: "x.__dict__['value']",
        3: "x.__self__.attribute",
        6: "x.__defaults__[0]",
        7: "x.__kwdefaults__['argument']",
        8: "x.args[0]",
        11: "x.public",
        12: "x._private",
        13: "list.__getitem__(x, 0)",
        14: "dict.__getitem__(x, 'key')",
        15: "list(x.values())[0]",
        16: "list(x)[0]",
        19: "x.args[0]",
        20: "x.deep[0][0]",
    }
    assert {index: expressions[index] for index in expected} == expected


def test_a_member_descriptor_copied_to_another_class_is_not_read_from_it() -> None:
    class Owner:
        __slots__ = ("slot",)

    class Borrower:
        stolen = Owner.__dict__["slot"]

        def __init__(self, value: object) -> None:
            self.value = value

    secret = fresh("secret")
    borrower = Borrower([secret])
    routes = ocapy.paths(borrower, secret)
    assert [path.expr("x") for path in routes][:1] == ["x.value[0]"]
    assert_true_routes(routes, borrower, secret)
    assert ocapy.paths(borrower, secret, edges="public")


def test_names_that_are_not_identifiers_are_quoted_as_python_does() -> None:
    secret = fresh("secret")
    namespace = types.SimpleNamespace()
    namespace.__dict__["it's a \\ name"] = secret
    namespace.__dict__["class"] = [secret]
    routes = ocapy.paths(namespace, secret)
    assert [path.expr("x") for path in routes] == [
        "x.__dict__[\"it's a \\\\ name\"]",
        "x.__dict__['class'][0]",
    ]
    assert_true_routes(routes, namespace, secret)


def test_routes_found_anywhere_in_the_process_are_true() -> None:
    """Random objects of this interpreter as targets, from every module and thread."""
    import random

    generator = random.Random(6)
    objects = gc.get_objects()
    # Values of public module attributes, which some route surely reaches, and anything.
    modules = sorted(name for name, module in sys.modules.items() if isinstance(module, types.ModuleType))
    attributes = [
        value
        for name in generator.sample(modules, 15)
        for key, value in sorted(vars(sys.modules[name]).items())[:3]
        if not key.startswith("_")
    ]
    here = f"sys._current_frames()[{threading.get_ident()}]"
    checked = 0
    for edges in ("all", "public"):
        for target in generator.sample(objects, 25) + attributes:
            try:
                routes = ocapy.paths(ocapy.ROOTS, target, edges=edges, max_depth=4, limit=3, max_objects=200_000)
            except ocapy.SearchIncomplete:
                continue
            for path in routes:
                if here not in path.expr():
                    checked += 1
                    with warnings.catch_warnings():  # reading a deprecated module attribute
                        warnings.simplefilter("ignore", DeprecationWarning)
                        found = eval(path.expr(), {"sys": sys, "gc": gc})  # noqa: S307
                    assert found is target, path.expr()
    assert checked > 10


def test_a_class_dict_itself_is_not_written_as_its_mappingproxy() -> None:
    class Holder:
        pass

    (raw,) = (referent for referent in gc.get_referents(Holder) if type(referent) is dict)
    routes = ocapy.paths(Holder, raw, limit=1)
    assert routes[0].expr("x").startswith("gc.get_referents(x)[")
    assert_true_routes(routes, Holder, raw)
    secret = fresh("secret")
    Holder.secret = secret  # type: ignore[attr-defined]
    assert ocapy.paths(Holder, secret, limit=1)[0].expr("x") == "x.secret"


def test_steps_as_data() -> None:
    secret = fresh("secret")
    source = {"key": [types.SimpleNamespace(name=secret)]}
    (route,) = ocapy.paths(source, secret, limit=1)
    assert [(step.kind, step.key, step.type_name) for step in route.steps] == [
        ("item", "key", "list"),
        ("index", 0, "types.SimpleNamespace"),
        ("attribute", "name", "str"),
    ]
    expression = "source"
    for step in route.steps:
        expression = step.apply(expression)
    assert expression == route.expr("source") == "source['key'][0].name"
    assert repr(route) == "<Path x['key'][0].name>"


def test_unnamed_references_fall_back_to_gc_get_referents() -> None:
    secret = fresh("secret")
    source = iter([secret])
    (route,) = ocapy.paths(source, secret, limit=1)
    assert route.expr("x") == "gc.get_referents(x)[0][0]"
    assert route.steps[0].kind == "referent"
    assert evaluate(route, source) is secret


# ROOTS: everything loaded, every thread's frames.


def test_roots_reach_a_module_attribute() -> None:
    secret = fresh("module-secret")
    module = types.ModuleType("ocapy_test_roots_module")
    module.SECRET = secret  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        routes = ocapy.paths(ocapy.ROOTS, secret, max_depth=2, limit=20)
    finally:
        del sys.modules[module.__name__]
        expressions = [path.expr() for path in routes]
        del module
    assert "sys.modules['ocapy_test_roots_module'].SECRET" in expressions
    assert routes[0].steps[0].kind in {"module", "thread"}
    assert repr(ocapy.ROOTS) == "ocapy.ROOTS"


def test_roots_reach_another_threads_local() -> None:
    ready = threading.Event()
    release = threading.Event()
    box: list[object] = []

    def worker() -> None:
        local_secret = fresh("thread-secret")
        box.append(id(local_secret))
        ready.set()
        release.wait()
        assert local_secret

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        ready.wait()
        frame = sys._current_frames()[thread.ident]  # type: ignore[index]
        while frame is not None and frame.f_code is not worker.__code__:
            frame = frame.f_back
        assert frame is not None
        secret = frame.f_locals["local_secret"]
        del frame
        routes = ocapy.paths(ocapy.ROOTS, secret, max_depth=3, limit=20)
        expressions = [path.expr() for path in routes]
        assert any(
            expression.startswith(f"sys._current_frames()[{thread.ident}]")
            and expression.endswith(".f_locals['local_secret']")
            for expression in expressions
        ), expressions
        # A route from this thread starts at whatever frame runs the evaluation; the
        # others hold while the worker waits.
        here = f"sys._current_frames()[{threading.get_ident()}]"
        for path in routes:
            if here not in path.expr():
                assert eval(path.expr(), {"sys": sys, "gc": gc}) is secret, path.expr()  # noqa: S307
    finally:
        release.set()
        thread.join()


# edges="public": what verified code can follow.


class Grant:
    def __init__(self, secret: object, config: object) -> None:
        self._secret = secret
        self.config = config


def test_public_edges_find_a_secret_behind_public_state() -> None:
    secret = fresh("api-token")
    config = types.SimpleNamespace(tokens={"api": [secret]})
    grant = Grant(object(), config)
    (route,) = ocapy.paths(grant, secret, edges="public", limit=1)
    assert route.expr("grant") == "grant.config.tokens['api'][0]"


def test_public_edges_find_a_class_constant_through_an_instance() -> None:
    secret = fresh("constant")

    class Service:
        API_KEY = secret

    routes = ocapy.paths(Service(), secret, edges="public")
    assert [path.expr("service") for path in routes] == ["service.API_KEY"]


def test_public_edges_do_not_follow_private_names_closures_or_hidden_edges() -> None:
    secret = fresh("secret")

    def handler() -> object:
        return secret

    private_only = Grant(secret, None)
    closure_only = types.SimpleNamespace(handler=handler)
    frame_only = types.SimpleNamespace(frame=sys._getframe())
    for source in (private_only, closure_only, frame_only):
        assert ocapy.paths(source, secret, edges="public") == []
        assert ocapy.paths(source, secret, edges="all")


def test_public_edges_follow_what_the_verifiers_table_allows_on_partials() -> None:
    secret = fresh("secret")
    bound = functools.partial(print, secret)
    # The verifier rejects `.args`, `.func` and `.keywords` on any object (hidden-edge table:
    # a partial is how a host binds a capability into a callback), so a plugin holding the
    # partial cannot read the secret out of it ...
    assert ocapy._native.is_hidden_edge("args")
    assert ocapy.paths(bound, secret, edges="public") == []
    assert [path.expr("p") for path in ocapy.paths(bound, secret)][:1] == ["p.args[0]"]
    # ... but a partial among public state does not hide what sits next to it.
    grant = types.SimpleNamespace(callback=bound, options=[secret])
    routes = ocapy.paths(grant, secret, edges="public")
    assert [path.expr("g") for path in routes] == ["g.options[0]"]


def test_public_edges_do_not_reach_through_a_seal() -> None:
    secret = fresh("secret")
    vault = Grant(secret, None)  # the secret in a private attribute
    sealed_vault = ocapy.seal(vault)
    # A plugin holding the sealed vault reads public attributes only, and the seal's own
    # reference to the vault is no attribute at all ...
    assert ocapy.paths(sealed_vault, secret, edges="public") == []
    holder = types.SimpleNamespace(vault=sealed_vault, api=ocapy.namespace(read=lambda: 1))
    assert ocapy.paths(holder, secret, edges="public") == []
    # ... while the object graph does hold a route, through the collector's view of it.
    (route, *_) = ocapy.paths(sealed_vault, secret)
    assert eval(route.expr("s"), {"gc": gc, "s": sealed_vault}) is secret  # noqa: S307
    assert "gc.get_referents(s)" in route.expr("s")


# Bad input.


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"max_depth": 2.5}, TypeError, "max_depth must be an int, not float"),
        ({"max_depth": "3"}, TypeError, "max_depth must be an int, not str"),
        ({"max_depth": True}, TypeError, "max_depth must be an int, not bool"),
        ({"max_depth": -1}, ValueError, "max_depth must be at least 0, not -1"),
        ({"limit": -1}, ValueError, "limit must be at least 1, not -1"),
        ({"limit": 0}, ValueError, "limit must be at least 1, not 0"),
        ({"max_objects": 0}, ValueError, "max_objects must be at least 1, not 0"),
        ({"max_objects": 1.0}, TypeError, "max_objects must be an int, not float"),
        ({"edges": "private"}, ValueError, "edges must be \"all\" or \"public\", not \"private\""),
        ({"edges": None}, TypeError, "edges must be a str, not NoneType"),
    ],
)
def test_bad_arguments_are_refused_clearly(arguments: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        ocapy.paths([1], 1, **arguments)
    assert message in str(raised.value)


def test_huge_limits_are_accepted() -> None:
    assert len(ocapy.paths([1], 1, max_depth=10**30, limit=10**30, max_objects=10**30)) == 1
