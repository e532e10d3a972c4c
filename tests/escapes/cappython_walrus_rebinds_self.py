# Escape: a walrus inside a comprehension binds in the enclosing method, silently reassigning self to a foreign object
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/30def0abcadf4112cfac7ffe22a4d67ba21226a1/cappython/pycheck.py (assigned self is not a self variable); walrus as a binding trick: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md
# Expect: OC101


class Account:
    def merge(self, other):
        [self := o for o in (other,)]
        return self._balance
