# Escape: a generator returned by an exposed method carries gi_frame, whose f_globals has the host's __builtins__
# Source: https://github.com/danthedeckie/simpleeval/issues/138
# Expect: OC201


class Service:
    def items(self):
        yield "x"


host_builtins = Service().items().gi_frame.f_globals["__builtins__"]
