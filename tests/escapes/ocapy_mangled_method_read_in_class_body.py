# Escape: def __peek binds _Vault__peek, so reading that name in the class body exposes the raw function, which then runs on any object; a plain alias of it (leak = _Vault__peek) is the method under a second name, and reading that through the class exposes it the same way
# Source: https://docs.python.org/3/reference/expressions.html#atom-identifiers (private name mangling); found in ocapy's own review, issue 12 item 3
# Expect: OC102


class Vault:
    def __peek(self):
        return self._secret

    leak = _Vault__peek


def steal(victim):
    return Vault.leak(victim)
