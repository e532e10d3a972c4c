# Escape: import os is blocked, but sys.modules already holds the host's os module
# Source: https://github.com/microsoft/agent-governance-toolkit/pull/2631 ("sys.modules cache bypass")
# Expect: OC501

import sys

system = sys.modules["os"].system
