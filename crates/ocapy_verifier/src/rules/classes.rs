//! Class statements and class patterns.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::rule::{Rule, RuleDoc};
use crate::rules::{is_private, names};
use crate::semantic::BindingKind;
use crate::tables::attributes::{hidden_edge, refusal};

pub const CLASS_KEYWORD: RuleDoc = RuleDoc {
    summary: "A class statement passes a keyword (`metaclass=` or any other).",
    rationale: "A metaclass runs arbitrary code at class creation and replaces the compartment's \
        class construction, which is what gives classes checked unbound methods; other class \
        keywords go to `__init_subclass__` hooks of classes the plugin did not write.",
    bad: "class Plugin(Base, metaclass=Meta):\n    pass\n",
    good: "class Plugin(Base):\n    pass\n",
};

pub const PRIVATE_PATTERN_ATTRIBUTE: RuleDoc = RuleDoc {
    summary: "A class pattern reads a private or hidden-edge attribute (`case C(_x=v)`).",
    rationale: "`case C(attr=v)` reads `subject.attr`: `case object(__dict__=d)` or \
        `case C(_secret=s)` is an attribute read by another name.",
    bad: "match account:\n    case object(_balance=b):\n        print(b)\n",
    good: "match point:\n    case Point(x=0, y=y):\n        print(y)\n",
};

pub const POSITIONAL_CLASS_PATTERN: RuleDoc = RuleDoc {
    summary: "A class pattern has positional sub-patterns (`case C(x)`) on a class whose `__match_args__` the verifier cannot read.",
    rationale: "`case C(x)` reads `subject.<C.__match_args__[0]>`: an attribute named by a \
        string the pattern does not show. `__match_args__ = (\"__globals__\",)` on a class \
        that matches any subject reads a function's module globals. A positional pattern is \
        accepted on the builtins that match themselves (`bool`, `bytearray`, `bytes`, \
        `dict`, `float`, `frozenset`, `int`, `list`, `set`, `str`, `tuple`, one \
        sub-pattern), and on a class defined once in the same module, before the pattern, \
        whose body binds `__match_args__` once to a tuple literal of public names; anything \
        else is written with keyword patterns, which name what they read.",
    bad: "from json import JSONDecodeError\n\ndef position(error):\n    match error:\n        case JSONDecodeError(message):\n            return message\n",
    good: "from json import JSONDecodeError\n\ndef position(error):\n    match error:\n        case JSONDecodeError(msg=message):\n            return message\n",
};

pub const INSTANCE_CHECK_HOOK: RuleDoc = RuleDoc {
    summary: "A class defines `__instancecheck__`, `__subclasscheck__`, `__subclasshook__` or `__subclasses__`.",
    rationale: "`isinstance` and `issubclass` call these hooks with the object or class they \
        are asked about, raw, from whatever code asks: an abstract base class asks each of its \
        subclasses' hooks (and each its `__subclasses__()`, whose answer becomes the ABC's), so a plugin's subclass of `typing.Hashable` would be called by the \
        host's own `isinstance(x, Hashable)` with the host's classes, and a hook that says yes \
        to everything makes a class pattern match any object. Test for the methods you need \
        instead, or subclass explicitly.",
    bad: "class Anything:\n    @classmethod\n    def __subclasshook__(cls, other):\n        return True\n",
    good: "class Shape:\n    def area(self):\n        return 0\n",
};

pub const MATCH_ARGS: RuleDoc = RuleDoc {
    summary: "A class body binds `__match_args__` to anything but one tuple literal of public names.",
    rationale: "Each entry of `__match_args__` is an attribute a positional class pattern \
        reads from its subject: a private or hidden-edge name (`\"_balance\"`, \
        `\"__globals__\"`, `\"gi_frame\"`) is such a read by another name, and anything \
        but a literal hides which names it holds.",
    bad: "class Anything:\n    __match_args__ = (\"__globals__\",)\n",
    good: "class Point:\n    __match_args__ = (\"x\", \"y\")\n\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
};

/// The builtins whose class pattern matches the subject itself (`case int(n)`): no
/// attribute is read.
const SELF_MATCHING_BUILTINS: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "set",
    "str",
    "tuple",
];

/// The hooks `isinstance` and `issubclass` call with what they are asked about, and ask for
/// their answer (`ABCMeta.__subclasscheck__` asks each subclass of an ABC for its own
/// subclasses): the one list the verifier, its `isinstance` proofs and the compartment's
/// class builder refuse or distrust.
pub const INSTANCE_CHECK_HOOKS: &[&str] = &[
    "__instancecheck__",
    "__subclasscheck__",
    "__subclasshook__",
    "__subclasses__",
];

/// What a class body binds `__match_args__` to.
pub enum MatchArgs<'a> {
    Absent,
    /// One statement binds it to a tuple of string literals.
    Literal(Vec<(&'a str, TextRange)>),
    /// Anything else, with where.
    Other(TextRange),
}

/// What the body of `class` binds `__match_args__` to, from its syntax and its scope's
/// bindings (a second binding anywhere in the body makes it [`MatchArgs::Other`]).
pub fn match_args<'a>(checker: &Checker<'a>, class: &'a ast::StmtClassDef) -> MatchArgs<'a> {
    let scope = checker.model.scope(checker.model.scope_of(class));
    let Some(bindings) = scope.bindings.get("__match_args__") else {
        return MatchArgs::Absent;
    };
    let [binding] = bindings.as_slice() else {
        return MatchArgs::Other(bindings[0].range);
    };
    let value = class.body.iter().find_map(|stmt| match stmt {
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => match targets.as_slice() {
            [Expr::Name(target)] if target.range == binding.range => Some(&**value),
            _ => None,
        },
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => match &**target {
            Expr::Name(target) if target.range == binding.range => Some(&**value),
            _ => None,
        },
        _ => None,
    });
    let Some(Expr::Tuple(tuple)) = value else {
        return MatchArgs::Other(binding.range);
    };
    let mut names = Vec::with_capacity(tuple.elts.len());
    for element in &tuple.elts {
        match element {
            Expr::StringLiteral(literal) => names.push((literal.value.to_str(), literal.range)),
            _ => return MatchArgs::Other(element.range()),
        }
    }
    MatchArgs::Literal(names)
}

/// The class-body rules: instance-check hooks and `__match_args__`.
pub fn check_class_body(checker: &mut Checker<'_>, class: &ast::StmtClassDef) {
    let scope = checker.model.scope(checker.model.scope_of(class));
    let mut hooks: Vec<(&str, TextRange)> = INSTANCE_CHECK_HOOKS
        .iter()
        .filter_map(|hook| Some((*hook, scope.bindings.get(*hook)?.first()?.range)))
        .collect();
    hooks.sort_by_key(|(_, range)| range.start());
    for (hook, range) in hooks {
        checker.report(
            Rule::InstanceCheckHook,
            format!(
                "class `{}` defines `{hook}`, which `isinstance` and `issubclass` call with the \
                 objects and classes they are asked about, from any code",
                class.name
            ),
            range,
        );
    }
    match match_args(checker, class) {
        MatchArgs::Absent => {}
        MatchArgs::Other(range) => checker.report(
            Rule::MatchArgs,
            "`__match_args__` must be bound once, to a tuple literal of public attribute names",
            range,
        ),
        MatchArgs::Literal(names) => {
            for (name, range) in names {
                if let Some(why) = refusal(name) {
                    checker.report(
                        Rule::MatchArgs,
                        format!(
                            "`__match_args__` names `{name}`, which {why}: a positional class \
                             pattern would read it from the subject"
                        ),
                        range,
                    );
                }
            }
        }
    }
}

/// A class pattern's positional sub-patterns read the attributes `__match_args__` names:
/// accepted only where those names are known to be public (see [`POSITIONAL_CLASS_PATTERN`]).
pub fn check_positional_pattern(checker: &mut Checker<'_>, pattern: &ast::PatternMatchClass) {
    let count = pattern.arguments.patterns.len();
    if count == 0 {
        return;
    }
    let why = match &*pattern.cls {
        Expr::Name(class) => match positional_refusal(checker, class.id.as_str(), count) {
            None => return,
            Some(why) => why,
        },
        _ => "the class is not a name the verifier can follow".to_string(),
    };
    let class = checker.text(pattern.cls.range());
    checker.report(
        Rule::PositionalClassPattern,
        format!(
            "`case {class}(...)` reads the attributes `{class}.__match_args__` names, and {why}: \
             write keyword patterns (`case {class}(name=value)`), or define `{class}` in this \
             module with `__match_args__` a tuple literal of public names"
        ),
        pattern.range,
    );
}

/// Why `count` positional sub-patterns on the class named `name` are not known to read only
/// public attributes, or `None` when they are.
fn positional_refusal(checker: &Checker<'_>, name: &str, count: usize) -> Option<String> {
    if SELF_MATCHING_BUILTINS.contains(&name)
        && names::certainly_builtin_in(checker, checker.scope, name)
    {
        return (count > 1).then(|| format!("`{name}` takes one sub-pattern, the subject itself"));
    }
    let not_a_class = || {
        Some(format!(
            "`{name}` is not one class statement of this module"
        ))
    };
    let (_, bindings) = checker.model.bindings_seen(checker.scope, name)?;
    let [binding] = bindings else {
        return not_a_class();
    };
    let BindingKind::ClassDef { scope } = binding.kind else {
        return not_a_class();
    };
    let Some(class) = checker.class_definition(scope) else {
        return Some(format!(
            "class `{name}` is defined after the pattern, where its `__match_args__` is not known yet"
        ));
    };
    if !class.decorator_list.is_empty() {
        return Some(format!(
            "class `{name}` is decorated, and its name is bound to what the decorator returns"
        ));
    }
    match match_args(checker, class) {
        MatchArgs::Absent => Some(format!(
            "class `{name}` does not bind `__match_args__` itself (it may inherit any names)"
        )),
        MatchArgs::Other(_) => Some(format!(
            "the `__match_args__` of class `{name}` is not a tuple literal"
        )),
        MatchArgs::Literal(names) => {
            if let Some((refused, _)) = names
                .iter()
                .take(count)
                .find(|(name, _)| refusal(name).is_some())
            {
                return Some(format!("`{refused}` is not a public attribute name"));
            }
            (count > names.len()).then(|| {
                format!(
                    "class `{name}`'s `__match_args__` names {} attributes, not {count}",
                    names.len()
                )
            })
        }
    }
}

pub fn check_class_keywords(checker: &mut Checker<'_>, arguments: &ast::Arguments) {
    for keyword in &arguments.keywords {
        let what = match &keyword.arg {
            Some(name) => format!("keyword `{name}=`"),
            None => "`**` keywords".to_string(),
        };
        checker.report(
            Rule::ClassKeyword,
            format!(
                "class statement passes {what}: metaclasses and class keywords are not allowed"
            ),
            keyword.range,
        );
    }
}

pub fn check_pattern_keywords(checker: &mut Checker<'_>, pattern: &ast::PatternMatchClass) {
    for keyword in &pattern.arguments.keywords {
        let name = keyword.attr.as_str();
        let why = if is_private(name) {
            "a private attribute"
        } else if hidden_edge(name).is_some() {
            "a hidden edge"
        } else {
            continue;
        };
        checker.report(
            Rule::PrivatePatternAttribute,
            format!("class pattern reads `{name}`, {why}, from the subject"),
            keyword.range,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{assert_clean, codes};

    fn matching(class: &str, case: &str) -> String {
        format!("{class}\ndef f(x):\n    match x:\n        case {case}:\n            return 1\n")
    }

    #[test]
    fn positional_patterns_on_classes_of_this_module_with_literal_public_match_args() {
        let point = "class Point:\n    __match_args__ = (\"x\", \"y\")\n";
        assert_clean(&matching(point, "Point(a, b)"));
        assert_clean(&matching(point, "Point(a)"));
        assert_clean(&matching(point, "Point(a, y=0)"));
        assert_eq!(codes(&matching(point, "Point(a, b, c)")), ["OC603"]);
        let annotated = "class Point:\n    __match_args__: tuple = (\"x\",)\n";
        assert_clean(&matching(annotated, "Point(a)"));
    }

    #[test]
    fn positional_patterns_on_self_matching_builtins() {
        for builtin in [
            "int", "str", "bytes", "list", "dict", "tuple", "bool", "float",
        ] {
            assert_clean(&matching("", &format!("{builtin}(v)")));
        }
        assert_eq!(codes(&matching("", "int(a, b)")), ["OC603"]);
        // A module binding of the name is not the builtin.
        assert_eq!(
            codes(&matching("from json import JSONDecoder as int\n", "int(v)")),
            ["OC603"]
        );
    }

    #[test]
    fn positional_patterns_the_verifier_cannot_read_are_rejected() {
        let rejected = [
            // A class from a module: its `__match_args__` is not in this source.
            matching("from json import JSONDecodeError\n", "JSONDecodeError(m)"),
            matching("import json\n", "json.JSONDecodeError(m)"),
            // A grant or a parameter.
            "def f(x, C):\n    match x:\n        case C(a):\n            return a\n".to_string(),
            // No `__match_args__` of its own: it inherits whatever a base has.
            matching("class B:\n    pass\n", "B(a)"),
            // Not a literal.
            matching("NAMES = (\"x\",)\nclass B:\n    __match_args__ = NAMES\n", "B(a)"),
            // Bound twice.
            matching(
                "class B:\n    __match_args__ = (\"x\",)\n    __match_args__ = (\"y\",)\n",
                "B(a)",
            ),
            // Rebound after the class statement.
            matching(
                "class B:\n    __match_args__ = (\"x\",)\nB = object\n",
                "B(a)",
            ),
            // Decorated: the name is the decorator's result.
            matching(
                "def d(c):\n    return c\n@d\nclass B:\n    __match_args__ = (\"x\",)\n",
                "B(a)",
            ),
            // Defined after the pattern.
            "def f(x):\n    match x:\n        case B(a):\n            return a\nclass B:\n    __match_args__ = (\"x\",)\n".to_string(),
        ];
        for source in &rejected {
            assert!(
                codes(source).contains(&"OC603"),
                "{source}: {:?}",
                codes(source)
            );
        }
    }

    #[test]
    fn match_args_must_be_a_literal_of_public_names() {
        for names in [
            "(\"__globals__\",)",
            "(\"_balance\",)",
            "(\"gi_frame\",)",
            "(\"x\", \"tb_next\")",
        ] {
            let source = format!("class C:\n    __match_args__ = {names}\n");
            assert_eq!(codes(&source), ["OC605"], "{names}");
        }
        for value in ["[\"x\"]", "tuple(\"x\")", "(\"x\",) + ()"] {
            let source = format!("class C:\n    __match_args__ = {value}\n");
            assert_eq!(codes(&source), ["OC605"], "{value}");
        }
        let source = matching(
            "class C:\n    __match_args__ = (\"__globals__\",)\n",
            "C(g)",
        );
        assert_eq!(codes(&source), ["OC603", "OC605"]);
        assert_clean("class C:\n    __match_args__ = (\"x\", \"y\")\n");
    }

    #[test]
    fn instance_check_hooks_are_rejected() {
        for hook in super::INSTANCE_CHECK_HOOKS {
            let defined = format!("class C:\n    def {hook}(cls, other):\n        return True\n");
            assert_eq!(codes(&defined), ["OC604"], "{hook}");
            let assigned = format!("class C:\n    {hook} = print\n");
            assert!(codes(&assigned).contains(&"OC604"), "{hook}");
        }
        assert_clean(
            "class C:\n    def __eq__(self, other):\n        return self is other\n    def __hash__(self):\n        return 0\n",
        );
    }

    #[test]
    fn class_keywords_are_rejected() {
        assert_eq!(
            codes("class M:\n    pass\n\nclass C(metaclass=M):\n    pass\n"),
            ["OC601"]
        );
        assert_eq!(
            codes("def f(kw):\n    class C(**kw):\n        pass\n"),
            ["OC601"]
        );
        assert_clean("class B:\n    pass\n\nclass C(B):\n    pass\n");
    }

    #[test]
    fn class_patterns() {
        assert_eq!(
            codes(
                "def f(x):\n    match x:\n        case object(__dict__=d):\n            return d\n"
            ),
            ["OC602"]
        );
        assert_eq!(
            codes("def f(x):\n    match x:\n        case object(_x=v):\n            return v\n"),
            ["OC602"]
        );
        assert_eq!(
            codes(
                "def f(x):\n    match x:\n        case object(gi_frame=fr):\n            return fr\n"
            ),
            ["OC602"]
        );
        assert_clean(
            "def f(x):\n    match x:\n        case object(real=r, imag=0):\n            return r\n        case {\"k\": v}:\n            return v\n        case [a, *rest]:\n            return rest\n",
        );
    }
}
