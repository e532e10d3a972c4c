# Escape: ambient authority by import: os.system runs a shell command
# Source: https://github.com/jeff-160/The-Definitive-Guide-to-Pyjails/blob/b2079bcca2cf9fe52576f4fbbf2344dcc78d4d9f/README.md (section "Spawning shells")
# Expect: OC501

from os import system

system("id")
