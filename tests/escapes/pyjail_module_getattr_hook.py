# Escape: binding a module-level __getattr__ (PEP 562) makes every missing-name lookup on the module call the imported function
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "running functions and methods without parenthesis", @hashkitten)
# Expect: OC501 OC402

from os import system as __getattr__
