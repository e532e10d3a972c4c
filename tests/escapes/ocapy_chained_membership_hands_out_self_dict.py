# Escape: `self.__dict__` is allowed only when read in place, and `k in self.__dict__` is; but in a chained comparison (`k not in self.__dict__ in grab`) every comparator but the last is also the left operand of the next, so the real dict is handed to another object's __contains__, which then writes private attributes by string
# Source: https://docs.python.org/3/reference/expressions.html#comparisons (a op1 b op2 c is (a op1 b) and (b op2 c)); found in ocapy's red-team review (rt12b)
# Expect: OC101


class Account:
    def __init__(self):
        self._balance = 10

    def leak(self, grab):
        return "absent" not in self.__dict__ in grab
