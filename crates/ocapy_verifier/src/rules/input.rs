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
    rationale: "The verifier reads UTF-8 (or Latin-1 and ASCII when a coding cookie says so). \
        Bytes it cannot decode, NUL bytes, and nesting deeper than CPython itself accepts are \
        reported for the file instead of being guessed at or crashing the checker.",
    bad: "x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\n",
    good: "x = 1\n",
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
