"""The verifier refuses what CPython's compiler refuses, and only that.

Each snippet parses; whether it compiles is decided by the running interpreter, so the
expectations are CPython's own, and the verifier targets that interpreter's version.
"""

from __future__ import annotations

import sys

import pytest

import ocapy

TARGET = f"{sys.version_info.major}.{sys.version_info.minor}"

COMPILER_REFUSES = [
    'return 1\n',
    'yield 1\n',
    'await x\n',
    'break\n',
    'continue\n',
    'for x in y:\n    pass\nelse:\n    break\n',
    'while x:\n    def f():\n        break\n',
    'nonlocal x\n',
    'def f():\n    nonlocal x\n',
    'def f(a):\n    nonlocal a\n',
    'def f(a):\n    global a\n',
    'def f():\n    x = 1\n    global x\n',
    'def f():\n    print(x)\n    global x\n',
    'x: int = 1\nglobal x\n',
    'def f():\n    global x\n    x: int = 1\n',
    'def f(a, a):\n    pass\n',
    'lambda a, a: 1\n',
    'def f():\n    [(yield x) for x in y]\n',
    'def f():\n    ((yield x) for x in y)\n',
    'class C:\n    yield 1\n',
    'def f():\n    class C:\n        await x\n',
    'def f():\n    await x\n',
    'async def f():\n    lambda: await x\n',
    'async def f():\n    yield from x\n',
    'async def f():\n    yield 1\n    return 2\n',
    'def f():\n    [x async for x in y]\n',
    'import os\nfrom __future__ import annotations\n',
    'from __future__ import braces\n',
    'match x:\n    case a:\n        pass\n    case b:\n        pass\n',
    "match x:\n    case {'a': 1, 'a': 2}:\n        pass\n",
    'match x:\n    case [a, a]:\n        pass\n',
    'match x:\n    case C(a=1, a=2):\n        pass\n',
    'class C:\n    [(x := 1) for y in z]\n',
    '[(y := 1) for y in z]\n',
    '[x for x in (y := z)]\n',
    'def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n',
    'del f()\n',
    'f() = 1\n',
    '(a, *b, *c) = d\n',
    '*a = b\n',
    'async def f():\n    def g():\n        await x\n',
    'def f():\n    lambda: await x\n',
    'def f():\n    x = 1\n    def g():\n        nonlocal x\n        global x\n',
]

COMPILER_ACCEPTS = [
    'def f():\n    return 1\n',
    'def f():\n    yield 1\n',
    'async def f():\n    await x\n',
    'async def f():\n    [await x for x in y]\n',
    'async def f():\n    [x async for x in y]\n',
    'def f():\n    lambda: (yield)\n',
    'for x in y:\n    if x:\n        break\n    continue\n',
    'while x:\n    try:\n        break\n    finally:\n        pass\n',
    'def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n',
    'x = 1\ndef f():\n    global x\n    x = 2\n',
    'global x\nx = 1\n',
    'from __future__ import annotations\nimport os\n',
    '"""doc"""\nfrom __future__ import annotations\n',
    'match x:\n    case [a, b]:\n        pass\n    case _:\n        pass\n',
    "match x:\n    case {'a': 1, 'b': 2}:\n        pass\n",
    '[(y := 1) for x in z]\n',
    'def f():\n    [(y := 1) for x in z]\n    return y\n',
    '(a, *b) = c\n',
    'class C:\n    def f(self):\n        return [x for x in range(3)]\n',
    'async def f():\n    async with x as y:\n        pass\n    async for a in b:\n        pass\n',
    'def f(*, a, b=1, **c):\n    pass\n',
    'try:\n    pass\nexcept Exception as e:\n    pass\n',
    'x = 1\ndef g():\n    global x\n    global x\n',
]


def compiles(source: str) -> bool:
    try:
        compile(source, "<snippet>", "exec")
    except SyntaxError:
        return False
    return True


def syntax_errors(source: str) -> list[ocapy.Diagnostic]:
    return [d for d in ocapy.verify(source, target_version=TARGET) if d.code == "OC902"]


@pytest.mark.parametrize("source", COMPILER_REFUSES)
def test_what_the_compiler_refuses_is_a_syntax_error(source):
    assert not compiles(source)
    assert syntax_errors(source), source


@pytest.mark.parametrize("source", COMPILER_ACCEPTS)
def test_what_the_compiler_accepts_is_no_syntax_error(source):
    assert compiles(source)
    assert syntax_errors(source) == [], source


# Chains of operators and attributes around CPython's compiler depth limits (about 3,000
# levels up to 3.12, 10,000 on 3.13), and a wide expression that is long but not deep.
DEEP_SOURCES = [
    *(f"x = 1{' + 1' * links}\n" for links in (100, 2_500, 2_990, 3_100, 9_000, 10_100)),
    *(f"x = a{'.a' * links}\n" for links in (2_990, 10_100)),
    f"x = 1{' and 1' * 20_000}\n",
]


@pytest.mark.parametrize("source", DEEP_SOURCES, ids=lambda source: f"{len(source)} chars")
def test_nothing_passes_that_the_compiler_refuses_as_too_deep(source):
    passed = not ocapy.verify(source, target_version=TARGET, grants=["a"])
    try:
        compile(source, "<deep>", "exec")
    except RecursionError:
        assert not passed, "the verifier passed a source CPython cannot compile"
    else:
        # Within CPython's limit, the verifier may be stricter only by its margin.
        if not passed:
            assert source.count("1") + source.count(".a") > 2_600
