# Escape: fetch a template's format method by name (like the |attr filter) instead of writing ".format", bypassing the format check
# Source: https://github.com/pallets/jinja/security/advisories/GHSA-cpwx-vrp4-4pq7 (CVE-2025-27516)
# Expect: OC201


def harmless():
    return 1


fmt = getattr("{0.__globals__[__builtins__]}", "format")
leaked = fmt(harmless)
