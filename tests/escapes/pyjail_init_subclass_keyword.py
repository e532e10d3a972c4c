# Escape: class keywords are passed to the base's __init_subclass__ hook, running code with the new class during class creation
# Source: https://docs.python.org/3/reference/datamodel.html#customizing-class-creation
# Expect: OC601

seen = []


class Registry:
    def __init_subclass__(cls, hook=None, **kwargs):
        seen.append(hook)


class Plugin(Registry, hook=print):
    pass
