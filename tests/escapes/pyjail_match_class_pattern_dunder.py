# Escape: a class pattern keyword does getattr(subject, "__class__") internally; the name is a plain string in MatchClass.kwd_attrs
# Source: https://github.com/mcp-use/mcp-use/pull/1735 (match/case class patterns: dunder names in kwd_attrs)
# Expect: OC602

match []:
    case object(__class__=cls):
        type_of_list = cls
