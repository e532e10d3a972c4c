# Escape: the |attr filter path: a dunder method fetched by literal name, int.__subclasses__()
# Source: https://github.com/pallets/jinja/blob/5ef70112a1ff19c05324ff889dd30405b1002044/tests/test_security.py (TestSandbox.test_attr_filter)
# Expect: OC103

subclasses = getattr(int, "__subclasses__")()
