# Escape: object.__subclasses__() lists every loaded class, including ones that wrap os and file access
# Source: https://mail.python.org/pipermail/python-dev/2010-February/097701.html (pysandbox had to hide "type subclasses")
# Expect: OC201

every_class = object.__subclasses__()
