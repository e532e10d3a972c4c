//! A diagnostic: one violation of one rule at one place in one source.

use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use crate::rule::Rule;

/// A violation found in a source, located by byte offsets into the (decoded) source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub message: String,
    pub range: TextRange,
}

impl Diagnostic {
    pub fn new(rule: Rule, message: impl Into<String>, range: TextRange) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            range,
        }
    }
}

/// A position for people: 1-based line, 1-based column counted in characters.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Turns byte offsets into [`Location`]s for one source.
pub struct Locator<'a> {
    source: &'a str,
    index: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(source: &'a str) -> Self {
        Locator {
            source,
            index: LineIndex::from_source_text(source),
        }
    }

    pub fn location(&self, offset: TextSize) -> Location {
        let position = self.index.line_column(offset, self.source);
        Location {
            line: position.line.get(),
            column: position.column.get(),
        }
    }

    pub fn source(&self) -> &'a str {
        self.source
    }
}
