"""The ``ocapy`` console command: the same command line as the Rust binary."""

from __future__ import annotations

import sys

from ocapy._native import main as _run


def main() -> None:
    sys.stdout.flush()
    raise SystemExit(_run(["ocapy", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
