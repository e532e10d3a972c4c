# Escape: a function's constants, including a hard-coded secret, are readable via __code__.co_consts
# Source: https://github.com/TraiOi/Wargame_WriteUp/blob/2cfd5e2dca09846bc5988aad5e4546607056db65/Rootme/AppScript/08_Python-PyJail-1.md (Root-Me PyJail 1: func_code.co_consts, Python 2 spelling)
# Expect: OC201


def check(attempt):
    return attempt == "flag-do-not-leak"


constants = check.__code__.co_consts
