//! Bounds on nesting, counted on tokens.
//!
//! The parser, the checker and the syntax tree's destructor all recurse once per level of
//! nesting, so `((((…))))` a hundred thousand deep would overflow the stack. CPython refuses
//! deep brackets and indentation too ("too many nested parentheses", "too many levels of
//! indentation"); the verifier refuses them with the same limits, and refuses any nesting
//! deeper than its stack holds.
//!
//! A source small enough that even its worst nesting fits the stack is parsed first and
//! counted on the parser's own tokens, which gives exact locations and costs no second
//! lexing; a larger one is lexed and counted before the parser sees it.

use ruff_python_ast::token::{Token, TokenKind};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, PythonVersion};
use ruff_python_parser::{Mode, lexer};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::STACK_SIZE;
use crate::diagnostic::Diagnostic;
use crate::rule::Rule;

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
pub const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
pub const MAX_INDENT_DEPTH: usize = 100;

/// An upper bound on the stack one level of nesting costs from parsing to dropping the
/// tree. The worst measured is about 2.5 KiB (`f'{f'{…}'}'` in an unoptimised build).
const STACK_PER_LEVEL: usize = 4096;
/// Brackets and operators chained within one expression element (`a + a + … + a`,
/// `not not … x`, `x.a.b.…`), each a level of the syntax tree, that the stack holds.
pub const MAX_SYNTAX_DEPTH: usize = STACK_SIZE / STACK_PER_LEVEL;

/// An upper bound on the stack one byte of source can cost, over every construct measured
/// (the worst, `~~~…x`, costs about 2.2 KiB a byte unoptimised and 64 bytes optimised).
const STACK_PER_SOURCE_BYTE: usize = if cfg!(debug_assertions) { 4096 } else { 512 };
/// Sources up to this size cannot overflow the stack, so they are counted after parsing.
pub const PARSE_BEFORE_COUNTING: usize = STACK_SIZE / STACK_PER_SOURCE_BYTE;

/// Why a source is nested too deeply.
enum TooDeep {
    Brackets,
    Indentation,
    Syntax,
}

impl TooDeep {
    fn into_diagnostic(self, range: TextRange) -> Diagnostic {
        let reason = match self {
            TooDeep::Brackets => format!("brackets nested more than {MAX_BRACKET_DEPTH} deep"),
            TooDeep::Indentation => {
                format!("more than {MAX_INDENT_DEPTH} levels of indentation")
            }
            TooDeep::Syntax => {
                format!(
                    "more than {MAX_SYNTAX_DEPTH} brackets and operators nested in one expression"
                )
            }
        };
        Diagnostic::new(
            Rule::UnreadableSource,
            format!("source is nested too deeply to verify: {reason}"),
            range,
        )
    }
}

/// Counts nesting over a stream of tokens.
struct NestingCounter {
    /// Levels opened in the current element of each open bracket; index 0 is the statement.
    levels_per_bracket: Vec<usize>,
    /// The sum of `levels_per_bracket`.
    levels: usize,
    indentation: usize,
}

impl NestingCounter {
    fn new() -> Self {
        Self {
            levels_per_bracket: vec![0],
            levels: 0,
            indentation: 0,
        }
    }

    fn current_element(&mut self) -> &mut usize {
        self.levels_per_bracket
            .last_mut()
            .expect("the statement level is never popped")
    }

    fn open_level(&mut self) -> Result<(), TooDeep> {
        *self.current_element() += 1;
        self.levels += 1;
        if self.levels > MAX_SYNTAX_DEPTH {
            return Err(TooDeep::Syntax);
        }
        Ok(())
    }

    fn count(&mut self, kind: TokenKind) -> Result<(), TooDeep> {
        match kind {
            TokenKind::Newline => {
                self.levels_per_bracket.clear();
                self.levels_per_bracket.push(0);
                self.levels = 0;
            }
            TokenKind::Indent => {
                self.indentation += 1;
                if self.indentation > MAX_INDENT_DEPTH {
                    return Err(TooDeep::Indentation);
                }
            }
            TokenKind::Dedent => self.indentation = self.indentation.saturating_sub(1),
            TokenKind::Lpar
            | TokenKind::Lsqb
            | TokenKind::Lbrace
            | TokenKind::FStringStart
            | TokenKind::TStringStart => {
                // Opening a bracket both extends the current element (a call, a subscript)
                // and starts a new level.
                self.open_level()?;
                self.levels_per_bracket.push(0);
                if self.levels_per_bracket.len() - 1 > MAX_BRACKET_DEPTH {
                    return Err(TooDeep::Brackets);
                }
            }
            TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd => {
                if self.levels_per_bracket.len() > 1 {
                    self.levels -= self.levels_per_bracket.pop().unwrap_or_default();
                }
            }
            TokenKind::Comma | TokenKind::Semi => {
                let element = std::mem::take(self.current_element());
                self.levels -= element;
            }
            TokenKind::NonLogicalNewline
            | TokenKind::Name
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::String
            | TokenKind::FStringMiddle
            | TokenKind::TStringMiddle
            | TokenKind::Comment
            | TokenKind::Unknown
            | TokenKind::EndOfFile => {}
            _ => self.open_level()?,
        }
        Ok(())
    }
}

/// Refuses a source too large to parse safely before counting if it is nested too deeply.
///
/// The lexer does not expose token offsets, so the location is the start of the line,
/// counted from newline tokens (exact unless a multi-line string comes first).
pub fn check_before_parsing(source: &str) -> Result<(), Diagnostic> {
    if source.len() <= PARSE_BEFORE_COUNTING {
        return Ok(());
    }
    let mut lexer = lexer::lex(source, Mode::Module);
    let mut counter = NestingCounter::new();
    let mut line = 1usize;
    loop {
        let kind = lexer.next_token();
        if let Err(too_deep) = counter.count(kind) {
            return Err(too_deep.into_diagnostic(TextRange::empty(line_start(source, line))));
        }
        match kind {
            TokenKind::EndOfFile => return Ok(()),
            TokenKind::Newline | TokenKind::NonLogicalNewline => line += 1,
            _ => {}
        }
    }
}

/// Refuses a parsed source nested too deeply, at the token that goes too deep.
pub fn check_parsed(tokens: &[Token]) -> Result<(), Diagnostic> {
    let mut counter = NestingCounter::new();
    for token in tokens {
        if let Err(too_deep) = counter.count(token.kind()) {
            return Err(too_deep.into_diagnostic(token.range()));
        }
    }
    Ok(())
}

/// How deeply statements, expressions and patterns may nest for CPython to compile them,
/// for code that targets `version`. CPython 3.10 to 3.12 refuse a syntax tree deeper than
/// three times the recursion limit (1000 by default) less three levels per Python frame of
/// the code that compiles it; 3.13 has a fixed limit of 10,000 levels, and 3.14 measures
/// the C stack instead. The margin covers a compile called from a hundred frames deep.
pub fn compiler_depth_limit(version: PythonVersion) -> usize {
    if version < PythonVersion::PY313 {
        2_700
    } else {
        9_700
    }
}

/// Refuses a syntax tree nested more deeply than CPython compiles for `version`
/// ("maximum recursion depth exceeded during compilation"), at the node that goes too deep:
/// a file must not pass that its interpreter will not run.
pub fn check_compiler_depth(
    module: &ast::ModModule,
    version: PythonVersion,
) -> Result<(), Diagnostic> {
    let mut depth = DepthCounter {
        limit: compiler_depth_limit(version),
        depth: 0,
        too_deep: None,
    };
    depth.visit_body(&module.body);
    match depth.too_deep {
        Some(range) => Err(Diagnostic::new(
            Rule::UnreadableSource,
            format!(
                "source is nested too deeply for Python {version} to compile: more than {} \
                 statements, expressions and patterns inside one another (split the \
                 expression into named parts)",
                depth.limit
            ),
            range,
        )),
        None => Ok(()),
    }
}

struct DepthCounter {
    limit: usize,
    depth: usize,
    too_deep: Option<TextRange>,
}

impl DepthCounter {
    /// Enters a node; false once the limit is passed (then nothing deeper is visited).
    fn enter(&mut self, range: TextRange) -> bool {
        self.depth += 1;
        if self.too_deep.is_none() && self.depth > self.limit {
            self.too_deep = Some(range);
        }
        self.too_deep.is_none()
    }
}

impl<'a> Visitor<'a> for DepthCounter {
    fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
        if self.enter(stmt.range()) {
            visitor::walk_stmt(self, stmt);
        }
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a ast::Expr) {
        if self.enter(expr.range()) {
            visitor::walk_expr(self, expr);
        }
        self.depth -= 1;
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        if self.enter(pattern.range()) {
            visitor::walk_pattern(self, pattern);
        }
        self.depth -= 1;
    }
}

fn line_start(source: &str, line: usize) -> TextSize {
    let index = LineIndex::from_source_text(source);
    let line = line.min(index.line_count()).max(1);
    index.line_start(OneIndexed::new(line).expect("line is at least 1"), source)
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_module;

    use super::*;

    /// Counts as the verifier does: before parsing when the source is large, else after.
    fn check(source: &str) -> Result<(), Diagnostic> {
        check_before_parsing(source)?;
        crate::on_verifier_stack(|| {
            check_parsed(parse_module(source).expect("valid syntax").tokens())
        })
    }

    #[test]
    fn ordinary_code_passes() {
        let data = format!("x = [{}]\n", vec!["-1"; 100_000].join(", "));
        assert!(data.len() > PARSE_BEFORE_COUNTING);
        assert!(check(&data).is_ok());
        assert!(check("def f(a):\n    return f(g(h(a + 1) * 2) - 3)\n").is_ok());
        // Long generated sums (sympy has them) are far from the stack's limit.
        assert!(check(&format!("x = 1{}\n", " + 1".repeat(5_000))).is_ok());
    }

    #[test]
    fn brackets_deeper_than_cpython_allows_are_refused_where_they_go_too_deep() {
        let source = format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201));
        let error = check(&source).unwrap_err();
        assert!(
            error.message.contains("brackets nested more than 200"),
            "{}",
            error.message
        );
        assert_eq!(usize::from(error.range.start()), "x = ".len() + 200);
        let fits = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert!(check(&fits).is_ok());
    }

    #[test]
    fn indentation_deeper_than_cpython_allows_is_refused() {
        let nested = |depth: usize| {
            (0..depth)
                .map(|level| format!("{}if x:\n", " ".repeat(level)))
                .collect::<String>()
                + &" ".repeat(depth)
                + "pass\n"
        };
        assert!(check(&nested(100)).is_ok());
        let error = check(&nested(101)).unwrap_err();
        assert!(
            error.message.contains("levels of indentation"),
            "{}",
            error.message
        );
    }

    #[test]
    fn nesting_deeper_than_the_stack_holds_is_refused_before_parsing() {
        // Each source is larger than PARSE_BEFORE_COUNTING, so the parser never sees it.
        let repeats = |unit: &str| (PARSE_BEFORE_COUNTING / unit.len()).max(MAX_SYNTAX_DEPTH) + 1;
        for source in [
            format!("x = {}1\n", "not ".repeat(repeats("not "))),
            format!("x = 1{}\n", " + 1".repeat(repeats(" + 1"))),
            format!("x = {}1\n", "-".repeat(repeats("-"))),
        ] {
            let error = check_before_parsing(&source).unwrap_err();
            assert!(
                error.message.contains("operators nested"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn the_two_ways_of_counting_agree() {
        let source = format!("y = 2\nx = {}1\n", "~".repeat(MAX_SYNTAX_DEPTH + 1));
        let before = {
            let mut lexer = lexer::lex(&source, Mode::Module);
            let mut counter = NestingCounter::new();
            std::iter::from_fn(|| Some(lexer.next_token()))
                .take_while(|kind| *kind != TokenKind::EndOfFile)
                .try_for_each(|kind| counter.count(kind))
                .is_err()
        };
        assert!(before);
        let parsed = crate::on_verifier_stack(|| {
            check_parsed(parse_module(&source).expect("valid syntax").tokens()).is_err()
        });
        assert!(parsed);
    }

    fn chain(links: usize) -> String {
        format!("x = 1{}\n", " + 1".repeat(links))
    }

    fn depth_check(source: &str, version: PythonVersion) -> Result<(), Diagnostic> {
        crate::on_verifier_stack(|| {
            let parsed = ruff_python_parser::parse_module(source).expect("valid syntax");
            check_compiler_depth(parsed.syntax(), version)
        })
    }

    #[test]
    fn trees_deeper_than_the_compiler_takes_are_refused_for_their_version() {
        let limit = compiler_depth_limit(PythonVersion::PY311);
        assert!(depth_check(&chain(limit - 10), PythonVersion::PY311).is_ok());
        let refused = depth_check(&chain(3_000), PythonVersion::PY311).unwrap_err();
        assert!(
            refused.message.contains("Python 3.11"),
            "{}",
            refused.message
        );
        // The same chain compiles on 3.13, whose limit is higher.
        assert!(depth_check(&chain(3_000), PythonVersion::PY313).is_ok());
        assert!(depth_check(&chain(10_000), PythonVersion::PY313).is_err());
        // Long flat code is not deep: a thousand statements, or a wide `and`, are fine.
        assert!(depth_check(&"x = 1\n".repeat(5_000), PythonVersion::PY310).is_ok());
        let wide = format!("x = 1{}\n", " and 1".repeat(5_000));
        assert!(depth_check(&wide, PythonVersion::PY310).is_ok());
    }
}
