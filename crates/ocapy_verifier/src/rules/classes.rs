//! Class statements and class patterns.

use ruff_python_ast as ast;

use crate::checker::Checker;
use crate::rule::{Rule, RuleDoc};
use crate::rules::is_private;
use crate::tables::attributes::hidden_edge;

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
