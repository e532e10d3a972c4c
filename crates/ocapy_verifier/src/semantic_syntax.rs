//! What ruff's semantic syntax checker asks of the traversal: the scope facts behind the
//! errors CPython's compiler raises on code that parses.

use ruff_python_ast::PythonVersion;
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxContext, SemanticSyntaxError,
};
use ruff_text_size::TextRange;

use crate::checker::Checker;
use crate::semantic::{BindingKind, Scope, ScopeKind};

impl Checker<'_> {
    fn current(&self) -> &Scope<'_> {
        self.model.scope(self.scope)
    }

    /// The current scope and those enclosing it, innermost first.
    fn scope_chain(&self) -> impl Iterator<Item = &Scope<'_>> {
        std::iter::successors(Some(self.current()), |scope| {
            scope.parent.map(|parent| self.model.scope(parent))
        })
    }

    /// The nearest enclosing scope that is not a comprehension.
    fn beyond_comprehensions(&self) -> &Scope<'_> {
        self.scope_chain()
            .find(|scope| scope.kind != ScopeKind::Comprehension)
            .expect("the module scope is not a comprehension")
    }
}

impl SemanticSyntaxContext for Checker<'_> {
    fn future_annotations_or_stub(&self) -> bool {
        self.future_annotations
    }

    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        match self.current().kind {
            ScopeKind::Function | ScopeKind::Lambda => Some(LazyImportContext::Function),
            ScopeKind::Class => Some(LazyImportContext::Class),
            _ if self.tries.last() == Some(&self.scope) => Some(LazyImportContext::TryExceptBlocks),
            _ => None,
        }
    }

    fn python_version(&self) -> PythonVersion {
        self.settings.target_version
    }

    fn source(&self) -> &str {
        Checker::source(self)
    }

    fn global(&self, name: &str) -> Option<TextRange> {
        self.current().globals.get(name).copied()
    }

    fn has_nonlocal_binding(&self, name: &str) -> bool {
        // A class body gives the functions in it an implicit `__class__` cell.
        if name == "__class__" {
            return self
                .scope_chain()
                .any(|scope| scope.kind == ScopeKind::Class);
        }
        self.scope_chain()
            .skip(1)
            .filter(|scope| !matches!(scope.kind, ScopeKind::Module | ScopeKind::Class))
            .any(|scope| scope.binds(name) && !scope.globals.contains_key(name))
    }

    fn in_async_context(&self) -> bool {
        let scope = self.beyond_comprehensions();
        scope.kind == ScopeKind::Function && scope.is_async
    }

    fn in_await_allowed_context(&self) -> bool {
        matches!(
            self.beyond_comprehensions().kind,
            ScopeKind::Function | ScopeKind::Lambda
        )
    }

    fn in_yield_allowed_context(&self) -> bool {
        matches!(self.current().kind, ScopeKind::Function | ScopeKind::Lambda)
    }

    fn in_sync_comprehension(&self) -> bool {
        self.scope_chain()
            .take_while(|scope| scope.kind == ScopeKind::Comprehension)
            .any(|scope| !scope.is_async)
    }

    fn in_class_body_comprehension(&self) -> bool {
        self.beyond_comprehensions().kind == ScopeKind::Class
    }

    fn in_module_scope(&self) -> bool {
        self.current().kind == ScopeKind::Module
    }

    fn in_function_scope(&self) -> bool {
        matches!(self.current().kind, ScopeKind::Function | ScopeKind::Lambda)
    }

    fn in_generator_context(&self) -> bool {
        self.current().is_generator_expression
    }

    fn in_notebook(&self) -> bool {
        false
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        self.syntax_errors.borrow_mut().push(error);
    }

    fn in_loop_context(&self) -> bool {
        self.loops.last() == Some(&self.scope)
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        matches!(self.current().kind, ScopeKind::Function | ScopeKind::Lambda)
            && self.current().bindings.get(name).is_some_and(|bindings| {
                bindings
                    .iter()
                    .any(|binding| binding.kind == BindingKind::Parameter)
            })
    }
}
