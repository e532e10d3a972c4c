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
    summary: "A file that does not parse for the target Python version fails.",
    rationale: "Code that does not parse cannot be verified; code that parses only for a newer \
        Python than the target would be read differently by the interpreter that runs it.",
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
