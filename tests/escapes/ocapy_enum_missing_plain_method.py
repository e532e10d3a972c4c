# Escape: an Enum's `_missing_` written as a plain method: enum calls `cls._missing_(value)` through the class, so `self` is whatever value the caller passes, and `self._secret` reads that object's private state
# Source: https://docs.python.org/3/library/enum.html#enum.Enum._missing_ (a classmethod enum looks up through the class); found in ocapy's red-team review (redteam12b finding F1)
# Expect: OC101
import enum


class Victim:
    def __init__(self):
        self._secret = "the victim's secret"


class Color(enum.Enum):
    RED = 1

    def _missing_(self, value=None):
        raise ValueError(self._secret)


def leak():
    try:
        Color(Victim())
    except ValueError as error:
        return error
