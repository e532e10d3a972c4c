# Escape: (encapsulation profile) `isinstance(other, C)` was taken as proof that `other` is an instance of the method's class, but a class decorator binds the name `C` to any object (here the victim's class), so `other._secret` reads a foreign object's private state
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-definitions (the decorated class's name is bound to the decorator's result); found in ocapy's red-team review (rt12 t5)
# Expect: OC101
# Profile: encapsulation


class Victim:
    def __init__(self):
        self._secret = "SECRET"


REAL = []


def swap(cls):
    REAL.append(cls)
    return Victim


@swap
class C:
    def peek(self, other):
        if isinstance(other, C):
            return other._secret
        return None


REAL[0]().peek(Victim())
