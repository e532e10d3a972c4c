# Escape: (encapsulation profile) `isinstance(other, C)` was taken as proof that `other` is an instance of the method's class, but C is an ABC, and C.register(Victim) makes a foreign class a virtual subclass: `other._secret` then reads a foreign object's private state
# Source: https://docs.python.org/3/library/abc.html#abc.ABCMeta.register (a registered virtual subclass passes isinstance); found in ocapy's red-team review (rt12b)
# Expect: OC101
# Profile: encapsulation

from abc import ABC


class Victim:
    def __init__(self):
        self._secret = "VICTIM-SECRET"


class C(ABC):
    def __init__(self):
        self._secret = "mine"

    def peek(self, other):
        if isinstance(other, C):
            return other._secret
        return None


C.register(Victim)
