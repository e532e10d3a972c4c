//! The traversal: every statement and expression kind of the syntax tree, each either checked
//! or rejected. The `match`es below have no catch-all arm on purpose: a node kind the parser
//! gains in a new release stops the build until someone decides how to check it.

use std::cell::RefCell;
use std::collections::HashMap;

use ruff_python_ast::{self as ast, Expr, Pattern, Stmt};
use ruff_python_parser::semantic_errors::{SemanticSyntaxChecker, SemanticSyntaxError};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::Diagnostic;
use crate::rule::Rule;
use crate::rules::{classes, hidden_edges, imports, names, private_access, reflection, sealed};
use crate::semantic::{MODULE_SCOPE, ScopeId, ScopeKind, SemanticModel};
use crate::settings::Settings;

/// Where an expression is used, when a rule's verdict depends on it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Usage {
    Plain,
    /// The value of an attribute access (`x` in `x.y`).
    AttributeBase,
    /// The function of a call (`f` in `f(x)`), already checked by the call's rules.
    Callee,
}

pub struct Checker<'a> {
    pub settings: &'a Settings,
    pub model: SemanticModel<'a>,
    source: &'a str,
    /// Built on first use: only a few messages point at a second line.
    line_index: std::cell::OnceCell<LineIndex>,
    /// The scope the code being visited runs in.
    pub scope: ScopeId,
    /// For each module or class body being visited, the index of its current statement.
    positions: Vec<(ScopeId, usize)>,
    diagnostics: Vec<Diagnostic>,
    /// Names proven, where they are read, to be instances of the class whose method is
    /// running (`isinstance(other, C)`): the encapsulation profile treats them as `self`.
    pub proven_same_class: Vec<(ScopeId, &'a str)>,
    /// The errors CPython's compiler raises on code that parses (`return` outside a
    /// function, `nonlocal` without a binding, ...), found by ruff's checker as we go.
    syntax: SemanticSyntaxChecker,
    pub(crate) syntax_errors: RefCell<Vec<SemanticSyntaxError>>,
    /// The scope of each loop body and `try` statement being visited, innermost last.
    pub(crate) loops: Vec<ScopeId>,
    pub(crate) tries: Vec<ScopeId>,
    /// `from __future__ import annotations` is in effect.
    pub(crate) future_annotations: bool,
    /// The class statements visited so far, by their scope.
    class_definitions: HashMap<ScopeId, &'a ast::StmtClassDef>,
    /// Every name the rules trusted, for the test that proves each against CPython.
    pub(crate) trusted: RefCell<Vec<Trusted>>,
    /// The targets being visited are assigned a string literal or None: what a metadata name
    /// (`__doc__`, `__module__`) may be bound to.
    pub(crate) assigning_description: bool,
    /// `x.__class__` in `x.__class__.__name__`: a class read only for its metadata.
    pub(crate) class_read_for_metadata: Option<TextRange>,
    /// The attribute reads being visited that a receiver's `__new__` or `__dict__` may be
    /// read as: the callee of `super().__new__(cls)` with the method's own class receiver,
    /// and `self.__dict__` read in place (`self.__dict__[k]`, `self.__dict__.items()`).
    pub(crate) approved_reads: Vec<TextRange>,
}

/// A name a rule trusted where it is read, because of how it resolves: what the privilege
/// of `self` and of the trusted builtins stands on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trusted {
    /// The scope that reads the name.
    pub scope: ScopeId,
    /// The name as the compiler spells it (mangled).
    pub name: String,
    pub trust: Trust,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// The method's first parameter, never rebound.
    Receiver,
    /// The builtin of that name. Where the module or a class body binds the name too, each
    /// `(body, statement)` here says that the body binds it only at or after that statement.
    Builtin { bound_from: Vec<(ScopeId, usize)> },
}

impl<'a> Checker<'a> {
    pub fn new(settings: &'a Settings, model: SemanticModel<'a>, source: &'a str) -> Self {
        Checker {
            settings,
            model,
            source,
            line_index: std::cell::OnceCell::new(),
            scope: MODULE_SCOPE,
            positions: Vec::new(),
            diagnostics: Vec::new(),
            proven_same_class: Vec::new(),
            syntax: SemanticSyntaxChecker::new(),
            syntax_errors: RefCell::new(Vec::new()),
            loops: Vec::new(),
            tries: Vec::new(),
            future_annotations: false,
            class_definitions: HashMap::new(),
            trusted: RefCell::new(Vec::new()),
            assigning_description: false,
            class_read_for_metadata: None,
            approved_reads: Vec::new(),
        }
    }

    pub(crate) fn trust(&self, scope: ScopeId, name: &str, trust: Trust) {
        self.trusted.borrow_mut().push(Trusted {
            scope,
            name: name.to_string(),
            trust,
        });
    }

    pub fn into_trusted(self) -> Vec<Trusted> {
        self.trusted.into_inner()
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics;
        diagnostics.extend(
            self.syntax_errors
                .into_inner()
                .into_iter()
                .map(|error| Diagnostic::new(Rule::SyntaxError, error.to_string(), error.range)),
        );
        diagnostics
    }

    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.enabled(rule)
    }

    pub fn report(&mut self, rule: Rule, message: impl Into<String>, range: TextRange) {
        if self.enabled(rule) {
            self.diagnostics.push(Diagnostic::new(rule, message, range));
        }
    }

    /// The source text of a range, shortened for a message.
    pub fn text(&self, range: TextRange) -> String {
        const MAX: usize = 40;
        let text = &self.source[range];
        match text.char_indices().nth(MAX) {
            Some((cut, _)) if !text.contains('\n') => format!("{}...", &text[..cut]),
            _ if text.contains('\n') => {
                let first = text.lines().next().unwrap_or_default();
                format!("{}...", first.chars().take(MAX).collect::<String>())
            }
            _ => text.to_string(),
        }
    }

    /// `line L` of a range, for messages that point at a second place.
    pub fn line_of(&self, range: TextRange) -> usize {
        self.line_index
            .get_or_init(|| LineIndex::from_source_text(self.source))
            .line_column(range.start(), self.source)
            .line
            .get()
    }

    /// The class statement of a class scope, once it has been visited.
    pub fn class_definition(&self, scope: ScopeId) -> Option<&'a ast::StmtClassDef> {
        self.class_definitions.get(&scope).copied()
    }

    /// The index of the statement being visited in the body of `scope` (a module or class).
    pub fn position_in(&self, scope: ScopeId) -> Option<usize> {
        self.positions
            .iter()
            .rev()
            .find(|(body, _)| *body == scope)
            .map(|(_, index)| *index)
    }

    fn with_scope(&mut self, scope: ScopeId, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.scope, scope);
        visit(self);
        self.scope = outer;
    }

    pub fn check_module(&mut self, module: &'a ast::ModModule) {
        self.future_annotations = module.body.iter().any(|stmt| {
            stmt.as_import_from_stmt().is_some_and(|import| {
                import.module.as_deref() == Some("__future__")
                    && import
                        .names
                        .iter()
                        .any(|alias| alias.name.as_str() == "annotations")
            })
        });
        self.visit_body_indexed(&module.body);
    }

    /// Runs ruff's semantic syntax checks on a node about to be visited, in its scope.
    fn check_semantic_syntax(&mut self, visit: impl FnOnce(&mut SemanticSyntaxChecker, &Self)) {
        let mut syntax = std::mem::take(&mut self.syntax);
        visit(&mut syntax, self);
        self.syntax = syntax;
    }

    fn visit_loop_body(&mut self, body: &'a [Stmt]) {
        self.loops.push(self.scope);
        self.visit_body(body);
        self.loops.pop();
    }

    fn visit_body_indexed(&mut self, body: &'a [Stmt]) {
        for (index, stmt) in body.iter().enumerate() {
            self.positions.push((self.scope, index));
            self.visit_stmt(stmt);
            self.positions.pop();
        }
    }

    fn visit_body(&mut self, body: &'a [Stmt]) {
        let proofs = self.proven_same_class.len();
        for stmt in body {
            self.visit_stmt(stmt);
            // `if not isinstance(other, C): return ...` proves `other` for the rest.
            if let Some(name) = private_access::proof_after(self, stmt) {
                self.proven_same_class.push((self.scope, name));
            }
        }
        self.proven_same_class.truncate(proofs);
    }

    fn visit_exprs(&mut self, exprs: &'a [Expr]) {
        for expr in exprs {
            self.visit_expr(expr);
        }
    }

    fn visit_optional(&mut self, expr: Option<&'a Expr>) {
        if let Some(expr) = expr {
            self.visit_expr(expr);
        }
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.check_semantic_syntax(|syntax, checker| syntax.visit_stmt(stmt, checker));
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function_def(def),
            Stmt::ClassDef(class) => self.visit_class_def(class),
            Stmt::Return(ast::StmtReturn { value, .. }) => {
                if let Some(value) = value {
                    private_access::check_new_returns_an_instance(self, value);
                }
                self.visit_optional(value.as_deref());
            }
            Stmt::Delete(ast::StmtDelete { targets, .. }) => self.visit_exprs(targets),
            Stmt::TypeAlias(alias) => {
                self.visit_expr(&alias.name);
                let outer = self.scope;
                if let Some(type_params) = &alias.type_params {
                    self.scope = self.model.scope_of(&**type_params);
                    self.visit_type_params(type_params);
                }
                self.scope = self.model.scope_of(alias);
                self.visit_expr(&alias.value);
                self.scope = outer;
            }
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                self.visit_expr(value);
                let describing = matches!(**value, Expr::StringLiteral(_) | Expr::NoneLiteral(_));
                for target in targets {
                    // Only a plain name target takes the value (not a walrus inside a
                    // subscript target, `box[(__name__ := f)] = "x"`).
                    let outer = std::mem::replace(
                        &mut self.assigning_description,
                        describing && target.is_name_expr(),
                    );
                    self.visit_expr(target);
                    self.assigning_description = outer;
                }
            }
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) => {
                self.visit_expr(value);
                self.visit_expr(target);
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                annotation,
                value,
                ..
            }) => {
                self.visit_expr(annotation);
                self.visit_optional(value.as_deref());
                self.visit_expr(target);
            }
            Stmt::For(ast::StmtFor {
                target,
                iter,
                body,
                orelse,
                ..
            }) => {
                self.visit_expr(iter);
                self.visit_expr(target);
                self.visit_loop_body(body);
                self.visit_body(orelse);
            }
            Stmt::While(ast::StmtWhile {
                test, body, orelse, ..
            }) => {
                self.visit_expr(test);
                self.visit_loop_body(body);
                self.visit_body(orelse);
            }
            Stmt::If(ast::StmtIf {
                test,
                body,
                elif_else_clauses,
                ..
            }) => {
                self.visit_expr(test);
                let proofs = self.proven_same_class.len();
                if let Some(name) = private_access::proof_within(self, test) {
                    self.proven_same_class.push((self.scope, name));
                }
                self.visit_body(body);
                self.proven_same_class.truncate(proofs);
                for clause in elif_else_clauses {
                    self.visit_optional(clause.test.as_ref());
                    self.visit_body(&clause.body);
                }
            }
            Stmt::With(ast::StmtWith { items, body, .. }) => {
                for item in items {
                    self.visit_expr(&item.context_expr);
                    self.visit_optional(item.optional_vars.as_deref());
                }
                self.visit_body(body);
            }
            Stmt::Match(ast::StmtMatch { subject, cases, .. }) => {
                self.visit_expr(subject);
                for case in cases {
                    self.visit_pattern(&case.pattern);
                    self.visit_optional(case.guard.as_deref());
                    self.visit_body(&case.body);
                }
            }
            Stmt::Raise(ast::StmtRaise { exc, cause, .. }) => {
                self.visit_optional(exc.as_deref());
                self.visit_optional(cause.as_deref());
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
                range,
                ..
            }) => {
                if *is_star {
                    self.report(
                        Rule::UnsupportedSyntax,
                        "`except*` trusts the `split()` of exception-group subclasses, which corrupts memory on the CPython releases of this era (gh-128049)",
                        *range,
                    );
                }
                self.tries.push(self.scope);
                self.visit_body(body);
                for handler in handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.visit_optional(handler.type_.as_deref());
                    if let Some(name) = &handler.name {
                        names::check_binding(self, name.as_str(), name.range);
                    }
                    self.visit_body(&handler.body);
                }
                self.visit_body(orelse);
                self.visit_body(finalbody);
                self.tries.pop();
            }
            Stmt::Assert(ast::StmtAssert { test, msg, .. }) => {
                self.visit_expr(test);
                self.visit_optional(msg.as_deref());
            }
            Stmt::Import(import) => imports::check_import(self, import),
            Stmt::ImportFrom(import) => imports::check_import_from(self, import),
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                let here = self.model.scope(self.scope);
                let other_declarations = match stmt {
                    Stmt::Global(_) => &here.nonlocals,
                    _ => &here.globals,
                };
                // The one such compiler error ruff's checker leaves out, reported at the
                // second of the two declarations.
                let conflicts: Vec<&ast::Identifier> = names
                    .iter()
                    .filter(|name| {
                        other_declarations
                            .get(name.as_str())
                            .is_some_and(|other| other.start() < name.start())
                    })
                    .collect();
                for name in conflicts {
                    self.report(
                        Rule::SyntaxError,
                        format!("name `{name}` is nonlocal and global"),
                        name.range,
                    );
                }
                for name in names {
                    names::check_binding(self, name.as_str(), name.range);
                }
            }
            Stmt::Expr(ast::StmtExpr { value, .. }) => self.visit_expr(value),
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => {}
            Stmt::IpyEscapeCommand(command) => self.report(
                Rule::UnsupportedSyntax,
                "IPython escape commands are not Python",
                command.range,
            ),
        }
    }

    fn visit_function_def(&mut self, def: &'a ast::StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        names::check_binding(self, def.name.as_str(), def.name.range);
        // Defaults run around the function; annotations inside its type-parameter scope.
        for parameter in def.parameters.iter() {
            self.visit_optional(parameter.default());
        }
        let function_scope = self.model.scope_of(def);
        let outer = self.scope;
        if let Some(type_params) = def.type_params.as_deref() {
            self.scope = self.model.scope_of(type_params);
            self.visit_type_params(type_params);
        }
        for parameter in def.parameters.iter() {
            self.visit_optional(parameter.annotation());
        }
        self.visit_optional(def.returns.as_deref());
        self.scope = function_scope;
        for parameter in def.parameters.iter() {
            let name = &parameter.as_parameter().name;
            names::check_binding(self, name.as_str(), name.range);
        }
        self.visit_body(&def.body);
        self.scope = outer;
    }

    fn visit_decorator(&mut self, decorator: &'a ast::Decorator) {
        // `@p.setter` on a method extends the property `p`; `p` itself is still checked.
        if self.model.scope(self.scope).kind == ScopeKind::Class
            && let Some(base) = crate::semantic::accessor_decorator_base(&decorator.expression)
        {
            self.visit_name(base, Usage::AttributeBase);
            return;
        }
        self.visit_expr(&decorator.expression);
    }

    fn visit_parameter_values(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            self.visit_optional(parameter.default());
            self.visit_optional(parameter.annotation());
        }
    }

    fn visit_class_def(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_expr(&decorator.expression);
        }
        names::check_binding(self, class.name.as_str(), class.name.range);
        sealed::check_sealed_class(self, class);
        let outer = self.scope;
        if let Some(type_params) = &class.type_params {
            private_access::check_generic_class_private_names(self, class);
            self.scope = self.model.scope_of(&**type_params);
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            classes::check_class_keywords(self, arguments);
            self.visit_arguments(arguments);
        }
        classes::check_class_body(self, class);
        self.class_definitions
            .insert(self.model.scope_of(class), class);
        self.scope = self.model.scope_of(class);
        self.visit_body_indexed(&class.body);
        self.scope = outer;
    }

    fn visit_type_params(&mut self, type_params: &'a ast::TypeParams) {
        for type_param in &type_params.type_params {
            names::check_binding(self, type_param.name().as_str(), type_param.name().range);
            let (bound, default) = match type_param {
                ast::TypeParam::TypeVar(ast::TypeParamTypeVar { bound, default, .. }) => {
                    (bound.as_deref(), default.as_deref())
                }
                ast::TypeParam::ParamSpec(ast::TypeParamParamSpec { default, .. })
                | ast::TypeParam::TypeVarTuple(ast::TypeParamTypeVarTuple { default, .. }) => {
                    (None, default.as_deref())
                }
            };
            // Each is evaluated lazily, in a scope of its own.
            for lazy in bound.into_iter().chain(default) {
                let scope = self.model.scope_of(lazy);
                self.with_scope(scope, |checker| checker.visit_expr(lazy));
            }
        }
    }

    fn visit_arguments(&mut self, arguments: &'a ast::Arguments) {
        self.visit_exprs(&arguments.args);
        for keyword in &arguments.keywords {
            self.visit_expr(&keyword.value);
        }
    }

    pub fn visit_expr(&mut self, expr: &'a Expr) {
        self.visit_expr_as(expr, Usage::Plain);
    }

    fn visit_expr_as(&mut self, expr: &'a Expr, usage: Usage) {
        self.check_semantic_syntax(|syntax, checker| syntax.visit_expr(expr, checker));
        match expr {
            Expr::BoolOp(ast::ExprBoolOp { values, .. }) => self.visit_exprs(values),
            Expr::Named(ast::ExprNamed { target, value, .. }) => {
                self.visit_expr(value);
                self.visit_expr(target);
            }
            Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
                self.visit_expr(left);
                self.visit_expr(right);
            }
            Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => self.visit_expr(operand),
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_values(parameters);
                }
                let scope = self.model.scope_of(lambda);
                self.with_scope(scope, |checker| {
                    if let Some(parameters) = &lambda.parameters {
                        for parameter in parameters.iter() {
                            let name = &parameter.as_parameter().name;
                            names::check_binding(checker, name.as_str(), name.range);
                        }
                    }
                    checker.visit_expr(&lambda.body);
                });
            }
            Expr::If(ast::ExprIf {
                test, body, orelse, ..
            }) => {
                self.visit_expr(test);
                self.visit_expr(body);
                self.visit_expr(orelse);
            }
            Expr::Dict(dict) => {
                for item in dict {
                    self.visit_optional(item.key.as_ref());
                    self.visit_expr(&item.value);
                }
            }
            Expr::Set(ast::ExprSet { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. }) => self.visit_exprs(elts),
            Expr::ListComp(comp) => self.visit_comprehension(comp, &comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension(comp, &comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension(comp, &comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => {
                let elements: Vec<&Expr> = comp
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([&*comp.value])
                    .collect();
                self.visit_comprehension(comp, &comp.generators, &elements);
            }
            Expr::Await(ast::ExprAwait { value, .. })
            | Expr::YieldFrom(ast::ExprYieldFrom { value, .. }) => self.visit_expr(value),
            Expr::Yield(ast::ExprYield { value, .. }) => self.visit_optional(value.as_deref()),
            Expr::Compare(ast::ExprCompare {
                left,
                ops,
                comparators,
                ..
            }) => {
                self.visit_expr(left);
                // `k in self.__dict__` reads in place; in a chain (`k in self.__dict__ in grab`)
                // every comparator but the last is also handed to the next comparison.
                let last = comparators.len().checked_sub(1);
                let approved: Vec<TextRange> = comparators
                    .iter()
                    .zip(ops.iter())
                    .enumerate()
                    .filter(|&(index, (comparator, op))| {
                        Some(index) == last
                            && matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn)
                            && private_access::is_dict_read(comparator)
                    })
                    .map(|(_, (comparator, _))| comparator.range())
                    .collect();
                let count = approved.len();
                self.approved_reads.extend(approved);
                self.visit_exprs(comparators);
                self.approved_reads
                    .truncate(self.approved_reads.len() - count);
            }
            Expr::Call(call) => self.visit_call(call),
            Expr::FString(fstring) => {
                for part in &fstring.value {
                    match part {
                        ast::FStringPart::Literal(_) => {}
                        ast::FStringPart::FString(fstring) => {
                            self.visit_interpolated_elements(&fstring.elements);
                        }
                    }
                }
            }
            Expr::TString(tstring) => {
                for tstring in &tstring.value {
                    self.visit_interpolated_elements(&tstring.elements);
                }
            }
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => {}
            Expr::Attribute(attribute) => {
                if hidden_edges::reads_metadata_of_a_class(attribute) {
                    self.class_read_for_metadata = Some(attribute.value.range());
                }
                self.visit_expr_as(&attribute.value, Usage::AttributeBase);
                if usage != Usage::Callee {
                    reflection::check_format_attribute(self, attribute);
                }
                hidden_edges::check_attribute(self, attribute);
                imports::check_module_attribute(self, attribute);
            }
            Expr::Subscript(ast::ExprSubscript {
                value, slice, ctx, ..
            }) => {
                // `self.__dict__[k]` reads in place; a store or delete writes by string.
                let approved =
                    *ctx == ast::ExprContext::Load && private_access::is_dict_read(value);
                if approved {
                    self.approved_reads.push(value.range());
                }
                self.visit_expr(value);
                if approved {
                    self.approved_reads.pop();
                }
                self.visit_expr(slice);
            }
            Expr::Starred(ast::ExprStarred { value, .. }) => self.visit_expr(value),
            Expr::Name(name) => self.visit_name(name, usage),
            Expr::Slice(ast::ExprSlice {
                lower, upper, step, ..
            }) => {
                self.visit_optional(lower.as_deref());
                self.visit_optional(upper.as_deref());
                self.visit_optional(step.as_deref());
            }
            Expr::IpyEscapeCommand(command) => self.report(
                Rule::UnsupportedSyntax,
                "IPython escape commands are not Python",
                command.range,
            ),
        }
    }

    fn visit_name(&mut self, name: &'a ast::ExprName, usage: Usage) {
        names::check_name(self, name, usage);
        imports::check_module_name(self, name, usage);
    }

    fn visit_call(&mut self, call: &'a ast::ExprCall) {
        let checked_callee =
            reflection::check_call(self, call) || names::check_builtin_call(self, call);
        let usage = if checked_callee {
            Usage::Callee
        } else {
            Usage::Plain
        };
        let approved = if private_access::is_own_new_call(self, call) {
            Some(call.func.range())
        } else {
            private_access::dict_read_by_call(call)
        };
        self.approved_reads.extend(approved);
        self.visit_expr_as(&call.func, usage);
        if approved.is_some() {
            self.approved_reads.pop();
        }
        self.visit_arguments(&call.arguments);
    }

    fn visit_interpolated_elements(&mut self, elements: &'a ast::InterpolatedStringElements) {
        for element in elements {
            match element {
                ast::InterpolatedStringElement::Literal(_) => {}
                ast::InterpolatedStringElement::Interpolation(interpolation) => {
                    self.visit_expr(&interpolation.expression);
                    if let Some(spec) = &interpolation.format_spec {
                        self.visit_interpolated_elements(&spec.elements);
                    }
                }
            }
        }
    }

    fn visit_comprehension<T>(
        &mut self,
        node: &'a T,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let scope = self.model.scope_of(node);
        self.with_scope(scope, |checker| {
            checker.visit_expr(&first.target);
            checker.visit_exprs(&first.ifs);
            for generator in rest {
                checker.visit_expr(&generator.iter);
                checker.visit_expr(&generator.target);
                checker.visit_exprs(&generator.ifs);
            }
            for element in elements {
                checker.visit_expr(element);
            }
        });
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchValue(ast::PatternMatchValue { value, .. }) => self.visit_expr(value),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(ast::PatternMatchSequence { patterns, .. })
            | Pattern::MatchOr(ast::PatternMatchOr { patterns, .. }) => {
                for pattern in patterns {
                    self.visit_pattern(pattern);
                }
            }
            Pattern::MatchMapping(ast::PatternMatchMapping {
                keys,
                patterns,
                rest,
                ..
            }) => {
                self.visit_exprs(keys);
                for pattern in patterns {
                    self.visit_pattern(pattern);
                }
                if let Some(rest) = rest {
                    names::check_binding(self, rest.as_str(), rest.range);
                }
            }
            Pattern::MatchClass(class) => {
                self.visit_expr(&class.cls);
                classes::check_pattern_keywords(self, class);
                classes::check_positional_pattern(self, class);
                for pattern in &class.arguments.patterns {
                    self.visit_pattern(pattern);
                }
                for keyword in &class.arguments.keywords {
                    self.visit_pattern(&keyword.pattern);
                }
            }
            Pattern::MatchStar(ast::PatternMatchStar { name, .. }) => {
                if let Some(name) = name {
                    names::check_binding(self, name.as_str(), name.range);
                }
            }
            Pattern::MatchAs(ast::PatternMatchAs { pattern, name, .. }) => {
                if let Some(pattern) = pattern {
                    self.visit_pattern(pattern);
                }
                if let Some(name) = name {
                    names::check_binding(self, name.as_str(), name.range);
                }
            }
        }
    }
}

impl Ranged for Diagnostic {
    fn range(&self) -> TextRange {
        self.range
    }
}
