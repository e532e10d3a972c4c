# Escape: enum's `_ignore_` removes the names it lists from the class namespace, so the `_f = None` a classmethod's `cls._f` trusts is gone and `cls._f` is the base's raw method function, which runs on any object
# Source: https://docs.python.org/3/howto/enum.html#supported-sunder-names (`_ignore_`: names that will not be transformed into members, and will be removed from the final class); found in ocapy's red-team review (rt12 t12)
# Expect: OC101
import enum


class Base(enum.Enum):
    def _f(self):
        return self._secret


class E(Base):
    _ignore_ = ["_f"]
    _f = None
    A = 1

    @classmethod
    def go(cls, victim):
        return cls._f(victim)
