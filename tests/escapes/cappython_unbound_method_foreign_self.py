# Escape: Python 3 has no unbound methods, so C.f(x) runs C's method with self = any foreign object and reads its private field
# Source: https://mail.python.org/archives/list/python-ideas@python.org/message/2QUGOXR4B4MFP2F6QA4XJGDVWWTWKZTN (CapPython, Mark Seaborn)
# Expect: OC102


class Peeker:
    def field(self):
        return self._field


def steal(victim):
    return Peeker.field(victim)
