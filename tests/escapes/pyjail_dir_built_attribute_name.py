# Escape: attribute names taken from dir() output avoid both underscores and string literals
# Source: https://github.com/kiwamizamurai/cctf/blob/1ea65231ffd7fc19ef002faa600e6f1cd39a0b95/.claude/skills/pyjail/reference/bypass.md (section "Character Blacklist Bypass": no underscores)
# Expect: OC304

first = getattr((), dir(())[0])
