# Escape: a member's `__init__` writes `self.__dict__["_value_"]` (past the refusal of `self._value_ = ...`); enum then runs the data-type mixin's raw `__repr__` (3.11+) or `__format__` (3.10) with that object as `self`, which reads its private `_secret`
# Source: https://docs.python.org/3/library/stdtypes.html#object.__dict__ (the dictionary that stores an object's writable attributes); found in ocapy's own review of the rt12 fixes
# Expect: OC101
import enum


class Victim:
    def __init__(self):
        self._secret = "SECRET"


VICTIM = Victim()


class Mixin(int):
    def __repr__(self):
        return self._secret


class E(Mixin, enum.Enum):
    A = 1

    def __init__(self, *args):
        self.__dict__["_value_"] = VICTIM


repr(E.A)
