# Escape: a comprehension target stores into obj.__class__.__getitem__, turning obj[...] into eval(...)
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "running functions and methods without parenthesis")
# Expect: OC101 OC401


class Box:
    pass


obj = Box()
[obj["1 + 1"] for obj.__class__.__getitem__ in [eval]]
