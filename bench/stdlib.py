"""Time `ocapy check` over the running interpreter's standard library against ruff.

Both tools check the same files in the same run, alternating, and the median of several
runs of each is compared: the ratio ocapy / ruff is the figure to watch (goal: <= 1.0).

    python -m pip install ruff
    python bench/stdlib.py [--runs 7] [--ocapy target/release/ocapy] [--ruff ruff]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path


def stdlib_files() -> list[str]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        str(path)
        for path in root.rglob("*.py")
        if "site-packages" not in path.parts and "dist-packages" not in path.parts
    )


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ocapy", default=shutil.which("ocapy") or "ocapy")
    parser.add_argument("--ruff", default=shutil.which("ruff") or "ruff")
    arguments = parser.parse_args()

    files = stdlib_files()
    lines = sum(Path(path).read_bytes().count(b"\n") for path in files)
    ocapy = [arguments.ocapy, "check", "--profile", "capability", "--format", "concise", "--quiet", *files]
    ruff = [arguments.ruff, "check", "--no-cache", "--select", "SLF001", "--quiet", "--isolated", *files]

    # One warm-up run each, so both start with the files in the page cache.
    timed(ocapy)
    timed(ruff)
    ocapy_times, ruff_times = [], []
    for _ in range(arguments.runs):
        ocapy_times.append(timed(ocapy))
        ruff_times.append(timed(ruff))
    ocapy_median = statistics.median(ocapy_times)
    ruff_median = statistics.median(ruff_times)
    print(f"python {sys.version.split()[0]}: {len(files)} files, {lines} lines, {arguments.runs} runs each")
    print(f"ocapy check --profile capability: median {ocapy_median:.3f} s")
    print(f"ruff check --select SLF001:       median {ruff_median:.3f} s")
    print(f"ratio ocapy / ruff: {ocapy_median / ruff_median:.2f}")


if __name__ == "__main__":
    main()
