"""Time `ocapy.paths` against a pure-Python breadth-first search over `gc.get_referents`.

A synthetic heap of about a million objects (lists, dicts, functions and their closures)
is searched twice: for a target placed at the far end (time to the target) and for an
object that is not in it (a full walk). Both searches run in the same process, alternating,
with the collector paused, and the median of several runs of each is compared: the ratio
ocapy / Python is the figure to watch (goal: <= 0.25). Build the extension with
`maturin develop --release` first.

    python bench/paths.py [--runs 5] [--size 1000000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable

import ocapy


def build_heap(size: int) -> tuple[list[object], str]:
    """About `size` objects: per chunk of ten, a list, a dict, a function, its closure
    tuple and cell, a tuple, a list of an int and a str; the target in the last chunk."""
    target = "".join(["nee", "dle"])
    chunks: list[object] = []
    for index in range(size // 10):

        def make(value: int) -> Callable[[], int]:
            def closure() -> int:
                return value

            return closure

        function = make(index)
        chunks.append([{"index": index, "function": function}, [index, str(index)], (function,)])
    chunks.append([{"deep": [target]}])
    return chunks, target


def python_search(source: object, target: object, max_depth: int) -> tuple[int | None, int]:
    """The baseline: breadth-first over gc.get_referents, parents by id, objects kept alive,
    stopping at the target. Returns the route's length (None if not found) and objects seen."""
    parents: dict[int, object] = {id(source): None}
    alive = [source]
    frontier = [source]
    depth = 0
    while frontier and depth < max_depth:
        depth += 1
        following = []
        for referrer in frontier:
            for referent in gc.get_referents(referrer):
                if id(referent) in parents:
                    continue
                parents[id(referent)] = referrer
                alive.append(referent)
                if referent is target:
                    return depth, len(alive)
                following.append(referent)
        frontier = following
    return None, len(alive)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--max-depth", type=int, default=8)
    arguments = parser.parse_args()

    heap, target = build_heap(arguments.size)
    absent = object()
    depth = arguments.max_depth
    cases = {
        "to the target": target,
        "full walk (unreachable)": absent,
    }
    gc.collect()
    gc.disable()
    try:
        print(f"python {sys.version.split()[0]}: heap of ~{arguments.size} objects, max_depth {depth}, {arguments.runs} runs each")
        for name, wanted in cases.items():
            # One warm-up run each.
            python_search(heap, wanted, depth)
            ocapy.paths(heap, wanted, max_depth=depth, limit=1)
            ocapy_times, python_times = [], []
            for _ in range(arguments.runs):
                elapsed, routes = timed(lambda wanted=wanted: ocapy.paths(heap, wanted, max_depth=depth, limit=1))
                ocapy_times.append(elapsed)
                elapsed, found = timed(lambda wanted=wanted: python_search(heap, wanted, depth))
                python_times.append(elapsed)
            assert isinstance(routes, list)
            assert isinstance(found, tuple)
            length, seen = found
            found_by_ocapy = len(routes[0]) if routes else None
            assert found_by_ocapy == length, (found_by_ocapy, length)
            ocapy_median = statistics.median(ocapy_times)
            python_median = statistics.median(python_times)
            print(f"{name}: route of {length} steps, Python BFS saw {seen} objects")
            print(f"  ocapy.paths:       median {ocapy_median:.3f} s")
            print(f"  Python BFS:        median {python_median:.3f} s")
            print(f"  ratio ocapy/Python: {ocapy_median / python_median:.3f} (goal <= 0.25)")
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
