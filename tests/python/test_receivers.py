"""What the verifier trusts through a method's receiver (`self`, `cls`, `super()`), checked
against the interpreter running the suite: each refused form really escapes when run plainly,
and the ordinary forms still pass."""

from __future__ import annotations


import pytest

import ocapy
from verdicts import codes, run


# The super object's own attributes, which `object` lacks: through `super()` they are the
# proxy's, not a base's. `__class__` is special-cased by super's attribute lookup.
SUPER_OWN = sorted((set(dir(super(int, 1))) - set(dir(object))) | {"__class__"})


def test_super_own_attributes_are_what_the_verifier_refuses() -> None:
    # The interpreter decides the set; this guards against a release adding one.
    assert {"__class__", "__get__", "__self__", "__self_class__", "__thisclass__"} >= set(SUPER_OWN)


@pytest.mark.parametrize("name", SUPER_OWN)
@pytest.mark.parametrize(
    "header",
    ["def m(self):", "@classmethod\n    def m(cls):", "def __new__(cls):"],
    ids=["method", "classmethod", "new"],
)
def test_super_own_attribute_is_refused(name: str, header: str) -> None:
    source = f"class C:\n    {header}\n        return super().{name}\n"
    assert codes(source) & {"OC101", "OC201"}, source


def test_super_class_is_the_super_type() -> None:
    # What the refusal stands on: `super().__class__` is not a base's class attribute.
    found = run("class C:\n    def m(self):\n        return super().__class__\n")
    assert found["C"]().m() is super


def test_ordinary_super_calls_pass() -> None:
    source = """
    class B:
        pass

    class C(B):
        def __new__(cls, *args):
            return super().__new__(cls)

        def __init__(self):
            super().__init__()

        def __eq__(self, other):
            return super().__eq__(other)

        def __getitem__(self, key):
            return super().__getitem__(key)

        def __hash__(self):
            return super().__hash__()
    """
    assert codes(source) == set()


FORGES = [
    "class C:\n    def forge(self, other):\n        return self.__new__(other)\n",
    "class C:\n    def forge(self, other):\n        return super().__new__(other)\n",
    "class C:\n    @classmethod\n    def forge(cls, other):\n        return cls.__new__(other)\n",
    "class C:\n    @classmethod\n    def forge(cls, other):\n        return super().__new__(other)\n",
]


@pytest.mark.parametrize("source", FORGES)
def test_new_through_a_receiver_forges_any_class(source: str) -> None:
    class Token:
        def __init__(self) -> None:
            raise PermissionError("only the host mints tokens")

    forged = run(source)["C"]().forge(Token)
    assert type(forged) is Token
    found = list(ocapy.verify(source))
    assert any(d.code == "OC101" and "cls.__new__(cls)" in d.message for d in found), found


def test_new_of_the_methods_own_class_passes() -> None:
    source = """
    class C:
        def __new__(cls, *args):
            return super().__new__(cls)

        @classmethod
        def blank(cls):
            return cls.__new__(cls)

        @classmethod
        def blank2(cls):
            return super().__new__(cls)
    """
    assert codes(source) == set()
    made = run(source)["C"]
    assert type(made.blank()) is made and type(made.blank2()) is made


def test_enum_value_is_not_written_through_self() -> None:
    assert "OC101" in codes(
        "class E:\n    def __init__(self, *args):\n        self._value_ = args\n"
    )
    assert codes("class E:\n    def value(self):\n        return self._value_\n") == set()


def test_deleting_through_cls_is_refused() -> None:
    assert "OC101" in codes(
        "class E:\n    _f = None\n\n    @classmethod\n    def wipe(cls):\n        del cls._f\n"
    )
    reset = "class E:\n    _f = None\n\n    @classmethod\n    def reset(cls):\n        cls._f = None\n"
    assert codes(reset) == set()
