# Escape: "global reveal" in the class body binds the method as a plain module function, callable on any object
# Source: https://mail.python.org/archives/list/python-ideas@python.org/message/2QUGOXR4B4MFP2F6QA4XJGDVWWTWKZTN ("f ... is not declared as global")
# Expect: OC102


class Leaky:
    global reveal

    def reveal(self):
        return self._secret


class Victim:
    pass


secret = reveal(Victim())
