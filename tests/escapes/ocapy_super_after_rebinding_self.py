# Escape: zero-argument super() is bound to the method's first parameter as it is when the call runs; after self = other it runs the bases' methods on another instance of the class, reading its private state
# Source: https://docs.python.org/3/library/functions.html#super (the zero-argument form uses the first argument of the enclosing function); found in ocapy's own review, issue 13 (explicit super arguments)
# Expect: OC403


class Base:
    def reveal(self):
        return self._secret


class Vault(Base):
    def __init__(self, secret):
        self._secret = secret

    def peek(self, other):
        self = other
        return super().reveal()
