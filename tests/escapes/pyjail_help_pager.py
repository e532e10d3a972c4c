# Escape: help() starts the pager (shell escape with !) and imports any module by name
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "good to know built-in functions and methods")
# Expect: OC401

help()
