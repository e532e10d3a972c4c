"""Metadata (`__name__`, `__qualname__`, `__module__`, `__doc__`) is read on any object, by
both layers, and bound only to strings: written on no other object, and never a method."""

from __future__ import annotations

import json

import pytest

import ocapy
from ocapy import _native

METADATA = ("__name__", "__qualname__", "__module__", "__doc__")


def codes(source: str) -> list[str]:
    return [d.code for d in ocapy.verify(source)]


@pytest.mark.parametrize("name", METADATA)
def test_the_verifier_accepts_reads_and_refuses_writes_on_other_objects(name: str) -> None:
    assert codes(f"def describe(f):\n    return f.{name}\n") == []
    assert codes(f"def rename(f):\n    f.{name} = 'x'\n") == ["OC101"]
    assert codes(f"class C:\n    def {name}(self):\n        return self._x\n") == ["OC402"]


def plugin_reads(source: str, **grants: object) -> ocapy.Namespace:
    compartment = ocapy.Compartment(grants=grants, modules={"json": json})
    return compartment.run(source)


def test_a_compartment_reads_metadata_of_its_own_facade_and_host_objects() -> None:
    class Account:
        """A host account."""

        def __init__(self) -> None:
            self._balance = 10

        def deposit(self, amount: int) -> None:
            self._balance += amount

    namespace = plugin_reads(
        "import json\n"
        "class Mine:\n"
        "    '''Mine.'''\n"
        "    def m(self):\n"
        "        return 1\n"
        "def f():\n"
        "    pass\n"
        "names = (f.__name__, f.__qualname__, Mine.__name__, Mine.__doc__, Mine().m.__name__,\n"
        "         json.dumps.__name__, json.JSONEncoder.__name__, account.__doc__,\n"
        "         account.deposit.__name__, getattr(f, '__module__') == __name__)\n",
        account=ocapy.seal(Account()),
    )
    assert namespace.names == (
        "f",
        "f",
        "Mine",
        "Mine.",
        "m",
        "dumps",
        "JSONEncoder",
        "A host account.",
        "deposit",
        True,
    )


@pytest.mark.parametrize(
    "write",
    [
        "setattr(f, '__name__', 'g')",
        "delattr(f, '__doc__')",
        "json.dumps.__name__ = 'g'",
    ],
)
def test_a_compartment_writes_metadata_on_no_shared_object(write: str) -> None:
    with pytest.raises((ocapy.CapabilityError, AttributeError, ocapy.VerificationError)):
        plugin_reads(f"import json\ndef f():\n    pass\n{write}\n")


@pytest.mark.parametrize(
    "body",
    [
        "    def __doc__(self):\n        return self._x\n",
        "    __module__ = len\n",
        "    __doc__ = 3\n",
    ],
)
def test_the_class_builder_alone_refuses_metadata_that_is_not_a_string(body: str) -> None:
    compartment = ocapy.Compartment(name="metadata")
    with pytest.raises(ocapy.CapabilityError, match="metadata"):
        _native._run_unverified(compartment, f"class C:\n{body}", filename="c.py")
    _native._run_unverified(
        compartment, "class C:\n    __doc__ = None\n    __module__ = 'm'\n", filename="ok.py"
    )
