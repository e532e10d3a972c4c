# Escape: (open): int annotates without binding, so a later open in the function is still the builtin
# Source: https://docs.python.org/3/reference/simple_stmts.html#annotated-assignment-statements (a parenthesised target is not a simple name); found in ocapy's own review, issue 12 (the scope model checked against symtable)
# Expect: OC401


def read():
    (open): int
    return open("/etc/passwd").read()
