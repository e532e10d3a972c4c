# Escape: the output of one format call is formatted again, so attacker data becomes the template ({i.__init__.__globals__...})
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (section "format string")
# Expect: OC301


class User:
    def __init__(self, name):
        self.name = name

    def describe(self):
        return "<User {u.name} (id {{i.name}})>".format(u=self).format(i=self)
