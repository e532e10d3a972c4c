"""Helpers for tests that prove a refused form really escapes: the verifier's codes for a
source, and what the source does when plain Python runs it."""

from __future__ import annotations

import textwrap

import ocapy


def codes(source: str, profile: str = "capability") -> set[str]:
    return {d.code for d in ocapy.verify(textwrap.dedent(source), profile=profile)}


def run(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(source), "<plain>", "exec"), namespace)  # noqa: S102
    return namespace
