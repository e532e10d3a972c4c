# Escape: `cls.__module__` was trusted in a classmethod as the class's module name without asking what the class body binds there; a method named `__module__` makes it the raw function, which runs on any object and reads its private `_secret`
# Source: https://docs.python.org/3/reference/datamodel.html#type.__module__ (a class body's own binding replaces the `__module__` the compiler sets); found in ocapy's red-team review (redteam12 finding f7)
# Expect: OC402


class Vault:
    def __module__(self):
        return self._secret

    @classmethod
    def leak(cls, victim):
        return cls.__module__(victim)
