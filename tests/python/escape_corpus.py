"""The escape corpus in tests/escapes/: where it is and how its headers read.

Shared by the verifier's corpus test and the compartment's, which run the same files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ESCAPES_DIR = Path(__file__).parents[1] / "escapes"

HEADER_LINE = re.compile(r"^# (?P<key>Escape|Source|Expect|Requires|Profile): (?P<value>.*\S)\s*$")


@dataclass(frozen=True)
class Header:
    escape: str
    source: str
    expect: tuple[str, ...]
    requires: str | None
    profile: str | None


def corpus_files() -> list[Path]:
    return sorted(ESCAPES_DIR.glob("*.py"))


def read_header(path: Path) -> Header:
    """Parse the leading ``# Key: value`` lines; the header ends at the first other line."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER_LINE.match(line)
        if match is None:
            break
        key = match["key"]
        if key in fields:
            raise AssertionError(f"{path.name}: header key {key!r} appears twice")
        fields[key] = match["value"]
    missing = [key for key in ("Escape", "Source", "Expect") if key not in fields]
    if missing:
        raise AssertionError(
            f"{path.name}: header must start with '# Escape:', '# Source:' and '# Expect:' lines; "
            f"missing {', '.join(missing)}"
        )
    return Header(
        escape=fields["Escape"],
        source=fields["Source"],
        expect=tuple(fields["Expect"].split()),
        requires=fields.get("Requires"),
        profile=fields.get("Profile"),
    )


def version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


@cache
def known_codes() -> frozenset[str]:
    """Every rule code the verifier defines, read from its own rules page."""
    from ocapy import _native

    return frozenset(re.findall(r"^## (OC\d{3}) ", _native.rules_markdown(), re.MULTILINE))
