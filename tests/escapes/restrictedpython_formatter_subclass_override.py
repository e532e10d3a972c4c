# Escape: subclass string.Formatter and override get_field to keep the object that super() resolved from a dunder path
# Source: https://github.com/nikosChalk/ctf-writeups/blob/6ea86ad80853dfeef2511397713db4b6df9f4773/uiuctf23/pyjail/rattler-read/writeup/README.md (UIUCTF 2023 Rattler Read; AccessControl GHSA-qcx9-j53g-ccgf, CVE-2021-32807)
# Expect: OC502

import string

captured = []


class Keeper(string.Formatter):
    def get_field(self, field_name, args, kwargs):
        found, first = super().get_field(field_name, args, kwargs)
        captured.append(found)
        return found, first


Keeper().format("{0.Formatter.__init__}", string)
