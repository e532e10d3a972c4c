"""The escape corpus: every published sandbox escape in tests/escapes/ must be rejected.

Each file in ``tests/escapes/`` is a small Python 3 program that reproduces, in its
own words, an escape published against a Python sandbox or capability subset. Its
header says what it reaches, where the escape was published, and which rule codes
the verifier (profile ``capability``, default module allowlist) must report:

    # Escape: <what it reaches and how>
    # Source: <URL of the advisory / post / issue, plus CVE or GHSA id if any>
    # Expect: OC201 OC101
    # Requires: 3.11        (optional: the file needs this Python grammar)
    # Profile: encapsulation (optional: an escape of that profile's own trust)

``Expect`` lists codes that must ALL be among the diagnostics; other diagnostics may
appear too. See ``tests/escapes/README.md``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from escape_corpus import ESCAPES_DIR, corpus_files, known_codes, read_header, version_tuple

CODE = re.compile(r"^OC\d{3}$")
VERSION = re.compile(r"^3\.\d{1,2}$")
FILE_NAME = re.compile(r"^[a-z0-9]+_[a-z0-9_]+\.py$")
MINIMUM_CORPUS_SIZE = 40


def format_diagnostics(diagnostics: Iterable[Any]) -> str:
    lines = [
        f"  {getattr(d, 'line', '?')}:{getattr(d, 'column', '?')} "
        f"{getattr(d, 'code', '?')} {getattr(d, 'message', '')}"
        for d in diagnostics
    ]
    return "\n".join(lines) if lines else "  (no diagnostics)"


CORPUS = corpus_files()
CORPUS_IDS = [path.stem for path in CORPUS]


def test_corpus_is_present() -> None:
    assert ESCAPES_DIR.is_dir(), f"missing corpus folder {ESCAPES_DIR}"
    assert len(CORPUS) >= MINIMUM_CORPUS_SIZE, (
        f"expected at least {MINIMUM_CORPUS_SIZE} escapes in {ESCAPES_DIR}, found {len(CORPUS)}"
    )


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_header_is_well_formed(path: Path) -> None:
    assert FILE_NAME.match(path.name), f"{path.name}: name must be <source>_<short_name>.py"
    header = read_header(path)
    assert header.escape, f"{path.name}: empty Escape line"
    assert "http://" in header.source or "https://" in header.source, (
        f"{path.name}: Source must cite the URL where the escape was published"
    )
    assert header.expect, f"{path.name}: Expect must list at least one rule code"
    assert len(set(header.expect)) == len(header.expect), f"{path.name}: duplicate code in Expect"
    for code in header.expect:
        assert CODE.match(code), f"{path.name}: {code!r} is not a rule code (OCnnn)"
        assert code in known_codes(), f"{path.name}: {code} is not a known rule code"
    if header.requires is not None:
        assert VERSION.match(header.requires), (
            f"{path.name}: Requires must be a version like 3.11, got {header.requires!r}"
        )
    if header.profile is not None:
        assert header.profile == "encapsulation", (
            f"{path.name}: Profile may only be encapsulation (capability is the default), "
            f"got {header.profile!r}"
        )


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_is_valid_python(path: Path) -> None:
    """A corpus file must be real Python, so the verifier is tested on what CPython would run;
    one that says it needs a newer grammar than this interpreter's must really need it."""
    header = read_header(path)
    source = path.read_text(encoding="utf-8")
    if header.requires is not None and sys.version_info[:2] < version_tuple(header.requires):
        with pytest.raises(SyntaxError):
            ast.parse(source, filename=path.name)
        return
    ast.parse(source, filename=path.name)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_verifier_rejects_escape(path: Path) -> None:
    # Imported here so the header checks above still run where the extension is not built.
    import ocapy

    header = read_header(path)
    source = path.read_text(encoding="utf-8")
    options: dict[str, str] = {"filename": path.name}
    if header.requires is not None:
        # The verifier parses for a target version: a 3.11-only construct is parsed as 3.11.
        options["target_version"] = header.requires
    if header.profile is not None:
        # An escape of what only the encapsulation profile trusts (the capability profile
        # rejects such code anyway).
        options["profile"] = header.profile
    diagnostics = list(ocapy.verify(source, **options))
    found = {d.code for d in diagnostics}
    missing = [code for code in header.expect if code not in found]
    assert not missing, (
        f"{path.name}: the verifier did not report {', '.join(missing)}\n"
        f"escape: {header.escape}\n"
        f"source: {header.source}\n"
        f"expected: {' '.join(header.expect)}\n"
        f"found:\n{format_diagnostics(diagnostics)}"
    )
