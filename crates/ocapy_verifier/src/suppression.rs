//! `# ocapy: ignore[OC101] reason`: a team's own, justified exemptions, for the
//! encapsulation profile only.
//!
//! Code checked with the capability profile is the adversary's: a comment in it must never
//! silence the check of it, so there suppressions are not read at all, and exemptions live
//! only in the host's configuration (`per-file-ignores`, `ignore`).
//!
//! A suppression covers diagnostics that start on its line, for the codes it names, and
//! must say why. One without a reason, naming no known rule, or silencing nothing is itself
//! reported, and silences nothing: a stale or careless exemption is not a pass.

use ruff_python_ast::token::{Token, TokenKind};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::rule::{Family, Rule};

const MARKER: &str = "ocapy:";

struct Suppression {
    range: TextRange,
    line: usize,
    rules: Vec<Rule>,
    used: bool,
}

/// Drops the diagnostics that a valid suppression on their line covers, and adds one for
/// each suppression that is malformed or covers nothing.
pub(crate) fn apply(source: &str, tokens: &[Token], diagnostics: &mut Vec<Diagnostic>) {
    let line_starts: Vec<TextSize> = std::iter::once(TextSize::new(0))
        .chain(
            source
                .match_indices('\n')
                .map(|(at, _)| TextSize::new(at as u32 + 1)),
        )
        .collect();
    let line_of = |offset: TextSize| line_starts.partition_point(|&start| start <= offset);
    let mut suppressions = Vec::new();
    let mut invalid = Vec::new();
    for token in tokens
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
    {
        let comment = &source[token.range()];
        match parse(comment) {
            None => {}
            Some(Ok(rules)) => suppressions.push(Suppression {
                range: token.range(),
                line: line_of(token.start()),
                rules,
                used: false,
            }),
            Some(Err(why)) => invalid.push(Diagnostic::new(
                Rule::InvalidSuppression,
                why,
                token.range(),
            )),
        }
    }
    diagnostics.retain(|diagnostic| {
        // Input errors mean the file was not checked: nothing may silence them.
        if diagnostic.rule.family() == Family::Input {
            return true;
        }
        let line = line_of(diagnostic.range.start());
        let covering = suppressions.iter_mut().find(|suppression| {
            suppression.line == line && suppression.rules.contains(&diagnostic.rule)
        });
        match covering {
            Some(suppression) => {
                suppression.used = true;
                false
            }
            None => true,
        }
    });
    diagnostics.extend(invalid);
    diagnostics.extend(
        suppressions
            .iter()
            .filter(|suppression| !suppression.used)
            .map(|suppression| {
                let codes: Vec<&str> = suppression.rules.iter().map(|rule| rule.code()).collect();
                Diagnostic::new(
                    Rule::InvalidSuppression,
                    format!(
                        "this suppression of {} covers no diagnostic on its line: remove it",
                        codes.join(", ")
                    ),
                    suppression.range,
                )
            }),
    );
}

/// A comment's suppression: `None` if it is not one, else its rules or why it is invalid.
fn parse(comment: &str) -> Option<Result<Vec<Rule>, String>> {
    let body = comment.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix(MARKER)?.trim_start();
    let Some(rest) = rest.strip_prefix("ignore[") else {
        return Some(Err(format!(
            "unknown ocapy directive {body:?}: a suppression is written \
             `# ocapy: ignore[OC101] reason`"
        )));
    };
    let Some((codes, reason)) = rest.split_once(']') else {
        return Some(Err(
            "a suppression's codes end with `]`: `# ocapy: ignore[OC101] reason`".into(),
        ));
    };
    let mut rules = Vec::new();
    for code in codes.split(',').map(str::trim) {
        match Rule::from_code(code) {
            Some(rule) if rule.family() == Family::Input => {
                return Some(Err(format!(
                    "{code} cannot be suppressed: the file was not checked"
                )));
            }
            Some(rule) => rules.push(rule),
            None => {
                return Some(Err(format!(
                    "unknown rule {code:?} in a suppression (`ocapy rule --all` lists the codes)"
                )));
            }
        }
    }
    if reason.trim().is_empty() {
        return Some(Err(
            "a suppression needs a reason after its codes: `# ocapy: ignore[OC101] reason`".into(),
        ));
    }
    Some(Ok(rules))
}

#[cfg(test)]
mod tests {
    use crate::settings::{Profile, Settings};
    use crate::test_support::codes_with;

    fn codes(source: &str, profile: Profile) -> Vec<&'static str> {
        let settings = Settings {
            profile,
            ..Settings::default()
        };
        codes_with(source, &settings)
    }

    const PEEK: &str = "class A:\n    def peek(self, other):\n        return other._x";

    #[test]
    fn a_justified_suppression_silences_its_line_in_the_encapsulation_profile() {
        let source = format!("{PEEK}  # ocapy: ignore[OC101] friend class, reviewed\n");
        assert_eq!(codes(&source, Profile::Encapsulation), Vec::<&str>::new());
        let several = format!("{PEEK}  #ocapy: ignore[OC105, OC101] reviewed\n");
        assert_eq!(codes(&several, Profile::Encapsulation), Vec::<&str>::new());
    }

    #[test]
    fn the_capability_profile_reads_no_suppression() {
        let source = format!("{PEEK}  # ocapy: ignore[OC101] the plugin says so\n");
        assert_eq!(codes(&source, Profile::Capability), ["OC101"]);
    }

    #[test]
    fn careless_suppressions_are_reported_and_silence_nothing() {
        for comment in [
            "# ocapy: ignore[OC101]",
            "# ocapy: ignore[OC101]   ",
            "# ocapy: ignore[OC999] reason",
            "# ocapy: ignore[OC101 reason",
            "# ocapy: noqa reason",
        ] {
            let source = format!("{PEEK}  {comment}\n");
            assert_eq!(
                codes(&source, Profile::Encapsulation),
                ["OC101", "OC904"],
                "{comment}"
            );
        }
        // One on another line, or for another rule, covers nothing.
        let elsewhere = format!("# ocapy: ignore[OC101] reviewed\n{PEEK}\n");
        assert_eq!(
            codes(&elsewhere, Profile::Encapsulation),
            ["OC101", "OC904"]
        );
        let other_rule = format!("{PEEK}  # ocapy: ignore[OC105] reviewed\n");
        assert_eq!(
            codes(&other_rule, Profile::Encapsulation),
            ["OC101", "OC904"]
        );
        // A comment that merely mentions ocapy is not a directive.
        let prose = format!("{PEEK}  # see the ocapy docs\n");
        assert_eq!(codes(&prose, Profile::Encapsulation), ["OC101"]);
    }

    #[test]
    fn input_errors_cannot_be_suppressed() {
        assert_eq!(
            codes(
                "x = 1  # ocapy: ignore[OC902] reason\n",
                Profile::Encapsulation
            ),
            ["OC904"]
        );
        let broken = codes(
            "def f(:  # ocapy: ignore[OC902] reason\n",
            Profile::Encapsulation,
        );
        assert!(
            !broken.is_empty() && broken.iter().all(|code| *code == "OC902"),
            "{broken:?}"
        );
    }
}
