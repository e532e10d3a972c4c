# Escape: a method's function object is read in the class body into a value other than a binding of the method (here a list), so its self parameter is caller-chosen
# Source: https://mail.python.org/archives/list/python-ideas@python.org/message/2QUGOXR4B4MFP2F6QA4XJGDVWWTWKZTN ("f is not read anywhere in class scope")
# Expect: OC102


class Leaky:
    def reveal(self):
        return self._secret

    exported = [reveal]


def steal(victim):
    return Leaky.exported[0](victim)
