# Escape: in a classmethod, `cls.__new__(other)` passes another class to `object.__new__`, making an instance of it without its `__init__`
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (object.__new__(cls) creates an instance of cls; __init__ is not called); found in ocapy's red-team review (rt12 t16)
# Expect: OC101


class C:
    @classmethod
    def forge(cls, other):
        return cls.__new__(other)
