# Escape: __match_args__ = ("__self__",) on a class whose hook matches everything reads a builtin function's __self__: the builtins module, with open and __import__
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-patterns (positional sub-patterns read the attributes __match_args__ names); found in ocapy's own review, issue 11 item 1
# Expect: OC603 OC604 OC605

import typing


class Anything(typing.Hashable):
    __match_args__ = ("__self__",)

    @classmethod
    def __subclasshook__(cls, other):
        return True


match len:
    case Anything(builtins_module):
        opener = builtins_module.open
