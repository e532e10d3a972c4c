# Escape: rebinding self inside a method makes "self._x" read another object's private field
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/30def0abcadf4112cfac7ffe22a4d67ba21226a1/cappython/pycheck.py (self variable only if "not binding.is_assigned")
# Expect: OC101


class Account:
    def merge(self, other):
        self = other
        return self._balance
