# Escape: os._wrap_close found among object's subclasses; its __init__.__globals__ is the os module namespace
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/sys.py (jailctf pyjailbreaker, sys__wrap_close gadget)
# Expect: OC101 OC201

wrap_close = [c for c in ().__class__.__base__.__subclasses__() if "wrap_close" in str(c)][0]
os_namespace = wrap_close.__init__.__globals__
