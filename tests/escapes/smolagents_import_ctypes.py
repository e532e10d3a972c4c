# Escape: ctypes loads libc and calls system() directly, bypassing every Python-level check
# Source: https://github.com/huggingface/smolagents/issues/2094
# Expect: OC501

import ctypes

libc = ctypes.CDLL(None)
