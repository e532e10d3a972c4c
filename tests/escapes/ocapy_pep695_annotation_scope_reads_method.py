# Escape: a PEP 695 generic method's parameter annotation runs in an annotation scope that sees the class body's names, so it hands the raw function `reveal` to plugin code; called on any object it reads that object's private `_secret`
# Source: https://docs.python.org/3/reference/executionmodel.html#annotation-scopes (annotation scopes in a class can see the class namespace); found in ocapy's red-team review (finding ocapy_pep695_annotation_scope_reads_method)
# Expect: OC102
# Requires: 3.12

grabbed = []


def stash(function):
    grabbed.append(function)
    return function


class Vault:
    def reveal(self):
        return self._secret

    def unused[T](self, hint: stash(reveal)):
        pass


def leak():
    return grabbed[0](victim)
