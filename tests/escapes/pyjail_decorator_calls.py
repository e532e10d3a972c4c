# Escape: decorators are calls without parentheses: @exec @input runs whatever is typed next
# Source: https://github.com/jeff-160/The-Definitive-Guide-to-Pyjails/blob/b2079bcca2cf9fe52576f4fbbf2344dcc78d4d9f/README.md ("NO PARENTHESES???" section)
# Expect: OC401


@exec
@input
class Payload:
    pass
