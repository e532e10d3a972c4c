//! `ocapy paths`: the routes from one object to another, as the search (which needs a live
//! interpreter, so lives in the Python extension) finds them, and their output formats.
//!
//! The search itself is provided by the caller of [`crate::run_with`]; the plain Rust binary
//! has no interpreter and says so.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::args::{PathsArgs, PathsFormat};
use crate::{EXIT_CLEAN, EXIT_VIOLATIONS};

/// What one step of a route is, as data.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// A start of the search: a module in `sys.modules` (`ocapy.ROOTS`).
    Module,
    /// A start of the search: a thread's innermost frame (`ocapy.ROOTS`).
    Thread,
    /// `.name`: an attribute read without running user code (slot, member, instance dict).
    Attribute,
    /// `[i]`: an element of a list or tuple.
    Index,
    /// `['key']`: a dict's value under a key that prints as a literal.
    Item,
    /// `list(x.values())[i]`: a dict's value under a key that does not print as a literal.
    Value,
    /// `list(x)[i]`: a dict's key or a set's element, by iteration order.
    Element,
    /// `.f_locals['name']`: a local variable of a frame (or of a generator's frame).
    Local,
    /// `type(x)`.
    Type,
    /// `gc.get_referents(x)[i]`: a reference the referrer's type does not name.
    Referent,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Module => "module",
            Self::Thread => "thread",
            Self::Attribute => "attribute",
            Self::Index => "index",
            Self::Item => "item",
            Self::Value => "value",
            Self::Element => "element",
            Self::Local => "local",
            Self::Type => "type",
            Self::Referent => "referent",
        }
    }
}

/// The key of a step: an attribute or local name, a position, or a dict key's `repr`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StepKey {
    None,
    Name(String),
    Position(i64),
    /// A dict key, as its `repr`.
    Literal(String),
}

/// How a step turns the expression for the referrer into the expression for the referent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// Appended: `.name`, `[0]`, `['key']`.
    Suffix(String),
    /// Around: `type(` … `)`, `gc.get_referents(` … `)[3]`.
    Wrap(String, String),
    /// A whole expression of its own, for the start of a search from `ocapy.ROOTS`.
    Start(String),
}

impl Template {
    pub fn apply(&self, referrer: &str) -> String {
        match self {
            Self::Suffix(suffix) => format!("{referrer}{suffix}"),
            Self::Wrap(before, after) => format!("{before}{referrer}{after}"),
            Self::Start(expression) => expression.clone(),
        }
    }

    /// The step alone, `…` standing for the referrer when it is not a plain suffix: `.name`,
    /// `[0]`, `type(…)` (edge labels in `dot`, step texts in `json`).
    pub fn label(&self) -> String {
        match self {
            Self::Suffix(suffix) => suffix.clone(),
            Self::Wrap(..) | Self::Start(_) => self.apply("…"),
        }
    }
}

/// One step of a route.
#[derive(Clone, Debug)]
pub struct Step {
    pub kind: StepKind,
    pub key: StepKey,
    pub template: Template,
    /// The type name of the object the step reaches.
    pub type_name: String,
    /// The identity of the object the step reaches (for drawing shared objects once).
    pub node: usize,
}

/// A route from the source to the target.
#[derive(Clone, Debug, Default)]
pub struct Route {
    /// The identity and type name of the source (unused when the first step is a start).
    pub source_node: usize,
    pub source_type: String,
    pub steps: Vec<Step>,
}

impl Route {
    /// The Python expression that evaluates to the target, `root` standing for the source.
    pub fn expr(&self, root: &str) -> String {
        self.steps
            .iter()
            .fold(root.to_string(), |expression, step| {
                step.template.apply(&expression)
            })
    }
}

/// A search the command line asks for.
#[derive(Clone, Debug)]
pub struct Query {
    /// `pkg.mod:attr.attr`, or None for every root (`ocapy.ROOTS`).
    pub from: Option<String>,
    pub to: String,
    pub public: bool,
    pub max_depth: usize,
    pub limit: usize,
    pub max_objects: Option<usize>,
}

/// What the search found.
#[derive(Clone, Debug)]
pub struct Found {
    pub routes: Vec<Route>,
    /// How many objects the search visited.
    pub visited: usize,
}

/// Runs `ocapy paths`; the search is given by the Python extension.
pub type Search<'a> = &'a (dyn Fn(&Query) -> Result<Found, String> + Sync);

pub fn run(arguments: &PathsArgs, search: Option<Search<'_>>) -> Result<u8, String> {
    let Some(search) = search else {
        return Err(
            "`ocapy paths` imports your modules, so it needs the Python package: \
             run it as `python -m ocapy paths ...` (or the `ocapy` command pip installs) in \
             the environment where ocapy and your code are installed"
                .to_string(),
        );
    };
    let query = Query {
        from: arguments.from.clone(),
        to: arguments.to.clone(),
        public: arguments.public,
        max_depth: arguments.max_depth,
        limit: usize::try_from(arguments.limit).unwrap_or(usize::MAX),
        max_objects: arguments.max_objects,
    };
    let found = search(&query)?;
    let root = root_name(query.from.as_deref());
    crate::to_stdout(|stdout| write(stdout, arguments.format, &query, &root, &found))?;
    Ok(if found.routes.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_VIOLATIONS
    })
}

/// The name the source has in printed expressions: `obj` for `pkg.mod:obj` (as after
/// `from pkg.mod import obj`), the module's dotted name for `pkg.mod`.
pub fn root_name(from: Option<&str>) -> String {
    match from {
        None => "ROOTS".to_string(),
        Some(spec) => match spec.split_once(':') {
            Some((_, attribute)) => attribute.to_string(),
            None => spec.to_string(),
        },
    }
}

fn write(
    out: &mut impl Write,
    format: PathsFormat,
    query: &Query,
    root: &str,
    found: &Found,
) -> io::Result<()> {
    match format {
        PathsFormat::Text => write_text(out, query, root, found),
        PathsFormat::Json => write_json(out, query, root, found),
        PathsFormat::Dot => write_dot(out, root, found),
    }
}

fn describe(query: &Query) -> String {
    let from = query.from.as_deref().unwrap_or("every module and thread");
    let edges = if query.public { "public" } else { "all" };
    format!("from {from} to {} through {edges} edges", query.to)
}

fn write_text(out: &mut impl Write, query: &Query, root: &str, found: &Found) -> io::Result<()> {
    let count = found.routes.len();
    if count == 0 {
        return writeln!(
            out,
            "no path {} within {} steps ({} objects searched)",
            describe(query),
            query.max_depth,
            found.visited
        );
    }
    let noun = if count == 1 { "path" } else { "paths" };
    writeln!(out, "{count} {noun} {}, shortest first:", describe(query))?;
    for route in &found.routes {
        writeln!(out, "{}", route.expr(root))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonStep<'a> {
    kind: StepKind,
    key: &'a StepKey,
    text: String,
    #[serde(rename = "type")]
    type_name: &'a str,
}

#[derive(Serialize)]
struct JsonRoute<'a> {
    expr: String,
    length: usize,
    steps: Vec<JsonStep<'a>>,
}

fn write_json(out: &mut impl Write, query: &Query, root: &str, found: &Found) -> io::Result<()> {
    let routes: Vec<JsonRoute<'_>> = found
        .routes
        .iter()
        .map(|route| JsonRoute {
            expr: route.expr(root),
            length: route.steps.len(),
            steps: route
                .steps
                .iter()
                .map(|step| JsonStep {
                    kind: step.kind,
                    key: &step.key,
                    text: step.template.label(),
                    type_name: &step.type_name,
                })
                .collect(),
        })
        .collect();
    let document = serde_json::json!({
        "from": query.from,
        "to": query.to,
        "edges": if query.public { "public" } else { "all" },
        "max_depth": query.max_depth,
        "visited": found.visited,
        "paths": routes,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// A Graphviz graph: each object once (routes that meet share it), each step an edge.
fn write_dot(out: &mut impl Write, root: &str, found: &Found) -> io::Result<()> {
    let mut nodes: BTreeMap<usize, (String, &'static str)> = BTreeMap::new();
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    for route in &found.routes {
        let mut previous = None;
        if route.steps.first().is_none_or(|step| !step.kind_is_start()) {
            nodes.insert(
                route.source_node,
                (format!("{root}\n{}", route.source_type), "source"),
            );
            previous = Some(route.source_node);
        }
        for (position, step) in route.steps.iter().enumerate() {
            let role = if position + 1 == route.steps.len() {
                "target"
            } else if step.kind_is_start() {
                "source"
            } else {
                "object"
            };
            let label = match step.template {
                Template::Start(ref expression) => format!("{expression}\n{}", step.type_name),
                _ => step.type_name.clone(),
            };
            nodes.entry(step.node).or_insert((label, role)).1 = role;
            if let Some(from) = previous {
                let edge = (from, step.node, step.template.label());
                if !edges.contains(&edge) {
                    edges.push(edge);
                }
            }
            previous = Some(step.node);
        }
    }
    writeln!(out, "digraph paths {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [shape=box, fontname=monospace];")?;
    writeln!(out, "  edge [fontname=monospace];")?;
    for (node, (label, role)) in &nodes {
        let style = match *role {
            "source" => ", style=filled, fillcolor=lightblue",
            "target" => ", style=filled, fillcolor=salmon",
            _ => "",
        };
        writeln!(out, "  n{node} [label={}{style}];", dot_string(label))?;
    }
    for (from, to, label) in &edges {
        writeln!(out, "  n{from} -> n{to} [label={}];", dot_string(label))?;
    }
    writeln!(out, "}}")
}

impl Step {
    fn kind_is_start(&self) -> bool {
        matches!(self.template, Template::Start(_))
    }
}

/// A DOT double-quoted string (newlines become centred line breaks).
fn dot_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            _ => quoted.push(character),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: StepKind, template: Template, node: usize) -> Step {
        Step {
            kind,
            key: StepKey::None,
            template,
            type_name: "t".to_string(),
            node,
        }
    }

    #[test]
    fn expressions_fold_suffixes_wraps_and_starts() {
        let route = Route {
            source_node: 1,
            source_type: "function".to_string(),
            steps: vec![
                step(
                    StepKind::Attribute,
                    Template::Suffix(".__closure__".into()),
                    2,
                ),
                step(StepKind::Index, Template::Suffix("[0]".into()), 3),
                step(
                    StepKind::Type,
                    Template::Wrap("type(".into(), ")".into()),
                    4,
                ),
            ],
        };
        assert_eq!(route.expr("f"), "type(f.__closure__[0])");
        let started = Route {
            steps: vec![step(
                StepKind::Module,
                Template::Start("sys.modules['m']".into()),
                5,
            )],
            ..Route::default()
        };
        assert_eq!(started.expr("ignored"), "sys.modules['m']");
    }

    #[test]
    fn dot_draws_shared_objects_once_and_quotes_labels() {
        let shared = step(StepKind::Item, Template::Suffix("['a\"b']".into()), 7);
        let route = Route {
            source_node: 1,
            source_type: "dict".to_string(),
            steps: vec![shared],
        };
        let found = Found {
            routes: vec![route.clone(), route],
            visited: 2,
        };
        let mut out = Vec::new();
        write_dot(&mut out, "d", &found).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches(" -> ").count(), 1, "{text}");
        assert!(text.contains(r#"label="['a\"b']""#), "{text}");
        assert!(text.contains("fillcolor=salmon"), "{text}");
    }

    #[test]
    fn without_an_interpreter_paths_is_an_error() {
        let status = crate::run(["ocapy", "paths", "--to", "pkg:SECRET"]);
        assert_eq!(status, crate::EXIT_ERROR);
    }

    #[test]
    fn root_names_are_what_an_import_binds() {
        assert_eq!(root_name(Some("pkg.mod:obj.attr")), "obj.attr");
        assert_eq!(root_name(Some("pkg.mod")), "pkg.mod");
        assert_eq!(root_name(None), "ROOTS");
    }
}
