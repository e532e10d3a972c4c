"""A brief run of the seeded native-protocol fuzzer (tests/python/fuzz/native_protocols.py):
every protocol of every native type, random arguments, in a child under faulthandler, so a
crash fails this test with the traceback of the operation that caused it.

For a longer run: python tests/python/fuzz/native_protocols.py SEED OPERATIONS
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FUZZER = Path(__file__).parent / "fuzz" / "native_protocols.py"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_protocol_of_a_native_type_crashes_the_interpreter(seed: int, tmp_path: Path):
    child = subprocess.run(
        [sys.executable, "-W", "ignore", str(FUZZER), str(seed), "2000"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stderr[-4000:]
    assert child.stdout.rstrip().endswith("survived 2000")
