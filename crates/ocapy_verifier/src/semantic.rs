//! The scope model: which names each scope binds, and how a name read in one scope resolves.
//!
//! Built in one pass over the module before any rule runs, because Python decides a name's
//! scope from every binding in the scope's whole body: `self` rebound on the last line of a
//! method is not the method's self on the first. Resolution follows CPython's compiler (its
//! `symtable`), which `tests/python/test_scope_model.py` checks on every CPython the machine
//! has: private names `__x` are mangled by the innermost enclosing class, `global` and
//! `nonlocal` redirect, class scopes are visible only to code directly in the class body
//! (and to the PEP 695 annotation scopes of the class), a class body (or such an annotation
//! scope) searches the class namespace before any other scope, comprehensions and
//! annotation scopes are function-like, and what no scope binds is a global or a builtin.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange};

pub type ScopeId = usize;

pub const MODULE_SCOPE: ScopeId = 0;

/// A name as CPython's compiler spells it in a scope: mangled when it is private.
pub type Mangled<'a> = Cow<'a, str>;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
    /// A PEP 695 scope: the type parameters of a `def`, `class` or `type`, a type
    /// parameter's bound or default, or a `type` alias's value.
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
    /// The first positional parameter, if the method has a receiver: a staticmethod by
    /// name (`__new__`) has none.
    pub receiver: Option<&'a ast::Parameter>,
}

/// What CPython makes of a method by its name alone, as if it were decorated.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImplicitDecorator {
    /// `__new__`: its first parameter is whatever class the caller passes.
    StaticMethod,
    /// `__init_subclass__` and `__class_getitem__`: their first parameter is the class.
    ClassMethod,
}

impl ImplicitDecorator {
    /// What `type` makes of a function a class body binds under `name`.
    pub fn of(name: &str) -> Option<Self> {
        match name {
            "__new__" => Some(ImplicitDecorator::StaticMethod),
            "__init_subclass__" | "__class_getitem__" => Some(ImplicitDecorator::ClassMethod),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
pub struct ClassBody<'a> {
    /// Method scopes by the (mangled) names that bind their functions in the class: the name
    /// their `def` binds, and the targets of the body's aliases of them (`_clear = clear`,
    /// see [`ReadKind::MethodAlias`]).
    pub methods: HashMap<Mangled<'a>, Vec<ScopeId>>,
    /// `Class.name` read outside the class body: in Python 3 that is the raw function.
    pub read_through_class: Vec<(Mangled<'a>, TextRange)>,
    /// Reads of names the class binds, made by the PEP 695 annotation scopes nested in its
    /// body (a generic method's annotations, a type parameter's bound or default, a generic
    /// class's bases, a `type` alias's value): CPython looks them up in the class namespace
    /// first, so they take its values as the class body's own reads do.
    pub annotation_scope_reads: Vec<Read<'a>>,
}

/// A name read by code that runs in a scope.
#[derive(Clone, Debug)]
pub struct Read<'a> {
    pub name: Mangled<'a>,
    pub range: TextRange,
    pub kind: ReadKind,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReadKind {
    /// The name's value is taken.
    Value,
    /// `p` in `@p.setter` on a method: it extends the property `p`.
    AccessorBase,
    /// `f` in `alias = f`, a statement of a class body where `f` certainly holds the body's
    /// own undecorated method, and neither name is one `type` or a library treats apart
    /// (`__new__`, `__init_subclass__`, `_missing_`): the function is bound under a second
    /// name, as a second `def` of the same body would bind it.
    MethodAlias,
    /// In an annotation that `from __future__ import annotations` leaves a string: CPython's
    /// compiler does not resolve it, but `typing.get_type_hints` may evaluate it later.
    StringAnnotation,
}

/// How CPython's compiler resolves a name in a scope (the scope `symtable` reports).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// Bound in the scope itself.
    Local,
    /// Declared `global` in the scope (or a walrus target a comprehension binds in the
    /// module).
    DeclaredGlobal,
    /// Bound in no enclosing function: the module's globals, then the builtins.
    ImplicitGlobal,
    /// A cell of an enclosing function-like scope.
    Free,
}

/// The resolution of a name read in a scope.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    pub kind: NameKind,
    /// Whose binding the read sees: the scope itself (local), the enclosing function (free),
    /// the module when it binds the name (globals), or none (the builtins). For a name a
    /// class annotation scope finds in its class, the class.
    pub scope: Option<ScopeId>,
    /// A class namespace searched before that binding: every read in a class body but a
    /// `global` one (`LOAD_NAME`, `LOAD_CLASSDEREF`, `LOAD_FROM_DICT_OR_DEREF`), and reads
    /// of a PEP 695 annotation scope of a class that it does not bind itself
    /// (`__classdict__`). Besides what the body bound, it holds what no statement wrote
    /// (`__module__`, `__qualname__`, a metaclass's `__prepare__`).
    pub class_namespace: Option<ScopeId>,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// What CPython's `symtable` calls the scope: the function, class or type parameter's
    /// name, `lambda`, `listcomp`, `top`.
    pub label: &'a str,
    /// Where the scope starts (a `def` or `class` at its name).
    pub origin: TextRange,
    /// The innermost class around the scope (itself, for a class), whose name CPython
    /// mangles the private names used in the scope with.
    private_class: Option<&'a str>,
    /// The type parameters of a class: in their scope, and every scope nested in it but the
    /// class body (bounds, defaults, the lambdas and comprehensions of the bases), CPython
    /// 3.13 mangles only their names. CPython 3.12.0-3.12.3 mangle every private name
    /// there; the private-attribute rule refuses the private names such scopes use.
    class_type_params: Option<Vec<&'a str>>,
    /// Every map below is keyed by mangled names.
    pub bindings: HashMap<Mangled<'a>, Vec<Binding>>,
    pub globals: HashMap<Mangled<'a>, TextRange>,
    pub nonlocals: HashMap<Mangled<'a>, TextRange>,
    /// In a comprehension, the names a walrus in it binds, and the scope it binds them in.
    pub walrus_targets: HashMap<Mangled<'a>, ScopeId>,
    pub reads: Vec<Read<'a>>,
    /// `from m import *`: the module may bind any name.
    pub star_import: bool,
    pub method: Option<Method<'a>>,
    pub class: Option<ClassBody<'a>>,
    /// An `async def`, or a comprehension with an `async for`.
    pub is_async: bool,
    /// A generator expression's scope.
    pub is_generator_expression: bool,
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>, label: &'a str, origin: TextRange) -> Self {
        Scope {
            kind,
            parent,
            label,
            origin,
            private_class: None,
            class_type_params: None,
            bindings: HashMap::default(),
            globals: HashMap::default(),
            nonlocals: HashMap::default(),
            walrus_targets: HashMap::default(),
            reads: Vec::new(),
            star_import: false,
            method: None,
            class: (kind == ScopeKind::Class).then(ClassBody::default),
            is_async: false,
            is_generator_expression: false,
        }
    }

    /// Whether the scope binds `name`, already mangled.
    pub fn binds(&self, name: &str) -> bool {
        self.bindings.contains_key(name)
    }

    /// `name` as CPython's compiler spells it in this scope.
    pub fn mangle<'n>(&self, name: &'n str) -> Mangled<'n> {
        let Some(class) = self.private_class else {
            return Cow::Borrowed(name);
        };
        if self
            .class_type_params
            .as_ref()
            .is_some_and(|params| !params.contains(&name))
        {
            return Cow::Borrowed(name);
        }
        mangle(class, name)
    }
}

/// CPython's private-name mangling: `__x` in class `_C` is `_C__x`; names in classes named
/// only with underscores are left alone.
pub fn mangle<'n>(class: &str, name: &'n str) -> Mangled<'n> {
    let class = class.trim_start_matches('_');
    if class.is_empty() || !is_mangled_private(name) {
        return Cow::Borrowed(name);
    }
    Cow::Owned(format!("_{class}{name}"))
}

/// Whether CPython mangles `name` in a class: `__x`, but not a dunder or a dotted name.
pub fn is_mangled_private(name: &str) -> bool {
    name.starts_with("__") && !name.ends_with("__") && !name.contains('.')
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

/// Whether the module has `from __future__ import annotations`.
fn has_future_annotations(module: &ast::ModModule) -> bool {
    module.body.iter().any(|stmt| {
        stmt.as_import_from_stmt().is_some_and(|import| {
            import.module.as_deref() == Some("__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| alias.name.as_str() == "annotations")
        })
    })
}

impl<'a> SemanticModel<'a> {
    pub fn build(module: &'a ast::ModModule) -> Self {
        let mut collector = Collector {
            scopes: vec![Scope::new(ScopeKind::Module, None, "top", module.range)],
            node_scopes: HashMap::default(),
            current: MODULE_SCOPE,
            statement: None,
            through_nonlocal: Vec::new(),
            attribute_reads: Vec::new(),
            alias_statements: Vec::new(),
            future_annotations: has_future_annotations(module),
            in_annotation: false,
        };
        collector.visit_body_indexed(&module.body);
        collector.resolve_nonlocal_bindings();
        let attribute_reads = std::mem::take(&mut collector.attribute_reads);
        let alias_statements = std::mem::take(&mut collector.alias_statements);
        let mut model = SemanticModel {
            scopes: collector.scopes,
            node_scopes: collector.node_scopes,
        };
        model.record_method_aliases(alias_statements);
        model.record_reads_through_classes(attribute_reads);
        model.record_annotation_scope_reads();
        model
    }

    /// The scope a function, class, lambda, comprehension, type-parameter list, type
    /// parameter's bound or default, or type alias opened.
    pub fn scope_of<T>(&self, node: &T) -> ScopeId {
        self.node_scopes[&node_key(node)]
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id]
    }

    /// `name` as written in `scope`, as CPython spells it there.
    pub fn mangled<'n>(&self, scope: ScopeId, name: &'n str) -> Mangled<'n> {
        self.scopes[scope].mangle(name)
    }

    /// The class whose namespace code in `scope` can see: the class itself, or the class a
    /// PEP 695 annotation scope belongs to.
    fn visible_class(&self, scope: ScopeId) -> Option<ScopeId> {
        match self.scopes[scope].kind {
            ScopeKind::Class => Some(scope),
            ScopeKind::Annotation => self.visible_class(self.scopes[scope].parent?),
            _ => None,
        }
    }

    /// How a read of `name` (as written) in `scope` resolves, as CPython compiles it.
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Lookup {
        self.lookup_mangled(scope, &self.mangled(scope, name))
    }

    /// How a read of the already mangled `name` in `scope` resolves.
    pub fn lookup_mangled(&self, scope: ScopeId, name: &str) -> Lookup {
        let here = &self.scopes[scope];
        let module_binding = || {
            self.scopes[MODULE_SCOPE]
                .binds(name)
                .then_some(MODULE_SCOPE)
        };
        let global = |kind, class_namespace| Lookup {
            kind,
            scope: module_binding(),
            class_namespace,
        };
        if here.globals.contains_key(name) {
            return global(NameKind::DeclaredGlobal, None);
        }
        if let Some(&target) = here.walrus_targets.get(name) {
            if target == MODULE_SCOPE || self.scopes[target].globals.contains_key(name) {
                return global(NameKind::DeclaredGlobal, None);
            }
            return Lookup {
                kind: NameKind::Free,
                scope: Some(target),
                class_namespace: None,
            };
        }
        let class_namespace = self.visible_class(scope);
        if here.nonlocals.contains_key(name) {
            return Lookup {
                kind: NameKind::Free,
                scope: nonlocal_target(&self.scopes, scope, name),
                class_namespace,
            };
        }
        if here.binds(name) {
            return Lookup {
                kind: NameKind::Local,
                scope: Some(scope),
                class_namespace: (here.kind == ScopeKind::Class).then_some(scope),
            };
        }
        if here.kind == ScopeKind::Annotation
            && let Some(class) = class_namespace
        {
            let class_scope = &self.scopes[class];
            if class_scope.globals.contains_key(name) {
                return global(NameKind::DeclaredGlobal, None);
            }
            if class_scope.binds(name) {
                return Lookup {
                    kind: NameKind::ImplicitGlobal,
                    scope: Some(class),
                    class_namespace,
                };
            }
        }
        let mut current = here.parent;
        while let Some(enclosing) = current {
            let there = &self.scopes[enclosing];
            if there.kind.is_function_like() {
                if there.globals.contains_key(name) {
                    break;
                }
                if there.binds(name) {
                    return Lookup {
                        kind: NameKind::Free,
                        scope: Some(enclosing),
                        class_namespace,
                    };
                }
            }
            current = there.parent;
        }
        global(NameKind::ImplicitGlobal, class_namespace)
    }

    /// The scope whose binding a read of `name` in `scope` sees; `None` when no scope binds
    /// it, so the read reaches the builtins (or a name the host grants).
    pub fn resolve(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        self.lookup(scope, name).scope
    }

    /// The bindings a read of `name` in `scope` sees, and the scope that makes them.
    pub fn bindings_seen(&self, scope: ScopeId, name: &str) -> Option<(ScopeId, &[Binding])> {
        let mangled = self.mangled(scope, name);
        let bound_in = self.lookup_mangled(scope, &mangled).scope?;
        let bindings = self.scopes[bound_in].bindings.get(mangled.as_ref())?;
        Some((bound_in, bindings))
    }

    /// Marks the reads of the class bodies' `alias = f` statements that alias the body's own
    /// method (see [`ReadKind::MethodAlias`]), and binds the method under the alias.
    fn record_method_aliases(&mut self, statements: Vec<AliasStatement<'a>>) {
        // The aliases found so far, by their binding: an alias of an alias is one too.
        let mut aliases: HashMap<TextRange, ScopeId> = HashMap::default();
        for statement in statements {
            let Some(method) = self.aliased_method(&statement, &aliases) else {
                continue;
            };
            aliases.insert(statement.binding, method);
            let class = &mut self.scopes[statement.class];
            let alias = class.mangle(statement.alias);
            for read in &mut class.reads {
                if read.range == statement.read {
                    read.kind = ReadKind::MethodAlias;
                }
            }
            let body = class.class.as_mut().expect("a class scope");
            body.methods.entry(alias).or_default().push(method);
        }
    }

    /// The method scope whose function `statement` binds under a second name, if it does: the
    /// name read is bound in the class body by unconditional statements only, and before the
    /// alias by just one `def`, undecorated, or one alias of such a `def`; neither name is declared global or nonlocal
    /// there, and neither has a meaning of its own to `type` or a library (an implicit
    /// staticmethod or classmethod, a `_sunder_` hook), which the function was not written
    /// for.
    fn aliased_method(
        &self,
        statement: &AliasStatement<'a>,
        aliases: &HashMap<TextRange, ScopeId>,
    ) -> Option<ScopeId> {
        let class = &self.scopes[statement.class];
        let alias = class.mangle(statement.alias);
        let of = class.mangle(statement.of);
        let special =
            |name: &str| ImplicitDecorator::of(name).is_some() || crate::rules::is_sunder(name);
        if alias == of
            || special(&alias)
            || special(&of)
            || [&alias, &of].iter().any(|name| {
                class.globals.contains_key(*name) || class.nonlocals.contains_key(*name)
            })
        {
            return None;
        }
        let bindings = class.bindings.get(of.as_ref())?;
        if bindings.iter().any(|binding| binding.statement.is_none()) {
            return None;
        }
        let [def] = bindings
            .iter()
            .filter(|binding| binding.statement < Some(statement.statement))
            .collect::<Vec<_>>()[..]
        else {
            return None;
        };
        if def.kind == BindingKind::Assignment {
            return aliases.get(&def.range).copied();
        }
        if def.kind != BindingKind::FunctionDef {
            return None;
        }
        let body = class.class.as_ref().expect("a class scope");
        body.methods
            .get(of.as_ref())?
            .iter()
            .copied()
            .find(|&method| {
                self.scopes[method].method.as_ref().is_some_and(|method| {
                    method.def.name.range == def.range && method.def.decorator_list.is_empty()
                })
            })
    }

    fn record_reads_through_classes(&mut self, reads: Vec<(ScopeId, &'a str, &'a str, TextRange)>) {
        for (scope, base, attribute, range) in reads {
            let Some((_, bindings)) = self.bindings_seen(scope, base) else {
                continue;
            };
            let classes: Vec<ScopeId> = bindings
                .iter()
                .filter_map(|binding| match binding.kind {
                    BindingKind::ClassDef { scope } => Some(scope),
                    _ => None,
                })
                .collect();
            // `C.__f` is mangled by the class it is read in, like any private name.
            let attribute = self.mangled(scope, attribute);
            for class in classes {
                let body = self.scopes[class].class.as_mut().expect("a class scope");
                if body.methods.contains_key(attribute.as_ref()) {
                    body.read_through_class.push((attribute.clone(), range));
                }
            }
        }
    }

    fn record_annotation_scope_reads(&mut self) {
        let mut found = Vec::new();
        for (id, scope) in self.scopes.iter().enumerate() {
            if scope.kind != ScopeKind::Annotation {
                continue;
            }
            for read in &scope.reads {
                let lookup = self.lookup_mangled(id, &read.name);
                if let Some(class) = lookup.class_namespace
                    && lookup.scope == Some(class)
                {
                    found.push((class, read.clone()));
                }
            }
        }
        for (class, read) in found {
            let body = self.scopes[class].class.as_mut().expect("a class scope");
            body.annotation_scope_reads.push(read);
        }
    }

    /// Whether the read at `range` in `scope` is a class body's alias of its own method
    /// (see [`ReadKind::MethodAlias`]).
    pub fn is_method_alias(&self, scope: ScopeId, range: TextRange) -> bool {
        self.scopes[scope]
            .reads
            .iter()
            .any(|read| read.range == range && read.kind == ReadKind::MethodAlias)
    }

    /// Every read of a name in the class namespace of `class`: by its body, and by the
    /// annotation scopes that search its namespace first.
    pub fn class_namespace_reads(&self, class: ScopeId) -> impl Iterator<Item = &Read<'a>> {
        let scope = &self.scopes[class];
        let body = scope.class.as_ref().expect("a class scope");
        scope.reads.iter().chain(&body.annotation_scope_reads)
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

/// `alias = of`, a statement of the body of `class`.
struct AliasStatement<'a> {
    class: ScopeId,
    alias: &'a str,
    of: &'a str,
    /// The read of `of`, and the binding of `alias`.
    read: TextRange,
    binding: TextRange,
    statement: usize,
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
    through_nonlocal: Vec<(ScopeId, Mangled<'a>, TextRange)>,
    /// `Name.attribute` reads, resolved once every scope is known: the name may be a class.
    attribute_reads: Vec<(ScopeId, &'a str, &'a str, TextRange)>,
    /// `alias = name` statements of class bodies, judged once each body's bindings are known.
    alias_statements: Vec<AliasStatement<'a>>,
    /// `from __future__ import annotations` is in effect.
    future_annotations: bool,
    /// An annotation is being visited.
    in_annotation: bool,
}

impl<'a> Collector<'a> {
    fn push_scope<T>(
        &mut self,
        kind: ScopeKind,
        node: &T,
        label: &'a str,
        origin: TextRange,
    ) -> ScopeId {
        let id = self.scopes.len();
        let mut scope = Scope::new(kind, Some(self.current), label, origin);
        scope.private_class = self.scopes[self.current].private_class;
        if kind != ScopeKind::Class {
            // What nests in a class's type-parameter scope mangles as it does; its body not.
            scope
                .class_type_params
                .clone_from(&self.scopes[self.current].class_type_params);
        }
        self.scopes.push(scope);
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
        let name = here.mangle(name);
        if here.globals.contains_key(name.as_ref()) && scope != MODULE_SCOPE {
            self.scopes[MODULE_SCOPE]
                .bindings
                .entry(name)
                .or_default()
                .push(Binding {
                    range,
                    kind,
                    statement: None,
                });
        } else if here.nonlocals.contains_key(name.as_ref()) {
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
            if let Some(target) = nonlocal_target(&self.scopes, scope, &name) {
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

    /// Defaults run in the scope around the function.
    fn visit_parameter_defaults(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
        }
    }

    /// Annotations run in the scope around the function, inside its type-parameter scope
    /// when it has one (PEP 695).
    fn visit_parameter_annotations(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
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
        self.visit_parameter_defaults(&def.parameters);
        let name = def.name.as_str();
        if let Some(type_params) = &def.type_params {
            self.push_scope(ScopeKind::Annotation, &**type_params, name, def.name.range);
            self.visit_type_params(type_params);
        }
        self.visit_parameter_annotations(&def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let class = self.class_of_method_scope();
        let scope = self.push_scope(ScopeKind::Function, def, name, def.name.range);
        self.scopes[scope].is_async = def.is_async;
        if let Some(class) = class {
            // An undecorated `_sunder_` def is a hook library code calls through the class
            // with arguments of its own (enum's `cls._missing_(value)`): it has no receiver.
            let hook = crate::rules::is_sunder(name) && def.decorator_list.is_empty();
            let receiver = match ImplicitDecorator::of(name) {
                Some(ImplicitDecorator::StaticMethod) => None,
                _ if hook => None,
                _ => def
                    .parameters
                    .posonlyargs
                    .first()
                    .or_else(|| def.parameters.args.first())
                    .map(|parameter| &parameter.parameter),
            };
            self.scopes[scope].method = Some(Method {
                def,
                class,
                receiver,
            });
            let bound = self.scopes[class].mangle(name);
            if let Some(body) = self.scopes[class].class.as_mut() {
                body.methods.entry(bound).or_default().push(scope);
            }
        }
        self.bind_parameters(&def.parameters);
        self.visit_body(&def.body);
        self.current = outer;
        self.bind(name, def.name.range, BindingKind::FunctionDef, statement);
    }

    fn visit_class_def(&mut self, class: &'a ast::StmtClassDef, statement: Option<usize>) {
        let outer = self.current;
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        let name = class.name.as_str();
        if let Some(type_params) = &class.type_params {
            let scope = self.push_scope(
                ScopeKind::Annotation,
                &**type_params,
                name,
                class.name.range,
            );
            self.scopes[scope].private_class = Some(name);
            let params = type_params.iter().map(|param| param.name().as_str());
            self.scopes[scope].class_type_params = Some(params.collect());
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        let class_scope = self.push_scope(ScopeKind::Class, class, name, class.name.range);
        self.scopes[class_scope].private_class = Some(name);
        self.visit_body_indexed(&class.body);
        self.current = outer;
        let kind = BindingKind::ClassDef { scope: class_scope };
        self.bind(name, class.name.range, kind, statement);
    }

    fn visit_comprehension_scope<T: Ranged>(
        &mut self,
        node: &'a T,
        label: &'a str,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        // The first iterable runs in the enclosing scope; everything else in the new one.
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let scope = self.push_scope(ScopeKind::Comprehension, node, label, node.range());
        self.scopes[scope].is_async = generators.iter().any(|generator| generator.is_async);
        self.scopes[scope].is_generator_expression = label == "genexpr";
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

    fn record_read(&mut self, name: &'a str, range: TextRange, kind: ReadKind) {
        let kind = match kind {
            ReadKind::Value if self.in_annotation && self.future_annotations => {
                ReadKind::StringAnnotation
            }
            kind => kind,
        };
        let here = &mut self.scopes[self.current];
        let name = here.mangle(name);
        here.reads.push(Read { name, range, kind });
    }

    /// A lazily evaluated part of a type parameter (its bound or default), in a scope of
    /// its own.
    fn visit_lazy_type_param_part(&mut self, label: &'a str, origin: TextRange, expr: &'a Expr) {
        self.push_scope(ScopeKind::Annotation, expr, label, origin);
        self.visit_expr(expr);
        self.pop_scope();
    }
}

/// The function-like scope a `nonlocal name` (mangled) in `scope` refers to.
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
                if let (ScopeKind::Class, Some(statement), [Expr::Name(alias)], Expr::Name(of)) = (
                    self.scopes[self.current].kind,
                    statement,
                    targets.as_slice(),
                    &**value,
                ) {
                    self.alias_statements.push(AliasStatement {
                        class: self.current,
                        alias: alias.id.as_str(),
                        of: of.id.as_str(),
                        read: of.range,
                        binding: alias.range,
                        statement,
                    });
                }
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
            // `(x): int` annotates without binding `x`.
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                annotation,
                value: None,
                simple: false,
                ..
            }) if target.is_name_expr() => self.visit_annotation(annotation),
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
                    if bound.as_str() == "*" {
                        self.scopes[self.current].star_import = true;
                    } else {
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
                let here = &mut self.scopes[self.current];
                for name in names {
                    let mangled = here.mangle(name.as_str());
                    here.globals.insert(mangled, name.range);
                }
            }
            Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                let here = &mut self.scopes[self.current];
                for name in names {
                    let mangled = here.mangle(name.as_str());
                    here.nonlocals.insert(mangled, name.range);
                }
            }
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) => {
                // `x += 1` reads `x` before it rebinds it.
                if let Expr::Name(name) = &**target {
                    self.record_read(name.id.as_str(), name.range, ReadKind::Value);
                }
                self.visit_expr(value);
                self.visit_expr(target);
            }
            Stmt::TypeAlias(alias) => {
                let Expr::Name(name) = &*alias.name else {
                    self.visit_expr(&alias.name);
                    return;
                };
                let label = name.id.as_str();
                self.bind(label, name.range, BindingKind::Assignment, statement);
                let outer = self.current;
                if let Some(type_params) = &alias.type_params {
                    self.push_scope(ScopeKind::Annotation, &**type_params, label, alias.range);
                    self.visit_type_params(type_params);
                }
                // The value is evaluated lazily, in a scope of its own.
                self.push_scope(ScopeKind::Annotation, alias, label, alias.range);
                self.visit_expr(&alias.value);
                self.current = outer;
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
            && let Some(base) = accessor_decorator_base(&decorator.expression)
        {
            self.record_read(base.id.as_str(), base.range, ReadKind::AccessorBase);
            return;
        }
        self.visit_expr(&decorator.expression);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        let outer = std::mem::replace(&mut self.in_annotation, true);
        self.visit_expr(expr);
        self.in_annotation = outer;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => {
                    self.record_read(name.id.as_str(), name.range, ReadKind::Value);
                }
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
                    if scope != self.current {
                        // The comprehension refers to the name it binds in `scope`.
                        let here = &mut self.scopes[self.current];
                        let mangled = here.mangle(name.id.as_str());
                        here.walrus_targets.insert(mangled, scope);
                    }
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
                    self.visit_parameter_defaults(parameters);
                }
                self.push_scope(ScopeKind::Lambda, lambda, "lambda", lambda.range);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_scope(comp, "listcomp", &comp.generators, &[&comp.elt]);
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_scope(comp, "setcomp", &comp.generators, &[&comp.elt]);
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_scope(comp, "genexpr", &comp.generators, &[&comp.elt]);
            }
            Expr::DictComp(comp) => {
                let elements: Vec<&Expr> = comp
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([&*comp.value])
                    .collect();
                self.visit_comprehension_scope(comp, "dictcomp", &comp.generators, &elements);
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
        let (bound, default) = match type_param {
            ast::TypeParam::TypeVar(ast::TypeParamTypeVar { bound, default, .. }) => {
                (bound.as_deref(), default.as_deref())
            }
            ast::TypeParam::ParamSpec(ast::TypeParamParamSpec { default, .. })
            | ast::TypeParam::TypeVarTuple(ast::TypeParamTypeVarTuple { default, .. }) => {
                (None, default.as_deref())
            }
        };
        for lazy in bound.into_iter().chain(default) {
            self.visit_lazy_type_param_part(name.as_str(), type_param.range(), lazy);
        }
    }
}

impl Ranged for Binding {
    fn range(&self) -> TextRange {
        self.range
    }
}

/// One scope as CPython's `symtable` would describe it, for the differential test.
#[derive(Debug)]
pub struct ScopeReport {
    pub label: String,
    pub kind: ScopeKind,
    pub start: ruff_text_size::TextSize,
    pub parent: Option<ScopeId>,
    /// Each name the scope refers to (mangled), with its kind (`local`, `cell`, `free`,
    /// `global_explicit`, `global_implicit`), whether it is a parameter, and whether a
    /// class namespace is searched first.
    pub names: std::collections::BTreeMap<String, (&'static str, bool, bool)>,
    /// For a class: the names it binds that are read from its namespace, by its body or by
    /// an annotation scope in it (what the demotion rule counts as exposing a method).
    pub class_namespace_reads: std::collections::BTreeSet<String>,
}

impl SemanticModel<'_> {
    /// Every scope with the kind of every name it refers to, as `lookup` resolves them.
    pub fn report(&self) -> Vec<ScopeReport> {
        let mut reports: Vec<ScopeReport> = self
            .scopes
            .iter()
            .map(|scope| ScopeReport {
                label: scope.label.to_string(),
                kind: scope.kind,
                start: scope.origin.start(),
                parent: scope.parent,
                names: std::collections::BTreeMap::new(),
                class_namespace_reads: std::collections::BTreeSet::new(),
            })
            .collect();
        let mut cells = Vec::new();
        let mut passing = Vec::new();
        for (id, scope) in self.scopes.iter().enumerate() {
            if scope.kind == ScopeKind::Class {
                reports[id].class_namespace_reads = self
                    .class_namespace_reads(id)
                    .filter(|read| read.kind != ReadKind::StringAnnotation)
                    .filter(|read| scope.binds(&read.name))
                    .map(|read| read.name.to_string())
                    .collect();
            }
            let names = scope
                .bindings
                .keys()
                .chain(scope.globals.keys())
                .chain(scope.nonlocals.keys())
                .chain(scope.walrus_targets.keys())
                .chain(
                    scope
                        .reads
                        .iter()
                        .filter(|read| read.kind != ReadKind::StringAnnotation)
                        .map(|read| &read.name),
                );
            for name in names {
                let lookup = self.lookup_mangled(id, name);
                let kind = match lookup.kind {
                    NameKind::Local => "local",
                    NameKind::DeclaredGlobal => "global_explicit",
                    NameKind::ImplicitGlobal => "global_implicit",
                    NameKind::Free => "free",
                };
                if let (NameKind::Free, Some(binder)) = (lookup.kind, lookup.scope) {
                    cells.push((binder, name.to_string()));
                    let mut between = scope.parent;
                    while let Some(there) = between.filter(|&there| there != binder) {
                        passing.push((there, name.to_string()));
                        between = self.scopes[there].parent;
                    }
                }
                let parameter = scope.bindings.get(name.as_ref()).is_some_and(|bindings| {
                    bindings
                        .iter()
                        .any(|binding| binding.kind == BindingKind::Parameter)
                });
                reports[id].names.insert(
                    name.to_string(),
                    (kind, parameter, lookup.class_namespace.is_some()),
                );
            }
        }
        // `symtable` lists in the module every name any scope declares global.
        for scope in &self.scopes {
            for name in scope.globals.keys() {
                reports[MODULE_SCOPE]
                    .names
                    .entry(name.to_string())
                    .or_insert(("global_explicit", false, false));
            }
        }
        for (scope, name) in passing {
            let in_class = self.visible_class(scope).is_some();
            reports[scope]
                .names
                .entry(name)
                .or_insert(("free", false, in_class));
        }
        for (scope, name) in cells {
            if let Some(entry) = reports[scope].names.get_mut(&name)
                && entry.0 == "local"
                && self.scopes[scope].kind.is_function_like()
            {
                entry.0 = "cell";
            }
        }
        reports
    }
}
