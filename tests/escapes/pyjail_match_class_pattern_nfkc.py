# Escape: a class-pattern keyword written with fullwidth low lines normalises to a dunder and is read by the match machinery
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "getting attributes": match)
# Expect: OC602

match ():
    case object(_＿dict＿_=namespace):
        pass
