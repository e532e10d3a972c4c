# Escape: a builtin function's __self__ is the builtins module, which still holds exec, compile and __import__
# Source: https://github.com/huggingface/smolagents/pull/274 (BASE_PYTHON_TOOLS builtins expose __self__)
# Expect: OC201

builtins_module = len.__self__
runner = builtins_module.exec
