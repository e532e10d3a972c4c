# Escape: sys._getframe(0).f_globals returns the live globals dict of the running frame
# Source: https://github.com/QWED-AI/qwed-verification/pull/346 (review: "_getframe ... sys._getframe(0).f_globals")
# Expect: OC501 OC101 OC201

import sys

live_globals = sys._getframe(0).f_globals
