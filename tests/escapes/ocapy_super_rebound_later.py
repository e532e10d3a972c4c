# Escape: super bound at module level after the class is the plugin's own function when the method runs, so super()._x reads any object's private state
# Source: https://docs.python.org/3/reference/executionmodel.html#resolution-of-names (a global bound anywhere in the module shadows the builtin); found in ocapy's own review, issue 12 item 2
# Expect: OC403


class Vault:
    def peek(self):
        return super()._secret


victim = None
super = lambda: victim
