# Escape: locals()/globals() hand out live namespace dicts (the sandbox's injected locals was the escape vector)
# Source: https://github.com/Skyvern-AI/skyvern/issues/6868
# Expect: OC401

snapshot = locals()
module_builtins = globals()["__builtins__"]
