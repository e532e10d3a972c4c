"""Time ocapy.Compartment against plain Python, every figure a ratio measured in one run.

- load: `Compartment.run` (verify + compile + run + sealed view) of a generated module of
  several thousand lines, against `compile` + `exec` of the same source (goal <= 1.1)
- `c.f()` on an instance of a compartment class, against a plain class (goal <= 1.05)
- `C.f` read from a compartment class, against a plain class (goal <= 3)
- a call into a grant with plain-data arguments and result, across the membrane, against
  the same function granted raw behind `functools.partial`, CPython's own C forwarding
  (goal <= 1.2)
- a call of a facade's built-in function with plain-data arguments and result, `sqrt(2.0)`,
  against the same function granted raw behind `functools.partial` (goal <= 1.2)
- a facade call that does real work, `json.loads` of a 1 KB document, against the same loop
  in plain Python (goal <= 1.05)
- the audit hook: an event-free loop, and a loop raising one audited event per iteration,
  each timed in a fresh interpreter before and after the hook is installed (goal: 0 within
  noise, and <= 100 ns per event)

Build the extension in release mode first (`maturin develop --release`), then:

    python bench/compartment.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import ocapy


def compare(
    baseline: Callable[[], object],
    measured: Callable[[], object],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[float, float]:
    """The fastest of `repeat` timings of each, taken in turns so that both see the same
    load from the rest of the machine."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, bucket in ((baseline, timings[0]), (measured, timings[1])):
            start = clock()
            run()
            bucket.append(clock() - start)
    return min(timings[0]), min(timings[1])


def generated_module(functions: int) -> str:
    """A verifiable module: classes with methods and properties, functions, comprehensions."""
    parts = ["import math\n"]
    for index in range(functions):
        parts.append(
            f'''
class Shape{index}:
    """Shape number {index}."""

    def __init__(self, size):
        self._size = size

    @property
    def size(self):
        return self._size

    def area(self):
        return math.pi * self._size ** 2 + {index}

    def scaled(self, factor):
        return Shape{index}(self._size * factor)


def measure{index}(values, limit={index}):
    total = 0
    for value in values:
        if value > limit:
            total += value
        elif value < -limit:
            total -= value
        else:
            total += abs(value) // 2
    squares = [value * value for value in values if value % 2]
    return total, sum(squares), {{"index": {index}, "count": len(values)}}
'''
        )
    return "".join(parts)


CLASS_SOURCE = """
class Point:
    def __init__(self, x):
        self.x = x

    def f(self):
        return self.x


def call_method(n):
    point = Point(1)
    for _ in range(n):
        point.f()


def read_method(n):
    for _ in range(n):
        Point.f
"""

HOOK_PROGRAM = """
import sys, time

def free(n):
    total = 0
    for i in range(n):
        total += i * 2
    return total

def events(n):
    audit = sys.audit
    for i in range(n):
        audit("ocapy.bench", i)

def best(run, n, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(n)
        timings.append(time.perf_counter() - start)
    return min(timings)

WRITER = '''
class Counter:
    count = 0

def write(n):
    for i in range(n):
        Counter.count = i
'''

before = best(free, {loop}, {repeat}), best(events, {loop}, {repeat})
import ocapy
compartment = ocapy.Compartment()
after = best(free, {loop}, {repeat}), best(events, {loop}, {repeat})
host = {{}}
exec(WRITER, host)
plugin = ocapy._native._run_unverified(compartment, WRITER)
host_write = best(host["write"], {loop}, {repeat})
plugin_write = best(plugin.write, {loop}, {repeat})
print(*before, *after, host_write, plugin_write)
"""


def hook_timings(loop: int, repeat: int) -> list[float]:
    """In a fresh interpreter: the loops before and after the hook is installed, then a
    class attribute write (an audited event) from host code and from compartment code."""
    program = HOOK_PROGRAM.format(loop=loop, repeat=repeat)
    output = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    return [float(value) for value in output.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--functions", type=int, default=150)
    parser.add_argument("--loop", type=int, default=1_000_000)
    arguments = parser.parse_args()
    repeat, loop = arguments.repeat, arguments.loop

    import math

    source = generated_module(arguments.functions)
    lines = source.count("\n")
    compartment = ocapy.Compartment(modules={"math": math}, name="bench")

    def plain_load() -> None:
        exec(compile(source, "generated.py", "exec"), {"math": math})

    def compartment_load() -> None:
        compartment.run(source, filename="generated.py")

    compartment_load()  # fails loudly if the generated module does not verify
    plain, confined = compare(plain_load, compartment_load, repeat)
    # CPU time of the whole process, the verifier's thread included: what the load costs
    # when no second core is free for the verifier to overlap the compilation.
    plain_cpu, confined_cpu = compare(plain_load, compartment_load, repeat, time.process_time)

    plain_classes: dict[str, object] = {}
    exec(compile(CLASS_SOURCE, "classes.py", "exec"), plain_classes)
    confined_classes = compartment.run(CLASS_SOURCE, filename="classes.py")
    plain_call, confined_call = compare(
        lambda: plain_classes["call_method"](loop),  # type: ignore[operator]
        lambda: confined_classes.call_method(loop),
        repeat,
    )
    # Reading C.f through the class is what the verifier demotes; time it without verifying.
    reader = ocapy._native._run_unverified(compartment, CLASS_SOURCE, filename="classes.py")
    plain_read, confined_read = compare(
        lambda: plain_classes["read_method"](loop),  # type: ignore[operator]
        lambda: reader.read_method(loop),
        repeat,
    )

    # The same plugin loop calling one host function: across the membrane, and raw behind
    # `functools.partial`, the floor of a call forwarded from C.
    def host_log(value: int) -> int:
        return value

    grant_loop = "def calls(n):\n    for i in range(n):\n        log(i)\n"
    membrane = ocapy.Compartment(grants={"log": host_log}).run(grant_loop)
    forwarded = ocapy.Compartment(
        grants={"log": ocapy.raw(functools.partial(host_log))}
    ).run(grant_loop)
    forwarded_call, membrane_call = compare(
        lambda: forwarded.calls(loop), lambda: membrane.calls(loop), repeat
    )

    # A facade's built-in function, against the same one behind `functools.partial`.
    import math

    root_loop = "def roots(n):\n    for _ in range(n):\n        sqrt(2.0)\n"
    facade_roots = ocapy.Compartment(modules={"math": math}).run(
        "from math import sqrt\n" + root_loop
    )
    forwarded_roots = ocapy.Compartment(
        grants={"sqrt": ocapy.raw(functools.partial(math.sqrt))}
    ).run(root_loop)
    forwarded_root, facade_root = compare(
        lambda: forwarded_roots.roots(loop), lambda: facade_roots.roots(loop), repeat
    )

    # A facade's Python function doing real work, against the same loop in plain Python.
    import json

    document = json.dumps({f"key{index}": [index, str(index) * 3, None] for index in range(40)})
    facade_loop = "import json\n\ndef parse(document, n):\n    for _ in range(n):\n        json.loads(document)\n"
    parses = loop // 50
    plain_parser: dict[str, object] = {}
    exec(compile(facade_loop, "parse.py", "exec"), plain_parser)
    confined_parser = ocapy.Compartment(modules={"json": json}).run(facade_loop)
    plain_parse, facade_parse = compare(
        lambda: plain_parser["parse"](document, parses),  # type: ignore[operator]
        lambda: confined_parser.parse(document, parses),
        repeat,
    )

    # The median of three fresh interpreters, each timing before and after installing.
    runs = [hook_timings(loop, repeat) for _ in range(3)]
    free_without, events_without, free_with, events_with, host_write, plugin_write = (
        statistics.median(run[index] for run in runs) for index in range(6)
    )

    print(f"python {sys.version.split()[0]}, best of {repeat}")
    print(
        f"load {lines} lines: compile+exec {plain * 1e3:.2f} ms, Compartment.run "
        f"{confined * 1e3:.2f} ms, ratio {confined / plain:.3f} (goal <= 1.1); CPU time "
        f"{plain_cpu * 1e3:.2f} ms vs {confined_cpu * 1e3:.2f} ms, ratio {confined_cpu / plain_cpu:.3f}"
    )
    print(
        f"c.f(): plain {plain_call / loop * 1e9:.1f} ns, compartment "
        f"{confined_call / loop * 1e9:.1f} ns, ratio {confined_call / plain_call:.3f} (goal <= 1.05)"
    )
    print(
        f"C.f: plain {plain_read / loop * 1e9:.1f} ns, compartment "
        f"{confined_read / loop * 1e9:.1f} ns, ratio {confined_read / plain_read:.3f} (goal <= 3)"
    )
    print(
        f"grant call log(i): functools.partial {forwarded_call / loop * 1e9:.1f} ns, membrane "
        f"{membrane_call / loop * 1e9:.1f} ns, ratio {membrane_call / forwarded_call:.3f} "
        "(goal <= 1.2)"
    )
    print(
        f"facade call sqrt(2.0): functools.partial {forwarded_root / loop * 1e9:.1f} ns, facade "
        f"{facade_root / loop * 1e9:.1f} ns, ratio {facade_root / forwarded_root:.3f} (goal <= 1.2)"
    )
    print(
        f"facade call json.loads({len(document)} bytes): plain {plain_parse / parses * 1e6:.2f} us, "
        f"facade {facade_parse / parses * 1e6:.2f} us, ratio {facade_parse / plain_parse:.3f} "
        "(goal <= 1.05)"
    )
    print(
        f"event-free loop: without hook {free_without / loop * 1e9:.1f} ns, with hook "
        f"{free_with / loop * 1e9:.1f} ns per iteration, ratio {free_with / free_without:.3f} "
        "(goal 1.0 within noise)"
    )
    print(
        f"audited event: without hook {events_without / loop * 1e9:.1f} ns, with hook "
        f"{events_with / loop * 1e9:.1f} ns, cost per event "
        f"{(events_with - events_without) / loop * 1e9:.1f} ns (goal <= 100)"
    )
    print(
        f"class attribute write (audited): from host code {host_write / loop * 1e9:.1f} ns, "
        f"from compartment code (hook finds it, allows it) {plugin_write / loop * 1e9:.1f} ns"
    )


if __name__ == "__main__":
    main()
