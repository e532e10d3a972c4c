"""The module facades (``crates/ocapy_verifier/src/tables/modules.rs``) against this interpreter.

Run it under every supported CPython. Each run checks that every facade module imports,
that every export exists on exactly the versions its reason claims (a reason starting with
``"3.N+: "`` marks a name added in 3.N), and that nothing a facade exports hands untrusted
code a hidden edge: no export, no public attribute of an export and no public attribute of
an instance of an exported class is a module, frame, code object, traceback or module
globals dict, and no exported value or class attribute is mutable state the whole process
shares. Underscore attributes (a Python function's ``__globals__``) are the business of the
private-attribute rules, not of the facades.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import difflib
import enum
import hmac
import importlib
import importlib.util
import inspect
import itertools
import json
import operator
import re
import string
import sys
import typing
import unicodedata
from collections.abc import Callable

import pytest

from ocapy import _native

# module -> {export name: reason}
FACADES: dict[str, dict[str, str]] = _native.module_facades()
# module -> reason
REFUSED: dict[str, str] = _native.refused_modules()

VERSION_NOTE = re.compile(r"3\.(\d+)\+: ")

EXPORTS = [(module, name) for module in sorted(FACADES) for name in sorted(FACADES[module])]

# Names that must stay out of their module's facade: known edges and shared state.
NEVER_EXPORTED = {
    "collections": "abc namedtuple",
    "datetime": "datetime_CAPI sys",
    "decimal": "BasicContext DefaultContext ExtendedContext getcontext localcontext setcontext",
    "enum": "EnumMeta EnumType global_enum global_enum_repr pickle_by_enum_name property sys",
    "fractions": "math re sys",
    "functools": "cached_property partial partialmethod singledispatch total_ordering "
    "update_wrapper wraps",
    "hashlib": "algorithms_available algorithms_guaranteed",
    "json": "codecs decoder encoder scanner",
    "operator": "attrgetter methodcaller",
    "random": "_inst _os getstate random seed setstate",
    "re": "DEBUG copyreg enum functools purge sre_compile sre_parse",
    "statistics": "NormalDist random sys",
    "string": "Formatter",
    "textwrap": "TextWrapper re",
    "typing": "ForwardRef NamedTuple Protocol final get_args get_type_hints no_type_check sys",
}

# Modules whose refusal the table must document.
MUST_BE_REFUSED = set(
    "asyncio builtins copy ctypes dataclasses gc importlib inspect io marshal os pathlib pickle "
    "socket subprocess sys threading time traceback types weakref".split()
)

# Plain values a facade may export: no method call can change them.
IMMUTABLE_VALUES = (
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    enum.Enum,
    datetime.timezone,
    unicodedata.UCD,
)

MUTABLE_CONTAINERS = (list, dict, set, bytearray)


class _Color(enum.Enum):
    RED = 1


# An instance of each exported class that cannot be built with no arguments; every other
# exported class is checked on `cls()`. A new class that neither builds fails the test, so
# its instances are checked before it is trusted.
SAMPLES: dict[str, Callable[[], object]] = {
    "collections.UserString": lambda: collections.UserString("text"),
    "datetime.date": lambda: datetime.date(2000, 1, 1),
    "datetime.datetime": lambda: datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc),
    "datetime.timezone": lambda: datetime.timezone(datetime.timedelta(hours=1), "CET"),
    "decimal.DecimalTuple": lambda: decimal.Decimal("1.5").as_tuple(),
    "difflib.Match": lambda: difflib.SequenceMatcher(None, "ab", "b").find_longest_match(),
    "enum.Enum": lambda: _Color.RED,
    "enum.Flag": lambda: enum.Flag("Permission", "READ WRITE").READ,
    "enum.FlagBoundary": lambda: enum.FlagBoundary.STRICT,
    "enum.IntEnum": lambda: enum.IntEnum("Level", "LOW").LOW,
    "enum.IntFlag": lambda: enum.IntFlag("Mode", "EXECUTE").EXECUTE,
    "enum.ReprEnum": lambda: enum.ReprEnum("Plain", "A", type=int).A,
    "enum.StrEnum": lambda: enum.StrEnum("Name", "A").A,
    "enum.member": lambda: enum.member(1),
    "enum.nonmember": lambda: enum.nonmember(1),
    "hmac.HMAC": lambda: hmac.new(b"key", b"message", "sha256"),
    "itertools.accumulate": lambda: itertools.accumulate([1, 2]),
    "itertools.batched": lambda: itertools.batched([1, 2], 1),
    "itertools.combinations": lambda: itertools.combinations([1, 2], 1),
    "itertools.combinations_with_replacement": lambda: itertools.combinations_with_replacement(
        [1], 1
    ),
    "itertools.compress": lambda: itertools.compress([1], [True]),
    "itertools.cycle": lambda: itertools.cycle([1]),
    "itertools.dropwhile": lambda: itertools.dropwhile(bool, [1]),
    "itertools.filterfalse": lambda: itertools.filterfalse(bool, [1]),
    "itertools.groupby": lambda: itertools.groupby([1]),
    "itertools.islice": lambda: itertools.islice([1], 1),
    "itertools.pairwise": lambda: itertools.pairwise([1, 2]),
    "itertools.permutations": lambda: itertools.permutations([1]),
    "itertools.repeat": lambda: itertools.repeat(1),
    "itertools.starmap": lambda: itertools.starmap(pow, [(2, 3)]),
    "itertools.takewhile": lambda: itertools.takewhile(bool, [1]),
    "json.JSONDecodeError": lambda: json.JSONDecodeError("Expecting value", "[", 1),
    "operator.itemgetter": lambda: operator.itemgetter(0),
    "re.Match": lambda: re.match(r"(?P<word>\w+)", "hello"),
    "re.Pattern": lambda: re.compile(r"(?P<word>\w+)"),
    "re.PatternError": lambda: re.error("missing )", "(", 1),
    "re.RegexFlag": lambda: re.IGNORECASE,
    "re.error": lambda: re.error("missing )", "(", 1),
    "string.Template": lambda: string.Template("$who"),
    "typing.NewType": lambda: typing.NewType("UserId", int),
    "typing.ParamSpec": lambda: typing.ParamSpec("P"),
    "typing.ParamSpecArgs": lambda: typing.ParamSpec("P").args,
    "typing.ParamSpecKwargs": lambda: typing.ParamSpec("P").kwargs,
    "typing.TypeAliasType": lambda: typing.TypeAliasType("Alias", int),
    "typing.TypeVar": lambda: typing.TypeVar("T"),
    "typing.TypeVarTuple": lambda: typing.TypeVarTuple("Ts"),
    "unicodedata.UCD": lambda: unicodedata.ucd_3_2_0,
}

# Exported classes that have no instances: special forms used only in annotations.
NO_INSTANCES = {"typing.Annotated", "typing.Any"}


def version_added(reason: str) -> tuple[int, int] | None:
    note = VERSION_NOTE.match(reason)
    return (3, int(note[1])) if note else None


def present_exports() -> list[tuple[str, str, object]]:
    """Every export this interpreter has, with its value (a module that does not import is
    reported by `test_facade_module_imports`)."""
    present = []
    for module, name in EXPORTS:
        try:
            namespace = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(namespace, name):
            present.append((module, name, getattr(namespace, name)))
    return present


PRESENT = present_exports()
PRESENT_CLASSES = [export for export in PRESENT if inspect.isclass(export[2])]


def hidden_edge(value: object) -> str | None:
    """What hidden edge `value` is, if it is one."""
    if inspect.ismodule(value):
        return "a module"
    if inspect.isframe(value):
        return "a frame"
    if inspect.iscode(value):
        return "a code object"
    if inspect.istraceback(value):
        return "a traceback"
    if isinstance(value, dict) and any(
        value is getattr(module, "__dict__", None) for module in list(sys.modules.values())
    ):
        return "a module's globals"
    return None


def public_attributes(obj: object) -> dict[str, object]:
    """Every public attribute of `obj` that can be read (some names in `dir` raise)."""
    attributes = {}
    for name in dir(obj):
        if name.startswith("_"):
            continue
        try:
            attributes[name] = getattr(obj, name)
        except AttributeError:
            continue
    return attributes


def edges_one_step(obj: object) -> list[str]:
    """`obj` itself, and each of its public attributes, that is a hidden edge."""
    found = [f"itself: {edge}" for edge in [hidden_edge(obj)] if edge]
    for name, value in public_attributes(obj).items():
        edge = hidden_edge(value)
        if edge:
            found.append(f".{name}: {edge}")
    return found


def test_the_binding_returns_tables() -> None:
    assert FACADES
    assert REFUSED


@pytest.mark.parametrize("module", sorted(FACADES))
def test_facade_module_imports(module: str) -> None:
    importlib.import_module(module)


@pytest.mark.parametrize(("module", "name"), EXPORTS)
def test_export_exists_on_the_versions_its_reason_claims(module: str, name: str) -> None:
    added = version_added(FACADES[module][name])
    expected = added is None or sys.version_info >= added
    claim = f"added in {added[0]}.{added[1]}" if added else "present on every version"
    assert hasattr(importlib.import_module(module), name) == expected, (
        f"{module}.{name}: its reason says {claim}; Python {sys.version_info[:2]} disagrees"
    )


@pytest.mark.parametrize(("module", "name", "value"), PRESENT)
def test_export_reaches_no_hidden_edge(module: str, name: str, value: object) -> None:
    assert edges_one_step(value) == [], f"{module}.{name}"


@pytest.mark.parametrize(
    ("module", "name", "value"), [export for export in PRESENT if not callable(export[2])]
)
def test_exported_values_are_immutable(module: str, name: str, value: object) -> None:
    # The typing vocabulary (special forms, type variables, aliases) is slotted or C types;
    # so is the 3.13 sentinel `NoDefault`, though its type claims to live in builtins.
    typing_construct = type(value).__module__ == "typing" or value is getattr(
        typing, "NoDefault", object()
    )
    assert isinstance(value, IMMUTABLE_VALUES) or typing_construct, (
        f"{module}.{name} is a {type(value).__name__}, which untrusted code could change"
    )


@pytest.mark.parametrize(("module", "name", "value"), PRESENT_CLASSES)
def test_exported_classes_share_no_mutable_attribute(module: str, name: str, value: type) -> None:
    shared = [
        attribute
        for attribute, attribute_value in public_attributes(value).items()
        if isinstance(attribute_value, MUTABLE_CONTAINERS)
    ]
    assert shared == [], f"{module}.{name}: class attributes every instance shares, the host's too"


@pytest.mark.parametrize(("module", "name", "value"), PRESENT_CLASSES)
def test_instances_reach_no_hidden_edge(module: str, name: str, value: type) -> None:
    qualified = f"{module}.{name}"
    if qualified in NO_INSTANCES:
        return
    try:
        instance = SAMPLES[qualified]() if qualified in SAMPLES else value()
    except TypeError as error:
        pytest.fail(f"{qualified}() fails ({error}): add an instance to SAMPLES")
    assert isinstance(instance, value), f"SAMPLES[{qualified!r}] is not an instance of it"
    assert edges_one_step(instance) == [], qualified


def test_samples_name_exported_classes() -> None:
    exported = {f"{module}.{name}" for module, name in EXPORTS}
    assert set(SAMPLES) | NO_INSTANCES <= exported


@pytest.mark.parametrize("module", sorted(NEVER_EXPORTED))
def test_known_edges_are_not_exported(module: str) -> None:
    assert module in FACADES, f"{module} has no facade: drop it from NEVER_EXPORTED"
    exported = set(NEVER_EXPORTED[module].split()) & set(FACADES[module])
    assert not exported, f"{module} exports {sorted(exported)}"


def test_refusals_are_documented_and_exclusive() -> None:
    undocumented = MUST_BE_REFUSED - set(REFUSED)
    assert not undocumented, f"no refusal documented for {sorted(undocumented)}"
    both = set(REFUSED) & set(FACADES)
    assert not both, f"refused, yet given a facade: {sorted(both)}"


@pytest.mark.parametrize("module", sorted(REFUSED))
def test_refused_module_exists(module: str) -> None:
    assert importlib.util.find_spec(module) is not None, f"{module}: no such module (a typo?)"


SHARED_FUNCTION = """
import json, statistics, typing
def write():
    json.dumps.note = "from one compartment"
def read():
    return statistics.mean([1, 2, 3]), json.dumps({"a": 1})
class Movie(typing.TypedDict):
    title: str
def movie():
    return Movie(title="Brazil")
"""


def test_a_facade_function_is_no_channel_between_compartments() -> None:
    # A Python function's `__dict__` is writable and shared by every compartment and the host
    # (`json.dumps.note = ...`): the facade hands such functions out read-only (red team).
    import statistics

    from ocapy import Compartment

    plugin = Compartment(modules={"json": json, "statistics": statistics, "typing": typing}).run(
        SHARED_FUNCTION
    )
    with pytest.raises(AttributeError, match="writing <function dumps .*>.note is refused"):
        plugin.write()
    assert not hasattr(json.dumps, "note")
    assert plugin.read() == (2, '{"a": 1}')
    # A function that stands for a base is still one.
    assert plugin.movie() == {"title": "Brazil"}


def test_a_facade_constant_is_no_channel_either() -> None:
    # Flags are enum members with a writable `__dict__`, and `typing.AnyStr` a writable type
    # variable, shared like the functions (red team): a flag is its exact value, a type
    # variable a type form.
    from ocapy import Compartment

    plugin = Compartment(modules={"re": re, "typing": typing}).run(
        "import re, typing\n"
        "def flags():\n    return re.IGNORECASE | re.MULTILINE, re.compile('a', re.I).match('A') is not None\n"
        "def note():\n    typing.AnyStr.note = 1\n"
        "def generic():\n"
        "    class Box(typing.Generic[typing.AnyStr]):\n        pass\n"
        "    return Box[str] is not None\n"
    )
    assert plugin.flags() == (re.IGNORECASE | re.MULTILINE, True)
    with pytest.raises(AttributeError, match="writing ~AnyStr.note is refused"):
        plugin.note()
    assert not hasattr(typing.AnyStr, "note")
    assert plugin.generic()
