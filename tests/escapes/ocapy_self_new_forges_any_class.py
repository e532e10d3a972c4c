# Escape: `self.__new__` (and `super().__new__`) in an instance method is `object.__new__`, which makes an instance of any class passed to it without running its `__init__`, forging a host class's token that only the host may mint
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (object.__new__(cls) creates an instance of cls; __init__ is not called); found in ocapy's red-team review (rt12 t16)
# Expect: OC101


class C:
    def forge(self, cls):
        return self.__new__(cls)

    def forge2(self, cls):
        return super().__new__(cls)
