//! Reflection by string: `str.format` templates, `format_map`, and `getattr` and friends.

use ruff_python_ast::{self as ast, Expr, Operator};
use ruff_text_size::Ranged;

use crate::Profile;
use crate::checker::Checker;
use crate::rule::{Rule, RuleDoc};
use crate::rules::{is_private, is_private_in, names, private_access};
use crate::tables::attributes::{METADATA_ATTRIBUTES, hidden_edge};

pub const FORMAT_CALL: RuleDoc = RuleDoc {
    summary: "`.format` is used on something other than a string literal.",
    rationale: "`str.format` follows attribute chains written in its template \
        (`\"{0.__globals__}\".format(f)`), so a template the verifier cannot read is an \
        attribute read by run-time string. Only literal templates, whose fields are checked, \
        are allowed; f-strings are ordinary code and need no such rule.",
    bad: "def render(template, user):\n    return template.format(user)\n",
    good: "def render(user):\n    return \"Hello {0.name}\".format(user)\n",
};

pub const FORMAT_FIELD: RuleDoc = RuleDoc {
    summary: "A literal format template names a private or hidden-edge attribute (`\"{0._x}\"`).",
    rationale: "A replacement field's attribute chain is an attribute read: `{0._balance}` reads \
        a private attribute and `{0.gi_frame}` a hidden edge, of whatever object is passed. \
        A template that does not parse is rejected too.",
    bad: "def leak(account):\n    return \"{0._balance}\".format(account)\n",
    good: "def show(account):\n    return \"{0.owner}: {1}\".format(account, 3)\n",
};

pub const FORMAT_MAP: RuleDoc = RuleDoc {
    summary: "`.format_map` is used.",
    rationale: "`format_map` formats with a mapping whose values' attributes the template \
        reads, and the template is often not a literal; there is no form the verifier can \
        check that `.format` with a literal does not already cover.",
    bad: "def render(template, values):\n    return template.format_map(values)\n",
    good: "def render(values):\n    return \"{name}\".format(name=values[\"name\"])\n",
};

pub const DYNAMIC_ATTRIBUTE_NAME: RuleDoc = RuleDoc {
    summary: "`getattr`, `setattr`, `delattr` or `hasattr` is used with a name that is not a literal, or as a value.",
    rationale: "A run-time attribute name can be `\"__globals__\"` or `\"_balance\"`: the \
        verifier accepts these builtins only with a literal, public name (the compartment's \
        tamed versions check again at run time).",
    bad: "def get(obj, name):\n    return getattr(obj, name)\n",
    good: "def get(obj):\n    return getattr(obj, \"name\", None)\n",
};

pub fn is_format_method(name: &str) -> bool {
    matches!(name, "format" | "format_map")
}

/// Judges `.format(...)`, `.format_map(...)` and the attribute-by-string builtins; returns
/// whether the call's callee has been judged whole.
pub fn check_call(checker: &mut Checker<'_>, call: &ast::ExprCall) -> bool {
    match &*call.func {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "format" => {
            match literal_string(&attribute.value) {
                Some(template) => check_template(checker, &template, attribute.value.range()),
                None => checker.report(
                    Rule::FormatCall,
                    format!(
                        "`{}.format(...)` formats a template that is not a string literal, so its attribute chains cannot be checked",
                        checker.text(attribute.value.range())
                    ),
                    call.range(),
                ),
            }
            true
        }
        Expr::Attribute(attribute) if attribute.attr.as_str() == "format_map" => {
            report_format_map(checker, attribute);
            true
        }
        Expr::Name(name)
            if matches!(
                name.id.as_str(),
                "getattr" | "setattr" | "delattr" | "hasattr"
            ) && names::possibly_builtin(checker, name.id.as_str()) =>
        {
            check_attribute_builtin(checker, name.id.as_str(), call);
            true
        }
        _ => false,
    }
}

/// `.format` or `.format_map` taken as a value rather than called.
pub fn check_format_attribute(checker: &mut Checker<'_>, attribute: &ast::ExprAttribute) {
    match attribute.attr.as_str() {
        "format" => checker.report(
            Rule::FormatCall,
            format!(
                "`{}.format` is taken as a value: its later calls cannot be checked",
                checker.text(attribute.value.range())
            ),
            attribute.range,
        ),
        "format_map" => report_format_map(checker, attribute),
        _ => {}
    }
}

fn report_format_map(checker: &mut Checker<'_>, attribute: &ast::ExprAttribute) {
    checker.report(
        Rule::FormatMap,
        format!(
            "`{}.format_map` formats by run-time attribute lookup",
            checker.text(attribute.value.range())
        ),
        attribute.range,
    );
}

fn check_attribute_builtin(checker: &mut Checker<'_>, builtin: &str, call: &ast::ExprCall) {
    let name = match (
        call.arguments.args.get(1),
        call.arguments.keywords.is_empty(),
    ) {
        (Some(Expr::StringLiteral(literal)), true)
            if !call.arguments.args[..2].iter().any(Expr::is_starred_expr) =>
        {
            literal.value.to_str()
        }
        _ => {
            checker.report(
                Rule::DynamicAttributeName,
                format!("`{builtin}` is called without a literal attribute name"),
                call.range(),
            );
            return;
        }
    };
    let reads_metadata =
        matches!(builtin, "getattr" | "hasattr") && METADATA_ATTRIBUTES.contains(&name);
    // In a team's own code, by string is as by dot: `hasattr(self, "_cache")` in a method.
    // A compartment's tamed versions refuse private names on any object.
    let on_own_receiver = checker.settings.profile == Profile::Encapsulation
        && matches!(
            private_access::receiver_privilege(checker, &call.arguments.args[0]),
            private_access::Privilege::Owner
        );
    if is_private_in(checker.settings.profile, name) && !reads_metadata && !on_own_receiver {
        checker.report(
            Rule::PrivateNameByString,
            format!("`{builtin}` names private attribute `{name}`"),
            call.range(),
        );
    } else if let Some(edge) = hidden_edge(name).filter(|edge| edge.is_static()) {
        // An edge of some classes only is the tamed `getattr`'s to refuse, by the object.
        checker.report(
            Rule::HiddenEdgeAttribute,
            format!(
                "`{builtin}` names `{name}`, a hidden edge that leads to {}",
                edge.reaches
            ),
            call.range(),
        );
    }
}

/// The value of a string literal, or of `+` between string literals.
fn literal_string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: Operator::Add,
            right,
            ..
        }) => Some(literal_string(left)? + &literal_string(right)?),
        _ => None,
    }
}

fn check_template(checker: &mut Checker<'_>, template: &str, range: ruff_text_size::TextRange) {
    match template_attributes(template) {
        Ok(attributes) => {
            for attribute in attributes {
                let why = if is_private(&attribute) {
                    "a private attribute".to_string()
                } else if let Some(edge) = hidden_edge(&attribute).filter(|edge| edge.is_static()) {
                    format!("a hidden edge that leads to {}", edge.reaches)
                } else {
                    continue;
                };
                checker.report(
                    Rule::FormatField,
                    format!("format template reads attribute `{attribute}`, {why}"),
                    range,
                );
            }
        }
        Err(problem) => checker.report(
            Rule::FormatField,
            format!("format template cannot be checked: {problem}"),
            range,
        ),
    }
}

/// Every attribute name the replacement fields of a `str.format` template read, nested
/// fields in format specs included; an error for a template `str.format` would refuse.
fn template_attributes(template: &str) -> Result<Vec<String>, String> {
    let mut attributes = Vec::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let field = take_field(&mut chars)?;
                field_attributes(&field, 1, &mut attributes)?;
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
            }
            '}' => return Err("single `}` in template".to_string()),
            _ => {}
        }
    }
    Ok(attributes)
}

/// The text of a replacement field up to its matching `}` (the opening `{` already read).
fn take_field(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, String> {
    let mut field = String::new();
    let mut depth = 1;
    let mut in_index = false;
    for c in chars.by_ref() {
        match c {
            // `[...]` in a field name may hold any character but `]`.
            '[' if depth == 1 => in_index = true,
            ']' if depth == 1 => in_index = false,
            '{' if !in_index => depth += 1,
            '}' if !in_index => {
                depth -= 1;
                if depth == 0 {
                    return Ok(field);
                }
            }
            _ => {}
        }
        field.push(c);
    }
    Err("unclosed `{` in template".to_string())
}

/// The attributes a field's name reads, and those of fields nested in its format spec.
fn field_attributes(field: &str, depth: usize, attributes: &mut Vec<String>) -> Result<(), String> {
    if depth > 2 {
        return Err("format specs nested too deeply".to_string());
    }
    let (name, spec) = split_field(field);
    let mut rest = name;
    // The argument name or index runs to the first `.` or `[`.
    let first = rest.find(['.', '[']).unwrap_or(rest.len());
    rest = &rest[first..];
    while !rest.is_empty() {
        if let Some(after_dot) = rest.strip_prefix('.') {
            let end = after_dot.find(['.', '[']).unwrap_or(after_dot.len());
            let attribute = &after_dot[..end];
            if attribute.is_empty() {
                return Err("empty attribute name in a replacement field".to_string());
            }
            attributes.push(attribute.to_string());
            rest = &after_dot[end..];
        } else if let Some(after_bracket) = rest.strip_prefix('[') {
            let end = after_bracket
                .find(']')
                .ok_or_else(|| "unclosed `[` in a replacement field".to_string())?;
            rest = &after_bracket[end + 1..];
            if !(rest.is_empty() || rest.starts_with(['.', '['])) {
                return Err("`]` must be followed by `.` or `[` in a replacement field".to_string());
            }
        } else {
            return Err(format!("unexpected `{rest}` in a replacement field"));
        }
    }
    if let Some(spec) = spec {
        let mut chars = spec.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '{' {
                let nested = take_field(&mut chars)?;
                field_attributes(&nested, depth + 1, attributes)?;
            }
        }
    }
    Ok(())
}

/// Splits `name!conversion:spec` into the name and the spec; brackets may hold `!` and `:`.
fn split_field(field: &str) -> (&str, Option<&str>) {
    let mut in_index = false;
    for (index, c) in field.char_indices() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            '!' | ':' if !in_index => {
                let name = &field[..index];
                let rest = &field[index..];
                let spec = rest.find(':').map(|colon| &rest[colon + 1..]);
                return (name, spec);
            }
            _ => {}
        }
    }
    (field, None)
}

#[cfg(test)]
mod tests {
    use super::template_attributes;
    use crate::test_support::{assert_clean, codes};

    #[test]
    fn template_parsing() {
        assert_eq!(
            template_attributes("{0.a.b[1].c}").unwrap(),
            ["a", "b", "c"]
        );
        assert_eq!(
            template_attributes("{{literal}} {name!r:>{width.x}}").unwrap(),
            ["x"]
        );
        assert_eq!(
            template_attributes("{0[a.b]}").unwrap(),
            Vec::<String>::new()
        );
        assert!(template_attributes("{0.").is_err());
        assert!(template_attributes("}").is_err());
        assert!(template_attributes("{0..x}").is_err());
    }

    #[test]
    fn literal_templates() {
        assert_clean("def f(u):\n    return \"Hello {0.name} {1:>10} {x!r}\".format(u, 1, x=2)\n");
        assert_clean("def f(u):\n    return (\"a {0.name}\" + \" b\").format(u)\n");
        assert_eq!(
            codes("def f(u):\n    return \"{0._secret}\".format(u)\n"),
            ["OC302"]
        );
        assert_eq!(
            codes("def f(u):\n    return \"{0.__class__.__mro__}\".format(u)\n"),
            ["OC302", "OC302"]
        );
        assert_eq!(
            codes("def f(u):\n    return \"{0.gi_frame}\".format(u)\n"),
            ["OC302"]
        );
        assert_eq!(
            codes("def f(u):\n    return \"{0:{1.__globals__}}\".format(u, u)\n"),
            ["OC302"]
        );
        assert_eq!(
            codes("def f(u):\n    return \"{0.x\".format(u)\n"),
            ["OC302"]
        );
    }

    #[test]
    fn other_format_calls() {
        assert_eq!(codes("def f(t, u):\n    return t.format(u)\n"), ["OC301"]);
        assert_eq!(
            codes("def f(u):\n    return str.format(\"{0._x}\", u)\n"),
            ["OC301"]
        );
        assert_eq!(
            codes("def f(u):\n    g = \"{0}\".format\n    return g(u)\n"),
            ["OC301"]
        );
        assert_eq!(
            codes("def f(u):\n    return f\"{u}\".format(u)\n"),
            ["OC301"]
        );
        assert_eq!(
            codes("def f(u):\n    return \"{x}\".format_map(u)\n"),
            ["OC303"]
        );
    }

    #[test]
    fn fstrings_are_ordinary_code() {
        assert_clean("def f(u, w):\n    return f\"{u.name!r:>{w}}\"\n");
        assert_eq!(codes("def f(u):\n    return f\"{u._x}\"\n"), ["OC101"]);
        assert_eq!(
            codes("def f(u, w):\n    return f\"{u:{w.gi_frame}}\"\n"),
            ["OC201"]
        );
    }

    #[test]
    fn attribute_builtins() {
        assert_clean(
            "def f(o):\n    setattr(o, \"name\", 1)\n    return getattr(o, \"name\", None), hasattr(o, \"x\")\n",
        );
        assert_eq!(
            codes("def f(o):\n    return getattr(o, \"_x\")\n"),
            ["OC103"]
        );
        assert_eq!(
            codes("def f(o):\n    return getattr(o, \"__globals__\")\n"),
            ["OC103"]
        );
        assert_eq!(
            codes("def f(o):\n    return getattr(o, \"f_back\")\n"),
            ["OC201"]
        );
        assert_eq!(
            codes("def f(o):\n    return getattr(o, \"format\")\n"),
            ["OC201"]
        );
        assert_eq!(codes("def f(o, n):\n    return getattr(o, n)\n"), ["OC304"]);
        assert_eq!(
            codes("def f(o):\n    return getattr(o, \"__cl\" + \"ass__\")\n"),
            ["OC304"]
        );
        assert_eq!(codes("def f(o, a):\n    return getattr(*a)\n"), ["OC304"]);
        assert_eq!(codes("g = getattr\n"), ["OC304"]);
    }

    #[test]
    fn module_binding_after_use_does_not_hide_getattr() {
        // The call runs before the module binds its own `getattr`.
        assert_eq!(
            codes("x = getattr(object, \"_y\")\n\ndef getattr(o, n):\n    return None\n"),
            ["OC103"]
        );
        assert_clean("def getattr(o, n):\n    return None\n\nx = getattr(object, \"_y\")\n");
    }

    #[test]
    fn a_private_name_by_string_on_the_own_receiver_is_the_encapsulation_profiles() {
        let encapsulation = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        let own = "class C:\n    def m(self):\n        return hasattr(self, \"_cache\")\n";
        assert!(crate::test_support::codes_with(own, &encapsulation).is_empty());
        // The compartment's tamed hasattr refuses it on any object.
        assert_eq!(codes(own), ["OC103"]);
        let other =
            "class C:\n    def m(self, other):\n        return getattr(other, \"_cache\")\n";
        assert_eq!(
            crate::test_support::codes_with(other, &encapsulation),
            ["OC103"]
        );
    }
}
