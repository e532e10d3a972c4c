"""A plugin that tries to escape: every line below is a published sandbox-escape trick."""


def secret_of(forecast):
    # Another object's private state.
    return forecast._celsius


def host_globals():
    # A generator's frame leads to its caller's frame and globals.
    gen = (x for x in [1])
    return gen.gi_frame.f_back.f_globals


def attribute_by_template(obj):
    # str.format walks attribute chains written in the template.
    return "{0.__init__.__globals__}".format(obj)


def ambient_authority():
    # The builtins that reach files and code.
    return open("/etc/passwd").read() + eval("1 + 1")


# A module that reaches the operating system.
import os
