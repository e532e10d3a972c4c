//! `ocapy check`: settings, files, parallel verification, report.

use std::collections::BTreeSet;
use std::io::Read;

use ocapy_verifier::{Diagnostic, Rule, STACK_SIZE, Settings, check_bytes, parse_target_version};
use rayon::prelude::*;

use crate::args::CheckArgs;
use crate::config::{self, Config};
use crate::files::{self, Input};
use crate::output;
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS};

/// One checked input: its name, decoded text and diagnostics, and their rendering in a
/// line-oriented output format.
pub struct FileReport {
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub rendered: String,
}

pub fn run(arguments: &CheckArgs) -> Result<u8, String> {
    let config = match &arguments.config {
        Some(path) => config::load(path)?,
        None => config::discover(&config_start(&arguments.paths)?)?
            .map(|(_, config)| config)
            .unwrap_or_default(),
    };
    let settings = settings(&config, arguments)?;
    let inputs = files::collect(&arguments.paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .map_err(|error| format!("starting worker threads: {error}"))?;
    let stdin = read_stdin_if_needed(&inputs)?;
    let renderer = output::full_renderer();
    let results: Vec<Result<FileReport, String>> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let mut report = check_input(input, stdin.as_deref(), arguments, &settings)?;
                report.rendered = output::render_file(arguments.format, &renderer, &report);
                Ok(report)
            })
            .collect()
    });
    let mut reports = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
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

/// Configuration is looked up from the first path checked (its folder, for a file), else
/// from the current directory.
fn config_start(paths: &[std::path::PathBuf]) -> Result<std::path::PathBuf, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the current directory: {error}"))?;
    let Some(first) = paths.iter().find(|path| path.as_os_str() != "-") else {
        return Ok(cwd);
    };
    let first = cwd.join(first);
    Ok(if first.is_dir() {
        first
    } else {
        first.parent().map_or(cwd, std::path::Path::to_path_buf)
    })
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
    let checked = check_bytes(&bytes, settings);
    Ok(FileReport {
        name,
        text: checked.text.into_owned(),
        diagnostics: checked.diagnostics,
        rendered: String::new(),
    })
}

/// Merges the configuration file and the command line; the command line wins.
fn settings(config: &Config, arguments: &CheckArgs) -> Result<Settings, String> {
    let mut settings = Settings::default();
    if let Some(profile) = arguments.profile.as_ref().or(config.profile.as_ref()) {
        settings.profile = profile.parse()?;
    }
    let select = if arguments.select.is_empty() {
        config.select.clone()
    } else {
        Some(arguments.select.clone())
    };
    if let Some(select) = select {
        settings.select = Some(rules(&select)?);
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
    for module in &arguments.allow_modules {
        settings.allowed_modules.insert(module.clone());
    }
    if let Some(version) = arguments
        .target_version
        .as_ref()
        .or(config.target_version.as_ref())
    {
        settings.target_version = parse_target_version(version)?;
    }
    Ok(settings)
}

fn rules<'a>(codes: impl IntoIterator<Item = &'a String>) -> Result<BTreeSet<Rule>, String> {
    codes
        .into_iter()
        .map(|code| {
            Rule::from_code(code.trim())
                .ok_or_else(|| format!("unknown rule `{code}` (`ocapy rule --all` lists them)"))
        })
        .collect()
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
