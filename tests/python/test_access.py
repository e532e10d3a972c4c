"""Run-time access checks: ocapy.access_checked and ocapy.AccessChecked.

Every behaviour is tested in both forms (decorator and metaclass), from both sides: what the
class's own code may do, and what other code is refused.
"""

from __future__ import annotations

import abc
import asyncio
import dataclasses
import dis
import enum
import functools
import gc
import copy
import inspect
import operator
import pickle
import sys
import threading
import types
import weakref
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

import ocapy

Decorate = Callable[[type], type]


@pytest.fixture(params=["decorator", "metaclass"])
def form(request: pytest.FixtureRequest) -> tuple[type, Decorate]:
    """A base class and a decorator such that `@decorate class A(Base)` is checked."""
    if request.param == "decorator":
        return object, ocapy.access_checked
    return ocapy.AccessChecked, lambda cls: cls


def make_article_class(form: tuple[type, Decorate]) -> type:
    """The 2005 CodeAccessVerifier article's example."""
    base, decorate = form

    @decorate
    class A(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__total = 0

        def add(self, x: int) -> int:
            self.__internalAdd(x)
            return self.__total

        def __internalAdd(self, x: int) -> None:
            self.__total += x

    return A


def line_after(lines: int) -> int:
    """The line `lines` lines below the caller's current line."""
    return sys._getframe(1).f_lineno + lines


def test_article_example_own_method_works_outside_call_refused(form):
    a = make_article_class(form)()
    assert a.add(2) == 2
    assert a.add(3) == 5
    line = line_after(2)
    with pytest.raises(ocapy.AccessViolation) as refused:
        a._A__internalAdd(1)
    error = refused.value
    assert isinstance(error, AttributeError)
    assert error.member == "_A__internalAdd"
    assert error.owner.endswith("A")
    assert error.caller == f"{test_article_example_own_method_works_outside_call_refused.__qualname__} at {__file__}:{line}"
    assert "private member '_A__internalAdd'" in str(error)
    assert error.caller in str(error)
    assert a.add(0) == 5, "the refused call changed nothing"


def internal_add_from_outside(self: Any, x: int) -> None:
    """The article's admitted hole: a same-file function whose first argument is an A."""
    self._A__internalAdd(x)


def test_same_file_function_taking_the_instance_first_is_refused(form):
    a = make_article_class(form)()
    with pytest.raises(ocapy.AccessViolation):
        internal_add_from_outside(a, 1)
    with pytest.raises(ocapy.AccessViolation):
        a._A__total  # noqa: B018


def test_a_class_of_the_same_name_is_not_the_class(form):
    real = make_article_class(form)()
    base, decorate = form

    @decorate
    class A(base):  # type: ignore[misc, valid-type]
        def poke(self, other: Any) -> None:
            other.__internalAdd(1)  # mangled to _A__internalAdd, like the real A's

        def poke_by_name(self, other: Any) -> None:
            getattr(other, "_A__internalAdd")(1)

    # The impostor's own code reaches its own class's members only: on the real A the
    # member it names does not exist.
    with pytest.raises(AttributeError, match="private to"):
        A().poke(real)
    with pytest.raises(ocapy.AccessViolation):
        A().poke_by_name(real)
    assert real.add(0) == 0


def test_functions_attached_after_creation_are_not_the_class(form):
    cls = make_article_class(form)
    cls.peek = lambda self: self._A__total  # type: ignore[attr-defined]
    a = cls()
    with pytest.raises(ocapy.AccessViolation):
        a.peek()


def test_reflection_by_string_from_outside_is_refused(form):
    a = make_article_class(form)()
    with pytest.raises(ocapy.AccessViolation):
        getattr(a, "_A__total")
    with pytest.raises(ocapy.AccessViolation):
        operator.attrgetter("_A__total")(a)
    with pytest.raises(ocapy.AccessViolation):
        object.__getattribute__(a, "_A__total")
    with pytest.raises(ocapy.AccessViolation):
        setattr(a, "_A__total", 100)
    with pytest.raises((ocapy.AccessViolation, TypeError)):
        object.__setattr__(a, "_A__total", 100)
    with pytest.raises(ocapy.AccessViolation):
        delattr(a, "_A__total")
    assert not hasattr(a, "_A__total")
    assert getattr(a, "_A__total", "default") == "default"
    assert a.add(1) == 1


def test_class_code_reflects_on_its_own_members(form):
    base, decorate = form

    @decorate
    class Box(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            setattr(self, "_secret", 1)

        def read(self, name: str) -> Any:
            return getattr(self, name, None)

        def same(self, other: Any) -> bool:
            return self._secret == other._secret

    box = Box()
    assert box.read("_secret") == 1
    assert box.read("_missing") is None
    assert box.same(Box())
    with pytest.raises(ocapy.AccessViolation):
        box._secret  # noqa: B018


def test_protocol_members_are_not_checked(form):
    a = make_article_class(form)()
    # Dunders are protocol (the verifier covers __dict__); members are kept under a key that
    # is no identifier, so that `a._A__total` cannot reach them past the check.
    assert vars(a) == {f"_A__total (private to {type(a).__module__}.{type(a).__qualname__})": 0}
    assert type(a).__init__ is not None
    assert repr(a).startswith("<")


def make_family(form: tuple[type, Decorate]) -> tuple[type, type]:
    base, decorate = form

    @decorate
    class Base(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__own = "base-private"
            self._shared = "protected"

        def own(self) -> str:
            return self.__own

        def _helper(self) -> str:
            return "helper"

    class Derived(Base):
        def __init__(self) -> None:
            super().__init__()
            self.__mine = "derived-private"

        def use_protected(self) -> str:
            self._shared = self._shared + "!"
            return self._shared + " " + self._helper()

        def steal(self) -> str:
            return self._Base__own

        def mine(self) -> str:
            return self.__mine

    return Base, Derived


def test_subclass_code_uses_protected_members_but_not_private_ones(form):
    base, derived = make_family(form)
    d = derived()
    assert d.use_protected() == "protected! helper"
    assert d.own() == "base-private", "the base's code on a subclass instance"
    assert d.mine() == "derived-private"
    with pytest.raises(ocapy.AccessViolation):
        d.steal()
    with pytest.raises(ocapy.AccessViolation):
        base().__getattribute__("_shared")
    with pytest.raises(ocapy.AccessViolation):
        d._Derived__mine  # noqa: B018


def test_subclasses_are_checked_with_their_own_code(form):
    base, derived = make_family(form)
    assert isinstance(derived, ocapy.AccessCheckedMeta)

    class Sibling(base):
        def peek(self, other: Any) -> str:
            return other._shared

    assert Sibling().peek(Sibling()) == "protected"
    with pytest.raises(ocapy.AccessViolation):
        Sibling().peek(derived())
    with pytest.raises(ocapy.AccessViolation):
        derived()._helper()


def test_callbacks_handed_out_by_the_class_work(form):
    base, decorate = form

    @decorate
    class Worker(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__results: list[int] = []

        def run_in_thread(self) -> list[int]:
            thread = threading.Thread(target=self._run)
            thread.start()
            thread.join()
            return self.__results

        def _run(self) -> None:
            self.__results.append(len(self.__results) + 1)

        def doubled(self, values: list[int]) -> list[int]:
            return list(map(self.__double, values))

        def __double(self, value: int) -> int:
            return value * 2

        def callback(self) -> Callable[[int], int]:
            return self.__double

    worker = Worker()
    assert worker.run_in_thread() == [1]
    assert worker.doubled([1, 2]) == [2, 4]
    assert worker.callback()(21) == 42, "a handed-out bound method is the class's decision"


def test_properties_classmethods_and_staticmethods_are_class_code(form):
    base, decorate = form

    @decorate
    class Account(base):  # type: ignore[misc, valid-type]
        __count = 0

        def __init__(self, balance: int) -> None:
            self.__balance = balance
            Account.__count += 1

        @property
        def balance(self) -> int:
            return self.__balance

        @balance.setter
        def balance(self, value: int) -> None:
            self.__balance = self.__checked(value)

        @property
        def __audit(self) -> str:
            return "audited"

        def audit(self) -> str:
            return self.__audit

        @classmethod
        def count(cls) -> int:
            return cls.__count

        @staticmethod
        def __checked(value: int) -> int:
            if value < 0:
                raise ValueError("negative")
            return value

    account = Account(5)
    account.balance = 7
    assert account.balance == 7
    assert account.audit() == "audited"
    assert Account.count() == 1
    with pytest.raises(ocapy.AccessViolation):
        account._Account__audit  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        Account._Account__count  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        Account._Account__checked(1)
    with pytest.raises(ocapy.AccessViolation):
        Account._Account__count = 10
    with pytest.raises(ocapy.AccessViolation):
        del Account._Account__count
    assert Account.count() == 1


def test_async_methods_generators_comprehensions_and_lambdas(form):
    base, decorate = form

    @decorate
    class Stream(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__items = [1, 2, 3]

        async def total(self) -> int:
            await asyncio.sleep(0)
            return sum(self.__items)

        async def each(self) -> Any:
            for item in self.__items:
                await asyncio.sleep(0)
                yield item

        def generate(self) -> Any:
            yield from self.__items

        def comprehensions(self) -> tuple[list[int], int, set[int], int]:
            nested = lambda: self.__items[0]  # noqa: E731

            def inner() -> int:
                return self.__items[-1]

            return (
                [x + len(self.__items) for x in self.__items],
                sum(x for x in self.__items if self.__items),
                {x for x in self.__items},
                nested() + inner(),
            )

    stream = Stream()

    async def collect() -> list[int]:
        return [item async for item in stream.each()]

    assert asyncio.run(stream.total()) == 6
    assert asyncio.run(collect()) == [1, 2, 3]
    assert list(stream.generate()) == [1, 2, 3]
    assert stream.comprehensions() == ([4, 5, 6], 6, {1, 2, 3}, 4)

    async def outsider() -> Any:
        return stream._Stream__items

    with pytest.raises(ocapy.AccessViolation):
        asyncio.run(outsider())
    with pytest.raises(ocapy.AccessViolation):
        list(x for x in stream._Stream__items)


def test_threads_check_their_own_caller(form):
    a = make_article_class(form)()
    outcomes: list[str] = []

    def outsider() -> None:
        try:
            a._A__internalAdd(1)
            outcomes.append("allowed")
        except ocapy.AccessViolation:
            outcomes.append("refused")

    def insider() -> None:
        outcomes.append(str(a.add(1)))

    threads = [threading.Thread(target=outsider), threading.Thread(target=insider)]
    for thread in threads:
        thread.start()
        thread.join()
    assert outcomes == ["refused", "1"]


def test_slots(form):
    base, decorate = form

    @decorate
    class Point(base):  # type: ignore[misc, valid-type]
        __slots__ = ("__x", "_y", "z")

        def __init__(self) -> None:
            self.__x = 1
            self._y = 2
            self.z = 3

        def total(self) -> int:
            return self.__x + self._y + self.z

        def forget(self) -> None:
            del self.__x

    point = Point()
    assert point.total() == 6
    point.z = 4
    assert point.z == 4
    assert not hasattr(point, "__dict__")
    with pytest.raises(ocapy.AccessViolation):
        point._Point__x  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        point._y = 5
    with pytest.raises(AttributeError):
        point.w = 1  # type: ignore[attr-defined]
    point.forget()
    with pytest.raises(AttributeError) as missing:
        point.total()
    assert not isinstance(missing.value, ocapy.AccessViolation)


def test_own_getattr_does_not_swallow_a_refusal(form):
    base, decorate = form

    @decorate
    class Lenient(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__secret = "s"

        def __getattr__(self, name: str) -> str:
            return f"default {name}"

        def reveal(self) -> str:
            return self.__secret + " " + self.__absent

    lenient = Lenient()
    assert lenient.anything == "default anything"
    assert lenient.reveal() == "s default _Lenient__absent"
    with pytest.raises(ocapy.AccessViolation):
        lenient._Lenient__secret  # noqa: B018


def test_own_getattribute_setattr_and_delattr_keep_working(form):
    base, decorate = form
    log: list[str] = []

    @decorate
    class Logged(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__value = 1

        def __getattribute__(self, name: str) -> Any:
            log.append(f"get {name}")
            return super().__getattribute__(name)

        def __setattr__(self, name: str, value: Any) -> None:
            log.append(f"set {name}")
            super().__setattr__(name, value)

        def __delattr__(self, name: str) -> None:
            log.append(f"del {name}")
            object.__delattr__(self, name)

        def bump(self) -> int:
            self.__value += 1
            return self.__value

    logged = Logged()
    assert logged.bump() == 2
    logged.public = 1
    del logged.public
    assert "set _Logged__value" in log and "del public" in log
    with pytest.raises(ocapy.AccessViolation):
        logged._Logged__value  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        logged._Logged__value = 5
    with pytest.raises(ocapy.AccessViolation):
        del logged._Logged__value
    assert logged.bump() == 3

    class Child(Logged):
        def __setattr__(self, name: str, value: Any) -> None:
            super().__setattr__(name, value)

    child = Child()
    assert child.bump() == 2, "the base's code sets its private through the child's __setattr__"
    with pytest.raises(ocapy.AccessViolation):
        child._Logged__value = 9


def test_class_level_writes(form):
    base, decorate = form

    @decorate
    class Registry(base):  # type: ignore[misc, valid-type]
        _entries: dict[str, int] = {}

        @classmethod
        def register(cls, name: str) -> None:
            cls._entries = {**cls._entries, name: len(cls._entries)}

        @classmethod
        def entries(cls) -> dict[str, int]:
            return cls._entries

    Registry.register("a")
    assert Registry.entries() == {"a": 0}
    with pytest.raises(ocapy.AccessViolation):
        Registry._entries = {}
    with pytest.raises(ocapy.AccessViolation):
        Registry._entries  # noqa: B018
    with pytest.raises(AttributeError):
        Registry.__ocapy_access__ = None
    Registry.public = 1  # type: ignore[attr-defined]
    assert Registry.public == 1  # type: ignore[attr-defined]
    assert Registry.entries() == {"a": 0}


def test_decorator_keeps_a_foreign_metaclass():
    @ocapy.access_checked
    class Shape(abc.ABC):
        @abc.abstractmethod
        def area(self) -> float: ...

        def _scale(self) -> float:
            return 2.0

    class Square(Shape):
        def area(self) -> float:
            return self._scale() * 2

    assert isinstance(Shape, abc.ABCMeta) and isinstance(Shape, ocapy.AccessCheckedMeta)
    assert Square().area() == 4.0
    assert isinstance(Square(), Shape)
    with pytest.raises(TypeError):
        Shape()  # type: ignore[abstract]
    with pytest.raises(ocapy.AccessViolation):
        Square()._scale()


def test_decorator_over_a_dataclass_counts_its_generated_methods():
    @ocapy.access_checked
    @dataclasses.dataclass
    class Money:
        _cents: int

        def dollars(self) -> float:
            return self._cents / 100

    assert Money(250).dollars() == 2.5
    assert Money(1) == Money(1)
    with pytest.raises(ocapy.AccessViolation):
        Money(1)._cents  # noqa: B018


def test_decorator_refuses_what_it_cannot_check():
    with pytest.raises(TypeError, match="decorates classes"):
        ocapy.access_checked(len)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="built-in"):
        ocapy.access_checked(int)
    with pytest.raises(TypeError, match="metaclass of access-checked classes"):
        ocapy.access_checked(ocapy.AccessCheckedMeta)
    assert type(ocapy.AccessCheckedMeta) is type

    class Color(enum.Enum):
        RED = 1

        def _hex(self) -> int:
            return self._value_

    with pytest.raises(TypeError, match="enum"):
        ocapy.access_checked(Color)
    assert type(Color) is enum.EnumMeta, "a refused class is left as it was"
    assert Color.RED._hex() == 1


def test_a_metaclass_of_your_own_combines_with_the_metaclass_form():
    class Meta(abc.ABCMeta, ocapy.AccessCheckedMeta):
        pass

    class Shape(ocapy.AccessChecked, metaclass=Meta):
        def __init__(self) -> None:
            self.__side = 2

        @abc.abstractmethod
        def area(self) -> int: ...

        def _side(self) -> int:
            return self.__side

    class Square(Shape):
        def area(self) -> int:
            return self._side() ** 2

    assert Square().area() == 4
    with pytest.raises(TypeError):
        Shape()  # type: ignore[abstract]
    with pytest.raises(ocapy.AccessViolation):
        Square()._Shape__side  # noqa: B018


def test_switch_off_returns_the_class_untouched(monkeypatch):
    monkeypatch.setenv("OCAPY_ACCESS_CHECKS", "0")

    class Plain:
        __slots__ = ("__x",)

        def __init__(self) -> None:
            self.__x = 1

    before = dict(Plain.__dict__)
    assert ocapy.access_checked(Plain) is Plain
    assert type(Plain) is type
    assert dict(Plain.__dict__) == before
    assert Plain()._Plain__x == 1

    class Inherited(ocapy.AccessChecked):
        __slots__ = ("__y",)

        def __init__(self) -> None:
            self.__y = 2

    # The metaclass form cannot give back a class of another type, but leaves it unprotected.
    assert type(Inherited) is ocapy.AccessCheckedMeta
    assert Inherited.__slots__ == ("__y",)
    assert Inherited.__dict__["__ocapy_access__"] is None, "seen by the metaclass, unprotected"
    assert type(Inherited.__dict__["_Inherited__y"]).__name__ == "member_descriptor"
    assert Inherited()._Inherited__y == 2


def test_switch_is_read_when_the_class_is_created(monkeypatch, form):
    cls = make_article_class(form)
    base, derived = make_family(form)
    monkeypatch.setenv("OCAPY_ACCESS_CHECKS", "0")
    with pytest.raises(ocapy.AccessViolation):
        cls()._A__total  # noqa: B018

    class Later(derived):
        def shared(self) -> str:
            return self._shared

    # A subclass of a checked class is checked whatever the switch says: its code keeps the
    # protected members its bases guard, and other code is still refused them.
    assert Later().shared() == "protected"
    with pytest.raises(ocapy.AccessViolation):
        Later()._shared  # noqa: B018
    monkeypatch.setenv("OCAPY_ACCESS_CHECKS", "1")
    assert isinstance(make_article_class(form), ocapy.AccessCheckedMeta)
    with pytest.raises(ocapy.AccessViolation):
        make_article_class(form)()._A__total  # noqa: B018


def test_reference_counts_stay_put_over_many_checks(form):
    a = make_article_class(form)()
    marker = object()
    a.add(1)
    gc.collect()
    before = (sys.getrefcount(a), sys.getrefcount(type(a)), sys.getrefcount(marker))
    for _ in range(20_000):
        a.add(1)
        try:
            a._A__internalAdd(marker)
        except ocapy.AccessViolation:
            pass
        try:
            setattr(a, "_A__total", marker)
        except ocapy.AccessViolation:
            pass
    gc.collect()
    after = (sys.getrefcount(a), sys.getrefcount(type(a)), sys.getrefcount(marker))
    assert after == before


class Library:
    """An unchecked base class, as from a library."""

    def __init__(self) -> None:
        self._connection = "connection"

    def _describe(self) -> str:
        return f"library {self._connection}"


def test_unchecked_base_code_keeps_its_protected_members(form):
    base, decorate = form

    @decorate
    class Client(Library, base):  # type: ignore[misc, valid-type]
        def use(self) -> str:
            return self._connection + " / " + self._describe()

    client = Client()
    assert client.use() == "connection / library connection"
    with pytest.raises(ocapy.AccessViolation):
        client._connection  # noqa: B018


def test_thread_subclass(form):
    base, decorate = form
    results: list[str] = []

    @decorate
    class Job(threading.Thread, base):  # type: ignore[misc, valid-type]
        def run(self) -> None:
            results.append(f"running {self._target is not None}")
            super().run()

    job = Job(target=lambda: results.append("target"))
    job.start()
    job.join()
    assert results == ["running True", "target"]
    with pytest.raises(ocapy.AccessViolation):
        job._target  # noqa: B018


_Mixed__limit = 10  # a module global spelled like a private member of Mixed


def test_a_private_name_also_used_as_a_global_still_works(form):
    base, decorate = form

    @decorate
    class Mixed(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__limit = 1

        def total(self) -> int:
            return self.__limit + __limit  # noqa: F821 (the global _Mixed__limit)

    mixed = Mixed()
    assert mixed.total() == 11
    with pytest.raises(ocapy.AccessViolation):
        mixed._Mixed__limit  # noqa: B018


@ocapy.access_checked
class Saved:
    """Module level, so that pickle finds it."""

    def __init__(self, value: int) -> None:
        self.__value = value
        self._note = "note"

    def value(self) -> int:
        return self.__value


def test_copy_and_pickle_keep_members():
    saved = Saved(3)
    for clone in (copy.copy(saved), copy.deepcopy(saved), pickle.loads(pickle.dumps(saved))):
        assert clone.value() == 3
        with pytest.raises(ocapy.AccessViolation):
            clone._Saved__value  # noqa: B018


def test_checked_classes_are_collected(form):
    cls = make_article_class(form)
    instance = cls()
    instance.add(1)
    with pytest.raises(ocapy.AccessViolation):
        instance._A__total  # noqa: B018
    class_ref, instance_ref = weakref.ref(cls), weakref.ref(instance)
    del cls, instance
    gc.collect()
    assert class_ref() is None and instance_ref() is None


SPEED_SOURCE = """
@decorate
class Counter:
    def __init__(self):
        self.value = 1
        self.__total = 0

    def work(self, count):
        for _ in range(count):
            self.__total = self.__bump(self.value) + self.__total
        return self.__total

    def __bump(self, x):
        return x + 1
"""


def specialized_instructions(decorate: Decorate) -> list[str]:
    """The instructions of `Counter.work`, as the interpreter specialized them after use."""
    namespace: dict[str, Any] = {"decorate": decorate}
    exec(compile(SPEED_SOURCE, "<speed>", "exec"), namespace)
    counter = namespace["Counter"]()
    for _ in range(100):
        counter.work(10)
    assert counter.work(1) == 2002
    options = {"adaptive": True} if sys.version_info >= (3, 11) else {}
    return [i.opname for i in dis.get_instructions(namespace["Counter"].work, **options)]


def test_own_private_uses_and_public_reads_keep_the_interpreters_specializations():
    # The class's own private uses and every public read run the same (specialized)
    # instructions as in the unchecked class: that is what makes them free.
    assert specialized_instructions(ocapy.access_checked) == specialized_instructions(lambda cls: cls)


def logged(method: Callable[..., Any]) -> Callable[..., Any]:
    """A decorator defined outside the class, as most are."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> Any:
        return method(self, *args)

    return wrapper


def test_decorated_methods_cached_properties_and_classes_inside_methods(form):
    base, decorate = form

    @decorate
    class Report(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__rows = [3, 1, 2]

        @logged
        def total(self) -> int:
            return sum(self.__rows)

        @functools.cached_property
        def ordered(self) -> list[int]:
            return sorted(self.__rows)

        def view(self) -> Any:
            report = self

            class View:
                def first(self) -> int:
                    # Inside View, `__rows` would mangle to `_View__rows`: spelled out.
                    return report._Report__rows[0]

            return View()

        def by_key(self) -> list[int]:
            return sorted(self.__rows, key=lambda row, rows=self.__rows: rows.index(row))

    report = Report()
    assert report.total() == 6
    assert report.ordered == [1, 2, 3]
    assert report.view().first() == 3
    assert report.by_key() == [3, 1, 2]
    with pytest.raises(ocapy.AccessViolation):
        report._Report__rows  # noqa: B018


# Issue 14: access_checked must not be fooled by code outside the class, and must not break
# legitimate code. Each attack is ordinary Python (no gc, no ctypes).


def make_account(form: tuple[type, Decorate]) -> type:
    base, decorate = form

    @decorate
    class Account(base):  # type: ignore[misc, valid-type]
        def __init__(self, items: list[int]) -> None:
            self.__items = items

        def total(self) -> int:
            return len(self.__items)

        def _hook(self) -> str:
            return "A"

        def hooked(self) -> str:
            return self._hook()

    return Account


def test_an_outside_subclass_s_attribute_methods_do_not_reach_private_members(form):
    account_class = make_account(form)
    seen: list[str] = []

    class Spy(account_class):  # type: ignore[misc, valid-type]
        def __getattribute__(self, name: str) -> Any:
            seen.append(name)
            if name == "steal":
                return object.__getattribute__(self, "_Account__items")
            return super().__getattribute__(name)

        def __setattr__(self, name: str, value: Any) -> None:
            seen.append(name)
            if name == "plant":
                name = "_Account__items"
            object.__setattr__(self, name, value)

    spy = Spy([1, 2])
    with pytest.raises(ocapy.AccessViolation):
        spy.steal  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        spy.plant = [9]
    # The class's own code keeps working on the subclass's instances, and the subclass's
    # methods never see the names private to the class (so never their values either).
    assert spy.total() == 2
    assert spy.hooked() == "A"
    spy.public = 1
    assert spy.public == 1
    assert "total" in seen and "public" in seen
    assert not [name for name in seen if name.startswith("_Account__")]


def test_class_assignment_of_a_checked_instance(form):
    base, decorate = form
    account_class = make_account(form)

    class Spy(account_class):  # type: ignore[misc, valid-type]
        def _hook(self) -> str:
            return "spy"

        def convert(self, other: Any) -> None:
            other.__class__ = Spy

    account = account_class([1])
    with pytest.raises(ocapy.AccessViolation) as refused:
        account.__class__ = Spy
    assert refused.value.member == "__class__"
    with pytest.raises(ocapy.AccessViolation):
        object.__setattr__(account, "__class__", Spy)
    with pytest.raises(ocapy.AccessViolation):
        Spy([2]).convert(account)
    assert type(account) is account_class and account.hooked() == "A"
    assert account.__class__ is account_class and isinstance(account, account_class)
    assert not isinstance(account, Spy)

    @decorate
    class Door(base):  # type: ignore[misc, valid-type]
        """The state pattern: the class's own code changes its instances' class."""

        def __init__(self) -> None:
            self.__opened = 0

        def open(self) -> int:
            self.__opened += 1
            self.__class__ = OpenDoor
            return self.__opened

    class OpenDoor(Door):
        def close(self) -> None:
            self.__class__ = Door

    door = Door()
    assert door.open() == 1 and type(door) is OpenDoor
    door.close()
    assert type(door) is Door and door.open() == 2


def test_the_class_s_code_runs_only_in_its_own_functions(form):
    account_class = make_account(form)
    account = account_class([1, 2, 3])
    received: list[Any] = []

    def evil_len(value: Any) -> int:
        received.append(value)
        return 0

    evil_globals = {"len": evil_len, "__builtins__": {"len": evil_len}}
    with pytest.raises(TypeError, match="access-checked class"):
        types.FunctionType(account_class.total.__code__, evil_globals)

    def impostor(self: Any) -> int:
        return 0

    with pytest.raises(TypeError, match="access-checked class"):
        impostor.__code__ = account_class.total.__code__
    with pytest.raises(TypeError, match="access-checked class"):
        exec(account_class.total.__code__, evil_globals)
    assert received == [] and impostor(account) == 0

    # The class's own functions, nested and made at run time, keep working; so do
    # introspection of them and functions made from any other code.
    base, decorate = form

    @decorate
    class Tally(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__counts = [1, 2]

        def doubled(self) -> list[int]:
            def double(x: int) -> int:
                return x * 2

            return [double(x) for x in self.__counts]

        def reader(self) -> Callable[[], int]:
            return lambda: sum(self.__counts)

    tally = Tally()
    assert tally.doubled() == [2, 4] and tally.reader()() == 3
    assert account.total() == 3
    assert list(inspect.signature(account_class.total).parameters) == ["self"]
    assert types.FunctionType(impostor.__code__, {})(account) == 0


def test_super_calls_of_an_overridden_protected_method(form):
    account_class = make_account(form)

    class B(account_class):  # type: ignore[misc, valid-type]
        def _hook(self) -> str:
            return "B+" + super()._hook()

        @classmethod
        def _kind(cls) -> str:
            return "B"

    class C(B):
        def _hook(self) -> str:
            return "C+" + super()._hook()

        @classmethod
        def _kind(cls) -> str:
            return "C+" + super()._kind()

        @classmethod
        def kind(cls) -> str:
            return cls._kind()

    assert B([1]).hooked() == "B+A", "as plain Python"
    assert C([1]).hooked() == "C+B+A"
    assert C.kind() == "C+B"
    with pytest.raises(ocapy.AccessViolation):
        C([1])._hook()
    with pytest.raises(ocapy.AccessViolation):
        super(B, C([1]))._hook()


def undecorated(method: Callable[..., Any]) -> Callable[..., Any]:
    """A decorator without functools.wraps: the method is only in the wrapper's closure."""

    def wrapper(self: Any, *args: Any) -> Any:
        return method(self, *args)

    return wrapper


def test_a_decorator_without_wraps_keeps_the_method_s_private_access(form):
    base, decorate = form

    @decorate
    class Vault(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.__gold = 5

        @undecorated
        def gold(self) -> int:
            return self.__gold

        @undecorated
        def __spend(self) -> int:
            self.__gold -= 1
            return self.__gold

        def spend(self) -> int:
            return self.__spend()

    vault = Vault()
    assert vault.gold() == 5 and vault.spend() == 4
    with pytest.raises(ocapy.AccessViolation):
        vault._Vault__gold  # noqa: B018
    with pytest.raises(ocapy.AccessViolation):
        vault._Vault__spend()


def test_mock_patch_object_replaces_a_protected_method(form):
    account_class = make_account(form)

    class Sub(account_class):  # type: ignore[misc, valid-type]
        pass

    account = account_class([1])
    with mock.patch.object(account_class, "_hook", return_value="patched") as patched:
        assert account.hooked() == "patched" and Sub([1]).hooked() == "patched"
    assert patched.call_count == 2
    assert account.hooked() == "A"
    # A subclass that only inherits the method would have mock read it first, from outside.
    with pytest.raises(AttributeError), mock.patch.object(Sub, "_hook"):
        pass
    assert Sub([1]).hooked() == "A"
    # The guard is back: outside code may replace the method, never read or call it, nor
    # replace a protected member that is data.
    with pytest.raises(ocapy.AccessViolation):
        account._hook()
    with pytest.raises(ocapy.AccessViolation):
        account_class._hook  # noqa: B018
    base, decorate = form

    @decorate
    class Counted(base):  # type: ignore[misc, valid-type]
        _count = 0

        def bump(self) -> int:
            type(self)._count += 1
            return self._count

    with pytest.raises(ocapy.AccessViolation):
        Counted._count = 5
    assert Counted().bump() == 1


@ocapy.access_checked
class SlottedPoint:
    """Module level, so that pickle finds it."""

    __slots__ = ("__x", "_y", "z")

    def __init__(self, x: int) -> None:
        self.__x = x
        self._y = 2
        self.z = 3

    def x(self) -> int:
        return self.__x

    def y(self) -> int:
        return self._y


class SlottedPoint3(SlottedPoint):
    __slots__ = ("__w",)

    def __init__(self) -> None:
        super().__init__(7)
        self.__w = 8

    def w(self) -> int:
        return self.__w


def test_copy_and_pickle_keep_private_slots():
    for point in (SlottedPoint(1), SlottedPoint3()):
        clones = (copy.copy(point), copy.deepcopy(point), pickle.loads(pickle.dumps(point)))
        for clone in clones:
            assert (clone.x(), clone.y(), clone.z) == (point.x(), 2, 3)
            with pytest.raises(ocapy.AccessViolation):
                clone._SlottedPoint__x  # noqa: B018
    assert copy.copy(SlottedPoint3()).w() == 8


def test_a_metaclass_whose_init_skips_super_fails_closed(monkeypatch):
    class Careless(ocapy.AccessCheckedMeta):
        def __init__(cls, *args: Any, **kwargs: Any) -> None:
            pass

    class Secret(ocapy.AccessChecked, metaclass=Careless):
        def __init__(self) -> None:
            self.__key = 1

    class Child(Secret):
        pass

    for unprotected in (Secret, Child):
        with pytest.raises(TypeError, match=r"did not call super\(\)\.__init__"):
            unprotected()

    class Careful(ocapy.AccessCheckedMeta):
        def __init__(cls, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    class Kept(ocapy.AccessChecked, metaclass=Careful):
        def __init__(self) -> None:
            self.__key = 1

    with pytest.raises(ocapy.AccessViolation):
        Kept()._Kept__key  # noqa: B018
    monkeypatch.setenv("OCAPY_ACCESS_CHECKS", "0")

    class Unchecked(ocapy.AccessChecked):
        def __init__(self) -> None:
            self.__key = 1

    assert Unchecked()._Unchecked__key == 1, "the switch still turns checks off"
