# Escape: the module-global __builtins__ name leads straight to __import__
# Source: https://github.com/kiwamizamurai/cctf/blob/1ea65231ffd7fc19ef002faa600e6f1cd39a0b95/.claude/skills/pyjail/reference/bypass.md (section "No Import Bypass")
# Expect: OC402

importer = __builtins__.__dict__["__import__"]
