# Escape: a receiver read in a class body nested in the method is looked up in the class namespace first (LOAD_CLASSDEREF), which __module__ fills from a rebindable __name__
# Source: https://docs.python.org/3/reference/executionmodel.html#interaction-with-dynamic-features (class bodies search their namespace first); found in ocapy's own review, issue 12 item 1
# Expect: OC101

__name__ = object()


class Vault:
    def peek(__module__):
        class Inner:
            stolen = __module__._secret

        return Inner
