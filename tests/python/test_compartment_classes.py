"""Class machinery in a compartment: what CPython reads by string and hands to class hooks.

Positional class patterns read the attributes ``__match_args__`` names; ``isinstance`` and
``issubclass`` call ``__instancecheck__``/``__subclasscheck__``/``__subclasshook__`` with raw
objects, from host code too; class writes change what everyone holding the class sees. Each
technique is tried as a plugin reaching for a canary of the host, through the verifier and
through the runtime alone (``_run_unverified``), and the legitimate uses keep working.
"""

from __future__ import annotations

import collections.abc
import enum
import fractions
import importlib
import itertools
import json
import re
import subprocess
import sys
import textwrap
import typing
from typing import Any

import pytest
from escape_corpus import ESCAPES_DIR

import ocapy
from ocapy import CapabilityError, Compartment, VerificationError, _native

CANARY = "canary: the host's module globals"


def host_function() -> str:
    """A host function: its ``__globals__`` holds the canary."""
    return "host"


def run_unverified(compartment: Compartment, source: str) -> Any:
    return _native._run_unverified(compartment, source, filename="unverified.py")


def facades() -> Compartment:
    return Compartment(
        grants={"target": ocapy.raw(host_function)},
        modules={"json": json, "typing": typing, "enum": enum},
    )


def rule_codes(source: str) -> set[str]:
    with pytest.raises(VerificationError) as raised:
        facades().run(source)
    return {diagnostic.code for diagnostic in raised.value.diagnostics}


YES_TO_EVERYTHING = """
import json
import typing


class Anything(typing.Hashable):
    __match_args__ = ({name!r},)

    @classmethod
    def __subclasshook__(cls, other):
        return True


def steal(subject):
    match subject:
        case Anything(found):
            return found
"""

# Names a positional pattern would read: hidden edges and private attributes.
REFUSED_NAMES = ["__globals__", "__self__", "tb_next", "gi_frame", "f_globals", "__dict__", "_secret"]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_the_issue_attack_fails_verification(name: str) -> None:
    assert {"OC603", "OC604", "OC605"} <= rule_codes(YES_TO_EVERYTHING.format(name=name))


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_the_runtime_alone_refuses_the_hook_and_the_match_args(name: str) -> None:
    with pytest.raises(CapabilityError, match="__subclasshook__"):
        run_unverified(facades(), YES_TO_EVERYTHING.format(name=name))
    without_hook = YES_TO_EVERYTHING.format(name=name).replace("    @classmethod\n", "")
    without_hook = without_hook.replace(
        "    def __subclasshook__(cls, other):\n        return True\n", ""
    )
    with pytest.raises(CapabilityError, match="__match_args__"):
        run_unverified(facades(), without_hook)


MATCH_ARGS_WRITTEN_LATER = """
class Anything:
    __match_args__ = ("name",)


def widen():
    Anything.__match_args__ = ("__globals__",)


def steal(subject):
    match subject:
        case Anything(found):
            return found
"""


def test_match_args_assigned_after_the_class_statement_is_refused() -> None:
    plugin = run_unverified(facades(), MATCH_ARGS_WRITTEN_LATER)
    with pytest.raises(CapabilityError, match="dunder"):
        plugin.widen()
    # The verifier sees the write: a dunder of another object than `self`.
    assert "OC101" in rule_codes(MATCH_ARGS_WRITTEN_LATER)


INHERITED_MATCH_ARGS = """
class Mine(base):
    pass


def steal(subject):
    match subject:
        case Mine(found):
            return found


def steal_from_mine():
    return steal(Mine())
"""


class HostRecord:
    """A host class whose ``__match_args__`` names a private attribute."""

    __match_args__ = ("_secret",)

    def __init__(self) -> None:
        self._secret = CANARY


def test_match_args_inherited_from_a_host_class_is_refused_when_read() -> None:
    compartment = Compartment(grants={"base": ocapy.raw(HostRecord)})
    plugin = run_unverified(compartment, INHERITED_MATCH_ARGS)
    # An instance of a host class is no `Mine`: nothing is read.
    assert plugin.steal(HostRecord()) is None
    # A `Mine` holds private state the host's `__init__` set.
    with pytest.raises(CapabilityError, match="_secret"):
        plugin.steal_from_mine()
    # Statically, `Mine` has no `__match_args__` of its own: its names are unknown.
    with pytest.raises(VerificationError, match="OC603"):
        compartment.run(INHERITED_MATCH_ARGS)


class Unhashable:
    __hash__ = None  # type: ignore[assignment]


HOOK_ADDED_LATER = """
import typing


class Anything(typing.Hashable):
    __match_args__ = ("name",)


def say_yes(cls, other):
    return True


def widen():
    Anything.__subclasshook__ = say_yes


def matches(subject):
    return isinstance(subject, Anything)
"""


def test_a_hook_assigned_after_the_class_statement_is_refused() -> None:
    plugin = run_unverified(facades(), HOOK_ADDED_LATER)
    with pytest.raises(CapabilityError, match="dunder"):
        plugin.widen()
    assert plugin.matches(Unhashable()) is False


HOOK_FROM_INIT_SUBCLASS = """
class Base:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__instancecheck__ = lambda self, other: True


class Child(Base):
    pass
"""


def test_a_hook_set_by_init_subclass_is_refused() -> None:
    with pytest.raises(CapabilityError, match="__instancecheck__"):
        run_unverified(facades(), HOOK_FROM_INIT_SUBCLASS)


# The corpus entry: a hook the host's own `isinstance` would call.
SPY = (ESCAPES_DIR / "ocapy_subclasshook_host_isinstance.py").read_text(encoding="utf-8")


def test_the_host_isinstance_never_calls_a_plugin_hook() -> None:
    assert "OC604" in rule_codes(SPY)
    with pytest.raises(CapabilityError, match="__subclasshook__"):
        run_unverified(facades(), SPY)
    # Nothing of the plugin was left registered under the host's ABC.
    assert not isinstance(Unhashable(), collections.abc.Hashable)
    assert "Spy" not in {scls.__name__ for scls in collections.abc.Hashable.__subclasses__()}


@pytest.mark.parametrize(
    "entries", ["[\"x\"]", "(\"x\", 1)", "(Name(\"x\"),)"], ids=["list", "not-a-str", "str-subclass"]
)
def test_match_args_must_be_a_tuple_of_exact_strings(entries: str) -> None:
    source = f"class Name(str):\n    pass\n\nclass Point:\n    __match_args__ = {entries}\n"
    with pytest.raises(CapabilityError, match="__match_args__"):
        run_unverified(facades(), source)


# --- what keeps working -------------------------------------------------------------------

PATTERNS = """
import json
import enum


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class Colour(enum.Enum):
    RED = 1
    GREEN = 2


def describe(subject):
    match subject:
        case Point(0, y):
            return f"on the y axis at {y}"
        case Point(x, y=0):
            return f"on the x axis at {x}"
        case int(n) | float(n):
            return f"number {n}"
        case str(text):
            return f"text {text}"
        case [first, *rest]:
            return f"list from {first}"
        case {"key": value}:
            return f"mapping with {value}"
        case json.JSONDecodeError(msg=message):
            return f"json error {message}"
        case Colour.RED:
            return "red"
    return "other"


def run():
    return [
        describe(Point(0, 5)),
        describe(Point(3, 0)),
        describe(4),
        describe("hi"),
        describe([1, 2]),
        describe({"key": 1}),
        describe(json.JSONDecodeError("bad", "{", 0)),
        describe(Colour.RED),
    ]
"""

PATTERNS_SEEN = [
    "on the y axis at 5",
    "on the x axis at 3",
    "number 4",
    "text hi",
    "list from 1",
    "mapping with 1",
    "json error bad",
    "red",
]


def test_pattern_matching_keeps_working_verified_and_unverified() -> None:
    assert facades().run(PATTERNS).run() == PATTERNS_SEEN
    assert run_unverified(facades(), PATTERNS).run() == PATTERNS_SEEN


CLASSES = """
import enum


class Registry:
    members = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.registered = True
        Registry.members.append(cls.__name__)


class Plugin(Registry):
    _count = 0

    @classmethod
    def made(cls):
        cls._count += 1
        return cls._count


class Colour(enum.Enum):
    RED = 1


def run():
    Plugin.label = "set after the class statement"
    Plugin().made()
    count = Plugin().made()
    del Plugin.label
    try:
        Colour.RED = 2
    except AttributeError:
        reassigned = False
    else:
        reassigned = True
    Colour.note = "not a member"
    return Registry.members, Plugin.registered, count, hasattr(Plugin, "label"), reassigned
"""


def test_class_attributes_of_the_plugin_s_own_classes_keep_working() -> None:
    expected = (["Plugin"], True, 2, False, False)
    assert facades().run(CLASSES).run() == expected
    assert run_unverified(facades(), CLASSES).run() == expected


DUNDER_WRITE = """
class Point:
    pass


def rewrite():
    Point.__eq__ = lambda self, other: True
"""


def test_dunder_writes_to_the_plugin_s_own_class_are_refused() -> None:
    plugin = run_unverified(facades(), DUNDER_WRITE)
    with pytest.raises(CapabilityError, match="dunder"):
        plugin.rewrite()


def host_setattr(owner: Any, name: str, value: Any) -> None:
    """Host code that writes whatever it is asked to."""
    setattr(owner, name, value)


DRIVEN_WRITE = """
import itertools

class Mine:
    pass

def rewrite():
    list(itertools.starmap(write, [(Mine, "__match_args__", ("__globals__",))]))
    return Mine.__match_args__
"""


def test_host_code_the_plugin_drives_cannot_write_a_dunder_either() -> None:
    # Handed over raw, the host function runs on the plugin's behalf (only a call into a
    # sealed grant runs with the host's authority), so its write is judged as the plugin's.
    raw = Compartment(grants={"write": ocapy.raw(host_setattr)}, modules={"itertools": itertools})
    with pytest.raises(CapabilityError, match="dunder"):
        run_unverified(raw, DRIVEN_WRITE).rewrite()
    granted = Compartment(grants={"write": host_setattr}, modules={"itertools": itertools})
    plugin = run_unverified(granted, DRIVEN_WRITE)
    # A sealed grant receives the plugin's class sealed, as every plugin object: read-only.
    with pytest.raises(AttributeError, match="read-only"):
        plugin.rewrite()


# --- writes: another compartment and the host see the class unchanged ---------------------

OWNER = """
class Shared:
    limit = 10


give(Shared)


def bump():
    Shared.limit += 1
    return Shared.limit
"""

INTRUDER = """
def rewrite():
    shared.limit = 0


def remove():
    del shared.limit


def add():
    shared.extra = "planted"
"""


def test_a_second_compartment_cannot_write_a_class_it_did_not_build() -> None:
    handed: list[type] = []
    owner = Compartment(grants={"give": ocapy.raw(handed.append)})
    plugin = owner.run(OWNER)
    (shared,) = handed
    intruder = Compartment(grants={"shared": ocapy.raw(shared)}).run(INTRUDER)
    for attempt in (intruder.rewrite, intruder.remove, intruder.add):
        with pytest.raises(CapabilityError, match="another compartment or the host"):
            attempt()
    # The host and the owner see it unchanged, and the owner still writes its own class.
    assert shared.limit == 10
    assert not hasattr(shared, "extra")
    assert plugin.bump() == 11
    # The host writes as it likes.
    shared.limit = 3
    assert plugin.bump() == 4


def test_the_intruder_is_refused_by_the_runtime_alone_too() -> None:
    handed: list[type] = []
    run_unverified(Compartment(grants={"give": ocapy.raw(handed.append)}), OWNER)
    (shared,) = handed
    intruder = run_unverified(Compartment(grants={"shared": ocapy.raw(shared)}), INTRUDER)
    with pytest.raises(CapabilityError):
        intruder.rewrite()
    assert shared.limit == 10


# --- a class's namespace: what `cls.__dict__` hands out ------------------------------------

RAW_FUNCTIONS = """
class Base:
    seen = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Base.seen.append(cls.__dict__["reveal"])


class Vault(Base):
    def __init__(self):
        self._secret = "the vault's own"

    def reveal(self):
        return self._secret


def steal(victim):
    return Base.seen[0](victim)


def own():
    return Base.seen[0](Vault())
"""


def test_the_verifier_refuses_a_class_namespace_read_through_cls() -> None:
    # `cls.__dict__` holds the raw functions: through the class, not the instance (issue 12).
    with pytest.raises(ocapy.VerificationError, match="cls.__dict__"):
        facades().run(RAW_FUNCTIONS)


def test_a_class_namespace_hands_out_checked_methods() -> None:
    compartment = facades()
    plugin = run_unverified(compartment, RAW_FUNCTIONS)
    with pytest.raises(TypeError, match="needs an instance of Vault"):
        plugin.steal(HostRecord())
    assert plugin.own() == "the vault's own"


ABSTRACT = """
import typing


class Incomplete(typing.Iterable):
    pass


class Complete(typing.Iterable):
    def __iter__(self):
        return iter([1, 2])


def make_incomplete():
    return Incomplete()


def listed():
    return list(Complete())
"""


def test_abstract_methods_of_a_compartment_class_are_still_abstract() -> None:
    plugin = facades().run(ABSTRACT)
    with pytest.raises(TypeError, match="abstract"):
        plugin.make_incomplete()
    assert plugin.listed() == [1, 2]


SUPER_IN_CLASSMETHOD = '''
import faulthandler, ocapy
faulthandler.enable()
source = """
class Base:
    def reveal(self):
        return "base"

class Sub(Base):
    @classmethod
    def grab(cls):
        return super().reveal

def grab():
    return Sub.grab()
"""
grabbed = ocapy.Compartment().run(source).grab()
print("survived", type(grabbed).__name__)
'''


def test_reading_a_compartment_class_namespace_in_a_fresh_process_does_not_abort() -> None:
    # `super().reveal` in a classmethod reads the base's `__dict__` from compartment code. The
    # first such read in a process once cast to `collections.abc.Mapping`, whose lazy import
    # went through the compartment's import gate, was refused, and aborted the interpreter
    # inside a slot (red team). A fresh process, so that nothing has imported it first.
    ran = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SUPER_IN_CLASSMETHOD],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("survived"), ran.stdout


SUBCLASS_BINDS_A_METHOD = """
class Account:
    def __init__(self):
        self._balance = 100

class Base:
    _data = None
    _defaults = {"limit": 5}

    @classmethod
    def limit(cls):
        return cls._defaults["limit"]

    @classmethod
    def leak(cls, victim):
        return cls._data(victim)

class Spy(Base):
    def _data(self):
        return self._balance

def attack():
    return Spy.leak(Account())

def ordinary():
    return Spy.limit()
"""


def test_a_private_method_read_through_a_class_is_checked() -> None:
    # The verifier lets a classmethod read `cls._data`, which Base binds as data; `cls` was a
    # subclass that binds a method there, and the raw function ran on any object (red team).
    plugin = run_unverified(Compartment(), SUBCLASS_BINDS_A_METHOD)
    with pytest.raises(TypeError, match=r"Spy\._data\(\) read from its class needs an instance"):
        plugin.attack()
    assert plugin.ordinary() == 5


@pytest.mark.parametrize(
    ("source", "refusal"),
    [
        ("import typing\nclass Meta(typing.Type):\n    pass\n", "derives from type"),
        (
            "class Key(str):\n    def __hash__(self):\n        return 0\n",
            "derives from str and defines __hash__",
        ),
        (
            "class Flags(int):\n    def __eq__(self, other):\n        return True\n",
            "derives from int and defines __eq__",
        ),
        # A mixin of the plugin's brings the equality the value type's subclass may not define.
        (
            "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n"
            "    def __hash__(self):\n        return 0\n"
            "class Forged(AlwaysEqual, str):\n    pass\n",
            "derives from str and inherits __eq__ from AlwaysEqual",
        ),
    ],
)
def test_classes_that_would_poison_shared_caches_are_refused(source: str, refusal: str) -> None:
    # A plugin metaclass (through typing.Type) or a str or int that equals every key filed
    # its own entries under the host's in typing's, re's and strptime's caches (red team).
    with pytest.raises(CapabilityError, match=refusal):
        run_unverified(facades(), source)


def stdlib_facades() -> Compartment:
    names = ("collections", "difflib", "enum", "functools", "heapq", "re", "typing")
    return Compartment(modules={name: importlib.import_module(name) for name in names})


FLAGS_EQUAL_TO_ZERO = """
import re

class Flags:
    def __init__(self, value):
        self.value = value
    def __and__(self, other):
        return self.value & other
    def __rand__(self, other):
        return other & self.value
    def __or__(self, other):
        return self.value | other
    def __ror__(self, other):
        return other | self.value
    def __eq__(self, other):
        return other == 0
    def __hash__(self):
        return 0

def poison():
    return re.compile("^[a-z]+$", Flags(re.MULTILINE))
"""


def test_a_facade_is_not_handed_an_object_whose_equality_is_the_plugins() -> None:
    # Passed as `flags`, it filed a MULTILINE pattern under the key of the host's own
    # `re.compile(pattern)`, whose input check then passed "alice\n<script>" (red team).
    plugin = run_unverified(stdlib_facades(), FLAGS_EQUAL_TO_ZERO)
    with pytest.raises(CapabilityError, match="'Flags' object, whose __eq__ is compartment"):
        plugin.poison()
    assert re.compile("^[a-z]+$").match("alice\n<script>") is None


@pytest.mark.parametrize(
    "call",
    [
        "re.compile('a', Key())",
        "re.compile('a', flags=Key())",
        "functools.lru_cache((1, (Key(),)))",
        "collections.Counter(frozenset({Key()}))",
        # Whatever the class binds as `__eq__`, unless it is a function or native.
        "re.compile('a', Bound())",
    ],
)
def test_plugin_equality_is_refused_in_every_argument_of_facade_calls(call: str) -> None:
    source = (
        "import collections, functools, re\n"
        "class Key:\n    def __eq__(self, other):\n        return True\n"
        "    def __hash__(self):\n        return 0\n"
        "class Bound:\n    __eq__ = Key().__eq__\n    __hash__ = Key().__hash__\n"
        f"def call():\n    return {call}\n"
    )
    with pytest.raises(CapabilityError, match="whose __eq__ is compartment code's own"):
        run_unverified(stdlib_facades(), source).call()


def test_facades_take_plugin_objects_whose_equality_is_not_theirs_or_not_hashable() -> None:
    plugin = run_unverified(
        stdlib_facades(),
        "import collections, functools, heapq, re\n"
        "class Point:\n    def __init__(self, x):\n        self.x = x\n"
        "    def __eq__(self, other):\n        return self.x == other.x\n"
        "    def __lt__(self, other):\n        return self.x < other.x\n"
        "class Plain:\n    pass\n"
        "def call():\n"
        "    heap = []\n"
        "    heapq.heappush(heap, Point(2))\n"
        "    heapq.heappush(heap, Point(1))\n"
        "    count = collections.Counter([Plain(), Plain()])\n"
        "    total = functools.reduce(lambda a, p: a + p.x, [Point(1), Point(2)], 0)\n"
        "    return heap[0].x, len(count), total, re.sub('a', lambda m: 'b', 'aa')\n",
    )
    assert plugin.call() == (1, 2, 3, "bb")


def test_shared_classes_of_facades_take_no_writes() -> None:
    # `enum.Enum` went out as the real class: a property planted on `Enum.value` was handed
    # every host enum member raw, and a descriptor there the host's own enum classes; a
    # lying exception group raised from such a hook crashed the host's `except*` (red team).
    compartment = stdlib_facades()
    for write in ("enum.Enum.value = None", "del enum.Enum.name", "difflib.Match.size = 0"):
        with pytest.raises(AttributeError, match="refused in a compartment"):
            run_unverified(compartment, f"import difflib, enum\n{write}\n")
    plugin = run_unverified(
        compartment,
        "import enum\nclass Color(enum.Enum):\n    RED = 1\n"
        "def members():\n    return [c.name for c in Color], isinstance(Color.RED, enum.Enum)\n",
    )
    assert plugin.members() == (["RED"], True)


def test_a_class_its_metaclass_built_past_the_compartment_holds_no_plugin_method() -> None:
    # TypedDict's metaclass calls `type.__new__` itself: the class was no compartment class,
    # so `K = Peek; K.secret_of(vault)` ran the raw function on a granted object (red team).
    source = "import typing\nclass Peek(typing.TypedDict):\n    x: int\n    def secret_of(self):\n        return self._secret\n"
    with pytest.raises(CapabilityError, match="class Peek defines secret_of"):
        run_unverified(stdlib_facades(), source)
    plugin = run_unverified(
        stdlib_facades(),
        "import typing\nclass Movie(typing.TypedDict):\n    title: str\n"
        "def make():\n    return Movie(title='x')['title']\n",
    )
    assert plugin.make() == "x"


def test_an_abc_of_the_plugins_registers_nothing() -> None:
    # `register` on the plugin's own subclass of `typing.Mapping` made `str` a Mapping for the
    # whole process (red team).
    source = "import typing\nclass M(typing.Mapping):\n    pass\nM.register(str)\n"
    with pytest.raises(CapabilityError, match="M.register is refused"):
        run_unverified(stdlib_facades(), source)
    assert not isinstance("abc", collections.abc.Mapping)


def test_annotated_metadata_is_checked_like_every_type_form_argument() -> None:
    # Before 3.13 Annotated was a class handed out raw: its metadata reached typing's cache
    # unchecked, and the host's own `Annotated[str, MaxLen(64)]` became the plugin's (red
    # team). It is a class view there now, and a type form from 3.13.
    source = (
        "import typing\nclass Forged:\n    def __eq__(self, other):\n        return True\n"
        "    def __hash__(self):\n        return 0\n"
        "alias = typing.Annotated[str, Forged()]\n"
    )
    with pytest.raises(CapabilityError, match="a type form takes"):
        run_unverified(stdlib_facades(), source)
    plugin = run_unverified(stdlib_facades(), "import typing\nalias = typing.Annotated[int, 'units']\n")
    assert "typing.Annotated[int, 'units']" in repr(plugin.alias)


@pytest.mark.parametrize("through", ["enum.IntEnum", "Shade"])
@pytest.mark.parametrize(
    "arguments",
    [
        "[('X', 8), ('__eq__', helper.eq), ('__hash__', helper.hash_)]",
        "{'X': 8, '_missing_': helper.eq}",
        "'X _private'",
        "Names()",
        "['X'], module=helper",
    ],
)
def test_enum_functional_api_builds_no_class_with_attributes_of_the_plugins(
    through: str, arguments: str
) -> None:
    # `IntEnum("F", [("X", 8), ("__eq__", f), ...])` built a class past the builder whose
    # members equal the host's keys: it poisoned `re`'s cache and strptime's, and a lying
    # exception group from that `__eq__` crashed the host's `except*` (red team).
    source = (
        "import enum\n"
        "class Helper:\n    def eq(self, other):\n        return True\n"
        "    def hash_(self):\n        return 0\n"
        "helper = Helper()\n"
        "class Names:\n    def __init__(self):\n        self.calls = 0\n"
        "    def __iter__(self):\n        self.calls += 1\n"
        "        return iter(['X'] if self.calls == 1 else ['__eq__'])\n"
        "class Shade(enum.IntEnum):\n    pass\n"
        f"F = {through}('F', {arguments})\n"
    )
    if arguments == "Names()" and through == "enum.IntEnum":
        # Read once: enum gets the names that were checked.
        plugin = run_unverified(stdlib_facades(), source + "members = [m.name for m in F]\n")
        assert plugin.members == ["X"]
        return
    if arguments == "Names()":
        # A compartment's own enum class cannot complete the functional form at all: enum
        # writes the members to a class the builder did not build (3.11+), or reads its
        # metaclass's helpers through the class, as checked methods (3.10).
        with pytest.raises((CapabilityError, TypeError)):
            run_unverified(stdlib_facades(), source)
        return
    with pytest.raises(CapabilityError, match=r"\(name, names\) is refused"):
        run_unverified(stdlib_facades(), source)


def test_enum_functional_api_keeps_working() -> None:
    plugin = run_unverified(
        stdlib_facades(),
        "import enum\n"
        "Color = enum.Enum('Color', 'RED GREEN')\n"
        "Number = enum.IntEnum('Number', [('ONE', 1), ('TWO', 2)], module='numbers')\n"
        "import collections\n"
        "Light = enum.Enum('Light', {'DIM': 1})\n"
        "Shade = enum.Enum('Shade', collections.OrderedDict([('DARK', 7)]))\n"
        "def names():\n"
        "    return ([c.name for c in Color], Number.TWO + 1, Light.DIM.value, Color(1).name,\n"
        "            Shade.DARK.value)\n",
    )
    assert plugin.names() == (["RED", "GREEN"], 3, 1, "RED", 7)


def test_facade_exception_classes_are_frozen_for_the_whole_process() -> None:
    # A property planted on `JSONDecodeError.doc` was handed the host's documents, and one
    # on `decimal.InvalidOperation.args` the host's exceptions, raw (red team).
    import decimal

    compartment = Compartment(modules={"json": json, "decimal": decimal})
    for write in ("json.JSONDecodeError.doc = None", "decimal.InvalidOperation.args = None"):
        with pytest.raises(TypeError, match="immutable type"):
            run_unverified(compartment, f"import decimal, json\n{write}\n")
    with pytest.raises(TypeError, match="immutable type"):
        json.JSONDecodeError.doc = None  # type: ignore[misc]
    plugin = run_unverified(
        compartment,
        "import json\ndef parse(text):\n    try:\n        return json.loads(text)\n"
        "    except json.JSONDecodeError as error:\n        return error.pos\n",
    )
    assert plugin.parse("[1, oops]") == 4


@pytest.mark.parametrize("base", ["json.JSONEncoder", "typing.Mapping", "enum.Enum"])
def test_mro_entries_of_a_plugin_base_see_only_views(base: str) -> None:
    # The class builder handed the real classes behind the views to `__mro_entries__` of the
    # other bases: the plugin wrote `JSONEncoder.default`, and `get` on
    # `collections.abc.Mapping`, which `os.environ.get` then ran (red team, round 3).
    source = (
        "import enum, json, typing\n"
        "got = []\n"
        "class Grab:\n    def __mro_entries__(self, bases):\n        got.extend(bases)\n"
        "        return ()\n"
        f"class C(Grab(), {base}):\n    pass\n"
        "def plant():\n    got[1].get = len\n"
    )
    compartment = Compartment(modules={"enum": enum, "json": json, "typing": typing})
    shared_get = collections.abc.Mapping.get
    with pytest.raises((AttributeError, CapabilityError), match="refused|a type form takes"):
        # A type form refuses a plugin object among the bases it is given.
        run_unverified(compartment, source).plant()
    assert "get" not in vars(json.JSONEncoder) and "get" not in vars(enum.Enum)
    assert collections.abc.Mapping.get is shared_get


VALUE_SUBCLASSES = """
import fractions, re, string, textwrap

class Flags(int):
    def __or__(self, other):
        return int(self) | other | re.MULTILINE
    def __ror__(self, other):
        return self.__or__(other)

class Text(str):
    def translate(self, table):
        table.clear()
        return str(self)
    def expandtabs(self, tabsize=8):
        return self

class Bits(int):
    def __abs__(self):
        return 4242

class Mine(string.Template):
    delimiter = Text("$")

def call():
    for evicted in range(700):
        re.compile("evict" + str(evicted))
    return (re.compile("^v[a-z]+$", Flags(0)).flags, textwrap.fill(Text("a\tb")),
            hash(fractions.Fraction(Bits(3))), Mine.delimiter)
"""


def test_facade_code_gets_plain_values_as_exact_builtins() -> None:
    # An int subclass as `re.compile`'s flags filed a MULTILINE pattern under the host's key;
    # a str subclass's `translate` was handed (and cleared) the tables of `textwrap` and
    # `re.escape` the whole process shares, also as a Template subclass's `delimiter`, which
    # Template's `__init_subclass__` escapes; an int subclass's `__abs__` decided the hash of
    # every `Fraction(3)` through fractions' lru_cache (red team, round 3).
    names = ("fractions", "re", "string", "textwrap")
    compartment = Compartment(modules={name: importlib.import_module(name) for name in names})
    flags, filled, hashed, delimiter = run_unverified(compartment, VALUE_SUBCLASSES).call()
    assert not flags & re.MULTILINE and filled == "a       b"
    assert hashed == hash(fractions.Fraction(3)) and type(delimiter) is str
    assert re.escape("a.b") == "a\\.b" and textwrap.fill("a\tb") == "a       b"
    assert re.compile("^v[a-z]+$").match("vx\nvy") is None


def test_a_class_of_the_plugins_answers_for_no_abc_subclasses() -> None:
    # A classmethod `__subclasses__` on a subclass of `typing.Mapping` answered `[str]` to
    # every `issubclass(x, Mapping)` of the process (red team, round 3).
    source = "import typing\nclass M(typing.Mapping):\n    @classmethod\n    def __subclasses__(cls):\n        return [str]\n"
    with pytest.raises(CapabilityError, match="defines __subclasses__"):
        run_unverified(stdlib_facades(), source)
    assert not issubclass(str, collections.abc.Mapping)


def test_value_subclasses_that_keep_their_equality_still_work() -> None:
    plugin = run_unverified(
        facades(),
        "class Name(str):\n    def shout(self):\n        return self.upper()\n"
        "def greet():\n    return Name('ada').shout(), {Name('ada'): 1}['ada']\n",
    )
    assert plugin.greet() == ("ADA", 1)


ENUM_HOOKS = """
import enum

class Account:
    def __init__(self):
        self._balance = 100

class Color(enum.Enum):
    RED = 1
    def _missing_(self, value=None):
        return self._balance

class Spy:
    _helper_ = None
    @classmethod
    def leak(cls, victim):
        return cls._helper_(victim)

class Sub(Spy):
    def _helper_(self):
        return self._balance

class Shade(enum.Enum):
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()
    DARK = enum.auto()

def missing():
    return Color(Account())

def helper():
    return Sub.leak(Account())

def ordinary():
    return Shade.DARK.value
"""


@pytest.mark.parametrize("call", ["missing", "helper"])
def test_a_sunder_method_read_through_a_class_is_checked(call: str) -> None:
    # Enum calls `cls._missing_(value)` through the class, and `cls._helper_` in a
    # classmethod may be a subclass's method: raw, they ran on any object (red team).
    plugin = run_unverified(facades(), ENUM_HOOKS)
    with pytest.raises(TypeError, match="read from its class needs an instance"):
        getattr(plugin, call)()


def test_enum_hooks_enum_calls_without_an_instance_still_work() -> None:
    assert run_unverified(facades(), ENUM_HOOKS).ordinary() == "dark"
