# Escape: `super().__class__` is the super object's own `__class__`, the builtin `super` type, not a base's: called with two arguments it hands out a base's raw method function (`S(Sub, Sub).f` is `Base.f`), which runs on any object and reads its private `_secret`
# Source: https://docs.python.org/3/library/functions.html#super (super() returns a proxy object; attribute lookup falls back to the proxy's own attributes); found in ocapy's red-team review (rt12 t15)
# Expect: OC101


class Base:
    def f(self):
        return self._secret


class Sub(Base):
    pass


class C:
    def real_super(self):
        return super().__class__


S = C().real_super()
raw = S(Sub, Sub).f
