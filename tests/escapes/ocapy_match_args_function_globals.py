# Escape: a positional class pattern reads the attribute named by __match_args__ = ("__globals__",); a __subclasshook__ that says yes makes json.dumps match, handing over json's module globals and the real builtins
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-patterns (positional sub-patterns read the attributes __match_args__ names); found in ocapy's own review, issue 11 item 1
# Expect: OC603 OC604 OC605

import json
import typing


class Anything(typing.Hashable):
    __match_args__ = ("__globals__",)

    @classmethod
    def __subclasshook__(cls, other):
        return True


match json.dumps:
    case Anything(module_globals):
        real_builtins = module_globals["__builtins__"]
