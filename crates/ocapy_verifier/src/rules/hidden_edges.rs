//! Hidden edges: attributes that lead to frames, code, cells, globals or another object's
//! private state, whatever their name looks like.

use ruff_python_ast::{self as ast, ExprContext};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rule::{Rule, RuleDoc};
use crate::rules::{is_private_in, private_access, reflection};
use crate::tables::attributes::{METADATA_ATTRIBUTES, hidden_edge};

pub const HIDDEN_EDGE_ATTRIBUTE: RuleDoc = RuleDoc {
    summary: "An attribute that leads to a frame, code, cells, globals, builtins or wrapped state is read.",
    rationale: "Python's object graph has edges a leading-underscore rule does not see: \
        `gen.gi_frame.f_back.f_globals` walks from a generator to its caller's globals, \
        `f.__closure__[0].cell_contents` opens a closure, `p.fget` hands out a property's raw \
        getter, `partial.func` the wrapped function. The names come from one table (each with \
        its reason) checked against every built-in type of every CPython on the machine; \
        they are rejected on every object, `self` included, because the verifier cannot know \
        an object's type. A few are edges only of classes whose objects plugin code never \
        holds raw (a host partial's `args` and `keywords`, an ABC's `register`, a buffered \
        stream's `raw`): those pass here, and the compartment refuses them at run time on \
        instances of those classes, so `error.args[0]` and a plugin's own `register` method \
        are ordinary code.",
    bad: "def caller_globals(gen):\n    return gen.gi_frame.f_back.f_globals\n",
    good: "def first(gen):\n    return next(gen)\n",
};

/// Checks an attribute access against the hidden-edge table, then the private-name rules.
pub fn check_attribute(checker: &mut Checker<'_>, attribute: &ast::ExprAttribute) {
    let name = attribute.attr.as_str();
    if reflection::is_format_method(name) {
        return;
    }
    if checker.enabled(Rule::HiddenEdgeAttribute)
        && let Some(edge) = hidden_edge(name).filter(|edge| edge.is_static())
    {
        let receiver = checker.text(attribute.value.range());
        checker.report(
            Rule::HiddenEdgeAttribute,
            format!(
                "`{receiver}.{name}` follows a hidden edge: `{name}` leads to {}",
                edge.reaches
            ),
            attribute.attr.range,
        );
        return;
    }
    // Through `super()` in a method that receives the class, a base's binding is read, which
    // no rule here has seen: the private-name rules judge it.
    let through_super = attribute.value.as_call_expr().is_some_and(|call| {
        call.func
            .as_name_expr()
            .is_some_and(|func| func.id.as_str() == "super")
    });
    let reads_metadata =
        attribute.ctx == ExprContext::Load && METADATA_ATTRIBUTES.contains(&name) && !through_super;
    // The class, read only for its metadata, goes no further.
    let class_for_metadata = name == "__class__"
        && attribute.ctx == ExprContext::Load
        && checker.class_read_for_metadata == Some(attribute.range);
    if is_private_in(checker.settings.profile, name) && !reads_metadata && !class_for_metadata {
        private_access::check_private_attribute(checker, attribute);
    }
}

/// `x.__class__.__name__` (or another metadata name): the class is read for its metadata
/// alone.
pub fn reads_metadata_of_a_class(attribute: &ast::ExprAttribute) -> bool {
    attribute.ctx == ExprContext::Load
        && METADATA_ATTRIBUTES.contains(&attribute.attr.as_str())
        && attribute.value.as_attribute_expr().is_some_and(|class| {
            class.attr.as_str() == "__class__" && class.ctx == ExprContext::Load
        })
}

#[cfg(test)]
mod tests {
    use crate::test_support::{assert_clean, codes};

    #[test]
    fn a_class_read_for_its_metadata_alone_passes() {
        assert_clean(
            "def describe(x):\n    return x.__class__.__name__, x.__class__.__qualname__\n",
        );
        for reaching_the_class in [
            "def f(x):\n    return x.__class__\n",
            "def f(x):\n    return x.__class__.__mro__\n",
            "def f(x):\n    x.__class__.__name__ = 'y'\n",
        ] {
            assert!(
                !codes(reaching_the_class).is_empty(),
                "{reaching_the_class}"
            );
        }
        // Through `super()` the private-name rules judge metadata reads: a base binds them.
        assert_eq!(
            codes("class C:\n    @classmethod\n    def f(cls):\n        return super().__doc__\n"),
            ["OC101"]
        );
    }

    #[test]
    fn public_named_edges() {
        for chain in [
            "g.gi_frame",
            "g.gi_code",
            "f.f_back",
            "f.f_globals",
            "f.f_locals",
            "f.f_builtins",
            "tb.tb_frame",
            "tb.tb_next",
            "c.cell_contents",
            "c.co_consts",
            "c.co_code",
            "co.cr_frame",
            "ag.ag_frame",
            "p.fget",
            "C.mro",
        ] {
            let source = format!("def f(g, f, tb, c, co, ag, p, C):\n    return {chain}\n");
            assert_eq!(codes(&source), ["OC201"], "{chain}");
        }
    }

    #[test]
    fn dunder_edges_even_on_self() {
        assert_eq!(
            codes("class C:\n    def m(self):\n        return self.__globals__\n"),
            ["OC201"]
        );
        assert_eq!(codes("def f(g):\n    return g.__closure__\n"), ["OC201"]);
    }

    #[test]
    fn edges_of_some_classes_only_are_left_to_the_runtime() {
        // `args` is an edge of a host's partial, which reaches plugin code sealed; on the
        // plugin's own objects (an exception, its own partial) it is ordinary.
        for chain in [
            "error.args[0]",
            "md.preprocessors.register(x)",
            "peekable.peek()",
            "env.loader",
            "stream.buffer",
            "dispatcher.registry",
            "getattr(x, 'keywords')",
            "'{0.args}'.format(x)",
        ] {
            let source = format!(
                "def f(error, md, x, peekable, env, stream, dispatcher):\n    return {chain}\n"
            );
            assert_clean(&source);
        }
    }

    #[test]
    fn ordinary_attributes_pass() {
        assert_clean("def f(x):\n    x.items.append(x.name)\n    return x.value\n");
    }

    #[test]
    fn encapsulation_profile_takes_dunders_for_protocol_but_dict() {
        let settings = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        let found = crate::test_support::codes_with(
            "def f(g, other):\n    g.__doc__ = 'x'\n    return g.__len__(), hasattr(g, '__len__'), g.gi_frame\n",
            &settings,
        );
        assert!(found.is_empty(), "{found:?}");
        let found = crate::test_support::codes_with(
            "def f(other):\n    return other.__dict__['_x'], other._y, getattr(other, '__dict__')\n",
            &settings,
        );
        assert_eq!(found, ["OC101", "OC101", "OC103"]);
    }
}
