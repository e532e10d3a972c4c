# Escape: an import written with fullwidth letters (ｏｓ) names the same module as "os"
# Source: https://github.com/jiegec/ctf-writeups/blob/0dbcc968f0570a3dc5c45337d34bb8ef28ae8cd0/misc/pyjail/unicode-bypass.md ("ｏｓ" under Halfwidth and Fullwidth Forms)
# Expect: OC501

import ｏｓ
