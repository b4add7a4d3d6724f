//! Command-line interface: `peace-lsp [lsp|--stdio]`, `peace-lsp check`,
//! `peace-lsp report` ([`report`]), `peace-lsp explain`.
//!
//! `check` walks folders ([`walk`]), analyses the files in parallel (rayon)
//! with each file's project configuration, and prints the findings sorted
//! by path and position in one of the [`output`] formats. Findings go to
//! stdout; notes, errors, the progress bar and the summary go to stderr.

pub mod output;
pub mod report;
pub mod terminal;
pub mod walk;

use crate::config::{ConfigError, Level};
use crate::input::{Office, Paragraphs};
use crate::terms::{explain_markdown, Database};
use crate::text::Format;
use clap::{Parser, Subcommand, ValueEnum};
use output::{Located, Report};
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use walk::{Configs, Job};

#[derive(Debug, Parser)]
#[command(
    name = "peace-lsp",
    version,
    about = "Language server for writing about peace operations: hover definitions and conflation warnings"
)]
pub struct Cli {
    /// Serve LSP on stdio (the default; editors often pass this flag).
    #[arg(long, global = true)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Language Server Protocol on stdin/stdout.
    Lsp,
    /// Check files and folders and print findings like a compiler.
    ///
    /// Folders are walked respecting .gitignore, .ignore and the include /
    /// exclude globs of .peace-lsp.toml; files named explicitly are always
    /// checked. Exit status: 0 clean, 1 findings at or above --fail-on,
    /// 2 errors (unreadable file, bad configuration, bad usage).
    Check(CheckArgs),
    /// Write a class report for teachers: findings per misconception and per
    /// essay, concepts used and defined, and a feedback sheet per essay.
    ///
    /// Reads what `check` reads (plus .docx and .odt) with the same
    /// configuration. Exit status: 0 written, 2 errors (a file that cannot
    /// be read is named and left out; the others are still reported).
    Report(report::ReportArgs),
    /// Explain a term: definition, contrast and sources.
    Explain {
        /// The term, e.g. "blue helmets" or UNEF I.
        #[arg(required = true, num_args = 1..)]
        term: Vec<String>,
        /// Output format: `auto` renders for a terminal when standard
        /// output is one (bold, wrapped, tables in columns) and prints
        /// Markdown otherwise.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Auto)]
        format: ExplainFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Auto,
    Markdown,
    Terminal,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check (Markdown, LaTeX or plain text); default `.`.
    #[arg(conflicts_with = "stdin")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Document format (markdown, latex, plaintext), instead of guessing
    /// from the file extension.
    #[arg(long, value_parser = parse_language)]
    pub language: Option<String>,
    /// Exit with 1 when a finding has this severity or a higher one.
    #[arg(long, value_enum, default_value_t = FailOn::Warning, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Read one document from standard input.
    #[arg(long)]
    pub stdin: bool,
    /// With --stdin: the document's path (need not exist), for its format,
    /// its configuration and the output.
    #[arg(long, requires = "stdin", conflicts_with = "paths", value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `path:line:col: severity[code]: message`, colored on a terminal.
    Human,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0 (for code-scanning uploads).
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    #[value(alias = "warn")]
    Warning,
    #[value(alias = "info")]
    Information,
    Hint,
    /// Exit 0 whatever is found (errors still exit 2).
    Never,
}

impl FailOn {
    /// The lowest level that fails the run.
    pub fn level(self) -> Option<Level> {
        match self {
            FailOn::Error => Some(Level::Error),
            FailOn::Warning => Some(Level::Warning),
            FailOn::Information => Some(Level::Information),
            FailOn::Hint => Some(Level::Hint),
            FailOn::Never => None,
        }
    }
}

/// Analyse one document's text with a configuration and locate the findings.
pub fn check_text(text: &str, format: Format, config: &crate::config::Config) -> Vec<Located> {
    let findings = config.analyze(text, format).findings;
    Located::all(text, findings)
}

/// A document ready to be analysed.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub text: String,
    pub format: Format,
    /// For a word-processor file: where each paragraph of `text` is.
    pub paragraphs: Option<Paragraphs>,
}

impl Loaded {
    /// Analyse with a configuration and locate the findings (with their
    /// paragraph and character in a word-processor file).
    pub fn check(&self, config: &crate::config::Config) -> Vec<Located> {
        let mut located = check_text(&self.text, self.format, config);
        if let Some(p) = &self.paragraphs {
            Located::set_positions(&mut located, &self.text, p);
        }
        located
    }
}

/// `--language`: a name [`Format::from_language_id`] knows, else a clear
/// usage error (an unknown one used to be ignored silently).
pub fn parse_language(s: &str) -> Result<String, String> {
    match Format::from_language_id(s) {
        Some(_) => Ok(s.to_string()),
        None => Err(format!(
            "unknown language `{s}` (expected markdown, latex or plaintext, or md, tex, text)"
        )),
    }
}

/// Turn a file's bytes into a document: a `.docx` or `.odt` (by the
/// extension of `shown`) is extracted as plain text, whatever `language`
/// says; anything else must be UTF-8 text, in the format `language` names
/// or the extension tells.
pub fn load(shown: &Path, bytes: Vec<u8>, language: Option<&str>) -> Result<Loaded, String> {
    match Office::from_path(shown) {
        Some(kind) => {
            let e = crate::input::extract(kind, &bytes)
                .map_err(|e| format!("{}: cannot read this {} file: {e}", shown.display(), kind.name()))?;
            Ok(Loaded {
                text: e.text,
                format: Format::Plain,
                paragraphs: Some(e.paragraphs),
            })
        }
        None => Ok(Loaded {
            text: decode(shown, bytes)?,
            format: Format::detect(language, Some(shown)),
            paragraphs: None,
        }),
    }
}

/// Read and load a file (see [`load`]). A word-processor file larger than
/// [`MAX_FILE_BYTES`](crate::input::package::MAX_FILE_BYTES) is refused.
pub fn read_document(path: &Path, language: Option<&str>) -> Result<Loaded, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{shown}: is a directory"));
    }
    let max = crate::input::package::MAX_FILE_BYTES;
    if Office::from_path(path).is_some() && meta.len() > max {
        return Err(format!(
            "{shown}: {} bytes is more than the {} MiB a word-processor file may have",
            meta.len(),
            max / (1024 * 1024)
        ));
    }
    // Only a regular file, never more than the word-processor limit (a FIFO
    // or a device such as /dev/zero is refused, not read forever).
    let bytes = crate::config::read_bytes_capped(path, max)?;
    load(path, bytes, language)
}

/// Check bytes as text, with a message that says what is wrong with them.
fn decode(shown: &Path, bytes: Vec<u8>) -> Result<String, String> {
    let shown = shown.display();
    if bytes.contains(&0) {
        return Err(format!("{shown}: looks like a binary file, not text"));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown}: not valid UTF-8 text (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// What happened to one file.
enum Outcome {
    Checked(Report),
    Skipped(String),
    Failed(String),
}

fn skip_note(job: &Job, len: u64) -> String {
    format!(
        "skipping {}: {len} bytes is more than max-document-bytes ({})",
        job.shown.display(),
        job.project.config.max_document_bytes
    )
}

/// Why a file was not loaded.
pub enum NotLoaded {
    /// Over `max-document-bytes`: the note to print.
    Skipped(String),
    /// Unreadable: the error, naming the file.
    Failed(String),
}

/// Load a job's document: `given` (standard input), else the file. A text
/// file over the project's `max-document-bytes` is skipped unread; a
/// word-processor file is skipped when its extracted text is over it.
pub fn load_job(job: &Job, given: Option<&Loaded>, language: Option<&str>) -> Result<Loaded, NotLoaded> {
    let config = &job.project.config;
    let loaded = match given {
        Some(l) => l.clone(),
        None => {
            if let Ok(meta) = std::fs::metadata(&job.abs) {
                let office = Office::from_path(&job.shown).is_some();
                if !office && meta.is_file() && meta.len() > config.max_document_bytes as u64 {
                    return Err(NotLoaded::Skipped(skip_note(job, meta.len())));
                }
            }
            read_document(&job.shown, language).map_err(NotLoaded::Failed)?
        }
    };
    if loaded.text.len() > config.max_document_bytes {
        return Err(NotLoaded::Skipped(skip_note(job, loaded.text.len() as u64)));
    }
    Ok(loaded)
}

fn check_job(job: &Job, given: Option<&Loaded>, language: Option<&str>, cwd: &Path) -> Outcome {
    let loaded = match load_job(job, given, language) {
        Ok(l) => l,
        Err(NotLoaded::Skipped(note)) => return Outcome::Skipped(note),
        Err(NotLoaded::Failed(e)) => return Outcome::Failed(e),
    };
    let config = &job.project.config;
    Outcome::Checked(Report {
        path: job.shown.clone(),
        relative: output::relative_to(&job.abs, cwd),
        findings: loaded.check(config),
        rules_base_url: config.rules_base_url.clone(),
    })
}

/// A configuration error with its file shown relative to the current folder.
pub(crate) fn tidy_error(mut e: ConfigError, cwd: &Path) -> ConfigError {
    if let Ok(rel) = e.file.strip_prefix(cwd) {
        e.file = rel.to_path_buf();
    }
    e
}

pub(crate) fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if len <= 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(len as u64), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
        bar.set_style(style);
    }
    Some(bar)
}

pub fn run_check(args: &CheckArgs) -> ExitCode {
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut errors: Vec<String> = Vec::new();
    let mut configs = Configs::default();

    let (jobs, stdin_text) = if args.stdin {
        let shown = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("<stdin>"));
        let abs = walk::absolute(&args.stdin_filename.clone().unwrap_or_else(|| cwd.join("<stdin>")));
        let mut bytes = Vec::new();
        let max = crate::input::package::MAX_FILE_BYTES;
        if let Err(e) = std::io::stdin().lock().take(max + 1).read_to_end(&mut bytes) {
            eprintln!("peace-lsp: error: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        if bytes.len() as u64 > max {
            eprintln!(
                "peace-lsp: error: standard input is more than {} MiB; not checked",
                max / (1024 * 1024)
            );
            return ExitCode::from(2);
        }
        let text = match load(&shown, bytes, args.language.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("peace-lsp: error: {e}");
                return ExitCode::from(2);
            }
        };
        let jobs: Vec<Job> = configs
            .for_file(&abs)
            .map(|project| Job {
                shown: walk::tidy(&shown),
                abs,
                project,
            })
            .into_iter()
            .collect();
        (jobs, Some(text))
    } else {
        let default = [PathBuf::from(".")];
        let paths = if args.paths.is_empty() {
            &default[..]
        } else {
            &args.paths[..]
        };
        (walk::collect(paths, &mut configs, &mut errors), None)
    };
    let config_errors: Vec<String> = configs
        .errors
        .drain(..)
        .map(|e| tidy_error(e, &cwd).to_string())
        .collect();
    errors.splice(0..0, config_errors);

    let bar = progress_bar(jobs.len());
    let language = args.language.as_deref();
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| {
            let outcome = check_job(job, stdin_text.as_ref(), language, &cwd);
            if let Some(b) = &bar {
                b.inc(1);
            }
            outcome
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let mut reports = Vec::new();
    let mut skipped = 0;
    for o in outcomes {
        match o {
            Outcome::Checked(r) => reports.push(r),
            Outcome::Skipped(note) => {
                skipped += 1;
                eprintln!("peace-lsp: note: {note}");
            }
            Outcome::Failed(e) => errors.push(e),
        }
    }
    for e in &errors {
        eprintln!("peace-lsp: error: {e}");
    }

    let written = match args.format {
        OutputFormat::Human => {
            let mut out = anstream::stdout().lock();
            output::human(&mut out, &reports).and_then(|_| out.flush())
        }
        OutputFormat::Github => {
            let mut out = std::io::stdout().lock();
            output::github(&mut out, &reports).and_then(|_| out.flush())
        }
        OutputFormat::Json => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", output::json(&reports)).and_then(|_| out.flush())
        }
        OutputFormat::Sarif => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &output::sarif(&reports))
                .map_err(std::io::Error::from)
                .and_then(|_| writeln!(out))
                .and_then(|_| out.flush())
        }
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errors.push(format!("cannot write the output: {e}"));
            eprintln!("peace-lsp: error: cannot write the output: {e}");
        }
    }
    eprintln!(
        "{}",
        output::summary(&reports, skipped, errors.len(), started.elapsed())
    );

    let failing = args.fail_on.level().is_some_and(|min| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .any(|l| Level::of(l.finding.severity) >= min)
    });
    if !errors.is_empty() {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_explain(words: &[String], format: ExplainFormat) -> ExitCode {
    let db = Database::builtin();
    let query = words.join(" ");
    match db.lookup(&query) {
        Some(t) => {
            let markdown = explain_markdown(db, t);
            let terminal = match format {
                ExplainFormat::Auto => std::io::stdout().is_terminal(),
                ExplainFormat::Markdown => false,
                ExplainFormat::Terminal => true,
            };
            if terminal {
                // anstream drops the styles under NO_COLOR.
                let _ = write!(
                    anstream::stdout().lock(),
                    "{}",
                    terminal::render(&markdown, terminal::width())
                );
                return ExitCode::SUCCESS;
            }
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{markdown}");
            ExitCode::SUCCESS
        }
        None => {
            let near = db.suggest(&query, 5);
            if near.is_empty() {
                eprintln!("peace-lsp: unknown term {query:?}");
            } else {
                eprintln!("peace-lsp: unknown term {query:?}; did you mean: {}?", near.join(", "));
            }
            ExitCode::from(1)
        }
    }
}
