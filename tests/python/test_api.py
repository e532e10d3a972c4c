"""The Python face of the verifier: ocapy.verify, Diagnostic, VerificationError."""

from __future__ import annotations

import sys

import pytest

import ocapy


def test_clean_source_has_no_diagnostics():
    assert ocapy.verify("import math\nx = math.sqrt(2)\n") == []


def test_diagnostic_fields_are_one_based_with_character_columns():
    (diagnostic,) = ocapy.verify("s = 'é'; x = s._y\n", filename="plugin.py")
    assert diagnostic.code == "OC101"
    assert diagnostic.name == "private-attribute"
    assert diagnostic.filename == "plugin.py"
    assert (diagnostic.line, diagnostic.column) == (1, 16)
    assert (diagnostic.end_line, diagnostic.end_column) == (1, 18)
    assert "`s._y`" in diagnostic.message
    assert "OC101" in repr(diagnostic) and "plugin.py:1:16" in repr(diagnostic)


def test_profiles_grants_and_modules():
    source = "import os\nlog(os.getcwd())\ndef f(x):\n    return x._y\n"
    assert {d.code for d in ocapy.verify(source)} == {"OC501", "OC404", "OC101"}
    assert {d.code for d in ocapy.verify(source, profile="encapsulation")} == {"OC101"}
    granted = ocapy.verify(source, grants=["log"], allowed_modules=["os"])
    assert {d.code for d in granted} == {"OC101"}


def test_bytes_are_decoded_like_files():
    assert ocapy.verify(b"# coding: latin-1\ns = '\xe9'\n") == []
    (diagnostic,) = ocapy.verify(b"s = '\xff'\n")
    assert diagnostic.code == "OC903"


def test_target_version_decides_the_syntax():
    source = "type Alias = int\n"
    assert ocapy.verify(source, target_version="3.12") == []
    assert [d.code for d in ocapy.verify(source, target_version="3.11")] == ["OC902"]


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("profile", "strict", "unknown profile"),
        ("target_version", "2.7", "unsupported target version"),
    ],
)
def test_bad_arguments_are_value_errors(keyword, value, message):
    with pytest.raises(ValueError, match=message):
        ocapy.verify("x = 1\n", **{keyword: value})


@pytest.mark.parametrize("depth", [100_000, 1_000_000])
def test_deep_nesting_is_a_diagnostic_not_a_crash(depth):
    # The larger source is counted before parsing, the smaller one after.
    source = "x = " + "(" * depth + ")" * depth + "\n"
    (diagnostic,) = ocapy.verify(source)
    assert diagnostic.code == "OC903"
    assert "brackets nested more than 200 deep" in diagnostic.message


def test_nesting_is_reported_where_it_goes_too_deep():
    source = "y = 1\nx = " + "[" * 201 + "]" * 201 + "\n"
    (diagnostic,) = ocapy.verify(source)
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("OC903", 2, 205)
    assert ocapy.verify("x = " + "[" * 200 + "]" * 200 + "\n") == []


def test_long_operator_chains_pass_as_far_as_cpython_compiles_them():
    assert ocapy.verify("x = 1" + " + 1" * 2_000 + "\n", target_version="3.10") == []
    assert ocapy.verify("x = 1" + " + 1" * 9_000 + "\n", target_version="3.13") == []
    # CPython refuses 10,000 levels on every version: "maximum recursion depth exceeded
    # during compilation".
    (diagnostic,) = ocapy.verify("x = 1" + " + 1" * 10_000 + "\n", target_version="3.13")
    assert diagnostic.code == "OC903"
    assert "too deeply for Python 3.13 to compile" in diagnostic.message


def test_verification_error_carries_the_diagnostics():
    diagnostics = ocapy.verify("x = eval\n", filename="p.py")
    error = ocapy.VerificationError(diagnostics)
    assert error.diagnostics == tuple(diagnostics)
    assert str(error) == "1 violation:\np.py:1:5: OC401 " + diagnostics[0].message


def test_verify_selects_and_ignores_rules_as_the_command_line_does():
    source = "x = open\ny = eval\n"
    assert {d.code for d in ocapy.verify(source)} == {"OC401"}
    assert ocapy.verify(source, ignore=["OC4"]) == []
    assert ocapy.verify(source, select=["OC1"]) == []
    assert {d.code for d in ocapy.verify(source, select=["ALL"])} == {"OC401"}
    encapsulation = ocapy.verify(source, profile="encapsulation", extend_select=["OC401"])
    assert {d.code for d in encapsulation} == {"OC401"}
    with pytest.raises(ValueError, match='select= names an unknown rule "OC77"'):
        ocapy.verify(source, select=["OC77"])


def test_verify_names_the_parameter_it_cannot_take():
    with pytest.raises(TypeError, match=r"source as str or bytes, not int"):
        ocapy.verify(123)
    with pytest.raises(TypeError, match=r"grants= takes a list of strings, not str"):
        ocapy.verify("x = 1\n", grants="log")
    with pytest.raises(TypeError, match=r"ignore= takes a list of strings, not int"):
        ocapy.verify("x = 1\n", ignore=3)
    with pytest.raises(ValueError, match=r"target_version=: unsupported target version"):
        ocapy.verify("x = 1\n", target_version="2.7")


def test_allowed_modules_replace_and_extend_allowed_modules_add():
    source = "import math\nimport helpers\n"
    assert {d.code for d in ocapy.verify(source)} == {"OC501"}
    assert [d.line for d in ocapy.verify(source, allowed_modules=["helpers"])] == [1]
    assert ocapy.verify(source, extend_allowed_modules=["helpers"]) == []


def test_verify_checks_the_running_interpreters_grammar_by_default():
    alias = "type Number = int\n"
    refused = bool(ocapy.verify(alias))
    assert refused == (sys.version_info < (3, 12))
    assert ocapy.verify(alias, target_version="3.12") == []


def test_verify_is_documented_where_help_looks():
    assert "allowed_modules" in (ocapy.verify.__doc__ or "")
    assert "extend_select" in (ocapy.verify.__doc__ or "")


def test_the_version_is_the_packages():
    from importlib.metadata import version

    assert ocapy.__version__ == version("ocapy")
