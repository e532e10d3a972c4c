# Escape: [].__reduce_ex__(3)[0] is copyreg.__newobj__, a Python function whose __globals__ lead to __builtins__
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "stable payloads")
# Expect: OC201

newobj = [].__reduce_ex__(3)[0]
host_builtins = newobj.__globals__["__builtins__"]
