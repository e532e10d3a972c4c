"""Sessions: snippets run one after another in the same globals, as a REPL runs them."""

from __future__ import annotations

import json
import traceback

import pytest

import ocapy
from ocapy import CapabilityError, Compartment, VerificationError


def session(**grants: object) -> ocapy.Session:
    return Compartment(grants=grants, modules={"json": json}, print=PRINTED.append).session()


PRINTED: list[str] = []


def test_a_snippet_gives_its_last_expression_and_what_it_printed() -> None:
    snippets = session()
    result = snippets.run("x = 2\nprint('x is', x)\nx * 21\n")
    assert (result.value, result.output) == (42, "x is 2\n")
    # What it printed went to the result, not to the compartment's sink.
    assert PRINTED == []
    assert snippets.run("y = x + 1").value is None
    assert snippets.run("import json\njson.dumps([x, y])").value == "[2, 3]"
    # An expression after other statements on its line, and one over several lines.
    assert snippets.run("z = 5; z + 1").value == 6
    assert snippets.run("(\n    z\n    * 2\n)").value == 10
    assert snippets.run("print('a'); print('b')").output == "a\nb\n"


def test_names_bound_by_one_snippet_are_known_to_the_next() -> None:
    snippets = session()
    with pytest.raises(VerificationError, match="OC404 `later` is not defined"):
        snippets.run("later + 1")
    snippets.run("def later(n):\n    return n * 10\n")
    assert snippets.run("later(4)").value == 40


def test_a_snippet_that_fails_verification_runs_nothing() -> None:
    snippets = session()
    snippets.run("count = 1")
    with pytest.raises(VerificationError, match="<snippet 2>:3:1: OC401 `open`"):
        snippets.run("count = 2\nprint('ran')\nopen('/etc/passwd')\n")
    assert snippets.run("count").value == 1
    with pytest.raises(VerificationError, match="OC902"):
        snippets.run("[1, 2", filename="broken.py")


class Holder:
    def take(self, value: object) -> object:
        return value


def test_what_crosses_is_the_membranes_and_snippets_are_verified() -> None:
    snippets = session()
    snippets.run("class Point:\n    def __init__(self, x):\n        self._x = x\n    def x(self):\n        return self._x\n")
    point = snippets.run("Point(3)").value
    assert isinstance(point, ocapy.Sealed) and point.x() == 3
    with pytest.raises(AttributeError):
        point._x  # noqa: B018 - the read is the test
    assert snippets.run("[1, 'a', None]").value == [1, "a", None]
    with pytest.raises(VerificationError, match="OC304"):
        snippets.run("getattr(Point(1), '_' + 'x')")
    # The host's objects reach snippets across the membrane too.
    granted = Compartment(grants={"point": Holder()}).session()
    with pytest.raises(CapabilityError, match="'Spy' object to the host"):
        granted.run("class Spy:\n    pass\npoint.take(Spy())")


def test_an_error_shows_the_snippets_line() -> None:
    snippets = session()
    snippets.run("def fail():\n    return 1 / 0\n", filename="helpers.py")
    with pytest.raises(ZeroDivisionError) as raised:
        snippets.run("fail()")
    shown = "".join(traceback.format_exception(raised.value))
    assert 'File "compartment:helpers.py", line 2, in fail' in shown
    assert "return 1 / 0" in shown
    assert 'File "compartment:<snippet 2>", line 1' in shown


def test_sessions_of_one_compartment_do_not_share_names() -> None:
    compartment = Compartment()
    first, second = compartment.session(), compartment.session()
    first.run("mine = 1")
    with pytest.raises(VerificationError, match="`mine` is not defined"):
        second.run("mine")


def test_bad_arguments_name_the_parameter() -> None:
    with pytest.raises(TypeError, match="Session.run\\(\\): source= takes"):
        session().run(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="filename= takes"):
        session().run("1", filename=3)  # type: ignore[arg-type]
