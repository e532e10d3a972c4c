# Escape: an augmented assignment target (obj.__dict__ |= ...) reads and writes a dunder that only plain reads were checked for
# Source: https://github.com/huggingface/smolagents/pull/2281 (CVE-2026-4963: AugAssign path had no dunder check)
# Expect: OC101


class Account:
    def __init__(self):
        self._limit = 100


victim = Account()
victim.__dict__ |= {"_limit": 10**9}
