"""Whose authority host code runs with when a plugin drives it (issue 11, item 5).

The audit hook refuses an audited operation made on a compartment's behalf: with plugin code
innermost, and also with host code innermost that plugin code drives (a stdlib generator of
a facade pulling from a plugin iterator, a host function calling a plugin callback). Only an
explicit call into a grant runs with the host's authority. Each attack hands the plugin an
audited C function raw (`open`), as a hole elsewhere would, and drives it from host frames.
"""

from __future__ import annotations

import enum
import heapq
import itertools
import sys
import typing
from pathlib import Path

import pytest

import ocapy
from ocapy import CapabilityError, Compartment, _native

DRIVE_OPEN = (
    "import heapq, itertools\n"
    "def drive(path):\n"
    "    return list(heapq.merge(itertools.starmap(opener, [(path,)])))\n"
)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("canary\n")
    return path


def compartment(**grants) -> Compartment:
    return Compartment(
        grants={"opener": ocapy.raw(open), **grants},
        modules={"heapq": heapq, "itertools": itertools},
    )


def test_host_generators_the_plugin_drives_run_on_its_behalf(secret: Path):
    # heapq.merge is a Python generator of the host's stdlib: its frame is innermost when
    # starmap calls `open`, and the plugin's frame is behind it.
    plugin = compartment().run(DRIVE_OPEN)
    with pytest.raises(CapabilityError, match='"open" is refused'):
        plugin.drive(str(secret))


def test_a_facade_function_lends_no_authority(secret: Path):
    # Handed out as shallow seals, facade functions counted as calls into the host, so
    # heapq.nsmallest (a plain function, unlike merge) ran `open` with the host's authority
    # (red team).
    plugin = compartment().run(DRIVE_OPEN.replace("heapq.merge(", "heapq.nsmallest(1, "))
    with pytest.raises(CapabilityError, match='"open" is refused'):
        plugin.drive(str(secret))


def test_a_plugin_callback_the_host_calls_later_still_runs_on_its_behalf(secret: Path):
    callbacks = []
    plugin = compartment(subscribe=callbacks.append).run(
        DRIVE_OPEN + "subscribe(lambda: drive(PATH))\n".replace("PATH", repr(str(secret)))
    )
    assert plugin is not None
    (callback,) = callbacks
    with pytest.raises(CapabilityError, match='"open" is refused'):
        callback()


def test_a_plugin_callback_called_inside_a_grant_runs_on_the_plugins_behalf(secret: Path):
    def each(function):
        return function()

    plugin = compartment(each=each).run(
        DRIVE_OPEN + f"def attack():\n    return each(lambda: drive({str(secret)!r}))\n"
    )
    with pytest.raises(CapabilityError, match='"open" is refused'):
        plugin.attack()


def test_grants_keep_the_hosts_authority_even_when_the_plugin_drives_host_code(secret: Path):
    def read(path):
        # A grant that itself uses a stdlib generator over host data.
        with open(path) as file:
            return list(heapq.merge(file))

    plugin = compartment(read=read).run(
        DRIVE_OPEN + f"def show():\n    return read({str(secret)!r})\n"
    )
    assert plugin.show() == ["canary\n"]


def test_host_code_that_merely_follows_a_finished_plugin_call_has_its_authority(secret: Path):
    plugin = compartment().run("def value():\n    return 1\n")
    assert plugin.value() == 1
    # No plugin frame is on the stack any more: the host opens files as it likes.
    assert list(heapq.merge(itertools.starmap(open, [(str(secret),)])))


def test_a_plugin_cannot_drive_a_frame_getter_from_host_code():
    # The same drive, with `sys._getframe` handed over raw: heapq.merge's frame is innermost
    # when starmap calls it, and the frame would lead to every host frame behind it. Host
    # code may get a frame only by naming the getter itself.
    plugin = Compartment(
        grants={"fetch": ocapy.raw(sys._getframe)},
        modules={"heapq": heapq, "itertools": itertools},
    ).run(
        "import heapq, itertools\n"
        "def frames():\n"
        "    return list(heapq.merge(itertools.starmap(fetch, [()])))\n"
    )
    with pytest.raises(CapabilityError, match='"sys._getframe" is refused'):
        plugin.frames()


def test_stdlib_builders_still_learn_the_plugins_module_name():
    # Each reads the module name of its caller's frame for the `__module__` of what it
    # builds (and, on 3.10 with typing_extensions imported, so does `Generic` subclassing).
    plugin = Compartment(modules={"typing": typing, "enum": enum}).run(
        "import enum, typing\n"
        "T = typing.TypeVar('T')\n"
        "Colour = enum.Enum('Colour', 'RED GREEN')\n"
        "Movie = typing.TypedDict('Movie', {'title': str})\n"
        "class Box(typing.Generic[T]):\n"
        "    pass\n"
        "def green():\n"
        "    return Colour.GREEN.value\n"
    )
    # Refused, the frame read would have failed the module's load.
    assert plugin.green() == 2


def test_plugin_code_that_names_the_frame_getter_is_still_refused():
    # Only host code may ask for a frame by name: the plugin's own frame is innermost here.
    compartment = Compartment(grants={"fetch": ocapy.raw(sys._getframe)})
    plugin = _native._run_unverified(
        compartment, "_getframe = fetch\ndef frame():\n    return _getframe()\n", filename="p.py"
    )
    with pytest.raises(CapabilityError, match='"sys._getframe" is refused'):
        plugin.frame()


class Scheduler:
    """Host code that calls back what the plugin hands it, from a frame of its own."""

    def __init__(self) -> None:
        self._token = "host-private"

    def run(self, task):
        admin_password = "hunter2"  # noqa: F841 - a local the plugin must not learn of
        return task()

    def repeat(self, task):
        return super().__repr__() and task()


@pytest.mark.parametrize("builtin", ["dir", "super"])
def test_frame_reading_builtins_called_back_by_host_code_are_refused(builtin: str) -> None:
    # The tamed dir() and super() without arguments read the innermost frame: handed to a
    # grant that calls them back, they read the host's (red team: the host's local names).
    plugin = _native._run_unverified(
        Compartment(grants={"scheduler": Scheduler()}),
        f"def schedule():\n    return scheduler.run({builtin})\n"
        f"def again():\n    return scheduler.repeat({builtin})\n"
        "def own():\n    visible = 1\n    return dir()\n",
        filename="scheduler.py",
    )
    for call in (plugin.schedule, plugin.again):
        with pytest.raises(CapabilityError, match=f"{builtin}\\(\\) without arguments reads"):
            call()
    assert plugin.own() == ["visible"]
