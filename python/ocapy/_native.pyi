from collections.abc import Callable, Mapping
from os import PathLike
from typing import Any, Final, Literal, TypeVar, final

_C = TypeVar("_C", bound=type)

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

__version__: str

def verify(
    source: str | bytes,
    *,
    filename: str = "<string>",
    profile: str = "capability",
    grants: list[str] | tuple[str, ...] | None = None,
    allowed_modules: list[str] | tuple[str, ...] | None = None,
    extend_allowed_modules: list[str] | tuple[str, ...] | None = None,
    select: list[str] | tuple[str, ...] | None = None,
    extend_select: list[str] | tuple[str, ...] | None = None,
    ignore: list[str] | tuple[str, ...] | None = None,
    target_version: str | None = None,
) -> list[Diagnostic]:
    """Verify one module's source; an empty list means it passed.

    ``allowed_modules`` replaces the default importable modules and
    ``extend_allowed_modules`` adds to them; ``select`` replaces the profile's rules,
    ``extend_select`` adds rules and ``ignore`` removes them (codes, prefixes such as
    ``"OC1"``, names or ``"ALL"``). ``target_version`` defaults to the running
    interpreter's.
    """

def _decode_source(bytes: bytes) -> str | None:
    """The source decoded as the verifier decodes files, or None where it refuses (tests)."""

def main(argv: list[str]) -> int:
    """Run the ocapy command line; returns its exit status."""

def is_hidden_edge(name: str) -> bool: ...
def _edges_of_some_classes() -> dict[str, list[tuple[str, str]]]: ...
def builtin_policy(name: str) -> str | None: ...
def module_facades() -> dict[str, dict[str, str]]: ...
def refused_modules() -> dict[str, str]: ...
def rules_markdown() -> str: ...

_T = TypeVar("_T")

@final
class Sealed:
    """A read-only view of one object's public surface (see ``ocapy.seal``).

    Attribute reads, calls and protocols are forwarded to the sealed object; private and
    hidden-edge names are refused, and nothing sets, deletes, copies or pickles it.
    """

    def __getattr__(self, name: str) -> Any: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

@final
class Namespace:
    """An immutable record of sealed members (see ``ocapy.namespace``)."""

    def __getattr__(self, name: str) -> Any: ...

def seal(obj: _T, /, *, deep: bool = False) -> _T | Sealed:
    """Seal ``obj``: primitives and sealed objects come back as they are.

    With ``deep=True`` the wrapper is a membrane: everything it hands out is sealed too; a
    shallow seal or a namespace given to it is sealed again, deep (only a deep seal comes
    back as it is).
    """

def harden(obj: _T, /) -> _T | Sealed:
    """Deep, transitive sealing: ``seal(obj, deep=True)``."""

def sealed(cls: type[_T], /) -> type[_T]:
    """Class decorator: the class comes back sealed, and so do its instances."""

def namespace(*functions: Callable[..., Any], **members: Any) -> Namespace:
    """An immutable record: functions by their ``__name__``, then keyword members, sealed."""
class AccessViolation(AttributeError):
    """A private member of an access-checked class was used by code that is not the class's."""

    member: str
    """The member's name, as looked up (mangled: ``_A__x``)."""
    owner: str
    """The qualified name of the class holding the member."""
    caller: str
    """The code that used it, as ``function at file:line``."""

class AccessCheckedMeta(type):
    """The metaclass of access-checked classes; protects each new subclass."""

class AccessChecked(metaclass=AccessCheckedMeta):
    """Base class of access-checked classes (``class A(AccessChecked)``)."""

    __slots__ = ()

def access_checked(cls: _C) -> _C:
    """Class decorator: check private (``__x``) and protected (``_x``) members at run time.

    With ``OCAPY_ACCESS_CHECKS=0`` in the environment when the class is created, returns
    the class untouched.
    """


class CapabilityError(Exception):
    """Compartment code attempted something its compartment holds no capability for."""

@final
class raw:
    """Hand ``value`` to a compartment as it is: a grant or module facade left unsealed."""

    def __init__(self, value: object, /) -> None: ...

@final
class accepting:
    """Grant ``function`` with the ``parameters`` named taking plugin objects.

    A grant's arguments cross the membrane as plain data, containers, the host's own objects
    and callables; any other plugin object is refused. The parameters named here receive
    plugin objects sealed for the host instead: their public attributes, methods whose
    arguments cross into the plugin, comparison and arithmetic on plain data only. Host code
    calling the ``accepting`` object calls ``function``.
    """

    def __init__(self, function: Callable[..., object], /, *parameters: str) -> None: ...
    def __call__(self, *args: object, **kwargs: object) -> object: ...

@final
class Compartment:
    """Runs verified modules with only the grants and module facades its host gives.

    ``grants`` become the plugin's globals (sealed unless ``seal_grants=False`` or wrapped in
    ``raw``); ``modules`` maps import names to modules (seen through ocapy's facade table)
    or to explicit facades; ``print`` receives each printed line; ``root`` is a directory of
    plugin packages for ``import_module`` and the plugins' own imports.
    """

    def __init__(
        self,
        grants: Mapping[str, object] | None = None,
        modules: Mapping[str, object] | None = None,
        *,
        print: Callable[[str], object] | None = None,
        name: str | None = None,
        seal_grants: bool = True,
        root: str | PathLike[str] | None = None,
    ) -> None: ...
    @property
    def name(self) -> str: ...
    def load(self, path: str | PathLike[str]) -> Namespace:
        """Read, verify, compile and run the module at ``path``; its sealed public names."""
    def run(self, source: str | bytes, *, filename: str = "<string>") -> Namespace:
        """Verify, compile and run ``source``; its sealed public names."""
    def import_module(self, name: str) -> Namespace:
        """Import ``name`` (``pkg.mod``) from ``root``, verifying each module once."""
    def session(self) -> Session:
        """A session: snippets run one after another in the same globals."""

@final
class Session:
    """Snippets of one compartment run one after another in the same globals, as a REPL.

    Each snippet is verified with the names earlier snippets bound known to the verifier,
    and runs only if it verifies; printing goes to its result, not to the compartment's
    ``print``.
    """

    def run(self, source: str | bytes, *, filename: str = "<snippet N>") -> RunResult:
        """Verify and run ``source``; its last expression's value and what it printed."""

@final
class RunResult:
    """What a snippet gave."""

    value: object
    """Its last expression statement's value, as the host receives plugin results (None
    when it ends with another statement)."""
    output: str
    """What it printed, each line with its newline."""

def _run_unverified(
    compartment: Compartment, source: str | bytes, *, filename: str = "<string>"
) -> Namespace:
    """For ocapy's tests only: run ``source`` in ``compartment`` without verifying it."""
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
def _scope_model(
    source: str,
) -> list[tuple[str, int, int | None, dict[str, tuple[str, bool, bool]]]] | None:
    """Each scope's label, line, parent and names as the verifier resolves them (tests)."""
