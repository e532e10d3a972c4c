"""Object-capability security for Python.

``ocapy.verify`` checks source against a capability-safe subset of Python 3 (the
``capability`` profile) or only its private-access rules (``encapsulation``).
``ocapy.seal``, ``@ocapy.sealed``, ``ocapy.harden`` and ``ocapy.namespace`` hand out
objects whose holders see only their public surface.

``ocapy.access_checked`` (or ``class A(ocapy.AccessChecked)``) enforces a class's private
members at run time: ``__x`` only for the class's own code, ``_x`` for code of the class and
its subclasses; other code gets ``ocapy.AccessViolation``.

``ocapy.Compartment`` runs verified plugins with only the grants and module facades its
host gives them.

``ocapy.paths`` lists the routes through the object graph from one object to another.
"""

from __future__ import annotations

from collections.abc import Iterable

from ocapy._native import (
    __version__,
    ROOTS,
    AccessChecked,
    AccessCheckedMeta,
    AccessViolation,
    CapabilityError,
    Compartment,
    Diagnostic,
    Namespace,
    Path,
    RunResult,
    Sealed,
    SearchIncomplete,
    Session,
    Step,
    access_checked,
    accepting,
    harden,
    namespace,
    paths,
    raw,
    seal,
    sealed,
    verify,
)

__all__ = [
    "__version__",
    "ROOTS",
    "AccessChecked",
    "AccessCheckedMeta",
    "AccessViolation",
    "CapabilityError",
    "Compartment",
    "Diagnostic",
    "Namespace",
    "Path",
    "RunResult",
    "Sealed",
    "SearchIncomplete",
    "Session",
    "Step",
    "VerificationError",
    "access_checked",
    "accepting",
    "harden",
    "namespace",
    "paths",
    "raw",
    "seal",
    "sealed",
    "verify",
]


class VerificationError(Exception):
    """Raised when source fails verification; nothing of it has run.

    ``diagnostics`` holds every violation found; the message lists them one per line, as
    ``ocapy check --format concise`` prints them.
    """

    diagnostics: tuple[Diagnostic, ...]

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        try:
            self.diagnostics = tuple(diagnostics)
        except TypeError:
            kind = type(diagnostics).__qualname__
            raise TypeError(
                f"VerificationError(): diagnostics= takes an iterable of Diagnostic, not {kind}"
            ) from None
        count = len(self.diagnostics)
        noun = "violation" if count == 1 else "violations"
        lines = [f"{count} {noun}:", *(str(d) for d in self.diagnostics)]
        super().__init__("\n".join(lines))
