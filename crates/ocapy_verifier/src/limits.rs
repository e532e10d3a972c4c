//! Bounds on nesting, checked on the token stream before anything recursive runs.
//!
//! The parser, the checker and the syntax tree's destructor all recurse once per level of
//! nesting, so `((((…))))` a hundred thousand deep would overflow the stack. CPython refuses
//! such code too ("too many nested parentheses", "too many levels of indentation"); the
//! verifier refuses it with a diagnostic, with limits that code CPython compiles stays under.

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{Mode, lexer};
use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::rule::Rule;

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
pub const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
pub const MAX_INDENT_DEPTH: usize = 100;
/// Operators chained within one expression element (`a + a + … + a`, `not not … x`,
/// `x.a.b.…`): each adds a level to the syntax tree. CPython's compiler stops near here.
pub const MAX_OPERATOR_CHAIN: usize = 2_000;

/// Refuses sources nested deeper than the limits above.
pub fn check_nesting(source: &str) -> Result<(), Diagnostic> {
    let mut lexer = lexer::lex(source, Mode::Module);
    // Operators seen in the current element of each open bracket level; index 0 is the
    // statement itself.
    let mut chains: Vec<usize> = vec![0];
    let mut chained: usize = 0;
    let mut indent = 0usize;
    let mut line = 1usize;
    loop {
        let kind = lexer.next_token();
        let refusal = match kind {
            TokenKind::EndOfFile => return Ok(()),
            TokenKind::Newline | TokenKind::NonLogicalNewline => {
                line += 1;
                if kind == TokenKind::Newline {
                    chains.clear();
                    chains.push(0);
                    chained = 0;
                }
                None
            }
            TokenKind::Indent => {
                indent += 1;
                (indent > MAX_INDENT_DEPTH)
                    .then(|| format!("more than {MAX_INDENT_DEPTH} levels of indentation"))
            }
            TokenKind::Dedent => {
                indent = indent.saturating_sub(1);
                None
            }
            TokenKind::Lpar
            | TokenKind::Lsqb
            | TokenKind::Lbrace
            | TokenKind::FStringStart
            | TokenKind::TStringStart => {
                // Opening a bracket both extends the current element (a call, a subscript)
                // and starts a new level.
                *chains
                    .last_mut()
                    .expect("the statement level is never popped") += 1;
                chained += 1;
                chains.push(0);
                (chains.len() - 1 > MAX_BRACKET_DEPTH)
                    .then(|| format!("brackets nested more than {MAX_BRACKET_DEPTH} deep"))
            }
            TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd => {
                if chains.len() > 1 {
                    chained -= chains.pop().unwrap_or_default();
                }
                None
            }
            TokenKind::Comma | TokenKind::Semi => {
                let current = chains
                    .last_mut()
                    .expect("the statement level is never popped");
                chained -= *current;
                *current = 0;
                None
            }
            TokenKind::Name
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::String
            | TokenKind::FStringMiddle
            | TokenKind::TStringMiddle
            | TokenKind::Comment
            | TokenKind::Unknown => None,
            _ => {
                *chains
                    .last_mut()
                    .expect("the statement level is never popped") += 1;
                chained += 1;
                (chained > MAX_OPERATOR_CHAIN).then(|| {
                    format!("more than {MAX_OPERATOR_CHAIN} operators chained in one expression")
                })
            }
        };
        if let Some(reason) = refusal {
            let offset = line_start(source, line);
            return Err(Diagnostic::new(
                Rule::UnreadableSource,
                format!("source is nested too deeply to verify: {reason} (near line {line})"),
                TextRange::empty(offset),
            ));
        }
    }
}

/// The offset of a line's start; the lexer does not expose token offsets, so the line is
/// counted from newline tokens and is exact unless a multi-line string comes first.
fn line_start(source: &str, line: usize) -> TextSize {
    let index = LineIndex::from_source_text(source);
    let line = line.min(index.line_count()).max(1);
    index.line_start(
        ruff_source_file::OneIndexed::new(line).expect("line is at least 1"),
        source,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes() {
        let data = format!("x = [{}]\n", vec!["-1"; 100_000].join(", "));
        assert!(check_nesting(&data).is_ok());
        assert!(check_nesting("def f(a):\n    return f(g(h(a + 1) * 2) - 3)\n").is_ok());
    }

    #[test]
    fn deep_brackets_are_refused() {
        let source = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let error = check_nesting(&source).unwrap_err();
        assert!(
            error.message.contains("brackets nested more than 200"),
            "{}",
            error.message
        );
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let source = format!("x = {}1\n", "not ".repeat(50_000));
        assert!(
            check_nesting(&source)
                .unwrap_err()
                .message
                .contains("operators chained")
        );
        let source = format!("x = 1{}\n", " + 1".repeat(50_000));
        assert!(check_nesting(&source).is_err());
    }
}
