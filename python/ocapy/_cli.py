"""The ``ocapy`` console command: the same command line as the Rust binary."""

from __future__ import annotations

import sys

from ocapy._native import main as _run

# The shell's status for a command stopped by Ctrl-C (128 + SIGINT).
_INTERRUPTED = 130


def main() -> None:
    try:
        sys.stdout.flush()
        status = _run(["ocapy", *sys.argv[1:]])
    except KeyboardInterrupt:
        status = _INTERRUPTED
    raise SystemExit(status)


if __name__ == "__main__":
    main()
