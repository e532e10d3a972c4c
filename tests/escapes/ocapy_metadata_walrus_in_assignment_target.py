# Escape: a metadata name (__name__, __doc__) may be bound only to a string literal, but a walrus inside an assignment target whose value is a literal (`box[(__name__ := f)] = "x"`) bound it to a function, which every later function of the module then carries as its __module__
# Source: https://docs.python.org/3/reference/expressions.html#assignment-expressions (an assignment expression may appear in a subscript); found in ocapy's red-team review (rt12b)
# Expect: OC402


def loads(text):
    return text


box = {}
box[(__name__ := loads)] = "x"
