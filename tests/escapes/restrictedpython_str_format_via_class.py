# Escape: str.format reached through the class, str.format(template, obj), so the receiver is not a string literal
# Source: https://github.com/advisories/GHSA-xjw2-6jm9-rf67 (CVE-2023-41039: format "accessed either via the class or its instances")
# Expect: OC301

mro = str.format("{0.__class__.__mro__}", 1)
