"""Time `ocapy check` over the running interpreter's standard library against ruff.

Both tools check the same files in the same run, alternating, and the median of several
runs of each is compared. The figures to watch: ocapy without its cache / ruff without its
cache (goal: <= 1.0), and ocapy re-run over the unchanged files / ocapy without its cache
(goal: <= 0.2).

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
import tempfile
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
    check = [arguments.ocapy, "check", "--profile", "capability", "--format", "concise", "--quiet"]
    cache = tempfile.mkdtemp(prefix="ocapy-bench-cache-")
    commands = {
        "ocapy check (no cache)": [*check, "--no-cache", *files],
        "ocapy check (unchanged files, cached)": [*check, "--cache-dir", cache, *files],
        "ruff check --select SLF001 (no cache)": [
            arguments.ruff, "check", "--no-cache", "--select", "SLF001", "--quiet", "--isolated", *files
        ],
    }
    # One warm-up run each, so all start with the files in the page cache (and the cached
    # run with its cache filled).
    for command in commands.values():
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(arguments.runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    shutil.rmtree(cache, ignore_errors=True)
    median = {name: statistics.median(runs) for name, runs in times.items()}
    cold, warm, ruff = median.values()
    print(f"python {sys.version.split()[0]}: {len(files)} files, {lines} lines, {arguments.runs} runs each")
    for name, seconds in median.items():
        print(f"{name + ':':40} median {seconds:.3f} s")
    print(f"ratio ocapy (no cache) / ruff: {cold / ruff:.2f}")
    print(f"ratio ocapy cached / ocapy (no cache): {warm / cold:.2f}")


if __name__ == "__main__":
    main()
