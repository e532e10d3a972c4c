"""seal, harden, @sealed and namespace: every known way to the inner object fails, and
ordinary use keeps working."""

from __future__ import annotations

import asyncio
import copy
import gc
import pickle
import string
import subprocess
import sys
import traceback
import threading
import weakref
from typing import Any

import pytest

import ocapy
from ocapy import Namespace, Sealed, harden, namespace, seal, sealed


class Account:
    """A host object with private state and a public surface."""

    def __init__(self, balance: int) -> None:
        self._balance = balance
        self.owner = "ann"

    def balance(self) -> int:
        return self._balance

    def me(self) -> Account:
        return self

    def fail(self) -> None:
        raise ValueError(self)

    def missing(self) -> Any:
        return self._nothing  # type: ignore[attr-defined]

    @property
    def doubled(self) -> int:
        return self._balance * 2

    def __add__(self, other: Account) -> int:
        return self._balance + other._balance

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Account) and other._balance == self._balance

    def __hash__(self) -> int:
        return hash(self._balance)

    def __repr__(self) -> str:
        return f"Account({self._balance})"


def reaches(value: Any, target: object) -> bool:
    """Whether `value` is `target` (the inner object) itself."""
    return value is target


# --- what must be refused -------------------------------------------------------------


@pytest.mark.parametrize("name", ["_balance", "__dict__", "__reduce_ex__", "f_back", "gi_frame", "format"])
def test_private_and_hidden_edge_names_are_refused(name: str) -> None:
    s = seal(Account(1))
    with pytest.raises(AttributeError) as info:
        getattr(s, name)
    assert repr(name) in str(info.value)
    assert "Account(1)" not in str(info.value)


def test_class_is_the_wrappers_own_type_so_abcs_answer() -> None:
    import collections.abc

    s = seal({"a": 1})
    assert s.__class__ is Sealed is type(s)
    assert getattr(s, "".join(["__cl", "ass__"])) is Sealed
    assert not isinstance(s, collections.abc.Mapping)
    assert isinstance(s, Sealed)
    ns = namespace(limit=1)
    assert ns.__class__ is Namespace
    assert not isinstance(ns, collections.abc.Sized)


def test_attribute_error_never_carries_the_inner_object() -> None:
    account = Account(1)
    s = seal(account)
    with pytest.raises(AttributeError) as info:
        s.nothing_here
    assert info.value.obj is not account
    with pytest.raises(AttributeError) as info:
        s.missing()
    assert info.value.obj is not account
    with pytest.raises(AttributeError) as info:
        s._balance
    assert info.value.obj is not account


def test_str_subclass_names_are_checked_as_plain_str() -> None:
    class Sneaky(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

        def startswith(self, *args: Any) -> bool:  # type: ignore[override]
            return False

    s = seal(Account(1))
    with pytest.raises(AttributeError):
        getattr(s, Sneaky("_balance"))
    assert getattr(s, Sneaky("owner")) == "ann"


def test_wrapper_is_immutable_and_its_type_sealed() -> None:
    s = seal(Account(1))
    with pytest.raises(AttributeError):
        s.owner = "eve"
    with pytest.raises(AttributeError):
        del s.owner
    with pytest.raises(TypeError):
        Sealed.__getattribute__ = lambda self, name: 1  # type: ignore[method-assign]
    with pytest.raises(TypeError):
        type(s).__call__ = lambda self: 1  # type: ignore[method-assign]
    with pytest.raises(TypeError):

        class Sub(Sealed):  # type: ignore[misc]
            pass

    with pytest.raises(TypeError):
        Sealed()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        vars(s)


def test_reflection_tricks_do_not_reach_the_inner_object() -> None:
    account = Account(1)
    s = seal(account)
    with pytest.raises(AttributeError):
        object.__getattribute__(s, "_balance")
    with pytest.raises(AttributeError):
        object.__getattribute__(s, "inner")
    with pytest.raises(AttributeError):
        super(Sealed, s).__getattribute__("_balance")
    assert all(not reaches(value, account) for value in vars(type(s)).values())
    with pytest.raises(TypeError):
        type.__getattribute__(s, "_balance")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        "{0._balance}".format(s)
    # `__class__` is the wrapper's own type, whose dict holds only its slots (see above).
    assert "{0.__class__}".format(s) == str(Sealed)
    with pytest.raises(AttributeError):
        string.Formatter().format("{0._balance}", s)
    assert "{0.owner}".format(s) == "ann"


def test_introspection_and_class_assignment_do_not_reach_the_inner_object() -> None:
    import inspect

    account = Account(1)
    s = seal(account)
    with pytest.raises(TypeError):
        object.__setattr__(s, "__class__", Account)
    with pytest.raises((TypeError, AttributeError)):  # 3.13 says AttributeError
        object.__setattr__(s, "owner", "eve")
    assert account.owner == "ann" and s.owner == "ann"
    with pytest.raises(AttributeError):
        inspect.getattr_static(s, "_balance")
    assert [name for name, _ in inspect.getmembers(s)] == dir(s)
    # Public names, and the metadata any code may read (`__doc__`, `__module__`).
    metadata = {"__doc__", "__module__", "__name__", "__qualname__"}
    assert all(not name.startswith("_") or name in metadata for name in dir(s))
    assert "__doc__" in dir(s) and s.__doc__ == Account.__doc__

    match s:
        case object(_balance=balance):
            pytest.fail(f"a class pattern read a private attribute: {balance}")
        case Account():
            pytest.fail("a sealed object matched its inner object's class")
        case _:
            pass


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_refuses_every_protocol(protocol: int) -> None:
    with pytest.raises((TypeError, pickle.PicklingError, AttributeError)):
        pickle.dumps(seal(Account(1)), protocol)


def test_copy_pickle_reduce_and_weakref_refuse() -> None:
    s = seal(Account(1))
    with pytest.raises(TypeError):
        copy.copy(s)
    with pytest.raises((TypeError, copy.Error)):
        copy.deepcopy(s)
    with pytest.raises((TypeError, pickle.PicklingError)):
        pickle.dumps(s)
    with pytest.raises(TypeError):
        object.__reduce_ex__(s, 2)
    with pytest.raises(TypeError):
        Sealed.__reduce_ex__(s, 2)
    with pytest.raises(TypeError):
        weakref.ref(s)


def test_bound_methods_do_not_carry_the_inner_object() -> None:
    account = Account(1)
    s = seal(account)
    method = s.balance
    with pytest.raises(AttributeError):
        method.__self__
    with pytest.raises(AttributeError):
        method.__func__
    assert method() == 1
    assert s.me() is s


def test_iterators_are_sealed_too() -> None:
    items = [1, 2]
    s = seal(items)
    iterator = iter(s)
    with pytest.raises(AttributeError):
        iterator.__reduce__
    assert isinstance(iterator, Sealed)
    assert list(iterator) == [1, 2]


def test_sealed_coroutines_are_awaited_and_keep_their_frames() -> None:
    secret = object()

    async def tick() -> None:
        await asyncio.sleep(0)

    async def work(x: int) -> int:
        hidden = secret  # noqa: F841 -- a local the frame would show
        await tick()  # suspends: the event loop gets its own future back
        return x * 2

    run = seal(work)
    coroutine = run(21)
    assert isinstance(coroutine, Sealed)
    for edge in ("cr_frame", "cr_code", "cr_await"):
        with pytest.raises(AttributeError):
            getattr(coroutine, edge)
    with pytest.raises(AttributeError):
        coroutine.__await__
    assert asyncio.run(_await(coroutine)) == 42

    async def host() -> int:
        return await run(1) + await run(2)

    assert asyncio.run(host()) == 6


def test_the_object_never_escapes_through_what_its_methods_start() -> None:
    class Connection:
        def __init__(self) -> None:
            self._secret = 42

        def walk(self):  # type: ignore[no-untyped-def]
            yield self
            return self

        async def connect(self) -> Connection:
            await asyncio.sleep(0)
            return self

    s = seal(Connection())
    walk = s.walk()
    assert next(walk) is s
    with pytest.raises(StopIteration) as finished:
        next(walk)
    assert finished.value.value is s
    assert asyncio.run(_await(s.connect())) is s
    coroutine = s.connect()
    coroutine.send(None)  # suspends at the sleep
    with pytest.raises(StopIteration) as finished:
        coroutine.send(None)
    assert finished.value.value is s
    assert finished.value.args == (s,)


def test_awaiting_a_sealed_object_that_returns_itself_gives_the_wrapper() -> None:
    class Ready:
        def __await__(self):  # type: ignore[no-untyped-def]
            yield from ()
            return self

    ready = Ready()
    s = seal(ready)

    async def host() -> object:
        return await s

    # The awaited result is the inner object, handed back as its wrapper.
    assert asyncio.run(host()) is s
    with pytest.raises(TypeError, match="not awaitable"):
        asyncio.run(_await(seal([1])))


async def _await(awaitable: Any) -> Any:
    return await awaitable


def test_comparison_never_hands_the_inner_object_to_the_other_operand() -> None:
    class Plain:
        def __add__(self, other: object) -> object:
            return NotImplemented

    account = Plain()
    received: list[object] = []

    class Spy:
        def __eq__(self, other: object) -> bool:
            received.append(other)
            return False

        def __radd__(self, other: object) -> int:
            received.append(other)
            return 0

        __hash__ = object.__hash__

    s = seal(account)
    assert (s == Spy()) is False
    assert (Spy() == s) is False
    assert s + Spy() == 0
    assert received and all(not reaches(value, account) for value in received)


def test_shallow_exceptions_lose_their_traceback_and_context() -> None:
    account = Account(1)
    s = seal(account)
    with pytest.raises(ValueError) as info:
        s.fail()
    error = info.value
    tb = error.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    assert all(frame.f_locals.get("self") is not account for frame in frames)
    assert error.__context__ is None and error.__cause__ is None


def test_shallow_exception_arguments_that_are_the_inner_object_become_the_wrapper() -> None:
    account = Account(1)
    s = seal(account)
    with pytest.raises(ValueError) as info:
        s.fail()
    assert info.value.args == (s,) and info.value.args[0] is s


def test_new_instances_of_the_inner_class_come_back_sealed() -> None:
    class Money:
        def __init__(self, cents: int) -> None:
            self._cents = cents

        def doubled(self) -> Money:
            return type(self)(self._cents * 2)

        @classmethod
        def zero(cls) -> Money:
            return cls(0)

    m = seal(Money(5))
    doubled = m.doubled()
    assert isinstance(doubled, Sealed)
    with pytest.raises(AttributeError):
        doubled._cents
    assert isinstance(seal(Money).zero(), Sealed)
    assert isinstance(Point.origin(), Sealed)


def test_deep_exceptions_are_rebuilt_with_sealed_arguments() -> None:
    account = Account(1)
    h = harden(account)
    with pytest.raises(ValueError) as info:
        h.fail()
    (argument,) = info.value.args
    assert argument is h
    assert info.value.__traceback__ is not None
    assert info.value.__traceback__.tb_next is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups are new in 3.11")
def test_deep_exception_groups_are_rebuilt_member_by_member() -> None:
    class Host:
        def fail(self) -> None:
            raise ExceptionGroup("many", [KeyError(self), ValueError("plain")])

    h = harden(Host())
    with pytest.raises(ExceptionGroup) as info:
        h.fail()
    key_error, value_error = info.value.exceptions
    assert isinstance(key_error.args[0], Sealed)
    assert value_error.args == ("plain",)


def test_gc_referents_is_the_documented_limit() -> None:
    account = Account(1)
    # The cycle collector must see the reference; keeping `gc` from untrusted code is the
    # compartment's job (docs/seal.md).
    assert account in gc.get_referents(seal(account))


def test_threads_share_one_wrapper() -> None:
    account = Account(1)
    wrappers: list[object] = []
    keep = seal(account)
    threads = [threading.Thread(target=lambda: wrappers.append(seal(account))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(wrapper is keep for wrapper in wrappers)


# --- sealed classes ---------------------------------------------------------------------


@sealed
class Point:
    def __init__(self, x: int, y: int) -> None:
        self._x = x
        self._y = y

    def norm1(self) -> int:
        return abs(self._x) + abs(self._y)

    def __add__(self, other: Point) -> Point:
        return Point(self._x + other._x, self._y + other._y)

    @property
    def x(self) -> int:
        return self._x

    @classmethod
    def origin(cls) -> Point:
        return cls(0, 0)


def test_sealed_class_makes_sealed_instances() -> None:
    p = Point(1, 2)
    assert isinstance(p, Sealed)
    assert p.norm1() == 3
    assert p.x == 1
    with pytest.raises(AttributeError):
        p._x
    assert (p + Point(1, 1)).norm1() == 5
    assert isinstance(p, Point)  # type: ignore[misc]
    assert not isinstance(3, Point)  # type: ignore[misc]


def test_sealed_class_does_not_leak_the_raw_class() -> None:
    with pytest.raises(AttributeError):
        Point.__dict__
    with pytest.raises(AttributeError):
        Point.__mro__
    with pytest.raises(AttributeError):
        Point.x.fget  # the property, sealed: its accessors are hidden edges
    with pytest.raises(TypeError):

        class Sub(Point):  # type: ignore[misc]
            pass

    with pytest.raises(AttributeError):
        Point.origin.__self__


def test_checked_unbound_methods() -> None:
    class Impostor:
        _x = 10
        _y = 10

        @property
        def __class__(self) -> type:  # type: ignore[override]
            return Point  # type: ignore[return-value]

    assert Point.norm1(Point(3, 4)) == 7
    with pytest.raises(TypeError, match="must be called with a Point instance"):
        Point.norm1(Impostor())
    with pytest.raises(TypeError, match="got nothing"):
        Point.norm1()
    assert Point.origin().norm1() == 0
    with pytest.raises(AttributeError):
        Point.origin()._x


def test_metaclass_tricks_do_not_reach_the_raw_class() -> None:
    class Meta(type):
        def __getattr__(cls, name: str) -> object:
            return cls

    class Host(metaclass=Meta):
        _secret = "s"

    S = seal(Host)
    assert S.anything is S
    with pytest.raises(AttributeError):
        S._secret
    with pytest.raises(TypeError):
        type.__getattribute__(S, "_secret")  # type: ignore[arg-type]
    assert Meta.__getattr__(S, "x") is S  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        type.__subclasses__(S)  # type: ignore[arg-type]


def test_sealed_rejects_non_classes() -> None:
    with pytest.raises(TypeError):
        sealed(len)  # type: ignore[arg-type]


# --- ordinary use ---------------------------------------------------------------------


def test_primitives_and_sealed_objects_come_back_unchanged() -> None:
    for value in [None, True, 1, 1.5, 2j, "s", b"b"]:
        assert seal(value) is value
        assert harden(value) is value
    s = seal(Account(1))
    assert seal(s) is s


def test_identity_is_memoized_while_the_wrapper_lives() -> None:
    account = Account(1)
    baseline = sys.getrefcount(account)
    s = seal(account)
    assert sys.getrefcount(account) == baseline + 1
    assert seal(account) is s
    assert harden(account) is not s
    assert harden(account) is harden(account)
    del s
    # The memo does not keep the wrapper (and with it the account) alive.
    assert sys.getrefcount(account) == baseline
    assert seal(account).owner == "ann"


def test_protocols_forward() -> None:
    s = seal([3, 1, 2])
    assert len(s) == 3 and bool(s) and 1 in s and s[0] == 3
    assert sorted(s) == [1, 2, 3]
    assert s == [3, 1, 2] and s != [1]
    assert str(s) == "[3, 1, 2]" and repr(s) == "sealed([3, 1, 2])"
    assert f"{seal(Account(1))!s}" == "Account(1)"
    assert format(seal(Decimalish()), ">4") == "   d"
    d = seal({"a": 1})
    assert d["a"] == 1 and list(d.keys()) == ["a"] and d.get("b", 2) == 2
    assert hash(seal(Account(5))) == hash(5)
    assert seal(Account(1)) + seal(Account(2)) == 3
    assert -seal(Vector(1)) == -1 and abs(seal(Vector(-2))) == 2
    assert seal(Vector(3)) * 2 == 6 and 2 * seal(Vector(3)) == 6
    with pytest.raises(TypeError):
        s[0] = 1  # type: ignore[index]


class Decimalish:
    def __format__(self, spec: str) -> str:
        return format("d", spec)


class Vector:
    def __init__(self, n: int) -> None:
        self.n = n

    def __neg__(self) -> int:
        return -self.n

    def __abs__(self) -> int:
        return abs(self.n)

    def __mul__(self, k: int) -> int:
        return self.n * k

    __rmul__ = __mul__


def test_conversions_never_hand_out_instances_of_inner_classes() -> None:
    class Text(str):
        secret = "class attribute"

    class Number(int):
        pass

    class Host:
        def __str__(self) -> str:
            return Text("host")

        def __format__(self, spec: str) -> str:
            return Text("formatted")

        def __int__(self) -> int:
            return Number(7)

        def __index__(self) -> int:
            return Number(8)

    s = seal(Host())
    assert type(str(s)) is str and str(s) == "host"
    assert type(format(s, "")) is str and f"{s}" == "formatted"
    with pytest.warns(DeprecationWarning):
        assert type(int(s)) is int and int(s) == 7
    with pytest.warns(DeprecationWarning):
        assert list(range(10))[s] == 8


def test_subscripting_a_sealed_class_seals_the_alias() -> None:
    class Box:
        def __class_getitem__(cls, item: object) -> object:
            return cls

    alias = seal(Box)[int]
    assert alias is seal(Box)


def test_context_managers_forward_and_enter_returns_the_wrapper() -> None:
    class Resource:
        def __init__(self) -> None:
            self.log: list[str] = []

        def __enter__(self) -> Resource:
            self.log.append("enter")
            return self

        def __exit__(self, *exc: object) -> None:
            self.log.append("exit")

    resource = Resource()
    s = seal(resource)
    with s as entered:
        assert entered is s
    assert resource.log == ["enter", "exit"]


def test_deep_membrane_round_trips_into_host_functions() -> None:
    received: list[object] = []

    class Host:
        def __init__(self) -> None:
            self.child = Account(3)

        def accept(self, account: object) -> bool:
            received.append(account)
            return isinstance(account, Account)

    host = Host()
    h = harden(host)
    child = h.child
    assert isinstance(child, Sealed) and child is h.child
    assert child.balance() == 3
    assert h.accept(child) is True
    assert received == [host.child] and received[0] is host.child


def test_deep_membrane_unwraps_methods_handed_back() -> None:
    class Host:
        def __init__(self) -> None:
            self.handlers: list[object] = []

        def handler(self) -> str:
            return "handled"

        def subscribe(self, handler: object) -> bool:
            self.handlers.append(handler)
            return handler == self.handler

    host = Host()
    h = harden(host)
    assert h.subscribe(h.handler) is True
    (registered,) = host.handlers
    assert not isinstance(registered, Sealed) and registered() == "handled"


def test_deep_results_items_and_iteration_are_sealed() -> None:
    data = {"items": [Account(1), Account(2)]}
    h = harden(data)
    items = h["items"]
    assert isinstance(items, Sealed)
    balances = [item.balance() for item in items]
    assert balances == [1, 2]
    assert all(isinstance(item, Sealed) for item in items)
    with pytest.raises(AttributeError):
        items[0]._balance


def test_shallow_hands_out_generators_sealed() -> None:
    class Host:
        def numbers(self) -> Any:
            yield 1
            yield 2

    s = seal(Host())
    numbers = s.numbers()
    assert isinstance(numbers, Sealed)
    with pytest.raises(AttributeError):
        numbers.gi_frame
    assert list(numbers) == [1, 2]


def test_shallow_hands_out_functions_sealed() -> None:
    class Holder:
        def __init__(self) -> None:
            secret = "s3cret"
            self.callback = lambda: secret

    s = seal(Holder())
    assert s.callback() == "s3cret"
    with pytest.raises(AttributeError):
        s.callback.__closure__


def test_many_calls_keep_refcounts_right() -> None:
    account = Account(1)
    s = seal(account)
    s.balance()  # the wrapper caches its last method, bound to `account`: one reference
    before = __import__("sys").getrefcount(account)
    for _ in range(10_000):
        s.balance()
        s.owner  # noqa: B018
        s.me()
        iter(seal([1]))
        try:
            s._balance
        except AttributeError:
            pass
    assert __import__("sys").getrefcount(account) == before


# --- namespace ------------------------------------------------------------------------


def test_namespace_holds_sealed_members() -> None:
    box: list[int] = []

    def push(x: int) -> None:
        box.append(x)

    def size() -> int:
        return len(box)

    ns = namespace(push, size, limit=3)
    assert isinstance(ns, Namespace)
    ns.push(1)
    assert ns.size() == 1 and ns.limit == 3
    assert dir(ns) == ["limit", "push", "size"]
    assert repr(ns) == "namespace(limit, push, size)"
    with pytest.raises(AttributeError):
        ns.push.__closure__
    with pytest.raises(AttributeError):
        ns.nothing
    with pytest.raises(AttributeError):
        ns.limit = 4
    assert ns == ns and ns != namespace(push, size, limit=3)
    with pytest.raises(TypeError):
        copy.copy(ns)
    with pytest.raises(TypeError):

        class Sub(Namespace):  # type: ignore[misc]
            pass


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {"_hidden": 1}), ((), {"f_back": 1}), ((lambda: 1,), {}), ((len,), {"len": 1})],
)
def test_namespace_rejects_bad_names(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        namespace(*args, **kwargs)


def test_public_api() -> None:
    for name in ["seal", "sealed", "harden", "namespace", "Sealed", "Namespace"]:
        assert name in ocapy.__all__


# Each of these crashed the interpreter once: they run in a child under faulthandler, so a
# crash fails the test instead of ending the test run.
RESULTS_THROUGH_A_DEEP_SEAL = '''
import asyncio, faulthandler
faulthandler.enable()
import ocapy

class Secret:
    pass

class Host:
    async def coro(self):
        return 5

    async def coro_object(self):
        return Secret()

    def numbers(self):
        yield 1
        return 7

async def awaited():
    hardened = ocapy.harden(Host())
    plain = await hardened.coro()
    obj = await hardened.coro_object()
    return plain, type(obj).__name__

def delegated():
    returned = yield from ocapy.harden(Host()).numbers()
    return returned

print(asyncio.run(awaited()))
generator = delegated()
print(next(generator))
try:
    next(generator)
except StopIteration as stop:
    print(stop.value)
'''


def test_results_of_coroutines_and_generators_cross_a_deep_seal_without_a_crash():
    child = subprocess.run(
        [sys.executable, "-c", RESULTS_THROUGH_A_DEEP_SEAL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.splitlines() == ["(5, 'Sealed')", "1", "7"]


def test_an_exception_its_constructor_cannot_rebuild_becomes_a_runtime_error():
    class Odd(Exception):
        def __init__(self, code, detail):
            super().__init__(f"{code}: {detail}")

    class Host:
        def fail(self):
            raise Odd(1, "no")

    with pytest.raises(RuntimeError, match="Odd raised inside a sealed object could not be made safe"):
        ocapy.harden(Host()).fail()


class Factory:
    """Hands out what a shallow seal must not pass on raw: classes, method-wrappers, proxies."""

    def __init__(self) -> None:
        self._secret = "canary"
        self.items = [1, 2]
        self.record = Record()

    @classmethod
    def kind(cls) -> type:
        return cls

    def own_class(self) -> type:
        return type(self)

    def writer(self) -> Any:
        return self.__setattr__

    def class_namespace(self) -> Any:
        return type(self).__dict__


class Record:
    def __init__(self) -> None:
        self.value = 1


def test_a_shallow_seal_hands_out_raw_only_what_its_allow_list_names() -> None:
    sealed_factory = seal(Factory())
    # Classes come out sealed: their methods stay checked, their instances sealed.
    for cls in (sealed_factory.kind(), sealed_factory.own_class()):
        assert isinstance(cls, Sealed)
        with pytest.raises(TypeError, match="unbound method"):
            cls.writer(object())
    # A method-wrapper reaches its object through `__self__`: it comes out sealed, and
    # writing through it still writes only what the object lets any caller write.
    writer = sealed_factory.writer()
    assert isinstance(writer, Sealed)
    with pytest.raises(AttributeError):
        writer.__self__  # noqa: B018
    assert isinstance(sealed_factory.class_namespace(), Sealed)
    # The allow-list: containers and instances of classes defined in Python pass as they are.
    assert sealed_factory.items == [1, 2] and type(sealed_factory.items) is list
    assert type(sealed_factory.record) is Record


def test_shallow_exceptions_carry_the_wrapper_in_every_exception_they_hold() -> None:
    # A group's members, an exception among the arguments, attributes and notes held the raw
    # inner object, and the nested exceptions its frames (red team).
    class Leaky:
        def __init__(self) -> None:
            self._secret = "SECRET"

        def fail(self) -> None:
            inner = KeyError(self)
            try:
                raise inner
            except KeyError as raised:
                nested = raised
            error = ValueError("outer", nested)
            error.holder = self
            error.__notes__ = ["a note", self]
            if sys.version_info >= (3, 11):
                raise ExceptionGroup("group", [error, KeyError(self)])  # noqa: F821
            raise error

    leaky = Leaky()
    s = seal(leaky)
    with pytest.raises(Exception) as info:
        s.fail()
    seen: list[BaseException] = []

    def walk(error: BaseException) -> None:
        seen.append(error)
        assert error.__traceback__ is None or all(
            frame.f_locals.get("self") is not leaky for frame, _ in traceback.walk_tb(error.__traceback__)
        )
        assert error.__context__ is None and error.__cause__ is None
        for value in (*error.args, *vars(error).values(), *getattr(error, "__notes__", [])):
            assert value is not leaky
            if isinstance(value, BaseException):
                walk(value)
        for member in getattr(error, "exceptions", ()):
            walk(member)

    walk(info.value)
    assert len(seen) == (4 if sys.version_info >= (3, 11) else 2)
