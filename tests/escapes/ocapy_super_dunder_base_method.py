# Escape: in a classmethod, `super().__doc__` was trusted as a data dunder, but `super()` reads the base's binding, here a method named `__doc__`, whose raw function runs on any object and reads its private `_secret`
# Source: https://docs.python.org/3/library/functions.html#super (super() delegates attribute lookup to the next class in the MRO); found in ocapy's own review of redteam12 finding f7
# Expect: OC402


class Base:
    def __doc__(self):
        return self._secret


class Vault(Base):
    @classmethod
    def leak(cls, victim):
        return super().__doc__(victim)
