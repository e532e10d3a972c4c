# Escape: keep a reference to a malicious template's bound .format and let a helper call it later, so no ".format(" call site exists
# Source: https://github.com/pallets/jinja/security/advisories/GHSA-q2x7-8rv6-6q7h (CVE-2024-56326)
# Expect: OC301


def run_filter(value, arg):
    return value(arg)


stored = "{0.__globals__[__builtins__]}".format
leaked = run_filter(stored, run_filter)
