# Escape: a computed template "{0.NAME.x}" makes format do getattr(obj, NAME); the AttributeError's .obj returns the object
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/builtins/getattr.py (getattr__try_attrerror gadget); https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/llama-jail-revenge/README.md
# Expect: OC301


def reach(obj, attr):
    try:
        f"{{0.{attr}.missing}}".format(obj)
    except AttributeError as err:
        return err.obj


frame_holder = reach(reach, "__globals__")
