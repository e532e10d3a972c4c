# Escape: any function leads to its module namespace through __globals__
# Source: https://mail.python.org/pipermail/python-dev/2010-February/097701.html (pysandbox had to hide "function ... globals")
# Expect: OC201


def harmless():
    return 1


namespace = harmless.__globals__
