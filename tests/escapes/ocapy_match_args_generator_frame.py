# Escape: __match_args__ = ("gi_frame",) reads a generator's frame by string, and f_back then f_globals walk to the globals of whoever drives it
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-patterns (positional sub-patterns read the attributes __match_args__ names); found in ocapy's own review, issue 11 item 1
# Expect: OC603 OC604 OC605

import typing


class Anything(typing.Hashable):
    @classmethod
    def __subclasshook__(cls, other):
        return True


class Generator(Anything):
    __match_args__ = ("gi_frame",)


class Frame(Anything):
    __match_args__ = ("f_back", "f_globals")


def walk():
    match (yield):
        case Generator(Frame(Frame(_, caller_globals), _)):
            yield caller_globals


walker = walk()
