# Escape: from an empty tuple to object and then to every loaded class: ().__class__.__bases__[0].__subclasses__()
# Source: https://github.com/Laboratory-for-Energy-Systems-Analysis/edges/issues/31
# Expect: OC101

every_class = ().__class__.__bases__[0].__subclasses__()
