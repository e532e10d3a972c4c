"""Type forms in a compartment: typing's aliases and special forms, behind read-only views.

A typing alias forwards the attribute writes it does not know to its origin class, so a
plugin importing only `typing` rewrote `collections.abc.Mapping.get` for the whole process,
and read raw methods past the facade's class views (red team). Each attack below passes the
verifier; the runtime refuses it. Beside them, the ordinary uses of typing keep working.
"""

from __future__ import annotations

import collections
import collections.abc
import typing

import pytest

from ocapy import CapabilityError, Compartment


def run(source: str):
    compartment = Compartment(modules={"typing": typing, "collections": collections})
    return compartment.run(source, filename="forms.py")


@pytest.mark.parametrize(
    "statement",
    [
        "typing.Mapping[str, str].get = replacement",
        "typing.Mapping.get = replacement",
        "typing.Counter[str].update = replacement",
        "typing.Optional[int].anything = replacement",
    ],
)
def test_a_type_form_writes_nothing(statement: str) -> None:
    original = collections.abc.Mapping.get
    with pytest.raises(AttributeError, match="writing .* is refused in a compartment"):
        run(f"import typing\ndef replacement(self):\n    return 0\n{statement}\n")
    assert collections.abc.Mapping.get is original
    assert not hasattr(collections.Counter, "anything")


@pytest.mark.parametrize(
    "expression",
    ["typing.Mapping[str, str].get", "typing.Counter[str].update", "collections.Counter[str].update"],
)
def test_a_type_form_hands_out_no_method_of_its_origin(expression: str) -> None:
    with pytest.raises(AttributeError, match="a type form reads only what describes it"):
        run(f"import collections, typing\nfound = {expression}\n")


def test_a_type_form_takes_no_plugin_object_that_typing_would_hash() -> None:
    # typing's caches hash what a form is given and compare it with the host's own keys.
    with pytest.raises(CapabilityError, match="a type form takes types, type forms"):
        run(
            "import typing\n"
            "class Forged:\n"
            "    def __hash__(self):\n"
            "        return hash(int)\n"
            "    def __eq__(self, other):\n"
            "        return True\n"
            "alias = typing.Literal[Forged()]\n"
        )


ORDINARY = """
import collections
import typing

T = typing.TypeVar("T")

class Stack(typing.Generic[T]):
    def __init__(self) -> None:
        self.items: typing.List[T] = []

    def push(self, item: T) -> None:
        self.items.append(item)

class Table(typing.Mapping[str, int]):
    def __init__(self, data: typing.Dict[str, int]) -> None:
        self.data = data
    def __getitem__(self, key: str) -> int:
        return self.data[key]
    def __iter__(self) -> typing.Iterator[str]:
        return iter(self.data)
    def __len__(self) -> int:
        return len(self.data)

def summary(values: typing.Optional[typing.List[int]] = None) -> typing.Tuple[int, bool]:
    table = Table({"a": 1, "b": 2})
    stack = Stack[int]()
    stack.push(3)
    return (
        sum(values or []) + table.get("b", 0) + len(stack.items),
        isinstance(table, typing.Mapping)
        and typing.Optional[int] == typing.Union[int, None]
        and repr(typing.Literal["a", 1]) == "typing.Literal['a', 1]"
        and repr(collections.Counter[str]) == "collections.Counter[str]"
        and repr(typing.Optional[T]) == "typing.Optional[~T]",
    )
"""


def test_ordinary_typing_keeps_working() -> None:
    assert run(ORDINARY).summary([1, 2]) == (6, True)


def test_a_type_form_refuses_arguments_that_hold_themselves() -> None:
    with pytest.raises(CapabilityError, match="nested more than 64 levels deep"):
        run("import typing\nloop = []\nloop.append(loop)\nalias = typing.Callable[loop, int]\n")


def test_a_type_form_compares_without_handing_itself_out() -> None:
    # Compared with a plugin object, the real alias answered NotImplemented and Python asked
    # the plugin's `__eq__` with the raw alias, which then wrote through (red team).
    plugin = run(
        "import typing\n"
        "seen = []\n"
        "class Grab:\n"
        "    def __eq__(self, other):\n"
        "        seen.append(other)\n"
        "        return False\n"
        "def compare():\n"
        "    return typing.Mapping == Grab(), typing.Optional[int] == typing.Union[int, None]\n"
        "def write():\n"
        "    seen[0].get = None\n"
    )
    assert plugin.compare() == (False, True)
    with pytest.raises(AttributeError, match="writing typing.Mapping.get is refused"):
        plugin.write()
