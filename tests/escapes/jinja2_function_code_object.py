# Escape: a function's code object and raw bytecode (func.__code__.co_code), the example the sandbox docs reject
# Source: https://github.com/pallets/jinja/blob/5ef70112a1ff19c05324ff889dd30405b1002044/docs/sandbox.rst
# Expect: OC201


def func():
    return "Hello, Sandbox!"


raw = func.__code__.co_code
