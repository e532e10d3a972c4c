# Escape: breakpoint() opens pdb, which runs arbitrary statements including imports
# Source: https://github.com/jeff-160/The-Definitive-Guide-to-Pyjails/blob/b2079bcca2cf9fe52576f4fbbf2344dcc78d4d9f/README.md (section "Spawning shells": debug mode)
# Expect: OC401

breakpoint()
