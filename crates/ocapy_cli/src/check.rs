//! `ocapy check`: settings, files, parallel verification, report.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ocapy_verifier::{
    Diagnostic, Rule, STACK_SIZE, SUPPORTED_VERSIONS, Settings, check_bytes, parse_target_version,
    shown_text,
};
use rayon::prelude::*;

use crate::args::CheckArgs;
use crate::cache::Cache;
use crate::config::{self, Found};
use crate::files::{self, Input};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_VIOLATIONS};
use crate::{output, progress};

/// One checked input: its name, decoded text and diagnostics, and their rendering in a
/// line-oriented output format.
pub struct FileReport {
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub rendered: String,
}

pub fn run(arguments: &CheckArgs) -> Result<u8, String> {
    if arguments.statistics
        && let Some(refusal) = output::statistics_refused(arguments.format)
    {
        return Err(refusal);
    }
    let mut resolver = Resolver::new(arguments)?;
    if let Some(file) = &arguments.show_settings {
        let (found, settings) = resolver.for_file(file)?;
        let text = format!(
            "Settings for {}\nfrom: {}\n{settings:#?}\n",
            file.display(),
            found.origin()
        );
        crate::to_stdout(|stdout| stdout.write_all(text.as_bytes()))?;
        return Ok(EXIT_CLEAN);
    }
    let mut inputs = Vec::new();
    for path in &arguments.paths {
        let found = files::collect(path, || resolver.excludes_for(path))?;
        if found.is_empty() && !arguments.allow_empty && !crate::interrupted() {
            return Err(format!(
                "{} holds no Python file to check (pass --allow-empty if that is expected)",
                path.display()
            ));
        }
        inputs.extend(found);
    }
    inputs.sort();
    inputs.dedup();
    let jobs = inputs
        .iter()
        .map(|input| Ok((input, resolver.for_input(input)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .map_err(|error| format!("starting worker threads: {error}"))?;
    let stdin = read_stdin_if_needed(&inputs)?;
    let cache = if arguments.no_cache {
        None
    } else {
        Cache::open(arguments.cache_dir.as_deref())
    };
    let renderer = output::full_renderer();
    let results: Vec<Option<Result<FileReport, String>>> = progress::around(jobs.len(), |done| {
        pool.install(|| {
            jobs.par_iter()
                .map(|(input, settings)| {
                    if crate::interrupted() {
                        return None;
                    }
                    let checked =
                        check_input(input, stdin.as_deref(), arguments, settings, cache.as_ref());
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Some(checked.map(|mut report| {
                        report.rendered = output::render_file(arguments.format, &renderer, &report);
                        report
                    }))
                })
                .collect()
        })
    });
    if crate::interrupted() {
        return Ok(EXIT_INTERRUPTED);
    }
    let mut reports = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results.into_iter().flatten() {
        match result {
            Ok(report) => reports.push(report),
            Err(error) => errors.push(error),
        }
    }
    crate::to_stdout(|stdout| output::write(stdout, arguments, &reports))?;
    for error in &errors {
        eprintln!("ocapy: error: {error}");
    }
    let violations = reports.iter().any(|report| !report.diagnostics.is_empty());
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if violations {
        EXIT_VIOLATIONS
    } else {
        EXIT_CLEAN
    })
}

/// Decides the settings of each file from its nearest configuration (or the one `--config`
/// names) and the command line, once per configuration.
pub(crate) struct Resolver<'a> {
    arguments: &'a CheckArgs,
    cwd: PathBuf,
    explicit: Option<Found>,
    discovery: config::Discovery,
    resolved: HashMap<Option<PathBuf>, Resolved>,
    /// Settings with some configuration's per-file ignores added, by the configuration and
    /// the patterns that matched.
    with_ignores: HashMap<(Option<PathBuf>, Vec<usize>), Arc<Settings>>,
}

/// One configuration's settings, and its `per-file-ignores`.
struct Resolved {
    settings: Arc<Settings>,
    /// The folder `per-file-ignores` patterns are relative to.
    root: PathBuf,
    per_file_ignores: Vec<(globset::GlobMatcher, BTreeSet<Rule>)>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(arguments: &'a CheckArgs) -> Result<Self, String> {
        let cwd = std::env::current_dir()
            .map_err(|error| format!("cannot read the current directory: {error}"))?;
        let explicit = arguments.config.as_deref().map(config::load).transpose()?;
        Ok(Resolver {
            arguments,
            cwd,
            explicit,
            discovery: config::Discovery::default(),
            resolved: HashMap::new(),
            with_ignores: HashMap::new(),
        })
    }

    /// The configuration in force in `folder`.
    fn found(&mut self, folder: &Path) -> Result<Found, String> {
        match &self.explicit {
            Some(found) => Ok(found.clone()),
            None => self.discovery.nearest(&self.cwd.join(folder)),
        }
    }

    /// The configuration and settings of the file at `path`.
    pub(crate) fn for_file(&mut self, path: &Path) -> Result<(Found, Arc<Settings>), String> {
        let found = self.found(parent(path))?;
        if !self.resolved.contains_key(&found.path) {
            let resolved = self.resolve(&found).map_err(|error| match &found.path {
                Some(path) => format!("{}: {error}", path.display()),
                None => error,
            })?;
            self.resolved.insert(found.path.clone(), resolved);
        }
        let resolved = &self.resolved[&found.path];
        let absolute = self.cwd.join(path);
        let relative = absolute.strip_prefix(&resolved.root).unwrap_or(&absolute);
        let matched: Vec<usize> = (resolved.per_file_ignores.iter().enumerate())
            .filter(|(_, (pattern, _))| {
                pattern.is_match(relative)
                    || path.file_name().is_some_and(|name| pattern.is_match(name))
            })
            .map(|(index, _)| index)
            .collect();
        if matched.is_empty() {
            return Ok((found, Arc::clone(&resolved.settings)));
        }
        let key = (found.path.clone(), matched);
        let settings = self
            .with_ignores
            .entry(key)
            .or_insert_with_key(|(_, matched)| {
                let mut settings = Settings::clone(&resolved.settings);
                for &index in matched {
                    settings.ignore.extend(&resolved.per_file_ignores[index].1);
                }
                Arc::new(settings)
            });
        Ok((found, Arc::clone(settings)))
    }

    fn resolve(&self, found: &Found) -> Result<Resolved, String> {
        let root = found
            .path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| self.cwd.clone(), Path::to_path_buf);
        let per_file_ignores = (found.config.per_file_ignores.iter().flatten())
            .map(|(pattern, selectors)| {
                let glob = globset::Glob::new(pattern)
                    .map_err(|error| format!("per-file-ignores pattern {pattern:?}: {error}"))?;
                Ok((glob.compile_matcher(), rules(selectors)?))
            })
            .collect::<Result<_, String>>()?;
        Ok(Resolved {
            settings: Arc::new(settings(found, self.arguments)?),
            root,
            per_file_ignores,
        })
    }

    /// Standard input is checked as the file it is named after (`--stdin-filename`), in the
    /// current folder by default.
    fn for_input(&mut self, input: &Input) -> Result<Arc<Settings>, String> {
        let path = match input {
            Input::Stdin => Path::new(&self.arguments.stdin_filename),
            Input::File(path) => path,
        };
        self.for_file(path).map(|(_, settings)| settings)
    }

    /// What a walk of `folder` leaves out: the command line's excludes if it names any, else
    /// the configuration's in force there, else the defaults; plus both `extend-exclude`s.
    fn excludes_for(&mut self, folder: &Path) -> Result<files::Excludes, String> {
        let config = self.found(folder)?.config;
        let arguments = self.arguments;
        let base: Vec<&str> = if !arguments.exclude.is_empty() {
            arguments.exclude.iter().map(String::as_str).collect()
        } else if let Some(exclude) = &config.exclude {
            exclude.iter().map(String::as_str).collect()
        } else {
            files::DEFAULT_EXCLUDES.to_vec()
        };
        let extend = config
            .extend_exclude
            .iter()
            .flatten()
            .chain(&arguments.extend_exclude)
            .map(String::as_str);
        files::Excludes::new(base.into_iter().chain(extend))
    }
}

/// The folder a path lies in (`""`, the current folder, for a bare file name).
fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

fn read_stdin_if_needed(inputs: &[Input]) -> Result<Option<Vec<u8>>, String> {
    if !inputs.contains(&Input::Stdin) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read standard input: {error}"))?;
    Ok(Some(bytes))
}

fn check_input(
    input: &Input,
    stdin: Option<&[u8]>,
    arguments: &CheckArgs,
    settings: &Settings,
    cache: Option<&Cache>,
) -> Result<FileReport, String> {
    let (name, bytes) = match input {
        Input::Stdin => (
            arguments.stdin_filename.clone(),
            stdin.unwrap_or_default().to_vec(),
        ),
        Input::File(path) => (
            path.display().to_string(),
            std::fs::read(path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?,
        ),
    };
    // Standard input is read once and never again: nothing to gain from caching it.
    let cache = cache.filter(|_| *input != Input::Stdin);
    if let Some(diagnostics) = cache.and_then(|cache| cache.get(settings, &bytes)) {
        // Only diagnostics are shown with the text they point into.
        let text = if diagnostics.is_empty() {
            String::new()
        } else {
            shown_text(&bytes).into_owned()
        };
        return Ok(FileReport {
            name,
            text,
            diagnostics,
            rendered: String::new(),
        });
    }
    let checked = check_bytes(&bytes, settings);
    if let Some(cache) = cache {
        cache.put(settings, &bytes, &checked.diagnostics);
    }
    Ok(FileReport {
        name,
        text: checked.text.into_owned(),
        diagnostics: checked.diagnostics,
        rendered: String::new(),
    })
}

/// Merges a configuration and the command line. The command line wins; a list without
/// `extend-` replaces the one it names, and grants and allowed modules from the command
/// line are always added.
fn settings(found: &Found, arguments: &CheckArgs) -> Result<Settings, String> {
    let config = &found.config;
    let mut settings = Settings::default();
    if let Some(profile) = arguments.profile.as_ref().or(config.profile.as_ref()) {
        settings.profile = profile.parse()?;
    }
    let select = if arguments.select.is_empty() {
        config.select.as_ref()
    } else {
        Some(&arguments.select)
    };
    let extend: Vec<&String> = config
        .extend_select
        .iter()
        .flatten()
        .chain(&arguments.extend_select)
        .collect();
    if select.is_some() || !extend.is_empty() {
        let mut selected = match select {
            Some(select) => rules(select)?,
            None => Rule::ALL
                .iter()
                .copied()
                .filter(|rule| settings.profile.includes(*rule))
                .collect(),
        };
        selected.extend(rules(extend)?);
        settings.select = Some(selected);
    }
    settings.ignore = rules(config.ignore.iter().flatten().chain(&arguments.ignore))?;
    settings.grants = config
        .grants
        .iter()
        .flatten()
        .chain(&arguments.grants)
        .map(|name| validated_identifier(name, "grant"))
        .collect::<Result<_, _>>()?;
    if let Some(modules) = &config.allowed_modules {
        settings.allowed_modules = modules.iter().cloned().collect();
    }
    let extend = config
        .extend_allowed_modules
        .iter()
        .flatten()
        .chain(&arguments.allow_modules);
    settings.allowed_modules.extend(extend.cloned());
    settings.target_version = match (
        arguments
            .target_version
            .as_ref()
            .or(config.target_version.as_ref()),
        &found.requires_python,
    ) {
        (Some(version), _) => parse_target_version(version)?,
        // A project that admits versions older than any ocapy parses for is checked for the
        // oldest one it does.
        (None, Some(lowest)) => parse_target_version(lowest).unwrap_or(SUPPORTED_VERSIONS[0]),
        (None, None) => SUPPORTED_VERSIONS[0],
    };
    Ok(settings)
}

fn rules<'a>(selectors: impl IntoIterator<Item = &'a String>) -> Result<BTreeSet<Rule>, String> {
    let mut selected = BTreeSet::new();
    for selector in selectors {
        let rules = Rule::selected_by(selector).ok_or_else(|| {
            format!(
                "unknown rule `{selector}` (`ocapy rule --all` lists them; a prefix such as \
                 `OC1`, or `ALL`, selects several)"
            )
        })?;
        selected.extend(rules);
    }
    Ok(selected)
}

fn validated_identifier(name: &str, what: &str) -> Result<String, String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric());
    if valid {
        Ok(name.to_string())
    } else {
        Err(format!("{what} `{name}` is not a Python identifier"))
    }
}
