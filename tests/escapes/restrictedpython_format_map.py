# Escape: str.format_map performs the same attribute traversal as str.format but was left unguarded
# Source: https://github.com/zopefoundation/RestrictedPython/pull/258 (CVE-2023-41039, GHSA-xjw2-6jm9-rf67)
# Expect: OC303


def harmless():
    return 1


leak = "{fn.__globals__}".format_map({"fn": harmless})
