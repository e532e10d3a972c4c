"""The ocapy console command: exit statuses, formats, configuration, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def ocapy(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocapy", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "clean.py").write_text("import math\nx = math.pi\n")
    (tmp_path / "escape.py").write_text("def f(g):\n    return g.gi_frame\n")
    return tmp_path


def test_exit_statuses(project: Path):
    assert ocapy("check", "clean.py", cwd=project).returncode == 0
    assert ocapy("check", "escape.py", cwd=project).returncode == 1
    missing = ocapy("check", "missing.py", cwd=project)
    assert missing.returncode == 2
    assert "missing.py" in missing.stderr


def test_a_reader_that_stops_early_is_not_an_error(project: Path):
    for number in range(2000):
        (project / f"escape{number}.py").write_text("def f(g):\n    return g.gi_frame\n")
    reader = subprocess.Popen(
        [sys.executable, "-m", "ocapy", "check", "."],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.readline().startswith(b"error[OC201]")
    reader.stdout.close()  # as `| head -1` does
    errors = reader.stderr.read().decode()
    assert reader.wait(timeout=120) == 1
    assert errors == ""


def test_full_output_underlines_the_range(project: Path):
    result = ocapy("check", "escape.py", cwd=project)
    assert "error[OC201]" in result.stdout
    assert "escape.py:2:14" in result.stdout
    assert "^^^^^^^^" in result.stdout
    assert "Found 1 violation in 1 of 1 file." in result.stdout


def test_json_output(project: Path):
    result = ocapy("check", "--format", "json", ".", cwd=project)
    (diagnostic,) = json.loads(result.stdout)
    assert diagnostic["code"] == "OC201"
    assert (diagnostic["line"], diagnostic["column"]) == (2, 14)
    assert diagnostic["filename"].endswith("escape.py")


def test_sarif_and_github_output(project: Path):
    sarif = json.loads(ocapy("check", "--format", "sarif", "escape.py", cwd=project).stdout)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "OC201"
    github = ocapy("check", "--format", "github", "escape.py", cwd=project).stdout
    assert github.startswith("::error title=ocapy (OC201),file=escape.py,line=2,col=14")


def test_stdin(project: Path):
    result = ocapy("check", "--format", "concise", "-", cwd=project, stdin="x = open\n")
    assert result.returncode == 1
    assert result.stdout.startswith("<stdin>:1:5: OC401")


def test_select_ignore_and_grants(project: Path):
    (project / "plugin.py").write_text("log(eval)\n")
    assert ocapy("check", "--select", "OC404", "--grant", "log", "plugin.py", cwd=project).returncode == 0
    assert ocapy("check", "--ignore", "OC401,OC404", "plugin.py", cwd=project).returncode == 0
    bad = ocapy("check", "--select", "OC999", "plugin.py", cwd=project)
    assert bad.returncode == 2
    assert "unknown rule `OC999`" in bad.stderr


def test_configuration_file(project: Path):
    (project / "plugin.py").write_text("log(1)\n")
    (project / "pyproject.toml").write_text('[tool.ocapy]\ngrants = ["log"]\n')
    assert ocapy("check", "plugin.py", cwd=project).returncode == 0
    (project / "pyproject.toml").write_text('[tool.ocapy]\ngrantz = ["log"]\n')
    result = ocapy("check", "plugin.py", cwd=project)
    assert result.returncode == 2
    assert "unknown field `grantz`" in result.stderr


def test_gitignore_is_respected(project: Path):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("escape.py\n")
    result = ocapy("check", "--format", "concise", ".", cwd=project)
    assert result.returncode == 0, result.stdout


def test_bad_files_get_a_diagnostic_and_the_rest_is_checked(project: Path):
    (project / "latin.py").write_bytes(b"s = '\xff'\n")
    (project / "nul.py").write_bytes(b"x = 1\0\n")
    (project / "empty.py").write_bytes(b"")
    (project / "broken.py").write_text("def f(:\n")
    (project / "big.py").write_text("x = 1\n" * 2_000_000)
    result = ocapy("check", "--format", "concise", ".", cwd=project)
    lines = result.stdout.splitlines()
    assert any("latin.py:1:6: OC903" in line for line in lines)
    assert any("nul.py:1:6: OC903" in line for line in lines)
    assert any("broken.py:1:7: OC902" in line for line in lines)
    assert any("escape.py:2:14: OC201" in line for line in lines)
    assert not any("empty.py" in line or "big.py" in line or "clean.py" in line for line in lines)


def test_rule_docs(project: Path):
    result = ocapy("rule", "OC101", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith("## OC101 `private-attribute`")
    assert ocapy("rule", "OC000", cwd=project).returncode == 2


def test_docs_page_is_generated_from_the_rules():
    import ocapy._native

    assert (REPO / "docs" / "rules.md").read_text() == ocapy._native.rules_markdown(), (
        "docs/rules.md is stale: regenerate it with `ocapy rule --all > docs/rules.md`"
    )


def test_bundled_example(tmp_path: Path):
    result = ocapy("check", "--format", "json", str(REPO / "examples" / "plugins"), cwd=tmp_path)
    assert result.returncode == 1
    files = {Path(d["filename"]).name for d in json.loads(result.stdout)}
    assert files == {"escape.py"}
