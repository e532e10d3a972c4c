# Escape: a decorator receives the raw method function and stashes it, so it can later be called on a foreign object
# Source: https://mail.python.org/archives/list/python-ideas@python.org/message/2QUGOXR4B4MFP2F6QA4XJGDVWWTWKZTN ("the def is not preceded by any decorators")
# Expect: OC102

stolen = []


def keep(fn):
    stolen.append(fn)
    return fn


class Leaky:
    @keep
    def reveal(self):
        return self._secret
