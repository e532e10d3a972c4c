//! Names: builtins that carry authority, dunder names, `super`, and names nothing binds.

use ruff_python_ast::{self as ast, ExprContext};
use ruff_text_size::TextRange;

use ruff_text_size::Ranged;

use crate::checker::{Checker, Trust, Usage};
use crate::rule::{Rule, RuleDoc};
use crate::rules::{is_dunder, private_access};
use crate::semantic::{Binding, BindingKind, MODULE_SCOPE, NameKind, ScopeId, ScopeKind};
use crate::tables::attributes::METADATA_ATTRIBUTES;
use crate::tables::builtins::{Policy, builtin};

pub const FORBIDDEN_BUILTIN: RuleDoc = RuleDoc {
    summary: "A name resolves to a builtin that carries authority or reflection (`eval`, `open`, `type`, ...).",
    rationale: "`eval`, `exec`, `compile` and `__import__` run or load code nobody verified; \
        `globals`, `locals` and `vars` hand out namespaces; `open`, `input`, `breakpoint`, \
        `help` and the site builtins reach files, the terminal and a debugger; `id` leaks \
        addresses; `type` with three arguments builds classes around the compartment's class \
        statement, so only one-argument `type(x)` is allowed (a compartment gives the class \
        as it is when compartment code built it or it is a builtin, as facades hand it out, \
        or else by name only), and `type` is never a value. A binding of the same name in the module or a function shadows the \
        builtin, following Python's scoping; a module binding counts only when an \
        unconditional statement before the read makes it and nothing deletes it.",
    bad: "source = open(\"/etc/passwd\").read()\n",
    good: "source = read_config()  # a function the host grants\n",
};

pub const DUNDER_NAME: RuleDoc = RuleDoc {
    summary: "A dunder name other than `__name__`, `__doc__`, `__all__`, `__slots__`, `__qualname__` or `__module__` is used.",
    rationale: "Dunder names reach the interpreter's machinery: `__builtins__` is the real \
        builtins, `__build_class__` builds classes unchecked, the `__class__` cell is the raw \
        class, `__loader__` and `__spec__` load modules. `__name__`, `__qualname__`, \
        `__module__` and `__doc__` are metadata any code may read on any object (`f.__name__`, \
        `cls.__qualname__`), so they may be bound only to a string literal or None: a class \
        body's `def __doc__` would be read through the class as a raw method function. Methods and class attributes with \
        dunder names (`__init__`, `__eq__`, `__hash__ = None`) may still be defined in a class \
        body, and aliased there (`__radd__ = __add__`, see `demoted-method`).",
    bad: "real = __builtins__\n",
    good: "__all__ = [\"forecast\"]\n",
};

pub const SUPER_MISUSE: RuleDoc = RuleDoc {
    summary: "`super` is used with arguments, outside a method, or as a value.",
    rationale: "`super(C, obj)` runs any class's methods on any object, and a `super` object \
        exposes the instance and class it is bound to. Zero-argument `super()` directly in a \
        method is that method's `self` seen through its base classes, and so is \
        `super(C, self)` there when `self` is the method's own receiver, whatever `C` is \
        (`super` refuses a `C` the receiver is no instance of).",
    bad: "def f(obj):\n    return super(Base, obj).secret()\n",
    good: "class C(Base):\n    def __init__(self):\n        super().__init__()\n",
};

pub const UNDEFINED_NAME: RuleDoc = RuleDoc {
    summary: "A name is neither bound in the module, nor an allowed builtin, nor granted by the host.",
    rationale: "In a compartment such a name could only fail, or reach for a builtin the \
        compartment removed. Names the host provides are declared with `--grant NAME`.",
    bad: "log(\"hello\")  # without --grant log\n",
    good: "def log(message):\n    print(message)\n\nlog(\"hello\")\n",
};

/// Dunder names any code may use.
const ALLOWED_DUNDERS: &[&str] = &[
    "__all__",
    "__doc__",
    "__module__",
    "__name__",
    "__qualname__",
    "__slots__",
];

/// Module metadata by convention, which the interpreter never reads and the standard library
/// only shows (`pydoc`): a module may bind and read them as any global.
const METADATA_DUNDERS: &[&str] = &[
    "__author__",
    "__contact__",
    "__copyright__",
    "__credits__",
    "__date__",
    "__docformat__",
    "__email__",
    "__license__",
    "__maintainer__",
    "__status__",
    "__version__",
];

/// Whether any code may use the dunder name `id` as a name.
fn is_allowed_dunder(id: &str) -> bool {
    ALLOWED_DUNDERS.contains(&id) || METADATA_DUNDERS.contains(&id)
}

/// Dunder names a class body may not bind: they would replace the machinery of the object.
const CLASS_BODY_FORBIDDEN_DUNDERS: &[&str] = &[
    "__builtins__",
    "__class__",
    "__classcell__",
    "__dict__",
    "__metaclass__",
];

/// Checks a name being read, assigned or deleted.
pub fn check_name(checker: &mut Checker<'_>, name: &ast::ExprName, usage: Usage) {
    let id = name.id.as_str();
    if name.ctx != ExprContext::Load {
        check_binding(checker, id, name.range);
        return;
    }
    if is_dunder(id) {
        // `__radd__ = __add__` reads the class's own method, not the interpreter's machinery.
        if !is_allowed_dunder(id) && !checker.model.is_method_alias(checker.scope, name.range) {
            report_dunder(checker, id, name.range);
        }
        return;
    }
    if possibly_builtin(checker, id) {
        check_builtin_use(checker, id, name.range, usage);
    }
}

fn check_builtin_use(checker: &mut Checker<'_>, id: &str, range: TextRange, usage: Usage) {
    let Some(entry) = builtin(id) else {
        if checker.model.resolve(checker.scope, id).is_none()
            && !checker.settings.grants.contains(id)
        {
            checker.report(
                Rule::UndefinedName,
                format!("`{id}` is not defined: it is not bound in the module, not an allowed builtin, and not granted"),
                range,
            );
        }
        return;
    };
    match (entry.policy, id) {
        (_, "vars") => checker.report(
            Rule::VarsCall,
            "`vars` returns an object's `__dict__` or the caller's locals",
            range,
        ),
        (Policy::Deny, _) => checker.report(
            Rule::ForbiddenBuiltin,
            format!("`{id}` is a forbidden builtin: {}", entry.reason),
            range,
        ),
        (Policy::Tame, "getattr" | "setattr" | "delattr" | "hasattr") if usage != Usage::Callee => {
            checker.report(
                Rule::DynamicAttributeName,
                format!("`{id}` is taken as a value: its later calls cannot be checked"),
                range,
            );
        }
        (Policy::Tame, "type") if usage != Usage::Callee => checker.report(
            Rule::ForbiddenBuiltin,
            "`type` is taken as a value: only `type(x)`, called with one argument, is allowed",
            range,
        ),
        (Policy::Tame, "super") if usage != Usage::Callee => checker.report(
            Rule::SuperMisuse,
            "`super` is taken as a value: only `super()` called directly in a method is allowed",
            range,
        ),
        _ => {}
    }
}

/// Checks a name being bound: only allowed dunders, or dunder methods and attributes
/// defined in a class body.
pub fn check_binding(checker: &mut Checker<'_>, id: &str, range: TextRange) {
    if METADATA_ATTRIBUTES.contains(&id) && !checker.assigning_description {
        checker.report(
            Rule::DunderName,
            format!("`{id}` may be bound only to a string literal (or None): any code may read it as metadata on any object, so a module or class must not hold anything else under it"),
            range,
        );
        return;
    }
    if !is_dunder(id) || is_allowed_dunder(id) {
        return;
    }
    let in_class_body = checker.model.scope(checker.scope).kind == ScopeKind::Class;
    if in_class_body && !CLASS_BODY_FORBIDDEN_DUNDERS.contains(&id) {
        return;
    }
    report_dunder(checker, id, range);
}

fn report_dunder(checker: &mut Checker<'_>, id: &str, range: TextRange) {
    checker.report(
        Rule::DunderName,
        format!("`{id}` is a dunder name that reaches the interpreter's machinery"),
        range,
    );
}

/// Judges calls of `super` and `type`; returns whether the callee has been judged whole (so
/// that the name is read as a callee, not taken as a value).
pub fn check_builtin_call(checker: &mut Checker<'_>, call: &ast::ExprCall) -> bool {
    let Some(func) = call.func.as_name_expr() else {
        return false;
    };
    if func.id.as_str() == "type" && possibly_builtin(checker, "type") {
        let one_argument = matches!(&*call.arguments.args, [argument] if !argument.is_starred_expr())
            && call.arguments.keywords.is_empty();
        if !one_argument {
            checker.report(
                Rule::ForbiddenBuiltin,
                "`type(...)` with other than one argument builds a class past the compartment's class statement: write a class statement; only `type(x)` is allowed",
                call.range(),
            );
        }
        return true;
    }
    if func.id.as_str() != "super" || !possibly_builtin(checker, "super") {
        return false;
    }
    if !call.arguments.is_empty() {
        if !private_access::is_own_super(checker, call) {
            checker.report(
                Rule::SuperMisuse,
                "`super(...)` with arguments runs any class's methods on any object: write `super()`, or `super(C, self)` with the method's own receiver, directly in the method",
                call.range(),
            );
        }
    } else if !private_access::is_zero_argument_super(checker, call) {
        checker.report(
            Rule::SuperMisuse,
            "`super` is bound in the module (or granted), so this `super()` may not be the builtin when it runs: do not bind the name `super`",
            call.range(),
        );
    } else if checker.model.scope(checker.scope).method.is_none() {
        checker.report(
            Rule::SuperMisuse,
            "`super()` is allowed only directly in the body of a method",
            call.range(),
        );
    } else if !private_access::receiver_is_never_rebound(checker) {
        checker.report(
            Rule::SuperMisuse,
            "`super()` is bound to the method's receiver as it is when the call runs, and this method rebinds it: another instance of the class would run the bases' methods; do not rebind the receiver",
            call.range(),
        );
    }
    true
}

/// Whether `name`, read in `scope` where the checker is, is certainly the builtin every
/// time that code runs: no function binds it, no class body binds it before the read, the
/// host does not grant it, and the module binds it nowhere (no assignment, `global` in a
/// function, walrus, `del` or star-import), or, for code that runs once as the module runs
/// (the module body and class bodies directly in it), only after the read. Privilege rests
/// on this "must": a rebinding anywhere else could run first.
pub fn certainly_builtin_in(checker: &Checker<'_>, scope: ScopeId, name: &str) -> bool {
    let model = &checker.model;
    if checker.settings.grants.contains(name) || model.scope(MODULE_SCOPE).star_import {
        return false;
    }
    let lookup = model.lookup(scope, name);
    let reading = model.scope(scope);
    match lookup.kind {
        NameKind::Free => return false,
        NameKind::Local if reading.kind != ScopeKind::Class => return false,
        _ => {}
    }
    let mangled = model.mangled(scope, name);
    let mut bound_from = Vec::new();
    if let Some(class) = lookup.class_namespace
        && let Some(bindings) = model.scope(class).bindings.get(mangled.as_ref())
    {
        match after_all(checker, class, bindings) {
            Some(position) if class == scope => bound_from.push((class, position)),
            _ => return false,
        }
    }
    if let Some(bindings) = model.scope(MODULE_SCOPE).bindings.get(mangled.as_ref()) {
        let mut body = scope;
        while model.scope(body).kind == ScopeKind::Class {
            body = model.scope(body).parent.unwrap_or(MODULE_SCOPE);
        }
        match after_all(checker, MODULE_SCOPE, bindings) {
            Some(position) if body == MODULE_SCOPE => bound_from.push((MODULE_SCOPE, position)),
            _ => return false,
        }
    }
    checker.trust(scope, &mangled, Trust::Builtin { bound_from });
    true
}

/// The module or class body's current statement, if every binding of `bindings` is made by
/// a statement of the body at or after it.
fn after_all(checker: &Checker<'_>, body: ScopeId, bindings: &[Binding]) -> Option<usize> {
    let position = checker.position_in(body)?;
    bindings
        .iter()
        .all(|binding| {
            binding
                .statement
                .is_some_and(|statement| statement >= position)
        })
        .then_some(position)
}

/// Whether a read of `name` at the current position may reach the builtin. A module or
/// class binding hides the builtin only if an unconditional statement of that body, before
/// the statement being checked, makes it and no deletion undoes it: a function may run
/// before a later module statement binds the name, and `del` brings the builtin back.
pub fn possibly_builtin(checker: &Checker<'_>, name: &str) -> bool {
    let Some((scope, bindings)) = checker.model.bindings_seen(checker.scope, name) else {
        return !checker.settings.grants.contains(name);
    };
    let kind = checker.model.scope(scope).kind;
    if kind != ScopeKind::Module && kind != ScopeKind::Class {
        return false;
    }
    if bound_before(checker, scope, bindings) {
        return false;
    }
    if kind == ScopeKind::Class {
        // A class body reads what it has not bound yet from the module, then the builtins.
        let mangled = checker.model.mangled(checker.scope, name);
        if let Some(module_bindings) = checker
            .model
            .scope(MODULE_SCOPE)
            .bindings
            .get(mangled.as_ref())
        {
            return !bound_before(checker, MODULE_SCOPE, module_bindings);
        }
        return !checker.settings.grants.contains(name);
    }
    true
}

fn bound_before(checker: &Checker<'_>, scope: ScopeId, bindings: &[Binding]) -> bool {
    checker
        .position_in(scope)
        .is_some_and(|position| certainly_bound_before(bindings, position))
}

/// Whether a name with `bindings` in a module or class body certainly holds a value when
/// the body's statement `position` runs (`usize::MAX`: once the body has finished): an
/// unconditional statement before it binds the name, and no deletion anywhere can undo it.
pub fn certainly_bound_before(bindings: &[Binding], position: usize) -> bool {
    let deleted = bindings
        .iter()
        .any(|binding| binding.kind == BindingKind::Deletion);
    !deleted
        && bindings.iter().any(|binding| {
            binding
                .statement
                .is_some_and(|statement| statement < position)
        })
}

#[cfg(test)]
mod tests {
    use crate::test_support::{assert_clean, codes, codes_with};

    #[test]
    fn forbidden_builtins() {
        for name in [
            "eval",
            "exec",
            "compile",
            "__import__",
            "globals",
            "locals",
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
            "type",
        ] {
            let found = codes(&format!("x = {name}\n"));
            let expected = if name.starts_with("__") {
                "OC402"
            } else {
                "OC401"
            };
            assert_eq!(found, [expected], "{name}");
        }
        assert_eq!(codes("x = vars()\n"), ["OC104"]);
    }

    #[test]
    fn type_is_allowed_with_one_argument_only() {
        for source in [
            "def f(x):\n    return type(x).__name__\n",
            "def f(x, C):\n    return type(x) is C\n",
            "class C:\n    def copy(self):\n        return type(self)()\n",
        ] {
            assert_clean(source);
        }
        for source in [
            "C = type(\"C\", (), {})\n",
            "def f(x, y):\n    return type(x, y)\n",
            "def f(args):\n    return type(*args)\n",
            "def f(x):\n    return type(object=x)\n",
            "make = type\n",
            "def f(x):\n    return [type][0](x)\n",
        ] {
            assert_eq!(codes(source), ["OC401"], "{source}");
        }
    }

    #[test]
    fn unicode_normalised_names_are_the_builtin() {
        // Python NFKC-normalises identifiers: `ｅｖａｌ` is `eval`.
        assert_eq!(
            codes("x = \u{ff45}\u{ff56}\u{ff41}\u{ff4c}(\"1\")\n"),
            ["OC401"]
        );
    }

    #[test]
    fn shadowing_follows_scopes() {
        assert_clean("def f(type):\n    return type\n");
        assert_clean("def f():\n    id = 3\n    return id\n");
        assert_clean("id = 3\n\ndef f():\n    return id\n");
        assert_clean("class C:\n    type = 1\n    x = type\n");
        // Class scopes are invisible to methods.
        assert_eq!(
            codes("class C:\n    type = 1\n\n    def m(self):\n        return type\n"),
            ["OC401"]
        );
        // `global` redirects to the module, which does not bind it.
        assert_eq!(
            codes("def f():\n    global open\n    return open\n"),
            ["OC401"]
        );
    }

    #[test]
    fn module_bindings_must_precede_and_persist() {
        assert_eq!(
            codes("def f():\n    return open\n\nf()\nopen = 1\n"),
            ["OC401"]
        );
        assert_eq!(codes("x = open\nopen = 1\n"), ["OC401"]);
        assert_eq!(codes("open = 1\ndel open\nx = open\n"), ["OC401"]);
        assert_eq!(
            codes("open = 1\n\ndef f():\n    global open\n    del open\n\nx = open\n"),
            ["OC401"]
        );
        assert_eq!(codes("if True:\n    open = 1\nx = open\n"), ["OC401"]);
        assert_eq!(
            codes("try:\n    pass\nexcept Exception as open:\n    pass\nx = open\n"),
            ["OC401"]
        );
        assert_clean("open = 1\nx = open\n");
        // A parenthesised annotated name is not bound by the annotation.
        assert_eq!(
            codes("def f():\n    (open): int\n    return open\n"),
            ["OC401"]
        );
    }

    #[test]
    fn dunder_names() {
        for name in [
            "__builtins__",
            "__build_class__",
            "__class__",
            "__loader__",
            "__spec__",
            "__debug__",
        ] {
            assert_eq!(codes(&format!("x = {name}\n")), ["OC402"], "{name}");
        }
        assert_clean("__all__ = [\"f\"]\nx = __name__\n");
        assert_clean("__version__ = \"1.0\"\n__author__ = \"A. Author\"\nv = __version__\n");
        // Only a plain name target takes the literal.
        assert_eq!(
            codes("box = {}\nbox[(__name__ := len)] = \"x\"\n"),
            ["OC402"]
        );
        assert_clean("__name__ = __doc__ = \"x\"\n");
        assert_clean(
            "class C:\n    __slots__ = (\"a\",)\n    __hash__ = None\n\n    def __init__(self):\n        self.a = 1\n\n    def __eq__(self, other):\n        return self is other\n",
        );
        assert_eq!(
            codes("def __getattr__(name):\n    return name\n"),
            ["OC402"]
        );
        assert_eq!(codes("class C:\n    __class__ = int\n"), ["OC402"]);
        assert_eq!(
            codes("class C:\n    def m(self):\n        return __class__\n"),
            ["OC402"]
        );
    }

    #[test]
    fn super_forms() {
        assert_clean(
            "class B:\n    pass\n\nclass C(B):\n    def __init__(self):\n        super().__init__()\n",
        );
        assert_eq!(
            codes("class B:\n    pass\n\ndef f(o):\n    return super(B, o).m()\n"),
            ["OC403"]
        );
        assert_eq!(codes("def f():\n    return super().m()\n"), ["OC403"]);
        assert_eq!(codes("s = super\n"), ["OC403"]);
        // With the method's own receiver, explicit arguments are zero-argument super.
        assert_clean(
            "class B:\n    pass\n\nclass C(B):\n    def __init__(self):\n        super(C, self).__init__()\n        self._x = super(B, self)._y\n",
        );
        for foreign in [
            "class C:\n    def f(self, other):\n        return super(C, other).m()\n",
            "class C:\n    def f(self):\n        return lambda: super(C, self).m()\n",
            "class C:\n    def f(self, *bases):\n        return super(*bases, self).m()\n",
            "def f(self):\n    return super(int, self).m()\n",
        ] {
            assert_eq!(codes(foreign), ["OC403"], "{foreign}");
        }
        // A rebound receiver binds super to another instance of the class.
        for rebinding in [
            "class C:\n    def f(self, other):\n        self = other\n        return super().m()\n",
            "class C:\n    def f(self, other):\n        self = other\n        return super(C, self).m()\n",
        ] {
            assert_eq!(codes(rebinding), ["OC403"], "{rebinding}");
        }
        assert_eq!(
            codes("class C:\n    def m(self):\n        return lambda: super().m()\n"),
            ["OC403"]
        );
    }

    #[test]
    fn undefined_names_and_grants() {
        assert_eq!(codes("log(\"x\")\n"), ["OC404"]);
        let settings = crate::Settings {
            grants: ["log".to_string()].into(),
            ..crate::Settings::default()
        };
        assert!(codes_with("log(\"x\")\n", &settings).is_empty());
        assert_clean("print(len([1]), isinstance(1, int), dir(1))\n");
    }

    #[test]
    fn pep_695_annotations_see_the_type_parameters() {
        let settings = crate::Settings {
            target_version: ruff_python_ast::PythonVersion::PY312,
            ..crate::Settings::default()
        };
        for source in [
            "def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
            "class Box[T: int]:\n    def get[U](self, default: U) -> T | U:\n        return default\n",
            "type Pair[K] = tuple[K, K]\n",
        ] {
            assert!(codes_with(source, &settings).is_empty(), "{source}");
        }
        // Defaults run outside the type-parameter scope.
        assert_eq!(
            codes_with("def first[T](x=T):\n    return x\n", &settings),
            ["OC404"]
        );
    }
}
