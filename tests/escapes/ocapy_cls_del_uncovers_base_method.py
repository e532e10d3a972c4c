# Escape: a classmethod's `cls._f` is trusted because the class body binds `_f = None`, but another classmethod's `del cls._f` removes it, so `cls._f` is the base's raw method function, which runs on any object and reads its private `_secret`
# Source: https://docs.python.org/3/reference/datamodel.html#custom-classes (a name not found in the class's namespace is searched in its base classes); found in ocapy's red-team review (rt12 t11b)
# Expect: OC101


class Base:
    def _f(self):
        return self._secret


class E(Base):
    _f = None

    @classmethod
    def wipe(cls):
        del cls._f

    @classmethod
    def go(cls, victim):
        return cls._f(victim)
