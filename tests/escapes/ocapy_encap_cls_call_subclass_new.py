# Escape: (encapsulation profile) `made = cls()` in a classmethod was taken as proof that `made` is an instance of the class, but a subclass's `__new__` returns a foreign object, whose private `_secret` `made._secret` then reads
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (if __new__ does not return an instance of cls, __init__ is not invoked and the call returns what it returned); found in ocapy's red-team review (rt12 t8b)
# Expect: OC101
# Profile: encapsulation


class Victim:
    def __init__(self):
        self._secret = "SECRET"


VICTIM = Victim()


class C:
    @classmethod
    def make(cls):
        made = cls()
        return made._secret


class D(C):
    def __new__(cls):
        return VICTIM


D.make()
