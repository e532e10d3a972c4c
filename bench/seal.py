"""Time a sealed object against the plain object and a pure-Python Bastion wrapper.

Every statement is timed in the same run, the rounds interleaved, and the best round of
each kept (the least disturbed by other work on the machine). The ratios sealed / plain
are the figures to watch (goals: `s.x` <= 1.3, `s.m()` <= 1.5); the Bastion column is the
2009 baseline a native seal replaces. Two rows from CPython itself bound what any native
wrapper can do: `weakref.proxy`, its own forwarding object, and `functools.partial` of the
method, a C callable that calls it with no attribute read at all (on 3.11+ a call from C
cannot use the interpreter's inlined Python-to-Python call); a third is `n.x` on a native type
whose `tp_getattro` returns at once (`bench/noop_getattro.c`, compiled into a temporary
directory when a C compiler is found): the floor for any wrapper's read. The goals of issue
14 are against those two floors, measured in the same run: `s.x` <= 1.2x `n.x`, `s.m()` <=
1.1x `partial()`. Build the extension in release mode first:

    maturin develop --release
    python bench/seal.py [--rounds 9] [--number 200000]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import timeit
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ocapy import harden, seal


class Point:
    def __init__(self) -> None:
        self.x = 1
        self._secret = 2

    def m(self) -> int:
        return self.x


class Bastion:
    """The 2009 recipe: a Python wrapper that forwards public names from a closure.

    It is what a native seal replaces: every read runs Python code, and the wrapper is an
    ordinary, mutable object.
    """

    __slots__ = ("_Bastion__read",)

    def __init__(self, obj: object) -> None:
        def read(name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            value = getattr(obj, name)
            if callable(value):
                return lambda *args, **kwargs: value(*args, **kwargs)
            return value

        object.__setattr__(self, "_Bastion__read", read)

    def __getattr__(self, name: str) -> Any:
        return object.__getattribute__(self, "_Bastion__read")(name)


def noop_getattro(directory: str) -> object | None:
    """An instance of the no-op `tp_getattro` type, or None without a C compiler."""
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        return None
    source = Path(__file__).with_name("noop_getattro.c")
    target = Path(directory) / f"noop_getattro{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    command = [compiler, "-O2", "-shared", "-fPIC", f"-I{include}", str(source), "-o", str(target)]
    if subprocess.run(command, capture_output=True).returncode != 0:
        return None
    spec = importlib.util.spec_from_file_location("noop_getattro", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Noop()


def best_times(statements: dict[str, str], names: dict[str, object], rounds: int, number: int) -> dict[str, float]:
    """Best ns per execution of each statement over `rounds` interleaved rounds."""
    timers = {label: timeit.Timer(statement, globals=names) for label, statement in statements.items()}
    best = dict.fromkeys(statements, float("inf"))
    for _ in range(rounds):
        for label, timer in timers.items():
            best[label] = min(best[label], timer.timeit(number) / number * 1e9)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--number", type=int, default=200_000)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        noop = noop_getattro(directory)
    plain = Point()
    names: dict[str, object] = {
        "o": plain,
        "s": seal(plain),
        "h": harden(Point()),
        "b": Bastion(plain),
        "p": weakref.proxy(plain),
        "n": noop,
        "call_from_c": functools.partial(Point.m, plain),
        "seal": seal,
        "already": seal(Point()),
        "memoized": Point(),
    }
    keep = seal(names["memoized"])  # the live wrapper the memo hands back
    statements = {
        "o.x": "o.x",
        "s.x": "s.x",
        "h.x": "h.x",
        "b.x": "b.x",
        "p.x": "p.x",
        **({"n.x": "n.x"} if noop is not None else {}),
        "o.m()": "o.m()",
        "s.m()": "s.m()",
        "h.m()": "h.m()",
        "b.m()": "b.m()",
        "partial()": "call_from_c()",
        "seal(sealed)": "seal(already)",
        "seal(x) memo hit": "seal(memoized)",
        "seal(1)": "seal(1)",
        "pass": "pass",
    }
    times = best_times(statements, names, arguments.rounds, arguments.number)
    assert keep is seal(names["memoized"])

    def row(label: str, baseline: str | None = None, note: str = "") -> None:
        ratio = f"{times[label] / times[baseline]:6.2f}x {baseline}" if baseline else ""
        print(f"{label:18} {times[label]:8.1f} ns  {ratio:16} {note}")

    print(f"python {sys.version.split()[0]}, best of {arguments.rounds} rounds of {arguments.number}")
    print(f"(an empty statement costs {times['pass']:.1f} ns of loop; it is not subtracted)")
    row("o.x")
    row("s.x", "o.x", "goal <= 1.3")
    row("h.x", "o.x", "harden: deep membrane")
    row("b.x", "o.x", "pure-Python Bastion")
    row("p.x", "o.x", "weakref.proxy: CPython's own forwarding")
    if noop is not None:
        row("n.x", "o.x", "a native tp_getattro returning at once: the floor")
        row("s.x", "n.x", "goal <= 1.2 (issue 14)")
    else:
        print("n.x: no C compiler found, the floor for s.x is not measured")
    row("o.m()")
    row("s.m()", "o.m()", "goal <= 1.5")
    row("h.m()", "o.m()", "harden: deep membrane")
    row("b.m()", "o.m()", "pure-Python Bastion")
    row("partial()", "o.m()", "the method called from C, no lookup")
    row("s.m()", "partial()", "goal <= 1.1 (issue 14)")
    row("seal(sealed)")
    row("seal(x) memo hit")
    row("seal(1)")
    speedup: Callable[[str, str], float] = lambda sealed, bastion: times[bastion] / times[sealed]
    print(f"sealed vs Bastion: s.x {speedup('s.x', 'b.x'):.1f}x faster, s.m() {speedup('s.m()', 'b.m()'):.1f}x faster")


if __name__ == "__main__":
    main()
