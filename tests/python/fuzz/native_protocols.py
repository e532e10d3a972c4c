"""A seeded crash fuzzer for every native type of ocapy: each protocol, random arguments.

Run as `python native_protocols.py SEED OPERATIONS`. It builds one object of every native
type (and the wrappers they hand out), then applies OPERATIONS random protocol operations
with random arguments, swallowing every exception: the only failure it looks for is the
interpreter dying, which faulthandler then reports with the operation that did it.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import enum
import faulthandler
import gc
import importlib
import json
import operator
import pickle
import random
import sys
import typing
import weakref

import ocapy

faulthandler.enable()

PLUGIN = '''
class Counter:
    def __init__(self, start):
        self.count = start

    def bump(self, by=1):
        self.count += by
        return self.count

    @property
    def doubled(self):
        return self.count * 2

    def __iter__(self):
        return iter(range(self.count))

    def numbers(self):
        yield self.count
        return self.count

    async def later(self):
        return self.count

    def __eq__(self, other):
        return self.count == other

    def __hash__(self):
        return self.count

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

class Failed(ValueError):
    pass

def make(start):
    return Counter(start)

def fail(value=None):
    raise Failed(Counter(1), value)

def handed(value=None):
    return value

BUMP = Counter.bump
'''


class Host:
    secret = "canary"

    def __init__(self) -> None:
        self._private = [1, 2]
        self.items = {"a": 1}

    def method(self, *args, **kwargs):
        return args, kwargs

    def numbers(self):
        yield 1
        return self

    async def later(self, value=None):
        return value

    async def stream(self):
        yield 1
        yield self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __len__(self):
        return 2

    def __getitem__(self, key):
        return self.items[key]

    def __add__(self, other):
        return self

    def __lt__(self, other):
        return True

    def __hash__(self):
        return 1

    def fails(self):
        raise ValueError(self)


@ocapy.sealed
class Point:
    def __init__(self, x=0, y=0):
        self.x, self.y = x, y

    def moved(self, dx=1):
        return Point(self.x + dx, self.y)

    @classmethod
    def origin(cls):
        return cls()


@ocapy.access_checked
class Account:
    def __init__(self, balance=0):
        self.__balance = balance
        self._log = []

    def deposit(self, amount):
        self.__balance += amount
        self._log.append(amount)
        return self.__balance

    def _hook(self):
        return self.__balance


class Audited(Account):
    """A subclass with attribute-protocol methods (wrapped) and a super() call."""

    __slots__ = ("__note",)

    def __getattribute__(self, name):
        return super().__getattribute__(name)

    def __setattr__(self, name, value):
        super().__setattr__(name, value)

    def _hook(self):
        return super()._hook()


# What facades hand out in place of the module's own objects: type forms, class views and
# sealed functions, driven through the seal the host holds them by.
FACADES = """
import collections, enum, functools, heapq, json, math, typing
T = typing.TypeVar("T")
# Held raw by compartment code: a generator of facade code, sealed for it, and facade
# functions, built-in and made by facade code, and a class name from `type(x)` (found below
# through `gc`).
MERGED = heapq.merge([1, 3], [2])
DECORATOR = functools.lru_cache(maxsize=2)
ROOT = math.sqrt
NAMED = type(MERGED)
class Color(enum.Enum):
    RED = 1
class Tone(enum.IntEnum):
    pass
def forms():
    return [typing.Mapping, typing.Optional[int], typing.Counter[str], collections.Counter,
            collections.Counter[T], typing.Callable[[int], str], json.dumps, typing.Any,
            enum.Enum, enum.IntFlag, Color, Color.RED, typing.Generic]
"""


def specimens():
    host = Host()
    compartment = ocapy.Compartment(grants={"log": print}, name="fuzz")
    plugin = compartment.run(PLUGIN, filename="fuzz.py")
    counter = plugin.make(3)
    found = list(ocapy.paths(host, host.items, limit=2))
    facades = ocapy.Compartment(
        modules={
            name: importlib.import_module(name)
            for name in ("collections", "enum", "functools", "heapq", "json", "math", "typing")
        },
        name="facades",
    ).run(FACADES, filename="facades.py")
    # The `__call__` a compartment's enum metaclass gets, which no public name hands out.
    enum_calls = [found for found in gc.get_objects() if type(found).__name__ == "enum_call"]
    if not enum_calls:
        raise SystemExit("the facade specimens made no compartment enum class: fix FACADES")
    facade_made = [
        found
        for found in gc.get_objects()
        if type(found).__name__ in ("facade_function", "class_name")
        or (type(found) is ocapy.Sealed and "merge" in repr(found))
    ]
    if len(facade_made) < 4:
        raise SystemExit("the facade specimens made no facade function or seal: fix FACADES")
    objects = [
        *facades.forms(),
        enum_calls[0],
        *facade_made,
        ocapy.seal(host),
        ocapy.harden(host),
        ocapy.seal([1, host]),
        ocapy.harden({"host": host, "list": [host]}),
        ocapy.harden(host.numbers()),
        ocapy.harden(host.later()),
        ocapy.harden(host.stream()),
        ocapy.harden(ocapy.seal(host)),
        plugin.fail,
        plugin.handed,
        plugin.make(2),
        ocapy.namespace(host.method, limit=3, nested=host),
        Point,
        Point(1, 2),
        Account(5),
        Account,
        Audited(1),
        Audited,
        vars(Account)["__class__"],
        vars(Account)["_Account__balance"],
        vars(Audited)["__getattribute__"],
        compartment,
        compartment.session(),
        compartment.session().run("1 + 1"),
        plugin,
        counter,
        plugin.BUMP,
        ocapy.raw(host),
        *found,
        *(step for path in found for step in path.steps),
        ocapy.ROOTS,
    ]
    return objects


NAMES = [
    "x", "items", "secret", "method", "numbers", "later", "stream", "bump", "count", "doubled",
    "moved", "origin", "deposit", "make", "fail", "handed", "BUMP", "_private", "__dict__", "__class__",
    "__self__", "__globals__", "__closure__", "gi_frame", "cr_frame", "ag_frame", "f_back",
    "__reduce_ex__", "__getattribute__", "__setattr__", "__init__", "__new__", "__call__",
    "__wrapped__", "__func__", "fget", "args", "steps", "kind", "expr", "name", "load", "run",
    "_Account__balance", "_Audited__note", "_hook", "__ocapy_access__", "__weakref__", "__slots__", "__mro__", "__subclasses__", "\0", "",
    "é", "a" * 300,
]


def random_value(rng: random.Random, pool: list[object]):
    choices = [
        None, True, 0, -1, 2**70, 1.5, float("nan"), 1j, "", "x", "__dict__", b"\xff", (),
        [], {}, {1, 2}, object(), type, len, print, Host(), Ellipsis, NotImplemented,
        slice(None, 2), range(3), ValueError("v"), StopIteration(5),
    ]
    return rng.choice(choices + pool)


async def drive_awaitable(value):
    return await value


def operations(rng, target, pool):
    name = rng.choice(NAMES)
    arg = random_value(rng, pool)
    args = tuple(random_value(rng, pool) for _ in range(rng.randrange(3)))
    return [
        lambda: getattr(target, name),
        lambda: getattr(target, name, None),
        lambda: setattr(target, name, arg),
        lambda: delattr(target, name),
        lambda: hasattr(target, name),
        lambda: target(*args),
        lambda: target(*args, key=arg),
        lambda: getattr(target, name)(*args),
        lambda: iter(target),
        lambda: next(iter(target)),
        lambda: list(target),
        lambda: next(target),
        lambda: target.send(arg),
        lambda: target.throw(ValueError("t")),
        lambda: target.close(),
        lambda: asyncio.run(drive_awaitable(target)),
        lambda: target.__await__(),
        lambda: target.__anext__(),
        lambda: target.asend(arg),
        lambda: target.athrow(ValueError("a")),
        lambda: target.__aiter__(),
        lambda: target.__enter__(),
        lambda: target.__exit__(None, None, None),
        lambda: target.__exit__(ValueError, ValueError("e"), None),
        lambda: len(target),
        lambda: arg in target,
        lambda: target[arg],
        lambda: operator.setitem(target, arg, arg),
        lambda: operator.delitem(target, arg),
        lambda: bool(target),
        lambda: operator.index(target),
        lambda: int(target),
        lambda: float(target),
        lambda: hash(target),
        lambda: repr(target),
        lambda: str(target),
        lambda: format(target, rng.choice(["", "x", "{}", ">10", "!r"])),
        lambda: "{0.%s}" % name and "{0}".format(target),
        lambda: rng.choice([operator.add, operator.sub, operator.mul, operator.truediv,
                            operator.floordiv, operator.mod, operator.pow, operator.lshift,
                            operator.and_, operator.or_, operator.xor, operator.matmul])(target, arg),
        lambda: rng.choice([operator.add, operator.sub, operator.mul, operator.or_])(arg, target),
        lambda: rng.choice([operator.iadd, operator.isub, operator.imul, operator.ior])(target, arg),
        lambda: -target,
        lambda: ~target,
        lambda: abs(target),
        lambda: rng.choice([operator.lt, operator.le, operator.eq, operator.ne, operator.gt,
                            operator.ge])(target, arg),
        lambda: copy.copy(target),
        lambda: copy.deepcopy(target),
        lambda: pickle.dumps(target),
        lambda: weakref.ref(target),
        lambda: type("Sub", (type(target),), {}),
        lambda: type(target)(*args),
        lambda: dir(target),
        lambda: vars(target),
        lambda: isinstance(arg, target),
        lambda: issubclass(type(arg), target),
        lambda: target.__reduce_ex__(2),
        lambda: object.__getattribute__(target, name),
        lambda: object.__setattr__(target, name, arg),
        lambda: gc.get_referents(target),
        lambda: gc.collect(),
    ]


def is_ocapys(value: object) -> bool:
    """Whether `value` is of a native type of ocapy's, or of a class ocapy built."""
    kind = type(value)
    return any(
        (getattr(cls, "__module__", "") or "").startswith("ocapy") for cls in (kind, type(kind))
    )


def main() -> None:
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    objects = specimens()
    pool = list(objects)
    for step in range(count):
        # Mostly the specimens themselves, else what operations on them handed out.
        target = rng.choice(objects if rng.random() < 0.6 else pool)
        operation = rng.choice(operations(rng, target, pool))
        try:
            result = operation()
        except BaseException as error:  # noqa: BLE001 - only a crash is a failure here
            if isinstance(error, KeyboardInterrupt):
                raise
            result = error
        # What operations hand out is fuzzed in turn, up to a bound.
        if is_ocapys(result) and len(pool) < 400:
            pool.append(result)
        if step % 500 == 0:
            gc.collect()
    del pool, objects
    gc.collect()
    print("survived", count)


if __name__ == "__main__":
    main()
