# Escape: enum makes each member's _value_ the data type called on the value given in the member's definition, `Mixin(VICTIM)`, whose __new__ returns the victim itself; enum then runs the data type's raw __repr__ (3.11+, _value_repr_) or __format__ (3.10) with the victim as self, which reads its private _secret
# Source: https://docs.python.org/3/howto/enum.html#when-to-use-new-vs-init (a data type's __new__ makes the member's value); found in ocapy's red-team review (rt12b)
# Expect: OC101
import enum


class Victim:
    def __init__(self):
        self._secret = "SECRET"


VICTIM = Victim()


class Mixin(int):
    def __new__(cls, value=0):
        if cls is Mixin:
            return value
        return super().__new__(cls)

    def __repr__(self):
        return self._secret


class E(Mixin, enum.Enum):
    A = VICTIM
