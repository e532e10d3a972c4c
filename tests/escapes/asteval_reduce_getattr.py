# Escape: an exposed bound method's __reduce__() returns (getattr, (instance, name)), handing untrusted code the real getattr and the host object
# Source: https://github.com/lmfit/asteval/issues/86
# Expect: OC201


class Interpreter:
    def show(self, *values):
        return values


show = Interpreter().show
real_getattr, (host_object, name) = show.__reduce__()
