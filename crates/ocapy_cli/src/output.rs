//! Printing a run's diagnostics in each output format.

use std::collections::BTreeMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use ocapy_verifier::{Diagnostic, Locator, Rule};
use serde::Serialize;

use clap::ValueEnum;

use crate::args::{CheckArgs, OutputFormat};
use crate::check::FileReport;

/// A diagnostic with its file and human positions: the shape of `json` output, and of
/// `ocapy.Diagnostic` in Python.
#[derive(Serialize)]
struct Located<'a> {
    code: &'static str,
    name: &'static str,
    message: &'a str,
    filename: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn located<'a>(
    report: &'a FileReport,
    locator: &Locator<'_>,
    diagnostic: &'a Diagnostic,
) -> Located<'a> {
    let start = locator.location(diagnostic.range.start());
    let end = locator.location(diagnostic.range.end());
    Located {
        code: diagnostic.rule.code(),
        name: diagnostic.rule.name(),
        message: &diagnostic.message,
        filename: &report.name,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// How a line-oriented format prints one file's diagnostics: rendered by the worker that
/// checked the file, so that snippets are drawn in parallel.
pub fn render_file(format: OutputFormat, renderer: &Renderer, report: &FileReport) -> String {
    match format {
        OutputFormat::Full => render_full(renderer, report),
        OutputFormat::Concise => render_lines(report, |d| {
            format!(
                "{}:{}:{}: {} {}",
                d.filename, d.line, d.column, d.code, d.message
            )
        }),
        OutputFormat::Github => render_lines(report, |d| {
            format!(
                "::error title=ocapy ({code}),file={file},line={line},col={col},endLine={end_line},endColumn={end_col}::{code} {message}",
                code = d.code,
                file = escape_github_property(d.filename),
                line = d.line,
                col = d.column,
                end_line = d.end_line,
                end_col = d.end_column,
                message = escape_github_data(d.message),
            )
        }),
        OutputFormat::Json | OutputFormat::Sarif => String::new(),
    }
}

/// Snippets in colour on a terminal, unless `NO_COLOR` is set.
pub fn full_renderer() -> Renderer {
    if std::env::var_os("NO_COLOR").is_none() && io::IsTerminal::is_terminal(&io::stdout()) {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

pub fn write(
    out: &mut impl Write,
    arguments: &CheckArgs,
    reports: &[FileReport],
) -> io::Result<()> {
    if arguments.statistics {
        return write_statistics(out, arguments, reports);
    }
    match arguments.format {
        OutputFormat::Full | OutputFormat::Concise | OutputFormat::Github => {
            for report in reports {
                out.write_all(report.rendered.as_bytes())?;
            }
            if !arguments.quiet {
                write_summary(out, reports)?;
            }
        }
        OutputFormat::Json => {
            let all = collect(reports);
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)?;
        }
        OutputFormat::Sarif => write_sarif(out, reports)?,
    }
    Ok(())
}

/// Why `--statistics` cannot go with `format`, if it cannot: the formats made for other
/// programs have no place for a table.
pub fn statistics_refused(format: OutputFormat) -> Option<String> {
    matches!(format, OutputFormat::Sarif | OutputFormat::Github).then(|| {
        format!(
            "--statistics prints a table, which --format {} has no place for; use it with \
             --format full, concise or json",
            format
                .to_possible_value()
                .map_or_else(String::new, |value| value.get_name().to_owned())
        )
    })
}

fn collect(reports: &[FileReport]) -> Vec<Located<'_>> {
    reports.iter().flat_map(located_in).collect()
}

fn located_in(report: &FileReport) -> impl Iterator<Item = Located<'_>> {
    let locator = Locator::new(&report.text);
    report
        .diagnostics
        .iter()
        .map(move |diagnostic| located(report, &locator, diagnostic))
}

fn render_lines(report: &FileReport, line: impl Fn(&Located<'_>) -> String) -> String {
    located_in(report)
        .map(|diagnostic| line(&diagnostic) + "\n")
        .collect()
}

fn render_full(renderer: &Renderer, report: &FileReport) -> String {
    let locator = Locator::new(&report.text);
    let mut rendered = String::new();
    for diagnostic in &report.diagnostics {
        let start = locator.location(diagnostic.range.start());
        let (excerpt, span) = excerpt(&report.text, diagnostic);
        let title = format!("{} [{}]", diagnostic.message, diagnostic.rule.name());
        let group = Level::ERROR
            .primary_title(&title)
            .id(diagnostic.rule.code())
            .element(
                Snippet::source(excerpt)
                    .line_start(start.line)
                    .path(&report.name)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        rendered.push_str(&renderer.render(&[group]));
        rendered.push_str("\n\n");
    }
    rendered
}

/// The whole lines a diagnostic covers (at most a few), and its span within them.
fn excerpt<'a>(text: &'a str, diagnostic: &Diagnostic) -> (&'a str, std::ops::Range<usize>) {
    const MAX_LINES: usize = 5;
    let start = usize::from(diagnostic.range.start()).min(text.len());
    let end = usize::from(diagnostic.range.end()).clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let mut line_end = text[end..]
        .find('\n')
        .map_or(text.len(), |newline| end + newline);
    if let Some((cut, _)) = text[line_start..line_end]
        .match_indices('\n')
        .nth(MAX_LINES - 1)
    {
        line_end = line_start + cut;
    }
    let span_end = end.min(line_end).max(start);
    (
        &text[line_start..line_end],
        start - line_start..span_end - line_start,
    )
}

fn write_summary(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let total: usize = reports.iter().map(|report| report.diagnostics.len()).sum();
    let failing = reports
        .iter()
        .filter(|report| !report.diagnostics.is_empty())
        .count();
    let files = plural(reports.len(), "file");
    if total == 0 {
        writeln!(out, "All checks passed: {files} verified.")
    } else {
        writeln!(
            out,
            "Found {} in {} of {files}.",
            plural(total, "violation"),
            failing
        )
    }
}

/// One rule's count, the shape of `--statistics --format json`.
#[derive(Serialize)]
struct Count {
    code: &'static str,
    name: &'static str,
    count: usize,
}

fn write_statistics(
    out: &mut impl Write,
    arguments: &CheckArgs,
    reports: &[FileReport],
) -> io::Result<()> {
    let mut counts: BTreeMap<Rule, usize> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|report| &report.diagnostics) {
        *counts.entry(diagnostic.rule).or_default() += 1;
    }
    if arguments.format == OutputFormat::Json {
        let counts: Vec<Count> = counts
            .into_iter()
            .map(|(rule, count)| Count {
                code: rule.code(),
                name: rule.name(),
                count,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &counts)?;
        return writeln!(out);
    }
    let total: usize = counts.values().sum();
    for (rule, count) in counts {
        writeln!(out, "{count:>6}  {}  {}", rule.code(), rule.name())?;
    }
    if !arguments.quiet {
        writeln!(
            out,
            "Found {} in {}.",
            plural(total, "violation"),
            plural(reports.len(), "file")
        )?;
    }
    Ok(())
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn escape_github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_github_property(text: &str) -> String {
    escape_github_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

fn write_sarif(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let rules: Vec<_> = Rule::ALL
        .iter()
        .map(|rule| {
            serde_json::json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": { "text": rule.doc().summary },
                "fullDescription": { "text": rule.doc().rationale },
            })
        })
        .collect();
    let results: Vec<_> = collect(reports)
        .iter()
        .map(|d| {
            serde_json::json!({
                "ruleId": d.code,
                "level": "error",
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.filename },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        }
                    }
                }]
            })
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ocapy",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
