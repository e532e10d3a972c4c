# Escape: obj.__dict__ exposes private fields by key, no "._pin" attribute access needed
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/get_obj_dict.py (get_obj_dict__basic gadget)
# Expect: OC101


class Account:
    def __init__(self):
        self._pin = 1234


pin = Account().__dict__["_pin"]
