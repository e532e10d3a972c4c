# Escape: an async generator's ag_frame gives f_builtins and f_globals like gi_frame does
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "retrieving builtins": async generators)
# Expect: OC201


async def probe():
    agen = (await x for x in ())
    return agen.ag_frame.f_builtins
