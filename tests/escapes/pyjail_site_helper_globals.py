# Escape: the site helpers (help, license) are Python objects whose methods' __globals__ contain sys
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "retrieving builtins": site-module constants)
# Expect: OC401 OC101 OC201

sys_module = license.__repr__.__globals__["sys"]
