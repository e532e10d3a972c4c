"""What every test shares: ocapy's result cache lives in a temporary folder, never in the
user's."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["OCAPY_CACHE_DIR"] = str(tmp_path_factory.mktemp("ocapy-cache"))
