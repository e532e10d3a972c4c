//! Private attributes: only the `self` of a class's own methods may touch them.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::{Checker, Trust};
use crate::rule::{Rule, RuleDoc};
use crate::rules::classes::INSTANCE_CHECK_HOOKS;
use crate::rules::{is_dunder, is_sunder, names};
use crate::semantic::{
    BindingKind, ImplicitDecorator, Method, NameKind, ReadKind, ScopeId, accessor_decorator_base,
    is_mangled_private,
};
use crate::settings::Profile;

pub const PRIVATE_ATTRIBUTE: RuleDoc = RuleDoc {
    summary: "A private attribute (`_x`, `__x`, `__x__`) is used through something other than `self`.",
    rationale: "Private state is reachable only from the object's own methods: through the \
        `self` (or `cls` of a classmethod, or zero-argument `super()`) of a function defined \
        directly in the class body, never rebound anywhere in the method or in a nested scope \
        that can rebind it. Anything else (`other._balance`, `x.__dict__`, `x.__class__`, the \
        mangled `x._Account__pin`) reads another object's private state. `self.__dict__` is \
        read only in place (`self.__dict__[k]`, `.get(k)`, `.items()`, `.keys()`, \
        `.values()`, `.copy()`, `k in self.__dict__`): as a value it writes any attribute \
        by string, those refused below too. Assigning a dunder attribute of `self` (`self.__class__ = ...`) is not, nor \
        writing a `_sunder_` name of enum's protocol (`self._value_ = x`: enum runs the data \
        type's methods on a member's `_value_`; set the value in the member's definition). \
        Through `super()` the super object's own attributes that `object` lacks \
        (`__get__`, `__self__`, `__self_class__`, `__thisclass__`) and `__class__` are \
        refused: they are not a base's (`super().__class__` is the `super` type). \
        `__new__` makes an instance of any class it is passed without its `__init__`: \
        through a receiver it may only be called with the method's own class receiver \
        first, `super().__new__(cls)` in `__new__`, `cls.__new__(cls)` or \
        `super().__new__(cls)` in a classmethod. \
        Metadata is not private: `__name__`, `__qualname__`, `__module__` and `__doc__` may \
        be read on any object (`f.__name__`, `cls.__qualname__`, and `x.__class__.__name__`, \
        where the class is read for its metadata alone), never written. Under the \
        encapsulation profile, for a team's own code, no dunder is private but `__dict__`: \
        `x.__len__()` and `f.__doc__ = ...` are protocol, as PEP 8, ruff and pylint have it. \
        Names resolve as CPython compiles them: private names are mangled, a class body \
        searches its own namespace first (so a receiver read there is not the method's), \
        A `__new__` returns only an instance it made from its class (`super().__new__(cls, \
        ...)`, `object.__new__(cls)`, or a name bound only to one) or None: calling the class returns whatever \
        `__new__` returns, and library code runs the class's methods on it as their `self` \
        (enum makes a data type's `Mixin(value)` each member's `_value_`). \
        `super`, `classmethod`, `staticmethod`, `property`, `isinstance` and `type` grant \
        privilege only when they are certainly the builtin (bound nowhere in the module, or \
        only after a module-level read), and `__new__` has no receiver. Where CPython \
        releases compile a name differently, it is refused: a private name (`__x`) in a \
        generic class's bases, keywords or type-parameter bounds and defaults (lambdas and \
        comprehensions there included) is mangled with the class's name by 3.12.0-3.12.3 \
        and left alone by later releases. Through the `cls` \
        of a classmethod (or `__init_subclass__`, `__class_getitem__`) a method is its raw \
        function: only names an unconditional statement of the class body binds as data (or \
        as a classmethod or staticmethod), with no `del` of them, may be read through it, \
        and none in a class whose body binds enum's `_ignore_` (which removes names); a \
        private attribute is never deleted through a class receiver (`del cls._f`, in any \
        method or a base's `__init_subclass__`), which would uncover a base's; through `super()` \
        there, which reads a base's bindings, only `__new__`, `__init_subclass__` and \
        `__class_getitem__` (functions `type` always wraps). \
        The `encapsulation` profile, for a team's own code, also accepts another instance \
        the method has proven to be of its class, through a name bound once in the method, \
        read in the method's own scope (a nested function or lambda may run after the name \
        is rebound): inside `if isinstance(other, C):` or `if type(other) is C:`, after `if \
        not isinstance(other, C): return ...`, where `C`'s class statement is undecorated \
        (a decorator may rebind the name); and after `made = C(...)` where neither `C` nor \
        a base defines `__new__`, `C` has no metaclass keyword and each base is `object` or \
        such a class statement of the module. `made = cls(...)` proves nothing: a \
        subclass's `__new__` may return any object.",
    bad: "def steal(account):\n    return account._balance\n",
    good: "class Account:\n    def __init__(self):\n        self._balance = 0\n\n    def balance(self):\n        return self._balance\n",
};

pub const DEMOTED_METHOD: RuleDoc = RuleDoc {
    summary: "`self._x` in a method whose function is exposed as a value, so its `self` is not guaranteed.",
    rationale: "A method keeps its `self` privilege only while its raw function cannot be \
        called on another object. Reading the method's name in the class body as a value \
        (`property(f)`, `log(f)`), or in a PEP 695 annotation scope that searches the class namespace \
        (the annotations of a generic method, `def g[T](self, x: log(f))`, a type \
        parameter's bound or default, a generic class's bases, a `type` alias's value), or \
        decorating it with anything but `property` (and the `.setter`, \
        `.getter`, `.deleter` of a property an unconditional `@property def` earlier in \
        the class body defined: before it runs, the name is the enclosing scope's), \
        `staticmethod` or `classmethod` hands the raw function to code that may call it with any first \
        argument (CapPython's rule). The message points at the read or the decorator. A plain \
        alias in the class body (`_clear = clear`, `__radd__ = __add__`) binds the function \
        under a second name, as a second `def` would, and keeps it, when `f` certainly holds \
        the body's own undecorated method there (one unconditional `def` before it, no other \
        binding before it or conditional one anywhere) and neither name is one `type` or a \
        library treats apart (`__new__`, `__init_subclass__`, `__class_getitem__`, a \
        `_sunder_` hook such as `_missing_`); every rule above then applies to both names \
        (`C._clear(other)` demotes `clear`, and through `cls` the alias is a method). Under \
        the encapsulation profile decorators keep `self`, as ruff and pylint assume: a team's \
        own decorator calls the function with the instance it is given.",
    bad: "class Account:\n    def balance(self):\n        return self._balance\n\n    handlers = [balance]\n",
    good: "class Account:\n    @property\n    def balance(self):\n        return self._balance\n",
};

pub const PRIVATE_NAME_BY_STRING: RuleDoc = RuleDoc {
    summary: "`getattr`, `setattr`, `delattr` or `hasattr` names a private attribute.",
    rationale: "Reflection by a literal string reaches the same private attribute as the dotted \
        form, on any object.",
    bad: "balance = getattr(account, \"_balance\")\n",
    good: "balance = getattr(account, \"balance\")\n",
};

pub const VARS_CALL: RuleDoc = RuleDoc {
    summary: "`vars()` is used.",
    rationale: "`vars(x)` returns `x.__dict__`, every private attribute of `x`; `vars()` returns \
        the caller's local variables.",
    bad: "state = vars(account)\n",
    good: "state = account.snapshot()\n",
};

pub const PRIVATE_IMPORT: RuleDoc = RuleDoc {
    summary: "A private module or name is imported (`import m._impl`, `from m import _helper`).",
    rationale: "A module's underscore names are its private state, and private modules are \
        implementation details no facade describes. Under the encapsulation profile, a \
        relative import (`from ._impl import _helper`) is a package importing its own.",
    bad: "from json import _default_decoder\n",
    good: "from json import loads\n",
};

/// Refuses the private names (`__x`) a generic class's type-parameter scope uses, other than
/// its type parameters: in its bases, keywords, type-parameter bounds and defaults, and the
/// lambdas and comprehensions in them. CPython 3.12.0-3.12.3 mangle them there with the
/// class's name, later releases do not (3.13 not even in a nested lambda), and the verifier
/// cannot know which release will run the code.
pub fn check_generic_class_private_names(checker: &mut Checker<'_>, class: &ast::StmtClassDef) {
    let Some(type_params) = &class.type_params else {
        return;
    };
    let mut found = PrivateNames::default();
    found.visit_type_params(type_params);
    if let Some(arguments) = &class.arguments {
        found.visit_arguments(arguments);
    }
    for (name, range) in found.0 {
        if type_params
            .iter()
            .any(|param| param.name().as_str() == name)
        {
            continue;
        }
        checker.report(
            Rule::PrivateAttribute,
            format!(
                "`{name}` is a private name in the bases, keywords or type-parameter bounds and defaults of generic class `{class}`, which CPython 3.12.0-3.12.3 mangle with the class's name and later releases do not: what it names depends on the exact release, so bind the value to a public name before the class statement",
                class = class.name
            ),
            range,
        );
    }
}

/// The private names an expression uses, each where it is written: names, attributes and
/// lambda parameters, which CPython mangles (a call's keyword names it does not).
#[derive(Default)]
struct PrivateNames<'a>(Vec<(&'a str, TextRange)>);

impl<'a> PrivateNames<'a> {
    fn note(&mut self, name: &'a str, range: TextRange) {
        if is_mangled_private(name) {
            self.0.push((name, range));
        }
    }
}

impl<'a> Visitor<'a> for PrivateNames<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => self.note(name.id.as_str(), name.range),
            Expr::Attribute(attribute) => self.note(attribute.attr.as_str(), attribute.attr.range),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_parameter(&mut self, parameter: &'a ast::Parameter) {
        self.note(parameter.name.as_str(), parameter.name.range);
        visitor::walk_parameter(self, parameter);
    }
}

/// What the object an attribute is read from may do with its private attributes.
pub enum Privilege {
    /// It is the `self` (or `cls`, or `super()`) of a method of the class being defined.
    Owner,
    /// It would be, but the method's function is exposed; `cause` says how.
    Demoted { cause: String },
    /// Anything else; `note` says why an apparent `self` is not one.
    Stranger { note: Option<String> },
}

pub fn check_private_attribute(checker: &mut Checker<'_>, attribute: &ast::ExprAttribute) {
    let name = attribute.attr.as_str();
    let action = match attribute.ctx {
        ExprContext::Store => "assigns",
        ExprContext::Del => "deletes",
        ExprContext::Load | ExprContext::Invalid => "reads",
    };
    let receiver = checker.text(attribute.value.range());
    if let Expr::Call(call) = &*attribute.value
        && is_own_super(checker, call)
        && SUPER_OWN_ATTRIBUTES.contains(&name)
    {
        checker.report(
            Rule::PrivateAttribute,
            format!("`{receiver}.{name}` {action} an attribute of the super object itself, not of a base class: `super`'s own `__class__`, `__get__`, `__self__`, `__self_class__` and `__thisclass__` hand out the `super` type, rebind it to any object, or give the raw instance and classes"),
            attribute.attr.range,
        );
        return;
    }
    match attribute_privilege(checker, attribute) {
        Privilege::Owner => {
            if is_dunder(name) && attribute.ctx != ExprContext::Load {
                checker.report(
                    Rule::PrivateAttribute,
                    format!("`{receiver}.{name}` {action} a special attribute of `self`, changing what the object is"),
                    attribute.attr.range,
                );
            } else if is_sunder(name) && attribute.ctx != ExprContext::Load {
                checker.report(
                    Rule::PrivateAttribute,
                    format!("`{receiver}.{name}` {action} `{name}`, a name of enum's protocol: enum passes a member's `_value_` as `self` to its data type's methods, so setting it runs them on any object; set the member's value in its definition (`A = 1`) instead"),
                    attribute.attr.range,
                );
            } else if name == "__dict__"
                && attribute.ctx == ExprContext::Load
                && !checker.approved_reads.contains(&attribute.range)
            {
                checker.report(
                    Rule::PrivateAttribute,
                    format!("`{receiver}.__dict__` is read as a value: whoever holds it writes the object's attributes by string, names the attribute rules refuse (enum's `_value_`) too; read it in place only (`{receiver}.__dict__[key]`, `.get(key)`, `.items()`, `.keys()`, `.values()`, `.copy()`, `key in {receiver}.__dict__`)"),
                    attribute.attr.range,
                );
            } else if name == "__new__"
                && attribute.ctx == ExprContext::Load
                && !checker.approved_reads.contains(&attribute.range)
            {
                checker.report(
                    Rule::PrivateAttribute,
                    format!("`{receiver}.{name}` reads `__new__`, which makes an instance of any class it is passed without running its `__init__`: only call it as `cls.__new__(cls)` (or `super().__new__(cls)`) with the method's own class receiver `cls`, in `__new__` or a classmethod"),
                    attribute.attr.range,
                );
            }
        }
        Privilege::Demoted { cause } => checker.report(
            Rule::DemotedMethod,
            format!("`{receiver}.{name}` {action} a private attribute, but this method is not guaranteed its `self`: {cause}"),
            attribute.attr.range,
        ),
        Privilege::Stranger { note } => {
            let note = note.map(|note| format!(" ({note})")).unwrap_or_default();
            checker.report(
                Rule::PrivateAttribute,
                format!("`{receiver}.{name}` {action} private attribute `{name}` of an object that is not `self`{note}"),
                attribute.attr.range,
            );
        }
    }
}

pub fn receiver_privilege(checker: &Checker<'_>, value: &Expr) -> Privilege {
    match value {
        Expr::Name(name) if name.ctx == ExprContext::Load => {
            name_privilege(checker, name.id.as_str())
        }
        Expr::Call(call) if is_own_super(checker, call) => {
            match &checker.model.scope(checker.scope).method {
                // `super()` is bound to the current value of the first parameter.
                Some(Method {
                    receiver: Some(receiver),
                    ..
                }) => name_privilege(checker, receiver.name.as_str()),
                // In `__new__`, `super()` is bound to a subclass of the class.
                Some(method) if ImplicitDecorator::of(method.def.name.as_str()).is_some() => {
                    method_privilege(checker, checker.scope)
                }
                Some(_) => Privilege::Stranger {
                    note: Some("`super()` in a method without a receiver".to_string()),
                },
                None => Privilege::Stranger {
                    note: Some("`super()` outside a method body".to_string()),
                },
            }
        }
        _ => Privilege::Stranger { note: None },
    }
}

/// The privilege of `receiver.name`, a private attribute: the receiver's, unless the
/// receiver is a class (the `cls` of a classmethod, or `super()` in one), where a method
/// read through it is the raw function, which runs on any object it is passed.
fn attribute_privilege(checker: &Checker<'_>, attribute: &ast::ExprAttribute) -> Privilege {
    let privilege = receiver_privilege(checker, &attribute.value);
    let name = attribute.attr.as_str();
    if !matches!(privilege, Privilege::Owner) {
        return privilege;
    }
    let Some(method) = checker.model.enclosing_method(checker.scope) else {
        return privilege;
    };
    let method_scope = checker.model.scope(method);
    let definition = method_scope.method.as_ref().expect("a method");
    let is_the_receiver = match &*attribute.value {
        Expr::Name(value) => definition.receiver.is_some_and(|receiver| {
            method_scope.mangle(receiver.name.as_str())
                == checker.model.mangled(checker.scope, value.id.as_str())
        }),
        _ => true,
    };
    if !is_the_receiver || !receives_class(checker, method) {
        return privilege;
    }
    let class = definition.class;
    let receiver = checker.text(attribute.value.range());
    if attribute.ctx == ExprContext::Del {
        // A class's binding deleted at run time uncovers a base's: the rule below, which
        // trusts the class body's unconditional data bindings, would no longer hold.
        return Privilege::Stranger {
            note: Some(format!(
                "deleting `{name}` through `{receiver}`, a class, uncovers whatever a base binds under it (a raw method function) where other methods trust the class body's binding: bind it to `None` instead"
            )),
        };
    }
    if attribute.value.is_call_expr() {
        // `super()` reads what a base binds, which may be a `def` even under a data dunder's
        // name: only a function bound under these names `type` always wraps.
        if ImplicitDecorator::of(name).is_some() {
            return privilege;
        }
        return Privilege::Stranger {
            note: Some(format!(
                "in a method that receives the class, `super()` is bound to the class, so `{receiver}.{name}` may be a base's raw method function"
            )),
        };
    }
    let mangled = checker.model.mangled(checker.scope, name);
    let class_scope = checker.model.scope(class);
    let bindings = class_scope.bindings.get(mangled.as_ref());
    if bindings.is_none() && ImplicitDecorator::of(name).is_some() {
        return privilege;
    }
    if class_scope.bindings.contains_key("_ignore_") {
        return Privilege::Stranger {
            note: Some(format!(
                "the class body binds `_ignore_`, whose names enum removes from the class namespace, so through `{receiver}` `{name}` may be a base's raw method function, which runs on any object: use an instance's method"
            )),
        };
    }
    // What a class body binds conditionally, or deletes, may be left to a base.
    if !bindings.is_some_and(|bindings| names::certainly_bound_before(bindings, usize::MAX)) {
        let bound = if bindings.is_some() {
            "bound in the class body only conditionally, or deleted there"
        } else {
            "not bound in the class body"
        };
        return Privilege::Stranger {
            note: Some(format!(
                "`{name}` is {bound}, so through `{receiver}` it may be a raw method function, which runs on any object: bind it as data by an unconditional statement of the class body, or use an instance's method"
            )),
        };
    }
    let methods = class_scope
        .class
        .as_ref()
        .expect("a class scope")
        .methods
        .get(mangled.as_ref());
    let raw = methods
        .into_iter()
        .flatten()
        .find(|&&scope| !is_bound_by_its_class(checker, scope));
    if let Some(&raw) = raw {
        let def = checker
            .model
            .scope(raw)
            .method
            .as_ref()
            .expect("a method")
            .def;
        return Privilege::Stranger {
            note: Some(format!(
                "through `{receiver}` it is the raw function of the method on line {}, which runs on any object: call it on an instance",
                checker.line_of(def.name.range)
            )),
        };
    }
    privilege
}

/// Whether the method of `scope` receives a class, not an instance: a `@classmethod`, or
/// `__init_subclass__`, `__class_getitem__` and `__new__`.
fn receives_class(checker: &Checker<'_>, scope: ScopeId) -> bool {
    let Some(method) = &checker.model.scope(scope).method else {
        return false;
    };
    ImplicitDecorator::of(method.def.name.as_str()).is_some()
        || method.def.decorator_list.iter().any(|decorator| {
            decorator
                .expression
                .as_name_expr()
                .is_some_and(|decorator| {
                    decorator.id.as_str() == "classmethod"
                        && names::certainly_builtin_in(checker, method.class, "classmethod")
                })
        })
}

/// Whether reading the method of `scope` through its class gives something bound to the
/// class or without a receiver rather than the raw function: a classmethod or staticmethod,
/// explicit or by name (`__new__`, `__init_subclass__`, `__class_getitem__`).
fn is_bound_by_its_class(checker: &Checker<'_>, scope: ScopeId) -> bool {
    let method = checker
        .model
        .scope(scope)
        .method
        .as_ref()
        .expect("a method scope");
    if ImplicitDecorator::of(method.def.name.as_str()).is_some() {
        return true;
    }
    matches!(
        method.def.decorator_list.as_slice(),
        [decorator] if decorator.expression.as_name_expr().is_some_and(|decorator| {
            matches!(decorator.id.as_str(), "classmethod" | "staticmethod")
                && names::certainly_builtin_in(checker, method.class, decorator.id.as_str())
        })
    )
}

/// The attributes a super object has of its own that `object` lacks, plus `__class__`,
/// which `super`'s attribute lookup special-cases: through `super()` they are the super
/// object's, not a base's (`super().__class__` is the `super` type, `super().__get__(x)`
/// rebinds it to any object).
pub const SUPER_OWN_ATTRIBUTES: &[&str] = &[
    "__class__",
    "__get__",
    "__self__",
    "__self_class__",
    "__thisclass__",
];

/// `receiver.__new__(cls, ...)` with `cls` the class receiver of the enclosing method (the
/// first parameter of `__new__`, or the `cls` of a classmethod), never rebound: the one use
/// of `__new__` through a receiver that makes only an instance of the method's own class.
pub fn is_own_new_call(checker: &Checker<'_>, call: &ast::ExprCall) -> bool {
    let Expr::Attribute(func) = &*call.func else {
        return false;
    };
    if func.attr.as_str() != "__new__" {
        return false;
    }
    let Some(Expr::Name(first)) = call.arguments.args.first() else {
        return false;
    };
    let Some(method) = checker.model.enclosing_method(checker.scope) else {
        return false;
    };
    let scope = checker.model.scope(method);
    let definition = scope.method.as_ref().expect("a method");
    let parameters = &definition.def.parameters;
    let Some(parameter) = parameters
        .posonlyargs
        .first()
        .or_else(|| parameters.args.first())
    else {
        return false;
    };
    let lookup = checker.model.lookup(checker.scope, first.id.as_str());
    if lookup.class_namespace.is_some()
        || lookup.scope != Some(method)
        || !matches!(lookup.kind, NameKind::Local | NameKind::Free)
    {
        return false;
    }
    let mangled = checker.model.mangled(checker.scope, first.id.as_str());
    if scope.mangle(parameter.parameter.name.as_str()) != mangled
        || !scope.bindings[mangled.as_ref()]
            .iter()
            .all(|binding| binding.kind == BindingKind::Parameter)
    {
        return false;
    }
    if definition.def.name.as_str() == "__new__" {
        return true;
    }
    receives_class(checker, method) && matches!(method_privilege(checker, method), Privilege::Owner)
}

/// `x.__dict__`, the shape the checker lets a receiver's `__dict__` be read in place.
pub fn is_dict_read(expr: &Expr) -> bool {
    expr.as_attribute_expr()
        .is_some_and(|attribute| attribute.attr.as_str() == "__dict__")
}

/// `x.__dict__.items()` (or `.get`, `.keys`, `.values`, `.copy`): the `x.__dict__` read in
/// place, which hands out no way to write it.
pub fn dict_read_by_call(call: &ast::ExprCall) -> Option<TextRange> {
    let func = call.func.as_attribute_expr()?;
    (matches!(
        func.attr.as_str(),
        "get" | "items" | "keys" | "values" | "copy"
    ) && is_dict_read(&func.value))
    .then(|| func.value.range())
}

/// `super()`, or `super(C, receiver)` directly in a method, naming its own receiver: bound
/// to the receiver whatever class `C` is (`super` refuses one the receiver is no instance or
/// subclass of), so it reads what zero-argument `super()` reads, from `C` on. `super` must be
/// certainly the builtin wherever the call can run.
pub fn is_own_super(checker: &Checker<'_>, call: &ast::ExprCall) -> bool {
    if is_zero_argument_super(checker, call) {
        return true;
    }
    let (
        [start, Expr::Name(object)],
        [],
        Some(Method {
            receiver: Some(receiver),
            ..
        }),
    ) = (
        &*call.arguments.args,
        &*call.arguments.keywords,
        &checker.model.scope(checker.scope).method,
    )
    else {
        return false;
    };
    !start.is_starred_expr()
        && receiver_is_never_rebound(checker)
        && checker.model.mangled(checker.scope, object.id.as_str())
            == checker.model.mangled(checker.scope, receiver.name.as_str())
        && call.func.as_name_expr().is_some_and(|func| {
            func.id.as_str() == "super"
                && names::certainly_builtin_in(checker, checker.scope, "super")
        })
}

/// Whether the method the checker is directly in never rebinds its receiver, here or from a
/// nested scope: `super()` is bound to the receiver's value when it runs, which after
/// `self = other` is another instance of the class.
pub fn receiver_is_never_rebound(checker: &Checker<'_>) -> bool {
    let here = checker.model.scope(checker.scope);
    let Some(Method {
        receiver: Some(receiver),
        ..
    }) = &here.method
    else {
        return true;
    };
    let mangled = here.mangle(receiver.name.as_str());
    here.bindings.get(mangled.as_ref()).is_none_or(|bindings| {
        bindings
            .iter()
            .all(|binding| binding.kind == BindingKind::Parameter)
    })
}

/// `super()`, with `super` certainly the builtin wherever the call can run: a binding of
/// the name anywhere in the module (or a grant) could make it the plugin's own.
pub fn is_zero_argument_super(checker: &Checker<'_>, call: &ast::ExprCall) -> bool {
    call.arguments.is_empty()
        && call.func.as_name_expr().is_some_and(|func| {
            func.id.as_str() == "super"
                && names::certainly_builtin_in(checker, checker.scope, "super")
        })
}

fn name_privilege(checker: &Checker<'_>, name: &str) -> Privilege {
    let lookup = checker.model.lookup(checker.scope, name);
    if lookup.class_namespace.is_some() {
        return Privilege::Stranger {
            note: Some(format!(
                "`{name}` is read where a class namespace is searched first, which may hold any object"
            )),
        };
    }
    let (NameKind::Local | NameKind::Free, Some(scope)) = (lookup.kind, lookup.scope) else {
        return Privilege::Stranger { note: None };
    };
    let mangled = checker.model.mangled(checker.scope, name);
    let here = checker.model.scope(scope);
    let bindings = &here.bindings[mangled.as_ref()];
    if checker.settings.profile == Profile::Encapsulation
        && checker
            .proven_same_class
            .iter()
            .any(|&(proven_in, proven)| {
                // A nested function or lambda may run after the name is rebound.
                proven == name && proven_in == scope && checker.scope == scope
            })
        && bindings.len() == 1
    {
        return Privilege::Owner;
    }
    let Some(method) = &here.method else {
        return Privilege::Stranger { note: None };
    };
    let Some(receiver) = method.receiver else {
        let first = method
            .def
            .parameters
            .posonlyargs
            .first()
            .or_else(|| method.def.parameters.args.first());
        let name = method.def.name.as_str();
        let note = first
            .filter(|first| here.mangle(first.parameter.name.as_str()) == mangled)
            .map(|_| if name == "__new__" {
                "`__new__` is an implicit staticmethod: its first parameter is whatever class the caller passes".to_string()
            } else {
                format!("`{name}` is a hook library code calls through the class (enum's `cls.{name}(...)`): its first parameter is whatever it passes; decorate it `@classmethod` to receive the class")
            });
        return Privilege::Stranger { note };
    };
    if here.mangle(receiver.name.as_str()) != mangled {
        return Privilege::Stranger { note: None };
    }
    if let Some(rebinding) = bindings
        .iter()
        .find(|binding| binding.kind != BindingKind::Parameter)
    {
        return Privilege::Stranger {
            note: Some(format!(
                "`{name}` is rebound on line {}, so it is not the method's receiver",
                checker.line_of(rebinding.range)
            )),
        };
    }
    let privilege = method_privilege(checker, scope);
    if matches!(privilege, Privilege::Owner) {
        checker.trust(checker.scope, &mangled, Trust::Receiver);
    }
    privilege
}

/// Whether the method of `scope` keeps its receiver's privilege.
fn method_privilege(checker: &Checker<'_>, scope: ScopeId) -> Privilege {
    let here = checker.model.scope(scope);
    let method = here.method.as_ref().expect("a method scope");
    let class = checker.model.scope(method.class);
    let name = method.def.name.as_str();
    for decorator in &method.def.decorator_list {
        match decorator_verdict(checker, method.class, &decorator.expression) {
            DecoratorVerdict::Keeps => {}
            DecoratorVerdict::Static => {
                return Privilege::Stranger {
                    note: Some("a staticmethod has no receiver".to_string()),
                };
            }
            // A team's own decorator is trusted to call the function with the instance it
            // is given, as ruff and pylint assume: only distrusted code's could pass another.
            DecoratorVerdict::Exposes if checker.settings.profile == Profile::Encapsulation => {}
            DecoratorVerdict::Exposes => {
                let unproven_accessor = accessor_decorator_base(&decorator.expression)
                    .map(|base| format!(" (`{base}` is the class's property there only after an unconditional `@property def {base}` earlier in the class body, with no other binding of `{base}`)", base = base.id))
                    .unwrap_or_default();
                return Privilege::Demoted {
                    cause: format!(
                        "`{name}` is decorated with `@{}` on line {}, which receives the raw function{unproven_accessor}",
                        checker.text(decorator.expression.range()),
                        checker.line_of(decorator.range)
                    ),
                };
            }
        }
    }
    let body = class.class.as_ref().expect("a class scope");
    // The names that bind the function in the class: its `def`'s and its aliases'.
    let names: Vec<&str> = body
        .methods
        .iter()
        .filter(|(_, scopes)| scopes.contains(&scope))
        .map(|(name, _)| name.as_ref())
        .collect();
    if let Some((name, range)) = names.iter().find_map(|&name| {
        class
            .globals
            .get(name)
            .or_else(|| class.nonlocals.get(name))
            .map(|range| (name, range))
    }) {
        return Privilege::Demoted {
            cause: format!(
                "`{name}` is declared global or nonlocal in the class body on line {}, so its function is bound outside the class",
                checker.line_of(*range)
            ),
        };
    }
    if let Some(read) = checker
        .model
        .class_namespace_reads(method.class)
        .find(|read| {
            names.contains(&read.name.as_ref())
                && !matches!(read.kind, ReadKind::AccessorBase | ReadKind::MethodAlias)
        })
    {
        return Privilege::Demoted {
            cause: format!(
                "its function `{}` is read from the class namespace on line {} (in the class body or an annotation scope that sees it), which exposes it as a value",
                read.name,
                checker.line_of(read.range)
            ),
        };
    }
    if let Some((read, range)) = body
        .read_through_class
        .iter()
        .find(|(read, _)| names.contains(&read.as_ref()))
        .filter(|_| !is_bound_by_its_class(checker, scope))
    {
        return Privilege::Demoted {
            cause: format!(
                "its function is read through the class as `{read}` on line {}, and `Class.{read}(other)` runs it on any object",
                checker.line_of(*range)
            ),
        };
    }
    Privilege::Owner
}

/// `isinstance(n, C)` (or `type(n) is C`) in a method of class `C`, with `n` bound once in
/// the method: the name `n` such a test proves.
fn proven_by<'a>(checker: &Checker<'a>, test: &'a Expr) -> Option<&'a str> {
    let (subject, class) = match test {
        Expr::Call(call) if call.arguments.keywords.is_empty() => {
            match (&*call.func, &*call.arguments.args) {
                (Expr::Name(func), [Expr::Name(subject), Expr::Name(class)])
                    if func.id.as_str() == "isinstance"
                        && names::certainly_builtin_in(checker, checker.scope, "isinstance") =>
                {
                    (subject, class)
                }
                _ => return None,
            }
        }
        Expr::Compare(compare) => match (&*compare.left, &*compare.ops, &*compare.comparators) {
            (Expr::Call(call), [ast::CmpOp::Is], [Expr::Name(class)]) => {
                match (&*call.func, &*call.arguments.args) {
                    (Expr::Name(func), [Expr::Name(subject)])
                        if func.id.as_str() == "type"
                            && names::certainly_builtin_in(checker, checker.scope, "type") =>
                    {
                        (subject, class)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        },
        _ => return None,
    };
    is_this_class(checker, class).then_some(subject.id.as_str())
}

/// Whether `class` names, everywhere it is bound, the class whose method encloses the
/// checker's scope.
fn is_this_class(checker: &Checker<'_>, class: &ast::ExprName) -> bool {
    let Some(method) = checker.model.enclosing_method(checker.scope) else {
        return false;
    };
    let Some(method_class) = checker.model.scope(method).method.as_ref().map(|m| m.class) else {
        return false;
    };
    let Some((_, bindings)) = checker
        .model
        .bindings_seen(checker.scope, class.id.as_str())
    else {
        return false;
    };
    bindings.iter().all(|binding| {
        binding.kind
            == BindingKind::ClassDef {
                scope: method_class,
            }
    }) && is_undecorated_class(checker, method_class)
        && is_plain_class(checker, method_class, 0, INSTANCE_CHECK_HOOKS)
}

/// Checks that `value`, returned by a `__new__` of a class body, is an instance that
/// `__new__` made from the class it was given: `super().__new__(cls, ...)`, or a name bound
/// only to that. Calling the class returns whatever `__new__` returns, and library code
/// hands it to the class's own methods as their `self` (enum makes a data type's
/// `Mixin(value)` each member's `_value_` and calls `Mixin.__repr__` on it), so a foreign
/// object returned there would run the class's methods on its private state. `None` is
/// allowed: it has none.
pub fn check_new_returns_an_instance(checker: &mut Checker<'_>, value: &Expr) {
    let Some(method) = &checker.model.scope(checker.scope).method else {
        return;
    };
    if method.def.name.as_str() != "__new__" || value.is_none_literal_expr() {
        return;
    }
    let Some(class) = method
        .def
        .parameters
        .posonlyargs
        .first()
        .or_else(|| method.def.parameters.args.first())
    else {
        return;
    };
    let made = |expr: &Expr| is_made_from(checker, expr, class.parameter.name.as_str());
    let fine = match value {
        Expr::Name(name) => {
            let assigned = made_names(&method.def.body, &made);
            let bindings = checker.model.scope(checker.scope).bindings.get(
                checker
                    .model
                    .mangled(checker.scope, name.id.as_str())
                    .as_ref(),
            );
            bindings.is_some_and(|bindings| {
                bindings.len()
                    == assigned
                        .iter()
                        .filter(|made| **made == name.id.as_str())
                        .count()
            })
        }
        other => made(other),
    };
    if !fine {
        checker.report(
            Rule::PrivateAttribute,
            format!(
                "`__new__` returns `{}`, not an instance it made from its class: calling the class returns it, and library code (enum, for a data type) runs the class's methods on it as their `self`; return `super().__new__({}, ...)`, or a name bound only to that",
                checker.text(value.range()),
                class.parameter.name
            ),
            value.range(),
        );
    }
}

/// `super().__new__(class, ...)` or `object.__new__(class)`, with `class` the `__new__`'s
/// first parameter.
fn is_made_from(checker: &Checker<'_>, expr: &Expr, class: &str) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let Expr::Attribute(attribute) = &*call.func else {
        return false;
    };
    let from_object = attribute.value.as_name_expr().is_some_and(|object| {
        object.id.as_str() == "object"
            && names::certainly_builtin_in(checker, checker.scope, "object")
    });
    attribute.attr.as_str() == "__new__"
        && (from_object
            || attribute
                .value
                .as_call_expr()
                .is_some_and(|inner| is_zero_argument_super(checker, inner)))
        && call
            .arguments
            .args
            .first()
            .and_then(Expr::as_name_expr)
            .is_some_and(|first| first.id.as_str() == class)
}

/// The names that `name = <made>` statements of `body` bind (nested statements included,
/// nested functions and classes not).
fn made_names<'a>(body: &'a [ast::Stmt], made: &dyn Fn(&Expr) -> bool) -> Vec<&'a str> {
    let mut names = Vec::new();
    for statement in body {
        match statement {
            ast::Stmt::Assign(assign) => {
                if let ([Expr::Name(target)], true) = (&*assign.targets, made(&assign.value)) {
                    names.push(target.id.as_str());
                }
            }
            ast::Stmt::If(if_) => {
                names.extend(made_names(&if_.body, made));
                for clause in &if_.elif_else_clauses {
                    names.extend(made_names(&clause.body, made));
                }
            }
            ast::Stmt::With(with) => names.extend(made_names(&with.body, made)),
            ast::Stmt::Try(try_) => {
                names.extend(made_names(&try_.body, made));
                names.extend(made_names(&try_.orelse, made));
                names.extend(made_names(&try_.finalbody, made));
                for handler in &try_.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    names.extend(made_names(&handler.body, made));
                }
            }
            _ => {}
        }
    }
    names
}

/// Whether the class statement of `class` has been visited and has no decorator: a class
/// decorator may bind the class's name to any object.
fn is_undecorated_class(checker: &Checker<'_>, class: ScopeId) -> bool {
    checker
        .class_definition(class)
        .is_some_and(|def| def.decorator_list.is_empty())
}

/// Whether calling the class of `class` certainly makes an instance of it: neither it nor a
/// base binds `__new__` (which may return any object), it has no metaclass keyword (whose
/// `__call__` may), and each base is `object` or an undecorated class statement of the
/// module with the same property.
fn constructs_its_instances(checker: &Checker<'_>, class: ScopeId, depth: usize) -> bool {
    is_plain_class(checker, class, depth, &["__new__"])
}

/// Whether `class` and its bases answer for themselves what binding `hooks` would let them
/// answer otherwise: none of them binds one of `hooks`, none has a metaclass keyword, and
/// each base is `object` or an undecorated class statement of the module with the same
/// property (an ABC base may register any class, a metaclass answer anything).
fn is_plain_class(checker: &Checker<'_>, class: ScopeId, depth: usize, hooks: &[&str]) -> bool {
    let Some(def) = checker.class_definition(class) else {
        return false;
    };
    let binds_a_hook = hooks
        .iter()
        .any(|hook| checker.model.scope(class).bindings.contains_key(*hook));
    if depth > 32 || !def.decorator_list.is_empty() || binds_a_hook {
        return false;
    }
    let Some(arguments) = &def.arguments else {
        return true;
    };
    if !arguments.keywords.is_empty() {
        return false;
    }
    // The bases are evaluated in the scope around the class body.
    let Some(outer) = checker.model.scope(class).parent else {
        return false;
    };
    arguments.args.iter().all(|base| {
        let Expr::Name(base) = base else {
            return false;
        };
        if base.id.as_str() == "object" && names::certainly_builtin_in(checker, outer, "object") {
            return true;
        }
        let Some((_, bindings)) = checker.model.bindings_seen(outer, base.id.as_str()) else {
            return false;
        };
        !bindings.is_empty()
            && bindings.iter().all(|binding| match binding.kind {
                BindingKind::ClassDef { scope } => {
                    scope != class && is_plain_class(checker, scope, depth + 1, hooks)
                }
                _ => false,
            })
    })
}

/// The name an `if isinstance(n, C):` test proves inside its body.
pub fn proof_within<'a>(checker: &Checker<'a>, test: &'a Expr) -> Option<&'a str> {
    if checker.settings.profile != Profile::Encapsulation {
        return None;
    }
    proven_by(checker, test)
}

/// The name a statement proves for the statements after it: `if not isinstance(n, C):
/// return ...` (a body that always leaves), or `n = C(...)`.
pub fn proof_after<'a>(checker: &Checker<'a>, stmt: &'a ruff_python_ast::Stmt) -> Option<&'a str> {
    use ruff_python_ast::Stmt;
    if checker.settings.profile != Profile::Encapsulation {
        return None;
    }
    match stmt {
        Stmt::If(if_stmt) => {
            let Expr::UnaryOp(ast::ExprUnaryOp {
                op: ast::UnaryOp::Not,
                operand,
                ..
            }) = &*if_stmt.test
            else {
                return None;
            };
            let leaves = matches!(if_stmt.body.last(), Some(Stmt::Return(_) | Stmt::Raise(_)));
            if !leaves || !if_stmt.elif_else_clauses.is_empty() {
                return None;
            }
            proven_by(checker, operand)
        }
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => match targets.as_slice() {
            [Expr::Name(target)] => constructed(checker, target, value),
            _ => None,
        },
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => match &**target {
            Expr::Name(target) => constructed(checker, target, value),
            _ => None,
        },
        _ => None,
    }
}

/// `n = C(...)`: the name `n`, an instance the method's class made.
fn constructed<'a>(
    checker: &Checker<'a>,
    target: &'a ast::ExprName,
    value: &Expr,
) -> Option<&'a str> {
    let Expr::Call(call) = value else {
        return None;
    };
    let Expr::Name(class) = &*call.func else {
        return None;
    };
    // `cls(...)` proves nothing: a subclass's `__new__` may return any object.
    (is_this_class(checker, class) && {
        let method = checker
            .model
            .enclosing_method(checker.scope)
            .expect("a method");
        let class = checker
            .model
            .scope(method)
            .method
            .as_ref()
            .expect("a method")
            .class;
        constructs_its_instances(checker, class, 0)
    })
    .then_some(target.id.as_str())
}

enum DecoratorVerdict {
    /// `property`, `classmethod`, or an accessor of a property of the same class.
    Keeps,
    /// `staticmethod`: no receiver at all.
    Static,
    /// Anything else receives the raw function.
    Exposes,
}

fn decorator_verdict(checker: &Checker<'_>, class: ScopeId, decorator: &Expr) -> DecoratorVerdict {
    if let Expr::Name(name) = decorator {
        if names::certainly_builtin_in(checker, class, name.id.as_str()) {
            match name.id.as_str() {
                "property" | "classmethod" => return DecoratorVerdict::Keeps,
                "staticmethod" => return DecoratorVerdict::Static,
                _ => {}
            }
        }
        return DecoratorVerdict::Exposes;
    }
    match accessor_decorator_base(decorator) {
        Some(base) if is_property_of(checker, class, base) => DecoratorVerdict::Keeps,
        _ => DecoratorVerdict::Exposes,
    }
}

/// Whether `@p.setter` (or `.getter`, `.deleter`), with `base` its `p`, extends a real
/// property of the class: every binding of `p` in the class body is a `def` decorated only
/// with the builtin `property` or an accessor of `p`, and one decorated with `property` is an
/// unconditional statement of the body before the accessor. The body runs in order: until
/// that `def` has run, `p` is whatever the enclosing scopes hold.
fn is_property_of(checker: &Checker<'_>, class: ScopeId, base: &ast::ExprName) -> bool {
    let scope = checker.model.scope(class);
    let body = scope.class.as_ref().expect("a class scope");
    let name = scope.mangle(base.id.as_str());
    let name = name.as_ref();
    let (Some(bindings), Some(methods)) = (scope.bindings.get(name), body.methods.get(name)) else {
        return false;
    };
    if bindings
        .iter()
        .any(|binding| binding.kind != BindingKind::FunctionDef)
    {
        return false;
    }
    let mut defined_before = false;
    for &method in methods {
        let def = checker
            .model
            .scope(method)
            .method
            .as_ref()
            .expect("a method")
            .def;
        let [decorator] = def.decorator_list.as_slice() else {
            return false;
        };
        match &decorator.expression {
            Expr::Name(decorator)
                if decorator.id.as_str() == "property"
                    && names::certainly_builtin_in(checker, class, "property") =>
            {
                let unconditional = bindings
                    .iter()
                    .any(|binding| binding.range == def.name.range && binding.statement.is_some());
                defined_before |= unconditional && def.name.range.end() <= base.range.start();
            }
            other
                if accessor_decorator_base(other)
                    .is_some_and(|other| scope.mangle(other.id.as_str()) == name) => {}
            _ => return false,
        }
    }
    defined_before
}

#[cfg(test)]
mod tests {
    use crate::test_support::{assert_clean, codes, codes_with};

    #[test]
    fn self_in_methods_and_nested_scopes() {
        assert_clean(
            "class C:\n    def __init__(self):\n        self._x = 1\n        self.__y = 2\n\n    def get(self):\n        f = lambda: self._x\n        def inner():\n            return self._x + self.__y\n        return [self._x for _ in range(2)], f(), inner()\n",
        );
    }

    #[test]
    fn private_helpers_through_self_and_super() {
        assert_clean(
            "class B:\n    def __init__(self):\n        self._x = 0\n\nclass C(B):\n    def __init__(self):\n        super().__init__()\n        self._helper()\n\n    def _helper(self):\n        return self.__dict__.copy()\n",
        );
    }

    #[test]
    fn cls_of_classmethod() {
        assert_clean(
            "class C:\n    _count = 0\n\n    @classmethod\n    def make(cls):\n        cls._count += 1\n        return cls._count\n",
        );
    }

    #[test]
    fn properties_with_setters() {
        assert_clean(
            "class C:\n    @property\n    def x(self):\n        return self._x\n\n    @x.setter\n    def x(self, value):\n        self._x = value\n\n    @x.deleter\n    def x(self):\n        del self._x\n",
        );
    }

    #[test]
    fn accessors_extend_only_a_property_defined_before_them() {
        let setter = "    @p.setter\n    def p(self, value):\n        self._x = value\n";
        let getter = "    @property\n    def p(self):\n        return self._x\n";
        let conditional_getter =
            "    if flag:\n        @property\n        def p(self):\n            return self._x\n";
        for body in [
            // Until the class's own `p` is defined, `p` is the module's.
            format!("{setter}\n{getter}"),
            format!("{conditional_getter}\n{setter}"),
            // An accessor of an accessor the property may not have run before.
            format!(
                "{conditional_getter}\n{setter}\n    @p.deleter\n    def p(self):\n        del self._x\n"
            ),
        ] {
            let source = format!("p = make()\n\nclass C:\n{body}");
            let found = crate::test_support::check(&source);
            assert!(
                found.iter().any(|d| d.rule == crate::Rule::DemotedMethod
                    && d.message.contains("earlier in the class body")),
                "{source}: {found:?}"
            );
        }
        assert_clean(&format!(
            "class C:\n{getter}\n{setter}\n    for _ in range(2):\n        @p.deleter\n        def p(self):\n            del self._x\n"
        ));
        // The accessor's base is mangled like the `def` it extends.
        assert_clean(
            "class C:\n    @property\n    def __p(self):\n        return self._x\n\n    @__p.setter\n    def __p(self, value):\n        self._x = value\n",
        );
    }

    #[test]
    fn throwaway_underscore_variable() {
        assert_clean("for _ in range(3):\n    pass\n_, b = 1, 2\n");
    }

    #[test]
    fn other_objects_are_rejected() {
        assert_eq!(codes("def f(x):\n    return x._y\n"), ["OC101"]);
        assert_eq!(codes("def f(x):\n    x._y = 1\n"), ["OC101"]);
        assert_eq!(codes("def f(x):\n    del x._y\n"), ["OC101"]);
        assert_eq!(codes("def f(x):\n    x._y += 1\n"), ["OC101"]);
        assert_eq!(
            codes("def f(x, xs):\n    for x._a in xs:\n        pass\n"),
            ["OC101"]
        );
        assert_eq!(
            codes("def f(x, c):\n    with c as x._a:\n        pass\n"),
            ["OC101"]
        );
        assert_eq!(codes("def f(x):\n    return x._C__y\n"), ["OC101"]);
        assert_eq!(codes("def f(x):\n    return x.__dict__\n"), ["OC101"]);
        assert_eq!(codes("def f(x):\n    return x.__class__\n"), ["OC101"]);
    }

    #[test]
    fn self_outside_a_method_is_not_self() {
        assert_eq!(
            codes("def helper(self):\n    return self._balance\n"),
            ["OC101"]
        );
        assert_eq!(
            codes(
                "class C:\n    def m(self):\n        def inner(self):\n            return self._x\n        return inner\n"
            ),
            ["OC101"]
        );
        assert_eq!(
            codes("class C:\n    def m(self, other):\n        return other._x\n"),
            ["OC101"]
        );
    }

    #[test]
    fn rebinding_self_anywhere_loses_it() {
        for rebinding in [
            "self = other",
            "del self",
            "for self in [other]: pass",
            "with other as self: pass",
            "(self := other)",
            "import json as self",
            "try:\n            pass\n        except Exception as self:\n            pass",
            "match other:\n            case self: pass",
        ] {
            let source = format!(
                "class C:\n    def m(self, other):\n        x = self._x\n        {rebinding}\n"
            );
            assert!(
                codes(&source).contains(&"OC101"),
                "{rebinding}: {:?}",
                codes(&source)
            );
        }
        assert!(codes(
            "class C:\n    def m(self, other):\n        def rebind():\n            nonlocal self\n            self = other\n        rebind()\n        return self._x\n"
        )
        .contains(&"OC101"));
        assert!(codes(
            "class C:\n    def m(self, other):\n        [(self := other) for _ in range(1)]\n        return self._x\n"
        )
        .contains(&"OC101"));
    }

    #[test]
    fn shadowing_self_in_nested_scopes() {
        assert_eq!(
            codes("class C:\n    def m(self, xs):\n        return [self._x for self in xs]\n"),
            ["OC101"]
        );
        assert_eq!(
            codes("class C:\n    def m(self):\n        return lambda self: self._x\n"),
            ["OC101"]
        );
    }

    #[test]
    fn dunder_assignment_on_self() {
        assert_eq!(
            codes("class C:\n    def m(self):\n        self.__class__ = int\n"),
            ["OC101"]
        );
    }

    #[test]
    fn demoted_methods() {
        let decorated = codes(
            "def log(f):\n    return f\n\nclass C:\n    @log\n    def m(self):\n        return self._x\n",
        );
        assert_eq!(decorated, ["OC102"]);
        let passed_on =
            codes("class C:\n    def m(self):\n        return self._x\n    alias = id(m)\n");
        assert_eq!(passed_on, ["OC102", "OC401"]);
        let property_call =
            codes("class C:\n    def m(self):\n        return self._x\n    p = property(m)\n");
        assert_eq!(property_call, ["OC102"]);
        let shadowed_property = codes(
            "def property(f):\n    return f\n\nclass C:\n    @property\n    def m(self):\n        return self._x\n",
        );
        assert_eq!(shadowed_property, ["OC102"]);
    }

    #[test]
    fn reading_a_method_through_its_class_demotes_it() {
        let found = codes(
            "class C:\n    def f(self):\n        return self._x\n\ndef steal(victim):\n    return C.f(victim)\n",
        );
        assert_eq!(found, ["OC102"]);
        assert_clean(
            "class C:\n    def f(self):\n        return self._x\n\n    def g(self):\n        return self.f()\n\nC().f()\n",
        );
    }

    #[test]
    fn annotation_scopes_that_see_the_class_namespace_demote() {
        let reveal = "class C:\n    def reveal(self):\n        return self._x\n";
        for exposing in [
            "    def g[T](self, hint: log(reveal)):\n        pass\n",
            "    def g[T](self) -> log(reveal):\n        pass\n",
            "    def g[T: log(reveal)](self):\n        pass\n",
            "    def g[T = log(reveal)](self):\n        pass\n",
            "    def g[*Ts = log(reveal)](self):\n        pass\n",
            "    class Inner[T](log(reveal)):\n        pass\n",
            "    type Alias = log(reveal)\n",
            "    type Alias[T] = log(reveal)\n",
        ] {
            let source = format!("def log(f):\n    return f\n\n{reveal}{exposing}");
            assert_eq!(codes(&source), ["OC102"], "{source}");
        }
        assert_eq!(
            codes(
                "def log(f):\n    return f\n\nclass C[V]:\n    def reveal(self):\n        return self._x\n\n    def g[T](self, hint: log(reveal)):\n        pass\n"
            ),
            ["OC102"]
        );
    }

    #[test]
    fn generic_methods_with_annotations_keep_their_receiver() {
        assert_clean(
            "class Box:\n    Default = int\n\n    def get[T](self, default: T, kind: Default = 0) -> list[T]:\n        return [self._x, default]\n\n    def put[T: (int, str), *Ts](self, value: T) -> T:\n        self._x = value\n        return value\n\n    type Pair[T] = tuple[T, Default]\n",
        );
        // An annotation scope's own type parameter shadows the class's method of that name.
        assert_clean(
            "class C:\n    def reveal(self):\n        return self._x\n\n    def g[reveal](self, hint: reveal):\n        pass\n",
        );
    }

    #[test]
    fn same_class_aliases_bind_the_method_under_a_second_name() {
        let method = "class C:\n    def clear(self):\n        del self._items[:]\n\n";
        for alias in [
            "    _clear = clear\n",
            "    def __add__(self, other):\n        return self._items + other\n\n    __radd__ = __add__\n",
            "    _clear = clear\n    clear = None\n\n    def reset(self):\n        self._clear()\n",
            // An alias of an alias (`__and__ = intersection; __rand__ = __and__`).
            "    _clear = clear\n    __reset = _clear\n\n    def reset(self):\n        self.__reset()\n",
        ] {
            assert_clean(&format!("{method}{alias}"));
        }
        // Each name of the function is the method: reading either exposes it.
        for exposing in [
            "    _clear = clear\n    p = property(_clear)\n",
            "    _clear = clear\n\ndef steal(victim):\n    return C._clear(victim)\n",
            "    _clear = clear\n\n    @classmethod\n    def f(cls, victim):\n        return cls._clear(victim)\n",
            "    _clear = clear\n    again = _clear\n\ndef steal(victim):\n    return C.again(victim)\n",
        ] {
            let found = codes(&format!("{method}{exposing}"));
            assert!(
                found.contains(&"OC102") || found.contains(&"OC101"),
                "{exposing}: {found:?}"
            );
            assert_ne!(found, [] as [&str; 0], "{exposing}");
        }
        // Not certainly the method, or a name the function was not written for.
        for not_an_alias in [
            "    __new__ = clear\n",
            "    __init_subclass__ = clear\n",
            "    _missing_ = clear\n",
            "    clear = clear\n",
        ] {
            assert_eq!(
                codes(&format!("{method}{not_an_alias}")),
                ["OC102"],
                "{not_an_alias}"
            );
        }
        for not_certainly_the_method in [
            "class C:\n    if True:\n        def clear(self):\n            del self._items[:]\n    _clear = clear\n",
            "class C:\n    def clear(self):\n        del self._items[:]\n    clear = wrap(clear)\n    _clear = clear\n",
            "class C:\n    @wrap\n    def clear(self):\n        del self._items[:]\n    _clear = clear\n",
            "class C:\n    def clear(self):\n        del self._items[:]\n    def clear(self):\n        del self._items[:]\n    _clear = clear\n",
        ] {
            let settings = crate::Settings {
                grants: ["wrap".to_string()].into(),
                ..crate::Settings::default()
            };
            let found = crate::test_support::codes_with(not_certainly_the_method, &settings);
            assert!(
                found.contains(&"OC102"),
                "{not_certainly_the_method}: {found:?}"
            );
        }
    }

    #[test]
    fn demotion_message_points_at_the_cause() {
        for source in [
            "class C:\n    def m(self):\n        return self._x\n    alias = property(m)\n",
            "class C:\n    def m(self):\n        return self._x\n    def g[T](self, x: print(m)):\n        pass\n",
        ] {
            let diagnostics = crate::test_support::check(source);
            assert!(
                diagnostics[0].message.contains("line 4"),
                "{}",
                diagnostics[0].message
            );
        }
    }

    #[test]
    fn staticmethod_has_no_self() {
        assert_eq!(
            codes("class C:\n    @staticmethod\n    def m(self):\n        return self._x\n"),
            ["OC101"]
        );
    }

    #[test]
    fn setter_of_a_foreign_property_demotes() {
        assert_eq!(
            codes(
                "class C:\n    x = make()\n    @x.setter\n    def x(self, v):\n        self._x = v\n"
            ),
            ["OC102", "OC404"]
        );
    }

    #[test]
    fn encapsulation_accepts_proven_instances_of_the_same_class() {
        let settings = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        let proven = [
            "class C:\n    def __eq__(self, other):\n        if not isinstance(other, C):\n            return NotImplemented\n        return self._x == other._x\n",
            "class C:\n    def merge(self, other):\n        if isinstance(other, C):\n            return other._x\n",
            "class C:\n    def merge(self, other):\n        if type(other) is C:\n            return other._x\n",
            "class C:\n    def __add__(self, other):\n        result = C()\n        result._x = self._x\n        return result\n",
        ];
        for source in proven {
            assert!(codes_with(source, &settings).is_empty(), "{source}");
        }
        let unproven = [
            // An annotation is not proof.
            "class C:\n    def merge(self, other: \"C\"):\n        return other._x\n",
            // Outside the guarded body.
            "class C:\n    def merge(self, other):\n        if isinstance(other, C):\n            pass\n        return other._x\n",
            // Another class.
            "class D:\n    pass\n\nclass C:\n    def merge(self, other):\n        if isinstance(other, D):\n            return other._x\n",
            // Rebound after the check.
            "class C:\n    def merge(self, other, x):\n        if isinstance(other, C):\n            other = x\n            return other._x\n",
            // Constructed, but bound twice.
            "class C:\n    def copy(self, x):\n        made = C()\n        made = x\n        return made._x\n",
            // Used before it is constructed.
            "class C:\n    def copy(self):\n        def peek():\n            return made._x\n        peek()\n        made = C()\n",
            // Another class's instance.
            "class D:\n    pass\n\nclass C:\n    def copy(self):\n        made = D()\n        return made._x\n",
            // `cls` of a staticmethod is just a parameter.
            "class C:\n    @staticmethod\n    def make(cls):\n        made = cls()\n        return made._x\n",
            // A subclass's `__new__` may return any object.
            "class C:\n    @classmethod\n    def make(cls, x):\n        made: C = cls()\n        made._x = x\n        return made\n",
        ];
        for source in unproven {
            assert_eq!(codes_with(source, &settings), ["OC101"], "{source}");
        }
        // The capability profile trusts only `self`.
        assert_eq!(codes(proven[1]), ["OC101"]);
    }

    #[test]
    fn super_objects_own_attributes_are_refused() {
        // `super().__class__` is the `super` type; `__get__` rebinds super to any object.
        for name in [
            "__class__",
            "__get__",
            "__self__",
            "__self_class__",
            "__thisclass__",
        ] {
            for method in [
                "    def m(self):\n",
                "    @classmethod\n    def m(cls):\n",
                "    def __new__(cls):\n",
            ] {
                let source = format!("class C:\n{method}        return super().{name}\n");
                let found = codes(&source);
                assert!(
                    found.contains(&"OC101") || found.contains(&"OC201"),
                    "{source}: {found:?}"
                );
            }
        }
        assert_clean(
            "class B:\n    pass\n\nclass C(B):\n    def __init__(self):\n        super().__init__()\n\n    def __eq__(self, other):\n        return super().__eq__(other)\n\n    def __getitem__(self, key):\n        return super().__getitem__(key)\n\n    def __new__(cls):\n        return super().__new__(cls)\n",
        );
    }

    #[test]
    fn new_through_a_receiver_only_makes_the_methods_own_class() {
        for source in [
            "class C:\n    def forge(self, cls):\n        return self.__new__(cls)\n",
            "class C:\n    def forge(self, cls):\n        return super().__new__(cls)\n",
            "class C:\n    def forge(self):\n        f = self.__new__\n        return f\n",
            "class C:\n    @classmethod\n    def forge(cls, other):\n        return cls.__new__(other)\n",
            "class C:\n    @classmethod\n    def forge(cls, other):\n        return super().__new__(other)\n",
            "class C:\n    @classmethod\n    def forge(cls):\n        return cls.__new__\n",
            "class C:\n    @classmethod\n    def forge(cls, other):\n        cls = other\n        return cls.__new__(cls)\n",
            "class C:\n    def __new__(cls, other):\n        return super().__new__(other)\n",
            "class C:\n    def __new__(cls, other):\n        cls = other\n        return super().__new__(cls)\n",
        ] {
            let found = crate::test_support::check(source);
            assert!(
                found
                    .iter()
                    .any(|d| d.rule == crate::Rule::PrivateAttribute),
                "{source}: {found:?}"
            );
        }
        let found = crate::test_support::check(
            "class C:\n    def forge(self, cls):\n        return self.__new__(cls)\n",
        );
        assert!(found[0].message.contains("cls.__new__(cls)"), "{found:?}");
        assert_clean(
            "class C:\n    def __new__(cls, *args):\n        return super().__new__(cls)\n\n    @classmethod\n    def blank(cls):\n        return cls.__new__(cls)\n\n    @classmethod\n    def blank2(cls):\n        return super().__new__(cls)\n\n    def __init_subclass__(cls):\n        cls.__new__(cls)\n",
        );
    }

    #[test]
    fn enum_protocol_names_are_not_written_through_self() {
        for write in [
            "self._value_ = victim",
            "del self._value_",
            "self._name_ = victim",
            "self._sort_order_ = 1",
        ] {
            let source = format!(
                "victim = object()\n\nclass E:\n    def __init__(self, *args):\n        {write}\n"
            );
            let found = crate::test_support::check(&source);
            assert!(
                found.iter().any(|d| d.rule == crate::Rule::PrivateAttribute
                    && d.message.contains("enum's protocol")),
                "{source}: {found:?}"
            );
        }
        assert_clean(
            "class E:\n    def __init__(self, *args):\n        self._label = args\n\n    def value(self):\n        return self._value_\n",
        );
    }

    #[test]
    fn new_returns_only_an_instance_it_made_from_its_class() {
        assert_clean(
            "class C:\n    def __new__(cls, x):\n        made = super().__new__(cls)\n        made.x = x\n        return made\n\nclass D(int):\n    def __new__(cls, v):\n        if v < 0:\n            return None\n        return super().__new__(cls, v)\n",
        );
        for returned in ["value", "other.make()", "made"] {
            let source = format!(
                "class C(int):\n    def __new__(cls, value=0, other=None):\n        made = super().__new__(cls)\n        made = value\n        return {returned}\n"
            );
            assert!(codes(&source).contains(&"OC101"), "{returned}");
        }
    }

    #[test]
    fn a_chained_membership_test_hands_its_middle_comparators_on() {
        assert_clean(
            "class C:\n    def f(self, k, j):\n        return k in self.__dict__, j < k in self.__dict__\n",
        );
        assert_eq!(
            codes(
                "class C:\n    def f(self, grab):\n        return 'k' not in self.__dict__ in grab\n"
            ),
            ["OC101"]
        );
        assert_eq!(
            codes("class C:\n    def f(self, grab):\n        return self.__dict__ in grab\n"),
            ["OC101"]
        );
    }

    #[test]
    fn isinstance_proves_nothing_when_a_hook_or_a_base_may_answer() {
        let settings = crate::Settings {
            profile: crate::Profile::Encapsulation,
            grants: ["Meta".to_string(), "ABC".to_string()].into(),
            ..crate::Settings::default()
        };
        let peek = "    def peek(self, other):\n        if isinstance(other, C):\n            return other._x\n";
        for class in [
            "class C(metaclass=Meta):\n",
            "class C(ABC):\n",
            "class C:\n    @classmethod\n    def __subclasshook__(cls, other):\n        return True\n",
            "class C:\n    @classmethod\n    def __subclasses__(cls):\n        return [int]\n",
            "class Base:\n    def __instancecheck__(self, other):\n        return True\nclass C(Base):\n",
        ] {
            let source = format!("{class}{peek}");
            let found = crate::test_support::codes_with(&source, &settings);
            assert!(found.contains(&"OC101"), "{source}: {found:?}");
        }
        let plain = format!("class Base:\n    pass\nclass C(Base):\n{peek}");
        assert!(crate::test_support::codes_with(&plain, &settings).is_empty());
    }

    #[test]
    fn self_dict_is_read_only_in_place() {
        for use_ in [
            "self.__dict__[\"_value_\"] = v",
            "del self.__dict__[\"_x\"]",
            "self.__dict__.update(_value_=v)",
            "d = self.__dict__",
            "return self.__dict__",
            "f(self.__dict__)",
            "self.__dict__.setdefault(\"_value_\", v)",
        ] {
            let source = format!("class E:\n    def __init__(self, v):\n        {use_}\n");
            assert!(codes(&source).contains(&"OC101"), "{source}");
        }
        assert_clean(
            "class C:\n    def m(self, k):\n        a = self.__dict__[k], self.__dict__.get(k), k in self.__dict__\n        return a, list(self.__dict__.items()), self.__dict__.keys(), self.__dict__.values(), self.__dict__.copy()\n",
        );
    }

    #[test]
    fn deleting_through_a_class_receiver_is_refused() {
        for source in [
            "class E:\n    _f = None\n\n    @classmethod\n    def wipe(cls):\n        del cls._f\n",
            "class Base:\n    def __init_subclass__(cls):\n        del cls._f\n",
            "class Base:\n    def __init_subclass__(cls):\n        del super()._f\n",
            "class Base:\n    def __class_getitem__(cls, item):\n        del cls._f\n",
        ] {
            assert!(codes(source).contains(&"OC101"), "{source}");
        }
        // An instance's own attribute may still be deleted.
        assert_clean(
            "class C:\n    _f = None\n\n    def __init__(self):\n        self._g = 1\n        del self._g\n\n    @classmethod\n    def reset(cls):\n        cls._f = None\n",
        );
    }

    #[test]
    fn enum_ignore_leaves_no_certain_class_data() {
        let source = "import enum\n\nclass Base(enum.Enum):\n    def _f(self):\n        return self._secret\n\nclass E(Base):\n    _ignore_ = [\"_f\"]\n    _f = None\n    A = 1\n\n    @classmethod\n    def go(cls, victim):\n        return cls._f(victim)\n";
        assert!(codes(source).contains(&"OC101"), "{:?}", codes(source));
        assert_clean(
            "class E:\n    _f = None\n    A = 1\n\n    @classmethod\n    def go(cls):\n        return cls._f\n",
        );
    }

    #[test]
    fn encapsulation_proofs_need_the_class_to_be_what_its_name_says() {
        let settings = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        let unproven = [
            // A class decorator may bind the name to any object.
            "def swap(cls):\n    return cls\n\n@swap\nclass C:\n    def peek(self, other):\n        if isinstance(other, C):\n            return other._x\n",
            "def swap(cls):\n    return cls\n\n@swap\nclass C:\n    def peek(self, other):\n        if type(other) is C:\n            return other._x\n",
            // `__new__` may return any object.
            "class C:\n    def __new__(cls, other=None):\n        return other\n\n    def peek(self, x):\n        made = C(x)\n        return made._x\n",
            // A base's `__new__`, or a base that is not a class statement of the module.
            "class B:\n    def __new__(cls, other=None):\n        return other\n\nclass C(B):\n    def peek(self, x):\n        made = C(x)\n        return made._x\n",
            "from m import B\n\nclass C(B):\n    def peek(self, x):\n        made = C(x)\n        return made._x\n",
            "class C(metaclass=M):\n    def peek(self, x):\n        made = C(x)\n        return made._x\n",
            // A nested function may run after the name is rebound.
            "class C:\n    def peek(self, items):\n        readers = []\n        for other in items:\n            if isinstance(other, C):\n                readers.append(lambda: other._x)\n        return readers\n",
            "class C:\n    def peek(self, other):\n        if isinstance(other, C):\n            def read():\n                return other._x\n            return read\n",
        ];
        for source in unproven {
            assert!(
                codes_with(source, &settings).contains(&"OC101"),
                "{source}: {:?}",
                codes_with(source, &settings)
            );
        }
        let proven = [
            "class B:\n    pass\n\nclass C(B, object):\n    def copy(self):\n        made = C()\n        made._x = self._x\n        return made\n",
            "class C:\n    def peek(self, items):\n        for other in items:\n            if isinstance(other, C):\n                return other._x\n",
        ];
        for source in proven {
            assert!(
                codes_with(source, &settings).is_empty(),
                "{source}: {:?}",
                codes_with(source, &settings)
            );
        }
    }

    #[test]
    fn an_undecorated_sunder_hook_has_no_receiver() {
        // Enum calls `cls._missing_(value)` through the class: a plain def's `self` is the
        // value the caller passes (red team).
        let hook = "class Enum:\n    pass\nclass Color(Enum):\n    RED = 1\n    def _missing_(self, value=None):\n        raise ValueError(self._balance)\n";
        assert_eq!(codes(hook), ["OC101"]);
        assert_clean(
            "class Enum:\n    pass\nclass Color(Enum):\n    _fallback = 1\n    @classmethod\n    def _missing_(cls, value):\n        return cls._fallback\n",
        );
    }

    #[test]
    fn receiver_read_in_a_nested_class_body_is_not_self() {
        // The class namespace is searched before the method's cell (`LOAD_CLASSDEREF`).
        for read in [
            "x = self._secret",
            "x = [self._secret for _ in range(1)]",
            "type Alias = self._secret",
        ] {
            let source =
                format!("class C:\n    def m(self):\n        class Inner:\n            {read}\n");
            let found = codes_with(
                &source,
                &crate::Settings {
                    target_version: ruff_python_ast::PythonVersion::PY312,
                    ..crate::Settings::default()
                },
            );
            if read.starts_with("x = [") {
                // A comprehension is a function scope: it reads the real cell.
                assert!(found.is_empty(), "{read}: {found:?}");
            } else {
                assert!(found.contains(&"OC101"), "{read}: {found:?}");
            }
        }
        assert_eq!(
            codes(
                "class C:\n    def m(__module__):\n        class Inner:\n            x = __module__._secret\n"
            ),
            ["OC101", "OC402"]
        );
        // A function nested in the inner class reads the cell itself.
        assert_clean(
            "class C:\n    def m(self):\n        class Inner:\n            def g(inner):\n                return self._secret\n        return Inner\n",
        );
    }

    #[test]
    fn privilege_granting_builtins_must_be_the_builtin() {
        for rebinding in [
            "super = len",
            "del super",
            "def rebind():\n    global super\n    super = len",
            "[(super := len) for _ in range(1)]",
            "from json import *",
        ] {
            let source =
                format!("class C:\n    def m(self):\n        return super()._x\n\n{rebinding}\n");
            let found = codes_with(
                &source,
                &crate::Settings {
                    profile: crate::Profile::Encapsulation,
                    ..crate::Settings::default()
                },
            );
            assert!(found.contains(&"OC101"), "{rebinding}: {found:?}");
        }
        // Decorators are judged under the capability profile only.
        for decorator in ["classmethod", "property"] {
            let source = format!(
                "class C:\n    _x = 0\n\n    @{decorator}\n    def m(self):\n        return self._x\n\n{decorator} = len\n"
            );
            let found = codes_with(
                &source,
                &crate::Settings {
                    profile: crate::Profile::Encapsulation,
                    ..crate::Settings::default()
                },
            );
            // Bound after the class: the decorator was the builtin when the body ran.
            assert!(found.is_empty(), "{decorator}: {found:?}");
            let inside_a_function = format!(
                "def make():\n    class C:\n        _x = 0\n\n        @{decorator}\n        def m(self):\n            return self._x\n    return C\n\n{decorator} = len\n"
            );
            let found = codes_with(&inside_a_function, &crate::Settings::default());
            assert!(
                found.contains(&"OC102") || found.contains(&"OC101"),
                "{decorator}: {found:?}"
            );
        }
        let settings = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        assert_eq!(
            codes_with(
                "class C:\n    def merge(self, other):\n        if isinstance(other, C):\n            return other._x\n\nisinstance = lambda *a: True\n",
                &settings
            ),
            ["OC101"]
        );
        assert_clean("class C:\n    def m(self):\n        return super()._x\n");
    }

    #[test]
    fn private_names_are_mangled() {
        // `__me` in the nested class is `_Inner__me`, a global.
        assert_eq!(
            codes(
                "class C:\n    def m(__me):\n        class Inner:\n            def g(other):\n                return __me._x\n        return Inner\n"
            ),
            ["OC101", "OC404"]
        );
        assert_clean("class C:\n    def m(__me):\n        return __me._x\n");
        // `def __peek` binds `_C__peek`: reading that exposes the raw function.
        assert_eq!(
            codes(
                "class C:\n    def __peek(self):\n        return self._x\n    leak = [_C__peek]\n"
            ),
            ["OC102"]
        );
        // A plain alias of it is the method under another name.
        assert_eq!(
            codes(
                "class C:\n    def __peek(self):\n        return self._x\n    leak = _C__peek\n\ndef steal(victim):\n    return C.leak(victim)\n"
            ),
            ["OC102"]
        );
        assert_eq!(
            codes(
                "class C:\n    def __peek(self):\n        return self._x\n\ndef steal(victim):\n    return C._C__peek(victim)\n"
            ),
            ["OC101", "OC102"]
        );
    }

    #[test]
    fn private_methods_through_cls_are_raw_functions() {
        for method in [
            "@classmethod\n    def make(cls, victim):",
            "def __init_subclass__(cls, victim=None):",
            "def __class_getitem__(cls, victim):",
        ] {
            let source = format!(
                "class C:\n    def _peek(self):\n        return self._x\n\n    {method}\n        return cls._peek(victim)\n"
            );
            assert_eq!(codes(&source), ["OC101"], "{method}");
            let inherited = format!("class C:\n    {method}\n        return cls._helper(victim)\n");
            assert_eq!(codes(&inherited), ["OC101"], "{method}");
        }
        for name in ["_helper", "__doc__", "__module__", "__name__"] {
            let source = format!(
                "class C:\n    @classmethod\n    def make(cls):\n        return super().{name}\n"
            );
            assert_eq!(codes(&source), ["OC101"], "{name}");
        }
        // `type` makes a classmethod of any function a base binds under this name.
        assert_clean(
            "class C:\n    def __init_subclass__(cls, **keywords):\n        super().__init_subclass__(**keywords)\n",
        );
        // Data, classmethods and the class's name stay readable through `cls`.
        assert_clean(
            "class Config:\n    _defaults = {\"a\": 1}\n\n    @classmethod\n    def _build(cls, d):\n        return cls(d)\n\n    def __init__(self, d):\n        self._d = d\n\n    @classmethod\n    def from_dict(cls, d):\n        return cls._build({**cls._defaults, **d}), cls.__name__\n\nconfig = Config.from_dict({})\n",
        );
    }

    #[test]
    fn cls_reads_only_what_the_class_body_certainly_binds() {
        // Each leaves `_helper` to a base, where it may be a method.
        for binding in [
            "if False:\n        _helper = None",
            "_helper = None\n    del _helper",
            "_helper: int",
            "for _helper in ():\n        pass",
            "try:\n        pass\n    except Exception as _helper:\n        pass",
        ] {
            let source = format!(
                "class C(Base):\n    {binding}\n\n    @classmethod\n    def leak(cls, victim):\n        return cls._helper(victim)\n"
            );
            let found = crate::test_support::check(&source);
            assert!(
                found.iter().any(|d| d.rule == crate::Rule::PrivateAttribute
                    && d.message.contains("only conditionally")),
                "{binding}: {found:?}"
            );
        }
        assert_clean(
            "class C:\n    _helper = None\n    if True:\n        _other = 1\n    _helper = 2\n\n    @classmethod\n    def read(cls):\n        return cls._helper\n",
        );
    }

    #[test]
    fn metadata_is_read_on_any_object_and_bound_only_to_strings() {
        // A method under a metadata name would be its raw function through the class.
        for name in ["__module__", "__doc__", "__name__", "__qualname__"] {
            let source = format!(
                "class C:\n    def {name}(self):\n        return self._x\n\n    @classmethod\n    def leak(cls, victim):\n        return cls.{name}(victim)\n"
            );
            assert_eq!(codes(&source), ["OC402"], "{name}");
            for binding in [
                format!("{name} = len\n"),
                format!("{name}: str = \"x\"\n"),
                format!("for {name} in ():\n    pass\n"),
                format!("from m import x as {name}\n"),
                format!("class C:\n    {name} = staticmethod(len)\n"),
            ] {
                assert!(codes(&binding).contains(&"OC402"), "{binding}");
            }
        }
        assert_clean(
            "__name__ = \"plugin\"\n\nclass C:\n    \"\"\"Doc.\"\"\"\n    __module__ = \"elsewhere\"\n    __qualname__ = \"Outer.C\"\n\ndef describe(f, x):\n    return f.__name__, f.__qualname__, f.__module__, f.__doc__, x.__doc__\n",
        );
        // Written only as the object's own state, never on another object.
        assert_eq!(codes("def rename(f):\n    f.__name__ = \"g\"\n"), ["OC101"]);
        assert_clean(
            "class C:\n    __doc__ = \"text\"\n\n    def __new__(cls):\n        return super().__new__(cls)\n\n    @classmethod\n    def describe(cls):\n        return cls.__doc__, cls.__module__, cls.__qualname__, cls.__new__(cls)\n",
        );
    }

    #[test]
    fn private_names_in_a_generic_class_type_parameter_scope_are_refused() {
        let settings = crate::Settings {
            target_version: ruff_python_ast::PythonVersion::PY313,
            ..crate::Settings::default()
        };
        let prelude = "__s = 0\nBase = list\n\ndef run(*values, **keywords):\n    return Base\n\n";
        for header in [
            "Inner[T](run(__s))",
            "Inner[T](run(lambda: __s))",
            "Inner[T](run(lambda __s: 0))",
            "Inner[T](run(value for value in __s))",
            "Inner[T](run(__s for _ in ()))",
            "Inner[T](run(Base.__s))",
            "Inner[T](run(flag=__s))",
            "Inner[T](Base, flag=__s)",
            "Inner[T: __s]",
            "Inner[T = __s]",
        ] {
            let source = format!("{prelude}class {header}:\n    pass\n");
            let found = crate::test_support::check_with(&source, &settings);
            assert!(
                found.iter().any(|d| d.rule == crate::Rule::PrivateAttribute
                    && d.message.contains("generic class `Inner`")),
                "{header}: {found:?}"
            );
        }
        // The type parameters' own names mangle alike everywhere; a call's keyword names and
        // a plain class's bases are not mangled by release.
        for header in [
            "Box[__T](Base[__T], run(lambda: __T, __flag=1))",
            "Plain(run(__s))",
        ] {
            let source = format!("{prelude}class {header}:\n    pass\n");
            let found = crate::test_support::check_with(&source, &settings);
            assert!(found.is_empty(), "{header}: {found:?}");
        }
    }

    #[test]
    fn new_is_an_implicit_staticmethod() {
        let found = crate::test_support::check(
            "class C:\n    def __new__(cls, *args):\n        secret = cls._secret\n        return super().__new__(cls)\n",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("implicit staticmethod"),
            "{}",
            found[0].message
        );
        assert_eq!(
            codes(
                "class C:\n    def __new__(self):\n        x = super()._x\n        return super().__new__(self)\n"
            ),
            ["OC101"]
        );
        assert_clean("class C:\n    def __new__(cls):\n        return super().__new__(cls)\n");
    }

    #[test]
    fn super_follows_the_first_parameter() {
        assert!(
            codes("class C:\n    def m(self, other):\n        self = other\n        return super()._x\n")
                .contains(&"OC101")
        );
    }

    #[test]
    fn super_outside_a_method() {
        assert!(codes("def f():\n    return super()._x\n").contains(&"OC101"));
    }
}
