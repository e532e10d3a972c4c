from collections.abc import Callable
from typing import Any, TypeVar, final

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

    With ``deep=True`` the wrapper is a membrane: everything it hands out is sealed too.
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
