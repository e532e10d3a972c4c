# Escape: a failed lookup on a wrapped module raises AttributeError whose .obj is the real, unwrapped module
# Source: https://osv.dev/vulnerability/PYSEC-2024-186 (CVE-2024-47532: AttributeError.obj and the string module)
# Expect: OC502 OC201

import string

try:
    string.no_such_name
except AttributeError as err:
    real_module = err.obj
