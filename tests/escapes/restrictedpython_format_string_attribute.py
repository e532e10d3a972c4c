# Escape: a literal str.format template walks attributes by itself ({0.__globals__}) and returns a function's module globals
# Source: https://github.com/advisories/GHSA-xjw2-6jm9-rf67 (CVE-2023-41039)
# Expect: OC302


def harmless():
    return 1


report = "{0.__globals__[__builtins__]}".format(harmless)
