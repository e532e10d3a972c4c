# Escape: chained positional class patterns read __traceback__, tb_next, tb_frame and f_globals, walking from a caught exception into the frame of json.loads that raised it: json's module globals
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-patterns (positional sub-patterns read the attributes __match_args__ names); found in ocapy's own review, issue 11 item 1
# Expect: OC603 OC604 OC605

import json
import typing


class Anything(typing.Hashable):
    @classmethod
    def __subclasshook__(cls, other):
        return True


class Traceback(Anything):
    __match_args__ = ("__traceback__",)


class Step(Anything):
    __match_args__ = ("tb_next", "tb_frame")


class Frame(Anything):
    __match_args__ = ("f_globals",)


try:
    json.loads("{")
except ValueError as error:
    match error:
        case Traceback(Step(Step(_, Frame(json_globals)), _)):
            pass
