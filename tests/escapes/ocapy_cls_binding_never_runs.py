# Escape: in a classmethod, cls._helper is trusted as class data because the class body binds `_helper`, but the binding never runs (`if False:`), so `cls._helper` is the base's raw method function, which runs on any object and reads its private `_secret`
# Source: https://docs.python.org/3/reference/datamodel.html#custom-classes (a name not found in the class's namespace is searched in its base classes); found in ocapy's red-team review (redteam12 finding f6)
# Expect: OC101


class Base:
    def _helper(self):
        return self._secret


class Vault(Base):
    if False:
        _helper = None

    @classmethod
    def leak(cls, victim):
        return cls._helper(victim)
