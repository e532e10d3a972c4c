"""A sealed object's attribute reads are cached by type version, as the interpreter caches
`o.x`: every read must still answer what the object holds now, after any change to the
object, its dict or its class, and a cached read must never serve a name the seal refuses."""

from __future__ import annotations

import contextlib
import random
from typing import Any

import pytest

from ocapy import harden, seal


def make_class(name: str = "Plain") -> type:
    def __init__(self: Any) -> None:
        self.x = 1
        self.y = "why"
        self._secret = "hidden"

    def m(self: Any) -> str:
        return "method"

    return type(name, (), {"__init__": __init__, "m": m})


def read(obj: Any, name: str) -> Any:
    """What reading `name` gives: the value, or the exception's type."""
    try:
        return getattr(obj, name)
    except AttributeError:
        return AttributeError


def warm(s: Any, *names: str) -> None:
    for _ in range(3):
        for name in names:
            read(s, name)


def test_reads_follow_the_instance_values() -> None:
    obj = make_class()()
    s = seal(obj)
    warm(s, "x", "y")
    obj.x = 2
    assert s.x == 2
    del obj.x
    with pytest.raises(AttributeError):
        s.x
    obj.x = 3
    assert s.x == 3 and s.y == "why"


def test_instances_of_one_class_keep_their_own_values() -> None:
    cls = make_class()
    full, bare = cls(), cls.__new__(cls)
    s_full, s_bare = seal(full), seal(bare)
    warm(s_full, "x")
    assert s_full.x == 1
    with pytest.raises(AttributeError):
        s_bare.x
    bare.x = 10
    assert (s_full.x, s_bare.x) == (1, 10)


def test_a_cached_read_never_serves_a_private_name() -> None:
    obj = make_class()()
    s = seal(obj)
    warm(s, "x", "y", "m")
    for name in ("_secret", "__dict__", "__class__x", "_x"):
        with pytest.raises(AttributeError):
            getattr(s, name)


def test_equal_names_that_are_not_the_same_string_read_the_same() -> None:
    obj = make_class()()
    obj.longer_name = 1
    s = seal(obj)
    warm(s, "longer_name")
    built = "".join(["longer_", "name"])
    assert built == "longer_name" and id(built) != id("longer_name")
    assert getattr(s, built) == 1
    obj.longer_name = 5
    assert getattr(s, built) == 5 and s.longer_name == 5


def test_class_changes_after_caching_take_effect() -> None:
    cls = make_class()
    obj = cls()
    s = seal(obj)
    warm(s, "x", "m")
    cls.x = property(lambda self: "from a property")  # a data descriptor wins over values
    assert s.x == "from a property"
    del cls.x
    assert s.x == 1
    cls.m = lambda self: "replaced"
    assert s.m() == "replaced"
    cls.__getattr__ = lambda self, name: f"made {name}"
    assert s.z == "made z"
    cls.__getattribute__ = lambda self, name: f"all {name}"
    assert s.x == "all x"


def test_base_class_changes_after_caching_take_effect() -> None:
    base = make_class("Base")
    derived = type("Derived", (base,), {})
    s = seal(derived())
    warm(s, "x", "m")
    base.m = lambda self: "from the base"
    assert s.m() == "from the base"
    base.x = property(lambda self: "base property")
    assert s.x == "base property"


def test_dict_replacing_the_values_is_followed() -> None:
    obj = make_class()()
    s = seal(obj)
    warm(s, "x", "m")
    vars(obj)["x"] = 7  # the dict now holds the attributes
    assert s.x == 7
    vars(obj)["m"] = lambda: "instance attribute"
    assert s.m() == "instance attribute"
    obj.__dict__ = {"x": 8}
    assert s.x == 8 and s.m() == "method"


def test_instance_attributes_shadowing_a_cached_method_are_followed() -> None:
    obj = make_class()()
    s = seal(obj)
    warm(s, "m")
    assert s.m() == "method"
    obj.m = lambda: "shadow"
    assert s.m() == "shadow"
    del obj.m
    assert s.m() == "method"
    other = type(obj)()
    other.m = lambda: "other shadow"  # the shared keys gain `m` through another instance
    assert seal(other).m() == "other shadow" and s.m() == "method"


def test_class_assignment_is_followed() -> None:
    first = type("First", (), {})
    second = type("Second", (), {})
    a, b = first(), second()
    a.p, a.q = "a.p", "a.q"
    b.q, b.p = "b.q", "b.p"  # the other order: `p` and `q` swap places in the values
    s = seal(a)
    warm(s, "p", "q")
    a.__class__ = second
    assert (s.p, s.q) == ("a.p", "a.q")
    a.__class__ = first
    assert (s.p, s.q) == ("a.p", "a.q")


def test_methods_of_objects_without_a_dict() -> None:
    slotted = type("Slotted", (), {"__slots__": ("value",), "get": lambda self: self.value})
    obj = slotted()
    obj.value = 4
    s = seal(obj)
    warm(s, "get", "value")
    assert (s.get(), s.value) == (4, 4)
    slotted.get = lambda self: -self.value
    assert s.get() == -4
    numbers = seal([3, 1, 2])
    warm(numbers, "count", "index")
    assert numbers.count(1) == 1 and numbers.index(2) == 2


def test_deep_seals_read_through_the_cache_and_seal_what_they_hand_out() -> None:
    cls = make_class()
    obj = cls()
    obj.child = cls()
    h = harden(obj)
    warm(h, "x", "child", "m")
    assert h.x == 1 and h.m() == "method"
    assert type(h.child).__name__ == "Sealed" and h.child.y == "why"


def test_many_classes_and_names_read_right_through_collisions() -> None:
    classes = [type(f"C{index}", (), {}) for index in range(600)]
    objects = []
    for index, cls in enumerate(classes):
        obj = cls()
        setattr(obj, f"a{index % 37}", index)
        obj.common = -index
        objects.append((index, obj, seal(obj)))
    for _ in range(2):
        for index, obj, s in objects:
            assert getattr(s, f"a{index % 37}") == index
            assert s.common == -index
            assert read(s, f"a{(index + 1) % 37}") is AttributeError


def test_random_changes_never_separate_the_seal_from_the_object() -> None:
    """A differential test: after each random change, every public name reads through the
    seal as it reads on the object itself."""
    rng = random.Random(20261121)
    names = ["a", "b", "c", "m"]

    def method(self: Any) -> str:
        return "method"

    classes = [type(f"R{index}", (), {"m": method}) for index in range(3)]
    objects = [classes[index % 3]() for index in range(6)]
    seals = [seal(obj) for obj in objects]

    def change() -> None:
        obj = rng.choice(objects)
        name = rng.choice(names)
        action = rng.randrange(7)
        if action == 0:
            with contextlib.suppress(AttributeError):  # a property without a setter
                setattr(obj, name, rng.randrange(100))
        elif action == 1 and name in vars(obj):
            del vars(obj)[name]
        elif action == 2:
            vars(obj)[name] = rng.randrange(100)
        elif action == 3:
            obj.__class__ = rng.choice(classes)
        elif action == 4:
            setattr(rng.choice(classes), name, rng.choice([method, property(lambda self: "prop"), 5]))
        elif action == 5 and name in vars(type(obj)) and name != "m":
            delattr(type(obj), name)
        elif action == 6:
            obj.__dict__ = {key: value for key, value in vars(obj).items() if rng.random() < 0.7}

    def observed(value: Any) -> Any:
        return value() if callable(value) else value

    for _ in range(3000):
        change()
        for obj, s in zip(objects, seals):
            for name in names:
                expected = read(obj, name)
                got = read(s, name)
                if expected is AttributeError:
                    assert got is AttributeError, name
                else:
                    assert observed(got) == observed(expected), name
