# Escape: fullwidth low lines (U+FF3F) normalise to "_", so ._＿class＿_ is .__class__ though the source never contains "__"
# Source: https://github.com/jiegec/ctf-writeups/blob/0dbcc968f0570a3dc5c45337d34bb8ef28ae8cd0/misc/pyjail/unicode-bypass.md ("_＿builtins＿＿"); https://github.com/Shirajuki/shirajuki.github.io/blob/0d2837fe19c29f0a7491c28d4b270694c102d82e/src/content/blog/pyjail-cheatsheet.md ("unicode bypass")
# Expect: OC101

object_type = ()._＿class＿_._＿base＿_
