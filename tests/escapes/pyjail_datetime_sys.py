# Escape: datetime (pure-Python on some versions) exposes its imported sys as datetime.sys
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/breaking-in-the-jail/README.md (imported modules are attributes of the importer)
# Expect: OC502

import datetime

modules = datetime.sys.modules
