# Escape: (encapsulation profile) a lambda made inside `if isinstance(other, C):` reads `other._secret` when it runs, after the loop has rebound `other` to an object that is not a C, so it reads a foreign object's private state
# Source: https://docs.python.org/3/reference/executionmodel.html#resolution-of-names (a free variable is looked up when the nested function runs, in the enclosing scope's current binding); found in ocapy's red-team review (rt12 t13)
# Expect: OC101
# Profile: encapsulation


class Victim:
    def __init__(self):
        self._secret = "SECRET"


class C:
    def __init__(self):
        self._secret = "own"

    def peek(self, items):
        readers = []
        for other in items:
            if isinstance(other, C):
                readers.append(lambda: other._secret)
        return readers[0]()


C().peek([C(), Victim()])
