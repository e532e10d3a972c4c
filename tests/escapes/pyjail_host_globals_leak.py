# Escape: untrusted code run in the host's namespace reads (or rebinds) host globals it was never given
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/my-little-jail/README.md (ImaginaryCTF Round 35: the flag is a global of the jail)
# Expect: OC404

stolen = flag
