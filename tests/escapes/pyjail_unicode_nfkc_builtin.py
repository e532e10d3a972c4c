# Escape: Python NFKC-normalises identifiers, so fullwidth ｅｖａｌ is the builtin eval while a text filter sees no "eval"
# Source: https://github.com/kiwamizamurai/cctf/blob/1ea65231ffd7fc19ef002faa600e6f1cd39a0b95/.claude/skills/pyjail/reference/bypass.md ("Unicode Bypass"); https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/pygolf/README.md
# Expect: OC401

result = ｅｖａｌ("1 + 1")
