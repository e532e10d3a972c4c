"""The ocapy console command: exit statuses, formats, configuration, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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


def blocked_reading_stdin(pid: int) -> bool:
    """Whether a thread of process `pid` sits in read(0, ...) (Linux's /proc)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "syscall").read_text().split()
        except OSError:
            continue
        if fields[:2] == ["0", "0x0"]:
            return True
    return False


def sigint_as_a_terminal_gives_it() -> None:
    """In the child, before exec: SIGINT at its default disposition and not blocked.

    An ignored signal stays ignored across exec, and a shell starts a background job (`pytest
    &` in a script) with SIGINT ignored: Python then installs no KeyboardInterrupt handler and
    rightly keeps ignoring it, so the child must not inherit that from the test run.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_stops_the_command_with_status_130_and_no_traceback(project: Path):
    command = subprocess.Popen(
        [sys.executable, "-m", "ocapy", "check", "-"],
        cwd=project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_as_a_terminal_gives_it,
    )
    try:
        # Interrupt it once it is inside the run, blocked on standard input that never ends.
        for _ in range(2_000):
            if command.poll() is not None or blocked_reading_stdin(command.pid):
                break
            time.sleep(0.005)
        assert blocked_reading_stdin(command.pid), "the command never read standard input"
        command.send_signal(signal.SIGINT)
        # Standard input stays open: the command must stop without it ending.
        command.wait(timeout=30)
        stdout, stderr = command.stdout.read(), command.stderr.read()
    finally:
        command.kill()
    assert command.returncode == 130
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr, stderr
    assert stdout == b""


def test_statistics_print_the_table_alone_or_json(project: Path):
    (project / "more.py").write_text("x = open\ny = eval\nz = open\n")
    table = ocapy("check", "--statistics", ".", cwd=project)
    assert table.returncode == 1
    lines = table.stdout.splitlines()
    assert lines[-1] == "Found 4 violations in 3 files."
    assert not any("error[" in line for line in lines)
    assert any(line.split()[:2] == ["1", "OC201"] for line in lines), lines
    counts = json.loads(ocapy("check", "--statistics", "--format", "json", ".", cwd=project).stdout)
    assert {count["code"]: count["count"] for count in counts} == {"OC201": 1, "OC401": 3}
    refused = ocapy("check", "--statistics", "--format", "sarif", ".", cwd=project)
    assert refused.returncode == 2
    assert "--statistics" in refused.stderr and refused.stdout == ""


def test_a_named_folder_without_python_files_is_an_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# not python\n")
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    for folder in ("empty", "docs", "links"):
        result = ocapy("check", folder, cwd=tmp_path)
        assert result.returncode == 2, (folder, result.stdout)
        assert f"{folder} holds no Python file" in result.stderr
        assert ocapy("check", "--allow-empty", folder, cwd=tmp_path).returncode == 0


def test_allowed_modules_replace_and_extend_allowed_modules_add(project: Path):
    (project / "uses.py").write_text("import math\nimport plugin_helpers\n")
    (project / "ocapy.toml").write_text('allowed-modules = ["plugin_helpers"]\n')
    replaced = ocapy("check", "--format", "concise", "uses.py", cwd=project)
    assert "uses.py:1:8: OC501" in replaced.stdout, replaced.stdout
    (project / "ocapy.toml").write_text('extend-allowed-modules = ["plugin_helpers"]\n')
    assert ocapy("check", "uses.py", cwd=project).returncode == 0
    (project / "ocapy.toml").write_text("")
    assert ocapy("check", "uses.py", cwd=project).returncode == 1
    assert ocapy("check", "--allow-module", "plugin_helpers", "uses.py", cwd=project).returncode == 0


def test_each_file_takes_its_nearest_configuration(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.ocapy]\ngrants = ["log"]\n')
    (tmp_path / "a.py").write_text("log(1)\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ocapy.toml").write_text('grants = ["store"]\n')
    (tmp_path / "sub" / "b.py").write_text("store(1)\nlog(2)\n")
    result = ocapy("check", "--format", "concise", ".", cwd=tmp_path)
    (finding,) = result.stdout.splitlines()[:-1]
    assert finding.startswith("./sub/b.py:2:1: OC404"), result.stdout
    shown = ocapy("check", "--show-settings", "sub/b.py", cwd=tmp_path)
    assert shown.returncode == 0
    assert f"from: {tmp_path / 'sub' / 'ocapy.toml'}" in shown.stdout
    assert '"store"' in shown.stdout and '"log"' not in shown.stdout
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.ocapy]\nprofile = "capability"\n')
    both = ocapy("check", ".", cwd=tmp_path)
    assert both.returncode == 2 and "both configure ocapy" in both.stderr


def test_configuration_errors_say_where(project: Path):
    (project / "ocapy.toml").write_text('profile = "capability"\n\nselect = ["OC1", "OC77"]\n')
    bad_rule = ocapy("check", "clean.py", cwd=project)
    assert bad_rule.returncode == 2
    assert f"{project / 'ocapy.toml'}: unknown rule `OC77`" in bad_rule.stderr
    (project / "ocapy.toml").write_text('profile = "capability"\nselect = [\n')
    syntax = ocapy("check", "clean.py", cwd=project)
    assert syntax.returncode == 2
    assert f"{project / 'ocapy.toml'}:2:11: " in syntax.stderr, syntax.stderr
    (project / "ocapy.toml").unlink()
    (project / "team.toml").write_text('[tool.ocapy]\ngrants = ["log"]\n')
    (project / "plugin.py").write_text("log(1)\n")
    assert ocapy("check", "--config", "team.toml", "plugin.py", cwd=project).returncode == 0


def test_the_target_version_defaults_to_requires_python_then_the_oldest(tmp_path: Path):
    (tmp_path / "alias.py").write_text("type Number = int\n")
    oldest = ocapy("check", "--format", "concise", "alias.py", cwd=tmp_path)
    assert "OC902" in oldest.stdout, oldest.stdout
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.11"\n')
    assert "OC902" in ocapy("check", "--format", "concise", "alias.py", cwd=tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.12"\n')
    assert ocapy("check", "alias.py", cwd=tmp_path).returncode == 0
    assert ocapy("check", "--target-version", "3.11", "alias.py", cwd=tmp_path).returncode == 1


def test_default_excludes_and_extend_exclude(project: Path):
    for folder in (".venv", "venv", "node_modules", "build", ".git", "generated"):
        (project / folder).mkdir()
        (project / folder / "bad.py").write_text("x = open\n")
    result = ocapy("check", "--format", "concise", ".", cwd=project)
    assert [line for line in result.stdout.splitlines() if "bad.py" in line] == [
        line for line in result.stdout.splitlines() if "generated" in line
    ]
    excluded = ocapy("check", "--extend-exclude", "generated", "--format", "concise", ".", cwd=project)
    assert "bad.py" not in excluded.stdout
    # A path named on the command line is checked whatever the excludes say.
    assert ocapy("check", ".venv/bad.py", cwd=project).returncode == 1
    everything = ocapy("check", "--exclude", "generated", "--format", "concise", ".", cwd=project)
    assert "venv" in everything.stdout and "generated" not in everything.stdout


def test_gitignore_counts_outside_a_git_repository(project: Path):
    (project / ".gitignore").write_text("escape.py\n")
    assert ocapy("check", ".", cwd=project).returncode == 0


def test_select_takes_prefixes_and_all(project: Path):
    (project / "plugin.py").write_text("x = open\ny = _private\n")
    only_names = ocapy("check", "--select", "OC4", "--format", "concise", "plugin.py", cwd=project)
    codes = {line.split()[1] for line in only_names.stdout.splitlines()[:-1]}
    assert codes and all(code.startswith("OC4") for code in codes), only_names.stdout
    everything = ocapy("check", "--select", "ALL", "--format", "concise", "plugin.py", cwd=project)
    assert everything.returncode == 1


def test_suppressions_count_in_the_encapsulation_profile_only(tmp_path: Path):
    (tmp_path / "team.py").write_text(
        "class A:\n"
        "    def peek(self, other):\n"
        "        return other._x  # ocapy: ignore[OC101] friend class, reviewed in #12\n"
    )
    team = ocapy("check", "--profile", "encapsulation", "team.py", cwd=tmp_path)
    assert team.returncode == 0, team.stdout
    plugin = ocapy("check", "--profile", "capability", "--format", "concise", "team.py", cwd=tmp_path)
    assert "team.py:3:22: OC101" in plugin.stdout, plugin.stdout
    (tmp_path / "team.py").write_text(
        "class A:\n    def peek(self, other):\n        return other._x  # ocapy: ignore[OC101]\n"
    )
    careless = ocapy("check", "--profile", "encapsulation", "--format", "concise", "team.py", cwd=tmp_path)
    assert "OC101" in careless.stdout and "OC904" in careless.stdout


def test_per_file_ignores_are_the_hosts_exemptions(tmp_path: Path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("x = eval\n")
    (tmp_path / "main.py").write_text("x = eval\n")
    (tmp_path / "pyproject.toml").write_text('[tool.ocapy.per-file-ignores]\n"tests/*.py" = ["OC4"]\n')
    result = ocapy("check", "--format", "concise", ".", cwd=tmp_path)
    lines = result.stdout.splitlines()[:-1]
    assert [line.split(":")[0] for line in lines] == ["./main.py"], result.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.ocapy.per-file-ignores]\n"tests/*.py" = ["OC7"]\n')
    bad = ocapy("check", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown rule `OC7`" in bad.stderr


def cache_entries(folder: Path) -> list[Path]:
    return [entry for entry in folder.rglob("*") if entry.is_file()]


def test_unchanged_files_are_read_from_the_cache(project: Path, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    cold = ocapy("check", "--cache-dir", str(cache), "--format", "json", ".", cwd=project)
    entries = cache_entries(cache)
    assert len(entries) == 2
    warm = ocapy("check", "--cache-dir", str(cache), "--format", "json", ".", cwd=project)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    full_cold = ocapy("check", "--no-cache", ".", cwd=project)
    full_warm = ocapy("check", "--cache-dir", str(cache), ".", cwd=project)
    assert full_warm.stdout == full_cold.stdout
    # The results come from the cache: an entry changed behind ocapy's back is believed ...
    for entry in entries:
        entry.write_text("[]")
    assert ocapy("check", "--cache-dir", str(cache), ".", cwd=project).returncode == 0
    # ... except with --no-cache, or once the file or the settings change.
    assert ocapy("check", "--no-cache", "--cache-dir", str(cache), ".", cwd=project).returncode == 1
    assert ocapy("check", "--cache-dir", str(cache), "--grant", "g", ".", cwd=project).returncode == 1
    (project / "escape.py").write_text("def f(g):\n    return g.gi_frame  # edited\n")
    assert ocapy("check", "--cache-dir", str(cache), ".", cwd=project).returncode == 1


def test_an_unreadable_cache_entry_is_a_miss(project: Path, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    ocapy("check", "--cache-dir", str(cache), ".", cwd=project)
    for entry in cache_entries(cache):
        entry.write_bytes(b"\xff not json")
    result = ocapy("check", "--cache-dir", str(cache), "--format", "concise", ".", cwd=project)
    assert result.returncode == 1 and "escape.py:2:14: OC201" in result.stdout


def test_the_cache_is_never_in_the_tree_checked(project: Path, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {key: value for key, value in os.environ.items() if key != "OCAPY_CACHE_DIR"}
    env.update(HOME=str(home), XDG_CACHE_HOME="")
    before = sorted(project.rglob("*"))
    subprocess.run([sys.executable, "-m", "ocapy", "check", "."], cwd=project, env=env, timeout=120)
    assert sorted(project.rglob("*")) == before
    assert cache_entries(home / ".cache" / "ocapy")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_goes_to_a_terminal_only_and_is_erased(project: Path):
    import pty
    import re

    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ocapy", "check", "--format", "concise", "."],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert result.stdout.decode().endswith("Found 1 violation in 1 of 2 files.\n")
    # Whether the run took long enough to show it or not, a progress line is always erased.
    leftover = re.sub(rb"\rocapy: checked \d+ of \d+ files \(\d+%\)", b"", shown)
    assert leftover in (b"", b"\r\x1b[K"), shown
