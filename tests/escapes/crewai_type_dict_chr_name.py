# Escape: type.__dict__ indexed with a name built by chr() reaches __subclasses__ without any restricted attribute token
# Source: https://github.com/crewAIInc/crewAI/pull/4643 (review: "Missing __dict__ in restricted attrs enables sandbox escape")
# Expect: OC401 OC101

name = chr(95) * 2 + "subclasses" + chr(95) * 2
every_class = type.__dict__[name](object)
