# Escape: a closure's captured state is readable and writable through __closure__[i].cell_contents
# Source: https://mail.python.org/pipermail/python-dev/2010-February/097701.html (pysandbox had to hide "function closure"; blacklisting is "broken by design")
# Expect: OC201


def make_counter():
    secret = [0]

    def bump():
        secret[0] += 1
        return secret[0]

    return bump


bump = make_counter()
secret = bump.__closure__[0].cell_contents
