"""The encapsulation profile's proofs that another object is an instance of the method's
class: each refused form really leaks when run plainly, and the ordinary proofs still hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from verdicts import codes, run


ESCAPES = Path(__file__).resolve().parents[1] / "escapes"

# The escapes of the corpus that fool a proof that `other` is an instance of the method's
# class, and the line that runs each.
ENCAPSULATION_BREAKS = {
    "ocapy_encap_class_decorator_rebinds_name": "LEAK = REAL[0]().peek(Victim())",
    "ocapy_encap_new_returns_foreign": "LEAK = C().peek(Victim())",
    "ocapy_encap_cls_call_subclass_new": "LEAK = D.make()",
    "ocapy_encap_closure_after_rebinding": "LEAK = C().peek([C(), Victim()])",
    "ocapy_encap_isinstance_abc_register": "LEAK = C().peek(Victim())",
}


@pytest.mark.parametrize("name", sorted(ENCAPSULATION_BREAKS))
def test_encapsulation_proof_breaks_are_refused(name: str) -> None:
    escape = (ESCAPES / f"{name}.py").read_text(encoding="utf-8")
    assert "SECRET" in str(run(f"{escape}\n{ENCAPSULATION_BREAKS[name]}\n")["LEAK"])
    assert "OC101" in codes(escape, profile="encapsulation")


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
