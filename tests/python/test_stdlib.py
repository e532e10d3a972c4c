"""Every .py file of the running interpreter's standard library gets a verdict: no crash, no
hang, every file accounted for (the standard library is not expected to pass)."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path


def test_every_stdlib_file_gets_a_verdict(tmp_path: Path):
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        path
        for path in stdlib.rglob("*.py")
        if "site-packages" not in path.parts and "dist-packages" not in path.parts
    )
    assert len(files) > 1000
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(map(str, files)))
    result = subprocess.run(
        [sys.executable, "-m", "ocapy", "check", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    diagnostics = json.loads(result.stdout)
    assert {d["filename"] for d in diagnostics} <= {str(path) for path in files}
    # Files that fail to decode or parse are verdicts too, reported for the file.
    assert len({d["filename"] for d in diagnostics}) > len(files) // 2
