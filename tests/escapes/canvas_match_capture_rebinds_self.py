# Escape: a match capture pattern (case self:) is a binding the name check does not see; it rebinds self to a foreign object
# Source: https://github.com/canvas-medical/canvas-plugins/pull/1875 ("match/case capture names are not checked")
# Expect: OC101


class Account:
    def compare(self, other):
        match other:
            case self:
                return self._balance
