//! The rule registry: every rule's code, name and documentation, in one place.
//!
//! A rule's documentation lives beside its check (in `rules/*.rs`) as a [`RuleDoc`]; this
//! module only lists the rules. `ocapy rule CODE` and the generated `docs/rules.md` read the
//! docs from here, so they are never written twice.

use std::fmt;

use crate::rules;

/// The text a rule is documented by.
pub struct RuleDoc {
    /// A one-line statement of what the rule rejects.
    pub summary: &'static str,
    /// Why: what a program could reach if the rule were not there.
    pub rationale: &'static str,
    /// Code the rule rejects.
    pub bad: &'static str,
    /// Code the rule accepts, doing the same job safely.
    pub good: &'static str,
}

/// Which family a rule belongs to; the `encapsulation` profile runs only [`Family::Private`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Family {
    /// Private attributes and the routes to them (OC1xx).
    Private,
    /// Public-named attributes that lead to frames, code, cells or globals (OC2xx).
    HiddenEdge,
    /// Attribute access by run-time string (OC3xx).
    Reflection,
    /// Names, builtins and ambient authority (OC4xx).
    Names,
    /// Imports (OC5xx).
    Imports,
    /// Class statements and patterns (OC6xx).
    Classes,
    /// Input the verifier cannot check: it fails closed (OC9xx).
    Input,
}

macro_rules! rules {
    ($($variant:ident = $code:literal $name:literal $family:ident $doc:path;)+) => {
        /// A rule of the verifier.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)+
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            /// The rule's code, e.g. `OC101`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)+
                }
            }

            /// The rule's short name, e.g. `private-attribute`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)+
                }
            }

            pub const fn family(self) -> Family {
                match self {
                    $(Rule::$variant => Family::$family,)+
                }
            }

            pub fn doc(self) -> &'static RuleDoc {
                match self {
                    $(Rule::$variant => &$doc,)+
                }
            }
        }
    };
}

rules! {
    PrivateAttribute = "OC101" "private-attribute" Private rules::private_access::PRIVATE_ATTRIBUTE;
    DemotedMethod = "OC102" "demoted-method" Private rules::private_access::DEMOTED_METHOD;
    PrivateNameByString = "OC103" "private-name-by-string" Private rules::private_access::PRIVATE_NAME_BY_STRING;
    VarsCall = "OC104" "vars-call" Private rules::private_access::VARS_CALL;
    PrivateImport = "OC105" "private-import" Private rules::private_access::PRIVATE_IMPORT;
    SealedSelfEscape = "OC106" "sealed-self-escape" Private rules::sealed::SEALED_SELF_ESCAPE;
    HiddenEdgeAttribute = "OC201" "hidden-edge-attribute" HiddenEdge rules::hidden_edges::HIDDEN_EDGE_ATTRIBUTE;
    FormatCall = "OC301" "format-call" Reflection rules::reflection::FORMAT_CALL;
    FormatField = "OC302" "format-field" Reflection rules::reflection::FORMAT_FIELD;
    FormatMap = "OC303" "format-map" Reflection rules::reflection::FORMAT_MAP;
    DynamicAttributeName = "OC304" "dynamic-attribute-name" Reflection rules::reflection::DYNAMIC_ATTRIBUTE_NAME;
    ForbiddenBuiltin = "OC401" "forbidden-builtin" Names rules::names::FORBIDDEN_BUILTIN;
    DunderName = "OC402" "dunder-name" Names rules::names::DUNDER_NAME;
    SuperMisuse = "OC403" "super-misuse" Names rules::names::SUPER_MISUSE;
    UndefinedName = "OC404" "undefined-name" Names rules::names::UNDEFINED_NAME;
    ImportNotAllowed = "OC501" "import-not-allowed" Imports rules::imports::IMPORT_NOT_ALLOWED;
    NameNotInFacade = "OC502" "name-not-in-facade" Imports rules::imports::NAME_NOT_IN_FACADE;
    StarImport = "OC503" "star-import" Imports rules::imports::STAR_IMPORT;
    RelativeImport = "OC504" "relative-import" Imports rules::imports::RELATIVE_IMPORT;
    ClassKeyword = "OC601" "class-keyword" Classes rules::classes::CLASS_KEYWORD;
    PrivatePatternAttribute = "OC602" "private-pattern-attribute" Classes rules::classes::PRIVATE_PATTERN_ATTRIBUTE;
    PositionalClassPattern = "OC603" "positional-class-pattern" Classes rules::classes::POSITIONAL_CLASS_PATTERN;
    InstanceCheckHook = "OC604" "instance-check-hook" Classes rules::classes::INSTANCE_CHECK_HOOK;
    MatchArgs = "OC605" "match-args" Classes rules::classes::MATCH_ARGS;
    UnsupportedSyntax = "OC901" "unsupported-syntax" Input rules::input::UNSUPPORTED_SYNTAX;
    SyntaxError = "OC902" "syntax-error" Input rules::input::SYNTAX_ERROR;
    UnreadableSource = "OC903" "unreadable-source" Input rules::input::UNREADABLE_SOURCE;
    InvalidSuppression = "OC904" "invalid-suppression" Input rules::input::INVALID_SUPPRESSION;
}

impl Rule {
    /// Finds a rule by its code (`OC101`) or its name (`private-attribute`).
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(code) || rule.name() == code)
    }

    /// The rules a selector names, as `--select` reads it: `ALL`, a code (`OC101`), a code
    /// prefix (`OC1`, every rule whose code starts so) or a rule's name. `None` if it names
    /// no rule, so that a typo is an error rather than an empty selection.
    pub fn selected_by(selector: &str) -> Option<Vec<Rule>> {
        let selector = selector.trim();
        let rules: Vec<Rule> = if selector == "ALL" {
            Rule::ALL.to_vec()
        } else {
            let upper = selector.to_ascii_uppercase();
            Rule::ALL
                .iter()
                .copied()
                .filter(|rule| {
                    (upper.len() >= 2 && rule.code().starts_with(&upper)) || rule.name() == selector
                })
                .collect()
        };
        (!rules.is_empty()).then_some(rules)
    }

    /// The rule's documentation as Markdown: what `ocapy rule` prints and `docs/rules.md` holds.
    pub fn markdown(self) -> String {
        let doc = self.doc();
        format!(
            "## {code} `{name}`\n\n{summary}\n\n{rationale}\n\nRejected:\n\n```python\n{bad}\n```\n\nAccepted:\n\n```python\n{good}\n```\n",
            code = self.code(),
            name = self.name(),
            summary = doc.summary,
            rationale = doc.rationale,
            bad = doc.bad.trim_end(),
            good = doc.good.trim_end(),
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::{Family, Rule};
    use crate::settings::{Profile, Settings};
    use crate::test_support::codes_with;

    /// Each rule's documented examples are true: its `bad` example is reported by it, and its
    /// `good` example is not, under the profile that runs it (a rule whose family is about
    /// private state also under the encapsulation profile).
    #[test]
    fn every_rules_examples_are_what_it_reports() {
        // OC901 guards node kinds the parser may add; its example is syntax no parser here
        // accepts, so it is reported as a syntax error instead.
        for &rule in Rule::ALL
            .iter()
            .filter(|rule| **rule != Rule::UnsupportedSyntax)
        {
            let doc = rule.doc();
            let mut profiles = vec![Profile::Capability];
            if matches!(rule.family(), Family::Private | Family::Input) {
                profiles.push(Profile::Encapsulation);
            }
            if rule == Rule::InvalidSuppression {
                profiles = vec![Profile::Encapsulation];
            }
            for profile in profiles {
                let settings = Settings {
                    profile,
                    ..Settings::default()
                };
                let bad = crate::on_verifier_stack(|| codes_with(doc.bad, &settings));
                assert!(
                    bad.contains(&rule.code()),
                    "{} ({profile}): bad example gives {bad:?}",
                    rule.code()
                );
                let good = crate::on_verifier_stack(|| codes_with(doc.good, &settings));
                assert!(
                    !good.contains(&rule.code()),
                    "{} ({profile}): good example gives {good:?}",
                    rule.code()
                );
            }
        }
    }

    #[test]
    fn selectors_name_all_prefixes_codes_and_names() {
        assert_eq!(Rule::selected_by("ALL").unwrap(), Rule::ALL);
        let first = Rule::ALL[0];
        assert_eq!(Rule::selected_by(first.code()).unwrap(), [first]);
        assert_eq!(
            Rule::selected_by(&first.code().to_lowercase()).unwrap(),
            [first]
        );
        assert_eq!(Rule::selected_by(first.name()).unwrap(), [first]);
        let family = &first.code()[..3];
        let by_prefix = Rule::selected_by(family).unwrap();
        assert!(by_prefix.len() > 1, "{family} names one rule only");
        assert!(by_prefix.iter().all(|rule| rule.code().starts_with(family)));
        assert!(
            Rule::ALL
                .iter()
                .filter(|rule| rule.code().starts_with(family))
                .all(|rule| by_prefix.contains(rule))
        );
        for unknown in ["OC9999", "O", "", "all", "private"] {
            assert_eq!(Rule::selected_by(unknown), None, "{unknown:?}");
        }
    }
}
