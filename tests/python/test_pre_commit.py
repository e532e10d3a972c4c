"""The pre-commit hooks run as pre-commit runs them: the entry, its arguments, then the
staged files of the hook's types."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def run_hook(hook: dict, files: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    entry = shlex.split(hook["entry"])
    # `language: python` installs the package, whose console script is on the PATH.
    executable = shutil.which(entry[0], path=str(Path(sys.executable).parent))
    assert executable, f"the console script {entry[0]!r} is not installed"
    return subprocess.run(
        [executable, *entry[1:], *hook.get("args", []), *files],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_hooks_are_the_two_profiles():
    assert {hook["id"] for hook in HOOKS} == {"ocapy-encapsulation", "ocapy-capability"}
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook.get("pass_filenames", True)


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook["id"])
def test_each_hook_passes_clean_files_and_fails_on_violations(hook: dict, tmp_path: Path):
    (tmp_path / "clean.py").write_text("class A:\n    def f(self):\n        return self._x\n")
    (tmp_path / "other.py").write_text("import math\nx = math.pi\n")
    (tmp_path / "peek.py").write_text("def peek(a):\n    return a._x\n")
    assert run_hook(hook, ["clean.py", "other.py"], tmp_path).returncode == 0
    failing = run_hook(hook, ["clean.py", "peek.py"], tmp_path)
    assert failing.returncode == 1
    assert "peek.py:2:14: OC101" in failing.stdout


def test_the_capability_hook_is_the_stricter(tmp_path: Path):
    (tmp_path / "script.py").write_text("data = open('x').read()\n")
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert run_hook(by_id["ocapy-encapsulation"], ["script.py"], tmp_path).returncode == 0
    assert run_hook(by_id["ocapy-capability"], ["script.py"], tmp_path).returncode == 1
