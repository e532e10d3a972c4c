# Escape: a member's `__init__` sets `self._value_` to any object; enum then calls the data-type mixin's raw `__repr__` (3.11+, through `_value_repr_`) or `__format__` (3.10) with that object as `self`, which reads its private `_secret`
# Source: https://docs.python.org/3/howto/enum.html#supported-sunder-names (`_value_` is the member's value, used by the data type's methods); found in ocapy's red-team review (rt12 t4)
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
        self._value_ = VICTIM


repr(E.A)
