# Escape: __new__ is an implicit staticmethod, so its first parameter is whatever the caller passes and cls._secret reads any object's private state
# Source: https://docs.python.org/3/reference/datamodel.html#object.__new__ (a static method, special-cased); found in ocapy's own review, issue 12 item 5
# Expect: OC101


class Vault:
    def __new__(cls):
        return cls._secret
