# Escape: except* trusts a BaseExceptionGroup subclass's split() result; a non-tuple return is read as a tuple (memory type confusion)
# Source: https://github.com/zopefoundation/RestrictedPython/security/advisories/GHSA-gmj9-h825-chq2 (CVE-2025-22153); https://github.com/python/cpython/issues/128049
# Expect: OC901
# Requires: 3.11


class Confused(BaseExceptionGroup):
    def split(self, *args):
        return "not a tuple"


try:
    raise Confused("boom", [ValueError()])
except* ValueError:
    pass
