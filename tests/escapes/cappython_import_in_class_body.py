# Escape: an import statement in a class body hands the class-scope locals (raw method functions) to __import__
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/cfebf9811689491be8136aabc8118fa0826996dd/cappython/safeeval_test.py (CapPython test_exploit_via_import)
# Expect: OC501


class Vault:
    def contents(self):
        return self._contents

    import bob
