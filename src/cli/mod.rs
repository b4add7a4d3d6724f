//! Command-line interface: `peace-lsp [lsp|--stdio]`, `peace-lsp check`,
//! `peace-lsp explain`.

use crate::analysis::{analyze, Finding};
use crate::document::Document;
use crate::terms::{explain_markdown, Database};
use crate::text::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Check files and print findings like a compiler.
    Check {
        /// Files to check (Markdown, LaTeX or plain text).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// Document format, instead of guessing from the file extension.
        #[arg(long)]
        language: Option<String>,
    },
    /// Explain a term: definition, contrast and sources.
    Explain {
        /// The term, e.g. "blue helmets" or UNEF I.
        #[arg(required = true, num_args = 1..)]
        term: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

/// A finding with its file and 1-based line and character column.
pub struct Located<'a> {
    pub path: &'a Path,
    pub line: usize,
    pub column: usize,
    pub finding: Finding,
}

/// Analyse one file's text and locate the findings.
pub fn check_text<'a>(path: &'a Path, text: &str, format: Format, db: &Database) -> Vec<Located<'a>> {
    let doc = Document::new(text, 0, format.name());
    analyze(text, format, db)
        .findings
        .into_iter()
        .map(|f| {
            let (line, col) = doc.char_column(f.range.start);
            Located {
                path,
                line: line + 1,
                column: col + 1,
                finding: f,
            }
        })
        .collect()
}

/// Read a file as text, with a message that says what is wrong with it.
pub fn read_text(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{shown}: is a directory; pass the files to check"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
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

pub fn run_check(paths: &[PathBuf], out_format: OutputFormat, language: Option<&str>) -> ExitCode {
    let db = Database::builtin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut errors = 0;
    let mut findings = 0;
    let mut json = Vec::new();
    for path in paths {
        let text = match read_text(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("peace-lsp: error: {e}");
                errors += 1;
                continue;
            }
        };
        let format = Format::detect(language, Some(path));
        for l in check_text(path, &text, format, db) {
            findings += 1;
            match out_format {
                OutputFormat::Human => {
                    let f = &l.finding;
                    let _ = writeln!(
                        out,
                        "{}:{}:{}: {}[{}]: {}",
                        l.path.display(),
                        l.line,
                        l.column,
                        f.severity.as_str(),
                        f.code,
                        f.message
                    );
                }
                OutputFormat::Json => json.push(serde_json::json!({
                    "path": l.path.display().to_string(),
                    "line": l.line,
                    "column": l.column,
                    "severity": l.finding.severity.as_str(),
                    "code": l.finding.code,
                    "message": l.finding.message,
                    "text": text[l.finding.range.clone()],
                })),
            }
        }
    }
    if let OutputFormat::Json = out_format {
        let _ = writeln!(out, "{}", serde_json::Value::Array(json));
    }
    let _ = out.flush();
    if errors > 0 {
        ExitCode::from(2)
    } else if findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_explain(words: &[String]) -> ExitCode {
    let db = Database::builtin();
    let query = words.join(" ");
    match db.lookup(&query) {
        Some(t) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", explain_markdown(db, t));
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
