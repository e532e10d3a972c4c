# Escape: type(name, bases, dict) builds a class whose dunder methods come from string keys ("\137\137exit\137\137")
# Source: https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/llama-jail-revenge/README.md (vsCTF 2024 llama-jail-revenge)
# Expect: OC401

caught = []
Catcher = type("Catcher", (), {"\137\137enter\137\137": lambda s: s, "\137\137exit\137\137": lambda s, t, v, tb: caught.append(tb)})
