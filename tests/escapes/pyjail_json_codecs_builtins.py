# Escape: an allowed module re-exports what it imported: json.codecs.builtins.getattr, as in the pickle.codecs.builtins chain
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/breaking-in-the-jail/README.md (ImaginaryCTF Round 34 "Breaking in the jail": pickle.codecs.builtins)
# Expect: OC502

import json

real_getattr = json.codecs.builtins.getattr
