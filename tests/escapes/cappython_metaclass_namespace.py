# Escape: a metaclass receives the class namespace with the raw method functions before any safe __build_class__ can wrap them
# Source: https://mail.python.org/pipermail/python-dev/2008-September/082499.html (CapPython: metaclass vs per-module __build_class__); https://github.com/zopefoundation/RestrictedPython/blob/bd256e6ad046a6739ada1a01b812057ac7bc8098/src/RestrictedPython/transformer.py (metaclass keyword forbidden)
# Expect: OC601


def grab(name, bases, namespace):
    return namespace["reveal"]


class Leaky(metaclass=grab):
    def reveal(self):
        return self._secret
