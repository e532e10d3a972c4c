# Escape: sys.exc_info(), granted by CapPython's own example host, yields a traceback whose tb_frame reaches the host's globals
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/cfebf9811689491be8136aabc8118fa0826996dd/cappython/examplerun.py (taming grants sys.exc_info)
# Expect: OC501 OC201

import sys

try:
    1 / 0
except ZeroDivisionError:
    tb = sys.exc_info()[2]
    host_globals = tb.tb_frame.f_back.f_globals
