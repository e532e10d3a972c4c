# Escape: raw setattr/hasattr with dunder names: swap a trusted function's __code__ for attacker code
# Source: https://github.com/huggingface/smolagents/pull/2281 (CVE-2026-4963: hasattr/setattr without dunder filtering)
# Expect: OC103


def trusted():
    return "ok"


def payload():
    return "owned"


if hasattr(trusted, "__code__"):
    setattr(trusted, "__code__", getattr(payload, "__code__"))
