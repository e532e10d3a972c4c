# Escape: a generator reads its own gi_frame and walks f_back past the sandbox boundary to the host frame's builtins
# Source: https://github.com/zopefoundation/RestrictedPython/security/advisories/GHSA-wqc8-x2pr-7jqh (CVE-2023-37271)
# Expect: OC201


def climb():
    # The generator's own frame, then the frames of whoever resumed it.
    yield walker.gi_frame.f_back.f_back


walker = climb()
host_frame = walker.send(None)
host_builtins = host_frame.f_builtins
