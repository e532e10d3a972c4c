# Escape: warnings.catch_warnings() keeps the warnings module in _module, whose __builtins__ has __import__
# Source: https://github.com/jeff-160/The-Definitive-Guide-to-Pyjails/blob/b2079bcca2cf9fe52576f4fbbf2344dcc78d4d9f/README.md ("No builtins???" section)
# Expect: OC101

catcher = [c for c in ().__class__.__base__.__subclasses__() if "catch" in c.__name__][0]()
host_builtins = catcher._module.__builtins__
