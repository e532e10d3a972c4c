# Escape: two-argument super(Checked, account) runs the base method on any account, skipping the subclass's checks
# Source: https://github.com/AishwaryaKM/python-tutorial/blob/30def0abcadf4112cfac7ffe22a4d67ba21226a1/cappython/pycheck.py (check_safesuper: first argument must be a self variable)
# Expect: OC403


class Base:
    def withdraw(self, amount):
        return amount


class Checked(Base):
    def withdraw(self, amount):
        if amount > 100:
            raise ValueError("limit")
        return super().withdraw(amount)


def bypass(account):
    return super(Checked, account).withdraw(10**6)
