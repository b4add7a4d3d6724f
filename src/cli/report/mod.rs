//! `peace-lsp report`: a class report for teachers.
//!
//! The same walk, configuration and analysis as `check` (Markdown, LaTeX,
//! text, .docx and .odt, each with its project's `.peace-lsp.toml`), run in
//! parallel; then per essay its findings in context, its words and its use
//! of the five concepts ([`model`]), and over the class the findings and
//! essays per misconception and the concepts used and never defined.
//! Rendered as one self-contained HTML page ([`html`]), JSON, CSV (one row
//! per finding) or Markdown ([`formats`]). With `--anonymize` essays become
//! "Essay 1".."Essay N" in a random order and the names go to a separate
//! file.

pub use crate::analysis::aids::define;
pub mod formats;
pub mod html;
pub mod model;
pub mod pages;

use super::walk::{self, Configs};
use super::{load_job, progress_bar, tidy_error, NotLoaded};
use crate::input::Office;
use clap::ValueEnum;
use model::{ClassReport, Essay};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The essays: files and folders (Markdown, LaTeX, text, .docx, .odt);
    /// default `.`.
    pub paths: Vec<PathBuf>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format; default: from the output file's extension (.json,
    /// .csv, .md), else html.
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Call the essays "Essay 1".."Essay N" (numbered in a random order) and
    /// write which file is which to a separate file (see --mapping).
    #[arg(long)]
    pub anonymize: bool,
    /// With --anonymize: the file that gets the essay-to-file list (CSV);
    /// default: beside the output, named after it with `-names.csv`.
    #[arg(long, requires = "anonymize", value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The report's title.
    #[arg(long, default_value = "Class report")]
    pub title: String,
    /// Document format of text files (markdown, latex, plaintext), instead
    /// of guessing from the extension; .docx and .odt are always read as
    /// what they are.
    #[arg(long, value_parser = crate::cli::parse_language)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained page (inline CSS, SVG and script; no network).
    Html,
    /// Everything in the report, as one JSON object.
    Json,
    /// One row per finding: file, line, column, paragraph, character, note,
    /// code, severity, term, sentence, message.
    Csv,
    /// A Markdown document.
    #[value(alias = "md")]
    Markdown,
}

impl ReportFormat {
    fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" => ReportFormat::Html,
            "json" => ReportFormat::Json,
            "csv" => ReportFormat::Csv,
            "md" | "markdown" => ReportFormat::Markdown,
            _ => return None,
        })
    }
}

/// The file the names go to: `--mapping`, else `<output stem>-names.csv`
/// beside the output.
fn mapping_path(args: &ReportArgs) -> Option<PathBuf> {
    if let Some(m) = &args.mapping {
        return Some(m.clone());
    }
    let out = args.output.as_ref()?;
    let stem = out.file_stem()?.to_string_lossy();
    Some(out.with_file_name(format!("{stem}-names.csv")))
}

/// A shuffled 1..=n numbering (a random permutation from the standard
/// library's per-process random hash keys).
fn shuffled(n: usize) -> Vec<usize> {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut keyed: Vec<(u64, usize)> = (0..n)
        .map(|i| {
            let mut h = state.build_hasher();
            h.write_usize(i);
            (h.finish(), i)
        })
        .collect();
    keyed.sort_unstable();
    let mut number = vec![0; n];
    for (rank, (_, i)) in keyed.into_iter().enumerate() {
        number[i] = rank + 1;
    }
    number
}

/// Files that are one of `outputs` (compared canonically).
fn same_file(a: &Path, outputs: &[PathBuf]) -> bool {
    let a = std::fs::canonicalize(a).unwrap_or_else(|_| a.to_path_buf());
    outputs.iter().any(|o| std::fs::canonicalize(o).is_ok_and(|o| o == a))
}

/// The codes to list: every rule of the databases in use that some essay's
/// configuration leaves on, in the rule table's order, with the severity
/// it has there.
fn rule_codes(jobs: &[walk::Job]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen_projects = HashSet::new();
    let mut on_somewhere: HashSet<String> = HashSet::new();
    for job in jobs {
        if !seen_projects.insert(std::sync::Arc::as_ptr(&job.project)) {
            continue;
        }
        let config = &job.project.config;
        for rule in &config.db.rules {
            let default =
                crate::analysis::Severity::parse(rule.severity.as_str()).unwrap_or(crate::analysis::Severity::Hint);
            if let Some(s) = config.severity(&rule.code, default) {
                if on_somewhere.insert(rule.code.clone()) {
                    out.push((rule.code.clone(), s.as_str().to_string()));
                }
            }
        }
    }
    out
}

pub fn run_report(args: &ReportArgs) -> ExitCode {
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(ReportFormat::from_path))
        .unwrap_or(ReportFormat::Html);
    let mapping = if args.anonymize {
        match mapping_path(args) {
            Some(m) => Some(m),
            None => {
                eprintln!(
                    "peace-lsp: error: --anonymize needs a file for the names: give --mapping FILE (or -o FILE, beside which it goes)"
                );
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    if let (Some(m), Some(o)) = (&mapping, &args.output) {
        if walk::absolute(m) == walk::absolute(o) {
            eprintln!("peace-lsp: error: --mapping and -o name the same file");
            return ExitCode::from(2);
        }
    }

    let mut errors: Vec<String> = Vec::new();
    let mut configs = Configs::default();
    let default = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &default[..]
    } else {
        &args.paths[..]
    };
    let mut jobs = walk::collect(paths, &mut configs, &mut errors);
    let config_errors: Vec<String> = configs
        .errors
        .drain(..)
        .map(|e| tidy_error(e, &cwd).to_string())
        .collect();
    errors.splice(0..0, config_errors);
    // A report written among the essays is not an essay.
    let outputs: Vec<PathBuf> = args.output.iter().chain(mapping.iter()).cloned().collect();
    jobs.retain(|j| !same_file(&j.abs, &outputs));

    let bar = progress_bar(jobs.len());
    let language = args.language.as_deref();
    let results: Vec<Result<Essay, NotLoaded>> = jobs
        .par_iter()
        .map(|job| {
            let loaded = load_job(job, None, language);
            let result = loaded.map(|l| {
                let format = match Office::from_path(&job.shown) {
                    Some(Office::Docx) => "docx",
                    Some(Office::Odt) => "odt",
                    None => l.format.name(),
                };
                model::essay(&l, format, &job.project.config)
            });
            if let Some(b) = &bar {
                b.inc(1);
            }
            result
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let mut essays: Vec<(Essay, String)> = Vec::new();
    let mut not_included: Vec<String> = Vec::new();
    let mut skipped = 0;
    let mut unreadable = 0;
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(e) => essays.push((e, job.shown.display().to_string())),
            Err(NotLoaded::Skipped(note)) => {
                skipped += 1;
                eprintln!("peace-lsp: note: {note}");
                not_included.push(note);
            }
            Err(NotLoaded::Failed(e)) => {
                unreadable += 1;
                not_included.push(e.clone());
                errors.push(e);
            }
        }
    }
    for e in &errors {
        eprintln!("peace-lsp: error: {e}");
    }
    if args.anonymize {
        // Names would give the students away; say only how many.
        not_included.clear();
        if skipped > 0 {
            not_included.push(format!(
                "{skipped} file(s) over max-document-bytes (named in the terminal)"
            ));
        }
        if unreadable > 0 {
            not_included.push(format!(
                "{unreadable} file(s) that could not be read (named in the terminal)"
            ));
        }
    }

    // Number the essays: in path order, or shuffled when anonymized.
    let numbers: Vec<usize> = if args.anonymize {
        shuffled(essays.len())
    } else {
        (1..=essays.len()).collect()
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut numbered: Vec<Essay> = Vec::with_capacity(essays.len());
    for ((mut e, shown), n) in essays.into_iter().zip(numbers) {
        e.number = n;
        e.id = format!("essay-{n}");
        if args.anonymize {
            e.name = format!("Essay {n}");
            pairs.push((e.name.clone(), shown));
        } else {
            e.name = shown;
        }
        numbered.push(e);
    }
    numbered.sort_by_key(|e| e.number);
    pairs.sort_by_key(|(name, _)| name.trim_start_matches("Essay ").parse::<usize>().unwrap_or(0));

    let db = jobs
        .first()
        .map(|j| j.project.config.db.clone())
        .unwrap_or_else(|| std::sync::Arc::new(crate::config::DbRef::Builtin));
    let (totals, codes, concepts) = model::summarize(&numbered, &rule_codes(&jobs), &db);
    let report = ClassReport {
        title: args.title.clone(),
        generator: format!("peace-lsp {}", env!("CARGO_PKG_VERSION")),
        anonymized: args.anonymize,
        totals,
        codes,
        concepts,
        essays: numbered,
        not_included,
    };

    let rendered = match format {
        ReportFormat::Html => html::render(&report),
        ReportFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        ReportFormat::Csv => formats::csv(&report),
        ReportFormat::Markdown => formats::markdown(&report),
    };
    let mut write_error = false;
    if let Some(m) = &mapping {
        if let Err(e) = std::fs::write(m, formats::mapping_csv(&pairs)) {
            eprintln!("peace-lsp: error: cannot write the names to {}: {e}", m.display());
            // Without the key an anonymized report is useless: write nothing.
            return ExitCode::from(2);
        }
    }
    let written = match &args.output {
        Some(path) => std::fs::write(path, rendered.as_bytes())
            .map_err(|e| format!("cannot write the report to {}: {e}", path.display())),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(rendered.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the report: {e}")),
                _ => Ok(()),
            }
        }
    };
    if let Err(e) = written {
        eprintln!("peace-lsp: error: {e}");
        write_error = true;
    }

    let t = &report.totals;
    let mut line = format!(
        "reported {} essay{} ({} words) in {:.2}s: {} finding{} in {} essay{}",
        t.essays,
        if t.essays == 1 { "" } else { "s" },
        t.words,
        started.elapsed().as_secs_f64(),
        t.findings,
        if t.findings == 1 { "" } else { "s" },
        t.essays_with_findings,
        if t.essays_with_findings == 1 { "" } else { "s" },
    );
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    if !errors.is_empty() {
        line.push_str(&format!(
            ", {} error{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(o) = &args.output {
        line.push_str(&format!("; wrote {}", o.display()));
    }
    if let Some(m) = &mapping {
        line.push_str(&format!(" and the names to {} (keep it private)", m.display()));
    }
    eprintln!("{line}");
    if errors.is_empty() && !write_error {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffled_numbers_are_a_permutation() {
        let mut n = shuffled(50);
        n.sort_unstable();
        assert_eq!(n, (1..=50).collect::<Vec<_>>());
        assert!(shuffled(0).is_empty());
    }

    #[test]
    fn format_and_mapping_follow_the_output_name() {
        assert_eq!(ReportFormat::from_path(Path::new("r.CSV")), Some(ReportFormat::Csv));
        assert_eq!(ReportFormat::from_path(Path::new("r.md")), Some(ReportFormat::Markdown));
        assert_eq!(ReportFormat::from_path(Path::new("r.txt")), None);
        let args = ReportArgs {
            paths: Vec::new(),
            output: Some(PathBuf::from("out/report.html")),
            format: None,
            anonymize: true,
            mapping: None,
            title: String::new(),
            language: None,
        };
        assert_eq!(mapping_path(&args), Some(PathBuf::from("out/report-names.csv")));
    }
}
