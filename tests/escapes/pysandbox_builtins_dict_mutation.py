# Escape: writing into the shared __builtins__ mapping replaces a builtin for every other module using it
# Source: https://mail.python.org/pipermail/python-announce-list/2012-March/009397.html (pysandbox 1.5: dict methods could modify __builtins__)
# Expect: OC402


def spy(*args):
    return 0


__builtins__["len"] = spy
