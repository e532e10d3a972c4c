# Escape: a plugin subclass of an ABC from the typing facade defines __subclasshook__; the host's own isinstance(x, Hashable) asks every subclass's hook, calling plugin code with the host's classes, raw
# Source: https://docs.python.org/3/library/abc.html#abc.ABCMeta.__subclasshook__ (an ABC's subclass check consults its subclasses); found in ocapy's own review, issue 11 item 1
# Expect: OC604

import typing

seen = []


class Spy(typing.Hashable):
    @classmethod
    def __subclasshook__(cls, other):
        seen.append(other)
        return NotImplemented
