# Escape: a private name in a PEP 695 generic class's bases names a different variable by release: CPython 3.12.0-3.12.3 mangle it with the class's name (`__s` is the global `_Inner__s`) where the verifier took it for the method's receiver, and 3.13 does not mangle it even in a lambda there (`__s` is the global) where the verifier mangled it into the receiver `_Other__s`; either way the victim's `_secret` is read
# Source: https://docs.python.org/3/whatsnew/changelog.html (gh-119311, gh-119395: name mangling in generic classes, changed in 3.12.4 and 3.13); found in ocapy's red-team review (redteam12 findings f1, f2)
# Expect: OC101
# Requires: 3.12


class Victim:
    def __init__(self):
        self._secret = "the victim's"


_Inner__s = __s = Victim()


class Base:
    pass


def run(value):
    return Base


class _:
    def m(__s):
        class Inner[T](run(__s._secret)):
            pass


class Vault:
    def m(_Other__s):
        class Other[T](run(lambda: __s._secret)):
            pass
