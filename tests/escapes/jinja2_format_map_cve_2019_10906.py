# Escape: str.format_map walks attributes like str.format but was missed when format was sandboxed
# Source: https://osv.dev/vulnerability/GHSA-462w-v97r-4m45 (CVE-2019-10906)
# Expect: OC303


class User:
    def __init__(self, name):
        self.name = name


page = "{u.name} {u.__class__.__init__.__globals__}".format_map({"u": User("ann")})
