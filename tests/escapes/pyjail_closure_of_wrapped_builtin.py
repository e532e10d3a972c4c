# Escape: a host's wrapper around open() keeps the real open in its closure; cell_contents unwraps it
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (idekCTF 2024 "crator" solution by @Starlight)
# Expect: OC401 OC201

real_open = open.__closure__[0].cell_contents
