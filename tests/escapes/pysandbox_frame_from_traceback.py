# Escape: frames stay reachable: an exception's traceback frame walks f_back to the caller's globals
# Source: https://mail.python.org/pipermail/python-dev/2010-February/097701.html ("frames are still accessibles, only the frame locals are blocked")
# Expect: OC201

try:
    raise ValueError("probe")
except ValueError as exc:
    caller_globals = exc.__traceback__.tb_frame.f_back.f_globals
