# Escape: operator.attrgetter takes the attribute path as a string and walks it in C, past every attribute guard
# Source: https://github.com/zopefoundation/RestrictedPython/pull/330 (follow-up to CVE-2026-76825)
# Expect: OC502

from operator import attrgetter


def harmless():
    return 1


module_globals = attrgetter("__globals__")(harmless)
