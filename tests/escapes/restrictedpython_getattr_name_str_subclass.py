# Escape: the attribute name is a str subclass whose startswith() lies, so a name check that trusts str methods lets "__class__" through
# Source: https://github.com/zopefoundation/RestrictedPython/pull/282 (breakout in safer_getattr, fixed in 7.2)
# Expect: OC304


class Innocent(str):
    def startswith(self, prefix, *args):
        return False


name = Innocent("__class__")
cls = getattr((), name)
