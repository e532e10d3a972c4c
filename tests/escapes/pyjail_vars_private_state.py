# Escape: vars(obj) returns the instance __dict__, private fields included
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/builtins/getattr.py (getattr__vars gadget)
# Expect: OC104


class Account:
    def __init__(self):
        self._pin = 1234


pin = vars(Account())["_pin"]
