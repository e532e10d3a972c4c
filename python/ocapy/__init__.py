"""Object-capability security for Python.

``ocapy.verify`` checks source against a capability-safe subset of Python 3 (the
``capability`` profile) or only its private-access rules (``encapsulation``).
``ocapy.paths`` lists the routes through the object graph from one object to another.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocapy._native import ROOTS, Diagnostic, Path, SearchIncomplete, Step, paths, verify

__all__ = [
    "ROOTS",
    "Diagnostic",
    "Path",
    "SearchIncomplete",
    "Step",
    "VerificationError",
    "paths",
    "verify",
]


class VerificationError(Exception):
    """Raised when source fails verification; nothing of it has run.

    ``diagnostics`` holds every violation found; the message lists them one per line, as
    ``ocapy check --format concise`` prints them.
    """

    diagnostics: tuple[Diagnostic, ...]

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        count = len(self.diagnostics)
        noun = "violation" if count == 1 else "violations"
        lines = [f"{count} {noun}:", *(str(d) for d in self.diagnostics)]
        super().__init__("\n".join(lines))
