"""The encapsulation profile's proofs that another object is an instance of the method's
class: each refused form really leaks when run plainly, and the ordinary proofs still hold."""

from __future__ import annotations

import textwrap

import pytest

import ocapy


def codes(source: str, profile: str = "capability") -> set[str]:
    return {d.code for d in ocapy.verify(textwrap.dedent(source), profile=profile)}


def run(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(source), "<proofs>", "exec"), namespace)  # noqa: S102
    return namespace


# Encapsulation profile: a proof that `other` is an instance of the method's class.
ENCAPSULATION_BREAKS = {
    "class_decorator": """
        class Victim:
            def __init__(self):
                self._secret = "SECRET"

        REAL = []

        def swap(cls):
            REAL.append(cls)
            return Victim

        @swap
        class C:
            def peek(self, other):
                if isinstance(other, C):
                    return other._secret

        LEAK = REAL[0]().peek(Victim())
    """,
    "new_returns_foreign": """
        class Victim:
            def __init__(self):
                self._secret = "SECRET"

        class C:
            def __new__(cls, other=None):
                if other is not None:
                    return other
                return super().__new__(cls)

            def peek(self, victim):
                made = C(victim)
                return made._secret

        LEAK = C().peek(Victim())
    """,
    "subclass_new": """
        class Victim:
            def __init__(self):
                self._secret = "SECRET"

        class C:
            @classmethod
            def make(cls):
                made = cls()
                return made._secret

        class D(C):
            def __new__(cls):
                return Victim()

        LEAK = D.make()
    """,
    "closure_after_rebinding": """
        class Victim:
            def __init__(self):
                self._secret = "SECRET"

        class C:
            def __init__(self):
                self._secret = "own"

            def peek(self, items):
                readers = []
                for other in items:
                    if isinstance(other, C):
                        readers.append(lambda: other._secret)
                return readers[0]()

        LEAK = C().peek([C(), Victim()])
    """,
}


@pytest.mark.parametrize("name", sorted(ENCAPSULATION_BREAKS))
def test_encapsulation_proof_breaks_are_refused(name: str) -> None:
    source = ENCAPSULATION_BREAKS[name]
    assert run(source)["LEAK"] == "SECRET"
    assert "OC101" in codes(source, profile="encapsulation")


def test_encapsulation_proofs_still_hold() -> None:
    source = """
    class Base:
        pass

    class C(Base):
        def __init__(self):
            self._x = 1

        def __eq__(self, other):
            if not isinstance(other, C):
                return NotImplemented
            return self._x == other._x

        def merge(self, items):
            for other in items:
                if type(other) is C:
                    self._x += other._x

        def copy(self):
            made = C()
            made._x = self._x
            return made
    """
    assert codes(source, profile="encapsulation") == set()
