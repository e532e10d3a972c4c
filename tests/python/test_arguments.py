"""Every public callable refuses a wrong argument with a TypeError naming the parameter and
saying what it takes, never with PyO3's conversion message alone."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

import ocapy
from ocapy import _native


class Plain:
    value = 1


def first_path() -> ocapy.Path:
    holder = Plain()
    (path, *_) = ocapy.paths(holder, Plain)
    return path


# (call with one wrong argument, the parameter named, a word of what it takes)
CASES: list[tuple[str, Callable[[], object], str, str]] = [
    ("verify source", lambda: ocapy.verify(123), "source", "str or bytes"),
    ("verify filename", lambda: ocapy.verify("x = 1\n", filename=1), "filename", "str"),
    ("verify profile", lambda: ocapy.verify("x = 1\n", profile=1), "profile", "capability"),
    ("verify grants", lambda: ocapy.verify("x = 1\n", grants=1), "grants", "list of strings"),
    (
        "verify allowed_modules",
        lambda: ocapy.verify("x = 1\n", allowed_modules="math"),
        "allowed_modules",
        "list of strings",
    ),
    (
        "verify extend_allowed_modules",
        lambda: ocapy.verify("x = 1\n", extend_allowed_modules=[1]),
        "extend_allowed_modules",
        "list of strings",
    ),
    ("verify select", lambda: ocapy.verify("x = 1\n", select=1), "select", "list of strings"),
    (
        "verify extend_select",
        lambda: ocapy.verify("x = 1\n", extend_select=1),
        "extend_select",
        "list of strings",
    ),
    ("verify ignore", lambda: ocapy.verify("x = 1\n", ignore=1), "ignore", "list of strings"),
    (
        "verify target_version",
        lambda: ocapy.verify("x = 1\n", target_version=3.12),
        "target_version",
        "version",
    ),
    ("Compartment grants", lambda: ocapy.Compartment(1), "grants", "mapping"),
    ("Compartment modules", lambda: ocapy.Compartment(None, 1), "modules", "mapping"),
    ("Compartment print", lambda: ocapy.Compartment(print=1), "print", "callable"),
    ("Compartment name", lambda: ocapy.Compartment(name=1), "name", "str"),
    ("Compartment seal_grants", lambda: ocapy.Compartment(seal_grants="no"), "seal_grants", "bool"),
    ("Compartment root", lambda: ocapy.Compartment(root=1), "root", "path"),
    ("Compartment.load path", lambda: ocapy.Compartment().load(1), "path", "path"),
    ("Compartment.run source", lambda: ocapy.Compartment().run(1), "source", "str or bytes"),
    (
        "Compartment.run filename",
        lambda: ocapy.Compartment().run("x = 1\n", filename=1),
        "filename",
        "str",
    ),
    (
        "Compartment.import_module name",
        lambda: ocapy.Compartment().import_module(1),
        "name",
        "module name",
    ),
    ("seal deep", lambda: ocapy.seal(Plain(), deep="yes"), "deep", "bool"),
    ("sealed cls", lambda: ocapy.sealed(1), "cls", "class"),
    ("namespace functions", lambda: ocapy.namespace(1), "functions", "functions"),
    ("access_checked cls", lambda: ocapy.access_checked(1), "cls", "class"),
    ("paths edges", lambda: ocapy.paths(Plain(), Plain, edges=1), "edges", "str"),
    ("paths max_depth", lambda: ocapy.paths(Plain(), Plain, max_depth="3"), "max_depth", "int"),
    ("paths limit", lambda: ocapy.paths(Plain(), Plain, limit=1.0), "limit", "int"),
    (
        "paths max_objects",
        lambda: ocapy.paths(Plain(), Plain, max_objects="9"),
        "max_objects",
        "int",
    ),
    ("Path.expr root", lambda: first_path().expr(1), "root", "str"),
    ("Step.apply expression", lambda: first_path().steps[0].apply(1), "expression", "str"),
    (
        "VerificationError diagnostics",
        lambda: ocapy.VerificationError(1),
        "diagnostics",
        "iterable",
    ),
    ("main argv", lambda: _native.main("check"), "argv", "list of strings"),
    ("is_hidden_edge name", lambda: _native.is_hidden_edge(1), "name", "str"),
    ("builtin_policy name", lambda: _native.builtin_policy(1), "name", "str"),
]


@pytest.mark.parametrize(
    ("call", "parameter", "takes"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_wrong_argument_is_refused_naming_the_parameter(call, parameter, takes):
    with pytest.raises(TypeError) as refused:
        call()
    message = str(refused.value)
    assert f"{parameter}=" in message or f"{parameter} " in message, message
    assert takes in message, message
    # What the caller passed, by its type, and none of PyO3's own wording.
    assert "not " in message, message
    assert "cannot be converted" not in message and "'Py" not in message, message


def test_every_public_function_is_covered():
    functions = {name for name in ocapy.__all__ if inspect.isroutine(getattr(ocapy, name))}
    covered = {case[0].split()[0] for case in CASES}
    # harden takes any object, so no argument of its is wrong.
    assert functions - {"harden"} <= covered


def test_the_right_arguments_still_work(tmp_path: Path):
    (tmp_path / "plugin.py").write_text("def hello():\n    return 'hi'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("value = 2\n")
    lines: list[str] = []
    compartment = ocapy.Compartment(
        {"log": lines.append},
        {},
        print=lines.append,
        name="plugins",
        seal_grants=True,
        root=tmp_path,
    )
    assert compartment.name == "plugins"
    assert compartment.load(tmp_path / "plugin.py").hello() == "hi"
    assert compartment.run(b"x = 1\n", filename="f.py").x == 1
    assert compartment.import_module("pkg.mod").value == 2
    assert ocapy.Compartment(seal_grants=None).name == "compartment"
    assert ocapy.verify(b"x = 1\n", filename="f.py", profile="encapsulation") == []
    assert ocapy.verify("x = 1\n", target_version="3.12", grants=("log",)) == []
    assert ocapy.seal(Plain(), deep=True).value == 1
    assert first_path().expr("root") == "type(root)"
    assert first_path().steps[0].apply("y") == "type(y)"
    assert _native.is_hidden_edge("__globals__") is True
    assert _native.builtin_policy("eval") == "deny"
    assert ocapy.VerificationError([]).diagnostics == ()


def test_default_arguments_show_their_meaning_in_the_signature():
    assert "profile='capability'" in str(inspect.signature(ocapy.verify))
    assert "seal_grants=True" in str(inspect.signature(ocapy.Compartment))
    assert "deep=False" in str(inspect.signature(ocapy.seal))
