//! The wrapping hazard of `@sealed` classes: a method that lets its bare `self` out.
//!
//! Calling a `@sealed` class returns sealed instances, but inside the methods `self` is the
//! raw object. A method that returns it, yields it, passes it to other code or stores it
//! where other code can read it hands out the object the seal was meant to hide (the 2009
//! Bastion post's `LoggerMixin`, which registered `self` with a logger).

use std::collections::HashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::rule::{Rule, RuleDoc};
use crate::rules::is_private;

pub const SEALED_SELF_ESCAPE: RuleDoc = RuleDoc {
    summary: "A method of a `@sealed` class lets its bare `self` (or `cls`) escape: returned, \
        yielded, passed to other code, or stored on another object or in a container.",
    rationale: "`@sealed` hands out sealed instances, but inside its methods `self` is the raw \
        object. Once a method gives it away, whoever receives it reads its private state and \
        calls its methods past the seal. Pass `seal(self)` instead; calls that only inspect \
        `self` (`isinstance`, `len`, `repr`, `str`, `hash`, `id`, `bool`, `super`) are fine.",
    bad: "@sealed\nclass Account:\n    def register(self, registry):\n        registry.add(self)\n",
    good: "@sealed\nclass Account:\n    def register(self, registry):\n        registry.add(seal(self))\n",
};

/// Callees that may receive `self`: the fix itself, and builtins that only inspect it.
const SAFE_CALLEES: &[&str] = &[
    "seal",
    "harden",
    "isinstance",
    "super",
    "id",
    "len",
    "repr",
    "str",
    "hash",
    "bool",
];

/// Checks the methods of `class` if it is decorated `@sealed` or `@<module>.sealed`.
pub fn check_sealed_class(checker: &mut Checker<'_>, class: &ast::StmtClassDef) {
    if !checker.enabled(Rule::SealedSelfEscape) || !class.decorator_list.iter().any(is_sealed) {
        return;
    }
    for statement in &class.body {
        let Stmt::FunctionDef(method) = statement else {
            continue;
        };
        if method
            .decorator_list
            .iter()
            .any(|d| is_name(&d.expression, "staticmethod"))
        {
            continue;
        }
        let parameters = &method.parameters;
        let Some(first) = parameters.posonlyargs.iter().chain(&parameters.args).next() else {
            continue;
        };
        let mut finder = EscapeFinder {
            selves: HashSet::from([first.parameter.name.as_str()]),
            self_name: first.parameter.name.as_str(),
            globals: HashSet::new(),
            escapes: Vec::new(),
        };
        finder.visit_body(&method.body);
        for (range, how) in finder.escapes {
            let name = finder.self_name;
            checker.report(
                Rule::SealedSelfEscape,
                format!(
                    "`{name}` escapes from `@sealed` class `{}`: {how}; pass `seal({name})` \
                     instead",
                    class.name
                ),
                range,
            );
        }
    }
}

fn is_sealed(decorator: &ast::Decorator) -> bool {
    match &decorator.expression {
        Expr::Name(name) => name.id.as_str() == "sealed",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "sealed",
        _ => false,
    }
}

fn is_name(expr: &Expr, id: &str) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == id)
}

struct EscapeFinder<'a> {
    /// The method's first parameter and the local names bound to it (or to a container
    /// holding it).
    selves: HashSet<&'a str>,
    self_name: &'a str,
    /// Names declared `global` or `nonlocal`: binding `self` to them lets it out.
    globals: HashSet<&'a str>,
    escapes: Vec<(TextRange, String)>,
}

impl<'a> EscapeFinder<'a> {
    /// Whether `expr` is `self` or a display, starred, conditional or boolean expression
    /// whose value holds it.
    fn holds_self(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(name) => self.selves.contains(name.id.as_str()),
            Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => elts.iter().any(|e| self.holds_self(e)),
            Expr::Dict(dict) => dict.items.iter().any(|item| {
                item.key.as_ref().is_some_and(|key| self.holds_self(key))
                    || self.holds_self(&item.value)
            }),
            Expr::ListComp(ast::ExprListComp { elt, .. })
            | Expr::SetComp(ast::ExprSetComp { elt, .. })
            | Expr::Generator(ast::ExprGenerator { elt, .. }) => self.holds_self(elt),
            Expr::DictComp(comprehension) => {
                comprehension
                    .key
                    .as_ref()
                    .is_some_and(|key| self.holds_self(key))
                    || self.holds_self(&comprehension.value)
            }
            Expr::Starred(starred) => self.holds_self(&starred.value),
            Expr::Named(named) => self.holds_self(&named.value),
            Expr::If(conditional) => {
                self.holds_self(&conditional.body) || self.holds_self(&conditional.orelse)
            }
            Expr::BoolOp(boolean) => boolean.values.iter().any(|v| self.holds_self(v)),
            _ => false,
        }
    }

    fn escape(&mut self, range: TextRange, how: impl Into<String>) {
        self.escapes.push((range, how.into()));
    }

    /// `target = value` where `value` holds `self`.
    fn bind(&mut self, target: &'a Expr, value: &Expr) {
        if !self.holds_self(value) {
            return;
        }
        match target {
            Expr::Name(name) if self.globals.contains(name.id.as_str()) => {
                self.escape(value.range(), format!("stored in the global `{}`", name.id));
            }
            Expr::Name(name) => {
                self.selves.insert(name.id.as_str());
            }
            Expr::Attribute(attribute)
                if self.holds_self(&attribute.value) && is_private(attribute.attr.as_str()) => {}
            Expr::Attribute(attribute) => {
                self.escape(
                    value.range(),
                    format!("stored in the attribute `{}`", attribute.attr),
                );
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind(element, value);
                }
            }
            Expr::Starred(starred) => self.bind(&starred.value, value),
            _ => self.escape(value.range(), "stored in a container"),
        }
    }

    fn bind_loop_target(&mut self, target: &'a Expr) {
        match target {
            Expr::Name(name) => {
                self.selves.insert(name.id.as_str());
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_loop_target(element);
                }
            }
            Expr::Starred(starred) => self.bind_loop_target(&starred.value),
            _ => self.escape(target.range(), "stored by a for loop"),
        }
    }

    /// Visits a nested function or lambda, where its own parameters shadow `self`; a
    /// default value that holds `self` lets it out with the function.
    fn visit_nested(
        &mut self,
        parameters: Option<&'a ast::Parameters>,
        visit: impl FnOnce(&mut Self),
    ) {
        for default in parameters
            .into_iter()
            .flat_map(|p| p.iter())
            .filter_map(|p| p.default())
        {
            if self.holds_self(default) {
                self.escape(default.range(), "bound as a default argument");
            }
        }
        let saved = self.selves.clone();
        for parameter in parameters.into_iter().flat_map(|p| p.iter()) {
            self.selves.remove(parameter.name().as_str());
        }
        visit(self);
        self.selves = saved;
    }

    fn safe_callee(func: &Expr) -> bool {
        match func {
            Expr::Name(name) => SAFE_CALLEES.contains(&name.id.as_str()),
            Expr::Attribute(attribute) => matches!(attribute.attr.as_str(), "seal" | "harden"),
            _ => false,
        }
    }
}

impl<'a> Visitor<'a> for EscapeFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if self.holds_self(value) => {
                self.escape(value.range(), "returned");
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.bind(target, &assign.value);
                }
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                value: Some(value),
                ..
            }) => self.bind(target, value),
            // `items += [self]` extends the list `items` names, wherever it came from.
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. })
                if self.holds_self(value)
                    && !matches!(&**target, Expr::Attribute(a) if self.holds_self(&a.value) && is_private(a.attr.as_str())) =>
            {
                self.escape(value.range(), "added to another object in place");
            }
            // `for x in (self, other)` binds `x` to `self`.
            Stmt::For(ast::StmtFor { target, iter, .. }) if self.holds_self(iter) => {
                self.bind_loop_target(target);
            }
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                self.globals.extend(names.iter().map(|name| name.as_str()));
            }
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.visit_nested(Some(&def.parameters), |finder| finder.visit_body(&def.body));
                return;
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            })
            | Expr::YieldFrom(ast::ExprYieldFrom { value, .. })
                if self.holds_self(value) =>
            {
                self.escape(value.range(), "yielded");
            }
            Expr::Call(call) if !Self::safe_callee(&call.func) => {
                let values = call
                    .arguments
                    .args
                    .iter()
                    .chain(call.arguments.keywords.iter().map(|k| &k.value));
                let escaping: Vec<TextRange> = values
                    .filter(|value| self.holds_self(value))
                    .map(Ranged::range)
                    .collect();
                for range in escaping {
                    self.escape(range, "passed as an argument");
                }
            }
            Expr::Named(named) if self.holds_self(&named.value) => {
                if let Expr::Name(name) = &*named.target {
                    self.selves.insert(name.id.as_str());
                }
            }
            Expr::Lambda(lambda) => {
                self.visit_nested(lambda.parameters.as_deref(), |finder| {
                    if finder.holds_self(&lambda.body) {
                        finder.escape(lambda.body.range(), "returned from a lambda");
                    }
                    finder.visit_expr(&lambda.body);
                });
                return;
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::Settings;
    use crate::settings::Profile;
    use crate::test_support::{check_with, codes_with};

    /// The host grants `seal`, `sealed` and `ocapy` to the checked code.
    fn granted(profile: Profile) -> Settings {
        Settings {
            profile,
            grants: ["seal", "sealed", "ocapy", "LAST"]
                .map(String::from)
                .into_iter()
                .collect(),
            ..Settings::default()
        }
    }

    fn sealed_class_codes(body: &str) -> Vec<&'static str> {
        let source = format!("@sealed\nclass Account:\n{body}");
        codes_with(&source, &granted(Profile::Capability))
    }

    #[test]
    fn reports_every_way_self_escapes() {
        for body in [
            "    def me(self):\n        return self\n",
            "    def pair(self):\n        return (1, self)\n",
            "    def each(self):\n        yield self\n",
            "    def register(self, registry):\n        registry.add(self)\n",
            "    def register(self, log):\n        log(owner=self)\n",
            "    def store(self, other):\n        other.owner = self\n",
            "    def store(self, table):\n        table['me'] = self\n",
            "    def store(self, items):\n        items += [self]\n",
            "    def alias(self):\n        me = self\n        return me\n",
            "    def walrus(self, f):\n        f((me := self))\n",
            "    def later(self):\n        return lambda: self\n",
            "    def later(self):\n        def get():\n            return self\n        return get\n",
            "    def public(self):\n        self.me = self\n",
            "    def glob(self):\n        global LAST\n        LAST = self\n",
            "    @classmethod\n    def make(cls):\n        return cls\n",
            "    def raise_it(self):\n        raise ValueError(self)\n",
            "    def many(self):\n        return [self for _ in range(3)]\n",
            "    def lazily(self):\n        return (self for _ in range(3))\n",
            "    def later(self, registry):\n        registry.add(lambda me=self: me)\n",
            "    def each(self, registry):\n        for item in (self, 1):\n            registry.add(item)\n",
        ] {
            assert_eq!(sealed_class_codes(body), ["OC106"], "{body}");
        }
    }

    #[test]
    fn message_names_the_fix() {
        let source = "@sealed\nclass Account:\n    def register(self, registry):\n        registry.add(self)\n";
        let diagnostics = check_with(source, &granted(Profile::Capability));
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("pass `seal(self)` instead"));
        assert!(diagnostics[0].message.contains("`Account`"));
    }

    #[test]
    fn accepts_sealed_self_and_inspection() {
        for body in [
            "    def register(self, registry):\n        registry.add(seal(self))\n",
            "    def me(self):\n        return seal(self)\n",
            "    def size(self):\n        return len(self) + hash(self)\n",
            "    def check(self, other):\n        return isinstance(other, Account) and repr(self) != ''\n",
            "    def private(self):\n        self._me = self\n",
            "    def value(self):\n        return self.balance\n",
            "    def shadow(self):\n        return lambda self: self\n",
            "    @staticmethod\n    def make(x):\n        return x\n",
            "    def init(self):\n        super().__init__()\n",
        ] {
            assert_eq!(sealed_class_codes(body), Vec::<&str>::new(), "{body}");
        }
    }

    #[test]
    fn only_sealed_classes_and_both_profiles() {
        let plain = "class Plain:\n    def me(self):\n        return self\n";
        assert_eq!(
            codes_with(plain, &granted(Profile::Capability)),
            Vec::<&str>::new()
        );
        let source = "@ocapy.sealed\nclass A:\n    def me(self):\n        return self\n";
        assert_eq!(codes_with(source, &granted(Profile::Capability)), ["OC106"]);
        assert_eq!(
            codes_with(source, &granted(Profile::Encapsulation)),
            ["OC106"]
        );
    }
}
