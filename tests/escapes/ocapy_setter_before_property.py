# Escape: `@p.setter` written before the class's own `@property def p` reads the module's `p` (the class body runs in order), an object whose `setter` receives the raw method and runs it on any object to read its private `_secret`
# Source: https://docs.python.org/3/reference/compound_stmts.html#class-definitions (a class body is executed in a new frame, statement by statement); found in ocapy's red-team review (redteam12 finding f5)
# Expect: OC102


class Victim:
    def __init__(self):
        self._secret = "the victim's"


class Grabber:
    def setter(self, function):
        function(Victim(), None)
        return function


p = Grabber()


class Vault:
    @p.setter
    def p(self, value):
        return self._secret

    @property
    def p(self):
        return 0
