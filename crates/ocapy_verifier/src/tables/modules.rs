//! Module facades: which standard-library modules untrusted code may import, and which of
//! their names it may use.
//!
//! A module object is a hidden edge: every name it binds is public, the modules it imported
//! included (`datetime.sys`, `json.codecs`, `re.copyreg`, `random._os`). So untrusted code
//! never receives a module. The verifier accepts `import M` only for an allowed module, and
//! `M.name` or `from M import name` only for a name that M's facade exports; the runtime
//! builds the object a compartment sees as `M` from the same table. A facade is an
//! allowlist: a name that a new Python version adds stays out until it is reviewed here.
//!
//! A name is exported when it, and everything public one step from it, is safe to hand to
//! untrusted code: no module, frame, code object or globals; no attribute read by string; no
//! file, process, network or interpreter authority; no mutable state shared with the host or
//! other compartments; no writes to the objects it is given that the verifier would reject if
//! written in source. Underscore attributes (a pure-Python function's `__globals__`) are not
//! this table's concern: the verifier's private-attribute rules stop them. Nor is the raw
//! method edge: read through its class, a method of an exported pure-Python class
//! (`Fraction.limit_denominator`) is a plain function that runs on any object.
//!
//! A name that exists only from some Python version on has a reason starting with `"3.N+: "`;
//! the runtime skips names the running interpreter lacks. `tests/python/test_module_facades.py`
//! checks the table against each interpreter it runs on: every facade module imports, every
//! export exists on exactly the versions its reason claims, no export (nor any public attribute
//! of one) is a module, frame, code object, traceback or globals dict, and nothing exported is a
//! mutable container shared by the process.

/// One name a facade exports, and why it is safe to hand to untrusted code.
#[derive(Debug)]
pub struct Export {
    pub name: &'static str,
    pub reason: &'static str,
}

/// The public face of an importable module: the names untrusted code may use.
#[derive(Debug)]
pub struct ModuleFacade {
    pub module: &'static str,
    /// Why this module may be imported at all, and what its facade leaves out.
    pub reason: &'static str,
    /// Sorted by name.
    pub exports: &'static [Export],
}

/// A module the verifier refuses by default, and why (documents the decision; a host may
/// still grant it with an explicit facade of its own).
#[derive(Debug)]
pub struct RefusedModule {
    pub module: &'static str,
    pub reason: &'static str,
}

/// The facade of `module`, if the table has one.
#[must_use]
pub fn facade(module: &str) -> Option<&'static ModuleFacade> {
    MODULE_FACADES
        .binary_search_by(|facade| facade.module.cmp(module))
        .ok()
        .map(|index| &MODULE_FACADES[index])
}

impl ModuleFacade {
    /// The export called `name`, if this facade has one.
    #[must_use]
    pub fn export(&self, name: &str) -> Option<&'static Export> {
        let exports: &'static [Export] = self.exports;
        exports
            .binary_search_by(|export| export.name.cmp(name))
            .ok()
            .map(|index| &exports[index])
    }
}

const fn allow(name: &'static str, reason: &'static str) -> Export {
    Export { name, reason }
}

const PURE: &str = "pure function of its arguments";
const CONSTANT: &str = "immutable constant";
const EXCEPTION: &str = "exception class: its instances carry a message and their own data";
const SIGNAL: &str = "decimal signal: an exception class, and a key of a context's `flags` and \
                      `traps`";
const VALUE_TYPE: &str = "immutable value type";
const HASH: &str = "hash object constructor; the object holds only the data fed to it";
const IN_PLACE: &str = "in-place operator, as the syntax";
const CACHE: &str = "memoizing wrapper of the caller's function (C `_lru_cache_wrapper`)";
const ITERATOR: &str = "C iterator over values the caller supplies";
const CALLER_DATA: &str = "works on a list or iterable the caller already holds";
const TYPE_FORM: &str = "annotation vocabulary: subscripting or calling it builds a type \
                         description, nothing else";
const GENERIC_ALIAS: &str = "generic alias of a builtin or collections.abc class, whose public \
                             attributes it forwards";

pub static MODULE_FACADES: &[ModuleFacade] = &[
    ModuleFacade {
        module: "base64",
        reason: "Encoders and decoders over bytes; `encode`/`decode` call only `read`/`write` \
                 of the file-like objects they are given. Leaves out the imported `binascii`, \
                 `re` and `struct` modules.",
        exports: &[
            allow("a85decode", PURE),
            allow("a85encode", PURE),
            allow("b16decode", PURE),
            allow("b16encode", PURE),
            allow("b32decode", PURE),
            allow("b32encode", PURE),
            allow("b32hexdecode", PURE),
            allow("b32hexencode", PURE),
            allow("b64decode", PURE),
            allow("b64encode", PURE),
            allow("b85decode", PURE),
            allow("b85encode", PURE),
            allow(
                "decode",
                "reads the given input object, writes the given output object",
            ),
            allow("decodebytes", PURE),
            allow(
                "encode",
                "reads the given input object, writes the given output object",
            ),
            allow("encodebytes", PURE),
            allow("standard_b64decode", PURE),
            allow("standard_b64encode", PURE),
            allow("urlsafe_b64decode", PURE),
            allow("urlsafe_b64encode", PURE),
            allow("z85decode", "3.13+: pure function of its arguments"),
            allow("z85encode", "3.13+: pure function of its arguments"),
        ],
    },
    ModuleFacade {
        module: "binascii",
        reason: "C encoders, decoders and checksums over bytes. Leaves out the hqx functions \
                 (3.10 only, removed in 3.11).",
        exports: &[
            allow("Error", EXCEPTION),
            allow("Incomplete", EXCEPTION),
            allow("a2b_base64", PURE),
            allow("a2b_hex", PURE),
            allow("a2b_qp", PURE),
            allow("a2b_uu", PURE),
            allow("b2a_base64", PURE),
            allow("b2a_hex", PURE),
            allow("b2a_qp", PURE),
            allow("b2a_uu", PURE),
            allow("crc32", PURE),
            allow("crc_hqx", PURE),
            allow("hexlify", PURE),
            allow("unhexlify", PURE),
        ],
    },
    ModuleFacade {
        module: "bisect",
        reason: "C binary search and insertion into a sorted list the caller holds.",
        exports: &[
            allow("bisect", CALLER_DATA),
            allow("bisect_left", CALLER_DATA),
            allow("bisect_right", CALLER_DATA),
            allow("insort", CALLER_DATA),
            allow("insort_left", CALLER_DATA),
            allow("insort_right", CALLER_DATA),
        ],
    },
    ModuleFacade {
        module: "cmath",
        reason: "C complex math: pure functions and constants.",
        exports: &[
            allow("acos", PURE),
            allow("acosh", PURE),
            allow("asin", PURE),
            allow("asinh", PURE),
            allow("atan", PURE),
            allow("atanh", PURE),
            allow("cos", PURE),
            allow("cosh", PURE),
            allow("e", CONSTANT),
            allow("exp", PURE),
            allow("inf", CONSTANT),
            allow("infj", CONSTANT),
            allow("isclose", PURE),
            allow("isfinite", PURE),
            allow("isinf", PURE),
            allow("isnan", PURE),
            allow("log", PURE),
            allow("log10", PURE),
            allow("nan", CONSTANT),
            allow("nanj", CONSTANT),
            allow("phase", PURE),
            allow("pi", CONSTANT),
            allow("polar", PURE),
            allow("rect", PURE),
            allow("sin", PURE),
            allow("sinh", PURE),
            allow("sqrt", PURE),
            allow("tan", PURE),
            allow("tanh", PURE),
            allow("tau", CONSTANT),
        ],
    },
    ModuleFacade {
        module: "collections",
        reason: "Container types. Leaves out `namedtuple` (builds its class with `exec` and \
                 reads the caller's frame to name its module) and `abc` (a module).",
        exports: &[
            allow(
                "ChainMap",
                "mapping over the caller's own mappings (public `maps`)",
            ),
            allow("Counter", "dict subclass that counts"),
            allow("OrderedDict", "C dict subclass"),
            allow(
                "UserDict",
                "dict wrapper whose public `data` is its own dict",
            ),
            allow(
                "UserList",
                "list wrapper whose public `data` is its own list",
            ),
            allow(
                "UserString",
                "str wrapper whose public `data` is its own str",
            ),
            allow(
                "defaultdict",
                "C dict subclass; its public `default_factory` is the callable its creator \
                 passed",
            ),
            allow("deque", "C double-ended queue"),
        ],
    },
    ModuleFacade {
        module: "datetime",
        reason: "C date and time value types. The clock reads (`datetime.now`, `date.today`) \
                 are methods of the exported classes and are accepted as harmless \
                 nondeterminism. Leaves out the imported `sys` module (3.10, 3.11) and the \
                 `datetime_CAPI` capsule (a raw C pointer).",
        exports: &[
            allow("MAXYEAR", CONSTANT),
            allow("MINYEAR", CONSTANT),
            allow("UTC", "3.11+: immutable time zone, `timezone.utc`"),
            allow("date", VALUE_TYPE),
            allow("datetime", VALUE_TYPE),
            allow(
                "time",
                "immutable value type (a time of day, not the `time` module)",
            ),
            allow("timedelta", VALUE_TYPE),
            allow("timezone", "immutable fixed-offset time zone"),
            allow("tzinfo", "abstract base for time zones the caller defines"),
        ],
    },
    ModuleFacade {
        module: "decimal",
        reason: "Decimal arithmetic. Leaves out `getcontext`, `setcontext`, `localcontext`, \
                 `DefaultContext`, `BasicContext` and `ExtendedContext`: each reaches a \
                 mutable context shared with the host (the thread's current context, or a \
                 template every new context copies), through which untrusted code could change \
                 the host's precision, rounding and traps. Build a `Context` and pass it \
                 explicitly. Arithmetic without one still uses the thread's current context: \
                 it reads the host's settings and sets its sticky flags.",
        exports: &[
            allow("Clamped", SIGNAL),
            allow(
                "Context",
                "a fresh arithmetic context, owned by whoever builds it",
            ),
            allow("ConversionSyntax", SIGNAL),
            allow("Decimal", "immutable C decimal number"),
            allow("DecimalException", SIGNAL),
            allow(
                "DecimalTuple",
                "named tuple class of (sign, digits, exponent)",
            ),
            allow("DivisionByZero", SIGNAL),
            allow("DivisionImpossible", SIGNAL),
            allow("DivisionUndefined", SIGNAL),
            allow("FloatOperation", SIGNAL),
            allow("HAVE_CONTEXTVAR", CONSTANT),
            allow("HAVE_THREADS", CONSTANT),
            allow("Inexact", SIGNAL),
            allow("InvalidContext", SIGNAL),
            allow("InvalidOperation", SIGNAL),
            allow("MAX_EMAX", CONSTANT),
            allow("MAX_PREC", CONSTANT),
            allow("MIN_EMIN", CONSTANT),
            allow("MIN_ETINY", CONSTANT),
            allow("Overflow", SIGNAL),
            allow("ROUND_05UP", CONSTANT),
            allow("ROUND_CEILING", CONSTANT),
            allow("ROUND_DOWN", CONSTANT),
            allow("ROUND_FLOOR", CONSTANT),
            allow("ROUND_HALF_DOWN", CONSTANT),
            allow("ROUND_HALF_EVEN", CONSTANT),
            allow("ROUND_HALF_UP", CONSTANT),
            allow("ROUND_UP", CONSTANT),
            allow("Rounded", SIGNAL),
            allow("Subnormal", SIGNAL),
            allow("Underflow", SIGNAL),
        ],
    },
    ModuleFacade {
        module: "difflib",
        reason: "Sequence comparison and diff text; `HtmlDiff` returns HTML as strings and \
                 touches no file. Leaves out only the imported `GenericAlias`.",
        exports: &[
            allow(
                "Differ",
                "line differ; its public attributes are the junk predicates it was given",
            ),
            allow(
                "HtmlDiff",
                "renders diffs as HTML strings; their anchor ids number the tables the whole \
                 process has made, which leaks a count and nothing else",
            ),
            allow("IS_CHARACTER_JUNK", PURE),
            allow("IS_LINE_JUNK", PURE),
            allow("Match", "named tuple class of (a, b, size)"),
            allow(
                "SequenceMatcher",
                "its public attributes are the sequences it was given and tables built from them",
            ),
            allow("context_diff", PURE),
            allow(
                "diff_bytes",
                "calls the diff function it is given on the bytes it is given",
            ),
            allow("get_close_matches", PURE),
            allow("ndiff", PURE),
            allow("restore", PURE),
            allow("unified_diff", PURE),
        ],
    },
    ModuleFacade {
        module: "enum",
        reason: "Enumerations. Leaves out the metaclass (`EnumMeta`, `EnumType`: builds classes \
                 without a class statement) and `EnumDict`; `global_enum` (copies an enum's \
                 members into `sys.modules[cls.__module__]`, and the functional API lets the \
                 caller choose that module: `Enum('E', [('dumps', 1)], module='json')` would \
                 overwrite `json.dumps` for the host); `global_str`, `global_enum_repr`, \
                 `global_flag_repr`, `pickle_by_enum_name` and `pickle_by_global_name` (read \
                 `_name_`/`_value_` of whatever they are given); `verify` and `EnumCheck` with \
                 its members (read the private member tables of the class given); `property` \
                 (public `fget`/`fset`/`fdel`).",
        exports: &[
            allow("CONFORM", "3.11+: immutable flag-boundary constant"),
            allow("EJECT", "3.11+: immutable flag-boundary constant"),
            allow("Enum", "base class for enumerations the caller defines"),
            allow("Flag", "base class for flag enumerations"),
            allow(
                "FlagBoundary",
                "3.11+: enumeration of flag-boundary policies",
            ),
            allow("IntEnum", "base class for int enumerations"),
            allow("IntFlag", "base class for int flag enumerations"),
            allow("KEEP", "3.11+: immutable flag-boundary constant"),
            allow(
                "ReprEnum",
                "3.11+: base class for enumerations that keep their mixin's str()",
            ),
            allow("STRICT", "3.11+: immutable flag-boundary constant"),
            allow("StrEnum", "3.11+: base class for str enumerations"),
            allow("auto", "placeholder for an automatic member value"),
            allow("member", "3.11+: marks a class-body value as a member"),
            allow(
                "nonmember",
                "3.11+: marks a class-body value as not a member",
            ),
            allow(
                "unique",
                "decorator that checks an enumeration for aliases and returns it unchanged",
            ),
        ],
    },
    ModuleFacade {
        module: "fractions",
        reason: "Exact rational numbers. `Fraction` is the module's only public name; the rest \
                 are imported modules and `Decimal`.",
        exports: &[allow(
            "Fraction",
            "immutable rational number; its metaclass is ABCMeta, whose public `register` \
             (process-wide virtual subclassing) the attribute rules must refuse",
        )],
    },
    ModuleFacade {
        module: "functools",
        reason: "Not allowed by default: wrapping callables, what the module is for, is what \
                 its facade removes, so a host opts in. Keeps the pure helpers and the \
                 caches (their wrappers copy the wrapped callable's `__dict__` onto a C object \
                 of their own, whose underscore attributes the verifier already refuses). \
                 Leaves out `partial`/`partialmethod` (public `func`, `args`, `keywords`), \
                 `cached_property` (public `func`), `update_wrapper`/`wraps` (copy the \
                 `__dict__` of any object onto another: `update_wrapper(mine, victim)` hands \
                 `victim`'s private state to an object of the caller's class), \
                 `singledispatch`/`singledispatchmethod` (`register` evaluates string \
                 annotations with `typing.get_type_hints`: `eval` of unverified text), \
                 `total_ordering` (sets methods on the class it is given, which may be the \
                 host's) and `WRAPPER_ASSIGNMENTS`/`WRAPPER_UPDATES` (used only by the wrappers).",
        exports: &[
            allow("cache", CACHE),
            allow(
                "cmp_to_key",
                "C key wrapper; its public `obj` is the value it wraps",
            ),
            allow("lru_cache", CACHE),
            allow("reduce", PURE),
        ],
    },
    ModuleFacade {
        module: "hashlib",
        reason: "Hash functions over bytes. Leaves out `algorithms_available` and \
                 `algorithms_guaranteed`, mutable sets shared with the host (`new` takes the \
                 same names), and `scrypt` (not in `__all__`; OpenSSL builds only).",
        exports: &[
            allow("blake2b", HASH),
            allow("blake2s", HASH),
            allow(
                "file_digest",
                "3.11+: hashes the file-like object it is given, calling only its read methods",
            ),
            allow("md5", HASH),
            allow("new", "hash object constructor, by algorithm name"),
            allow("pbkdf2_hmac", PURE),
            allow("sha1", HASH),
            allow("sha224", HASH),
            allow("sha256", HASH),
            allow("sha384", HASH),
            allow("sha3_224", HASH),
            allow("sha3_256", HASH),
            allow("sha3_384", HASH),
            allow("sha3_512", HASH),
            allow("sha512", HASH),
            allow("shake_128", HASH),
            allow("shake_256", HASH),
        ],
    },
    ModuleFacade {
        module: "heapq",
        reason: "Heap operations on a list the caller holds.",
        exports: &[
            allow("heapify", CALLER_DATA),
            allow("heappop", CALLER_DATA),
            allow("heappush", CALLER_DATA),
            allow("heappushpop", CALLER_DATA),
            allow("heapreplace", CALLER_DATA),
            allow("merge", CALLER_DATA),
            allow("nlargest", CALLER_DATA),
            allow("nsmallest", CALLER_DATA),
        ],
    },
    ModuleFacade {
        module: "hmac",
        reason: "Keyed hashing (the module has no `__all__`; these are its documented names). \
                 HMAC objects expose only their digest parameters and methods. Leaves out \
                 `trans_36`, `trans_5C` and `digest_size` (undocumented internals).",
        exports: &[
            allow("HMAC", "keyed hash object; its key material is private"),
            allow("compare_digest", PURE),
            allow("digest", PURE),
            allow("new", "keyed hash object constructor"),
        ],
    },
    ModuleFacade {
        module: "itertools",
        reason: "C iterator building blocks.",
        exports: &[
            allow("accumulate", ITERATOR),
            allow(
                "batched",
                "3.12+: C iterator over values the caller supplies",
            ),
            allow("chain", ITERATOR),
            allow("combinations", ITERATOR),
            allow("combinations_with_replacement", ITERATOR),
            allow("compress", ITERATOR),
            allow("count", ITERATOR),
            allow("cycle", ITERATOR),
            allow("dropwhile", ITERATOR),
            allow("filterfalse", ITERATOR),
            allow("groupby", ITERATOR),
            allow("islice", ITERATOR),
            allow("pairwise", ITERATOR),
            allow("permutations", ITERATOR),
            allow("product", ITERATOR),
            allow("repeat", ITERATOR),
            allow("starmap", ITERATOR),
            allow("takewhile", ITERATOR),
            allow("tee", ITERATOR),
            allow("zip_longest", ITERATOR),
        ],
    },
    ModuleFacade {
        module: "json",
        reason: "JSON text to and from Python values; `dump`/`load` call only `write`/`read` \
                 of the file-like object they are given. Leaves out the `codecs`, `decoder`, \
                 `encoder` and `scanner` modules and the undocumented `detect_encoding`.",
        exports: &[
            allow(
                "JSONDecodeError",
                "exception with public `msg`, `doc`, `pos`, `lineno`, `colno`",
            ),
            allow(
                "JSONDecoder",
                "decoder; its public attributes are the hooks and flags it was built with",
            ),
            allow(
                "JSONEncoder",
                "encoder; its public attributes are the options and `default` hook it was built \
                 with",
            ),
            allow(
                "dump",
                "encodes a value and writes it to the file-like object it is given",
            ),
            allow("dumps", PURE),
            allow(
                "load",
                "reads the file-like object it is given and decodes the text",
            ),
            allow("loads", PURE),
        ],
    },
    ModuleFacade {
        module: "math",
        reason: "C real math: pure functions and constants.",
        exports: &[
            allow("acos", PURE),
            allow("acosh", PURE),
            allow("asin", PURE),
            allow("asinh", PURE),
            allow("atan", PURE),
            allow("atan2", PURE),
            allow("atanh", PURE),
            allow("cbrt", "3.11+: pure function of its arguments"),
            allow("ceil", PURE),
            allow("comb", PURE),
            allow("copysign", PURE),
            allow("cos", PURE),
            allow("cosh", PURE),
            allow("degrees", PURE),
            allow("dist", PURE),
            allow("e", CONSTANT),
            allow("erf", PURE),
            allow("erfc", PURE),
            allow("exp", PURE),
            allow("exp2", "3.11+: pure function of its arguments"),
            allow("expm1", PURE),
            allow("fabs", PURE),
            allow("factorial", PURE),
            allow("floor", PURE),
            allow("fma", "3.13+: pure function of its arguments"),
            allow("fmod", PURE),
            allow("frexp", PURE),
            allow("fsum", PURE),
            allow("gamma", PURE),
            allow("gcd", PURE),
            allow("hypot", PURE),
            allow("inf", CONSTANT),
            allow("isclose", PURE),
            allow("isfinite", PURE),
            allow("isinf", PURE),
            allow("isnan", PURE),
            allow("isqrt", PURE),
            allow("lcm", PURE),
            allow("ldexp", PURE),
            allow("lgamma", PURE),
            allow("log", PURE),
            allow("log10", PURE),
            allow("log1p", PURE),
            allow("log2", PURE),
            allow("modf", PURE),
            allow("nan", CONSTANT),
            allow("nextafter", PURE),
            allow("perm", PURE),
            allow("pi", CONSTANT),
            allow("pow", PURE),
            allow("prod", PURE),
            allow("radians", PURE),
            allow("remainder", PURE),
            allow("sin", PURE),
            allow("sinh", PURE),
            allow("sqrt", PURE),
            allow("sumprod", "3.12+: pure function of its arguments"),
            allow("tan", PURE),
            allow("tanh", PURE),
            allow("tau", CONSTANT),
            allow("trunc", PURE),
            allow("ulp", PURE),
        ],
    },
    ModuleFacade {
        module: "operator",
        reason: "Python's operators as C functions: each does what its syntax does. Leaves out \
                 `attrgetter` and `methodcaller`, which read attributes named by strings \
                 (`attrgetter('__class__')`) past the verifier's attribute rules, and the \
                 dunder aliases (`__add__`...).",
        exports: &[
            allow("abs", PURE),
            allow("add", PURE),
            allow("and_", PURE),
            allow("call", "3.11+: `f(*args, **kwargs)`, as the syntax"),
            allow("concat", PURE),
            allow("contains", PURE),
            allow("countOf", PURE),
            allow("delitem", "`del a[b]`, as the syntax"),
            allow("eq", PURE),
            allow("floordiv", PURE),
            allow("ge", PURE),
            allow("getitem", "`a[b]`, as the syntax (items, never attributes)"),
            allow("gt", PURE),
            allow("iadd", IN_PLACE),
            allow("iand", IN_PLACE),
            allow("iconcat", IN_PLACE),
            allow("ifloordiv", IN_PLACE),
            allow("ilshift", IN_PLACE),
            allow("imatmul", IN_PLACE),
            allow("imod", IN_PLACE),
            allow("imul", IN_PLACE),
            allow("index", PURE),
            allow("indexOf", PURE),
            allow("inv", PURE),
            allow("invert", PURE),
            allow("ior", IN_PLACE),
            allow("ipow", IN_PLACE),
            allow("irshift", IN_PLACE),
            allow("is_", PURE),
            allow("is_not", PURE),
            allow("isub", IN_PLACE),
            allow(
                "itemgetter",
                "C callable doing `a[b]` (items, never attributes)",
            ),
            allow("itruediv", IN_PLACE),
            allow("ixor", IN_PLACE),
            allow("le", PURE),
            allow("length_hint", PURE),
            allow("lshift", PURE),
            allow("lt", PURE),
            allow("matmul", PURE),
            allow("mod", PURE),
            allow("mul", PURE),
            allow("ne", PURE),
            allow("neg", PURE),
            allow("not_", PURE),
            allow("or_", PURE),
            allow("pos", PURE),
            allow("pow", PURE),
            allow("rshift", PURE),
            allow("setitem", "`a[b] = c`, as the syntax"),
            allow("sub", PURE),
            allow("truediv", PURE),
            allow("truth", PURE),
            allow("xor", PURE),
        ],
    },
    ModuleFacade {
        module: "random",
        reason: "Pseudo-random generators, as classes only. The module-level functions \
                 (`random`, `choice`, `seed`, `getstate`...) are bound methods of one generator \
                 shared by the whole process: untrusted code could seed it, or rebuild its state \
                 from 624 draws, and so predict and steer the host's draws. `Random()` is a \
                 private generator seeded from `os.urandom`; `SystemRandom` draws from \
                 `os.urandom` (harmless nondeterminism). Leaves out the imported `_os` and \
                 `_random` modules.",
        exports: &[
            allow("Random", "a generator of the caller's own"),
            allow(
                "SystemRandom",
                "generator over `os.urandom`; it has no state to share",
            ),
        ],
    },
    ModuleFacade {
        module: "re",
        reason: "Regular expressions. Leaves out the imported `copyreg`, `enum`, `functools` \
                 (and, on 3.10, `sre_compile`, `sre_parse`) modules; `purge` (clears the \
                 process-wide pattern cache); `template`, `T` and `TEMPLATE` (deprecated in \
                 3.11, removed in 3.13); the undocumented `Scanner`; and `DEBUG`, which makes \
                 `compile` print the parsed pattern to stdout. Its value, 128, can still be \
                 passed as an int: the print is then the only effect.",
        exports: &[
            allow("A", CONSTANT),
            allow("ASCII", CONSTANT),
            allow("DOTALL", CONSTANT),
            allow("I", CONSTANT),
            allow("IGNORECASE", CONSTANT),
            allow("L", CONSTANT),
            allow("LOCALE", CONSTANT),
            allow("M", CONSTANT),
            allow("MULTILINE", CONSTANT),
            allow(
                "Match",
                "C match type; public `re`, `string`, `pos`, `endpos`, `lastindex`, `lastgroup`, \
                 `regs` are the pattern, the subject and positions",
            ),
            allow("NOFLAG", "3.11+: immutable constant"),
            allow(
                "Pattern",
                "C pattern type; public `pattern`, `flags`, `groups`, `groupindex`",
            ),
            allow(
                "PatternError",
                "3.13+: exception class, the new name of `error`",
            ),
            allow("RegexFlag", "enumeration of the flags"),
            allow("S", CONSTANT),
            allow("U", CONSTANT),
            allow("UNICODE", CONSTANT),
            allow("VERBOSE", CONSTANT),
            allow("X", CONSTANT),
            allow(
                "compile",
                "compiles a pattern; the compiled pattern is immutable",
            ),
            allow(
                "error",
                "exception with public `msg`, `pattern`, `pos`, `lineno`, `colno`",
            ),
            allow("escape", PURE),
            allow("findall", PURE),
            allow("finditer", PURE),
            allow("fullmatch", PURE),
            allow("match", PURE),
            allow("search", PURE),
            allow("split", PURE),
            allow(
                "sub",
                "pure; a template replacement refers to groups by number or name, never to \
                 attributes",
            ),
            allow(
                "subn",
                "pure; a template replacement refers to groups by number or name, never to \
                 attributes",
            ),
        ],
    },
    ModuleFacade {
        module: "statistics",
        reason: "Descriptive statistics over data the caller holds. Leaves out the imported \
                 modules, and `NormalDist`: `NormalDist.samples()` without a seed draws from \
                 the process-wide `random` generator (see `random`).",
        exports: &[
            allow("StatisticsError", EXCEPTION),
            allow("correlation", PURE),
            allow("covariance", PURE),
            allow("fmean", PURE),
            allow("geometric_mean", PURE),
            allow("harmonic_mean", PURE),
            allow(
                "kde",
                "3.13+: builds a density function from the caller's data; pure",
            ),
            allow(
                "kde_random",
                "3.13+: sampler over the caller's data, with a generator of its own \
                 (`random.Random(seed)`), never the shared one",
            ),
            allow("linear_regression", PURE),
            allow("mean", PURE),
            allow("median", PURE),
            allow("median_grouped", PURE),
            allow("median_high", PURE),
            allow("median_low", PURE),
            allow("mode", PURE),
            allow("multimode", PURE),
            allow("pstdev", PURE),
            allow("pvariance", PURE),
            allow("quantiles", PURE),
            allow("stdev", PURE),
            allow("variance", PURE),
        ],
    },
    ModuleFacade {
        module: "string",
        reason: "String constants, `capwords` and `Template`. Leaves out `Formatter`: \
                 `Formatter().format('{0.__class__}', x)` and `get_field` read attribute and \
                 index chains named by strings.",
        exports: &[
            allow(
                "Template",
                "`$name` placeholders are looked up as mapping keys only, never as attributes \
                 or indexes (unlike `str.format`)",
            ),
            allow("ascii_letters", CONSTANT),
            allow("ascii_lowercase", CONSTANT),
            allow("ascii_uppercase", CONSTANT),
            allow("capwords", PURE),
            allow("digits", CONSTANT),
            allow("hexdigits", CONSTANT),
            allow("octdigits", CONSTANT),
            allow("printable", CONSTANT),
            allow("punctuation", CONSTANT),
            allow("whitespace", CONSTANT),
        ],
    },
    ModuleFacade {
        module: "textwrap",
        reason: "Text wrapping functions. Leaves out `TextWrapper`: its class attribute \
                 `unicode_whitespace_trans` is a dict shared by every wrapper in the process, \
                 which an item assignment would change for the host; the functions build \
                 wrappers of their own. Leaves out the imported `re` module.",
        exports: &[
            allow("dedent", PURE),
            allow("fill", PURE),
            allow("indent", PURE),
            allow("shorten", PURE),
            allow("wrap", PURE),
        ],
    },
    ModuleFacade {
        module: "typing",
        reason: "The vocabulary of type annotations. Leaves out `get_type_hints` (evaluates \
                 string annotations: `eval` of unverified text) and `ForwardRef` (such a \
                 string, compiled); `NamedTuple` (built by `collections.namedtuple`, with \
                 `exec`); `Protocol`, `runtime_checkable` and the `Supports*` protocols (a \
                 runtime-checkable protocol probes any object with `hasattr` for each member \
                 name, private ones included); `final`, `override`, `dataclass_transform`, \
                 `no_type_check` and `no_type_check_decorator` (set attributes on the object \
                 they are given, which may be the host's); `overload`, `get_overloads` and \
                 `clear_overloads` (3.11+: a registry shared by the process); `reveal_type` \
                 (writes to stderr); `get_protocol_members` and `is_protocol` (protocol \
                 introspection); `get_args` and `get_origin` (public twins of the hidden edges \
                 `__args__` and `__origin__`; on 3.14 a string argument comes back as a \
                 `ForwardRef` whose public `evaluate()` runs it); `ByteString` (deprecated); and \
                 the imported modules.",
        exports: &[
            allow("AbstractSet", GENERIC_ALIAS),
            allow("Annotated", TYPE_FORM),
            allow("Any", TYPE_FORM),
            allow("AnyStr", "immutable type variable"),
            allow("AsyncContextManager", GENERIC_ALIAS),
            allow("AsyncGenerator", GENERIC_ALIAS),
            allow("AsyncIterable", GENERIC_ALIAS),
            allow("AsyncIterator", GENERIC_ALIAS),
            allow("Awaitable", GENERIC_ALIAS),
            allow(
                "BinaryIO",
                "abstract annotation class; its methods are empty stubs",
            ),
            allow("Callable", TYPE_FORM),
            allow("ChainMap", GENERIC_ALIAS),
            allow("ClassVar", TYPE_FORM),
            allow("Collection", GENERIC_ALIAS),
            allow("Concatenate", TYPE_FORM),
            allow("Container", GENERIC_ALIAS),
            allow("ContextManager", GENERIC_ALIAS),
            allow("Coroutine", GENERIC_ALIAS),
            allow("Counter", GENERIC_ALIAS),
            allow("DefaultDict", GENERIC_ALIAS),
            allow("Deque", GENERIC_ALIAS),
            allow("Dict", GENERIC_ALIAS),
            allow("Final", TYPE_FORM),
            allow("FrozenSet", GENERIC_ALIAS),
            allow("Generator", GENERIC_ALIAS),
            allow("Generic", "base class for the caller's generic classes"),
            allow("Hashable", GENERIC_ALIAS),
            allow(
                "IO",
                "abstract annotation class; its methods are empty stubs",
            ),
            allow("ItemsView", GENERIC_ALIAS),
            allow("Iterable", GENERIC_ALIAS),
            allow("Iterator", GENERIC_ALIAS),
            allow("KeysView", GENERIC_ALIAS),
            allow("List", GENERIC_ALIAS),
            allow("Literal", TYPE_FORM),
            allow("LiteralString", "3.11+: annotation vocabulary"),
            allow("Mapping", GENERIC_ALIAS),
            allow("MappingView", GENERIC_ALIAS),
            allow("Match", GENERIC_ALIAS),
            allow("MutableMapping", GENERIC_ALIAS),
            allow("MutableSequence", GENERIC_ALIAS),
            allow("MutableSet", GENERIC_ALIAS),
            allow("Never", "3.11+: annotation vocabulary"),
            allow(
                "NewType",
                "builds an identity callable naming a type; reads only the caller's module name",
            ),
            allow("NoDefault", "3.13+: immutable sentinel"),
            allow("NoReturn", TYPE_FORM),
            allow("NotRequired", "3.11+: annotation vocabulary"),
            allow("Optional", TYPE_FORM),
            allow("OrderedDict", GENERIC_ALIAS),
            allow("ParamSpec", TYPE_FORM),
            allow("ParamSpecArgs", TYPE_FORM),
            allow("ParamSpecKwargs", TYPE_FORM),
            allow("Pattern", GENERIC_ALIAS),
            allow("ReadOnly", "3.13+: annotation vocabulary"),
            allow("Required", "3.11+: annotation vocabulary"),
            allow("Reversible", GENERIC_ALIAS),
            allow("Self", "3.11+: annotation vocabulary"),
            allow("Sequence", GENERIC_ALIAS),
            allow("Set", GENERIC_ALIAS),
            allow("Sized", GENERIC_ALIAS),
            allow("TYPE_CHECKING", CONSTANT),
            allow("Text", "alias of `str`"),
            allow(
                "TextIO",
                "abstract annotation class; its methods are empty stubs",
            ),
            allow("Tuple", TYPE_FORM),
            allow("Type", GENERIC_ALIAS),
            allow("TypeAlias", TYPE_FORM),
            allow("TypeAliasType", "3.12+: annotation vocabulary"),
            allow("TypeGuard", TYPE_FORM),
            allow("TypeIs", "3.13+: annotation vocabulary"),
            allow("TypeVar", TYPE_FORM),
            allow("TypeVarTuple", "3.11+: annotation vocabulary"),
            allow(
                "TypedDict",
                "builds a plain dict subclass from the caller's annotations",
            ),
            allow("Union", TYPE_FORM),
            allow("Unpack", "3.11+: annotation vocabulary"),
            allow("ValuesView", GENERIC_ALIAS),
            allow("assert_never", "3.11+: raises; touches nothing"),
            allow("assert_type", "3.11+: returns its argument"),
            allow("cast", "returns its argument"),
            allow("is_typeddict", PURE),
        ],
    },
    ModuleFacade {
        module: "unicodedata",
        reason: "C Unicode database lookups (the module has no `__all__`).",
        exports: &[
            allow("UCD", "type of the database objects; no constructor"),
            allow("bidirectional", PURE),
            allow("category", PURE),
            allow("combining", PURE),
            allow("decimal", PURE),
            allow("decomposition", PURE),
            allow("digit", PURE),
            allow("east_asian_width", PURE),
            allow("is_normalized", PURE),
            allow("lookup", PURE),
            allow("mirrored", PURE),
            allow("name", PURE),
            allow("normalize", PURE),
            allow("numeric", PURE),
            allow("ucd_3_2_0", "immutable database object for Unicode 3.2.0"),
            allow("unidata_version", CONSTANT),
        ],
    },
];

/// Modules importable when the configuration does not say otherwise (each has a facade).
pub static DEFAULT_ALLOWED_MODULES: &[&str] = &[
    "base64",
    "binascii",
    "bisect",
    "cmath",
    "collections",
    "datetime",
    "decimal",
    "difflib",
    "enum",
    "fractions",
    "hashlib",
    "heapq",
    "hmac",
    "itertools",
    "json",
    "math",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "textwrap",
    "typing",
    "unicodedata",
];

pub static REFUSED_MODULES: &[RefusedModule] = &[
    RefusedModule {
        module: "_thread",
        reason: "runs code on new threads, outside any call the host makes into the compartment",
    },
    RefusedModule {
        module: "asyncio",
        reason: "`all_tasks` reaches every task of a loop and `get_stack` its frames; the event \
                 loop opens sockets and subprocesses",
    },
    RefusedModule {
        module: "builtins",
        reason: "the interpreter's real builtins (`open`, `eval`, `exec`, `__import__`, \
                 `getattr`), past the compartment's tamed ones",
    },
    RefusedModule {
        module: "code",
        reason: "`InteractiveInterpreter.runsource` compiles and runs strings: unverified code",
    },
    RefusedModule {
        module: "codecs",
        reason: "`open` opens files, and `register` installs a search function the whole \
                 process calls on every unknown encoding name",
    },
    RefusedModule {
        module: "codeop",
        reason: "`compile_command` compiles strings: unverified code",
    },
    RefusedModule {
        module: "contextvars",
        reason: "`copy_context` returns the value of every context variable of the thread, the \
                 host's included",
    },
    RefusedModule {
        module: "copy",
        reason: "copies through `__reduce_ex__`, which reads every private attribute; \
                 `deepcopy(x, memo)` leaves each original object it walked, private ones \
                 included, in the caller's `memo`",
    },
    RefusedModule {
        module: "copyreg",
        reason: "`pickle` and `dispatch_table` install reducers for the whole process, which \
                 `copy` and `pickle` then run on the host's objects",
    },
    RefusedModule {
        module: "ctypes",
        reason: "reads and writes raw memory (`string_at`, `memmove`, `cast`), loads shared \
                 libraries and calls the C API",
    },
    RefusedModule {
        module: "dataclasses",
        reason: "`fields`, `asdict`, `astuple` and `replace` read every field of any dataclass \
                 instance by name, private ones included; the methods `dataclass` adds are \
                 built with `exec` after the class statement, so they are raw functions that \
                 run on any object; `make_dataclass` builds classes with `exec`",
    },
    RefusedModule {
        module: "dis",
        reason: "disassembles any function's code object, constants included, and the frames \
                 of a traceback",
    },
    RefusedModule {
        module: "gc",
        reason: "`get_objects`, `get_referrers` and `get_referents` reach every object in the \
                 process, frames and globals included",
    },
    RefusedModule {
        module: "importlib",
        reason: "`import_module` imports any module by name, past the allowlist; `reload` \
                 re-runs one",
    },
    RefusedModule {
        module: "inspect",
        reason: "reaches frames (`currentframe`, `stack`), closures and globals \
                 (`getclosurevars`), generator locals, attributes by string (`getmembers`, \
                 `getattr_static`) and source files (`getsource`)",
    },
    RefusedModule {
        module: "io",
        reason: "`open` and `FileIO` open files; a host that wants the in-memory `StringIO` and \
                 `BytesIO` can grant a facade of just those",
    },
    RefusedModule {
        module: "linecache",
        reason: "`getline` reads any file",
    },
    RefusedModule {
        module: "logging",
        reason: "process-wide handlers and loggers shared with the host; handlers write files \
                 and sockets; `logging.config` resolves dotted names to objects",
    },
    RefusedModule {
        module: "marshal",
        reason: "`loads` builds code objects from bytes: unverified code",
    },
    RefusedModule {
        module: "multiprocessing",
        reason: "starts processes and opens pipes and sockets; pickles what it sends",
    },
    RefusedModule {
        module: "os",
        reason: "files, processes, the environment and raw file descriptors",
    },
    RefusedModule {
        module: "pathlib",
        reason: "reads and writes the file system",
    },
    RefusedModule {
        module: "pdb",
        reason: "a debugger: frames of the whole stack and code execution",
    },
    RefusedModule {
        module: "pickle",
        reason: "`loads` imports any module and calls what it finds (`find_class`, REDUCE); \
                 `dumps` reads private state through `__reduce_ex__`",
    },
    RefusedModule {
        module: "pkgutil",
        reason: "`resolve_name` turns a dotted string into any object; `get_data` reads files",
    },
    RefusedModule {
        module: "runpy",
        reason: "runs any file or module as code",
    },
    RefusedModule {
        module: "shutil",
        reason: "copies, moves and deletes files and directory trees",
    },
    RefusedModule {
        module: "signal",
        reason: "process-wide signal handlers, which receive the interrupted frame",
    },
    RefusedModule {
        module: "socket",
        reason: "the network",
    },
    RefusedModule {
        module: "subprocess",
        reason: "runs programs",
    },
    RefusedModule {
        module: "sys",
        reason: "frames (`_getframe`, `_current_frames`, `settrace`), every loaded module \
                 (`modules`), the import machinery, the standard streams and audit hooks",
    },
    RefusedModule {
        module: "tempfile",
        reason: "creates files and directories",
    },
    RefusedModule {
        module: "threading",
        reason: "starts threads; `enumerate` hands over every thread of the process, the host's \
                 included; `settrace` and `excepthook` see frames and tracebacks",
    },
    RefusedModule {
        module: "time",
        reason: "`sleep` blocks the thread and `tzset` changes the time zone of the whole process; \
                 a host that wants a clock can grant a facade of, say, `time` and `monotonic`",
    },
    RefusedModule {
        module: "traceback",
        reason: "`walk_stack` and `walk_tb` yield frames; `extract_stack` reads source files; \
                 `TracebackException(capture_locals=True)` records every local of every frame",
    },
    RefusedModule {
        module: "types",
        reason: "builds functions from any code and globals (`FunctionType`, `CodeType`), binds \
                 any function to any object (`MethodType`), makes classes without a class \
                 statement (`new_class`) and modules (`ModuleType`)",
    },
    RefusedModule {
        module: "warnings",
        reason: "`warn(stacklevel=n)` reads and writes the globals of a caller's module; the \
                 filters and `showwarning` are shared by the process",
    },
    RefusedModule {
        module: "weakref",
        reason: "`finalize.peek` and `detach` return the watched object, the callback and its \
                 arguments; `getweakrefs` returns every weak reference to an object, callbacks \
                 included",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn strictly_increasing<'a>(
        mut names: impl Iterator<Item = &'a str>,
    ) -> Option<(&'a str, &'a str)> {
        let mut previous = names.next()?;
        for name in names {
            if previous >= name {
                return Some((previous, name));
            }
            previous = name;
        }
        None
    }

    #[test]
    fn tables_are_sorted_without_duplicates() {
        assert_eq!(
            strictly_increasing(MODULE_FACADES.iter().map(|f| f.module)),
            None
        );
        assert_eq!(
            strictly_increasing(DEFAULT_ALLOWED_MODULES.iter().copied()),
            None
        );
        assert_eq!(
            strictly_increasing(REFUSED_MODULES.iter().map(|r| r.module)),
            None
        );
        for facade in MODULE_FACADES {
            assert_eq!(
                strictly_increasing(facade.exports.iter().map(|e| e.name)),
                None,
                "exports of {}",
                facade.module
            );
        }
    }

    #[test]
    fn default_allowed_modules_have_facades() {
        for module in DEFAULT_ALLOWED_MODULES {
            assert!(
                facade(module).is_some(),
                "{module} is allowed by default but has no facade"
            );
        }
    }

    #[test]
    fn no_module_is_both_facade_and_refused() {
        for refused in REFUSED_MODULES {
            assert!(
                facade(refused.module).is_none(),
                "{} is refused and has a facade",
                refused.module
            );
        }
    }

    #[test]
    fn every_reason_is_given() {
        for facade in MODULE_FACADES {
            assert!(!facade.reason.trim().is_empty(), "{}", facade.module);
            for export in facade.exports {
                assert!(
                    !export.reason.trim().is_empty(),
                    "{}.{}",
                    facade.module,
                    export.name
                );
            }
        }
        for refused in REFUSED_MODULES {
            assert!(!refused.reason.trim().is_empty(), "{}", refused.module);
        }
    }

    #[test]
    fn no_export_is_private() {
        for facade in MODULE_FACADES {
            for export in facade.exports {
                assert!(
                    !export.name.starts_with('_'),
                    "{}.{}",
                    facade.module,
                    export.name
                );
            }
        }
    }

    /// A reason that starts with a digit must be a version note, `3.N+: `, for a version after
    /// the oldest supported one (3.10): anything else is a typo the runtime would misread.
    #[test]
    fn version_notes_are_well_formed() {
        for facade in MODULE_FACADES {
            for export in facade.exports {
                if !export.reason.starts_with(|c: char| c.is_ascii_digit()) {
                    continue;
                }
                let minor = export
                    .reason
                    .strip_prefix("3.")
                    .and_then(|rest| rest.split_once("+: "))
                    .and_then(|(minor, _)| minor.parse::<u32>().ok());
                assert!(
                    minor.is_some_and(|minor| minor > 10),
                    "{}.{}: malformed version note {:?}",
                    facade.module,
                    export.name,
                    export.reason
                );
            }
        }
    }

    #[test]
    fn lookups() {
        let json = facade("json").expect("json has a facade");
        assert_eq!(json.export("dumps").map(|e| e.name), Some("dumps"));
        assert!(json.export("codecs").is_none());
        assert!(facade("os").is_none());
        assert!(facade("datetime").unwrap().export("sys").is_none());
    }
}
