"""The compartment membrane: what crosses between host and plugin code, in both directions.

Each attack is a plugin run *unverified* (`_run_unverified`), so what stops it is the runtime
alone; each has a passing side beside it, which ordinary plugins rely on.
"""

from __future__ import annotations

import abc
import datetime
import fractions
import functools
import sys
from typing import Any, Callable

import pytest

import ocapy
from ocapy import CapabilityError, Compartment, _native

SECRET = "canary: the host's private balance"


class Account:
    """A host object whose methods compute with private state and their arguments."""

    def __init__(self) -> None:
        self._balance = 100
        self._owner = Owner()
        self._history: list[int] = []

    def withdraw(self, amount: Any) -> int:
        if amount > self._balance:
            raise ValueError("insufficient funds")
        self._balance -= amount
        self._history.append(amount)
        return self._balance

    def deposit(self, amount: Any) -> int:
        self._balance += amount
        return self._balance

    def label(self, template: Any) -> str:
        return template.format(balance=self._balance)

    def knows(self, name: Any) -> bool:
        return name in {"alice": 1, "bob": 2}

    def history(self) -> list[int]:
        return self._history

    def owner(self) -> Owner:
        return self._owner

    def is_owner(self, owner: Any) -> bool:
        return owner is self._owner

    def each(self, callback: Callable[[Any], Any]) -> Any:
        return callback(self._owner)

    def fail(self) -> None:
        raise ValueError(self._owner)

    def store(self, value: Any) -> Any:
        self._stored = value
        return type(value).__name__


class Owner:
    def __init__(self) -> None:
        self._secret = SECRET
        self.name = "alice"


def run(source: str, **grants: Any) -> Any:
    return run_unverified(Compartment(grants=grants, name="membrane"), source)


def run_unverified(compartment: Compartment, source: str) -> Any:
    return _native._run_unverified(compartment, source, filename="plugin.py")


# --- plugin to host: what a grant receives --------------------------------------------------

LEAKY_NUMBER = """
seen = []

class Spy:
    def __gt__(self, other):
        seen.append(other)
        return False
    __lt__ = __ge__ = __le__ = __gt__
    def __radd__(self, other):
        seen.append(other)
        return 0
    __rsub__ = __add__ = __sub__ = __radd__

def compare():
    return account.withdraw(Spy())

def add():
    return account.deposit(Spy())

def leaked():
    return list(seen)
"""


@pytest.mark.parametrize("call", ["compare", "add"])
def test_a_grant_never_runs_a_plugin_operator_with_its_private_value(call: str) -> None:
    account = Account()
    plugin = run(LEAKY_NUMBER, account=account)
    with pytest.raises(CapabilityError, match="'Spy' object to the host"):
        getattr(plugin, call)()
    assert plugin.leaked() == []
    assert account._balance == 100


INT_SUBCLASS = """
seen = []

class Sneaky(int):
    def __gt__(self, other):
        seen.append(other)
        return False
    def __rsub__(self, other):
        seen.append(other)
        return 0

class Template(str):
    def format(self, *args, **kwargs):
        seen.append(kwargs)
        return "forged"

def withdraw():
    return account.withdraw(Sneaky(30))

def label():
    return account.label(Template("{balance} left"))

def leaked():
    return list(seen)
"""


def test_plain_subclasses_reach_the_host_as_exact_values() -> None:
    account = Account()
    plugin = run(INT_SUBCLASS, account=account)
    assert plugin.withdraw() == 70
    assert plugin.label() == "70 left"
    assert plugin.leaked() == []
    assert type(account._history[0]) is int


CONTAINERS = """
class Mine:
    pass

class Sneaky(int):
    pass

def plain():
    return account.store({"a": [1, Sneaky(2), (3.0, b"x")], "b": {4, 5}, "c": None})

def nested_object():
    return account.store({"a": [Mine()]})

def cyclic():
    loop = []
    loop.append(loop)
    return account.store(loop)
"""


def test_containers_cross_as_copies_of_crossed_values() -> None:
    account = Account()
    plugin = run(CONTAINERS, account=account)
    assert plugin.plain() == "dict"
    stored = account._stored
    assert stored == {"a": [1, 2, (3.0, b"x")], "b": {4, 5}, "c": None}
    assert type(stored["a"][1]) is int
    with pytest.raises(CapabilityError, match="'Mine' object to the host"):
        plugin.nested_object()
    with pytest.raises(CapabilityError, match="containing itself"):
        plugin.cyclic()


# --- host to plugin: what the plugin receives -----------------------------------------------

READS = """
def private_list():
    mine = account.history()
    mine.append(999)
    return mine

def owner_secret():
    return account.owner()._secret

def owner_name():
    return account.owner().name

def handed_back():
    return account.is_owner(account.owner())

def through_callback():
    found = []
    account.each(lambda owner: found.append(owner))
    try:
        return found[0]._secret
    except AttributeError:
        return ("sealed", found[0].name)

def from_exception():
    try:
        account.fail()
    except ValueError as error:
        try:
            return error.args[0]._secret
        except AttributeError:
            return ("sealed", error.args[0].name)
"""


def test_the_plugin_gets_host_objects_sealed_and_hands_them_back_unwrapped() -> None:
    account = Account()
    account.withdraw(5)
    plugin = run(READS, account=account)
    assert plugin.private_list() == [5, 999]
    assert account._history == [5]
    with pytest.raises(AttributeError):
        plugin.owner_secret()
    assert plugin.owner_name() == "alice"
    assert plugin.handed_back() is True
    assert plugin.through_callback() == ("sealed", "alice")
    assert plugin.from_exception() == ("sealed", "alice")


HOLDER = """
def inspect(thing):
    try:
        return thing._secret
    except AttributeError:
        return "sealed"

def keep(thing):
    return thing
"""


def test_host_values_passed_to_plugin_functions_arrive_sealed() -> None:
    owner = Owner()
    plugin = run(HOLDER)
    assert plugin.inspect(owner) == "sealed"
    assert plugin.keep(owner) is owner
    assert plugin.keep([owner, 1])[0] is owner


CALLBACK_RESULT = """
class Token:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

def give():
    return account.each(lambda owner: Token())
"""


def test_a_plugin_object_returned_to_the_host_is_sealed_for_it() -> None:
    account = Account()
    token = run(CALLBACK_RESULT, account=account).give()
    assert isinstance(token, ocapy.Sealed)
    with pytest.raises(AttributeError):
        token.__dict__  # noqa: B018


def test_ordinary_plugins_work_across_the_membrane() -> None:
    account = Account()
    source = """
def spend(amounts):
    left = None
    for amount in amounts:
        left = account.withdraw(amount)
    return {"left": left, "count": len(amounts), "names": [account.owner().name]}

def visit():
    return account.each(lambda owner: owner.name.upper())
"""
    plugin = run(source, account=account)
    assert plugin.spend([10, 20]) == {"left": 70, "count": 2, "names": ["alice"]}
    assert plugin.visit() == "ALICE"


GROUPS = """
def deep():
    def fail():
        error = ValueError("leaf")
        for _ in range(5000):
            error = ExceptionGroup("level", [error])
        raise error
    account.each(lambda owner: fail())
"""


def test_a_deeply_nested_exception_group_is_refused_not_a_crash() -> None:
    # Rebuilding each level for the plugin recursed on the native stack (red team: segfault).
    # Python 3.10 has no ExceptionGroup: there the plugin fails on the name.
    expected = RuntimeError if sys.version_info >= (3, 11) else NameError
    with pytest.raises(expected):
        run(GROUPS, account=Account()).deep()


# --- red-team regressions: each closes the class of the break it stands for -----------------

GRANTED_WRAPPERS = LEAKY_NUMBER + """
def mutate():
    mine = account.history()
    mine.append(999)
    return len(mine)
"""


@pytest.mark.parametrize(
    "wrap",
    [
        ocapy.seal,
        ocapy.harden,
        lambda account: ocapy.namespace(history=account.history, withdraw=account.withdraw),
    ],
    ids=["seal", "harden", "namespace"],
)
@pytest.mark.parametrize("route", ["granted", "returned by a grant"])
def test_granted_seals_and_namespaces_still_cross_the_membrane(
    wrap: Callable[[Any], Any], route: str
) -> None:
    # A shallow seal or a namespace hands values out as they are; granted, or returned by a
    # grant, it was the membrane's whole job skipped (red team: the host's list mutated, its
    # `_balance` handed to a plugin's `__gt__`).
    account = Account()
    account.withdraw(5)
    granted = wrap(account)
    if route == "granted":
        plugin = run(GRANTED_WRAPPERS, account=granted)
    else:
        plugin = run("account = open_account()\n" + GRANTED_WRAPPERS, open_account=lambda: granted)
    assert plugin.mutate() == 2
    # A hardened list is the host's own list, sealed: its public `append` is the host's
    # choice to grant. A shallow seal's or a namespace's crosses as a copy.
    assert account._history == ([5, 999] if wrap is ocapy.harden else [5])
    with pytest.raises(CapabilityError, match="'Spy' object to the host"):
        plugin.compare()
    assert plugin.leaked() == []


def test_harden_of_a_seal_is_deep() -> None:
    account = Account()
    hardened = ocapy.harden(ocapy.seal(account))
    assert hardened is not ocapy.seal(account)
    assert isinstance(hardened.history(), ocapy.Sealed)
    assert ocapy.harden(hardened) is hardened
    assert ocapy.seal(hardened) is hardened


HOOKS = """
seen = []

class Hook:
    def __call__(self, owner):
        return owner.name
    def __eq__(self, other):
        seen.append(other)
        return True
    __lt__ = __add__ = __eq__
    def __hash__(self):
        return 0

hook = Hook()

def hand_over():
    return account.each(hook)

def give():
    return hook

def leaked():
    return [isinstance(item, int) for item in seen]
"""


def test_plugin_objects_held_by_the_host_compare_by_identity() -> None:
    # The host compares implicitly (`in`, `index`, `sorted`, dict lookups): a plugin's
    # `__eq__` received the host's private callables (red team).
    account = Account()
    plugin = run(HOOKS, account=account)
    assert plugin.hand_over() == "alice"
    hook = plugin.give()
    private = [account.withdraw, Owner()]
    assert hook not in private
    assert hook in [hook]
    assert {hook: 1}[hook] == 1
    with pytest.raises(TypeError):
        sorted([hook, account.withdraw])
    with pytest.raises(TypeError):
        hook + account.withdraw  # noqa: B018
    assert plugin.leaked() == []
    assert hook == 5  # plain data reaches the plugin's operators as it is
    assert plugin.leaked() == [True]


RESULTS = """
import datetime
import fractions
class Spy:
    pass

def iterator():
    return iter([Spy()])

def view():
    return {"a": Spy()}.values()

def nested():
    value = [Spy()]
    for _ in range(70):
        value = [value]
    return value

def half():
    return fractions.Fraction(1, 2)

def moments():
    naive = datetime.datetime(2026, 12, 4, 13, 30)
    return naive, naive.replace(tzinfo=datetime.timezone.utc), naive.date()
"""


def test_results_hold_no_raw_plugin_object_whatever_the_container() -> None:
    modules = {"fractions": fractions, "datetime": datetime}
    plugin = Compartment(modules=modules, name="results").run(RESULTS)
    assert isinstance(plugin.iterator(), ocapy.Sealed)
    assert isinstance(next(plugin.iterator()), ocapy.Sealed)
    assert isinstance(plugin.view(), ocapy.Sealed)
    value = plugin.nested()
    for _ in range(64):
        value = value[0]
    assert isinstance(value, ocapy.Sealed)
    # A value whose whole state is plain data comes as it is.
    assert plugin.half() == fractions.Fraction(1, 2)
    assert type(plugin.half()) is fractions.Fraction
    naive, aware, day = plugin.moments()
    assert type(naive) is datetime.datetime and type(day) is datetime.date
    # An aware one holds a `tzinfo`, which may be any object: it comes sealed.
    assert isinstance(aware, ocapy.Sealed)


RAISES = """
seen = []

class Spy:
    def __eq__(self, other):
        seen.append(other)
        return True
    __hash__ = object.__hash__

class Overdrawn(ValueError):
    def __eq__(self, other):
        seen.append(other)
        return True
    __hash__ = object.__hash__

def fail():
    raise ValueError(Spy())

def own():
    raise Overdrawn("no funds")

def leaked():
    return len(seen)
"""


def test_exceptions_raised_by_plugin_code_reach_the_host_rebuilt() -> None:
    plugin = run(RAISES)
    with pytest.raises(ValueError) as raised:
        plugin.fail()
    assert isinstance(raised.value.args[0], ocapy.Sealed)
    assert raised.value.args[0] != Owner()
    with pytest.raises(ValueError, match="no funds") as raised:
        plugin.own()
    assert type(raised.value) is ValueError
    assert raised.value != Owner()
    assert raised.value.__traceback__ is not None
    assert plugin.leaked() == 0


WITH_BLOCK = """
def body():
    with resource:
        raise KeyError("inside")
"""


def test_a_host_context_manager_sees_the_plugins_exception() -> None:
    # `__exit__` refused the plugin's exception and traceback, so the host's never ran.
    class Resource:
        def __init__(self) -> None:
            self.exited: list[Any] = []

        def __enter__(self) -> Resource:
            return self

        def __exit__(self, kind: Any, error: Any, traceback: Any) -> bool:
            self.exited.append((kind, type(error), traceback is not None))
            return False

    resource = Resource()
    with pytest.raises(KeyError):
        run(WITH_BLOCK, resource=resource).body()
    assert resource.exited == [(KeyError, KeyError, True)]


NAMES = """
seen = []

class Name(str):
    def __format__(self, spec):
        seen.append(spec)
        return "forged"
    def startswith(self, prefix):
        seen.append(prefix)
        return False

def keyword():
    return account.store(value=1, **{Name("x"): 2})

def spec():
    return format(code, Name("short"))

def leaked():
    return len(seen)
"""


class Code:
    """A host object whose `__format__` compares the spec with a private value."""

    def __init__(self) -> None:
        self._secret_spec = "secret"

    def __format__(self, spec: str) -> str:
        return "long" if spec == self._secret_spec else "short"


def test_keyword_names_and_format_specs_cross_as_exact_strings() -> None:
    # Matching a keyword to a parameter, and the host's own `spec == ...`, ran the plugin's
    # `str` subclass's `__eq__` with the host's strings (red team).
    account = Account()
    plugin = run(NAMES, account=account, code=Code())
    with pytest.raises(TypeError, match="unexpected keyword argument 'x'"):
        plugin.keyword()
    assert plugin.spec() == "short"
    assert plugin.leaked() == 0


SHARED = """
def chain():
    value = (1, [])
    for _ in range(40):
        value = (value, value)
    return value

def send():
    return account.store(chain())

def history():
    error = ValueError(0)
    for step in range(40):
        later = ValueError(step)
        later.__cause__ = error
        later.__context__ = error
        error = later
    raise error

def long_history():
    error = ValueError(0)
    for step in range(100):
        later = ValueError(step)
        later.__cause__ = error
        error = later
    raise error

def group():
    error = ExceptionGroup("leaf", [ValueError(0)])
    for _ in range(40):
        error = ExceptionGroup("level", [error, error])
    raise error
"""


def test_what_is_met_twice_crosses_once_and_stays_shared() -> None:
    # Crossed once per route, 40 levels of `t = (t, t)` were 2**40 copies: a plugin's value
    # or exception stalled the host (red team).
    account = Account()
    plugin = run(SHARED, account=account)
    value = plugin.chain()
    for _ in range(40):
        assert value[0] is value[1]
        value = value[0]
    assert value[0] == 1
    assert plugin.send() == "tuple"
    with pytest.raises(ValueError) as raised:
        plugin.history()
    error = raised.value
    for _ in range(40):
        assert error.__cause__ is error.__context__
        error = error.__cause__
    # A chain too long to rebuild ends in the error that says so, not silently.
    with pytest.raises(ValueError) as raised:
        plugin.long_history()
    error = raised.value
    while isinstance(error, ValueError):
        error = error.__cause__
    assert isinstance(error, RuntimeError)
    assert "could not be made safe" in str(error)
    if sys.version_info >= (3, 11):
        with pytest.raises(ExceptionGroup) as grouped:
            plugin.group()
        members = grouped.value.exceptions
        assert members[0] is members[1]


BINDS_A_CALLBACK = """
def bind(callback):
    class Holder:
        method = callback
    return Holder().method()
"""

CALLBACK_OWNER = BINDS_A_CALLBACK + """
def accept(*args):
    return len(args)

def probe(callback):
    return callback("ping"), bind(callback)
"""

CALLBACK_USER = BINDS_A_CALLBACK + """
def hand(probe):
    def answer(*words):
        return "/".join(words + ("pong",))
    return probe(answer)
"""


def test_a_plugin_callable_reaches_another_compartment_sealed() -> None:
    # Sealed for the host, plugin A's function was unwrapped into any compartment, so plugin
    # B held it raw: bound as B's method, it received B's instance (red team, item 7).
    owner = _native._run_unverified(Compartment(name="a"), CALLBACK_OWNER, filename="a.py")
    user = _native._run_unverified(Compartment(name="b"), CALLBACK_USER, filename="b.py")
    assert user.bind(owner.accept) == 0
    # Back in its own compartment, the callable is the plugin's own function again.
    assert owner.bind(owner.accept) == 1
    # Each side works with what the other hands it, sealed both ways.
    assert user.hand(owner.probe) == ("ping/pong", "pong")


class LogFull(Exception):
    def __init__(self, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.lines = lines


def test_what_the_print_sink_raises_crosses_the_membrane() -> None:
    # The compartment called the host's sink directly, and its exception reached the
    # plugin raw, carrying the host's own log (red team).
    log = ["login admin"]

    def sink(line: str) -> None:
        raise LogFull("the log is full", log)

    plugin = _native._run_unverified(
        Compartment(name="printer", print=sink),
        "def shout():\n"
        "    try:\n"
        "        print('hello')\n"
        "    except Exception as error:\n"
        "        error.lines.append('forged')\n"
        "        return str(error), list(error.lines)\n",
        filename="printer.py",
    )
    assert plugin.shout() == ("the log is full", ["login admin", "forged"])
    assert log == ["login admin"]


class ApiError(ValueError):
    """A host exception class whose methods and class state are the host's."""

    endpoints = {"billing": SECRET}

    def settings(self) -> dict[str, str]:
        return self.endpoints


HOST_ERRORS = """
def catch():
    try:
        call()
    except ValueError as error:
        return repr(error), hasattr(error, "settings")

class Transaction:
    def __enter__(self):
        return self
    def __exit__(self, kind, error, traceback):
        seen.append((kind.__name__, hasattr(kind, "endpoints")))
        return True
seen = []
def transaction():
    return Transaction()
def report():
    return seen
"""


def test_host_exceptions_reach_the_plugin_as_classes_it_may_catch() -> None:
    # Rebuilt as their own class, host exceptions handed the plugin their methods, which
    # returned host state raw, and `__exit__` the class itself to rewrite (red team).
    def call() -> None:
        raise ApiError("refused")

    plugin = run(HOST_ERRORS, call=call)
    assert plugin.catch() == ("ValueError('refused')", False)
    with plugin.transaction():
        raise ApiError("rolled back")
    assert plugin.report() == [("ValueError", False)]
    # A class the host hands over as it is stays the class the plugin catches by.
    granted = Compartment(grants={"call": call, "ApiError": ocapy.raw(ApiError)}, name="raw")
    plugin = _native._run_unverified(
        granted,
        "def catch():\n    try:\n        call()\n    except ApiError as error:\n"
        "        return error.args\n",
        filename="raw.py",
    )
    assert plugin.catch() == ("refused",)


ENUM_ERROR = """
from enum import Enum
seen = []
def spy(self, other):
    seen.append(other)
    return False
def missing(value):
    return Failure.BOOM
Failure = Enum("Failure", {"BOOM": 1}, type=Exception)
def work():
    raise Failure.BOOM
def report():
    return seen
"""


def test_a_plugin_exception_a_facade_built_reaches_the_host_as_a_builtin() -> None:
    # A class enum's functional API built for the plugin counted as a host class, so the
    # plugin's own exception, with its `__eq__`, reached the host raw (red team); it is
    # rebuilt as the builtin it derives from.
    import enum

    compartment = Compartment(modules={"enum": enum}, name="enums")
    # Its own `__eq__` and `_missing_` are refused where the class is built now.
    with_hooks = ENUM_ERROR.replace('{"BOOM": 1}', '{"BOOM": 1, "__eq__": spy, "_missing_": missing}')
    with pytest.raises(CapabilityError, match=r"Enum\(name, names\) is refused"):
        _native._run_unverified(compartment, with_hooks, filename="hooks.py")
    plugin = _native._run_unverified(compartment, ENUM_ERROR, filename="enums.py")
    with pytest.raises(Exception) as raised:
        plugin.work()
    assert type(raised.value) is Exception
    assert raised.value not in [SECRET]
    assert plugin.report() == []


class Shape:
    """A host class with an attribute named like an edge of other classes."""

    def __init__(self) -> None:
        self.args = ("circle", 2)


class DerivedPartial(functools.partial):
    """A subclass is refused what its base is."""


class Registry(abc.ABC):  # noqa: B024 - only its metaclass matters here
    pass


EDGES_OF_SOME_CLASSES = """
def partial_arguments():
    return bound.args
def partial_by_name():
    return getattr(bound, "keywords")
def subclass_arguments():
    return derived.args
def ordinary():
    try:
        fail()
    except ValueError as error:
        caught = error.args[0]
    return shape.args, getattr(shape, "args"), caught
def register():
    return catalogue.register
"""


def test_an_edge_of_some_classes_is_refused_on_them_alone() -> None:
    # `args`, `register` and the like are hidden edges of a few classes only: the verifier
    # lets them through, and the runtime refuses them by the object's real type.
    def fail() -> None:
        raise ValueError("expected")

    plugin = run(
        EDGES_OF_SOME_CLASSES,
        bound=functools.partial(print, SECRET, sep=SECRET),
        derived=DerivedPartial(print, SECRET),
        shape=Shape(),
        fail=fail,
        catalogue=Registry,
    )
    with pytest.raises(AttributeError, match="'args' is a hidden edge"):
        plugin.partial_arguments()
    with pytest.raises(AttributeError, match="'keywords' is a hidden edge"):
        plugin.partial_by_name()
    with pytest.raises(AttributeError, match="'args' is a hidden edge"):
        plugin.subclass_arguments()
    with pytest.raises(AttributeError, match="'register' is a hidden edge"):
        plugin.register()
    assert plugin.ordinary() == (("circle", 2), ("circle", 2), "expected")


# Module facades: what facade code makes for the plugin. The compartment's own objects come
# back as themselves; everything else is what its type says, never the host's raw functions,
# frames or the objects its functions are bound to, whatever route asks.

FACADE_MODULES = ("difflib", "enum", "functools", "heapq", "json", "math", "re")


def facade_compartment() -> Compartment:
    return Compartment(modules={name: __import__(name) for name in FACADE_MODULES})


@pytest.mark.parametrize(
    ("made", "edge"),
    [
        # A generator of heapq's own code: its frame holds heapq's globals.
        ("heapq.merge([1], [2])", "gi_frame"),
        ("difflib.unified_diff(['a'], ['b'])", "gi_code"),
        # The decorator `lru_cache(maxsize=...)` returns is a closure of functools.
        ("functools.lru_cache(maxsize=8)", "__closure__"),
        ("functools.lru_cache(maxsize=8)", "__globals__"),
        # A built-in function's `__self__` is its module, or the object it is bound to.
        ("math.sqrt", "__self__"),
        ("heapq.heappush", "__self__"),
        ("json.dumps", "__globals__"),
    ],
)
def test_what_facade_code_makes_shows_no_edge_even_to_attribute_syntax(made: str, edge: str) -> None:
    source = f"import {', '.join(FACADE_MODULES)}\nmade = {made}\nedge = made.{edge}\n"
    with pytest.raises((AttributeError, CapabilityError), match=edge):
        run_unverified(facade_compartment(), source)


FACADE_RESULTS = """
import enum, functools, heapq, json, re

class Item:
    def __init__(self, n):
        self.n = n
    def __lt__(self, other):
        return self.n < other.n

class Doubler:
    def __init__(self):
        self.calls = 0
    @functools.lru_cache(maxsize=None)
    def double(self, x):
        self.calls += 1
        return 2 * x

def merged_items():
    first, second = Item(1), Item(2)
    out = list(heapq.merge([second], [first]))
    return out[0] is first, isinstance(out[1], Item)

def cached_method():
    doubler = Doubler()
    return doubler.double(3), doubler.double(3), doubler.calls

def functional_enum():
    Color = enum.Enum("Color", "RED GREEN")
    return Color(1) is Color.RED, isinstance(Color.GREEN, Color), [c.name for c in Color]

def decoded():
    data = json.loads('{"a": [1, {"b": null}]}')
    return isinstance(data, dict), isinstance(data["a"], list), data

def summed_through_facades():
    return functools.reduce(lambda a, b: a + b, heapq.merge([1, 3], [2]))

def matched():
    return re.compile("a(b)").match("ab").group(1)
"""


def test_what_facade_code_makes_keeps_working() -> None:
    plugin = run_unverified(facade_compartment(), FACADE_RESULTS)
    assert plugin.merged_items() == (True, True)
    assert plugin.cached_method() == (6, 6, 1)
    assert plugin.functional_enum() == (True, True, ["RED", "GREEN"])
    assert plugin.decoded() == (True, True, {"a": [1, {"b": None}]})
    assert plugin.summed_through_facades() == 6
    assert plugin.matched() == "b"


def test_a_class_facade_code_makes_is_a_read_only_view() -> None:
    source = "import enum\nColor = enum.Enum('Color', 'RED')\nColor.planted = 1\n"
    with pytest.raises(AttributeError, match="refused in a compartment"):
        run_unverified(facade_compartment(), source)


# Interface guards: a host names the parameters of a grant that take plugin objects.


class Board:
    """A host object whose grant ranks plugin objects by a public attribute."""

    def __init__(self) -> None:
        self._secret = Owner()

    def rank(self, entries: Any, *, label: Any = "") -> list[str]:
        ordered = sorted(entries, key=lambda entry: entry.score, reverse=True)
        # Compared with a host object: a plugin `__eq__` would receive it.
        assert all(entry != self._secret for entry in ordered)
        return [label + entry.name for entry in ordered]

    def first(self, *entries: Any) -> str:
        return entries[0].name


RANKED = """
seen = []

class Entry:
    def __init__(self, name, score):
        self.name = name
        self.score = score
    def __eq__(self, other):
        seen.append(other)
        return False
    __hash__ = None

def ranked():
    return rank([Entry("low", 1), Entry("high", 2)])

def ranked_by_keyword():
    return rank(entries=[Entry("only", 1)], label="#")

def labelled_by_an_entry():
    return rank([], label=Entry("label", 0))

def first():
    return pick(Entry("a", 1), Entry("b", 2))

def leaked():
    return list(seen)
"""


def test_an_interface_guard_lets_named_parameters_take_plugin_objects_sealed() -> None:
    board = Board()
    grants = {
        "rank": ocapy.accepting(board.rank, "entries"),
        "pick": ocapy.namespace(first=ocapy.accepting(board.first, "entries")).first,
    }
    plugin = run(RANKED, **grants)
    assert plugin.ranked() == ["high", "low"]
    assert plugin.ranked_by_keyword() == ["#only"]
    assert plugin.first() == "a"
    # Sealed for the host, the entries compare by identity with what is not plain data.
    assert plugin.leaked() == []
    # A parameter the guard does not name crosses as any grant's argument.
    with pytest.raises(CapabilityError, match="'Entry' object to the host"):
        plugin.labelled_by_an_entry()
    # Unguarded, the grant takes no plugin object at all.
    unguarded = run(RANKED, rank=board.rank, pick=board.first)
    with pytest.raises(CapabilityError, match="'Entry' object to the host"):
        unguarded.ranked()
    # Host code calling the guard calls the function.
    assert ocapy.accepting(board.first, "entries")(Owner()) == "alice"


def test_an_interface_guard_names_what_is_wrong_with_it() -> None:
    with pytest.raises(ValueError, match="has no parameter 'items'; its parameters are"):
        ocapy.accepting(Board().rank, "items")
    with pytest.raises(ValueError, match="names no parameter"):
        ocapy.accepting(Board().rank)
    with pytest.raises(TypeError, match="function= takes a callable"):
        ocapy.accepting(3, "x")
    with pytest.raises(TypeError, match="parameters= takes parameter names"):
        ocapy.accepting(Board().rank, 3)


def test_a_facade_function_bound_as_a_method_judges_its_instance_as_an_argument() -> None:
    source = """
import re

class Pattern:
    compile = re.compile
    def __eq__(self, other):
        return True
    def __hash__(self):
        return 0

def bound():
    return Pattern().compile()
"""
    plugin = run_unverified(facade_compartment(), source)
    with pytest.raises(CapabilityError, match="whose __eq__ is compartment code's own"):
        plugin.bound()
