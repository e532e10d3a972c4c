# Escape: "from m import *" binds names the verifier cannot see, defeating its variable-binding analysis
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/30def0abcadf4112cfac7ffe22a4d67ba21226a1/cappython/pycheck.py (BlanketImport)
# Expect: OC503

from json import *
