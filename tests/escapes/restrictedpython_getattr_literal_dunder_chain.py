# Escape: dunder names passed to getattr as string literals avoid the ".attr" check: [].__class__.__base__.__subclasses__()
# Source: https://github.com/zopefoundation/RestrictedPython/issues/142
# Expect: OC103

list_type = getattr([], "__class__")
object_type = getattr(list_type, "__base__")
every_class = getattr(object_type, "__subclasses__")()
