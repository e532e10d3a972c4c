"""The verifier decodes source files exactly as the running interpreter does, or not at all.

A verifier that decodes a byte differently from CPython checks another program than the one
that runs, so every coding cookie it accepts is compared here, byte by byte, with CPython's
own decoding of the same file, and every name Python's codec registry knows is tried.
"""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases

import pytest

from ocapy import _native

# Bytes that would end the string literal each byte is put in.
SPECIAL = {ord("'"), ord("\\"), ord("\n"), ord("\r")}


def python_decodes(source: bytes) -> str | None:
    """The value of `x` when CPython compiles and runs `source`, or None if it refuses."""
    try:
        code = compile(source, "<encoding>", "exec")
    # ValueError: 3.10 refuses a null byte in source with it, later versions with SyntaxError.
    except (SyntaxError, ValueError, UnicodeDecodeError, LookupError):
        return None
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return namespace["x"]  # type: ignore[return-value]


def ocapy_decodes(source: bytes) -> str | None:
    text = _native._decode_source(source)
    if text is None:
        return None
    namespace: dict[str, object] = {}
    exec(compile(text, "<encoding>", "exec"), namespace)
    return namespace["x"]  # type: ignore[return-value]


def cookie_names() -> list[str]:
    """Every codec name Python knows: aliases, module names, and spellings of them."""
    names = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    spelled = {name.replace("_", "-") for name in names} | {name.upper() for name in names}
    return sorted(names | spelled | {"klingon", "utf-16", "UTF-8-SIG", "Latin-1"})


@pytest.mark.parametrize("name", cookie_names())
def test_every_accepted_cookie_decodes_every_byte_as_python_does(name):
    header = f"# -*- coding: {name} -*-\n".encode("ascii")
    accepted = _native._decode_source(header + b"x = 1\n") is not None
    if not accepted:
        return
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        pytest.fail(f"ocapy accepts the cookie {name!r}, which Python does not know")
    for byte in set(range(256)) - SPECIAL:
        source = header + b"x = '" + bytes([byte]) + b"'\n"
        assert ocapy_decodes(source) == python_decodes(source), (name, codec, hex(byte))


@pytest.mark.parametrize(
    "name",
    ["cp1252", "windows-1252", "iso-8859-15", "latin9", "koi8-r", "cp1251", "mac-roman", "l2"],
)
def test_the_common_single_byte_cookies_are_read(name):
    assert _native._decode_source(f"# coding: {name}\nx = 1\n".encode()) is not None


@pytest.mark.parametrize("name", ["koi8-u", "shift_jis", "euc-jp", "gb18030", "utf-16", "cp037"])
def test_codecs_it_cannot_prove_equal_are_refused(name):
    assert _native._decode_source(f"# coding: {name}\nx = 1\n".encode()) is None
