# Escape: the same facade leak with from-import: json's imported codecs module taken by name
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/breaking-in-the-jail/README.md (module dependencies reachable as attributes)
# Expect: OC502

from json import codecs

opener = codecs.open
