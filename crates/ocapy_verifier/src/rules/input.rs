//! Input the verifier cannot check. It fails closed: such a file is a violation, never a pass.

use crate::rule::RuleDoc;

pub const UNSUPPORTED_SYNTAX: RuleDoc = RuleDoc {
    summary: "Syntax the verifier has not been reviewed for is rejected.",
    rationale: "Every statement and expression kind is either checked or rejected by name, so \
        syntax a new Python release adds (or IPython escapes, or lazy imports) is refused until \
        someone decides how it can leak authority. A checker that skipped what it did not know \
        would pass it.",
    bad: "lazy import json\n",
    good: "import json\n",
};

pub const SYNTAX_ERROR: RuleDoc = RuleDoc {
    summary: "A file that does not parse, or that CPython's compiler refuses, for the target Python version fails.",
    rationale: "Code that does not parse cannot be verified; code that parses only for a newer \
        Python than the target would be read differently by the interpreter that runs it. The \
        errors CPython raises after parsing (`return` or `break` outside their blocks, \
        `nonlocal` without a binding, `await` outside an async function, a name used before \
        its `global` declaration, duplicate parameters, a late `__future__` import, ...) are \
        reported too, so a file never passes that the interpreter would not run.",
    bad: "def f(:\n    pass\n",
    good: "def f():\n    pass\n",
};

pub const UNREADABLE_SOURCE: RuleDoc = RuleDoc {
    summary: "A file that cannot be decoded, holds NUL bytes or nests too deeply fails.",
    rationale: "The verifier reads UTF-8, and the single-byte encodings a coding cookie may \
        name whose tables are proven equal to CPython's (Latin-1, ASCII, ISO 8859, the Windows \
        code pages, KOI8-R, CP866, Mac Roman and Cyrillic); text decoded otherwise than the \
        interpreter decodes it would not be the program that runs. \
        Bytes it cannot decode, NUL bytes, and nesting deeper than CPython itself accepts are \
        reported for the file instead of being guessed at or crashing the checker.",
    bad: "x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\n",
    good: "x = 1\n",
};

pub const INVALID_SUPPRESSION: RuleDoc = RuleDoc {
    summary: "A suppression comment without a reason, naming no rule, or covering nothing is reported (encapsulation profile).",
    rationale: "With the encapsulation profile, `# ocapy: ignore[OC101] reason` on a line \
        silences the named rules' diagnostics that start on it; the reason is required, so a \
        reviewer sees why the exemption is safe. A malformed suppression silences nothing, and \
        one that covers no diagnostic is reported so that exemptions do not outlive their \
        cause. The capability profile reads no suppression: the code it checks is the \
        adversary's, so its exemptions live only in the host's configuration \
        (`per-file-ignores`, `ignore`). Errors that mean the file was not checked (OC9xx) \
        cannot be suppressed.",
    bad: "class A:\n    def peek(self, other):\n        return other._x  # ocapy: ignore[OC101]\n",
    good: "class A:\n    def peek(self, other):\n        return other._x  # ocapy: ignore[OC101] same-module friend, see ADR 7\n",
};

#[cfg(test)]
mod tests {
    use crate::test_support::codes;

    #[test]
    fn errors_of_the_compiler_after_parsing() {
        for source in [
            "return 1\n",
            "for x in y:\n    pass\nelse:\n    break\n",
            "def f():\n    nonlocal x\n",
            "def f():\n    print(x)\n    global x\n",
            "def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n",
            "async def f():\n    lambda: await x\n",
            "import os\nfrom __future__ import annotations\n",
        ] {
            assert!(codes(source).contains(&"OC902"), "{source}");
        }
    }

    #[test]
    fn what_the_compiler_accepts_passes() {
        for source in [
            "def f():\n    return 1\n",
            "for x in y:\n    if x:\n        break\n",
            "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n",
            "async def f():\n    [await x for x in y]\n",
            "\"\"\"doc\"\"\"\nfrom __future__ import annotations\n",
            "x = 1\ndef g():\n    global x\n    global x\n",
            "class C:\n    def f(self):\n        nonlocal __class__\n",
        ] {
            assert!(!codes(source).contains(&"OC902"), "{source}");
        }
    }
}
