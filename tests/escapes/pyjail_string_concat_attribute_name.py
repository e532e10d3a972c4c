# Escape: the attribute name is assembled at run time ("__" + "globals" + "__"), so no literal dunder appears in the source
# Source: https://smarttldr.pages.dev/en/topic/python-sandbox-escape-prevention/deep-dive ("Computed attribute names bypass static guards")
# Expect: OC304


def harmless():
    return 1


namespace = getattr(harmless, "__" + "globals" + "__")
