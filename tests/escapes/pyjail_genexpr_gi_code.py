# Escape: a generator expression exposes its code object through gi_code (then co_code, co_name, ...)
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/builtins/str.py (str__gen gadget)
# Expect: OC201

code = (x for x in ()).gi_code
