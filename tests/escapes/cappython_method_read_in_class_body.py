# Escape: a method's function object is read in the class body and exported, so its self parameter is caller-chosen
# Source: https://mail.python.org/archives/list/python-ideas@python.org/message/2QUGOXR4B4MFP2F6QA4XJGDVWWTWKZTN ("f is not read anywhere in class scope")
# Expect: OC102


class Leaky:
    def reveal(self):
        return self._secret

    exported = reveal
