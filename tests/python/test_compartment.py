"""ocapy.Compartment: verified plugins run with only what the host grants.

Every test asserts both sides: what a compartment refuses, and what keeps working.
"""

from __future__ import annotations

import asyncio
import builtins

import collections
import datetime
import decimal
import enum
import fractions
import gc
import importlib
import json
import math
import random
import re
import signal
import subprocess
import sys
import threading
import traceback
import types
from pathlib import Path
from typing import Any

import pytest

import ocapy
from ocapy import CapabilityError, Compartment, VerificationError, _native


def run_unverified(compartment: Compartment, source: str) -> Any:
    """The test-only path: the runtime layer alone, without the verifier."""
    return _native._run_unverified(compartment, source, filename="unverified.py")


class Log:
    """A grant: records what the plugin logs."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)


# --- the API ---------------------------------------------------------------------------


WEATHER = """
import math
from json import dumps


def forecast(city):
    log.write("asked for " + city)
    print("forecast", city, sep=": ")
    return dumps({"city": city, "temperature": math.floor(21.7)})
"""


def test_run_returns_a_sealed_view_of_the_public_names() -> None:
    log = Log()
    printed: list[str] = []
    compartment = Compartment(
        grants={"log": log},
        modules={"math": math, "json": json},
        print=printed.append,
        name="weather-plugin",
    )
    plugin = compartment.run(WEATHER, filename="weather.py")
    assert plugin.forecast("Oslo") == '{"city": "Oslo", "temperature": 21}'
    assert log.lines == ["asked for Oslo"]
    assert printed == ["forecast: Oslo"]
    assert isinstance(plugin, ocapy.Namespace)
    assert isinstance(plugin.forecast, ocapy.Sealed)
    # The grants and imports are the plugin's, not part of its view.
    assert sorted(dir(plugin)) == ["dumps", "forecast", "math"]
    with pytest.raises(AttributeError):
        plugin.forecast = None  # type: ignore[attr-defined]
    assert compartment.name == "weather-plugin"
    assert repr(compartment) == '<ocapy.Compartment "weather-plugin">'


def test_load_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "weather.py"
    path.write_text(WEATHER, encoding="utf-8")
    compartment = Compartment(grants={"log": Log()}, modules={"math": math, "json": json})
    assert "Oslo" in compartment.load(path).forecast("Oslo")
    assert "Oslo" in compartment.load(str(path)).forecast("Oslo")


def test_print_without_sink_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    Compartment().run("print('hello', 42)\nprint('a', 'b', sep='-', end='!')\n")
    assert capsys.readouterr().out == "hello 42\na-b!"


def test_print_sink_gets_lines_without_their_newline() -> None:
    printed: list[str] = []
    Compartment(print=printed.append).run("print('x', 1)\nprint('y', end='.')\nprint()\n")
    assert printed == ["x 1", "y.", ""]


def test_print_takes_a_callable() -> None:
    with pytest.raises(TypeError, match="print= takes a callable"):
        Compartment(print="stdout")  # type: ignore[arg-type]


def test_name_shows_in_tracebacks() -> None:
    compartment = Compartment(name="weather-plugin")
    with pytest.raises(ValueError, match="no sun") as raised:
        compartment.run("x = 1\nraise ValueError('no sun')\n", filename="w.py")
    files = [frame.filename for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert "weather-plugin:w.py" in files
    # The source lines show, although the plugin came from a string.
    assert "raise ValueError('no sun')" in "".join(traceback.format_tb(raised.value.__traceback__))


# --- verification first ----------------------------------------------------------------


def test_verification_failure_runs_nothing() -> None:
    log = Log()
    compartment = Compartment(grants={"log": log})
    source = "log.write('ran')\nimport os\n"
    with pytest.raises(VerificationError) as raised:
        compartment.run(source, filename="bad.py")
    assert log.lines == []
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.filename, diagnostic.line) == ("OC501", "bad.py", 2)
    assert "bad.py:2:8: OC501" in str(raised.value)


def test_grants_and_modules_are_what_the_verifier_allows() -> None:
    source = "import math\nx = math.sqrt(store)\n"
    with pytest.raises(VerificationError) as raised:
        Compartment().run(source)
    assert {d.code for d in raised.value.diagnostics} == {"OC501", "OC404"}
    plugin = Compartment(grants={"store": 4}, modules={"math": math}).run(source)
    assert plugin.x == 2.0


def test_names_outside_the_facade_fail_verification() -> None:
    with pytest.raises(VerificationError) as raised:
        Compartment(modules={"json": json}).run("import json\nc = json.codecs\n")
    assert [d.code for d in raised.value.diagnostics] == ["OC502"]


# --- grants ----------------------------------------------------------------------------


class Store:
    def __init__(self) -> None:
        self._secret = "hunter2"
        self.items: dict[str, int] = {}

    def put(self, key: str, value: int) -> None:
        self.items[key] = value


def test_grants_are_sealed_by_default() -> None:
    store = Store()
    compartment = Compartment(grants={"store": store})
    plugin = compartment.run("def fill():\n    store.put('a', 1)\n    return store\n")
    handed = plugin.fill()
    assert store.items == {"a": 1}
    # The plugin held it sealed; handed back across the membrane, it is the host's own again.
    assert handed is store
    # The runtime layer alone: the seal stops what the verifier would have rejected.
    with pytest.raises(AttributeError):
        run_unverified(compartment, "stolen = store._secret\n")


def test_raw_and_seal_grants_false_hand_grants_over_as_they_are() -> None:
    store = Store()
    unsealed = Compartment(grants={"store": store}, seal_grants=False)
    assert run_unverified(unsealed, "stolen = store._secret\n").stolen == "hunter2"
    raw = Compartment(grants={"store": ocapy.raw(store)})
    assert run_unverified(raw, "stolen = store._secret\n").stolen == "hunter2"
    assert repr(ocapy.raw(1)) == "ocapy.raw(1)"


@pytest.mark.parametrize("name", ["_private", "not an identifier", "class", "f_globals", "1x"])
def test_grant_names_must_be_public_identifiers(name: str) -> None:
    with pytest.raises(ValueError, match="not a public identifier"):
        Compartment(grants={name: 1})


def test_a_module_grant_is_refused_unless_wrapped() -> None:
    with pytest.raises(ValueError, match='grant "codec" is a module'):
        Compartment(grants={"codec": json})
    compartment = Compartment(grants={"codec": ocapy.raw(json)})
    assert run_unverified(compartment, "inner = codec.codecs\n").inner is not None


# --- modules as facades ----------------------------------------------------------------


def test_a_module_without_a_facade_needs_an_explicit_one() -> None:
    with pytest.raises(ValueError, match='no facade for the module "threading"'):
        Compartment(modules={"threading": threading})
    with pytest.raises(ValueError, match='is the module "json"'):
        Compartment(modules={"simplejson": json})
    lock = ocapy.namespace(twice=lambda x: 2 * x)
    plugin = Compartment(modules={"helpers": lock}).run(
        "from helpers import twice\ny = twice(21)\n"
    )
    assert plugin.y == 42


def assert_each_fails(
    compartment: Compartment, missing_names: list[str], refused_imports: list[str]
) -> None:
    """Each source, run without the verifier, fails: a name its facade lacks, or an import."""
    for source in missing_names:
        with pytest.raises(AttributeError):
            run_unverified(compartment, source)
    for source in refused_imports:
        with pytest.raises(ImportError):
            run_unverified(compartment, source)


def test_facades_export_only_the_table_and_never_a_module() -> None:
    compartment = Compartment(modules={"json": json, "datetime": datetime})
    assert_each_fails(
        compartment,
        ["import json\nc = json.codecs\n", "import datetime\ns = datetime.sys\n"],
        ["from json import decoder\n"],
    )
    plugin = run_unverified(compartment, "import json\nx = json.loads('[1, 2]')\n")
    assert plugin.x == [1, 2]
    facades = _native.module_facades()
    seen = run_unverified(compartment, "import json\nnames = dir(json)\n").names
    assert set(seen) <= set(facades["json"])
    assert "loads" in seen
    assert not any(isinstance(getattr(json, name), types.ModuleType) for name in seen)


def test_from_import_of_a_missing_name_never_falls_back_to_sys_modules() -> None:
    # CPython's `from m import x` looks in sys.modules["<m.__name__>.x"] when m lacks x.
    import collections.abc  # noqa: F401  (in sys.modules)

    compartment = Compartment(modules={"collections": __import__("collections")})
    with pytest.raises(ImportError):
        run_unverified(compartment, "from collections import abc\n")


def test_the_import_gate_serves_only_the_module_map() -> None:
    compartment = Compartment(modules={"math": math})
    # Not imported by the host: the gate never runs the import machinery.
    assert_each_fails(
        compartment, [], ["import antigravity\n", "import math.x\n", "from . import x\n"]
    )
    assert "antigravity" not in sys.modules
    # Imported by the host (C code may need it): an empty facade, no name of it.
    assert_each_fails(
        compartment,
        ["import os\nos.system\n", "import json\njson.loads\n"],
        ["from os import system\n"],
    )
    assert run_unverified(compartment, "import math\nx = math.pi\n").x == math.pi
    assert run_unverified(compartment, "from __future__ import annotations\nx = 1\n").x == 1


def test_facade_classes_keep_working_and_their_methods_are_checked() -> None:
    source = """
import collections
import fractions
import json
import enum
import random

class Base(enum.Enum):
    def describe(self):
        return self.name.lower()

class Color(Base):
    RED = enum.auto()
    GREEN = enum.auto()

def colours():
    return Color(1) is Color.RED, [colour.describe() for colour in Color], Color.describe(Color.GREEN)

def counted(text):
    counter = collections.Counter(text)
    return counter.most_common(1), isinstance(counter, collections.Counter)

def draw(seed):
    return random.Random(seed).randint(1, 6)

class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, fractions.Fraction):
            return str(o)
        return super().default(o)

def encode(value):
    return json.dumps(value, cls=Encoder)

def half():
    return fractions.Fraction(1, 2)

def parse(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return "bad json"

def limit(value):
    return fractions.Fraction.limit_denominator(value, 10)
"""
    modules = {
        "collections": collections,
        "fractions": fractions,
        "json": json,
        "enum": enum,
        "random": random,
    }
    plugin = Compartment(modules=modules).run(source)
    assert plugin.encode([fractions.Fraction(1, 3)]) == '["1/3"]'
    assert plugin.half() == fractions.Fraction(1, 2)
    assert plugin.parse("{") == "bad json"
    assert plugin.Color.RED.value == 1
    assert plugin.colours() == (True, ["red", "green"], "green")
    assert plugin.counted("abca") == ([("a", 2)], True)
    assert plugin.draw(5) == random.Random(5).randint(1, 6)
    assert plugin.limit(fractions.Fraction(333, 1000)) == fractions.Fraction(1, 3)
    with pytest.raises(TypeError, match="needs an instance of Fraction"):
        plugin.limit(decimal.Decimal("0.5"))


def test_c_code_importing_at_plugin_time_gets_only_what_the_host_imported() -> None:
    importlib.import_module("_strptime")  # datetime.strptime imports it from C

    plugin = Compartment(modules={"datetime": datetime}).run(
        "import datetime\n"
        "def parse(text):\n"
        "    return datetime.datetime.strptime(text, '%Y-%m-%d').year\n"
    )
    assert plugin.parse("2024-05-01") == 2024


# --- the builtins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "eval",
        "exec",
        "compile",
        "open",
        "globals",
        "locals",
        "vars",
        "id",
        "input",
        "breakpoint",
        "help",
        "memoryview",
        "exit",
        "quit",
        "license",
    ],
)
def test_denied_builtins_are_absent(name: str) -> None:
    assert _native.builtin_policy(name) == "deny"
    with pytest.raises(NameError):
        run_unverified(Compartment(), f"x = {name}\n")


def test_the_builtins_come_from_the_table() -> None:
    compartment = Compartment()
    present = set(run_unverified(compartment, "names = sorted(__builtins__)\n").names)
    # Every builtin of this interpreter is in the table; the compartment has exactly the
    # allowed and tamed ones, plus its own import and class machinery, and the audit hook's
    # mark, under a key no code can write as a name.
    assert all(_native.builtin_policy(name) is not None for name in dir(builtins))
    table = {name for name in dir(builtins) if _native.builtin_policy(name) in ("allow", "tame")}
    assert table <= present
    (mark,) = present - table - {"__build_class__", "__import__"}
    assert not mark.isidentifier()
    # dir() without an argument lists the module's public names only.
    assert list(run_unverified(compartment, "x = _y = 1\nnames = dir()\n").names) == ["x"]
    plugin = run_unverified(
        compartment, "ok = [len('ab'), sorted([2, 1]), isinstance(1, int), abs(-1)]\n"
    )
    assert plugin.ok == [2, [1, 2], True, 1]


@pytest.mark.parametrize(
    "source",
    [
        "getattr(1, '__class__')",
        "getattr(1, '__class__', None)",
        "hasattr(1, '__class__')",
        "getattr(len, '__self__')",
        "getattr('', 'format')",
        "getattr(lambda: 0, 'f_globals', None)",
        "setattr(Box(), '_secret', 1)",
        "delattr(Box(), '__doc__')",
    ],
)
def test_tamed_reflection_refuses_private_and_hidden_names(source: str) -> None:
    with pytest.raises(CapabilityError, match="refused in a compartment"):
        run_unverified(Compartment(), f"class Box:\n    pass\n{source}\n")


def test_tamed_reflection_checks_the_characters_a_str_subclass_looks_up() -> None:
    # A name whose __hash__ and __eq__ posed as "_secret" while its characters were public:
    # such a class is refused outright now, and a name's own methods decide nothing.
    posing = """
class Name(str):
    def __hash__(self):
        return hash("_secret")
    def __eq__(self, other):
        return True
"""
    store = Compartment(grants={"store": ocapy.raw(Store())})
    with pytest.raises(CapabilityError, match="derives from str and defines __eq__"):
        run_unverified(store, posing)
    source = """
class Name(str):
    def startswith(self, prefix):
        return False
    def isidentifier(self):
        return True
plain = getattr(store, Name("items")) is getattr(store, "items")
try:
    getattr(store, Name("_secret"))
except Exception as error:
    refused = str(error)
"""
    plugin = run_unverified(store, source)
    assert plugin.plain
    assert "refused in a compartment" in plugin.refused


def test_tamed_reflection_keeps_working_on_public_names() -> None:
    plugin = run_unverified(
        Compartment(),
        """
class Box:
    size = 1
box = Box()
setattr(box, "colour", "red")
got = getattr(box, "colour"), getattr(box, "missing", "default"), hasattr(box, "size")
delattr(box, "colour")
gone = not hasattr(box, "colour")
names = dir(box)
""",
    )
    assert plugin.got == ("red", "default", True)
    assert plugin.gone
    assert plugin.names == ["size"]
    listed = run_unverified(Compartment(), "names = dir('')\n").names
    assert "upper" in listed
    assert "format" not in listed and not any(name.startswith("_") for name in listed)


class Record:
    """A host class, writable, as most are."""


TYPE_OF = """
import collections, json

class Point:
    def __init__(self, x):
        self.x = x
    def moved(self):
        return type(self)(self.x + 1)

def own():
    point = Point(1).moved()
    return type(point) is Point, point.x, type(point).__name__

def views():
    counter = collections.Counter("aab")
    return (
        type(counter) is collections.Counter,
        type(counter).__name__,
        type(json.loads("[1]")) is list,
        type(1) is int,
    )

def class_name_of(value):
    return type(value).__name__

def numbers():
    yield 1

def named_only():
    generator = numbers()
    return (
        type(generator).__name__,
        type(generator) is type(numbers()),
        isinstance(generator, type(numbers())),
        type(Point).__name__,
    )
"""


def test_type_gives_own_classes_as_they_are_and_others_as_the_facade_views() -> None:
    compartment = Compartment(modules={"collections": collections, "json": json})
    plugin = compartment.run(TYPE_OF, filename="type_of.py")
    assert plugin.own() == (True, 2, "Point")
    assert plugin.views() == (True, "Counter", True, True)
    with pytest.raises(CapabilityError, match="type\\(name, bases, namespace\\) builds a class"):
        run_unverified(compartment, "Made = type('Made', (), {})\n")
    # Any other class is given to name and compare only: calling the class of a class would
    # build one past the class statement, the class of a function make functions.
    assert plugin.named_only() == ("generator", True, True, "CompartmentClass")
    for made in ("type(Point)('Made', (), {})", "type(numbers)(None, {})", "type(numbers())()"):
        with pytest.raises(CapabilityError, match="calling type\\(x\\) for"):
            run_unverified(compartment, TYPE_OF + f"made = {made}\n")
    # The class of a host object the plugin holds sealed is the seal's, and the class of one
    # it holds raw is a class name, which takes no writes.
    unverified = run_unverified(
        Compartment(modules={"collections": collections}, grants={"record": ocapy.raw(Record())}),
        TYPE_OF + "def plant():\n    type(record).planted = 1\n",
    )
    assert unverified.class_name_of(Record()) == "Sealed"
    with pytest.raises(AttributeError, match="planted"):
        unverified.plant()
    assert not hasattr(Record, "planted")


def test_two_compartments_do_not_share_builtins_or_classes() -> None:
    first_printed: list[str] = []
    second_printed: list[str] = []
    first = Compartment(print=first_printed.append, name="first")
    second = Compartment(print=second_printed.append, name="second")
    # Unverified code can reach its own builtins dict: changing it changes nothing elsewhere.
    run_unverified(first, "__builtins__['len'] = lambda x: 0\nprint('first')\n")
    plugin = second.run("n = len('abc')\nprint('second')\n")
    assert plugin.n == 3
    assert first_printed == ["first"] and second_printed == ["second"]
    source = "class Shape:\n    pass\n"
    assert first.run(source).Shape is not second.run(source).Shape


# --- classes: checked unbound methods ----------------------------------------------------


CLASSES = """
class Account:
    def __init__(self, owner):
        self._balance = 0
        self.owner = owner

    def deposit(self, amount):
        self._balance += amount
        return self._balance

    @property
    def balance(self):
        return self._balance

    @staticmethod
    def currency():
        return "EUR"

    @classmethod
    def opened_by(cls, owner):
        return cls(owner)


class Savings(Account):
    def deposit(self, amount):
        return super().deposit(amount * 2)


def open_account(owner):
    return Savings(owner)
"""

# What the verifier rejects (OC102, OC201), for the runtime layer on its own.
ATTACKS = """
def steal(victim):
    return Account.deposit(victim, 0)


def raw_reader():
    return Account.balance.fget
"""


def test_instances_behave_as_usual() -> None:
    plugin = Compartment().run(CLASSES)
    account = plugin.open_account("ann")
    assert account.deposit(5) == 10
    assert account.balance == 10
    assert plugin.Savings.currency() == "EUR"
    assert plugin.Savings.opened_by("bob").owner == "bob"


def test_methods_read_from_the_class_are_checked() -> None:
    plugin = run_unverified(Compartment(), CLASSES + ATTACKS)

    class Victim:
        _balance = "secret"

    with pytest.raises(
        TypeError, match=r"Account.deposit\(\) read from its class needs an instance of Account"
    ):
        plugin.steal(Victim())
    account = plugin.open_account("ann")
    assert plugin.steal(account) == 0  # a real instance passes
    reader = plugin.raw_reader()
    assert reader(account) == 0
    with pytest.raises(TypeError):
        reader(Victim())


def test_the_check_is_by_type_not_by_a_claimed_class() -> None:
    plugin = run_unverified(
        Compartment(),
        CLASSES
        + ATTACKS
        + """
class Liar:
    @property
    def __class__(self):
        return Account
    _balance = 0
claims = isinstance(Liar(), Account)
""",
    )
    assert plugin.claims
    with pytest.raises(TypeError):
        plugin.steal(plugin.Liar())


def test_zero_argument_super_and_the_class_cell_keep_working() -> None:
    plugin = Compartment().run(
        """
class Base:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.registered = True

    def __new__(cls, *args):
        return super().__new__(cls)

    def name(self):
        return "base"

class Child(Base):
    def name(self):
        return "child of " + super().name()

    @classmethod
    def make(cls):
        return super().__new__(cls)
"""
    )
    child = plugin.Child()
    assert child.name() == "child of base"
    assert plugin.Child.registered
    assert plugin.Child.make().name() == "child of base"


def test_super_bound_to_a_class_hands_out_checked_methods() -> None:
    plugin = run_unverified(
        Compartment(),
        """
class Base:
    def peek(self):
        return self._secret
class Child(Base):
    @classmethod
    def borrow(cls):
        return super().peek
""",
    )

    class Victim:
        _secret = "s"

    with pytest.raises(TypeError, match="needs an instance of Child"):
        plugin.Child.borrow()(Victim())


def test_two_argument_super_on_a_foreign_object_is_refused() -> None:
    with pytest.raises(CapabilityError, match=r"super\(Base, obj\) is refused"):
        run_unverified(
            Compartment(),
            "class Base:\n    pass\nclass Other:\n    pass\nsuper(Base, Other())\n",
        )


def test_a_base_with_its_own_metaclass_gets_a_combined_one() -> None:
    import abc

    class Host(abc.ABC):
        @abc.abstractmethod
        def run(self) -> int: ...

        def helper(self) -> int:
            return 1

    source = "class Job(Host):\n    def run(self):\n        return self.helper() + 1\n"
    compartment = Compartment(grants={"Host": ocapy.raw(Host)})
    assert compartment.run(source).Job().run() == 2
    steal = "def steal(x):\n    return Job.helper(x)\n"
    plugin = run_unverified(compartment, source + steal)
    with pytest.raises(TypeError, match="needs an instance of Job"):
        plugin.steal(object())


def test_a_metaclass_that_cannot_be_combined_fails_clearly() -> None:
    class Meta(type):
        def __init_subclass__(cls, **kwargs: Any) -> None:
            raise TypeError("Meta is final")

    class Base(metaclass=Meta):
        pass

    with pytest.raises(TypeError, match="cannot be combined with the compartment's class checks"):
        run_unverified(Compartment(grants={"Base": ocapy.raw(Base)}), "class C(Base):\n    pass\n")
    with pytest.raises(TypeError, match="metaclass that is not a class is refused"):
        run_unverified(Compartment(), "class C(metaclass=lambda *a: 0):\n    pass\n")


# --- ordinary plugins --------------------------------------------------------------------


def test_generators_and_async_functions_driven_by_the_host() -> None:
    plugin = Compartment().run(
        """
def count(n):
    for i in range(n):
        yield i * i

async def double(x):
    return 2 * x

async def total(values):
    result = 0
    for value in values:
        result += await double(value)
    return result
"""
    )
    assert list(plugin.count(4)) == [0, 1, 4, 9]
    # The view hands out coroutines sealed; the host awaits them as it would its own.
    async def host() -> int:
        return await plugin.total([1, 2, 3])

    assert asyncio.run(host()) == 12


class QuotaExceeded(Exception):
    pass


def test_exceptions_cross_the_boundary_both_ways() -> None:
    def spend(amount: int) -> int:
        if amount > 10:
            raise QuotaExceeded(amount)
        return amount

    plugin = Compartment(grants={"spend": spend, "QuotaExceeded": ocapy.raw(QuotaExceeded)}).run(
        """
class PluginError(Exception):
    pass

def careful(amount):
    try:
        return spend(amount)
    except QuotaExceeded:
        return -1

def fail():
    raise PluginError("broken")
"""
    )
    assert plugin.careful(5) == 5
    assert plugin.careful(50) == -1
    with pytest.raises(Exception, match="broken") as raised:
        plugin.fail()
    # The host gets the nearest class the plugin did not build: a plugin's own methods never
    # run on what host code compares the exception with.
    assert type(raised.value) is Exception
    if sys.version_info >= (3, 11):
        assert raised.value.__notes__ == ["raised in a compartment as PluginError"]
    assert raised.value.__traceback__ is not None


def test_threads_call_into_plugin_functions() -> None:
    plugin = Compartment().run(
        "def work(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n"
    )
    results: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        value = plugin.work(1000)
        with lock:
            results.append(value)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [499500] * 8


# --- bad input -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as raised:
        Compartment().load(tmp_path / "missing.py")
    assert raised.value.filename == str(tmp_path / "missing.py")


def test_non_utf8_file_fails_verification(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"s = '\xff'\n")
    with pytest.raises(VerificationError) as raised:
        Compartment().load(path)
    assert [d.code for d in raised.value.diagnostics] == ["OC903"]
    # A coding cookie makes it a valid file.
    path.write_bytes(b"# coding: latin-1\ns = '\xff'\n")
    assert Compartment().load(path).s == "\xff"


def test_plugin_that_raises_at_import() -> None:
    with pytest.raises(ZeroDivisionError):
        Compartment().run("x = 1 / 0\n")


def test_source_with_null_bytes_is_refused() -> None:
    with pytest.raises((VerificationError, ValueError)):
        Compartment().run("x = 1\x00\n")


# --- the audit hook --------------------------------------------------------------------


def test_compartment_code_cannot_use_an_audited_operation_it_was_handed_raw(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2", encoding="utf-8")
    compartment = Compartment(grants={"opener": ocapy.raw(open)}, name="sneaky")
    with pytest.raises(CapabilityError, match=r'compartment "sneaky".*"open" is refused'):
        run_unverified(compartment, f"data = opener({str(secret)!r}).read()\n")


def test_host_functions_called_by_the_plugin_keep_their_authority(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")

    def read_notes() -> str:
        return notes.read_text(encoding="utf-8")

    plugin = Compartment(grants={"read_notes": read_notes}).run(
        "def show():\n    return read_notes().upper()\n"
    )
    assert plugin.show() == "HELLO"


@pytest.mark.parametrize(
    "source",
    [
        # Each reaches real authority through attributes the verifier alone rejects; the
        # backstop refuses the use.
        "len.__self__.open('/dev/null')",
        "len.__self__.exec('x = 1')",
        "len.__self__.compile('1', 'f', 'eval')",
        "len.__self__.__import__('os').system('true')",
        "[].__reduce_ex__(3)[0].__globals__['__builtins__']['eval']('1')",
        "(lambda: 0).__code__",
        "next(iter([None])).__class__.__base__.__subclasses__()",
    ],
)
def test_the_backstop_refuses_what_only_the_verifier_would_have_stopped(source: str) -> None:
    compartment = Compartment()
    try:
        run_unverified(compartment, f"x = {source}\n")
    except CapabilityError as refused:
        assert "is refused" in str(refused)
    else:
        # `object.__subclasses__` raises no event: listing classes is not yet using them.
        assert "__subclasses__" in source


def test_the_backstop_lets_ordinary_class_attribute_writes_through() -> None:
    plugin = run_unverified(
        Compartment(),
        "class Counter:\n    count = 0\nCounter.count += 1\nCounter.label = 'x'\n",
    )
    assert plugin.Counter.count == 1
    with pytest.raises(CapabilityError):
        run_unverified(Compartment(), "def f():\n    pass\nf.__defaults__ = (1,)\n")


def test_host_code_is_untouched_by_the_hook(tmp_path: Path) -> None:
    Compartment()  # the hook is installed
    path = tmp_path / "host.txt"
    path.write_text("host", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "host"
    assert eval("1 + 1") == 2
    assert compile("x", "f", "eval") is not None
    assert (lambda: 0).__code__ is not None


def test_plugin_frames_called_back_from_host_code_are_still_watched() -> None:
    plugin = run_unverified(
        Compartment(grants={"opener": ocapy.raw(open)}),
        "def key(item):\n    opener('/dev/null')\n    return item\n",
    )
    with pytest.raises(CapabilityError):
        sorted([2, 1], key=plugin.key)


def test_no_reference_is_leaked_or_lost() -> None:
    probe = """
def probe(x):
    getattr(x, "owner")
    getattr(x, "missing", None)
    hasattr(x, "owner")
    setattr(x, "tag", 1)
    delattr(x, "tag")
    dir(x)
    print(x)
    Savings.deposit(x, 0)
    Savings.balance.fget(x)
    super(Savings, x)
    return steal(x)
"""
    printed: list[str] = []
    plugin = run_unverified(Compartment(print=printed.append), CLASSES + ATTACKS + probe)
    account = plugin.open_account("ann")
    plugin.probe(account)  # caches fill on the first call
    before = sys.getrefcount(account), sys.getrefcount(printed)
    for _ in range(20_000):
        plugin.probe(account)
    assert (sys.getrefcount(account), sys.getrefcount(printed)) == before
    assert account.deposit(1) == 2


def test_many_compartments_come_and_go() -> None:
    for _ in range(200):
        assert Compartment().run("x = 1\n").x == 1


# --- packages under a root ---------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_packages_load_from_the_root_with_relative_imports(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    write(root / "weather" / "__init__.py", "from .units import celsius\nNAME = 'weather'\n")
    write(
        root / "weather" / "units.py",
        "loaded.write('units')\ndef celsius(f):\n    return (f - 32) * 5 / 9\n",
    )
    write(
        root / "weather" / "report.py",
        "from . import units\nfrom .units import celsius\nfrom weather import NAME\n"
        "def line(f):\n    return NAME + ': ' + str(round(units.celsius(f)) + round(celsius(f)))\n",
    )
    log = Log()
    compartment = Compartment(grants={"loaded": log}, root=root)
    report = compartment.import_module("weather.report")
    assert report.line(212) == "weather: 200"
    assert compartment.import_module("weather").NAME == "weather"
    # Each module is verified and run once, on its first import.
    assert log.lines == ["units"]
    # A directory without __init__.py is a package with nothing in it.
    write(root / "tools" / "text.py", "def shout(s):\n    return s.upper()\n")
    assert compartment.import_module("tools.text").shout("hi") == "HI"
    assert dir(compartment.import_module("tools")) == []


def test_nothing_outside_the_root_is_reachable(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    write(tmp_path / "secret.py", "KEY = 'hunter2'\n")
    write(root / "pkg" / "__init__.py", "")
    write(root / "pkg" / "climb.py", "from .. import secret\n")
    (root / "pkg" / "linked.py").symlink_to(tmp_path / "secret.py")
    compartment = Compartment(root=root)
    with pytest.raises(ModuleNotFoundError):
        compartment.import_module("secret")
    with pytest.raises(ModuleNotFoundError):
        compartment.import_module("pkg.linked")
    with pytest.raises(VerificationError) as raised:
        compartment.import_module("pkg.climb")
    assert [d.code for d in raised.value.diagnostics] == ["OC504"]
    for name in ["..secret", "pkg/../secret", "_private", "pkg.__init__"]:
        with pytest.raises(ModuleNotFoundError):
            compartment.import_module(name)


def test_a_module_of_the_root_is_verified_on_import(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    write(root / "good.py", "from bad import x\n")
    write(root / "bad.py", "import os\nx = 1\n")
    with pytest.raises(VerificationError, match="OC501"):
        Compartment(root=root).import_module("good")


def test_import_cycles_see_a_partly_initialised_module(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    write(root / "first.py", "import second\nx = 1\n")
    write(root / "second.py", "import first\ny = 2\n")
    assert Compartment(root=root).import_module("first").x == 1
    write(root / "third.py", "from fourth import y\nx = 1\n")
    write(root / "fourth.py", "from third import x\ny = 2\n")
    with pytest.raises(ImportError, match='cannot import "x" from "third"'):
        Compartment(root=root).import_module("third")


def test_import_module_needs_a_root(tmp_path: Path) -> None:
    with pytest.raises(ModuleNotFoundError, match="no package root"):
        Compartment().import_module("anything")
    with pytest.raises(FileNotFoundError):
        Compartment(root=tmp_path / "missing")
    (tmp_path / "file.py").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="not a directory"):
        Compartment(root=tmp_path / "file.py")


# --- availability: the host's business ---------------------------------------------------


def test_a_plugin_that_never_returns_is_stopped_by_a_process_boundary() -> None:
    """The recipe of docs/threat-model.md: a child process, bounded by the parent."""
    child = (
        "import resource, ocapy\n"
        "resource.setrlimit(resource.RLIMIT_CPU, (1, 2))\n"
        "ocapy.Compartment().run('while True:\\n    pass\\n')\n"
    )
    completed = subprocess.run([sys.executable, "-c", child], capture_output=True, check=False)
    # The CPU limit ends the child (SIGXCPU at the soft limit, SIGKILL at the hard one).
    assert completed.returncode in (-signal.SIGXCPU, -signal.SIGKILL)


def test_every_claim_of_the_threat_model_names_a_test() -> None:
    tests_dir = Path(__file__).parent
    threat_model = (tests_dir.parents[1] / "docs" / "threat-model.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", threat_model))
    defined = {
        match
        for path in tests_dir.glob("test_*.py")
        for match in re.findall(
            r"^def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), re.MULTILINE
        )
    }
    assert len(named) >= 20
    assert named <= defined, sorted(named - defined)


STDLIB_PLUGIN = """
from typing import Generic, TypeVar, Optional
from collections import OrderedDict, defaultdict, deque, Counter
import base64, bisect, datetime, decimal, difflib, fractions, functools, hashlib, heapq
import itertools, json, operator, re, statistics, string, textwrap

T = TypeVar("T")


class Box(Generic[T]):
    def __init__(self, item: T):
        self.item = item

    def get(self) -> Optional[T]:
        return self.item


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def demo():
    heap = [3, 1, 2]
    heapq.heapify(heap)
    return [
        Box[int](3).get(),
        fib(20),
        statistics.mean([1, 2, 3]),
        string.Template("hi $name").substitute(name="x"),
        textwrap.wrap("aaa bbb ccc ddd", 10),
        re.sub("a", "b", "aaa"),
        datetime.date(2020, 1, 2).isoformat(),
        str(decimal.Decimal("1.5") * 2),
        hashlib.sha256(b"x").hexdigest()[:8],
        base64.b64encode(b"x"),
        list(itertools.islice(itertools.count(), 3)),
        OrderedDict(a=1)["a"],
        list(deque([1])),
        defaultdict(int)["k"],
        Counter("aab").most_common(1),
        heap[0],
        difflib.SequenceMatcher(None, "abc", "abd").ratio(),
        bisect.bisect([1, 2, 3], 2),
        sorted([(2, 1), (1, 2)], key=operator.itemgetter(1)),
        json.dumps({"a": fractions.Fraction(1, 2).numerator}),
    ]
"""


def test_every_facade_module_serves_an_ordinary_plugin() -> None:
    modules = {name: importlib.import_module(name) for name in _native.module_facades()}
    plugin = Compartment(modules=modules).run(STDLIB_PLUGIN)
    assert plugin.demo() == [
        3,
        6765,
        2,
        "hi x",
        ["aaa bbb", "ccc ddd"],
        "bbb",
        "2020-01-02",
        "3.0",
        "2d711642",
        b"eA==",
        [0, 1, 2],
        1,
        [1],
        0,
        [("a", 2)],
        1,
        2 / 3,
        2,
        [(2, 1), (1, 2)],
        '{"a": 1}',
    ]


def test_compartments_and_their_modules_are_collected() -> None:
    def gates() -> int:
        return sum(type(thing).__name__ == "import_gate" for thing in gc.get_objects())

    gc.collect()
    before = gates()
    for _ in range(20):
        Compartment(grants={"x": 1}).run("def f():\n    return x\nclass C:\n    pass\n").f()
    gc.collect()
    # Earlier tests' compartments may go in the same collection: none of these stays.
    assert gates() <= before


def test_the_backstop_outlives_the_compartment_object() -> None:
    plugin = run_unverified(
        Compartment(grants={"opener": ocapy.raw(open)}),
        "def f():\n    return opener('/dev/null')\n",
    )
    gc.collect()  # the Compartment is gone; the module's globals and builtins are not
    with pytest.raises(CapabilityError):
        plugin.f()


def test_the_collector_may_run_at_any_allocation(tmp_path: Path) -> None:
    """Every reference a native part owns is visited once, by its one owner: with a
    collection at nearly every allocation, nothing live is cleared."""
    root = tmp_path / "plugins"
    write(root / "first.py", "import second\nx = 1\ndef size(s):\n    return len(s)\n")
    write(root / "second.py", "import first\ny = 2\n")
    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        for _ in range(3):
            compartment = Compartment(modules={"json": json}, root=root, print=lambda line: None)
            first = compartment.import_module("first")
            plugin = compartment.run(
                CLASSES + "import json\ndef dump(x):\n    return json.dumps(x)\n"
            )
            del compartment
            assert first.size("abc") == 3
            assert plugin.open_account("ann").deposit(2) == 4
            assert plugin.dump([1]) == "[1]"
    finally:
        gc.set_threshold(*threshold)
