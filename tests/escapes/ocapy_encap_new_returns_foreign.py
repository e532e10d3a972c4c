# Escape: (encapsulation profile) `made = C(x)` was taken as proof that `made` is an instance of the method's class, but `C.__new__` returns its argument, so `made._secret` reads a foreign object's private state
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (if __new__ does not return an instance of cls, __init__ is not invoked and the call returns what it returned); found in ocapy's red-team review (rt12 t8)
# Expect: OC101
# Profile: encapsulation


class Victim:
    def __init__(self):
        self._secret = "SECRET"


class C:
    def __new__(cls, other=None):
        if other is not None:
            return other
        return super().__new__(cls)

    def peek(self, victim):
        made = C(victim)
        return made._secret


C().peek(Victim())
