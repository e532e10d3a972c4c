# Escape: every module namespace holds __loader__ and __spec__; retargeting the spec loads sys through the loader
# Source: https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md (idekCTF 2024 "crator": the sandbox deletes __loader__/__spec__; solution retargets io.__spec__)
# Expect: OC402

spec = __spec__
loader = __loader__
