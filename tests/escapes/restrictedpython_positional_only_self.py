# Escape: a parameter named self after "/" is not the receiver; inst.peek(foreign) binds self=foreign and reads its private field
# Source: https://github.com/zopefoundation/RestrictedPython/security/advisories/GHSA-ffg3-p8fm-mjx2 (CVE-2026-55830: positional-only parameters skipped by the binding checks)
# Expect: OC101


class Inspector:
    def peek(receiver, /, self):
        return self._pin
