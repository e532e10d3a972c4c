# Escape: string.Formatter().get_field resolves "0.__globals__" with the real getattr and returns the live object
# Source: https://osv.dev/vulnerability/GHSA-hp3v-5vw7-fx9w (CVE-2026-76825)
# Expect: OC502

from string import Formatter


def harmless():
    return 1


live_globals, _ = Formatter().get_field("0.__globals__", (harmless,), {})
