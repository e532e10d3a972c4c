//! Every name of Python's `builtins` module, classified for untrusted code.
//!
//! Checked against the running interpreter by `tests/python/test_builtins_table.py`: a
//! builtin this table does not classify fails the test, so a new Python release's builtins
//! are reviewed before they are trusted.

/// How the verifier treats a builtin name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Any use is fine.
    Allow,
    /// Allowed only in the form a rule checks (and the compartment supplies a tamed version).
    Tame,
    /// Never: it reaches authority or reflection no rule can check.
    Deny,
}

pub struct Builtin {
    pub name: &'static str,
    pub policy: Policy,
    pub reason: &'static str,
}

const PURE: &str = "computes on its arguments only; grants nothing";
const TYPE: &str = "a type whose instances expose no hidden edge under a public name";
const CONSTANT: &str = "a constant";
const EXCEPTION: &str = "an exception class: raising and catching grant nothing; an instance's edges (`__traceback__`, `__context__`) are private names";

macro_rules! builtin {
    ($name:literal, $policy:ident, $reason:expr) => {
        Builtin {
            name: $name,
            policy: Policy::$policy,
            reason: $reason,
        }
    };
}

/// Sorted by name (byte order).
pub static BUILTINS: &[Builtin] = &[
    builtin!("ArithmeticError", Allow, EXCEPTION),
    builtin!("AssertionError", Allow, EXCEPTION),
    builtin!(
        "AttributeError",
        Allow,
        "an exception class; `.obj` of an instance (3.10+) is a hidden edge the attribute table lists"
    ),
    builtin!("BaseException", Allow, EXCEPTION),
    builtin!(
        "BaseExceptionGroup",
        Allow,
        "an exception class (3.11+); `.exceptions` reaches only exceptions, which `except` reaches anyway"
    ),
    builtin!("BlockingIOError", Allow, EXCEPTION),
    builtin!("BrokenPipeError", Allow, EXCEPTION),
    builtin!("BufferError", Allow, EXCEPTION),
    builtin!("BytesWarning", Allow, EXCEPTION),
    builtin!("ChildProcessError", Allow, EXCEPTION),
    builtin!("ConnectionAbortedError", Allow, EXCEPTION),
    builtin!("ConnectionError", Allow, EXCEPTION),
    builtin!("ConnectionRefusedError", Allow, EXCEPTION),
    builtin!("ConnectionResetError", Allow, EXCEPTION),
    builtin!("DeprecationWarning", Allow, EXCEPTION),
    builtin!("EOFError", Allow, EXCEPTION),
    builtin!("Ellipsis", Allow, CONSTANT),
    builtin!("EncodingWarning", Allow, EXCEPTION),
    builtin!("EnvironmentError", Allow, EXCEPTION),
    builtin!("Exception", Allow, EXCEPTION),
    builtin!(
        "ExceptionGroup",
        Allow,
        "an exception class (3.11+); `.exceptions` reaches only exceptions, which `except` reaches anyway"
    ),
    builtin!("False", Allow, CONSTANT),
    builtin!("FileExistsError", Allow, EXCEPTION),
    builtin!("FileNotFoundError", Allow, EXCEPTION),
    builtin!("FloatingPointError", Allow, EXCEPTION),
    builtin!("FutureWarning", Allow, EXCEPTION),
    builtin!("GeneratorExit", Allow, EXCEPTION),
    builtin!("IOError", Allow, EXCEPTION),
    builtin!("ImportError", Allow, EXCEPTION),
    builtin!("ImportWarning", Allow, EXCEPTION),
    builtin!("IndentationError", Allow, EXCEPTION),
    builtin!("IndexError", Allow, EXCEPTION),
    builtin!("InterruptedError", Allow, EXCEPTION),
    builtin!("IsADirectoryError", Allow, EXCEPTION),
    builtin!("KeyError", Allow, EXCEPTION),
    builtin!("KeyboardInterrupt", Allow, EXCEPTION),
    builtin!("LookupError", Allow, EXCEPTION),
    builtin!("MemoryError", Allow, EXCEPTION),
    builtin!("ModuleNotFoundError", Allow, EXCEPTION),
    builtin!("NameError", Allow, EXCEPTION),
    builtin!("None", Allow, CONSTANT),
    builtin!("NotADirectoryError", Allow, EXCEPTION),
    builtin!("NotImplemented", Allow, CONSTANT),
    builtin!("NotImplementedError", Allow, EXCEPTION),
    builtin!("OSError", Allow, EXCEPTION),
    builtin!("OverflowError", Allow, EXCEPTION),
    builtin!("PendingDeprecationWarning", Allow, EXCEPTION),
    builtin!("PermissionError", Allow, EXCEPTION),
    builtin!("ProcessLookupError", Allow, EXCEPTION),
    builtin!("PythonFinalizationError", Allow, EXCEPTION),
    builtin!("RecursionError", Allow, EXCEPTION),
    builtin!("ReferenceError", Allow, EXCEPTION),
    builtin!("ResourceWarning", Allow, EXCEPTION),
    builtin!("RuntimeError", Allow, EXCEPTION),
    builtin!("RuntimeWarning", Allow, EXCEPTION),
    builtin!("StopAsyncIteration", Allow, EXCEPTION),
    builtin!("StopIteration", Allow, EXCEPTION),
    builtin!("SyntaxError", Allow, EXCEPTION),
    builtin!("SyntaxWarning", Allow, EXCEPTION),
    builtin!("SystemError", Allow, EXCEPTION),
    builtin!("SystemExit", Allow, EXCEPTION),
    builtin!("TabError", Allow, EXCEPTION),
    builtin!("TimeoutError", Allow, EXCEPTION),
    builtin!("True", Allow, CONSTANT),
    builtin!("TypeError", Allow, EXCEPTION),
    builtin!("UnboundLocalError", Allow, EXCEPTION),
    builtin!("UnicodeDecodeError", Allow, EXCEPTION),
    builtin!("UnicodeEncodeError", Allow, EXCEPTION),
    builtin!("UnicodeError", Allow, EXCEPTION),
    builtin!("UnicodeTranslateError", Allow, EXCEPTION),
    builtin!("UnicodeWarning", Allow, EXCEPTION),
    builtin!("UserWarning", Allow, EXCEPTION),
    builtin!("ValueError", Allow, EXCEPTION),
    builtin!("Warning", Allow, EXCEPTION),
    builtin!("ZeroDivisionError", Allow, EXCEPTION),
    builtin!(
        "_IncompleteInputError",
        Deny,
        "a private name (3.13+, for `codeop`): untrusted code may not name private builtins"
    ),
    builtin!(
        "__build_class__",
        Deny,
        "builds classes without the compartment's checked unbound methods; the compartment supplies its own"
    ),
    builtin!(
        "__debug__",
        Deny,
        "a dunder name: only __name__, __doc__, __all__, __slots__, __qualname__ and __module__ are allowed"
    ),
    builtin!("__doc__", Allow, "a string"),
    builtin!(
        "__import__",
        Deny,
        "imports any module by name (os, sys, ctypes): the root of ambient authority"
    ),
    builtin!(
        "__loader__",
        Deny,
        "BuiltinImporter: loads any built-in module without __import__"
    ),
    builtin!("__name__", Allow, "a string"),
    builtin!(
        "__package__",
        Deny,
        "a dunder name: only __name__, __doc__, __all__, __slots__, __qualname__ and __module__ are allowed"
    ),
    builtin!(
        "__spec__",
        Deny,
        "a ModuleSpec whose .loader is BuiltinImporter"
    ),
    builtin!("abs", Allow, PURE),
    builtin!("aiter", Allow, PURE),
    builtin!("all", Allow, PURE),
    builtin!("anext", Allow, PURE),
    builtin!("any", Allow, PURE),
    builtin!("ascii", Allow, PURE),
    builtin!("bin", Allow, PURE),
    builtin!("bool", Allow, TYPE),
    builtin!(
        "breakpoint",
        Deny,
        "starts a debugger: every frame, and arbitrary code"
    ),
    builtin!("bytearray", Allow, TYPE),
    builtin!("bytes", Allow, TYPE),
    builtin!("callable", Allow, PURE),
    builtin!("chr", Allow, PURE),
    builtin!(
        "classmethod",
        Allow,
        "wraps a function; the function is reachable only through private names (__func__, __wrapped__)"
    ),
    builtin!(
        "compile",
        Deny,
        "builds code objects from strings the verifier never saw"
    ),
    builtin!("complex", Allow, TYPE),
    builtin!(
        "copyright",
        Deny,
        "site's printer: reads files of the installation and prompts on stdin"
    ),
    builtin!(
        "credits",
        Deny,
        "site's printer: reads files of the installation and prompts on stdin"
    ),
    builtin!(
        "delattr",
        Tame,
        "deletes an attribute named by a run-time string: allowed only with a public, literal name"
    ),
    builtin!("dict", Allow, TYPE),
    builtin!(
        "dir",
        Tame,
        "lists attribute names; the compartment's version lists public names only"
    ),
    builtin!("divmod", Allow, PURE),
    builtin!("enumerate", Allow, TYPE),
    builtin!("eval", Deny, "runs code the verifier never saw"),
    builtin!("exec", Deny, "runs code the verifier never saw"),
    builtin!(
        "exit",
        Deny,
        "site's Quitter: closes sys.stdin and raises SystemExit"
    ),
    builtin!("filter", Allow, TYPE),
    builtin!("float", Allow, TYPE),
    builtin!(
        "format",
        Allow,
        "format(value, spec) calls the value's __format__; unlike str.format it follows no attribute chain"
    ),
    builtin!("frozenset", Allow, TYPE),
    builtin!(
        "getattr",
        Tame,
        "reads an attribute named by a run-time string: allowed only with a public, literal name"
    ),
    builtin!(
        "globals",
        Deny,
        "the module's namespace dict, writable, with __builtins__ in it"
    ),
    builtin!(
        "hasattr",
        Tame,
        "reads an attribute named by a run-time string: allowed only with a public, literal name"
    ),
    builtin!("hash", Allow, PURE),
    builtin!(
        "help",
        Deny,
        "pydoc: imports modules by name, reads source files, may start a pager"
    ),
    builtin!("hex", Allow, PURE),
    builtin!(
        "id",
        Deny,
        "an object's memory address: a step towards memory corruption through ctypes, and an identity leak"
    ),
    builtin!(
        "input",
        Deny,
        "reads the process's standard input: ambient I/O"
    ),
    builtin!("int", Allow, TYPE),
    builtin!("isinstance", Allow, PURE),
    builtin!("issubclass", Allow, PURE),
    builtin!("iter", Allow, PURE),
    builtin!("len", Allow, PURE),
    builtin!(
        "license",
        Deny,
        "site's printer: reads files of the installation and prompts on stdin"
    ),
    builtin!("list", Allow, TYPE),
    builtin!(
        "locals",
        Deny,
        "the caller's local variables, or in a class body its namespace with the raw method functions"
    ),
    builtin!("map", Allow, TYPE),
    builtin!("max", Allow, PURE),
    builtin!(
        "memoryview",
        Deny,
        "a view of another object's buffer; memoryview.obj returns the exporting object"
    ),
    builtin!("min", Allow, PURE),
    builtin!("next", Allow, PURE),
    builtin!(
        "object",
        Allow,
        "the root class; its hidden edges (__subclasses__) are private names"
    ),
    builtin!("oct", Allow, PURE),
    builtin!(
        "open",
        Deny,
        "file-system access: a host grants file capabilities explicitly"
    ),
    builtin!("ord", Allow, PURE),
    builtin!("pow", Allow, PURE),
    builtin!(
        "print",
        Tame,
        "writes to standard output; the compartment routes it to a sink the host chooses"
    ),
    builtin!(
        "property",
        Allow,
        "its raw accessors (fget, fset, fdel) are hidden edges the attribute table lists"
    ),
    builtin!(
        "quit",
        Deny,
        "site's Quitter: closes sys.stdin and raises SystemExit"
    ),
    builtin!("range", Allow, TYPE),
    builtin!("repr", Allow, PURE),
    builtin!("reversed", Allow, TYPE),
    builtin!("round", Allow, PURE),
    builtin!("set", Allow, TYPE),
    builtin!(
        "setattr",
        Tame,
        "assigns an attribute named by a run-time string: allowed only with a public, literal name"
    ),
    builtin!("slice", Allow, TYPE),
    builtin!("sorted", Allow, PURE),
    builtin!(
        "staticmethod",
        Allow,
        "wraps a function; the function is reachable only through private names (__func__, __wrapped__)"
    ),
    builtin!(
        "str",
        Allow,
        "strings are safe, but str.format and str.format_map look attributes up by string: the reflection rules check those calls"
    ),
    builtin!("sum", Allow, PURE),
    builtin!(
        "super",
        Tame,
        "zero-argument super() in a method is the method's self; super(C, obj) runs any class's methods on any object"
    ),
    builtin!("tuple", Allow, TYPE),
    builtin!(
        "type",
        Tame,
        "allowed only as type(x), whose class a compartment gives as it is (compartment code's own, a builtin), as facades hand it out, or else by name only; type(name, bases, ns) builds a class around the compartment's class statement"
    ),
    builtin!(
        "vars",
        Deny,
        "returns an object's __dict__ (its private state) or the caller's locals"
    ),
    builtin!("zip", Allow, TYPE),
];

/// The table entry for a builtin name.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS
        .binary_search_by(|entry| entry.name.cmp(name))
        .ok()
        .map(|index| &BUILTINS[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in BUILTINS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn the_issue_list_is_denied() {
        for name in [
            "eval",
            "exec",
            "compile",
            "__import__",
            "globals",
            "locals",
            "vars",
            "open",
            "input",
            "breakpoint",
            "help",
            "exit",
            "quit",
            "copyright",
            "credits",
            "license",
            "memoryview",
            "id",
        ] {
            assert_eq!(
                builtin(name).map(|b| b.policy),
                Some(Policy::Deny),
                "{name}"
            );
        }
        assert_eq!(builtin("len").map(|b| b.policy), Some(Policy::Allow));
        assert_eq!(builtin("getattr").map(|b| b.policy), Some(Policy::Tame));
        assert_eq!(builtin("type").map(|b| b.policy), Some(Policy::Tame));
        assert!(builtin("nonexistent").is_none());
    }
}
