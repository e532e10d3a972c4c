# Escape: fractions imports sys, so fractions.sys.modules["os"] reaches os through an allowed module
# Source: https://github.com/microsoft/agent-governance-toolkit/pull/2631 (sys.modules cache); https://github.com/jailctf/pyjail-collection/blob/3a4146c8df69f0ba65f1aa8fe7fe46b8711fa2ca/chals/breaking-in-the-jail/README.md
# Expect: OC502

import fractions

os_module = fractions.sys.modules["os"]
