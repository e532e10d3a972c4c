# Escape: an alias in the class body under a name that the class machinery or a library calls with arguments of its own (an implicit staticmethod such as __new__, a _sunder_ hook such as enum's _missing_) is not the method: self.__new__(victim) runs it with self = victim
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (__new__ is a static method, special-cased); found in ocapy's own review, issue 13 (same-class aliases)
# Expect: OC102


class Vault:
    def peek(self):
        return self._secret

    __new__ = peek


def steal(victim):
    return Vault.__new__(victim)
