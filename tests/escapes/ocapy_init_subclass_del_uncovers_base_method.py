# Escape: a base's `__init_subclass__` runs `del cls._f` on every subclass, removing the `_f = None` a subclass's classmethod trusts, so `cls._f` is the base's raw method function, which runs on any object
# Source: https://docs.python.org/3/reference/datamodel.html#object.__init_subclass__ (called on the base whenever a subclass is created, with the new class); found in ocapy's red-team review (rt12 t11)
# Expect: OC101


class Base:
    def __init_subclass__(cls):
        del cls._f

    def _f(self):
        return self._secret


class E(Base):
    _f = None

    @classmethod
    def go(cls, victim):
        return cls._f(victim)
