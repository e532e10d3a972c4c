"""`ocapy paths` on the command line (through `python -m ocapy`, the Python entry point)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

APP = textwrap.dedent(
    """
    SECRET = "".join(["to", "ken"])
    UNRELATED = ["nothing", "here"]


    def _make_handler():
        copy = SECRET

        def handler():
            return copy

        return handler


    class Grant:
        pass


    grant = Grant()
    grant.options = {"token": SECRET}
    grant.handler = _make_handler()
    sealed = Grant()
    sealed._token = SECRET
    sealed.callback = _make_handler()
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    name = "ocapy_paths_cli_app"
    (tmp_path / f"{name}.py").write_text(APP, encoding="utf-8")
    yield tmp_path
    sys.modules.pop(name, None)


def ocapy_paths(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocapy", "paths", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def imported(project: Path) -> ModuleType:
    sys.path.insert(0, str(project))
    try:
        return importlib.import_module("ocapy_paths_cli_app")
    finally:
        sys.path.remove(str(project))


def test_text_lists_routes_that_evaluate_to_the_target(project: Path) -> None:
    result = ocapy_paths(project, "--from", "ocapy_paths_cli_app:grant", "--to", "ocapy_paths_cli_app:SECRET")
    assert result.returncode == 1, result.stderr
    header, *expressions = result.stdout.splitlines()
    assert header.startswith(
        f"{len(expressions)} paths from ocapy_paths_cli_app:grant to ocapy_paths_cli_app:SECRET through all edges"
    )
    assert expressions[0] == "grant.options['token']"
    assert "grant.handler.__closure__[0].cell_contents" in expressions
    app = imported(project)
    for expression in expressions:
        assert eval(expression, {"grant": app.grant, "gc": __import__("gc")}) is app.SECRET  # noqa: S307


def test_public_routes_only(project: Path) -> None:
    result = ocapy_paths(
        project, "--from", "ocapy_paths_cli_app:grant", "--to", "ocapy_paths_cli_app:SECRET", "--public"
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[1:] == ["grant.options['token']"]
    hidden = ocapy_paths(
        project, "--from", "ocapy_paths_cli_app:sealed", "--to", "ocapy_paths_cli_app:SECRET", "--public"
    )
    assert hidden.returncode == 0, hidden.stderr
    assert hidden.stdout.startswith(
        "no path from ocapy_paths_cli_app:sealed to ocapy_paths_cli_app:SECRET through public edges within 8 steps"
    )


def test_json_has_expressions_and_steps(project: Path) -> None:
    result = ocapy_paths(
        project,
        "--from",
        "ocapy_paths_cli_app:grant",
        "--to",
        "ocapy_paths_cli_app:SECRET",
        "--format",
        "json",
        "--limit",
        "1",
    )
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["edges"] == "all"
    (route,) = document["paths"]
    assert route["expr"] == "grant.options['token']"
    assert [(step["kind"], step["key"], step["type"]) for step in route["steps"]] == [
        ("attribute", "options", "dict"),
        ("item", "'token'", "str"),
    ]


def test_dot_draws_a_graph(project: Path) -> None:
    result = ocapy_paths(
        project, "--from", "ocapy_paths_cli_app:grant", "--to", "ocapy_paths_cli_app:SECRET", "--format", "dot"
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("digraph paths {")
    assert result.stdout.rstrip().endswith("}")
    assert 'label=".options"' in result.stdout
    assert "fillcolor=salmon" in result.stdout


def test_from_every_root(project: Path) -> None:
    result = ocapy_paths(project, "--to", "ocapy_paths_cli_app:SECRET", "--max-depth", "2", "--limit", "50")
    assert result.returncode == 1, result.stderr
    assert "from every module and thread" in result.stdout.splitlines()[0]
    assert "sys.modules['ocapy_paths_cli_app'].SECRET" in result.stdout.splitlines()


def test_no_path_exits_zero(project: Path) -> None:
    source = "ocapy_paths_cli_app:grant.options"
    result = ocapy_paths(project, "--from", source, "--to", "ocapy_paths_cli_app:UNRELATED")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"no path from {source} to ocapy_paths_cli_app:UNRELATED")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "no_such_module:x", "--to", "ocapy_paths_cli_app:SECRET"], "cannot import `no_such_module`"),
        (["--from", "ocapy_paths_cli_app:missing", "--to", "ocapy_paths_cli_app:SECRET"], "cannot read `missing`"),
        (["--to", "ocapy_paths_cli_app:SECRET", "--limit", "0"], "--limit"),
        (["--to", "ocapy_paths_cli_app:SECRET", "--max-depth", "-1"], "'-1'"),
        (["--to", "ocapy_paths_cli_app:SECRET", "--format", "svg"], "--format"),
        (["--from", "ocapy_paths_cli_app:grant"], "--to"),
        (
            ["--from", "ocapy_paths_cli_app:grant", "--to", "ocapy_paths_cli_app:UNRELATED", "--max-objects", "3"],
            "stopped after visiting 3 objects (--max-objects)",
        ),
    ],
)
def test_bad_input_exits_two_with_a_message(project: Path, arguments: list[str], message: str) -> None:
    result = ocapy_paths(project, *arguments)
    assert result.returncode == 2
    assert message in result.stderr
