# Escape: open.__self__ is the _io module; its __loader__ loads any builtin module (sys) without import
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "popular modules": sys)
# Expect: OC401 OC201

io_module = open.__self__
sys_module = io_module.__loader__.load_module("sys")
