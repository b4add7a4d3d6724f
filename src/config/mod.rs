//! Configuration: the project file `.peace-lsp.toml`, editor settings, and
//! the effective [`Config`] made from them (built-in defaults < editor
//! settings < project file). Knows nothing of LSP: the server and the CLI
//! both use it.
//!
//! A configuration error never panics: it is a [`ConfigError`] naming the
//! file, the line and the problem, and callers keep their last good config.

use crate::analysis::{Analysis, Finding, Severity};
use crate::terms::{CueSet, Database};
use crate::text::Format;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The project file's name.
pub const FILE_NAME: &str = ".peace-lsp.toml";

/// Default size guard: larger documents are not analysed.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Largest project file or glossary read (5 MB).
pub const MAX_CONFIG_BYTES: u64 = 5 * 1024 * 1024;

/// Longest `debounce-ms` accepted (a minute).
pub const MAX_DEBOUNCE_MS: u64 = 60_000;

/// Read a file as UTF-8 text, refusing anything that is not a regular file
/// (a FIFO, a device, `/dev/stdin`: opened without blocking, then refused)
/// and anything over `cap` bytes, with a message that says so.
pub fn read_capped(path: &Path, cap: u64) -> Result<String, String> {
    let bytes = read_bytes_capped(path, cap)?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not valid UTF-8 text (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// [`read_capped`] without the UTF-8 check.
pub fn read_bytes_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = path.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{shown}: is a directory"));
    }
    if !meta.is_file() {
        return Err(format!(
            "{shown}: not a regular file (a pipe, socket or device); not read"
        ));
    }
    if meta.len() > cap {
        return Err(format!(
            "{shown}: {} bytes is more than the limit of {cap} bytes",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("{shown}: more than the limit of {cap} bytes"));
    }
    Ok(bytes)
}

/// The user's own configuration folder for peace-lsp
/// (`$XDG_CONFIG_HOME/peace-lsp`, else `~/.config/peace-lsp`): glossaries
/// there may be named from any project.
pub fn user_config_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("peace-lsp"))
}

/// Where a glossary named `name` by a file in `base_dir` is, if it may be
/// read: a relative path without `..` that stays inside `base_dir` (links
/// resolved), or a path inside the user's configuration folder.
pub fn glossary_path(base_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let given = Path::new(name);
    if given.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(format!(
            "glossary `{name}`: `..` is not allowed; name a file inside the project folder"
        ));
    }
    let user_dir = user_config_dir();
    let outside = || {
        format!(
            "glossary `{name}` is outside the project folder {} (and the user's configuration folder); not read",
            base_dir.display()
        )
    };
    // An absolute path is refused before it is touched (`/dev/stdin`).
    if given.is_absolute() && !user_dir.as_ref().is_some_and(|d| given.starts_with(d)) {
        return Err(outside());
    }
    let candidate = if given.is_absolute() {
        given.to_path_buf()
    } else {
        base_dir.join(given)
    };
    let real = candidate
        .canonicalize()
        .map_err(|e| format!("cannot read glossary {}: {e}", candidate.display()))?;
    let inside = |root: &Path| root.canonicalize().is_ok_and(|r| real.starts_with(r));
    let in_project = given.is_relative() && inside(base_dir);
    let in_user_dir = user_dir.is_some_and(|d| inside(&d));
    if !in_project && !in_user_dir {
        return Err(outside());
    }
    Ok(real)
}

/// The level a rule runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Hint,
    Information,
    Warning,
    Error,
}

impl Level {
    pub const NAMES: &'static [&'static str] = &["off", "hint", "information", "warning", "error"];

    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.to_ascii_lowercase().as_str() {
            "off" | "none" | "false" => Level::Off,
            "hint" => Level::Hint,
            "information" | "info" => Level::Information,
            "warning" | "warn" => Level::Warning,
            "error" => Level::Error,
            _ => return None,
        })
    }

    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Hint => Some(Severity::Hint),
            Level::Information => Some(Severity::Information),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn of(severity: Severity) -> Level {
        match severity {
            Severity::Hint => Level::Hint,
            Severity::Information => Level::Information,
            Severity::Warning => Level::Warning,
            Severity::Error => Level::Error,
        }
    }
}

/// Options as written in `.peace-lsp.toml` (kebab-case) or sent by an editor
/// (camelCase). Every field is optional so that layers can be merged.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct Options {
    /// Code -> "off" | "hint" | "information" | "warning" | "error".
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// Extra term files in the format of `terms/`, merged over the built-in
    /// database (paths relative to the file that names them).
    #[serde(default)]
    pub glossaries: Vec<String>,
    /// Extra cue words, in the shape of `terms/cues.toml`.
    #[serde(default)]
    pub cue: Vec<CueSet>,
    /// Code -> extra exception phrases.
    #[serde(default)]
    pub exceptions: BTreeMap<String, Vec<String>>,
    /// Globs of files `peace-lsp check` looks at when walking directories.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files `peace-lsp check` skips.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default, alias = "maxDocumentBytes", alias = "max_document_bytes")]
    pub max_document_bytes: Option<usize>,
    #[serde(default, alias = "debounceMs", alias = "debounce_ms")]
    pub debounce_ms: Option<u64>,
    #[serde(default, alias = "rulesBaseUrl", alias = "rules_base_url")]
    pub rules_base_url: Option<String>,
    /// Offer completion of the vocabulary (default on).
    #[serde(default)]
    pub completion: Option<bool>,
    /// Offer a second completion item that adds a citation (default on).
    #[serde(default, alias = "completionCitations", alias = "completion_citations")]
    pub completion_citations: Option<bool>,
    /// Colour terms by concept (default on).
    #[serde(default, alias = "semanticTokens", alias = "semantic_tokens")]
    pub semantic_tokens: Option<bool>,
    /// The summary code lens on the first line (default off).
    #[serde(default, alias = "summaryLens", alias = "summary_lens")]
    pub summary_lens: Option<bool>,
}

/// Keys allowed in the project file (anything else is a typo to report).
const KEYS: &[&str] = &[
    "rules",
    "glossaries",
    "cue",
    "exceptions",
    "include",
    "exclude",
    "max-document-bytes",
    "debounce-ms",
    "rules-base-url",
    "completion",
    "completion-citations",
    "semantic-tokens",
    "summary-lens",
];

/// A problem in a configuration or glossary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// At most 60 characters of a value, for a message.
fn short(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// 1-based line where `key` is set (`key =` or `[key]`), for error messages.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let quoted = format!("\"{key}\"");
            (l.starts_with(key) && l[key.len()..].trim_start().starts_with('='))
                || (l.starts_with(&quoted) && l[quoted.len()..].trim_start().starts_with('='))
                || l.trim_end() == format!("[{key}]")
        })
        .map(|i| i + 1)
}

impl Options {
    /// Parse a project file. Unknown keys, bad levels and unknown rule codes
    /// are errors with their line.
    pub fn from_toml(path: &Path, text: &str) -> Result<Options, ConfigError> {
        let err = |line, message: String| ConfigError {
            file: path.to_path_buf(),
            line,
            message,
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            err(e.span().map(|s| line_of(text, s.start)), e.message().trim().to_string())
        })?;
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                return Err(err(
                    line_of_key(text, key),
                    format!("unknown setting `{key}` (expected one of: {})", KEYS.join(", ")),
                ));
            }
        }
        let options: Options = toml::from_str(text).map_err(|e: toml::de::Error| {
            err(e.span().map(|s| line_of(text, s.start)), e.message().trim().to_string())
        })?;
        options.check(|key, message| err(line_of_key(text, key), message))?;
        Ok(options)
    }

    /// Parse editor settings (JSON). Unknown keys are ignored (editors send
    /// their own settings in the same section); a null is no settings.
    pub fn from_json(value: &serde_json::Value) -> Result<Options, String> {
        if value.is_null() {
            return Ok(Options::default());
        }
        let options: Options = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        options.check(|_, message| message)?;
        Ok(options)
    }

    fn check<E>(&self, err: impl Fn(&str, String) -> E) -> Result<(), E> {
        let codes = known_codes();
        for (code, level) in &self.rules {
            if !codes.contains(&code.as_str()) && code != "unused-suppression" {
                return Err(err(
                    code,
                    format!("unknown rule `{code}` in [rules] (known: {})", codes.join(", ")),
                ));
            }
            if Level::parse(level).is_none() {
                return Err(err(
                    code,
                    format!(
                        "rule `{code}`: level `{level}` is not one of {}",
                        Level::NAMES.join(", ")
                    ),
                ));
            }
        }
        for code in self.exceptions.keys() {
            if !codes.contains(&code.as_str()) {
                return Err(err(code, format!("unknown rule `{code}` in [exceptions]")));
            }
        }
        if let Some(ms) = self.debounce_ms.filter(|&ms| ms > MAX_DEBOUNCE_MS) {
            return Err(err(
                "debounce-ms",
                format!("debounce-ms = {ms} is too long: at most {MAX_DEBOUNCE_MS} (a minute)"),
            ));
        }
        if let Some(url) = &self.rules_base_url {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.chars().any(char::is_control) {
                return Err(err(
                    "rules-base-url",
                    format!(
                        "rules-base-url must be an http:// or https:// address, not {:?}",
                        short(url)
                    ),
                ));
            }
        }
        for glob in self.include.iter().chain(&self.exclude) {
            if let Err(e) = globset::Glob::new(glob) {
                let key = if self.include.contains(glob) {
                    "include"
                } else {
                    "exclude"
                };
                return Err(err(key, format!("bad glob `{glob}`: {e}")));
            }
        }
        Ok(())
    }

    /// `self` over `base`: maps merge key by key, lists are appended, set
    /// values win.
    pub fn over(&self, base: &Options) -> Options {
        let mut out = base.clone();
        out.rules.extend(self.rules.clone());
        out.glossaries.extend(self.glossaries.clone());
        out.cue.extend(self.cue.clone());
        for (code, phrases) in &self.exceptions {
            out.exceptions.entry(code.clone()).or_default().extend(phrases.clone());
        }
        out.include.extend(self.include.clone());
        out.exclude.extend(self.exclude.clone());
        out.max_document_bytes = self.max_document_bytes.or(base.max_document_bytes);
        out.debounce_ms = self.debounce_ms.or(base.debounce_ms);
        out.rules_base_url = self.rules_base_url.clone().or_else(|| base.rules_base_url.clone());
        out.completion = self.completion.or(base.completion);
        out.completion_citations = self.completion_citations.or(base.completion_citations);
        out.semantic_tokens = self.semantic_tokens.or(base.semantic_tokens);
        out.summary_lens = self.summary_lens.or(base.summary_lens);
        out
    }
}

/// Every rule code the built-in database defines, plus `unused-suppression`.
pub fn known_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Database::builtin().rules.iter().map(|r| r.code.as_str()).collect();
    codes.dedup();
    codes.push(crate::analysis::UNUSED_SUPPRESSION);
    codes
}

/// The effective configuration for a document or a CLI run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Per-code level overrides.
    pub levels: BTreeMap<String, Level>,
    pub max_document_bytes: usize,
    pub debounce_ms: u64,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub rules_base_url: Option<String>,
    /// The learning aids the editor shows (see [`Aids`]).
    pub aids: Aids,
    /// The built-in database, or one with the project's glossaries, cue
    /// words and exceptions over it.
    pub db: Arc<DbRef>,
    /// The project file this came from, if any.
    pub file: Option<PathBuf>,
    /// Files whose change should reload this config: the project file and
    /// its glossaries.
    pub watched: Vec<PathBuf>,
}

/// Which learning aids are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aids {
    pub completion: bool,
    pub completion_citations: bool,
    pub semantic_tokens: bool,
    pub summary_lens: bool,
}

impl Default for Aids {
    fn default() -> Aids {
        Aids {
            completion: true,
            completion_citations: true,
            semantic_tokens: true,
            summary_lens: false,
        }
    }
}

impl Aids {
    fn from_options(o: &Options) -> Aids {
        let d = Aids::default();
        Aids {
            completion: o.completion.unwrap_or(d.completion),
            completion_citations: o.completion_citations.unwrap_or(d.completion_citations),
            semantic_tokens: o.semantic_tokens.unwrap_or(d.semantic_tokens),
            summary_lens: o.summary_lens.unwrap_or(d.summary_lens),
        }
    }
}

/// The built-in database (static) or one built for a project.
#[derive(Debug)]
pub enum DbRef {
    Builtin,
    Custom(Box<Database>),
}

impl std::ops::Deref for DbRef {
    type Target = Database;
    fn deref(&self) -> &Database {
        match self {
            DbRef::Builtin => Database::builtin(),
            DbRef::Custom(db) => db,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            levels: BTreeMap::new(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            debounce_ms: 0,
            include: Vec::new(),
            exclude: Vec::new(),
            rules_base_url: None,
            aids: Aids::default(),
            db: Arc::new(DbRef::Builtin),
            file: None,
            watched: Vec::new(),
        }
    }
}

impl Config {
    /// Build from options. `base_dir` resolves relative glossary paths
    /// (the project file's folder, or the workspace root for editor
    /// settings); `file` is the project file, for messages.
    pub fn build(options: &Options, base_dir: &Path, file: Option<&Path>) -> Result<Config, ConfigError> {
        let where_ = |line: Option<usize>, message: String| ConfigError {
            file: file.map_or_else(|| PathBuf::from("<editor settings>"), Path::to_path_buf),
            line,
            message,
        };
        let mut levels = BTreeMap::new();
        for (code, level) in &options.rules {
            let level =
                Level::parse(level).ok_or_else(|| where_(None, format!("rule `{code}`: bad level `{level}`")))?;
            levels.insert(code.clone(), level);
        }
        let mut watched: Vec<PathBuf> = file.map(Path::to_path_buf).into_iter().collect();
        let custom = !options.glossaries.is_empty() || !options.cue.is_empty() || !options.exceptions.is_empty();
        let db = if custom {
            let mut overlays = Vec::new();
            for g in &options.glossaries {
                let failed = |message: String| ConfigError {
                    file: file.map_or_else(|| base_dir.join(g), Path::to_path_buf),
                    line: file
                        .and_then(|f| read_capped(f, MAX_CONFIG_BYTES).ok())
                        .and_then(|t| line_of_key(&t, "glossaries")),
                    message,
                };
                let path = glossary_path(base_dir, g).map_err(failed)?;
                let text = read_capped(&path, MAX_CONFIG_BYTES).map_err(|e| failed(format!("glossary: {e}")))?;
                watched.push(path.clone());
                overlays.push((path.display().to_string(), text));
            }
            if !options.cue.is_empty() {
                #[derive(serde::Serialize)]
                struct Cues<'a> {
                    cue: &'a [CueSet],
                }
                let text = toml::to_string(&Cues { cue: &options.cue })
                    .map_err(|e| where_(None, format!("cue words: {e}")))?;
                let name = file.map_or_else(|| "<editor settings>".to_string(), |f| f.display().to_string());
                overlays.push((name, text));
            }
            let mut db = Database::with_overlays(overlays).map_err(|errors| {
                let e = &errors[0];
                let more = if errors.len() > 1 {
                    format!(" (and {} more)", errors.len() - 1)
                } else {
                    String::new()
                };
                let field = e.field.as_deref().map(|f| format!("field `{f}`: ")).unwrap_or_default();
                ConfigError {
                    file: PathBuf::from(&e.file),
                    line: e.line,
                    message: format!("{field}{}{more}", e.message),
                }
            })?;
            db.add_exceptions(&options.exceptions);
            Arc::new(DbRef::Custom(Box::new(db)))
        } else {
            Arc::new(DbRef::Builtin)
        };
        Ok(Config {
            levels,
            max_document_bytes: options.max_document_bytes.unwrap_or(DEFAULT_MAX_DOCUMENT_BYTES),
            debounce_ms: options.debounce_ms.unwrap_or(0),
            include: options.include.clone(),
            exclude: options.exclude.clone(),
            rules_base_url: options.rules_base_url.clone(),
            aids: Aids::from_options(options),
            db,
            file: file.map(Path::to_path_buf),
            watched,
        })
    }

    /// The configuration for a path: editor options, with the nearest
    /// project file (searched from `start` up to `root`) over them.
    pub fn for_path(start: &Path, root: Option<&Path>, editor: &Options) -> Result<Config, ConfigError> {
        match find_project_file(start, root) {
            Some(file) => {
                let text = read_capped(&file, MAX_CONFIG_BYTES).map_err(|message| ConfigError {
                    file: file.clone(),
                    line: None,
                    message,
                })?;
                let project = Options::from_toml(&file, &text)?;
                let dir = file.parent().unwrap_or(Path::new("."));
                Config::build(&project.over(editor), dir, Some(&file))
            }
            None => Config::build(editor, root.unwrap_or(start), None),
        }
    }

    /// The severity of a code, or `None` when it is off.
    pub fn severity(&self, code: &str, default: Severity) -> Option<Severity> {
        match self.levels.get(code) {
            Some(level) => level.severity(),
            None => Some(default),
        }
    }

    /// Analyse a document under this configuration: its database, then its
    /// levels. The one way the server, `check` and the class report analyse.
    pub fn analyze(&self, source: &str, format: Format) -> Analysis {
        self.analyze_until(source, format, &|| false)
    }

    /// [`Config::analyze`] that stops before a sentence when `stop` says so.
    pub fn analyze_until(&self, source: &str, format: Format, stop: &crate::analysis::Stop<'_>) -> Analysis {
        let mut a = crate::analysis::analyze_until(source, format, &self.db, stop);
        a.findings = self.apply(std::mem::take(&mut a.findings));
        a
    }

    /// [`Config::analyze_until`] through a document's cache: what the
    /// previous analysis in `cache` found still holds where the text did
    /// not change (see [`crate::analysis::Incremental`]). The cache is
    /// keyed by this configuration's database.
    /// The text is the one `fill` writes (see
    /// [`crate::analysis::Incremental::update_with`]).
    pub fn analyze_cached(
        &self,
        cache: &mut crate::analysis::Incremental,
        fill: impl FnOnce(&mut String),
        format: Format,
        stop: &crate::analysis::Stop<'_>,
    ) -> Analysis {
        let mut a = cache.update_with(fill, format, &self.db, &mut |_| {}, stop);
        a.findings = self.apply(std::mem::take(&mut a.findings));
        a
    }

    /// Apply the per-code levels: drop what is off, set the rest.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                f.severity = self.severity(&f.code, f.severity)?;
                Some(f)
            })
            .collect()
    }
}

/// The nearest `.peace-lsp.toml` at or above `start` (a file or folder),
/// not going above `root` when one is given.
pub fn find_project_file(start: &Path, root: Option<&Path>) -> Option<PathBuf> {
    let mut dir = if start.is_dir() { Some(start) } else { start.parent() };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if root.is_some_and(|r| d == r) {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Set `[rules] CODE = "off"` in a project file's text, keeping the user's
/// formatting and comments (toml_edit). An empty text makes a new file.
pub fn turn_off(text: &str, code: &str) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    if !doc.contains_key("rules") {
        doc["rules"] = toml_edit::table();
    }
    let rules = doc["rules"].as_table_like_mut().ok_or("`rules` is not a table")?;
    rules.insert(code, toml_edit::value("off"));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests;
