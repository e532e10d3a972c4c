# Escape: the sandbox's Python wrappers around builtins are closures, so print.__globals__ is the host module's namespace
# Source: https://github.com/browser-use/browser-use/pull/4679 (review: "wrapped builtins leak module globals via __globals__")
# Expect: OC201

host_io = print.__globals__["io"]
