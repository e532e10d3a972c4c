from typing import Final, Literal, final

@final
class Diagnostic:
    """One violation found by the verifier."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...

def verify(
    source: str | bytes,
    *,
    filename: str = "<string>",
    profile: str = "capability",
    grants: list[str] | tuple[str, ...] = (),
    allowed_modules: list[str] | tuple[str, ...] | None = None,
    target_version: str | None = None,
) -> list[Diagnostic]:
    """Verify one module's source; an empty list means it passed."""

def main(argv: list[str]) -> int:
    """Run the ocapy command line; returns its exit status."""

def is_hidden_edge(name: str) -> bool: ...
def builtin_policy(name: str) -> str | None: ...
def module_facades() -> dict[str, dict[str, str]]: ...
def refused_modules() -> dict[str, str]: ...
def rules_markdown() -> str: ...

@final
class Roots:
    """The type of ``ROOTS``."""

ROOTS: Final[Roots]
"""As a source of ``paths``: every loaded module and every thread's innermost frame."""

class SearchIncomplete(RuntimeError):
    """``paths`` reached ``max_objects`` before the target: it may still be reachable."""

@final
class Step:
    """One step of a path, as data."""

    @property
    def kind(self) -> str:
        """attribute, index, item, value, element, local, type, referent, module or thread."""
    @property
    def key(self) -> object:
        """The name, position, dict key, module name or thread id; None for ``type``."""
    @property
    def type_name(self) -> str:
        """The type name of the object the step reaches."""
    def apply(self, expression: str) -> str:
        """The expression for what this step reaches, given the one for its referrer."""

@final
class Path:
    """A route from the source to the target."""

    @property
    def steps(self) -> tuple[Step, ...]: ...
    def expr(self, root: str = "x") -> str:
        """A Python expression that evaluates to the target, ``root`` naming the source."""
    def __len__(self) -> int: ...

def paths(
    source: object,
    target: object,
    *,
    edges: Literal["all", "public"] = "all",
    max_depth: int = 8,
    limit: int = 10,
    max_objects: int | None = None,
) -> list[Path]:
    """Every route from ``source`` to ``target`` (by identity), shortest first."""
