//! The command line's grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ocapy",
    version,
    about = "Object-capability security for Python: verify that code stays inside a capability-safe subset."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify Python files against a profile of rules.
    Check(Box<CheckArgs>),
    /// Print the documentation of a rule, or of every rule.
    Rule(RuleArgs),
    /// Print the routes through the object graph from one object to another (needs the
    /// Python package: it imports the named modules).
    Paths(PathsArgs),
    /// Serve diagnostics and rule documentation to an editor (the Language Server Protocol,
    /// on standard input and output).
    Server,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (folders are walked for `.py` files, respecting .gitignore
    /// and the excludes); `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Which subset to enforce.
    #[arg(long, value_parser = ["capability", "encapsulation"])]
    pub profile: Option<String>,
    /// Run only these rules, instead of the profile's: codes, code prefixes (`OC1`), names
    /// or `ALL` (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Run these rules too, besides the profile's or `select`'s.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules, whatever selects them.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// A name the host provides as a global (repeatable; added to the configuration's).
    #[arg(long = "grant", value_name = "NAME")]
    pub grants: Vec<String>,
    /// A module the checked code may import, added to the allowlist (repeatable).
    #[arg(long = "allow-module", value_name = "MODULE")]
    pub allow_modules: Vec<String>,
    /// Folders and files not to walk into, instead of the default excludes (glob patterns,
    /// comma-separated or repeated). Paths named on the command line are always checked.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Folders and files not to walk into, besides the default excludes.
    #[arg(long, value_delimiter = ',')]
    pub extend_exclude: Vec<String>,
    /// The Python version the code targets (3.10 to 3.14). Default: the lowest version
    /// `requires-python` of the nearest pyproject.toml admits, else 3.10.
    #[arg(long)]
    pub target_version: Option<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    /// Print how many violations each rule found, instead of the violations (a JSON list
    /// with `--format json`).
    #[arg(long)]
    pub statistics: bool,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Name shown for standard input.
    #[arg(long, default_value = "<stdin>")]
    pub stdin_filename: String,
    /// Read settings from this file (an ocapy.toml, or a file with a [tool.ocapy] table)
    /// for every file checked, instead of each file's nearest configuration.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print the settings that would check FILE, and where they come from; check nothing.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,
    /// Verify every file, reading and writing no cached result.
    #[arg(long)]
    pub no_cache: bool,
    /// Where results of unchanged files are kept (default: `$OCAPY_CACHE_DIR`, else the
    /// user's cache folder, never the tree checked).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Succeed when a folder named on the command line holds no Python file (by default
    /// that is an error: a security check that checked nothing has not passed).
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`OC101`) or name (`private-attribute`).
    pub code: Option<String>,
    /// Print every rule.
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// Where the routes start: `pkg.mod:name` (dotted attributes allowed) or `pkg.mod`;
    /// without it, every loaded module and every thread's frames.
    #[arg(long, value_name = "MODULE[:NAME]")]
    pub from: Option<String>,
    /// The object to reach: `pkg.mod:NAME` or `pkg.mod`.
    #[arg(long, value_name = "MODULE[:NAME]")]
    pub to: String,
    /// Follow only the edges verified code can follow (public attributes, items, iteration).
    #[arg(long)]
    pub public: bool,
    /// The longest route to look for, in references (`f.__closure__[0].cell_contents` is
    /// three: function, tuple, cell, value).
    #[arg(long, default_value_t = 8)]
    pub max_depth: usize,
    /// How many routes to print at most.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: u64,
    /// Stop after visiting this many objects (an error if no route was found by then).
    #[arg(long)]
    pub max_objects: Option<usize>,
    /// How to print the routes.
    #[arg(long, value_enum, default_value_t = PathsFormat::Text)]
    pub format: PathsFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathsFormat {
    /// A header, then one Python expression per route.
    Text,
    /// A JSON object with each route's expression and steps.
    Json,
    /// A Graphviz graph (`dot -Tsvg -o paths.svg`).
    Dot,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Each diagnostic with its source line underlined.
    Full,
    /// One line per diagnostic.
    Concise,
    /// A JSON array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}
