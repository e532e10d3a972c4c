# Escape: def __peek binds _Vault__peek, so reading that name in the class body exposes the raw function, which then runs on any object
# Source: https://docs.python.org/3/reference/expressions.html#atom-identifiers (private name mangling); found in ocapy's own review, issue 12 item 3
# Expect: OC102


class Vault:
    def __peek(self):
        return self._secret

    leak = _Vault__peek
