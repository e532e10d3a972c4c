"""The escape corpus (tests/escapes/) run through ocapy.Compartment, both layers apart.

Verified (the public API): every escape fails verification and nothing of it runs.

Unverified (the test-only ``_native._run_unverified``): what the runtime layer alone stops,
so that neither layer hides the other's holes. ``RUNTIME_STOPS`` lists the escapes the
runtime stops by itself and how; the others (reading private or dunder attributes through
plain syntax, which only the verifier sees) run to their end, reaching nothing that an
audited operation guards: see docs/threat-model.md.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from escape_corpus import corpus_files, read_header, version_tuple

import ocapy
from ocapy import _native

CORPUS = corpus_files()
CORPUS_IDS = [path.stem for path in CORPUS]

# CPython 3.11.0-3.11.11 and 3.12.0-3.12.8 trust a BaseExceptionGroup subclass's split()
# (CVE-2025-22153, python/cpython#128049): the interpreter itself crashes, and only the
# verifier (OC901) stands in front of it. Running it unverified would crash the test run.
CRASHES_THE_INTERPRETER = {"restrictedpython_except_star_type_confusion"}

NAME = "NameError"  # a denied builtin is absent from the compartment's builtins
IMPORT = "ImportError"  # the import gate serves only the module map
FACADE = "AttributeError"  # a facade, a seal or a tamed builtin's result has no such name
REFUSED = "CapabilityError"  # a tamed builtin or the audit hook refuses it

RUNTIME_STOPS = {
    "agentos_sys_modules_cache": FACADE,
    "browseruse_wrapped_builtin_globals": FACADE,
    "cappython_blanket_import": IMPORT,
    "cappython_exc_info_traceback_frame": FACADE,
    "cappython_global_method_name": FACADE,
    "cappython_import_in_class_body": IMPORT,
    "cappython_metaclass_namespace": "TypeError",
    # The tamed `type` is a function, with no `__dict__`.
    "crewai_type_dict_chr_name": "AttributeError",
    "jinja2_attr_filter_format_cve_2025_27516": REFUSED,
    "jinja2_attr_filter_subclasses": REFUSED,
    "jinja2_format_map_cve_2019_10906": FACADE,
    "jinja2_function_code_object": REFUSED,
    "ocapy_cls_dunder_bound_as_method": REFUSED,
    "ocapy_encap_isinstance_abc_register": IMPORT,
    "ocapy_enum_datatype_new_returns_victim": "TypeError",
    # The compartment's class metaclass conflicts with EnumType for a mixed-in data type.
    "ocapy_enum_value_runs_mixin_on_victim": "TypeError",
    "ocapy_match_args_builtin_self": REFUSED,
    "ocapy_match_args_function_globals": REFUSED,
    "ocapy_match_args_generator_frame": REFUSED,
    "ocapy_match_args_traceback_frame": REFUSED,
    "ocapy_nested_class_namespace_receiver": REFUSED,
    "ocapy_self_dict_writes_enum_value": "TypeError",  # as ocapy_enum_value_runs_mixin_on_victim
    "ocapy_subclasshook_host_isinstance": REFUSED,
    "ocapy_super_dunder_base_method": REFUSED,
    "pyjail_annotated_assignment_private_target": NAME,
    "pyjail_breakpoint": NAME,
    "pyjail_builtins_name": FACADE,
    "pyjail_closure_of_wrapped_builtin": NAME,
    "pyjail_comprehension_target_dunder_store": NAME,
    "pyjail_datetime_sys": FACADE,
    "pyjail_decorator_calls": NAME,
    "pyjail_exit_traceback_frame": REFUSED,
    "pyjail_fractions_sys_modules": FACADE,
    "pyjail_from_json_import_codecs": IMPORT,
    "pyjail_from_os_import_system": IMPORT,
    "pyjail_function_code_consts": REFUSED,
    "pyjail_genexpr_gi_code": REFUSED,
    "pyjail_help_pager": NAME,
    "pyjail_host_globals_leak": NAME,
    "pyjail_json_codecs_builtins": FACADE,
    "pyjail_license_printer_filenames": NAME,
    "pyjail_license_setup_comprehension_target": NAME,
    "pyjail_module_dunder_globals": NAME,
    "pyjail_module_getattr_hook": IMPORT,
    "pyjail_open_self_loader": NAME,
    "pyjail_site_helper_globals": NAME,
    "pyjail_string_concat_attribute_name": REFUSED,
    "pyjail_sys_getframe": FACADE,
    "pyjail_type_three_arg_class": REFUSED,
    "pyjail_unicode_nfkc_builtin": NAME,
    "pyjail_vars_private_state": NAME,
    "pysandbox_frame_from_traceback": REFUSED,
    "restrictedpython_formatter_subclass_override": FACADE,
    "restrictedpython_generator_frame_walk": REFUSED,
    "restrictedpython_getattr_literal_dunder_chain": REFUSED,
    "restrictedpython_getattr_name_str_subclass": REFUSED,
    "restrictedpython_operator_attrgetter": IMPORT,
    "restrictedpython_random_private_os": IMPORT,
    "restrictedpython_string_formatter_get_field": IMPORT,
    "simpleeval_coroutine_cr_frame": REFUSED,
    "simpleeval_generator_frame_globals": REFUSED,
    "skyvern_locals_frame_capture": NAME,
    "smolagents_import_ctypes": IMPORT,
    "smolagents_setattr_code_swap": REFUSED,
}


def default_modules() -> dict[str, object]:
    """The verifier's default allowlist, as the corpus assumes it: every facade module."""
    return {name: importlib.import_module(name) for name in _native.module_facades()}


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_compartment_rejects_every_escape_before_running_it(path: Path) -> None:
    printed: list[str] = []
    compartment = ocapy.Compartment(modules=default_modules(), print=printed.append)
    with pytest.raises(ocapy.VerificationError) as raised:
        compartment.run(path.read_bytes(), filename=path.name)
    found = {diagnostic.code for diagnostic in raised.value.diagnostics}
    header = read_header(path)
    if header.requires is not None and sys.version_info[:2] < version_tuple(header.requires):
        # The compartment verifies for the running interpreter, whose grammar this file
        # postdates: it is a syntax error here.
        assert "OC902" in found, raised.value
    else:
        assert set(header.expect) <= found, raised.value
    assert printed == []


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_what_the_runtime_alone_stops(path: Path) -> None:
    if path.stem in CRASHES_THE_INTERPRETER:
        # Not skipped: this asserts the verifier stops it, as the file's reason says.
        with pytest.raises(ocapy.VerificationError):
            ocapy.Compartment(modules=default_modules()).run(path.read_bytes())
        return
    compartment = ocapy.Compartment(modules=default_modules(), name="corpus")
    stopped: str | None = None
    try:
        _native._run_unverified(compartment, path.read_text(encoding="utf-8"), filename=path.name)
    except Exception as error:  # noqa: BLE001  (the type is what the test records)
        stopped = type(error).__name__
    expected = RUNTIME_STOPS.get(path.stem)
    header = read_header(path)
    if header.requires is not None and sys.version_info[:2] < version_tuple(header.requires):
        # Its grammar postdates the running interpreter, which cannot compile it.
        assert stopped == "SyntaxError", f"{path.stem}: {stopped}"
        return
    if expected is None:
        # Only the verifier stops it; a new corpus entry the runtime stops belongs above.
        assert stopped is None, f"{path.stem}: the runtime stops it ({stopped}): list it"
    else:
        assert stopped is not None and (
            stopped == expected or (expected == IMPORT and stopped == "ModuleNotFoundError")
        ), f"{path.stem}: expected the runtime to stop it with {expected}, got {stopped}"
