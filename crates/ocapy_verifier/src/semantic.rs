//! The scope model: which names each scope binds, and how a name read in one scope resolves.
//!
//! Built in one pass over the module before any rule runs, because Python decides a name's
//! scope from every binding in the scope's whole body: `self` rebound on the last line of a
//! method is not the method's self on the first. Resolution then follows Python's rules:
//! `global`/`nonlocal` redirect, class scopes are visible only to code directly in the class
//! body, comprehensions and annotation scopes are function-like, and what no scope binds is a
//! builtin.

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange};

pub type ScopeId = usize;

pub const MODULE_SCOPE: ScopeId = 0;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
    /// The scope of PEP 695 type parameters and of a `type` alias's value.
    Annotation,
}

impl ScopeKind {
    /// Function-like scopes are visible to the scopes nested in them.
    fn is_function_like(self) -> bool {
        !matches!(self, ScopeKind::Module | ScopeKind::Class)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindingKind {
    Parameter,
    Assignment,
    Deletion,
    /// `import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to `a.b`.
    Import {
        module: String,
    },
    /// `from m import n`.
    ImportFrom,
    FunctionDef,
    ClassDef {
        scope: ScopeId,
    },
    /// Bound from a nested scope through `nonlocal`.
    FromNestedScope,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub range: TextRange,
    pub kind: BindingKind,
    /// For a binding made directly by a statement of a module or class body, that
    /// statement's index in the body; the binding then certainly happens before the
    /// statements after it run.
    pub statement: Option<usize>,
}

/// A function defined directly in a class body (possibly through a type-parameter scope).
#[derive(Debug)]
pub struct Method<'a> {
    pub def: &'a ast::StmtFunctionDef,
    pub class: ScopeId,
    /// The first positional parameter, if any.
    pub receiver: Option<&'a ast::Parameter>,
}

#[derive(Debug, Default)]
pub struct ClassBody<'a> {
    /// Names read by code that runs in the class scope, with where.
    pub reads: Vec<(&'a str, TextRange)>,
    /// Method scopes by the name their `def` binds.
    pub methods: HashMap<&'a str, Vec<ScopeId>>,
    /// `Class.name` read outside the class body: in Python 3 that is the raw function.
    pub read_through_class: Vec<(&'a str, TextRange)>,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub bindings: HashMap<&'a str, Vec<Binding>>,
    pub globals: HashMap<&'a str, TextRange>,
    pub nonlocals: HashMap<&'a str, TextRange>,
    pub method: Option<Method<'a>>,
    pub class: Option<ClassBody<'a>>,
    /// An `async def`, or a comprehension with an `async for`.
    pub is_async: bool,
    /// A generator expression's scope.
    pub is_generator_expression: bool,
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Self {
        Scope {
            kind,
            parent,
            bindings: HashMap::default(),
            globals: HashMap::default(),
            nonlocals: HashMap::default(),
            method: None,
            class: (kind == ScopeKind::Class).then(ClassBody::default),
            is_async: false,
            is_generator_expression: false,
        }
    }

    pub fn binds(&self, name: &str) -> bool {
        self.bindings.contains_key(name)
    }
}

/// Every scope of a module, and which syntax node opened each.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    pub scopes: Vec<Scope<'a>>,
    node_scopes: HashMap<usize, ScopeId>,
}

/// A node's address identifies it for the scope map: the tree outlives the model.
fn node_key<T>(node: &T) -> usize {
    std::ptr::from_ref(node) as usize
}

impl<'a> SemanticModel<'a> {
    pub fn build(module: &'a ast::ModModule) -> Self {
        let mut collector = Collector {
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            node_scopes: HashMap::default(),
            current: MODULE_SCOPE,
            statement: None,
            through_nonlocal: Vec::new(),
            attribute_reads: Vec::new(),
        };
        collector.visit_body_indexed(&module.body);
        collector.resolve_nonlocal_bindings();
        let attribute_reads = std::mem::take(&mut collector.attribute_reads);
        let mut model = SemanticModel {
            scopes: collector.scopes,
            node_scopes: collector.node_scopes,
        };
        model.record_reads_through_classes(attribute_reads);
        model
    }

    /// The scope a function, class, lambda, comprehension, type-parameter list or type alias
    /// opened.
    pub fn scope_of<T>(&self, node: &T) -> ScopeId {
        self.node_scopes[&node_key(node)]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id]
    }

    /// The scope whose binding a read of `name` in `scope` sees; `None` when no scope binds
    /// it, so the read reaches the builtins (or a name the host grants).
    pub fn resolve(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let mut current = scope;
        let mut skip_classes = false;
        loop {
            let here = &self.scopes[current];
            if here.globals.contains_key(name) {
                return self.scopes[MODULE_SCOPE]
                    .binds(name)
                    .then_some(MODULE_SCOPE);
            }
            if !here.nonlocals.contains_key(name)
                && here.binds(name)
                && !(skip_classes && here.kind == ScopeKind::Class)
            {
                return Some(current);
            }
            // Code nested in a class body does not see the class's names.
            skip_classes = true;
            current = here.parent?;
        }
    }

    fn record_reads_through_classes(&mut self, reads: Vec<(ScopeId, &'a str, &'a str, TextRange)>) {
        for (scope, base, attribute, range) in reads {
            let Some(bound_in) = self.resolve(scope, base) else {
                continue;
            };
            let classes: Vec<ScopeId> = self.scopes[bound_in].bindings[base]
                .iter()
                .filter_map(|binding| match binding.kind {
                    BindingKind::ClassDef { scope } => Some(scope),
                    _ => None,
                })
                .collect();
            for class in classes {
                let body = self.scopes[class].class.as_mut().expect("a class scope");
                if body.methods.contains_key(attribute) {
                    body.read_through_class.push((attribute, range));
                }
            }
        }
    }

    /// The nearest enclosing method scope of `scope`, itself included, if code in `scope`
    /// can see that method's names.
    pub fn enclosing_method(&self, scope: ScopeId) -> Option<ScopeId> {
        let mut current = scope;
        loop {
            let here = &self.scopes[current];
            if here.method.is_some() {
                return Some(current);
            }
            if !here.kind.is_function_like() {
                return None;
            }
            current = here.parent?;
        }
    }
}

struct Collector<'a> {
    scopes: Vec<Scope<'a>>,
    node_scopes: HashMap<usize, ScopeId>,
    current: ScopeId,
    /// The body index of the statement being visited, while it is a direct statement of a
    /// module or class body.
    statement: Option<usize>,
    /// Bindings made through `nonlocal`: their target scope is known only once the
    /// enclosing scopes have been collected whole.
    through_nonlocal: Vec<(ScopeId, &'a str, TextRange)>,
    /// `Name.attribute` reads, resolved once every scope is known: the name may be a class.
    attribute_reads: Vec<(ScopeId, &'a str, &'a str, TextRange)>,
}

impl<'a> Collector<'a> {
    fn push_scope<T>(&mut self, kind: ScopeKind, node: &T) -> ScopeId {
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind, Some(self.current)));
        self.node_scopes.insert(node_key(node), id);
        self.current = id;
        id
    }

    fn pop_scope(&mut self) {
        self.current = self.scopes[self.current]
            .parent
            .expect("the module scope is never popped");
    }

    fn visit_body_indexed(&mut self, body: &'a [Stmt]) {
        for (index, stmt) in body.iter().enumerate() {
            self.statement = Some(index);
            self.visit_stmt(stmt);
        }
        self.statement = None;
    }

    fn bind(
        &mut self,
        name: &'a str,
        range: TextRange,
        kind: BindingKind,
        statement: Option<usize>,
    ) {
        self.bind_in(self.current, name, range, kind, statement);
    }

    fn bind_in(
        &mut self,
        scope: ScopeId,
        name: &'a str,
        range: TextRange,
        kind: BindingKind,
        statement: Option<usize>,
    ) {
        let here = &self.scopes[scope];
        if here.globals.contains_key(name) && scope != MODULE_SCOPE {
            self.scopes[MODULE_SCOPE]
                .bindings
                .entry(name)
                .or_default()
                .push(Binding {
                    range,
                    kind,
                    statement: None,
                });
        } else if here.nonlocals.contains_key(name) {
            self.through_nonlocal.push((scope, name, range));
        } else {
            self.scopes[scope]
                .bindings
                .entry(name)
                .or_default()
                .push(Binding {
                    range,
                    kind,
                    statement,
                });
        }
    }

    fn resolve_nonlocal_bindings(&mut self) {
        let pending = std::mem::take(&mut self.through_nonlocal);
        for (scope, name, range) in pending {
            if let Some(target) = nonlocal_target(&self.scopes, scope, name) {
                self.scopes[target]
                    .bindings
                    .entry(name)
                    .or_default()
                    .push(Binding {
                        range,
                        kind: BindingKind::FromNestedScope,
                        statement: None,
                    });
            }
        }
    }

    /// The innermost scope a walrus in the current scope binds in (PEP 572).
    fn walrus_scope(&self) -> ScopeId {
        let mut scope = self.current;
        while self.scopes[scope].kind == ScopeKind::Comprehension {
            scope = self.scopes[scope]
                .parent
                .expect("a comprehension has a parent");
        }
        scope
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            let parameter = parameter.as_parameter();
            self.bind(
                parameter.name.as_str(),
                parameter.name.range,
                BindingKind::Parameter,
                None,
            );
        }
    }

    /// Defaults and annotations of parameters run in the scope around the function.
    fn visit_parameter_values(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_annotation(annotation);
            }
        }
    }

    fn class_of_method_scope(&self) -> Option<ScopeId> {
        let parent = &self.scopes[self.current];
        match parent.kind {
            ScopeKind::Class => Some(self.current),
            ScopeKind::Annotation => parent
                .parent
                .filter(|&grandparent| self.scopes[grandparent].kind == ScopeKind::Class),
            _ => None,
        }
    }

    fn visit_function_def(&mut self, def: &'a ast::StmtFunctionDef, statement: Option<usize>) {
        let outer = self.current;
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        self.visit_parameter_values(&def.parameters);
        if let Some(type_params) = &def.type_params {
            self.push_scope(ScopeKind::Annotation, &**type_params);
            self.visit_type_params(type_params);
        }
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let class = self.class_of_method_scope();
        let scope = self.push_scope(ScopeKind::Function, def);
        self.scopes[scope].is_async = def.is_async;
        if let Some(class) = class {
            let receiver = def
                .parameters
                .posonlyargs
                .first()
                .or_else(|| def.parameters.args.first())
                .map(|parameter| &parameter.parameter);
            self.scopes[scope].method = Some(Method {
                def,
                class,
                receiver,
            });
            if let Some(body) = self.scopes[class].class.as_mut() {
                body.methods
                    .entry(def.name.as_str())
                    .or_default()
                    .push(scope);
            }
        }
        self.bind_parameters(&def.parameters);
        self.visit_body(&def.body);
        self.current = outer;
        let kind = BindingKind::FunctionDef;
        self.bind(def.name.as_str(), def.name.range, kind, statement);
    }

    fn visit_class_def(&mut self, class: &'a ast::StmtClassDef, statement: Option<usize>) {
        let outer = self.current;
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &class.type_params {
            self.push_scope(ScopeKind::Annotation, &**type_params);
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        let class_scope = self.push_scope(ScopeKind::Class, class);
        self.visit_body_indexed(&class.body);
        self.current = outer;
        let kind = BindingKind::ClassDef { scope: class_scope };
        self.bind(class.name.as_str(), class.name.range, kind, statement);
    }

    fn visit_comprehension_scope<T>(
        &mut self,
        node: &'a T,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
        is_generator_expression: bool,
    ) {
        // The first iterable runs in the enclosing scope; everything else in the new one.
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let scope = self.push_scope(ScopeKind::Comprehension, node);
        self.scopes[scope].is_async = generators.iter().any(|generator| generator.is_async);
        self.scopes[scope].is_generator_expression = is_generator_expression;
        self.visit_expr(&first.target);
        for condition in &first.ifs {
            self.visit_expr(condition);
        }
        for generator in rest {
            self.visit_comprehension(generator);
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.pop_scope();
    }

    fn record_class_read(&mut self, name: &'a str, range: TextRange) {
        if let Some(body) = self.scopes[self.current].class.as_mut() {
            body.reads.push((name, range));
        }
    }
}

/// The function-like scope a `nonlocal name` in `scope` refers to.
fn nonlocal_target(scopes: &[Scope<'_>], scope: ScopeId, name: &str) -> Option<ScopeId> {
    let mut current = scopes[scope].parent?;
    loop {
        let here = &scopes[current];
        if here.kind.is_function_like() && here.binds(name) && !here.nonlocals.contains_key(name) {
            return Some(current);
        }
        current = here.parent?;
    }
}

/// `@p.setter`, `@p.getter`, `@p.deleter`: the property `p` being extended.
pub fn accessor_decorator_base(decorator: &Expr) -> Option<&ast::ExprName> {
    let Expr::Attribute(attribute) = decorator else {
        return None;
    };
    if !matches!(attribute.attr.as_str(), "setter" | "getter" | "deleter") {
        return None;
    }
    attribute.value.as_name_expr()
}

impl<'a> Visitor<'a> for Collector<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let statement = self.statement.take();
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function_def(def, statement),
            Stmt::ClassDef(class) => self.visit_class_def(class, statement),
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                self.visit_expr(value);
                for target in targets {
                    match target {
                        Expr::Name(name) => self.bind(
                            name.id.as_str(),
                            name.range,
                            BindingKind::Assignment,
                            statement,
                        ),
                        other => self.visit_expr(other),
                    }
                }
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                annotation,
                value: Some(value),
                ..
            }) if target.is_name_expr() => {
                self.visit_annotation(annotation);
                self.visit_expr(value);
                let name = target.as_name_expr().expect("checked by the guard");
                self.bind(
                    name.id.as_str(),
                    name.range,
                    BindingKind::Assignment,
                    statement,
                );
            }
            Stmt::Import(ast::StmtImport { names, .. }) => {
                for alias in names {
                    let module = alias.name.as_str();
                    let (bound, module) = match &alias.asname {
                        Some(asname) => (asname, module.to_string()),
                        None => (
                            &alias.name,
                            module.split('.').next().unwrap_or(module).to_string(),
                        ),
                    };
                    let name = bound.as_str().split('.').next().unwrap_or_default();
                    self.bind(name, alias.range, BindingKind::Import { module }, statement);
                }
            }
            Stmt::ImportFrom(ast::StmtImportFrom { names, .. }) => {
                for alias in names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    if bound.as_str() != "*" {
                        self.bind(
                            bound.as_str(),
                            alias.range,
                            BindingKind::ImportFrom,
                            statement,
                        );
                    }
                }
            }
            Stmt::Global(ast::StmtGlobal { names, .. }) => {
                for name in names {
                    self.scopes[self.current]
                        .globals
                        .insert(name.as_str(), name.range);
                }
            }
            Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                for name in names {
                    self.scopes[self.current]
                        .nonlocals
                        .insert(name.as_str(), name.range);
                }
            }
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) => {
                // `x += 1` reads `x` before it rebinds it.
                if let Expr::Name(name) = &**target {
                    self.record_class_read(name.id.as_str(), name.range);
                }
                self.visit_expr(value);
                self.visit_expr(target);
            }
            Stmt::TypeAlias(alias) => {
                if let Expr::Name(name) = &*alias.name {
                    self.bind(
                        name.id.as_str(),
                        name.range,
                        BindingKind::Assignment,
                        statement,
                    );
                }
                // The value is evaluated lazily, in a scope of its own.
                self.push_scope(ScopeKind::Annotation, alias);
                if let Some(type_params) = &alias.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_expr(&alias.value);
                self.pop_scope();
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            }) => {
                self.visit_body(body);
                for handler in handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        // `except E as n:` deletes `n` when the handler ends.
                        self.bind(name.as_str(), name.range, BindingKind::Assignment, None);
                        self.bind(name.as_str(), name.range, BindingKind::Deletion, None);
                    }
                    self.visit_body(&handler.body);
                }
                self.visit_body(orelse);
                self.visit_body(finalbody);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_decorator(&mut self, decorator: &'a ast::Decorator) {
        // `@p.setter` reads the property `p`, not a method's raw function.
        if self.scopes[self.current].kind == ScopeKind::Class
            && accessor_decorator_base(&decorator.expression).is_some()
        {
            return;
        }
        self.visit_expr(&decorator.expression);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => self.record_class_read(name.id.as_str(), name.range),
                ExprContext::Store => {
                    self.bind(name.id.as_str(), name.range, BindingKind::Assignment, None);
                }
                ExprContext::Del => {
                    self.bind(name.id.as_str(), name.range, BindingKind::Deletion, None);
                }
                ExprContext::Invalid => {}
            },
            Expr::Attribute(attribute) => {
                if let Expr::Name(base) = &*attribute.value {
                    self.attribute_reads.push((
                        self.current,
                        base.id.as_str(),
                        attribute.attr.as_str(),
                        attribute.range,
                    ));
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                if let Expr::Name(name) = &*named.target {
                    let scope = self.walrus_scope();
                    self.bind_in(
                        scope,
                        name.id.as_str(),
                        name.range,
                        BindingKind::Assignment,
                        None,
                    );
                } else {
                    self.visit_expr(&named.target);
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_values(parameters);
                }
                self.push_scope(ScopeKind::Lambda, lambda);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_scope(comp, &comp.generators, &[&comp.elt], false);
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_scope(comp, &comp.generators, &[&comp.elt], false);
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_scope(comp, &comp.generators, &[&comp.elt], true);
            }
            Expr::DictComp(comp) => {
                let elements: Vec<&Expr> = comp
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([&*comp.value])
                    .collect();
                self.visit_comprehension_scope(comp, &comp.generators, &elements, false);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(ast::PatternMatchAs {
                name: Some(name), ..
            })
            | Pattern::MatchStar(ast::PatternMatchStar {
                name: Some(name), ..
            }) => {
                self.bind(name.as_str(), name.range, BindingKind::Assignment, None);
            }
            Pattern::MatchMapping(ast::PatternMatchMapping {
                rest: Some(name), ..
            }) => {
                self.bind(name.as_str(), name.range, BindingKind::Assignment, None);
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }

    fn visit_type_param(&mut self, type_param: &'a ast::TypeParam) {
        let name = type_param.name();
        self.bind(name.as_str(), name.range, BindingKind::Assignment, None);
        visitor::walk_type_param(self, type_param);
    }
}

impl Ranged for Binding {
    fn range(&self) -> TextRange {
        self.range
    }
}
