"""The hidden-edge table against every CPython on this machine.

``probes/attribute_probe.py`` reads every attribute of every built-in type (and of
the standard-library objects that hide something) and reports each one whose value
is or holds a frame, code object, cell, module globals, the builtins, a traceback
or a generator. This test runs it under each CPython 3.8+ it finds, the running
interpreter always among them, and fails on any reported attribute that the
verifier would let through: one neither in the hidden-edge table
(``crates/ocapy_verifier/src/tables/attributes.rs``, through
``ocapy._native.is_hidden_edge``) nor left to the private-attribute rule (a name
starting with ``_`` that is not a dunder, and ``__dict__`` / ``__class__``).

Run with ``-rA`` to see which interpreters were probed and which were skipped.
"""

from __future__ import annotations

import glob
import importlib
import json
import os
import re
import subprocess
import sys
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from ocapy._native import _edges_of_some_classes, is_hidden_edge

PROBE = Path(__file__).parent / "probes" / "attribute_probe.py"
CANDIDATES = (
    "~/.pyenv/versions/3.*/bin/python3",
    "/usr/bin/python3*",
    "/usr/local/bin/python3*",
)
INTERPRETER_NAME = re.compile(r"python3(\.\d+)?t?")  # not python3-config
PROBED_VERSIONS = [(3, minor) for minor in range(8, 15)]
# A machine without one of these checks less than it should: warn.
EXPECTED_VERSIONS = [(3, minor) for minor in range(8, 14)]
KINDS = frozenset({"frame", "code", "cell", "globals", "builtins", "traceback", "generator"})
# The private-attribute rule rejects these on every receiver but `self`.
PRIVATE_RULE_DUNDERS = frozenset({"__dict__", "__class__"})
TIMEOUT = 120


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: tuple[int, int]


@dataclass(frozen=True)
class ProbeRun:
    interpreter: Interpreter
    python: str = ""  # the full version the probe reports
    edges: tuple[tuple[str, str, str], ...] = ()  # (type, attribute, kind)
    error: str = ""


@dataclass(frozen=True)
class Survey:
    runs: tuple[ProbeRun, ...]
    skipped: tuple[str, ...]


def version_of(python: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            [python, "-I", "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        major, minor = done.stdout.split()
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return int(major), int(minor)


def find_interpreters() -> tuple[list[Interpreter], list[str]]:
    """The running interpreter and every other CPython 3.8+ found, one per binary."""
    running = Interpreter(sys.executable, sys.version_info[:2])
    found, skipped = [running], []
    seen = {os.path.realpath(sys.executable)}
    for pattern in CANDIDATES:
        for path in sorted(glob.glob(os.path.expanduser(pattern))):
            real = os.path.realpath(path)
            if not INTERPRETER_NAME.fullmatch(os.path.basename(path)) or real in seen:
                continue
            seen.add(real)
            version = version_of(path)
            if version is None:
                skipped.append(f"{path}: does not run")
            elif version not in PROBED_VERSIONS:
                skipped.append(f"{path}: Python {version[0]}.{version[1]}, outside 3.8-3.14")
            else:
                found.append(Interpreter(path, version))
    found.sort(key=lambda interpreter: interpreter.version)
    return found, skipped


def run_probe(interpreter: Interpreter, tmp: Path) -> ProbeRun:
    try:
        done = subprocess.run(
            [interpreter.path, "-I", "-B", str(PROBE)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=tmp,
            env={**os.environ, "TMPDIR": str(tmp)},
        )
    except subprocess.TimeoutExpired:
        return ProbeRun(interpreter, error=f"timed out after {TIMEOUT} s")
    if done.returncode != 0:
        return ProbeRun(interpreter, error=f"exit status {done.returncode}:\n{done.stderr}")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        return ProbeRun(interpreter, error=f"output is not JSON ({exc}):\n{done.stdout[:2000]}")
    edges = tuple((e["type"], e["attribute"], e["kind"]) for e in report["edges"])
    return ProbeRun(interpreter, python=report["python"], edges=edges)


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    interpreters, skipped = find_interpreters()
    runs = tuple(
        run_probe(interpreter, tmp_path_factory.mktemp("attribute_probe"))
        for interpreter in interpreters
    )
    return Survey(runs, tuple(skipped))


def is_covered(attribute: str) -> bool:
    """Whether the verifier rejects reading `attribute` on an object that is not `self`."""
    dunder = len(attribute) > 4 and attribute.startswith("__") and attribute.endswith("__")
    if attribute.startswith("_") and not dunder:
        return True
    return attribute in PRIVATE_RULE_DUNDERS or is_hidden_edge(attribute)


def test_probe_runs_under_every_interpreter_found(survey: Survey) -> None:
    for run in survey.runs:
        status = "FAILED" if run.error else f"Python {run.python}, {len(run.edges)} edges"
        print(f"probed  {run.interpreter.path}: {status}")
    for line in survey.skipped:
        print(f"skipped {line}")
    probed = {run.interpreter.version for run in survey.runs if not run.error}
    missing = [f"{major}.{minor}" for major, minor in EXPECTED_VERSIONS if (major, minor) not in probed]
    if missing:
        warnings.warn(
            f"no CPython {', '.join(missing)} found: the hidden-edge table was not checked "
            "against them (install them with pyenv)",
            stacklevel=1,
        )
    failures = [f"{run.interpreter.path}: {run.error}" for run in survey.runs if run.error]
    assert not failures, "the attribute probe failed:\n" + "\n\n".join(failures)


def test_table_covers_every_measured_edge(survey: Survey) -> None:
    unclassified = [
        f"  Python {run.python}: {type_name}.{attribute} (reaches: {kind})"
        for run in survey.runs
        for type_name, attribute, kind in run.edges
        if kind in KINDS and not is_covered(attribute)
    ]
    assert not unclassified, (
        f"{len(unclassified)} measured hidden edges are not in the hidden-edge table "
        "(crates/ocapy_verifier/src/tables/attributes.rs); add each name with its reason:\n"
        + "\n".join(unclassified)
    )


@pytest.mark.parametrize("name", ["f_back", "cell_contents", "co_code", "__globals__", "gi_frame"])
def test_table_lists_hidden_edges(name: str) -> None:
    assert is_hidden_edge(name)


@pytest.mark.parametrize("name", ["append", "keys", "name", "value", "__init__", "__dict__"])
def test_table_leaves_ordinary_names_alone(name: str) -> None:
    assert not is_hidden_edge(name)


@pytest.mark.parametrize("name", sorted(_edges_of_some_classes()))
def test_an_edge_of_some_classes_names_real_classes(name: str) -> None:
    # The runtime refuses such an edge by the names of the classes in an object's MRO: a
    # misspelt entry would refuse nothing.
    # Built-in types that `builtins` does not bind (`function`) are bound in `types`.
    for module, qualified in _edges_of_some_classes()[name]:
        candidates = [*vars(importlib.import_module(module)).values(), *vars(types).values()]
        assert any(
            isinstance(candidate, type)
            and (candidate.__module__, candidate.__qualname__) == (module, qualified)
            for candidate in candidates
        ), (module, qualified)
