"""Time run-time access checks against the same class unchecked, in one run.

One class body and a subclass of it (whose instances are timed), built five ways: unchecked;
`@ocapy.access_checked`; `class A(ocapy.AccessChecked)`; `@ocapy.access_checked` with
OCAPY_ACCESS_CHECKS=0 at class creation; and a pure-Python reference decorator in the style of the 2005 CodeAccessVerifier, which wraps each private method
and inspects `sys._getframe(1)` on every call. Each operation is timed for every variant in
turn by a loop compiled for it alone (and warmed up), several rounds, and the best round is
kept; ratios are against the unchecked class.

Goals: private call from the class's own method <= 1.5x; public attribute read <= 1.1x;
switch off 1.00x. Protected members (`_x`) are checked on every use by the class's own code
too (whether a use is allowed depends on the object), so their row has no goal: it shows
the cost of a check. The reference checks calls of private methods only.

    maturin develop --release
    python bench/access.py [--rounds 15] [--number 100000]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import ocapy

Decorate = Callable[[type], type]


def reference_checked(cls: type) -> type:
    """The pure-Python frame-inspecting reference: every private method checks its caller."""
    codes = {value.__code__ for value in vars(cls).values() if callable(value) and hasattr(value, "__code__")}
    prefix = f"_{cls.__name__.lstrip('_')}__"

    def checked(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any) -> Any:
            if sys._getframe(1).f_code not in codes:
                raise AttributeError(f"{method.__name__} is private")
            return method(self, *args)

        return wrapper

    for name, value in list(vars(cls).items()):
        if name.startswith(prefix) and callable(value):
            setattr(cls, name, checked(value))
    return cls


# Compiled once per variant: code objects (and the interpreter's specializations cached in
# them) must not be shared between variants.
CLASS_SOURCE = """
@decorate
class Counter(base):
    def __init__(self):
        self.value = 1
        self.__total = 0

    def add(self, x):
        return self.__bump(x)

    def add_many(self, count):
        bump = 0
        for _ in range(count):
            bump = self.__bump(1)
        return bump

    def read_many(self, count):
        total = 0
        for _ in range(count):
            total = self.__total
        return total

    def protected_many(self, count):
        bump = 0
        for _ in range(count):
            bump = self._step(1)
        return bump

    def __bump(self, x):
        return x + 1

    def _step(self, x):
        return x + 1


class Derived(Counter):
    def derived_protected_many(self, count):
        bump = 0
        for _ in range(count):
            bump = self._step(1)
        return bump
"""


def build(base: type, decorate: Decorate) -> type:
    namespace: dict[str, Any] = {"base": base, "decorate": decorate}
    exec(compile(CLASS_SOURCE, f"<{decorate.__name__}>", "exec"), namespace)
    return namespace["Derived"]


def unchecked(cls: type) -> type:
    return cls


def switched_off(cls: type) -> type:
    os.environ["OCAPY_ACCESS_CHECKS"] = "0"
    try:
        return ocapy.access_checked(cls)
    finally:
        del os.environ["OCAPY_ACCESS_CHECKS"]


VARIANTS: dict[str, tuple[type, Decorate]] = {
    "unchecked": (object, unchecked),
    "access_checked": (object, ocapy.access_checked),
    "AccessChecked": (ocapy.AccessChecked, unchecked),
    "switch off": (object, switched_off),
    "sys._getframe reference": (object, reference_checked),
}

OPERATIONS = {
    "private call in own method": ("obj.add_many(100)", 100),
    "private attribute read in own method": ("obj.read_many(100)", 100),
    "public method making a private call": ("obj.add(1)", 1),
    "public attribute read": ("obj.value", 1),
    "protected call in own method": ("obj.protected_many(100)", 100),
    "protected call in subclass's method": ("obj.derived_protected_many(100)", 100),
}


def timer(statement: str) -> Callable[[Any, int], float]:
    """A loop running `statement` on `obj` `number` times, compiled afresh for each use."""
    source = (
        "def run(obj, number):\n"
        "    start = perf_counter()\n"
        "    for _ in range(number):\n"
        f"        {statement}\n"
        "    return perf_counter() - start\n"
    )
    namespace: dict[str, Any] = {"perf_counter": time.perf_counter}
    exec(compile(source, "<timer>", "exec"), namespace)
    return namespace["run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=100_000, help="operations per timing")
    arguments = parser.parse_args()

    instances = {name: build(base, decorate)() for name, (base, decorate) in VARIANTS.items()}
    print(f"python {sys.version.split()[0]}, best of {arguments.rounds} rounds, ns per operation")
    print(f"{'':38}" + "".join(f"{name:>26}" for name in VARIANTS))
    for operation, (statement, per_statement) in OPERATIONS.items():
        number = max(1, arguments.number // per_statement)
        best = dict.fromkeys(VARIANTS, float("inf"))
        for _ in range(arguments.rounds):
            for name, obj in instances.items():
                # A fresh loop each round: where a loop's code lands in memory can make one
                # copy of identical code persistently slower than another; the best round
                # then finds each variant's fast copy.
                run = timer(statement)
                run(obj, number // 10)
                seconds = run(obj, number)
                best[name] = min(best[name], seconds / (number * per_statement) * 1e9)
        baseline = best["unchecked"]
        cells = "".join(f"{f'{best[name]:.1f} ({best[name] / baseline:.2f}x)':>26}" for name in VARIANTS)
        print(f"{operation:38}{cells}")


if __name__ == "__main__":
    main()
