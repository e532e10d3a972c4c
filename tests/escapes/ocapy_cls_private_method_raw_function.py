# Escape: in a classmethod (or __init_subclass__), cls._peek is the raw function of a private method, which runs on any object passed to it
# Source: https://docs.python.org/3/reference/datamodel.html#instance-methods (a function read through its class is not bound); found in ocapy's own review, issue 12 item 4
# Expect: OC101


class Vault:
    def _peek(self):
        return self._secret

    @classmethod
    def open(cls, victim):
        return cls._peek(victim)
